"""The format's consistency rules (勾稽关系), checked on one report.

1. t3_row_total    total column = sum of the six applicant columns, on every row
2. t3_balance      received_new + carried_over = result.total + carried_forward, per column
3. t3_result_total result.total = sum of the result leaf rows, per column
4. t4_row_total    total = upheld + corrected + other + pending, on each t4 row

and, soft (``soft=True``), the figures the narrative states against the table: narrative_*.

A broken rule is a finding to record, never a reason to change the numbers. ``passed`` is
None when an operand is NULL (rule 1 counts empty applicant cells as nothing when the row
prints its total and at least one applicant value, as real reports leave unused columns blank).
"""

from __future__ import annotations

from collections.abc import Iterable

from gongkai.assets.form.spec import APPLICANTS, T3_COLS, T4_COLS, T4_ROWS
from gongkai.assets.report.model import CellValue, CheckResult, NarrativeFigure, check_result

_EPS = 1e-6


def _result(rule: str, row: str | None, col: str | None, expected: float | None,
            actual: float | None, soft: bool = False) -> CheckResult:
    passed = None if expected is None or actual is None else abs(expected - actual) < _EPS
    return check_result(rule, row, col, expected, actual, passed, soft)


def _sum(values: Iterable[float | None]) -> float | None:
    vals = list(values)
    return None if None in vals else float(sum(vals))  # type: ignore[arg-type]


def run_checks(cells: list[CellValue], format_version: str | None) -> list[CheckResult]:
    # Values by table, row and column (a later cell of the same key wins, as in a flat dict).
    t3: dict[str, dict[str, float | None]] = {}
    t4: dict[str, dict[str, float | None]] = {}
    for c in cells:
        if c.table_id == "t3":
            row_values = t3.get(c.row_id)
            if row_values is None:
                row_values = t3[c.row_id] = {}
            row_values[c.col_id] = c.value
        elif c.table_id == "t4":
            t4.setdefault(c.row_id, {})[c.col_id] = c.value
    out: list[CheckResult] = []
    for row, values in t3.items():
        present = [x for a in APPLICANTS if (x := values.get(a)) is not None]
        expected = float(sum(present)) if present else None
        out.append(_result("t3_row_total", row, "total", expected, values.get("total")))
    leaves = [r for r in t3 if r.startswith("result.") and r != "result.total"]
    if format_version == "2021":
        leaves = [r for r in leaves if r != "result.other"]
    empty: dict[str, float | None] = {}
    received, carried_over = t3.get("received_new", empty), t3.get("carried_over", empty)
    total, carried_forward = t3.get("result.total", empty), t3.get("carried_forward", empty)
    leaf_values = [t3[r] for r in leaves]
    for col in T3_COLS if t3 else ():
        expected = _sum([received.get(col), carried_over.get(col)])
        actual = _sum([total.get(col), carried_forward.get(col)])
        out.append(_result("t3_balance", None, col, expected, actual))
        out.append(_result("t3_result_total", "result.total", col,
                           _sum([lv.get(col) for lv in leaf_values]), total.get(col)))
    for row in T4_ROWS:
        values = t4.get(row, empty)
        if "total" not in values:
            continue
        expected = _sum([values.get(c) for c in T4_COLS if c != "total"])
        out.append(_result("t4_row_total", row, "total", expected, values["total"]))
    return out


# --- narrative against table (soft) ---------------------------------------------------------
# (rule, figure, t3/t4 rows whose `total` column adds up to what the narrative states)
_NARRATIVE_RULES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("narrative_applications_received", "applications_received", (("t3", "received_new"),)),
    ("narrative_applications_answered", "applications_answered", (("t3", "result.total"),)),
    ("narrative_granted", "granted", (("t3", "result.granted"),)),
    ("narrative_partly_granted", "partly_granted", (("t3", "result.partly_granted"),)),
    ("narrative_granted_or_partly", "granted_or_partly",
     (("t3", "result.granted"), ("t3", "result.partly_granted"))),
    ("narrative_carried_forward", "carried_forward", (("t3", "carried_forward"),)),
    ("narrative_reviews", "review_cases", (("t4", "review"),)),
    ("narrative_lawsuits", "litigation_cases",
     (("t4", "litigation_direct"), ("t4", "litigation_after_review"))),
)


def narrative_checks(figures: list[NarrativeFigure], cells: list[CellValue]) -> list[CheckResult]:
    """Soft checks: each figure the narrative states against the table cells it summarises.

    ``expected`` is the narrative's figure, ``actual`` the table's. Real reports disagree with
    themselves (a narrative counting carried-over applications as received, a typo): a
    disagreement is recorded with ``soft=True``, never fatal. "Received" also agrees when the
    narrative counts new plus carried-over applications and says so by matching their sum.
    """
    if not cells:
        return []
    v = {(c.table_id, c.row_id, c.col_id): c.value for c in cells}
    stated = {f.figure: f.value for f in reversed(figures)}  # the first statement wins
    out: list[CheckResult] = []
    for rule, figure, rows in _NARRATIVE_RULES:
        if figure not in stated:
            continue
        keys = [(t, r, "total") for t, r in rows]
        if not all(k in v for k in keys):
            continue
        actual = _sum(v[k] for k in keys)
        if figure == "applications_received" and actual is not None:
            with_carried = _sum([actual, v.get(("t3", "carried_over", "total"))])
            if with_carried is not None and abs(with_carried - stated[figure]) < _EPS:
                actual = with_carried
        row = rows[0][1] if len(rows) == 1 else None
        out.append(_result(rule, row, "total", stated[figure], actual, soft=True))
    return out
