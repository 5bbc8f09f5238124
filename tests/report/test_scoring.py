"""The project's scorer: the same rules as the shared scoring tool."""

from __future__ import annotations

from gongkai.assets.report.scoring import cell_ok, match, score, score_document

LABEL = {"doc_id": "d1", "file": "a/b/h001.pdf", "media": "pdf", "agency": "淮安市人民政府",
         "year": 2024, "format_version": "2021",
         "cells": {"t3|received_new|total": 3, "t3|carried_over|total": None,
                   "t2|fees|amount_10k_yuan": 1.5}}


def _pred(**overrides):
    pred = {"source": "/tmp/x/h001.pdf", "agency": "淮安市 人民政府", "year": 2024,
            "format_version": "2021",
            "cells": [{"table_id": "t3", "row_id": "received_new", "col_id": "total", "value": 3},
                      {"table_id": "t2", "row_id": "fees", "col_id": "amount_10k_yuan",
                       "value": 1.5000000001}]}
    pred.update(overrides)
    return pred


def test_cell_rules() -> None:
    assert cell_ok(None, None, False) and cell_ok(None, None, True)
    assert not cell_ok(None, 0, True)  # an empty cell read as 0 is wrong
    assert not cell_ok(0, None, True) and not cell_ok(0, None, False)
    assert cell_ok(2, 2.0000001, True) and not cell_ok(2, 2.01, True)
    assert not cell_ok(1, True, True) and not cell_ok(3, "3", True)


def test_document_score() -> None:
    s = score_document(LABEL, _pred())
    assert (s.right, s.cells, s.perfect, s.agency_ok, s.year_ok, s.format_ok) == (
        3, 3, True, True, True, True)
    bad = score_document(LABEL, _pred(year="x", format_version="2019", cells=[
        {"table_id": "t3", "row_id": "carried_over", "col_id": "total", "value": 0}]))
    assert bad.right == 0 and not bad.year_ok and not bad.format_ok and not bad.perfect
    assert score_document(LABEL, None).right == 1  # nothing predicted: only the NULL is right


def test_matching_prefers_the_fullest_prediction_and_groups_scans() -> None:
    empty = _pred(cells=[])
    assert match([LABEL], [empty, _pred(), _pred(source="other.pdf")])["d1"]["cells"]
    scan = dict(LABEL, doc_id="d2", file="s.pdf", ocr_only=True)
    figures, _docs = score([LABEL, scan], [_pred()])
    assert list(figures) == ["pdf", "pdf-ocr", "ALL"]
    assert figures["pdf"].cell_accuracy == 1.0 and figures["pdf-ocr"].cell_accuracy == 1 / 3
    assert figures["ALL"].perfect == 1 and figures["ALL"].docs == 2
