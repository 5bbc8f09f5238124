"""Report stage behaviours: values, label matching, flattenings, formats, checks, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.assets.form.values import parse_value
from gongkai.assets.report.checks import run_checks
from gongkai.assets.report.model import CellValue
from gongkai.assets.report.parse import parse_bytes, parse_file
from tests.read.builders import scanned_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

T3_ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", None),
    ("二、上年结转政府信息公开申请数量", None),
    ("三、本年度办理结果", "（一）予以公开"),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "1.属于国家秘密"), (None, "2.其他法律行政法规禁止公开"),
    (None, "3.危及“三安全一稳定”"), (None, "4.保护第三方合法权益"),
    (None, "5.属于三类内部事务信息"), (None, "6.属于四类过程性信息"),
    (None, "7.属于行政执法案卷"), (None, "8.属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"), (None, "2.没有现成信息需要另行制作"),
    (None, "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请"), (None, "2.重复申请"), (None, "3.要求提供公开出版物"),
    (None, "4.无正当理由大量反复申请"), (None, "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (None, "3.其他"), ("（七）总计", None), ("四、结转下年度继续办理", None),
]

T2_2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t{rules}
行政规范性文件\t0\t0\t0
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t0
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t0
行政强制\t0
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t{fee}
"""


def _t3_html(values: dict[str, str] | None = None, other_rows=None) -> str:
    values = values or {}
    rows = []
    for cat, leaf in other_rows or T3_ROWS_2021:
        label = "".join(f"<td>{x}</td>" for x in (cat, leaf) if x)
        cells = values.get(leaf or cat, "<td>0</td>" * 7)
        rows.append(f"<tr>{label}{cells}</tr>")
    return ("<p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
            "<td>申请人情况</td></tr>" + "".join(rows) + "</table>")


def _page(body: str, title: str = "测试局2023年政府信息公开工作年度报告") -> bytes:
    t2 = "".join(f"<p>{line}</p>" if "\t" not in line else
                 "<table><tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr></table>"
                 for line in T2_2021.format(rules="0\t0\t0", fee="0").splitlines())
    t4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table><tr>"
          + "<td>0</td>" * 15 + "</tr></table>")
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div>"
            f"<p>{title}</p><p>一、总体情况</p><p>2023年，本局公开信息。</p>{t2}{body}{t4}"
            "<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>"
            "</div></body></html>").encode()


def _cells(report) -> dict[tuple[str, str], CellValue]:
    return {(c.row_id, c.col_id): c for c in report.cells}


# --- values --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("０１２", 12), ("1,234", 1234), ("12 345", 12345), ("5*", 5), ("7①", 7), ("3[1]", 3),
    ("-51", -51), ("－51", -51), ("521.0592", 521.0592), ("—", 0), ("-", 0), ("/", 0), ("无", 0),
    ("", None), ("  ", None),
])
def test_printed_values_parse(text: str, value) -> None:
    ok, got = parse_value(text)
    assert ok and got == value and type(got) is type(value)


def test_labels_are_not_values() -> None:
    for text in ("1.属于国家秘密", "1.", "行政许可", "（一）"):
        assert parse_value(text)[0] is False


# --- cells ---------------------------------------------------------------------------------

def test_empty_cell_is_null_not_zero() -> None:
    row = "<td>26</td>" + "<td></td>" * 5 + "<td>26</td>"
    report = parse_bytes(_page(_t3_html({"一、本年新收政府信息公开申请数量": row})), "e.html")
    cells = _cells(report)
    assert cells[("received_new", "natural_person")].value == 26
    assert cells[("received_new", "commercial")].value is None
    assert cells[("received_new", "commercial")].raw is None
    assert cells[("received_new", "total")].value == 26


def test_placeholder_dash_is_zero_and_raw_keeps_print() -> None:
    row = "<td>１２</td><td>—</td><td>/</td><td>无</td><td>-</td><td>0</td><td>12</td>"
    report = parse_bytes(_page(_t3_html({"（一）予以公开": row})), "p.html")
    cells = _cells(report)
    assert [cells[("result.granted", c)].value for c in
            ("natural_person", "commercial", "research", "public_interest", "legal_service")] == [12, 0, 0, 0, 0]
    assert cells[("result.granted", "commercial")].raw == "—"


def test_labels_matched_despite_brackets_numbering_quotes_and_typos() -> None:
    rows = [(cat, leaf) for cat, leaf in T3_ROWS_2021]
    variants = {
        "4.无正当理由大量反复申请": "4、无正当理由由大量反复申请",
        "3.危及“三安全一稳定”": "危及\"三安全一稳定\"",
        "（一）予以公开": "(一) 予以\n公开",
    }
    rows = [(cat, variants.get(leaf, leaf)) for cat, leaf in rows]
    values = {variants.get(leaf, leaf): f"<td>{i}</td>" + "<td>0</td>" * 5 + f"<td>{i}</td>"
              for i, (_, leaf) in enumerate(T3_ROWS_2021) if leaf}
    report = parse_bytes(_page(_t3_html(values, rows)), "v.html")
    cells = _cells(report)
    assert cells[("result.rejected.excessive_repeated", "total")].value == 18
    assert cells[("result.denied.three_safeties_one_stability", "total")].value == 6
    assert cells[("result.granted", "total")].value == 2


def test_rows_matched_by_label_not_position() -> None:
    # Rows printed out of order still land on their own cells.
    rows = list(reversed(T3_ROWS_2021[3:12])) + T3_ROWS_2021[:3] + T3_ROWS_2021[12:]
    values = {"8.属于行政查询事项": "<td>4</td>" + "<td>0</td>" * 5 + "<td>4</td>"}
    report = parse_bytes(_page(_t3_html(values, rows)), "o.html")
    assert _cells(report)[("result.denied.admin_query", "natural_person")].value == 4
    assert _cells(report)[("result.denied.state_secret", "natural_person")].value == 0


def test_hybrid_2021_table_with_single_other_row() -> None:
    rows = [r for r in T3_ROWS_2021 if not (r[1] or "").startswith(("1.申请人", "2.申请人", "3.其他"))
            and r[0] != "（六）其他处理"]
    rows.insert(20, ("（六）其他处理", None))
    values = {"（六）其他处理": "<td>0</td><td>1</td>" + "<td>0</td>" * 4 + "<td>1</td>"}
    report = parse_bytes(_page(_t3_html(values, rows)), "h.html")
    assert report.format_version == "2021"
    cells = _cells(report)
    assert cells[("result.other", "commercial")].value == 1
    assert cells[("result.other.other", "natural_person")].value == 0
    assert cells[("result.other.other", "commercial")].value is None
    assert cells[("result.other.no_amendment", "research")].value == 0


def test_2019_format_from_labels_yields_198_cells() -> None:
    report = parse_file(FIXTURES / "seeds" / "004_17923ea91439cdc0.txt")
    assert report.format_version == "2019"
    assert len(report.cells) == 198
    cells = _cells(report)
    assert cells[("penalty", "items_change")].value == -51
    assert cells[("procurement", "amount_10k_yuan")].value == 521.0592


def test_format_version_not_from_year() -> None:
    # A 2023 report printed on the 2019 form is a 2019-format report.
    text = (FIXTURES / "seeds" / "004_17923ea91439cdc0.txt").read_text(encoding="utf-8")
    report = parse_bytes(text.replace("2019年", "2023年").encode("utf-8"), "late.txt")
    assert report.year == 2023 and report.format_version == "2019"


def test_t4_as_one_run_of_15_numbers() -> None:
    text = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果\n维持\n"
            "1 2 3 4 10 0 0 0 1 1 5 0 0 0 5\n五、存在的主要问题及改进情况\n")
    doc = (FIXTURES / "seeds" / "002_b00b71c8f43f96c3.txt").read_text(encoding="utf-8")
    head, _, tail = doc.partition("四、政府信息公开行政复议、行政诉讼情况")
    tail = tail[tail.index("五、存在的主要问题"):]
    report = parse_bytes((head + text + tail).encode("utf-8"), "t4.txt")
    t4 = {(c.row_id, c.col_id): c.value for c in report.cells if c.table_id == "t4"}
    assert t4[("review", "total")] == 10 and t4[("litigation_direct", "pending")] == 1
    assert t4[("litigation_after_review", "upheld")] == 5


def test_missing_rows_are_null_with_warning() -> None:
    rows = [r for r in T3_ROWS_2021 if r[1] != "2.重复申请"]
    report = parse_bytes(_page(_t3_html(None, rows)), "m.html")
    assert len(report.cells) == 200
    assert _cells(report)[("result.rejected.duplicate", "total")].value is None
    assert any("not found" in w and "duplicate" in w for w in report.warnings)


# --- meta ----------------------------------------------------------------------------------

def test_agency_null_when_never_named() -> None:
    report = parse_file(FIXTURES / "seeds" / "001_4b6701448024cc37.txt")
    assert report.agency is None and report.title is None and report.year == 2023


def test_hints_used_when_document_silent() -> None:
    data = (FIXTURES / "seeds" / "001_4b6701448024cc37.txt").read_bytes()
    report = parse_bytes(data, "x.txt", agency_hint="富县应急管理局", year_hint=2023)
    assert report.agency == "富县应急管理局" and report.year == 2023
    report = parse_bytes(data, "x.txt", title_hint="富县应急管理局2023年政府信息公开工作年度报告")
    assert report.agency == "富县应急管理局"


def test_title_wrapped_over_lines_is_joined() -> None:
    report = parse_file(FIXTURES / "seeds" / "003_3c753a1635510cd5.txt")
    assert report.title == "阿城区应急管理局2023年政府信息公开工作年度报告"


# --- checks --------------------------------------------------------------------------------

def test_broken_rule_is_recorded_not_fixed() -> None:
    row = "<td>3</td>" + "<td>0</td>" * 5 + "<td>4</td>"
    report = parse_bytes(_page(_t3_html({"一、本年新收政府信息公开申请数量": row})), "b.html")
    assert _cells(report)[("received_new", "total")].value == 4
    broken = [c for c in report.checks if c.passed is False]
    assert any(c.rule == "t3_row_total" and c.row_id == "received_new" and c.expected == 3
               and c.actual == 4 for c in broken)
    assert any(c.rule == "t3_balance" for c in broken)


def test_check_not_assessable_when_operand_null() -> None:
    cells = [CellValue("t4", "review", col, v, None) for col, v in
             zip(("upheld", "corrected", "other", "pending", "total"), (1, None, 0, 0, 1))]
    (result,) = run_checks(cells, "2021")
    assert result.rule == "t4_row_total" and result.passed is None


# --- failures never raise ------------------------------------------------------------------

@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "image"),
    (b"%PDF-1.4 broken", "PDF"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "LibreOffice"),
])
def test_unreadable_input_gives_error_not_exception(data: bytes, reason: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.assets.read.word.shutil.which", lambda name: None)
    report = parse_bytes(data, "bad.bin")
    assert report.error and reason in report.error
    assert report.cells == []


def test_missing_file_gives_error() -> None:
    assert "cannot open" in parse_file("/nonexistent/report.pdf").error


def test_scanned_pdf_flags_needs_ocr_without_cells() -> None:
    report = parse_bytes(scanned_pdf(), "scan.pdf", title_hint="某局2023年政府信息公开工作年度报告")
    assert report.error is None and report.needs_ocr
    assert report.cells == [] and report.format_version is None
    assert report.agency == "某局" and report.year == 2023


def test_pre2019_report_has_no_cells() -> None:
    text = ("某县人民政府2015年政府信息公开工作年度报告\n一、概述\n" + "本年度我县主动公开政府信息1200条。" * 20
            + "\n二、主动公开政府信息情况\n全年主动公开信息1200条。\n")
    report = parse_bytes(text.encode("utf-8"), "old.txt")
    assert report.format_version == "pre2019" and report.cells == []


# --- narrative -----------------------------------------------------------------------------

def test_narrative_figures_read_across_wrapped_pdf_lines() -> None:
    report = parse_file(FIXTURES / "samples" / "huaian-city-government-2024.pdf")
    figures = {f.figure: f.value for f in report.narrative_figures}
    assert figures["applications_received"] == 3119
    assert figures["review_cases"] == 351  # printed '行政复议 351' / '件' over a line break
    assert figures["processing_fee_yuan"] == 3940


def test_narrative_no_applications_is_zero() -> None:
    report = parse_file(FIXTURES / "seeds" / "001_4b6701448024cc37.txt")
    assert {f.figure: f.value for f in report.narrative_figures}["applications_received"] == 0


def test_report_json_is_the_dataclass_as_a_dict() -> None:
    """`gongkai parse` prints Report.to_json(): exactly dataclasses.asdict of the report
    (cells, sections, checks, figures, warnings), which it builds faster."""
    import dataclasses
    import json

    for path in (FIXTURES / "samples" / "huaian-city-government-2024.pdf",
                 *sorted((FIXTURES / "corpus").glob("*.html"))[:3]):
        report = parse_file(path)
        assert report.cells and report.sections
        plain = report.to_json()
        assert plain == dataclasses.asdict(report)
        assert json.dumps(plain, ensure_ascii=False) == json.dumps(
            dataclasses.asdict(report), ensure_ascii=False)
