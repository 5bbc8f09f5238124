"""A newcomer's mistakes with `gongkai`: each answered with one line naming the problem and an
exit code (2: what was asked is wrong; 1: the work failed), never a traceback."""

from __future__ import annotations

import pytest

SOURCE = '[[source]]\nname = "甲"\nstart = ["http://portal.test/list.html"]\n'


def assert_one_line(result, code: int, *words: str) -> str:
    assert result.code == code, result.err
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert "Traceback" not in result.err and "Warning" not in result.err
    for word in words:
        assert word in line
    return line


def test_unknown_command_is_one_line_with_the_commands(gongkai):
    assert_one_line(gongkai("crawl"), 2, "invalid choice: 'crawl'", "parse", "--help")


def test_missing_argument_is_one_line(gongkai):
    assert_one_line(gongkai("sql"), 2, "gongkai sql", "query")


def test_version_is_printed(gongkai):
    result = gongkai("--version")
    assert result.code == 0 and result.out.startswith("gongkai 0.")


@pytest.mark.parametrize("years, words", [
    ("2024-2019", ["bad year range '2024-2019'", "start after end"]),
    ("twenty", ["bad year range 'twenty'"]),
    ("1999", ["years must lie within 2008-"]),
])
def test_bad_year_range_is_refused_before_anything_runs(gongkai, tmp_path, years, words):
    (tmp_path / "s.toml").write_text(SOURCE, encoding="utf-8")
    result = gongkai("run", "--sources", "s.toml", "--years", years)
    assert_one_line(result, 2, "gongkai run:", *words)
    assert not (tmp_path / ".dagster").exists()  # Dagster never started


@pytest.mark.parametrize("text, where, words", [
    ('[[source]]\nname = "甲"\nstart = ["http://a.test/"\n', "s.toml:3:", ["not valid TOML"]),
    ('[[source]]\nname = "甲"\nstart = ["ftp://a.test/list"]\n', "s.toml:3:", ["'ftp://a.test/list'", "http(s)"]),
    ('[[source]]\nname = "甲"\nstart = ["http://a.test/"]\nmax_page = 3\n', "s.toml:4:",
     ["unknown key 'max_page'", "did you mean 'max_pages'?"]),
])
@pytest.mark.parametrize("command", ["check", "run", "reparse"])
def test_bad_sources_file_is_one_line_naming_file_and_line(gongkai, tmp_path, command, text, where, words):
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    args = ["--years", "2023"] if command == "reparse" else []
    line = assert_one_line(gongkai(command, "--sources", "s.toml", *args), 2, *words)
    assert line.startswith(f"gongkai {command}: {where}")
    assert not (tmp_path / ".dagster").exists()  # validated before any run


def test_missing_sources_file_is_one_line(gongkai):
    assert_one_line(gongkai("check", "--sources", "nowhere.toml"), 2, "nowhere.toml", "No such file")


def test_good_sources_file_checks_out(gongkai, tmp_path):
    (tmp_path / "s.toml").write_text(SOURCE, encoding="utf-8")
    result = gongkai("check", "--sources", "s.toml")
    assert result.code == 0 and "1 source(s) OK: 甲" in result.out and not result.err


def test_sql_and_export_without_a_warehouse_say_how_to_make_one(gongkai):
    assert_one_line(gongkai("sql", "SELECT 1", "--warehouse", "none.duckdb"), 2, "none.duckdb", "gongkai demo")
    assert_one_line(gongkai("export", "--parquet", "out", "--warehouse", "none.duckdb"), 2, "none.duckdb")


def test_failed_run_names_the_failing_step_and_exits_1(gongkai, tmp_path):
    # A catalog the report stage cannot read: the run fails inside Dagster, and the CLI's own
    # account of it must not crash on the run's failure event (it did: CheckError).
    (tmp_path / "s.toml").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "store" / "catalog").mkdir(parents=True)
    (tmp_path / "store" / "catalog" / "documents.parquet").write_bytes(b"not parquet")
    result = gongkai("reparse", "--years", "2023", "--sources", "s.toml", "--store", "store",
                     "--warehouse", "w.duckdb")
    assert result.code == 1, result.err
    assert "CheckError" not in result.err
    assert any(line.startswith("step parsed_reports failed:") for line in result.err_lines)
    assert "FAILED" in result.out
