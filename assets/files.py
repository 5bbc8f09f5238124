"""What a published file is, and how its text is encoded: by its bytes, never by its name.

Shared by the crawl (list pages, article pages, attachments) and the readers. Portals serve
PDFs as ``application/octet-stream`` from ``download.jsp?id=…``, error pages as ``200
text/html`` at ``….pdf``, and pages that declare gb2312 while holding GBK-only characters (镕)
or declare gbk while being UTF-8.
"""

from __future__ import annotations

import codecs
import logging
import re
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

# --- media -----------------------------------------------------------------------------------

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .doc, .wps, .xls: OLE2 compound files
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|span|br|script)[\s>/]", re.IGNORECASE
)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # control bytes text does not hold


def sniff_media(data: bytes, name_hint: str | None = None) -> str:
    """``pdf``, ``docx``, ``doc``, ``wps``, ``html``, ``txt``; or what no reader reads:
    ``xlsx``, ``xls``, ``pptx``, ``zip``, ``image``, ``rtf``, ``empty``, ``unknown``.

    ``name_hint`` (a URL or file name) only separates what the bytes cannot: a Kingsoft
    ``.wps`` file is an OLE2 compound file much like a ``.doc``.
    """
    if not data.strip():
        return "empty"
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_media(data)
    if data.startswith(OLE2_MAGIC):
        return _ole_media(data, name_hint)
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_MARKUP.search(data[:4096]):
        return "html"
    if _BINARY.search(data[:4096]):
        return "unknown"
    return "txt"


def _zip_media(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


def _ole_media(data: bytes, name_hint: str | None) -> str:
    ext = file_extension(name_hint)
    if ext in ("wps", "et", "dps"):
        return ext
    # Directory entries hold stream names in UTF-16LE.
    if "Workbook".encode("utf-16-le") in data and "WordDocument".encode("utf-16-le") not in data:
        return "xls"
    # Word documents are what agencies attach; LibreOffice says so if it is something else.
    return "doc"


def file_extension(name: str | None) -> str | None:
    """The lower-case extension of a file name or URL path (``年报.WPS`` → ``wps``)."""
    if not name:
        return None
    path = urlsplit(name).path if "://" in name else name
    suffix = PurePosixPath(unquote(path)).suffix.lower().lstrip(".")
    return suffix or None


# --- text encodings --------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Declared Chinese charsets that are in practice GBK-or-wider: decode all of them as gb18030.
_GB_FAMILY = {
    "gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "ms936", "euc-cn", "csgb2312",
    "gb18030", "windows-936", "chinese", "iso-ir-58", "hz-gb-2312",
}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in ("gb2312", "gbk") else codec


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset the HTTP header, else the page itself (meta tag, XML declaration), declares."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        found = normalise_charset(m.group(1)) if m else None
        if found:
            return found
    head = data[:8192]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        m = pattern.search(head)
        if m:
            found = normalise_charset(m.group(1).decode("ascii", "replace"))
            if found:
                return found
    return None


def decode_text(data: bytes, content_type: str | None = None, *, source: str = "") -> tuple[str, str]:
    """(text, encoding used) of an HTML, XML or text body. Never raises.

    Order: BOM; valid UTF-8 (a page declaring gbk may be UTF-8, and GB18030 "decodes" UTF-8
    bytes into mojibake without an error, while GBK text is almost never valid UTF-8); the
    declared charset (header, then markup); gb18030; last, the declared charset with
    replacement characters.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    declared = declared_charset(data, content_type)
    order = ("utf-8", declared, "gb18030") if not data.isascii() else (declared, "utf-8")
    for codec in dict.fromkeys(c for c in order if c):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if declared and codec != declared and not data.isascii():
            log.info("%s: declared %s but decodes as %s", source or "page", declared, codec)
        return text, codec
    fallback = declared or "gb18030"
    log.warning("%s: no charset decodes cleanly; using %s with replacement", source or "page", fallback)
    return data.decode(fallback, errors="replace"), fallback
