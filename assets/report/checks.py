"""The form's consistency rules (勾稽关系, `gongkai.assets.form.rules`) run on one report.

The rules themselves (what they say, soft or hard, how they are computed) are declared once
in the form's registry; here a report's cells and narrative figures go in and `CheckResult`s
come out.
"""

from __future__ import annotations

from collections.abc import Iterable

from gongkai.assets.form.rules import Finding, Rule, report_rules
from gongkai.assets.report.model import CellValue, CheckResult, NarrativeFigure, check_result


def run_checks(cells: list[CellValue], format_version: str | None,
               figures: Iterable[NarrativeFigure] = (),
               rules: Iterable[Rule] | None = None) -> list[CheckResult]:
    """Every report rule (or ``rules``) on these cells; narrative rules hold ``figures``."""
    # Values by key (a later cell of the same key wins, as in a flat dict).
    values = {(c.table_id, c.row_id, c.col_id): c.value for c in cells}
    stated = {f.figure: f.value for f in reversed(list(figures))}  # the first statement wins
    return [_result(f) for rule in (report_rules() if rules is None else rules)
            for f in rule.check(values, format_version, stated)]


def narrative_checks(figures: list[NarrativeFigure], cells: list[CellValue]) -> list[CheckResult]:
    """The soft rules only: each figure the narrative states against the table cells it sums."""
    return run_checks(cells, None, figures, [r for r in report_rules() if r.soft])


def _result(f: Finding) -> CheckResult:
    return check_result(f.rule, f.row_id, f.col_id, f.expected, f.actual, f.passed, f.soft)
