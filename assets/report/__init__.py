"""Turn a read `Document` into a `Report`: canonical cells, sections, agency, year, checks."""
