"""The canonical cells of the report format (``cells.csv``, a copy of the project spec).

Every stage keys table values by (table_id, row_id, col_id) from this file and nothing else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

FORMAT_VERSIONS = ("2021", "2019", "pre2019")


@dataclass(frozen=True)
class CellSpec:
    formats: str  # "2019", "2021" or "both"
    table_id: str
    row_id: str
    col_id: str
    row_label: str
    col_label: str
    unit: str  # "count" or "10k_yuan"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table_id, self.row_id, self.col_id)

    def in_format(self, format_version: str) -> bool:
        return self.formats == "both" or self.formats == format_version


@cache
def all_cells() -> tuple[CellSpec, ...]:
    text = resources.files("gongkai.assets.form").joinpath("cells.csv").read_text(encoding="utf-8")
    return tuple(CellSpec(**row) for row in csv.DictReader(text.splitlines()))


@cache
def cells_for(format_version: str) -> tuple[CellSpec, ...]:
    """The cells a report of this format has (200 for 2021, 198 for 2019, none for pre2019)."""
    return tuple(c for c in all_cells() if c.in_format(format_version))


def _ids(table_id: str, row_id: str | None = None) -> tuple[str, ...]:
    """Row ids of a table (row_id None) or column ids of one of its rows, in cells.csv order."""
    cells = [c for c in all_cells() if c.table_id == table_id]
    picked = [c.row_id for c in cells] if row_id is None else [
        c.col_id for c in cells if c.row_id == row_id]
    return tuple(dict.fromkeys(picked))


# t3's columns: the six applicant kinds, then their total; t4: three rows of five outcomes.
T3_COLS = _ids("t3", "received_new")
APPLICANTS = tuple(c for c in T3_COLS if c != "total")
T4_ROWS = _ids("t4")
T4_COLS = _ids("t4", "review")
