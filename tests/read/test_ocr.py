"""OCR of scanned pages: rules → cell grid (merged cells too), deskew, rows placed by the form,
and scans read right by the model the rapidocr wheel carries (no system package, no network)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from gongkai.assets.form.labels import printed_t3_rows
from gongkai.assets.read.document import Document, Paragraph
from gongkai.assets.read.ocr import grid_table, place_rows, snap_label
from gongkai.assets.read.page_image import Grid, find_grids, skew_angle
from gongkai.assets.report.parse import parse_bytes, parse_document, parse_file
from tests.read.needs import needs_ocr

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
SCANS = Path(__file__).resolve().parents[1] / "fixtures" / "scans"


def _ruled_page() -> Image.Image:
    """An A4 page at 150 dpi: a line of text, then a 4×4 ruled table whose first column's
    rows 1–3 are one merged cell and whose top row's columns 1–3 are one merged cell."""
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    d.text((100, 100), "text above the table, no rules here", fill=0)
    xs, ys = [100, 500, 700, 900, 1100], [300, 360, 420, 480, 540]
    for y in ys:  # horizontal rules; none across the merged label cell (col 0, rows 1-3)
        d.line([(xs[0] if y in (ys[0], ys[1], ys[-1]) else xs[1], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:  # vertical rules; none inside the merged head (row 0, cols 1-3)
        d.line([(x, ys[0] if x in (xs[0], xs[1], xs[-1]) else ys[1]), (x, ys[-1])], fill=0, width=3)
    d.text((120, 320), "head", fill=0)
    d.text((600, 430), "7", fill=0)
    return img


def test_grid_found_from_rules_with_merged_cells() -> None:
    (grid,) = find_grids(np.asarray(_ruled_page()), min_rule=40)
    assert len(grid.ys) == 5 and len(grid.xs) == 5
    cells = {(r, c): (rs, cs) for r, c, rs, cs in grid.cells}
    assert cells[(0, 1)] == (1, 3)  # the merged head
    assert cells[(1, 0)] == (3, 1)  # the merged label
    assert cells[(2, 2)] == (1, 1)
    table = grid_table(grid, {(0, 0): "head", (2, 1): "7"}, page_no=1)
    assert table.n_rows == 4 and table.n_cols == 4
    assert table.grid[0][2] is None and table.grid[2][0] is None  # covered slots
    assert table.spans[(0, 1)] == (1, 3) and table.grid[2][1] == "7"


def test_text_without_rules_is_no_table() -> None:
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    for y in range(100, 1500, 40):
        d.text((100, y), "一二三四五六七八九十 " * 8, fill=0)
    assert find_grids(np.asarray(img)) == []


def test_skew_angle_measured_from_the_rules() -> None:
    page = _ruled_page()
    tilted = page.rotate(-0.6, resample=Image.BICUBIC, fillcolor=255)
    assert abs(skew_angle(np.asarray(tilted)) - 0.6) <= 0.1
    straight = tilted.rotate(skew_angle(np.asarray(tilted)), resample=Image.BICUBIC, fillcolor=255)
    assert len(find_grids(np.asarray(straight), min_rule=40)) == 1


def test_misread_form_label_snaps_to_the_form_wording_only_when_close() -> None:
    assert snap_label("7.属于行政执法案矢") == "7.属于行政执法案卷"
    assert snap_label("1.信和访举报投诉类申请") == "1.信访举报投诉类申请"
    assert snap_label("本年新制作数量") == "本年新制作数量"  # 2019 wording stays 2019
    assert snap_label("关于做好政府信息公开工作的通知") == "关于做好政府信息公开工作的通知"


@needs_ocr
def test_skewed_scan_reads_every_cell() -> None:
    truth = next(d for d in map(json.loads, (CORPUS / "labels.jsonl").read_text("utf-8").splitlines())
                 if d["file"] == "scan-skewed-2019.pdf")
    report = parse_file(CORPUS / "scan-skewed-2019.pdf")
    assert (report.agency, report.year, report.format_version) == ("清河县审计局", 2020, "2019")
    got = {f"{c.table_id}|{c.row_id}|{c.col_id}": c.value for c in report.cells}
    right = sum(1 for k, v in truth["cells"].items() if (v is None and got.get(k) is None)
                or (v is not None and got.get(k) is not None and abs(got[k] - v) < 1e-6))
    assert right / len(truth["cells"]) >= 0.97
    assert {s.section_id for s in report.sections} >= {"s1", "s2", "s3", "s4", "s5", "s6"}


def test_specks_around_a_number_are_not_cut_with_it() -> None:
    from gongkai.assets.read.page_image import cut_cell

    img = Image.new("L", (300, 80), 255)
    d = ImageDraw.Draw(img)
    d.rectangle([120, 25, 124, 55], fill=0)  # a "1"
    d.rectangle([140, 25, 150, 55], fill=0)  # a digit
    d.rectangle([131, 52, 133, 54], fill=0)  # a decimal point between them: kept
    for x, y in ((40, 15), (250, 60), (135, 8)):  # specks left, right, above
        d.rectangle([x, y, x + 1, y + 1], fill=0)
    cut = cut_cell(np.asarray(img), (0, 0, 300, 80), 3, 10)
    assert cut is not None and cut.char_h == 31
    ink = np.asarray(cut.binary) < cut.level
    assert ink.sum() == 5 * 31 + 11 * 31 + 9  # both strokes and the point, no speck


def test_printed_labels_come_from_the_canonical_cells() -> None:
    from gongkai.assets.form.labels import printed_labels

    labels = printed_labels()
    assert "（三）不予公开" in labels and "1.属于国家秘密" in labels and "自然人" in labels
    assert "三、本年度办理结果" in labels and "（一）予以公开" in labels
    assert "本年收费金额（单位：万元）" in labels  # the colon inside brackets is no split


@functools.cache
def _scan_cells(name: str) -> dict[str, float | None]:
    """The cells read from a scan of the corpus (parsed once for the tests that look at it)."""
    return {f"{c.table_id}|{c.row_id}|{c.col_id}": c.value for c in parse_file(CORPUS / name).cells}


@needs_ocr
def test_noisy_scans_read_through_the_specks() -> None:
    for name in ("scan-lowres-noisy-2021.pdf", "scan-noisy-200dpi-2019.pdf"):
        truth = next(d for d in map(json.loads, (CORPUS / "labels.jsonl").read_text("utf-8").splitlines())
                     if d["file"] == name)
        got = _scan_cells(name)
        right = sum(1 for k, v in truth["cells"].items() if (v is None and got.get(k) is None)
                    or (v is not None and got.get(k) is not None and abs(got[k] - v) < 1e-6))
        assert right / len(truth["cells"]) >= 0.95, name


@needs_ocr
def test_value_cells_misread_as_characters_are_read_again() -> None:
    # In the page's strip these thin 1s and faint 0s came out as '业', '了', '站': no value,
    # and the parser then shifted the row's later values left. Read again they are numbers.
    got = _scan_cells("scan-noisy-200dpi-2019.pdf")
    row = "t3|result.rejected.confirm_or_reissue|"
    assert [got[row + c] for c in ("natural_person", "research", "public_interest", "other_org", "total")] \
        == [1, 0, 1, 0, 2]
    assert got["t3|result.rejected.excessive_repeated|total"] == 1
    got = _scan_cells("scan-lowres-noisy-2021.pdf")
    row = "t3|carried_forward|"
    assert [got[row + c] for c in ("public_interest", "legal_service", "other_org", "total")] == [0, 1, 1, 14]
    assert got["t3|result.denied.three_safeties_one_stability|total"] == 0  # 无


@needs_ocr
def test_a_cell_chi_sim_misread_gets_a_clean_second_look() -> None:
    # chi_sim read these as '人' and ']14' in the page's strip, and the other readings of that
    # strip said 4 (a 2) and 4 (a 14); the clean cut-outs read again alone say 2 and 14.
    assert _scan_cells("scan-ruled-2021.pdf")["t4|litigation_after_review|total"] == 2
    assert _scan_cells("scan-lowres-noisy-2021.pdf")["t3|result.rejected.petition_complaint|total"] == 14
    # Read '1' by chi_sim and by chi_sim digits-only, nothing by the English models: one
    # reading that is no value is enough for a second look, which reads 11.
    assert _scan_cells("scan-lowres-noisy-2021.pdf")["t3|result.denied.process_info|total"] == 11


_T3_HEAD = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _t3_as_read(labels: list[str]) -> tuple[Grid, dict[tuple[int, int], str]]:
    """A ruled t3 as OCR reads it: a header row, then one row per label with 7 values
    (row r, column c holds r + c)."""
    n = len(labels) + 1
    grid = Grid(ys=[10.0 * i for i in range(n + 1)], xs=[10.0 * i for i in range(9)])
    grid.cells = [(r, c, 1, 1) for r in range(n) for c in range(8)]
    texts = {(0, c): h for c, h in enumerate(_T3_HEAD)}
    for r, label in enumerate(labels, start=1):
        texts[(r, 0)] = label
        for c in range(1, 8):
            texts[(r, c)] = str(r + c)
    return grid, texts


def test_rows_whose_label_ocr_garbled_are_placed_by_position() -> None:
    labels = list(printed_t3_rows()["2021"])
    garbled = list(labels)
    garbled[4] = "1.届干国家秋密"  # 1.属于国家秘密, three characters misread
    garbled[13] = "2.没有现木行"  # 2.没有现成信息需要另行制作, half of it lost
    grid, texts = _t3_as_read(garbled)
    place_rows(grid, texts)
    doc = Document("scan.pdf", "pdf", [Paragraph("清河县教育局2023年政府信息公开工作年度报告", page=1),
                                       grid_table(grid, texts, 1)])
    got = {(c.row_id, c.col_id): c.value for c in parse_document(doc).cells if c.table_id == "t3"}
    assert got[("result.denied.state_secret", "natural_person")] == 5 + 1
    assert got[("result.unable.needs_creation", "total")] == 14 + 7
    assert got[("carried_forward", "total")] == 25 + 7


def test_a_garbled_row_is_not_placed_where_the_grid_lost_a_row() -> None:
    labels = list(printed_t3_rows()["2021"])
    garbled = labels[:4] + ["1.届干国家秋密"] + labels[6:]  # the row after it is missing
    grid, texts = _t3_as_read(garbled)
    place_rows(grid, texts)
    assert texts[(5, 0)] == "1.届干国家秋密"  # between its anchors one row short: left as read


def test_ocr_model_reads_from_the_wheel_without_network() -> None:
    # A fresh process with every socket refused: the model files come from the installed
    # wheel, nothing is fetched, and the printed title is read as printed.
    script = textwrap.dedent('''
        import socket, sys
        def refuse(*a, **k):
            raise OSError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from PIL import Image
        from gongkai.assets.read.ocr_engine import read_lines
        img = Image.open(sys.argv[1]).convert("L")
        print("|".join(line.text for line in read_lines(img)))
    ''')
    proc = subprocess.run([sys.executable, "-c", script, str(SCANS / "scan-title-line.png")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "清河县审计局2020年政府信息公开工作年度报告" in proc.stdout.replace(" ", "")


@needs_ocr
def test_agency_and_year_come_from_a_scanned_title_on_two_lines() -> None:
    # One scanned title page (150 dpi, a sans typeface the corpus never used): the agency on
    # one line, the year and 政府信息公开工作年度报告 on the next.
    report = parse_file(SCANS / "scan-title-two-lines.pdf")
    assert (report.agency, report.year) == ("清河市住房和城乡建设局", 2022)


def _red_header_report(agency: str, title_lines: list[str]) -> bytes:
    """One page as the world's scanned reports print it: a red header (红头, agency + 文件 in
    large red type over a red rule), a document number, the title over two lines in a bold
    face, a paragraph, and the closing lines (落款) that a seal will cover."""
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width = A4[0]

    def centred(text: str, y: float, size: float, bold: bool = False) -> None:
        t = c.beginText((width - pdfmetrics.stringWidth(text, font, size)) / 2, y)
        t.setFont(font, size)
        if bold:
            t.setTextRenderMode(2)
            c.setLineWidth(size * 0.035)
        t.textOut(text)
        c.drawText(t)

    c.setFillColor("#d81e06")
    c.setStrokeColor("#d81e06")
    centred(f"{agency}文件", 760, 28, bold=True)
    c.setLineWidth(1.6)
    c.line(60, 745, width - 60, 745)
    c.setFillColor("black")
    c.setStrokeColor("black")
    centred("淮司发〔2024〕3号", 725, 11)
    y = 690
    for line in title_lines:
        centred(line, y, 20, bold=True)
        y -= 32
    c.setFont(font, 11)
    for text in ("本报告根据《中华人民共和国政府信息公开条例》编制。", "一、总体情况",
                 "本机关认真贯彻落实政务公开工作要点，持续推进政务公开。"):
        y -= 22
        c.drawString(70, y, text)
    c.drawString(380, 200, agency)
    c.drawString(380, 180, "2024年1月20日")
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_ocr
def test_a_scanned_title_under_a_red_header_gives_agency_and_year() -> None:
    """Issue 10 class 5: a scanned head with a red header above the title, the year in Chinese
    numerals, grey paper and a seal over the closing lines: the red header is not the agency."""
    from benchmarks.variants.scan import NoCJKFont, cjk_font_missing, scan_with

    if cjk_font_missing():
        pytest.skip(cjk_font_missing())
    agency = "淮安市淮阴区司法局"
    pdf = _red_header_report(agency, [agency, "二〇二三年度政府信息公开工作年度报告"])
    damage = {"dpi": 200, "skew": 0.6, "blur": 0.5, "noise": 0.0, "quality": 55, "seed": 7,
              "seal": "closing", "agency": agency, "paper": 225, "ink": 60}
    try:
        scanned = scan_with(pdf, damage)
    except NoCJKFont as exc:
        pytest.skip(str(exc))
    report = parse_bytes(scanned, "scan.pdf", media="pdf")
    assert (report.agency, report.year) == (agency, 2023)


def test_faded_rules_on_grey_paper_still_make_the_grid() -> None:
    """A scan on grey paper with faded ink (rules lighter than the ink level of a clean scan):
    stretched to white paper first, its table is found as on a clean page."""
    from gongkai.assets.read.ocr import paper_white

    faded = _ruled_page().point([round(175 + v * (235 - 175) / 255) for v in range(256)])
    assert find_grids(np.asarray(faded), min_rule=40) == []
    (grid,) = find_grids(np.asarray(paper_white(faded)), min_rule=40)
    assert len(grid.ys) == 5 and len(grid.xs) == 5
