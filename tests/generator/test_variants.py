"""The report generator of benchmarks/variants: its documents are what its labels say.

Readers are not judged here (benchmarks/accuracy.py does that); these tests hold the generator
to its own invariants: a seed gives the same bytes every time, a label holds exactly the cells
of its format, the consistency rules hold unless the seed broke one, every file is a valid file
of its medium, and each printed cell reads back as its label's value.
"""

from __future__ import annotations

import io
import json
import re

import pypdfium2 as pdfium
import pytest
from docx import Document
from selectolax.lexbor import LexborHTMLParser

from benchmarks.variants import TUNING, UNSEEN, generate, write_corpus
from benchmarks.variants.media import Unavailable
from benchmarks.variants.scan import cjk_font_missing
from benchmarks.variants.truth import make_truth
from gongkai.assets.report.parse import parse_bytes
from gongkai.assets.report.scoring import score_document
from gongkai.demo.model import cell_keys

SEEDS = list(TUNING[:60])
MEDIA = ("html", "txt", "docx", "pdf")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
_PLACEHOLDERS = {"—", "-", "/", "无", "／", "－"}


def printed_value(text: str) -> float | None:
    """What a printed cell means, read the simplest way (an oracle for the generator, not a reader)."""
    text = text.translate(_FULLWIDTH).replace(",", "").replace(" ", "")
    if text == "":
        return None
    if text in _PLACEHOLDERS:
        return 0
    if text.endswith("元"):
        return float(text[:-1]) / 10000
    return float(text)


@pytest.mark.parametrize("medium", MEDIA + ("scan",))
def test_a_seed_gives_the_same_file_and_label_every_time(medium: str) -> None:
    if medium == "scan" and cjk_font_missing():
        pytest.skip(cjk_font_missing())
    first, second = generate(11, medium), generate(11, medium)
    assert first.data == second.data
    assert first.label == second.label


def test_seed_ranges_do_not_overlap() -> None:
    assert not set(TUNING) & set(UNSEEN)


def test_labels_hold_exactly_the_cells_of_their_format() -> None:
    for seed in SEEDS:
        label = generate(seed, "txt").label
        assert list(label["cells"]) == cell_keys(label["format_version"])
        assert len(label["cells"]) == (200 if label["format_version"] == "2021" else 198)


def test_axes_vary_across_seeds() -> None:
    truths = [make_truth(s) for s in SEEDS]
    assert {t.doc.fv for t in truths} == {"2019", "2021"}
    assert any(t.hybrid for t in truths)
    assert len({t.doc.agency for t in truths}) > 50
    assert len({t.doc.year for t in truths}) == 7
    quirks = {q for t in truths for q in t.quirks}
    assert {"placeholders", "blank_cells", "thousands_separators"} <= quirks
    assert any(q.startswith("break:") for q in quirks)


def test_rules_hold_unless_the_seed_broke_one() -> None:
    for seed in range(200):
        truth = make_truth(seed)
        slips = [q.removeprefix("break:") for q in truth.quirks if q.startswith("break:")]
        broken = truth.broken_rules()
        if slips:
            assert slips[0] in broken, (seed, slips, broken)
        else:
            assert broken == [], (seed, broken)


def test_a_hybrid_labels_its_2021_other_rows_from_the_single_row() -> None:
    truth = next(t for t in map(make_truth, range(500)) if t.hybrid)
    cells = truth.label_cells()
    for col in ("natural_person", "total"):
        single = truth.doc.cells[f"t3|result.other|{col}"]
        assert cells[f"t3|result.other.other|{col}"] == (0 if single == 0 else None)


def test_every_printed_cell_means_its_label_value() -> None:
    for seed in SEEDS:
        truth = make_truth(seed)
        for key, value in truth.label_cells().items():
            if truth.hybrid and key.startswith("t3|result.other."):
                continue
            meant = printed_value(truth.doc.text(key))
            assert (meant is None) == (value is None), (seed, key, truth.doc.text(key))
            if value is not None:
                assert abs(meant - value) < 1e-6, (seed, key, truth.doc.text(key), value)


def test_html_tables_print_the_cells_in_order() -> None:
    for seed in SEEDS[:20]:
        g = generate(seed, "html")
        truth = make_truth(seed)
        encoding = "utf-8" if "bytes_utf-8" in g.label["layout"] else "gb18030"
        tree = LexborHTMLParser(g.data.decode(encoding))
        t3 = next(t for t in tree.css("table") if "本年新收" in t.text())
        printed = [re.sub(r"\s", "", td.text()).replace("\xa0", "") for td in t3.css("td")]
        values = [re.sub(r"\s", "", truth.doc.text(f"t3|{row}|{col}"))
                  for row in ("received_new", "carried_over") for col in
                  ("natural_person", "commercial", "research", "public_interest", "legal_service",
                   "other_org", "total")]
        start = next(i for i, t in enumerate(printed) if "本年新收" in t) + 1
        assert printed[start:start + 7] == values[:7], seed


def test_files_are_valid_in_their_medium() -> None:
    for seed in SEEDS[:12]:
        pdf = pdfium.PdfDocument(generate(seed, "pdf").data)
        assert len(pdf) >= 2
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        assert "本年新收" in re.sub(r"\s", "", text)
        docx = generate(seed, "docx")
        tables = Document(io.BytesIO(docx.data)).tables
        layout = docx.label["layout"]
        assert len(tables) == 3 + ("t3_split_in_two" in layout) + ("title_in_table" in layout)
        html = generate(seed, "html")
        assert html.data.count(b"<table") >= 3


def test_a_scan_is_image_only() -> None:
    if cjk_font_missing():
        pytest.skip(cjk_font_missing())
    scan = pdfium.PdfDocument(generate(3, "scan").data)
    assert all(scan[i].get_textpage().get_text_range().strip() == "" for i in range(len(scan)))


def test_no_scan_is_made_where_its_text_would_not_be_drawn() -> None:
    if not cjk_font_missing():
        pytest.skip("a CJK font is installed: scans are made")
    with pytest.raises(Unavailable, match="CJK font"):
        generate(3, "scan")


@pytest.mark.parametrize("medium", MEDIA)
def test_generated_documents_parse_and_score_on_every_cell(medium: str) -> None:
    for seed in (0, 1):
        g = generate(seed, medium)
        report = parse_bytes(g.data, g.name)
        pred = {"agency": report.agency, "year": report.year, "format_version": report.format_version,
                "cells": [{"table_id": c.table_id, "row_id": c.row_id, "col_id": c.col_id,
                           "value": c.value} for c in report.cells]}
        score = score_document(g.label, pred)
        assert score.cells == len(g.label["cells"])
        assert report.error is None


def test_a_corpus_is_written_with_its_labels(tmp_path) -> None:
    labels, skipped = write_corpus(tmp_path, [0, 1], ("txt", "pdf"))
    lines = [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines()]
    assert [x["file"] for x in lines] == ["txt-00000.txt", "txt-00001.txt", "pdf-00000.pdf", "pdf-00001.pdf"]
    assert all((tmp_path / x["file"]).exists() for x in lines)
    assert skipped == []


def test_head_axes_vary_across_seeds() -> None:
    axes = [set(generate(seed, "txt").label["layout"]) for seed in range(120)]
    seen = set().union(*axes)
    for axis in ("year_in_chinese_numerals", "agency_not_in_title", "year_first", "title_lines_1",
                 "title_lines_2", "title_lines_3", "title_spaced_all", "title_spaced_year",
                 "document_number_above", "date_under_title", "agency_in_publisher_line",
                 "agency_in_running_head", "agency_in_closing", "title_in_table", "metadata_title_none",
                 "metadata_title_junk", "metadata_title_true", "other_years_in_preamble",
                 "no_statistics_period", "preamble_says_benjiguan"):
        assert axis in seen, axis
    # drawn independently: combinations occur, not one fixed bundle
    assert any({"agency_not_in_title", "year_in_chinese_numerals"} <= a for a in axes)
    assert any({"title_lines_2", "title_spaced_all"} <= a for a in axes)


def test_a_head_prints_its_title_and_names_its_agency() -> None:
    """The title's lines, spaces taken out, are the label's title; a title that names no agency
    has it printed in a 发布机关 line, a running head or the closing lines."""
    import random

    from benchmarks.variants.heading import chinese_year, draw_head

    for seed in range(200):
        truth = make_truth(seed)
        head = draw_head(truth, random.Random(f"gongkai-head:{seed}"))
        assert re.sub(r"[\s\u3000]", "", "".join(head.lines)) == head.title
        year = truth.doc.year
        assert str(year) in head.title or any(chinese_year(year, z) in head.title for z in "〇○零"), seed
        if truth.doc.agency not in head.title:
            printed = head.below + head.closing + [head.running_head or ""]
            assert any(truth.doc.agency in t for t in printed), seed
