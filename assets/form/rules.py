"""The consistency rules (勾稽关系) of the form: one registry, read by every stage.

Each rule is declared once, with its name, what it says, whether it is soft (a disagreement is
a weaker finding, kept out of check_failures) and its implementation:

- a report rule checks one report's cells (``check``); the report stage records its findings;
- a cross-year rule compares year N with year N−1 of the same agency (``comparisons``: sums of
  cells, so the warehouse evaluates it in SQL from the ``rule_term`` table the loader fills);
- a hierarchy rule compares an area's aggregate report (scope aggregate, 汇总) with the sum of
  the own reports of the agencies inside its division, same year (``comparisons`` too: the
  expected terms are summed over those member reports; view ``hierarchy_check``).

The warehouse's asset checks, its ``rule`` table and the demo's truth derive from ``RULES``:
a new rule is a new entry here (and its test), nothing else.

A broken rule is a finding to record, never a reason to change the numbers. ``passed`` is None
when an operand is NULL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from gongkai.assets.form.spec import APPLICANTS, T3_COLS, T4_COLS, T4_ROWS, cells_for

Key = tuple[str, str, str]  # (table_id, row_id, col_id)
Values = Mapping[Key, float | None]
_EPS = 1e-6


@dataclass(frozen=True)
class Finding:
    """One comparison a rule made: ``expected`` (what the rule derives) against ``actual``
    (what the report prints)."""

    rule: str
    row_id: str | None
    col_id: str | None
    expected: float | None
    actual: float | None
    soft: bool = False

    @property
    def passed(self) -> bool | None:
        if self.expected is None or self.actual is None:
            return None
        return abs(self.expected - self.actual) < _EPS


@dataclass(frozen=True)
class Term:
    """sign × one cell, of this year's report (years_back 0) or last year's (1)."""

    side: Literal["expected", "actual"]
    years_back: int
    table_id: str
    row_id: str
    col_id: str
    sign: int = 1


@dataclass(frozen=True)
class Comparison:
    """One check of a cross-year rule: the sum of its expected terms against its actual ones,
    recorded on (row_id, col_id) of this year's report."""

    row_id: str
    col_id: str
    terms: tuple[Term, ...]


ReportCheck = Callable[[Values, "str | None", Mapping[str, float]], list[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    soft: bool
    scope: Literal["report", "cross_year", "hierarchy"]
    check: ReportCheck | None = None  # report rules: (cells, format_version, narrative figures)
    comparisons: tuple[Comparison, ...] = ()  # cross-year rules
    results: tuple[str, ...] = ()  # the rule names its findings carry, when not just `name`

    @property
    def result_names(self) -> tuple[str, ...]:
        return self.results or (self.name,)

    def compare(self, previous: Values, current: Values) -> list[Finding]:
        """A cross-year rule on two reports' cells (the warehouse does the same in SQL)."""
        out = []
        for c in self.comparisons:
            sides: dict[str, float | None] = {"expected": 0.0, "actual": 0.0}
            for t in c.terms:
                value = (previous if t.years_back else current).get(
                    (t.table_id, t.row_id, t.col_id))
                total = sides[t.side]
                sides[t.side] = None if value is None or total is None else total + t.sign * value
            out.append(Finding(self.name, c.row_id, c.col_id, sides["expected"], sides["actual"],
                               self.soft))
        return out


# --- helpers for the implementations ----------------------------------------------------------

def _sum(values: Iterable[float | None]) -> float | None:
    vals = list(values)
    return None if None in vals else float(sum(vals))  # type: ignore[arg-type]


def _rows(values: Values, table_id: str) -> dict[str, dict[str, float | None]]:
    """row_id → col_id → value of one table, rows in the order the cells come."""
    out: dict[str, dict[str, float | None]] = {}
    for (t, r, c), v in values.items():
        if t == table_id:
            out.setdefault(r, {})[c] = v
    return out


# --- per report -------------------------------------------------------------------------------

def _t3_row_total(values: Values, format_version: str | None,
                  figures: Mapping[str, float]) -> list[Finding]:
    # Empty applicant cells count as nothing when the row prints its total and at least one
    # applicant value: real reports leave unused columns blank.
    out = []
    for row, cols in _rows(values, "t3").items():
        present = [x for a in APPLICANTS if (x := cols.get(a)) is not None]
        expected = float(sum(present)) if present else None
        out.append(Finding("t3_row_total", row, "total", expected, cols.get("total")))
    return out


def _t3_balance(values: Values, format_version: str | None,
                figures: Mapping[str, float]) -> list[Finding]:
    t3 = _rows(values, "t3")
    get = lambda row, col: t3.get(row, {}).get(col)
    return [Finding("t3_balance", None, col,
                    _sum([get("received_new", col), get("carried_over", col)]),
                    _sum([get("result.total", col), get("carried_forward", col)]))
            for col in (T3_COLS if t3 else ())]


def _t3_result_total(values: Values, format_version: str | None,
                     figures: Mapping[str, float]) -> list[Finding]:
    t3 = _rows(values, "t3")
    leaves = [r for r in t3 if r.startswith("result.") and r != "result.total"]
    if format_version == "2021":
        leaves = [r for r in leaves if r != "result.other"]  # the hybrid's 2019 row
    total = t3.get("result.total", {})
    return [Finding("t3_result_total", "result.total", col,
                    _sum([t3[r].get(col) for r in leaves]), total.get(col))
            for col in (T3_COLS if t3 else ())]


def _t4_row_total(values: Values, format_version: str | None,
                  figures: Mapping[str, float]) -> list[Finding]:
    t4 = _rows(values, "t4")
    out = []
    for row in T4_ROWS:
        cols = t4.get(row, {})
        if "total" in cols:
            expected = _sum([cols.get(c) for c in T4_COLS if c != "total"])
            out.append(Finding("t4_row_total", row, "total", expected, cols["total"]))
    return out


# (finding, figure, t3/t4 rows whose `total` column adds up to what the narrative states)
NARRATIVE_FIGURES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
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


def _narrative(values: Values, format_version: str | None,
               figures: Mapping[str, float]) -> list[Finding]:
    """Each figure the narrative states (``figures``: figure → value) against the table cells
    it summarises. Real reports disagree with themselves (a narrative counting carried-over
    applications as received, a typo). "Received" also agrees when the narrative counts new
    plus carried-over applications and says so by matching their sum."""
    if not values:
        return []
    out = []
    for name, figure, rows in NARRATIVE_FIGURES:
        if figure not in figures:
            continue
        keys = [(t, r, "total") for t, r in rows]
        if not all(k in values for k in keys):
            continue
        actual = _sum(values[k] for k in keys)
        if figure == "applications_received" and actual is not None:
            with_carried = _sum([actual, values.get(("t3", "carried_over", "total"))])
            if with_carried is not None and abs(with_carried - figures[figure]) < _EPS:
                actual = with_carried
        row = rows[0][1] if len(rows) == 1 else None
        out.append(Finding(name, row, "total", figures[figure], actual, soft=True))
    return out


# --- across years -----------------------------------------------------------------------------

def _t3_carried_over() -> tuple[Comparison, ...]:
    return (Comparison("carried_over", "total", (
        Term("actual", 0, "t3", "carried_over", "total"),
        Term("expected", 1, "t3", "carried_forward", "total"),
    )),)


def _t2_in_force() -> tuple[Comparison, ...]:
    # Every t2 row the 2021 format gives an in_force column (规章, 行政规范性文件).
    rows = dict.fromkeys(c.row_id for c in cells_for("2021")
                         if c.table_id == "t2" and c.col_id == "in_force")
    return tuple(Comparison(row, "in_force", (
        Term("actual", 0, "t2", row, "in_force"),
        Term("expected", 1, "t2", row, "in_force"),
        Term("expected", 0, "t2", row, "issued"),
        Term("expected", 0, "t2", row, "repealed", sign=-1),
    )) for row in rows)


# --- up the hierarchy -------------------------------------------------------------------------

# The figures an aggregate (汇总) report sums from its members: t3's 总计 column of the rows
# every format prints, and t4's three totals.
_HIERARCHY_CELLS: tuple[tuple[str, str], ...] = (
    ("t3", "received_new"), ("t3", "carried_over"), ("t3", "result.granted"),
    ("t3", "result.partly_granted"), ("t3", "result.total"), ("t3", "carried_forward"),
    *(("t4", row) for row in T4_ROWS),
)


def _hierarchy() -> tuple[Comparison, ...]:
    return tuple(Comparison(row, "total", (
        Term("actual", 0, table, row, "total"),
        Term("expected", 0, table, row, "total"),
    )) for table, row in _HIERARCHY_CELLS)


# --- the registry -----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule("t3_row_total",
         "t3: the 总计 column equals the sum of the six applicant columns, on every row",
         soft=False, scope="report", check=_t3_row_total),
    Rule("t3_balance", "t3: received_new + carried_over = result.total + carried_forward",
         soft=False, scope="report", check=_t3_balance),
    Rule("t3_result_total", "t3: result.total equals the sum of every result.* leaf row",
         soft=False, scope="report", check=_t3_result_total),
    Rule("t4_row_total", "t4: total = upheld + corrected + other + pending, for each row",
         soft=False, scope="report", check=_t4_row_total),
    Rule("narrative_agrees_with_tables",
         "Soft: the figures the narrative states (收到申请 N 件, 行政复议 N 起 …) equal the "
         "table cells they describe (rules narrative_*)",
         soft=True, scope="report", check=_narrative,
         results=tuple(name for name, _, _ in NARRATIVE_FIGURES)),
    Rule("t3_carried_over_matches_previous_year",
         "carried_over of year N equals carried_forward of N−1 for the same agency "
         "(canonical reports, 总计 column)",
         soft=False, scope="cross_year", comparisons=_t3_carried_over()),
    Rule("t2_in_force_follows_previous_year",
         "Soft, 2021 format: in_force of year N equals in_force of N−1 + issued − repealed of N, "
         "for each t2 row (规章, 行政规范性文件); agencies also clean up their lists",
         soft=True, scope="cross_year", comparisons=_t2_in_force()),
    Rule("aggregate_matches_members",
         "Soft: an area's aggregate report (scope aggregate, 汇总) prints the sum of the own "
         "reports loaded for the agencies inside its division, same year (t3 总计 of received, "
         "carried over, granted, partly granted, answered, carried forward; t4 totals); members "
         "not loaded or not published make the sum smaller",
         soft=True, scope="hierarchy", comparisons=_hierarchy()),
)


def report_rules() -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.scope == "report")


def cross_year_rules() -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.scope == "cross_year")


def hierarchy_rules() -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.scope == "hierarchy")


def check_report(values: Values, format_version: str | None,
                 figures: Mapping[str, float] | None = None) -> list[Finding]:
    """Every report rule's findings on one report's cells."""
    return [f for rule in report_rules() for f in rule.check(values, format_version, figures or {})]
