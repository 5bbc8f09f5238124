"""Narrative figures against the tables (soft checks) and pre-2019 reports (prose only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.assets.report.checks import narrative_checks
from gongkai.assets.report.model import CellValue, NarrativeFigure, Section
from gongkai.assets.report.narrative import find_figures
from gongkai.assets.report.parse import parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRE2019 = [json.loads(line) for line in
           (FIXTURES / "pre2019" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]


def _cells(**totals: float) -> list[CellValue]:
    rows = {"received_new": "t3", "carried_over": "t3", "result.granted": "t3",
            "result.partly_granted": "t3", "result.total": "t3", "carried_forward": "t3",
            "review": "t4", "litigation_direct": "t4", "litigation_after_review": "t4"}
    return [CellValue(t, r, "total", totals.get(r.replace(".", "_"), 0), None)
            for r, t in rows.items()]


def _figures(text: str) -> list[NarrativeFigure]:
    return find_figures([Section("s1", text)])


def test_narrative_agreeing_with_the_table_passes_softly() -> None:
    figures = _figures("2021年，市政府共收到政府信息公开申请386件，办结380件，其中予以公开或部分"
                       "公开171件，结转下年度继续办理15件。全年因政府信息公开工作被申请行政复议13件，"
                       "被提起行政诉讼7件。")
    cells = _cells(received_new=386, result_total=380, result_granted=150,
                   result_partly_granted=21, carried_forward=15, review=13,
                   litigation_direct=5, litigation_after_review=2)
    checks = {c.rule: c for c in narrative_checks(figures, cells)}
    assert set(checks) == {"narrative_applications_received", "narrative_applications_answered",
                           "narrative_granted_or_partly", "narrative_carried_forward",
                           "narrative_reviews", "narrative_lawsuits"}
    assert all(c.soft and c.passed for c in checks.values())
    assert checks["narrative_lawsuits"].actual == 7


def test_narrative_disagreement_is_recorded_not_fatal() -> None:
    figures = _figures("本机关共收到政府信息公开申请14件。被申请行政复议2件。")
    checks = {c.rule: c for c in narrative_checks(figures, _cells(received_new=15, review=1))}
    received = checks["narrative_applications_received"]
    assert (received.expected, received.actual, received.passed, received.soft) == (14, 15, False,
                                                                                      True)
    assert checks["narrative_reviews"].passed is False


def test_received_may_count_carried_over_applications() -> None:
    figures = _figures("全年共受理政府信息公开申请3153件。")
    (check,) = narrative_checks(figures, _cells(received_new=3119, carried_over=34))
    assert check.passed and check.actual == 3153


def test_no_table_no_narrative_check() -> None:
    assert narrative_checks(_figures("共收到申请5件。"), []) == []


def test_soft_checks_ride_with_the_hard_ones_in_a_parsed_report() -> None:
    report = parse_file(FIXTURES / "samples" / "huaian-city-government-2024.pdf")
    soft = {c.rule: c.passed for c in report.checks if c.soft}
    assert soft["narrative_applications_received"] is True  # 3119 both
    assert soft["narrative_reviews"] is True  # 351 both
    assert soft["narrative_lawsuits"] is True  # 46 = 26 + 20
    assert all(not c.soft for c in report.checks if not c.rule.startswith("narrative_"))


def test_zero_statements() -> None:
    got = {f.figure: f.value for f in _figures(
        "2012年，我局未收到政府信息公开申请。全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"
        "本年度未收取任何费用。")}
    assert got == {"applications_received": 0, "review_cases": 0, "litigation_cases": 0,
                   "fees_yuan": 0}


def test_refusals_are_not_grants() -> None:
    got = {f.figure: f.value for f in _figures("办理申请中，予以公开或部分公开171件，不予以公开3件。")}
    assert got == {"granted_or_partly": 171, "denied": 3}


@pytest.mark.parametrize("label", PRE2019, ids=[lb["file"] for lb in PRE2019])
def test_pre2019_fixture(label: dict) -> None:
    report = parse_file(FIXTURES / "pre2019" / label["file"])
    assert report.error is None and report.cells == [] and report.checks == []
    assert (report.format_version, report.agency, report.year) == (
        "pre2019", label["agency"], label["year"])
    assert (report.division, report.division_code) == (label["division"], label["division_code"])
    assert {f.figure: f.value for f in report.narrative_figures} == label["figures"]
    assert all(f.pre2019 for f in report.narrative_figures)
    got = {s.section_id: "".join(s.text.split())[:30] for s in report.sections}
    assert got == label["sections"]
    assert any("whole area" in w for w in report.warnings) == label["citywide"]


def test_pre2019_fees_join_s6_and_unmapped_items_stay_as_text() -> None:
    report = parse_file(FIXTURES / "pre2019" / "weihui-education-bureau-2016.html")
    sections = {s.section_id: s.text for s in report.sections}
    assert "组织领导和制度建设" in sections["s1"]  # an item the 2019 outline has no place for
    assert sections["s6"].startswith("五、政府信息公开的收费及减免情况")
    assert "八、其他需要报告的事项" in sections["s6"]


def test_2019_and_later_figures_are_not_flagged_pre2019() -> None:
    report = parse_file(FIXTURES / "samples" / "huaian-city-government-2024.pdf")
    assert report.narrative_figures and not any(f.pre2019 for f in report.narrative_figures)
