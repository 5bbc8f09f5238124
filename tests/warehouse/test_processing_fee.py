"""The information-processing fee (信息处理费) charged to applicants is what section 6 states in
prose; it is recorded as its own figure (processing_fee_yuan, 元), apart from t2's 行政事业性收费
(every fee the agency charges) and from the pre-2019 检索、复制 fees, and analysts find it
with the README's processing_fees example."""

from __future__ import annotations

import pytest

from gongkai.assets.report.frames import build_frames
from gongkai.assets.report.model import Section
from gongkai.assets.report.narrative import find_figures
from gongkai.warehouse.examples import examples
from gongkai.warehouse.loader import Warehouse


def fees(text: str) -> dict[str, float]:
    return {f.figure: f.value for f in find_figures([Section("s6", text)])
            if f.figure in ("processing_fee_yuan", "fees_yuan")}


@pytest.mark.parametrize(("sentence", "yuan"), [
    ("本年度共收取信息处理费0元。", 0),
    # the Shuyang county report of 2025 (tests/fixtures/samples), as printed
    ("全县行政机关在办理2025年度信息公开申请中收取信息处理费共计380元，其中民政局1件，收取380元。", 380),
    ("依据《政府信息公开信息处理费管理办法》规定，2025年全市实际收取信息处理费共计400元。", 400),
    ("本年度收取信息处理费0.12万元。", 1200),  # stated in 万元, kept in 元
])
def test_a_stated_processing_fee_is_its_own_figure_in_yuan(sentence, yuan):
    assert fees(sentence) == {"processing_fee_yuan": yuan}  # and not also a pre-2019 fee


@pytest.mark.parametrize("sentence", [
    "2024年，本机关未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，2023年本机关未向申请人收取信息处理费。",
    "2023年全年，在我局政务公开服务事项中无收取信息处理费的情况。",
    "2023年，无涉及《政府信息公开信息处理费管理办法》中规定的收取信息处理费情况。",
    "本年度未产生信息处理费。",
])
def test_a_statement_that_no_processing_fee_was_charged_is_zero(sentence):
    assert fees(sentence) == {"processing_fee_yuan": 0}


def test_pre2019_copying_fees_stay_fees_yuan():
    assert fees("本年度收取检索、复制费用共计120元。") == {"fees_yuan": 120}


def test_analysts_find_the_stated_fee_with_the_readme_example(tmp_path, parsed_factory):
    stated = "六、其他需要报告的事项 本年度共收取信息处理费共计380元。"
    parsed = []
    for agency, text in (("甲局", stated), ("乙局", "本年度未收取信息处理费。")):
        doc, report = parsed_factory(agency, 2023)
        report.sections = [Section("s6", text)]
        report.narrative_figures = find_figures(report.sections)
        parsed.append((doc, report))
    wh = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    wh.load_year(2023, build_frames(parsed, 2023))
    (example,) = [e for e in examples() if e.name == "processing_fees"]
    rows = wh.query(example.sql).rows()
    assert [(agency, year, fee) for agency, year, fee, _ in rows] == [("甲局", 2023, 380.0)]
    assert "信息处理费" in rows[0][3]
