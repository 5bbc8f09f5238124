"""The warehouse benchmark at a tiny scale: it builds, loads and runs every example query.
(Speed is measured by `python -m benchmarks warehouse`, never asserted here.)"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_at_a_tiny_scale(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.warehouse import run, synthesise_year
    from gongkai.warehouse.examples import examples

    frames = synthesise_year(2023, 100, 100)
    assert frames.fact_cell.height == 100 * 200
    assert frames.report["is_canonical"].sum() < 100  # twins are not canonical
    result = run(340, tmp_path, years=[2022, 2023])
    assert result["cells"] == 340 // 2 * 2 * 200
    assert [q[0] for q in result["queries"]] == [e.name for e in examples()]
    assert sys.modules["benchmarks.warehouse"].LOAD_TARGET == 1_000_000
