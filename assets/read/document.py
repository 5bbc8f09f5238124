"""What every reader returns: a document as blocks of text and tables, in reading order.

Readers (HTML, PDF, DOCX, DOC, text, scans) differ; the report stage sees only this shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Media = Literal["html", "pdf", "docx", "doc", "txt"]


@dataclass(frozen=True)
class Paragraph:
    """A run of text: a paragraph, a heading, or one line of a flattened document."""

    text: str
    page: int | None = None


@dataclass(frozen=True)
class Table:
    """A table as a rectangular grid of cell texts.

    ``grid[r][c]`` is the text of the cell whose top-left corner is at (r, c): ``""`` for a
    cell that is really empty, ``None`` for a slot covered by a merged cell (rowspan/colspan,
    vMerge/gridSpan, pdfplumber's merged cells). ``spans`` maps the top-left slot of each
    merged cell to its (rowspan, colspan), where the reader knows it. ``filled()`` copies
    merged text into the slots it covers, which is what label matching usually wants.
    """

    grid: tuple[tuple[str | None, ...], ...]
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, hash=False)
    page: int | None = None  # first page the table sits on (PDF), 1-based
    pages: tuple[int, ...] = ()  # every page it spans, when joined across a page break

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.grid), default=0)

    def filled(self) -> list[list[str]]:
        """The grid with each covered slot holding its merged cell's text.

        Known spans are copied exactly; a covered slot with no known span takes the text to
        its left in the same row, else the text above it.
        """
        out = [[t for t in row] for row in self.grid]
        for (r0, c0), (rs, cs) in self.spans.items():
            text = self.grid[r0][c0] or ""
            for r in range(r0, min(r0 + rs, len(out))):
                for c in range(c0, min(c0 + cs, len(out[r]))):
                    if (r, c) != (r0, c0) and out[r][c] is None:
                        out[r][c] = text
        for r, row in enumerate(out):
            for c, text in enumerate(row):
                if text is None:
                    if c > 0:
                        row[c] = row[c - 1] or ""
                    elif r > 0 and c < len(out[r - 1]):
                        row[c] = out[r - 1][c] or ""
                    else:
                        row[c] = ""
        return out  # type: ignore[return-value]


Block = Paragraph | Table


@dataclass
class Document:
    """One published file, read. ``blocks`` keep the document's order of text and tables."""

    source: str  # a path or URL naming the file
    media: Media
    blocks: list[Block] = field(default_factory=list)
    title_hint: str | None = None  # <title>, DOCX core title, PDF metadata title
    needs_ocr: bool = False  # pages without a text layer that could not be read
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def text(self) -> str:
        """Every paragraph joined by newlines (table text left out)."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Paragraph))


class UnreadableDocument(Exception):
    """A file the readers cannot read; the message is the recorded reason."""
