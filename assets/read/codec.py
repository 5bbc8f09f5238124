"""Decode the bytes of HTML pages and text files ourselves: portals mislabel their charsets.

Order: BOM, UTF-8 when the bytes are valid UTF-8 (a page declaring gbk may be UTF-8), the
page's own ``<meta charset>``, then GB18030. A page that declares
gb2312 or gbk often holds GBK-only characters (镕), so both are read as gb18030, their superset.
"""

from __future__ import annotations

import codecs
import logging
import re

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "hz-gb-2312"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalise_charset(name: str) -> str:
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Never raises: the last resort replaces bad bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    tried: list[str] = []
    # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page declares: GBK text is almost
    # never valid UTF-8, while GB18030 "decodes" UTF-8 bytes into mojibake without an error.
    order = ("utf-8", declared, "gb18030") if not data.isascii() else (declared, "utf-8", "gb18030")
    for enc in order:
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            log.debug("not %s", enc)
    return data.decode("gb18030", errors="replace"), "gb18030"


def decode_html(data: bytes) -> tuple[str, str]:
    return decode_bytes(data, declared_charset(data))
