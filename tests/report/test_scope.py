"""A report's scope: its agency's own figures (本级) or a whole area's (汇总), from its title and
wording, and from figures that sum its division's other reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.assets.report.parse import parse_bytes, parse_file
from gongkai.assets.report.scope import (
    AGGREGATE,
    OWN,
    Figures,
    Scope,
    detect_scope,
    scope_from_figures,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = [(ROOT / "tests" / "fixtures" / c / "labels.jsonl", ROOT / "tests" / "fixtures" / c)
          for c in ("samples", "seeds", "pre2019")] + [(ROOT / "demo" / "truth.jsonl", ROOT / "demo" / "site")]


def _labelled() -> list[tuple[str, Path, str]]:
    out = []
    for labels, folder in LABELS:
        for line in labels.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if "scope" in d:
                out.append((d["doc_id"], folder / d["file"], d["scope"]))
    return out


LABELLED = _labelled()


def test_labels_hold_aggregate_reports_beside_own_ones() -> None:
    scopes = [s for _, _, s in LABELLED]
    assert scopes.count(AGGREGATE) >= 4 and scopes.count(OWN) >= 40
    assert set(scopes) == {OWN, AGGREGATE}


@pytest.mark.parametrize("doc_id,path,scope", LABELLED, ids=[d for d, _, _ in LABELLED])
def test_scope_is_right_on_every_labelled_document(doc_id, path, scope) -> None:
    report = parse_file(path)
    assert report.error is None
    assert report.scope == scope, report.scope_reason


@pytest.mark.parametrize("title,text", [
    ("江苏省2023年政府信息公开工作年度报告", ""),                       # a bare place
    ("淮安市2023年度政府信息公开工作年度报告", ""),
    ("全市政府信息公开工作年度报告（2023年）", ""),
    ("淮安市人民政府2015年政府信息公开工作年度报告",
     "本报告由淮安市人民政府办公室根据《条例》要求，汇总各县区人民政府、市各部门政府信息公开工作年度报告编制而成。"),
    ("淮安市人民政府2024年政府信息公开工作年度报告",
     "（二）依申请公开情况。2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件。"),
    ("某县人民政府2023年政府信息公开工作年度报告", "2023年，全县各级行政机关共收到政府信息公开申请120件。"),
])
def test_area_wording_makes_an_aggregate(title, text) -> None:
    assert detect_scope(title, text).scope == AGGREGATE


@pytest.mark.parametrize("title,text,reason", [
    ("淮安市教育局2023年政府信息公开工作年度报告", "2023年，本机关共收到政府信息公开申请5件。", "applications"),
    ("某市人民政府2023年政府信息公开工作年度报告",
     "2023年，市政府本级共收到政府信息公开申请30件。全市政务公开工作扎实推进。", "applications"),
    ("某局2023年政府信息公开工作年度报告", "我局认真贯彻落实《条例》。", "default"),
    ("某某经济技术开发区2023年政府信息公开工作年度报告", "", "default"),   # a zone, no division
    ("某市教育局2023年政府信息公开工作年度报告",
     "本报告由我局办公室汇总各科室材料编制。全市统一的政务服务平台收到群众留言300条。", "default"),
    # the agency's own figures come first; the area is mentioned after
    ("某市人民政府2023年政府信息公开工作年度报告",
     "2023年，本机关共收到申请12件。另据统计，全市共受理申请300件。", "applications"),
])
def test_own_wording_or_none_keeps_the_agency_s_own(title, text, reason) -> None:
    found = detect_scope(title, text)
    assert found.scope == OWN and found.reason.startswith(reason)


def test_parse_output_carries_the_scope_and_its_evidence() -> None:
    html = ("<h1>清河市2023年政府信息公开工作年度报告</h1>"
            + "<p>" + "全市各级行政机关认真贯彻落实政府信息公开条例。" * 20 + "</p>").encode()
    out = parse_bytes(html, "x.html", media="html").to_json()
    assert out["scope"] == AGGREGATE and out["scope_reason"].startswith("title")
    assert parse_bytes(b"\x00garbage", "y.pdf", media="pdf").to_json()["scope"] is None


def _figures(key, division, received, government=True, reason="default: no area wording",
             agency=None):
    return Figures(key, agency or key, division, 2023, Scope(OWN, reason), government, received)


def test_a_silent_government_report_that_sums_its_division_is_an_aggregate() -> None:
    reports = [_figures("city", "江苏省淮安市", 410),
               _figures("gov-own", "江苏省淮安市", 150), _figures("edu", "江苏省淮安市", 40, False),
               _figures("county", "江苏省淮安市涟水县", 200, True), _figures("other", "江苏省宿迁市", 400)]
    found = scope_from_figures(reports)
    assert set(found) == {"city"} and found["city"].reason.startswith("figures")


def test_an_agency_posted_twice_counts_once_among_the_members() -> None:
    reports = [_figures("city", "江苏省淮安市", 400),
               _figures("gov.html", "江苏省淮安市", 200, agency="淮安市人民政府"),
               _figures("gov.pdf", "江苏省淮安市", 200, agency="淮安市人民政府"),
               _figures("county", "江苏省淮安市涟水县", 200)]
    assert set(scope_from_figures(reports)) == {"city"}


def test_figures_never_overrule_wording_nor_make_a_department_an_aggregate() -> None:
    members = [_figures("a", "江苏省淮安市", 150), _figures("b", "江苏省淮安市涟水县", 250)]
    worded = _figures("city", "江苏省淮安市", 400, reason="applications: 本机关共收到")
    department = _figures("dept", "江苏省淮安市", 400, government=False)
    big_own = _figures("gov", "江苏省淮安市", 900)  # far above its members, not their sum
    assert scope_from_figures([*members, worded, department, big_own]) == {}
