"""`gongkai parse`: one JSON line per file, a failing exit when a file failed, a word when a
file is no report, report media only from a directory, a closed pipe ended quietly."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pipelines.conftest import GONGKAI

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
REPORT = SAMPLES / "shuyang-development-reform-bureau-2023.html"
NEWS = "<html><head><title>我县召开经济工作会议</title></head><body><p>今天，全县经济工作会议召开。</p></body></html>"


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_a_report_parses_and_exits_0(gongkai):
    result = gongkai("parse", str(REPORT))
    assert result.code == 0 and not result.err
    (report,) = lines(result.out)
    assert report["error"] is None and report["cells"]
    assert not any("not a report" in w for w in report["warnings"])


def test_missing_file_gets_its_line_and_a_failing_exit(gongkai):
    result = gongkai("parse", str(REPORT), "missing.pdf")
    assert result.code == 1
    good, missing = lines(result.out)
    assert good["error"] is None and "No such file" in missing["error"]
    assert result.err_lines == ["gongkai parse: missing.pdf: cannot open the file: No such file or directory"]


def test_news_page_is_said_to_be_no_report(gongkai, tmp_path):
    (tmp_path / "news.html").write_text(NEWS, encoding="utf-8")
    result = gongkai("parse", "news.html")
    assert result.code == 0
    (news,) = lines(result.out)
    assert news["cells"] == [] and any(w.startswith("not a report") for w in news["warnings"])
    assert result.err_lines == [f"gongkai parse: news.html: {news['warnings'][-1]}"]


def test_directory_is_walked_for_report_media_only(gongkai, tmp_path):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(REPORT, folder / "sub" / "a.html")
    (folder / "cells.jsonl").write_text('{"source": "a.html"}\n', encoding="utf-8")
    (folder / "notes.md").write_text("# notes\n", encoding="utf-8")
    (folder / ".hidden.html").write_text(NEWS, encoding="utf-8")
    result = gongkai("parse", "reports")
    assert result.code == 0, result.err
    assert [Path(r["source"]).name for r in lines(result.out)] == ["a.html"]


def test_directory_without_reports_is_one_line_and_exit_1(gongkai, tmp_path):
    (tmp_path / "empty").mkdir()
    result = gongkai("parse", "empty")
    assert result.code == 1 and result.out == ""
    assert len(result.err_lines) == 1 and "empty: no report files" in result.err


def test_closed_pipe_ends_quietly(tmp_path):
    for n in range(4):
        shutil.copy(REPORT, tmp_path / f"{n}.html")
    process = subprocess.Popen([GONGKAI, "parse", str(tmp_path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    first = process.stdout.readline()  # what `head -1` reads, then it goes away
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert json.loads(first)["error"] is None
    assert err == b""
    assert process.returncode == 141


def test_closed_pipe_ends_quietly_when_started_with_sigterm_ignored(tmp_path):
    """A launcher that ignores SIGTERM (nohup-like, some CI runners) passes that on: the pool's
    terminate() then never ended a worker, and the parse hung after its first line."""
    for n in range(12):
        shutil.copy(REPORT, tmp_path / f"{n}.html")
    # the shell ignores SIGTERM and passes that on to the gongkai it becomes
    process = subprocess.Popen(["sh", "-c", 'trap "" TERM; exec "$@"', "sh", str(GONGKAI), "parse",
                                str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        subprocess.run(["pkill", "-9", "-P", str(process.pid)], check=False)
        process.kill()
        pytest.fail("gongkai parse did not end after its reader went away")
    assert process.returncode == 141


def test_progress_is_shown_on_a_terminal_only(tmp_path, gongkai):
    shutil.copy(REPORT, tmp_path / "a.html")
    # Not a terminal (the other tests): nothing on stderr. A terminal: the file being read.
    assert gongkai("parse", "a.html").err == ""
    leader, follower = pty.openpty()
    process = subprocess.Popen([GONGKAI, "parse", "a.html", "--out", "cells.jsonl"], cwd=tmp_path,
                               stderr=follower, stdout=subprocess.DEVNULL)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 1024)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    assert b"[1/1] a.html" in seen


def test_a_pool_of_processes_writes_what_one_process_writes(gongkai, tmp_path):
    # files that read, one that is no report and one that fails, in an order a pool could upset
    folder = tmp_path / "reports"
    folder.mkdir()
    for n in range(5):
        shutil.copy(REPORT, folder / f"{n}-report.html")
    (folder / "2-news.html").write_text(NEWS, encoding="utf-8")
    (folder / "3-broken.pdf").write_bytes(b"%PDF-1.4 not really")
    one = gongkai("parse", "--jobs", "1", "reports")
    pool = gongkai("parse", "--jobs", "3", "reports")
    assert [Path(r["source"]).name for r in lines(pool.out)][:4] == [
        "0-report.html", "1-report.html", "2-news.html", "2-report.html"]
    assert (pool.code, pool.out, pool.err) == (one.code, one.out, one.err)
    assert pool.code == 1 and len(pool.err_lines) == 2
