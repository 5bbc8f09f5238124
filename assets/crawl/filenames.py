"""Attachment file names from ``Content-Disposition``, in whatever encoding servers send.

The name is a label for people and a format hint (``.wps``): it is never joined to a path.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote_to_bytes

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
