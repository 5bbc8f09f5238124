from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from gongkai.demo.model import broken_rules, cell_keys

DEMO = Path(__file__).resolve().parents[2] / "demo"

SCORE = Path("/work/shared/tools/score.py")


def test_at_least_thirty_reports_over_both_formats_years_and_media(truth):
    assert len(truth) >= 30
    assert {t["format_version"] for t in truth} == {"2019", "2021"}
    assert set(range(2019, 2025)) <= {t["year"] for t in truth}
    assert {"html", "pdf", "docx"} <= {t["media"] for t in truth}
    assert {t["host"] for t in truth} == {"city", "county"}
    # 2020 reports come in both formats
    assert {t["format_version"] for t in truth if t["year"] == 2020} == {"2019", "2021"}


def test_cells_are_exactly_those_of_the_format(truth):
    for t in truth:
        assert list(t["cells"]) == cell_keys(t["format_version"]), t["doc_id"]
        assert len(t["cells"]) == {"2021": 200, "2019": 198}[t["format_version"]]


def test_values_keep_the_rules_unless_listed_as_broken(truth):
    for t in truth:
        assert broken_rules(t["cells"], t["format_version"]) == t["broken_rules"], t["doc_id"]
    broken = {r for t in truth for r in t["broken_rules"]}
    assert broken == {"t3_row_total", "t3_balance", "t3_result_total", "t4_row_total"}


def test_placeholders_and_empty_cells_are_present(truth):
    assert any("placeholders" in t["quirks"] for t in truth)
    assert sum(1 for t in truth if any(v is None for v in t["cells"].values())) >= 2


def test_file_names_are_unique_and_exist(truth):
    names = [PurePosixPath(t["file"]).name for t in truth]
    assert len(names) == len(set(names))
    assert len({t["doc_id"] for t in truth}) == len(truth)
    for t in truth:
        assert (DEMO / "site" / t["file"]).is_file(), t["file"]


def test_duplicates_and_corrections_are_marked_non_canonical(truth):
    non_canonical = [t for t in truth if not t["canonical"]]
    assert len(non_canonical) == 2
    twin = next(t for t in non_canonical if t["doc_id"].endswith("-pdf"))
    page = next(t for t in truth if t["doc_id"] == twin["doc_id"].removesuffix("-pdf"))
    assert page["media"] == "html" and twin["media"] == "pdf" and twin["cells"] == page["cells"]
    original = next(t for t in non_canonical if t["doc_id"].endswith("-original"))
    corrected = next(t for t in truth if t["doc_id"] == original["doc_id"].removesuffix("-original"))
    assert "更正版" in (DEMO / "site" / corrected["file"]).name or corrected["canonical"]
    changed = {k for k in original["cells"] if original["cells"][k] != corrected["cells"][k]}
    assert len(changed) == 1 and original["broken_rules"] and not corrected["broken_rules"]


def test_cross_year_carry_over_chains_for_generated_agencies(truth):
    by_agency = collections.defaultdict(dict)
    for t in truth:
        if t["canonical"] and "real_document" not in t["quirks"] and "seed_text" not in t["quirks"]:
            by_agency[t["agency"]][t["year"]] = t["cells"]
    chained = 0
    for years in by_agency.values():
        for year, cells in years.items():
            if year - 1 in years:
                assert cells["t3|carried_over|total"] == years[year - 1]["t3|carried_forward|total"]
                chained += 1
    assert chained >= 10


@pytest.mark.skipif(not SCORE.exists(), reason="the shared scorer is not on this machine")
def test_shared_scorer_accepts_the_truth(truth, tmp_path):
    preds = tmp_path / "preds.jsonl"
    with preds.open("w", encoding="utf-8") as f:
        for t in truth:
            cells = [dict(zip(("table_id", "row_id", "col_id"), k.split("|")), value=v) for k, v in t["cells"].items()]
            f.write(json.dumps({"source": "http://x" + t["url_path"], "agency": t["agency"], "year": t["year"],
                                "format_version": t["format_version"], "cells": cells}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SCORE), str(DEMO / "truth.jsonl"), str(preds)],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "cell_accuracy=1.0000 docs_perfect=1.0000"
