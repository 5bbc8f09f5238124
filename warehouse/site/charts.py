"""The site's charts: Vega-Lite declared with altair over a figure's rows, rendered to SVG by
vl-convert (no browser, no JavaScript in the page). The rows come from figures.py as they are;
a chart only chooses marks and encodings.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt

STATUS_COLOURS = {"published": "#2e7d32", "needs_ocr": "#ef6c00", "unreadable": "#c62828", "missing": "#cfd8dc"}
OUTCOME_ORDER = ["granted", "partly_granted", "denied", "unable", "rejected", "other"]
WIDTH = 520


def _base(rows: list[dict]) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows))


def _year() -> alt.X:
    return alt.X("year:O", title="year", axis=alt.Axis(labelAngle=0))


def heat_grid(rows: list[dict], *, row: str, colour: alt.Color, text: str | None, tooltip: list[str]) -> alt.LayerChart:
    grid = _base(rows).encode(_year(), alt.Y(f"{row}:N", title=None, sort=None))
    layers = [grid.mark_rect(stroke="white", strokeWidth=1).encode(colour, tooltip=tooltip)]
    if text:
        layers.append(grid.mark_text(fontSize=10).encode(text=alt.Text(text)))
    return alt.layer(*layers).properties(width=alt.Step(48), height=alt.Step(20))


def coverage_by_province(rows: list[dict]) -> alt.LayerChart:
    rows = [{**r, "label": f"{r['published']}/{r['agencies']}"} for r in rows]
    colour = alt.Color("published_share:Q", title="published", scale=alt.Scale(domain=[0, 1], scheme="greens"),
                       legend=alt.Legend(format="%"))
    return heat_grid(rows, row="province", colour=colour, text="label:N",
                     tooltip=["province:N", "year:O", "agencies:Q", "published:Q", "missing:Q", "unreadable:Q"])


def coverage_by_agency(rows: list[dict]) -> alt.LayerChart:
    colour = alt.Color("status:N", title="status", scale=alt.Scale(
        domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())))
    return heat_grid(rows, row="agency", colour=colour, text=None, tooltip=["agency:N", "year:O", "status:N"])


def check_failure_rates(rows: list[dict]) -> alt.LayerChart:
    rows = [{**r, "label": f"{r['failing']}/{r['reports']}"} for r in rows]
    colour = alt.Color("share:Q", title="reports failing", scale=alt.Scale(domain=[0, 1], scheme="reds"),
                       legend=alt.Legend(format="%"))
    return heat_grid(rows, row="rule", colour=colour, text="label:N",
                     tooltip=["rule:N", "year:O", "failing:Q", "reports:Q"])


def lines(value: str, series: str | None, title: str, percent: bool = False) -> Callable[[list[dict]], alt.Chart]:
    def chart(rows: list[dict]) -> alt.Chart:
        y = alt.Y(f"{value}:Q", title=title, axis=alt.Axis(format="%") if percent else alt.Axis(),
                  scale=alt.Scale(zero=True))
        encodings = [_year(), y]
        if series:
            encodings.append(alt.Color(f"{series}:N", title=None))
        return _base(rows).mark_line(point=True).encode(*encodings).properties(width=WIDTH, height=220)
    return chart


def stacked_shares(series: str, order: list[str] | None = None) -> Callable[[list[dict]], alt.Chart]:
    def chart(rows: list[dict]) -> alt.Chart:
        colour = alt.Color(f"{series}:N", title=None, sort=order)
        return _base(rows).mark_bar().encode(
            _year(), alt.Y("share:Q", title="share", axis=alt.Axis(format="%"), stack="normalize"),
            colour, alt.Order(f"{series}:N"), tooltip=[f"{series}:N", "year:O", "applications:Q"],
        ).properties(width=WIDTH, height=220)
    return chart


def repetition(rows: list[dict]) -> alt.LayerChart:
    rows = [{**r, "label": f"{100 * r['share']:.0f}%"} for r in rows]
    colour = alt.Color("share:Q", title="repeated", scale=alt.Scale(domain=[0, 1], scheme="purples"),
                       legend=alt.Legend(format="%"))
    return heat_grid(rows, row="section", colour=colour, text="label:N",
                     tooltip=["section:N", "year:O", "repeated:Q", "sentences:Q"])


# figure key → chart over its rows (a figure not here is a table)
CHARTS: dict[str, Callable[[list[dict]], alt.TopLevelMixin]] = {
    "coverage_by_province": coverage_by_province,
    "coverage_by_agency": coverage_by_agency,
    "check_failure_rates": check_failure_rates,
    "applications": lines("applications", "measure", "applications"),
    "outcomes": stacked_shares("outcome", OUTCOME_ORDER),
    "substantive_disclosure": lines("rate", None, "granted or partly granted", percent=True),
    "denial_grounds": stacked_shares("ground"),
    "correction_rates": lines("rate", "kind", "corrected", percent=True),
    "carry_over": lines("rate", None, "carried forward", percent=True),
    "repetition": repetition,
}


def chart_spec(key: str, rows: list[dict], validate: bool = True) -> dict:
    """The figure's Vega-Lite spec. The site skips altair's schema validation (a tenth of a
    second a chart); the tests validate every chart. The default font: naming a CJK font makes
    vl-convert measure text several times slower, and the browser falls back to one anyway."""
    # Rows stay inline: moving them to named datasets (altair's default) hashes every row.
    with alt.data_transformers.enable(consolidate_datasets=False):
        return CHARTS[key](rows).configure_view(stroke=None).to_dict(validate=validate)


def render_svg(key: str, rows: list[dict], id_prefix: str) -> str:
    """The figure's chart as an SVG element to inline in a page. Ids inside it get `id_prefix`
    so several charts on one page never share a clip path or gradient."""
    import vl_convert as vlc

    spec = chart_spec(key, rows, validate=False)
    # No data from anywhere but the spec itself: the page must open with no network.
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{id_prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{id_prefix}-{m.group(1)})", svg)
    return svg
