"""The summary of `gongkai run`: documents found outside the years asked for are named, with
the command that loads them."""

from __future__ import annotations

import argparse

from gongkai.pipelines.commands.pipeline import reparse_hint


def args(**kw) -> argparse.Namespace:
    defaults = {"command": "run", "sources": "my.toml", "store": "data/store", "warehouse": "w.duckdb"}
    return argparse.Namespace(**{**defaults, **kw})


def test_years_found_outside_the_run_are_named_with_the_reparse_that_loads_them():
    found = {2019: 10, 2020: 12, 2021: 14, 2023: 9, 2025: 3, 2026: 1}
    hint = reparse_hint(found, loaded={2025, 2026}, years=[2025, 2026], args=args())
    assert "45 document(s) of 2019-2021,2023 were found and stored but not loaded" in hint
    assert "(this run loaded 2025-2026)" in hint
    assert "gongkai reparse --years 2019-2021,2023 --sources my.toml" in hint
    assert "--warehouse w.duckdb" in hint


def test_years_loaded_before_are_not_named_again():
    assert reparse_hint({2019: 10, 2025: 3}, loaded={2019, 2025}, years=[2025], args=args()) is None
