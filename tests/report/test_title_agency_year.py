"""A report's agency and year come from what it prints, however its head is set: the year in
Chinese numerals, a document number above the title, the title in a one-cell table, a title
that names no agency (the agency in a 发布机关 line, closing the report, or in a running head),
and a body that mentions the publication year and the year before as often as the report's.

Each case is a failure class the generated reports (benchmarks/variants/heading.py) found on
tuning seeds; each document is parsed from its bytes by the real readers."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongkai.assets.report.parse import parse_bytes

AGENCY, YEAR = "淮安市淮阴区司法局", 2023
REST = "政府信息公开工作年度报告"
PREAMBLE = ("本报告根据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息情况、"
            "收到和处理政府信息公开申请情况等。")
BODY = ["一、总体情况", f"{YEAR}年，本机关认真贯彻落实政务公开工作要点。",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def _txt(*head: str, body: list[str] = BODY, tail: tuple[str, ...] = ()) -> tuple[str | None, int | None]:
    text = "\n".join([*head, PREAMBLE, *body, *tail]) + "\n"
    report = parse_bytes(text.encode("utf-8"), "report.txt", media="txt")
    return report.agency, report.year


def test_a_year_in_chinese_numerals_is_the_reports_year() -> None:
    for year in ("二〇二三", "二○二三", "二零二三"):
        assert _txt(f"{AGENCY}{year}年度{REST}") == (AGENCY, YEAR)


def test_a_year_as_ocr_reads_it_is_the_reports_year() -> None:
    """OCR of a scanned title drops the thin 〇 (二二三年) or reads a 0 as the letter O."""
    assert _txt(f"{AGENCY}二二三年{REST}") == (AGENCY, YEAR)
    assert _txt(f"{AGENCY}2O23年{REST}") == (AGENCY, YEAR)


def test_a_document_number_above_the_title_is_not_part_of_the_agency() -> None:
    assert _txt(f"淮政办发〔{YEAR + 1}〕3号", f"{AGENCY}{YEAR}年{REST}") == (AGENCY, YEAR)
    assert _txt("淮司发〔2024〕12号", AGENCY, f"{YEAR}年{REST}") == (AGENCY, YEAR)


def test_a_running_head_over_a_title_naming_the_agency_does_not_double_it() -> None:
    assert _txt(AGENCY, f"{AGENCY}{YEAR}年{REST}") == (AGENCY, YEAR)
    assert _txt(AGENCY, AGENCY, f"{YEAR}年{REST}") == (AGENCY, YEAR)


def test_a_title_wrapped_over_four_lines_keeps_its_whole_agency() -> None:
    """A narrow table cell wraps the title every few characters (a flattened one-cell table)."""
    assert _txt("淮司发〔2024〕3号", "淮安市淮阴", f"区司法局{YEAR}", "年政府信息公开工作年度报", "告") == (AGENCY, YEAR)


def test_a_title_broken_before_guanyu_or_inside_the_agency_keeps_the_agency() -> None:
    assert _txt(AGENCY, f"关于{YEAR}年", "政府信息公开年度报告") == (AGENCY, YEAR)
    assert _txt("安多县发展和改革委", f"员会{YEAR}年度{REST}") == ("安多县发展和改革委员会", YEAR)


def test_a_title_in_a_flattened_table_cell_is_read() -> None:
    assert _txt(f"| {AGENCY}{YEAR}年{REST} |") == (AGENCY, YEAR)
    assert _txt(f"\t{AGENCY}{YEAR}年{REST}\t") == (AGENCY, YEAR)


def test_a_title_without_the_agency_takes_it_from_the_line_above() -> None:
    assert _txt(f"{AGENCY}{REST}", f"{YEAR}年度{REST}") == (AGENCY, YEAR)


def test_a_title_without_the_agency_takes_it_from_the_publisher_line() -> None:
    assert _txt(f"{YEAR}年{REST}", f"发布机关：{AGENCY}") == (AGENCY, YEAR)
    assert _txt(f"{YEAR}年度{REST}", f"（{AGENCY}）") == (AGENCY, YEAR)


def test_a_title_without_the_agency_takes_it_from_the_closing_lines() -> None:
    assert _txt(f"{YEAR}年{REST}", tail=(AGENCY, f"{YEAR + 1}年1月20日")) == (AGENCY, YEAR)


def test_a_title_in_a_one_cell_table_is_read() -> None:
    page = (f"<html><body><table border=1><tr><td>{AGENCY}{YEAR}年{REST}</td></tr></table>"
            f"<p>{PREAMBLE}</p>" + "".join(f"<p>{t}</p>" for t in BODY) + "</body></html>")
    report = parse_bytes(page.encode("utf-8"), "report.html", media="html")
    assert (report.agency, report.year) == (AGENCY, YEAR)


def test_the_publication_date_does_not_set_the_year() -> None:
    """No title and no statistics period: the publication year is printed more often than the
    report's year, but only in dates (the day the report was compiled and published)."""
    body = [(f"本报告于{YEAR + 1}年1月20日编制，{YEAR + 1}年1月25日审定。与{YEAR - 1}年相比，{YEAR}年依申请"
             "公开数量有所增加。"), "一、总体情况", f"{YEAR}年，本机关认真贯彻落实政务公开工作要点。",
            f"发布日期：{YEAR + 1}年1月26日"]
    assert _txt(body=body)[1] == YEAR


def _pdf_with_running_head(title: str, head: str) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(2):
        c.setFont("STSong-Light", 9)
        c.drawCentredString(A4[0] / 2, A4[1] - 40, head)
        c.setFont("STSong-Light", 11)
        y = A4[1] - 90
        lines = ([title] if page == 0 else []) + [PREAMBLE[:30], *BODY]
        for line in lines:
            c.drawString(60, y, line)
            y -= 20
        c.showPage()
    c.save()
    return buf.getvalue()


def test_a_title_without_the_agency_takes_it_from_the_running_head() -> None:
    for head in (AGENCY, f"{AGENCY}{REST}"):
        report = parse_bytes(_pdf_with_running_head(f"{YEAR}年{REST}", head), "report.pdf", media="pdf")
        assert (report.agency, report.year) == (AGENCY, YEAR)


def test_a_red_header_over_the_title_is_not_part_of_the_agency() -> None:
    """A 红头 (the issuing office and 文件 in large red type) printed above the title."""
    assert _txt(f"{AGENCY}文件", f"{AGENCY}{YEAR}年{REST}") == (AGENCY, YEAR)
    assert _txt("淮安市人民政府办公室文件", f"淮安市人民政府{YEAR}年{REST}") == ("淮安市人民政府", YEAR)
    assert _txt("淮安市人民政府办公室文件", "淮政办发〔2024〕3号", "淮安市人民政府",
                f"{YEAR}年{REST}") == ("淮安市人民政府", YEAR)


def test_a_red_header_wrapped_over_two_lines_is_not_part_of_the_title() -> None:
    """A long office name's 红头 wraps (…人力资源和社会保 / 障局文件) between a running head and
    a letter-spaced title: none of the header is the agency's name in the title."""
    office = "抚顺市新宾满族自治县人力资源和社会保障局"
    title = " ".join(f"{office}关于{YEAR}年政府信息公开年度报告")
    assert _txt(office, office[:-2], f"{office[-2:]}文件", title[:40], title[40:80], title[80:]) == (office, YEAR)
    assert _txt(office[:-2], f"{office[-2:]}文件", f"{YEAR}年{REST}") == (office, YEAR)


def test_a_red_header_names_the_agency_when_nothing_else_does() -> None:
    assert _txt(f"{AGENCY}文件", f"{YEAR}年{REST}") == (AGENCY, YEAR)
    # the closing lines name the agency itself: they win over the office that issued the file
    assert _txt("淮安市人民政府办公室文件", f"{YEAR}年{REST}",
                tail=("淮安市人民政府", f"{YEAR + 1}年1月20日")) == ("淮安市人民政府", YEAR)


def test_a_title_as_ocr_reads_it_gives_agency_and_year() -> None:
    """What OCR makes of a printed title: a space before 年, a variant 吿 for 告, 府 read as 甯,
    the year in Chinese numerals on a line of its own."""
    assert _txt(f"{AGENCY}{YEAR} 年政府信息公开工作年度报吿") == (AGENCY, YEAR)
    assert _txt(f"淮安市人民政甯{YEAR}年{REST}") == ("淮安市人民政府", YEAR)
    assert _txt("淮安市人民政府", "二〇二三年度", "政府信息公开工作年度报吿") == ("淮安市人民政府", YEAR)
