"""The one value reader every medium shares: printed cell text → number.

Values arrive as full-width digits (０１２), with thousands separators, stray spaces (justified
Word text prints 17 as ``1 7``), footnote marks, signs (本年增/减 -51), decimals and units
(万元, or 元 where the form asks 万元: ``251000元`` is 25.1). A placeholder meaning "nothing
happened" (``—`` ``-`` ``/`` ``无``) is 0; an empty cell is no value at all (NULL), never a
guessed 0.

    parse_value(text) -> (is_value, value)     # one printed value
    cell_fields(text, whole_cell) -> fields     # a cell (or a line of text) as labels and values
    opens_row(label) -> bool                    # a label starting with a row's numbering
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Literal

PLACEHOLDERS = frozenset({"-", "—", "–", "−", "/", "无", "--", "——", "—-", "-—", "――", "─"})
_FOOTNOTES = re.compile(
    r"[*＊※†‡#＃¹²³⁰⁴⁵⁶⁷⁸⁹①②③④⑤⑥⑦⑧⑨⑩]+$|\[\d+\]$|[（(]注\s*\d*[)）]$|注\s*\d*$"
)
_NUMBER = re.compile(r"([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元)?")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_DIGITS = re.compile(r"\d+")
_THOUSANDS_TAIL = re.compile(r"^\d{3}(?:\.\d+)?$")
# A label with the row's digits run on (text whose cell boundaries were lost):
# 一、本年新收政府信息公开申请数量170000017. The label ends in a word (not 第 or 附件: 第3, 附件1 are labels).
_LABEL_THEN_DIGITS = re.compile(r"^(.*[\u3400-\u9fff）)”」』\"](?<!第)(?<!附件))([0-9０-９]+)$")
# Justified text spreads one number's digits over its cell (1 7, 7 32); more groups than this
# in one cell are several values run into it, not one spread number.
_MAX_SPREAD_GROUPS = 3

Kind = Literal["label", "num", "empty"]
Fields = tuple[tuple[Kind, str, int | float | None], ...]


# A label that opens a row with its numbering (（一）予以公开, 1.本机关…, 一、本年新收): it never
# continues the label of the row above.
_NUMBERED = re.compile(r"^\s*[（(]?[一二三四五六七八九十0-9０-９]{1,2}[）)、.．]")


def opens_row(label: str) -> bool:
    return bool(_NUMBERED.match(label))


def parse_value(text: str | None) -> tuple[bool, int | float | None]:
    """(is_value, value): is_value is False for label text. Empty text is (True, None).
    Spaces inside a number do not count (``1 7`` is 17); an amount in 元 is given in 万元."""
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
    sign, digits, frac, unit = m.groups()
    number = digits.replace(",", "")
    negative = sign in ("-", "−")
    if unit == "元":  # the form's amounts are in 万元
        value: int | float = float(Decimal(number + (frac or "")) / 10000)
    elif frac or unit:
        value = float(number + (frac or ""))
    else:
        value = int(number)
    return True, (-value if negative else value)


def cell_fields(text: str | None, whole_cell: bool) -> Fields:
    """Labels and values of one table cell (``whole_cell``) or of one line of text split on
    whitespace. In a whole cell, digit groups split by spaces are one number (``1 7`` is 17,
    ``1 234`` is 1234) unless they read as several cells (``0 0 0``); in a line of text they
    are separate values."""
    if text is None:
        return ()
    if text.isascii() and text.isdigit():  # the common cell: plain digits
        return (("num", text, int(text)),)
    return _text_fields(text, whole_cell)


@lru_cache(maxsize=4096)  # labels and placeholders repeat within a report and across reports
def _text_fields(text: str, whole_cell: bool) -> Fields:
    t = text.strip()
    if not t:
        return (("empty", "", None),) if whole_cell else ()
    parts = t.split()
    if len(parts) == 1:
        ok, value = parse_value(t)
        if ok and (whole_cell or t != "无"):
            return (("num", t, value),)
    parsed = [parse_value(p) for p in parts]
    if whole_cell and _one_spread_number(parts):
        return (("num", t, parse_value(t)[1]),)
    out: list[tuple[Kind, str, int | float | None]] = []
    label: list[str] = []
    any_number = any(ok and v is not None and p != "无" for p, (ok, v) in zip(parts, parsed))
    # A bare 无 is a placeholder among numbers, or in the run of 无 that ends a line after a
    # label (`行政处罚 无`: a row whose cells all print 无); otherwise it is a label's piece.
    tail = len(parts)
    while tail > 1 and parts[tail - 1] == "无":
        tail -= 1
    if parts[tail - 1] == "无":  # only 无 on the line: no label they follow
        tail = len(parts)
    for i, (p, (ok, v)) in enumerate(zip(parts, parsed)):
        if ok and v is not None and (p != "无" or any_number or i >= tail):
            if label:
                out.append(("label", "".join(label), None))
                label = []
            out.append(("num", p, v))
        elif not ok and (m := _LABEL_THEN_DIGITS.match(p)):
            label.append(m.group(1))
            out.append(("label", "".join(label), None))
            label = []
            out.append(("num", m.group(2), parse_value(m.group(2))[1]))
        else:
            label.append(p)
    if label:
        out.append(("label", "".join(label), None))
    return tuple(out)


def _one_spread_number(parts: list[str]) -> bool:
    """Whether the space-split pieces of one cell are one number: digit groups only, the
    first not a lone 0 (``0 0 0`` is three zeros), few enough to be one justified number,
    or a thousands grouping (``1 234 567``)."""
    groups = [unicodedata.normalize("NFKC", p) for p in parts]
    if len(groups) < 2:
        return False
    if len(groups[0]) <= 3 and all(_THOUSANDS_TAIL.match(g) for g in groups[1:]) and all(
            _DIGITS.fullmatch(g.split(".")[0]) for g in groups):
        return True
    if not all(_DIGITS.fullmatch(g) for g in groups):
        return False
    return len(groups) <= _MAX_SPREAD_GROUPS and not groups[0].startswith("0")
