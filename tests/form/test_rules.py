"""The form's rule registry: every rule declared once, run the same way by every stage."""

from __future__ import annotations

from gongkai.assets.form.rules import RULES, check_report, cross_year_rules, report_rules
from gongkai.assets.form.spec import cells_for


def _values(fv: str = "2021", **cells: float | None) -> dict[tuple[str, str, str], float | None]:
    """Every cell of the format 0, except ``cells`` (t3__received_new__total=3)."""
    values: dict[tuple[str, str, str], float | None] = {c.key: 0 for c in cells_for(fv)}
    for name, value in cells.items():
        values[tuple(name.split("__"))] = value  # type: ignore[index]
    return values


def test_rule_names_and_the_names_their_findings_carry_are_unique() -> None:
    names = [r.name for r in RULES]
    results = [n for r in RULES for n in r.result_names]
    assert len(names) == len(set(names)) and len(results) == len(set(results))
    assert all(r.description and r.scope in ("report", "cross_year", "hierarchy") for r in RULES)
    assert all((r.check is not None) == (r.scope == "report") for r in RULES)
    assert all(r.comparisons for r in cross_year_rules())


def test_a_consistent_report_breaks_no_rule() -> None:
    findings = check_report(_values(), "2021")
    assert findings and all(f.passed for f in findings)
    assert {f.rule for f in findings} == {r.name for r in report_rules() if not r.soft}


def test_findings_carry_their_rule_and_are_not_assessable_when_a_cell_is_empty() -> None:
    broken = check_report(_values(t3__received_new__total=3, t3__received_new__natural_person=3), "2021")
    assert {f.rule for f in broken if f.passed is False} == {"t3_balance"}
    empty = check_report(_values(t3__carried_forward__total=None), "2021")
    balance = [f for f in empty if f.rule == "t3_balance" and f.col_id == "total"]
    assert balance[0].passed is None


def test_the_narrative_rule_holds_stated_figures_against_the_table_softly() -> None:
    findings = check_report(_values(t4__review__total=2), "2021", {"review_cases": 3})
    (review,) = [f for f in findings if f.rule == "narrative_reviews"]
    assert (review.expected, review.actual, review.passed, review.soft) == (3, 2, False, True)


def test_carried_over_of_a_year_is_what_the_year_before_carried_forward() -> None:
    (rule,) = [r for r in cross_year_rules() if r.name == "t3_carried_over_matches_previous_year"]
    previous = _values(t3__carried_forward__total=4)
    assert [f.passed for f in rule.compare(previous, _values(t3__carried_over__total=4))] == [True]
    assert [f.passed for f in rule.compare(previous, _values(t3__carried_over__total=3))] == [False]
    assert [f.passed for f in rule.compare(previous, _values(t3__carried_over__total=None))] == [None]


def test_in_force_of_a_year_is_last_years_plus_issued_minus_repealed_per_t2_row() -> None:
    (rule,) = [r for r in cross_year_rules() if r.name == "t2_in_force_follows_previous_year"]
    assert rule.soft
    previous = _values(t2__rules__in_force=10, t2__normative_docs__in_force=40)
    current = _values(t2__rules__issued=2, t2__rules__repealed=1, t2__rules__in_force=11,
                      t2__normative_docs__issued=5, t2__normative_docs__in_force=44)
    findings = {f.row_id: f for f in rule.compare(previous, current)}
    assert set(findings) == {"rules", "normative_docs"}
    assert (findings["rules"].expected, findings["rules"].actual, findings["rules"].passed) == (11, 11, True)
    assert (findings["normative_docs"].expected, findings["normative_docs"].passed) == (45, False)
    assert all(f.soft and f.col_id == "in_force" for f in findings.values())


def test_in_force_is_not_assessable_after_a_2019_format_year() -> None:
    # The 2019 format's t2 has no in_force column: nothing to carry over.
    (rule,) = [r for r in cross_year_rules() if r.name == "t2_in_force_follows_previous_year"]
    findings = rule.compare(_values("2019"), _values(t2__rules__in_force=3))
    assert [f.passed for f in findings] == [None, None]
