"""Plain text (and text the converters produced): every line is a Paragraph, tabs kept."""

from __future__ import annotations

from gongkai.assets.files import decode_text
from gongkai.assets.read.document import Document, Paragraph


def read_text(data: bytes, source: str, title_hint: str | None = None) -> Document:
    text, _ = decode_text(data, source=source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    # A line of only tabs is kept: in one-cell-per-line flattenings it stands for empty cells.
    blocks = [Paragraph(line.rstrip(" ")) for line in text.split("\n") if line.strip(" ")]
    return Document(source=source, media="txt", blocks=list(blocks), title_hint=title_hint)
