"""Decode HTML (and XML) bytes from Chinese government portals into text.

httpx never looks at ``<meta charset>``, and pages declared gb2312 or gbk routinely hold
characters outside GB2312 (镕, 堃, 喆): gb18030 is a superset of both, so we decode them as
gb18030. Order: BOM, HTTP header, in-document declaration, then UTF-8 strict, then gb18030.
"""

from __future__ import annotations

import codecs
import logging
import re

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declared Chinese charsets that are in practice GBK-or-wider: decode all of them as gb18030.
_GB_FAMILY = {
    "gb2312",
    "gbk",
    "x-gbk",
    "gb_2312-80",
    "gb_2312",
    "cp936",
    "ms936",
    "euc-cn",
    "csgb2312",
    "gb18030",
    "windows-936",
    "chinese",
    "iso-ir-58",
    "hz-gb-2312",
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


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalise_charset(m.group(1)) if m else None


def charset_from_markup(data: bytes) -> str | None:
    """The charset a page declares for itself (meta tag or XML declaration), first 4 KiB."""
    head = data[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        m = pattern.search(head)
        if m:
            found = normalise_charset(m.group(1).decode("ascii", "replace"))
            if found:
                return found
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str | None = None, *, url: str = "") -> str:
    """Text of an HTML/XML body: BOM, header charset, markup charset, UTF-8, then gb18030."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    declared = [
        c for c in (charset_from_content_type(content_type), charset_from_markup(data)) if c
    ]
    for codec in dict.fromkeys([*declared, "utf-8", "gb18030"]):
        text = _strict(data, codec)
        if text is not None:
            if declared and codec != declared[0]:
                log.info("%s: declared %s but decodes as %s", url or "page", declared[0], codec)
            return text
    # Nothing decodes cleanly: keep what the page claims, marking the bad bytes.
    fallback = declared[0] if declared else "gb18030"
    log.warning(
        "%s: no charset decodes cleanly; using %s with replacement", url or "page", fallback
    )
    return data.decode(fallback, errors="replace")
