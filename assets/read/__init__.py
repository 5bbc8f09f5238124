"""Read published files (HTML, PDF, DOCX, DOC, text) into `Document`s.

    read_bytes(data, source) -> Document      # media sniffed from the bytes
    read_file(path) -> Document

Both raise `UnreadableDocument` (with the reason) for files no reader can read, and for
files over the limits of `assets.read.limits` (size, zip bombs, DTDs, absurd nesting).
"""

from __future__ import annotations

import logging
from pathlib import Path

from gongkai.assets.files import sniff_media
from gongkai.assets.read import limits
from gongkai.assets.read.document import Block, Document, Paragraph, Table, UnreadableDocument

log = logging.getLogger(__name__)

__all__ = [
    "Block",
    "Document",
    "Paragraph",
    "Table",
    "UnreadableDocument",
    "read_bytes",
    "read_file",
    "resolve_media",
    "sniff_media",
]

# What callers (the crawler) may call a file, mapped to the reader that reads it.
_MEDIA_ALIASES = {
    "htm": "html", "shtml": "html", "text": "txt", "md": "txt", "wps": "doc",
}


def resolve_media(data: bytes, media: str | None = None) -> str:
    """The reader to use. The bytes decide; a caller's ``media`` only settles what the
    bytes cannot (markup-free HTML fragments vs text)."""
    sniffed = _MEDIA_ALIASES.get(sniff_media(data), sniff_media(data))
    hinted = _MEDIA_ALIASES.get((media or "").lower(), (media or "").lower()) or None
    if sniffed in ("html", "txt") and hinted in ("html", "txt"):
        return hinted
    return sniffed


def read_bytes(data: bytes, source: str, *, media: str | None = None,
               title_hint: str | None = None) -> Document:
    kind = resolve_media(data, media)
    limits.check_size(data, kind)
    if kind == "pdf":
        from gongkai.assets.read.pdf import read_pdf
        return read_pdf(data, source, title_hint)
    if kind == "docx":
        from gongkai.assets.read.word import read_docx
        limits.check_docx_package(data)
        return read_docx(data, source, title_hint)
    if kind == "doc":
        from gongkai.assets.read.word import read_doc
        return read_doc(data, source, title_hint)
    if kind == "html":
        from gongkai.assets.read.html import read_html
        return read_html(data, source, title_hint)
    if kind == "txt":
        from gongkai.assets.read.text import read_text
        return read_text(data, source, title_hint)
    reasons = {
        "empty": "the file is empty",
        "image": "the file is an image (a scan): needs OCR, which this reader does not do",
        "xlsx": "the file is a spreadsheet (xlsx), which this reader does not read",
        "zip": "the file is a zip archive, not a DOCX",
    }
    raise UnreadableDocument(reasons.get(kind, f"unsupported file type: {kind}"))


def read_file(path: str | Path, *, media: str | None = None,
              title_hint: str | None = None) -> Document:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot open {p}: {exc.strerror or exc}") from exc
    return read_bytes(data, str(p), media=media, title_hint=title_hint)
