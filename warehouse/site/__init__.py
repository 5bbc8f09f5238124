"""The report site (`gongkai report`): the warehouse as static HTML pages with SVG charts that
open from disk with no network. figures.py holds every figure's SQL, charts.py draws them,
pages.py writes the HTML, build.py puts the pages together."""
