"""Printed cell text → number. And the normal form of labels used to match them.

Values arrive as full-width digits (０１２), with thousands separators, stray spaces, footnote
marks, signs (本年增/减 -51) and decimals (万元). A placeholder meaning "nothing happened"
(``—`` ``-`` ``/`` ``无``) is 0; an empty cell is no value at all (NULL), never a guessed 0.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PLACEHOLDERS = frozenset({"-", "—", "–", "−", "/", "无", "--", "——", "—-", "-—", "――", "─"})
_FOOTNOTES = re.compile(
    r"[*＊※†‡#＃¹²³⁰⁴⁵⁶⁷⁸⁹①②③④⑤⑥⑦⑧⑨⑩]+$|\[\d+\]$|[（(]注\s*\d*[)）]$|注\s*\d*$"
)
_NUMBER = re.compile(r"([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def parse_value(text: str | None) -> tuple[bool, int | float | None]:
    """(is_value, value): is_value is False for label text. Empty text is (True, None)."""
    if text is None:
        return True, None
    if text.isascii() and text.isdigit():  # the common cell: plain digits
        return True, int(text)
    return _parse_text(text)


@lru_cache(maxsize=4096)  # cells and labels repeat within a report and across reports
def _parse_text(text: str) -> tuple[bool, int | float | None]:
    t = _SPACES.sub("", text)
    if not t:
        return True, None
    t = _FOOTNOTES.sub("", t)  # before NFKC, which turns ¹ and ① into digits
    if not t:
        return False, None
    t = unicodedata.normalize("NFKC", t).replace("，", ",")
    if t in PLACEHOLDERS:
        return True, 0
    m = _NUMBER.fullmatch(t)
    if not m:
        return False, None
    sign, digits, frac = m.groups()
    number = digits.replace(",", "")
    negative = sign in ("-", "−")
    if frac:
        value: int | float = float(number + frac)
    else:
        value = int(number)
    return True, (-value if negative else value)


_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_NON_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """NFKC with every space removed: how titles and headings are compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """A label reduced to its words: width, brackets, numbering punctuation, quotes, spaces
    and line breaks don't count (（一） == (一), 1、 == 1., “三安全一稳定” == "三安全一稳定")."""
    t = unicodedata.normalize("NFKC", text)
    t = _QUOTES.sub("", t)
    return _NON_WORD.sub("", t)
