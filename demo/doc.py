"""One report document to render: its truth cells, how each cell is printed, and its prose."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.demo.model import Cells
from gongkai.demo.narrative import Block


@dataclass
class ReportDoc:
    doc_id: str
    agency: str | None
    year: int
    fv: str  # format version of the tables: "2021" | "2019"
    title: str | None
    cells: Cells  # the truth: None = printed empty
    blocks: list[Block]
    printed_as: dict[str, str] = field(default_factory=dict)  # e.g. a 0 printed "—" or "无"
    quirks: list[str] = field(default_factory=list)

    def text(self, key: str) -> str:
        """How the document prints a cell."""
        if key in self.printed_as:
            return self.printed_as[key]
        value = self.cells[key]
        if value is None:
            return ""
        if isinstance(value, float):
            if key.startswith("t2|procurement|"):
                return f"{value:.4f}"  # the 2019 header asks for 4 decimals
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return str(value)
