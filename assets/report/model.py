"""A parsed report: the record that crosses from the report stage to the warehouse.

`Report.to_json()` is the `gongkai parse` output contract (one JSON object per file).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class CellValue:
    table_id: str
    row_id: str
    col_id: str
    value: float | int | None  # None: the cell is empty or unreadable (never a guessed 0)
    raw: str | None  # the text as printed


@dataclass(frozen=True)
class Section:
    section_id: str  # "preamble", "s1" … "s6"
    text: str


@dataclass(frozen=True)
class CheckResult:
    rule: str  # e.g. "t3_row_total", "t3_balance", "t3_result_total", "t4_row_total"
    row_id: str | None
    col_id: str | None
    expected: float | None
    actual: float | None
    passed: bool | None  # None: not assessable (an operand is NULL)
    soft: bool = False  # a soft check (narrative against table): a disagreement is a finding only


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure the narrative states (收到申请 N 件 …), held against the tables as a soft check."""

    figure: str  # e.g. "applications_received"
    value: float
    text: str  # the sentence it came from
    section_id: str | None = None
    pre2019: bool = False  # stated by a pre-2019 report, which has no tables to hold it against


# Frozen dataclasses set each field through object.__setattr__ in __init__; a report builds
# ~200 cells and ~50 check results, so the hot paths build them by filling the instance dict
# in one step (same fields, same values, same equality and hash).
_new = object.__new__
_setattr = object.__setattr__


def cell_value(table_id: str, row_id: str, col_id: str, value: float | None,
               raw: str | None) -> CellValue:
    """``CellValue(table_id, row_id, col_id, value, raw)``, built faster."""
    cell = _new(CellValue)
    _setattr(cell, "__dict__", {"table_id": table_id, "row_id": row_id, "col_id": col_id,
                                "value": value, "raw": raw})
    return cell


def check_result(rule: str, row_id: str | None, col_id: str | None, expected: float | None,
                 actual: float | None, passed: bool | None, soft: bool = False) -> CheckResult:
    """``CheckResult(rule, row_id, col_id, expected, actual, passed, soft)``, built faster."""
    result = _new(CheckResult)
    _setattr(result, "__dict__", {"rule": rule, "row_id": row_id, "col_id": col_id,
                                  "expected": expected, "actual": actual, "passed": passed,
                                  "soft": soft})
    return result


@dataclass
class Report:
    source: str
    media: str | None = None
    agency: str | None = None
    year: int | None = None
    format_version: str | None = None  # "2021", "2019", "pre2019"
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    cells: list[CellValue] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    narrative_figures: list[NarrativeFigure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # why the file could not be read; then cells are empty
    needs_ocr: bool = False
    division: str | None = None  # where the agency sits, full name: 江苏省宿迁市沭阳县
    division_code: str | None = None  # its 6-digit administrative code: 321322
    # What the figures cover (assets/report/scope.py): "own" (本级, the agency's own) or
    # "aggregate" (汇总: a whole city's / province's, its counties and departments included);
    # None when the file could not be read. scope_reason: the evidence.
    scope: str | None = None
    scope_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return as_plain(self)

    @classmethod
    def failed(cls, source: str, reason: str, media: str | None = None) -> Report:
        return cls(source=source, media=media, error=reason)


# Values dataclasses.asdict hands back as they are (copy.deepcopy returns them unchanged)
_ATOMIC = frozenset({type(None), bool, int, float, str, bytes})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def as_plain(value: Any) -> Any:
    """``dataclasses.asdict(value)``, the same dicts, lists and tuples, faster: a str, number
    or None is returned as it is, not through copy.deepcopy, and a class's field names are
    looked up once (Python 3.12's asdict does the same; a report's cells made asdict a
    twentieth of what `gongkai parse` spends on a PDF)."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and hasattr(kind, "__dataclass_fields__"):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    if names is not None:
        return {name: as_plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return kind(*[as_plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return kind(as_plain(v) for v in value)
    if isinstance(value, dict):
        return kind((as_plain(k), as_plain(v)) for k, v in value.items())
    return copy.deepcopy(value)
