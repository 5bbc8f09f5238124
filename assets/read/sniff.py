"""Tell what a file is from its bytes (magic numbers and markup), never from its name.

Portals serve PDFs from ``download.jsp?id=…`` and error pages as ``….pdf``: the name lies.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .doc, .wps, .xls: OLE2 compound files
_HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|span|br|script)[\s>/]", re.IGNORECASE
)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")


def sniff_media(data: bytes) -> str:
    """``pdf``, ``docx``, ``doc``, ``html``, ``txt``, or what we cannot read:
    ``image``, ``xlsx``, ``zip``, ``empty``."""
    if not data.strip():
        return "empty"
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_media(data)
    if data.startswith(OLE2_MAGIC):
        return "doc"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if _HTML_MARKUP.search(data[:4096]):
        return "html"
    return "txt"


def _zip_media(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"
