"""What a downloaded body is (by its bytes, not its URL) and what the server calls it.

Portals serve PDFs as ``application/octet-stream`` from ``download.jsp?id=…`` and error pages
as ``200 text/html`` at ``….pdf``: only the content tells them apart.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|script|!--)",
    re.IGNORECASE | re.DOTALL,
)


def sniff_media(data: bytes, name_hint: str | None = None) -> str:
    """``pdf``, ``docx``, ``xlsx``, ``doc``, ``xls``, ``wps``, ``image``, ``html``, … or ``unknown``.

    ``name_hint`` (a URL or file name) only separates formats the bytes cannot: a Kingsoft
    ``.wps`` file is an OLE compound file much like a ``.doc``.
    """
    head = data[:8]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_media(data)
    if head.startswith(_OLE):
        return _ole_media(data, name_hint)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(data[:2048]) or re.search(rb"<html[\s>]", data[:4096], re.IGNORECASE):
        return "html"
    return "unknown"


def _zip_media(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


def _ole_media(data: bytes, name_hint: str | None) -> str:
    ext = _extension(name_hint)
    if ext in ("wps", "et", "dps"):
        return ext
    # Directory entries hold stream names in UTF-16LE.
    is_word = "WordDocument".encode("utf-16-le") in data
    if is_word:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") + b"\x00\x00" in data:
        return "xls"
    return ext if ext in ("doc", "xls", "ppt") else "ole"


def _extension(name: str | None) -> str | None:
    if not name:
        return None
    path = urlsplit(name).path if "://" in name else name
    suffix = PurePosixPath(unquote(path)).suffix.lower().lstrip(".")
    return suffix or None


# --- Content-Disposition -------------------------------------------------------------------

_FILENAME_STAR = re.compile(rb"filename\*\s*=\s*([\w!#$%&+^`{}~.-]*)'[\w-]*'([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(rb"filename\s*=\s*(\"((?:[^\"\\]|\\.)*)\"|[^;]+)", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


def _decode_header_bytes(raw: bytes) -> str:
    """Header bytes as text: UTF-8 when valid, else GBK (as gb18030), as Chinese servers send."""
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def filename_from_content_disposition(value: bytes | str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, sanitised, or None.

    Prefers RFC 5987 ``filename*=UTF-8''…``; else ``filename="…"`` whose raw bytes may be
    UTF-8, GBK or %-encoded. The result is a label for people and a format hint: it is never
    joined to a filesystem path.
    """
    if value is None:
        return None
    raw = value if isinstance(value, bytes) else value.encode("latin-1", errors="replace")
    m = _FILENAME_STAR.search(raw)
    if m:
        charset = (m.group(1) or b"utf-8").decode("ascii", "replace") or "utf-8"
        encoded = unquote_to_bytes(m.group(2).strip().strip(b'"'))
        try:
            name = encoded.decode("gb18030" if charset.lower() in ("gbk", "gb2312") else charset)
        except (UnicodeDecodeError, LookupError):
            name = _decode_header_bytes(encoded)
        return sanitise_filename(name)
    m = _FILENAME.search(raw)
    if not m:
        return None
    token = m.group(2) if m.group(2) is not None else m.group(1).strip()
    token = re.sub(rb"\\(.)", rb"\1", token)
    if re.search(rb"%[0-9A-Fa-f]{2}", token):
        # Many Java servers %-encode the UTF-8 (or GBK) name inside plain filename=.
        token = unquote_to_bytes(token)
    return sanitise_filename(_decode_header_bytes(token))


def sanitise_filename(name: str, max_length: int = 200) -> str | None:
    """A harmless display name: last path component, no control or reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or set(name) <= {"_"}:
        return None
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: max_length - len(ext) - 1] + "." + ext)
            if dot and len(ext) <= 8
            else name[:max_length]
        )
    return name
