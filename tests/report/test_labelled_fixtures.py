"""Every labelled fixture parses to exactly its labels: every cell, agency, year, format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.assets.form.spec import cells_for
from gongkai.assets.report.parse import parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _labelled() -> list[tuple[Path, dict]]:
    out = []
    for group in ("seeds", "samples"):
        for line in (FIXTURES / group / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                label = json.loads(line)
                out.append((FIXTURES / group / label["file"], label))
    return out


LABELLED = _labelled()


@pytest.mark.parametrize("path,label", LABELLED, ids=[p.name for p, _ in LABELLED])
def test_every_cell_equals_label(path: Path, label: dict) -> None:
    report = parse_file(path)
    assert report.error is None
    assert report.format_version == label["format_version"]
    assert report.year == label["year"]
    assert report.agency == label["agency"]
    assert report.title == label["title"]
    got = {f"{c.table_id}|{c.row_id}|{c.col_id}": c.value for c in report.cells}
    wrong = {k: (got.get(k, "missing"), v) for k, v in label["cells"].items()
             if k not in got or got[k] != v or (got[k] is None) != (v is None)}
    assert not wrong, f"{len(wrong)} cells differ (got, label): {dict(list(wrong.items())[:10])}"
    assert len(report.cells) == len(cells_for(label["format_version"])) == len(label["cells"])


@pytest.mark.parametrize("path,label", LABELLED, ids=[p.name for p, _ in LABELLED])
def test_consistency_rules_pass_where_labels_say_so(path: Path, label: dict) -> None:
    report = parse_file(path)
    broken = {c.rule for c in report.checks if c.passed is False and not c.soft}
    assert broken == set(label.get("broken_rules") or [])


@pytest.mark.parametrize("path,label", LABELLED, ids=[p.name for p, _ in LABELLED])
def test_sections_start_as_labelled(path: Path, label: dict) -> None:
    report = parse_file(path)
    got = {s.section_id: "".join(s.text.split())[:30] for s in report.sections}
    for sid, start in label["sections"].items():
        assert got.get(sid) == start, sid
