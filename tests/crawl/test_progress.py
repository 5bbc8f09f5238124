"""The command line's crawl progress: a redrawn bar on a terminal, log lines elsewhere."""

from __future__ import annotations

import io

from gongkai.assets.crawl import LocalRawStore, crawl_sources
from gongkai.assets.crawl.progress import ProgressReporter, combine, human_bytes

from .conftest import fast_settings, portal_sources
from .portal import FixturePortal


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _feed(reporter: ProgressReporter, clock: Clock) -> None:
    reporter("source_started", {"source": "s"})
    reporter("fetch", {"status": 200, "bytes": 1500})
    reporter("list_page", {})
    clock.now += 1.0
    reporter("fetch", {"status": 304, "bytes": 0})
    reporter("article_page", {})
    reporter("document", {})
    reporter("error", {"reason": "timeout"})
    reporter("source_finished", {})


def test_tty_progress_redraws_one_line_with_counts_and_rates():
    stream, clock = io.StringIO(), Clock()
    reporter = ProgressReporter(2, stream=stream, tty=True, interval=0.5, clock=clock)
    _feed(reporter, clock)
    reporter.close()
    out = stream.getvalue()
    assert out.count("\n") == 1 and out.endswith("\n")  # one line, redrawn with \r
    last = out.rstrip("\n").split("\r")[-1]
    assert "[##########----------] 1/2 sources" in last
    assert "2 pages 2.0/s" in last and "1 docs" in last and "1.5 kB" in last
    assert "304s 1" in last and "errors 1" in last


def test_plain_progress_logs_lines_at_most_every_interval():
    lines: list[str] = []
    clock = Clock()
    reporter = ProgressReporter(
        1, stream=io.StringIO(), tty=False, log_every=10, emit=lines.append, clock=clock
    )
    _feed(reporter, clock)  # 1 s of events: nothing yet
    assert lines == []
    clock.now += 10
    reporter("fetch", {"status": 200, "bytes": 10})
    reporter.close()
    reporter.close()  # idempotent
    assert len(lines) == 2 and all("\r" not in line for line in lines)
    assert "1/1 sources" in lines[-1] and "2 pages" in lines[-1]


def test_a_non_tty_stream_gets_plain_lines_by_default():
    stream = io.StringIO()  # StringIO.isatty() is False
    with ProgressReporter(stream=stream) as reporter:
        reporter("document", {})
    assert stream.getvalue().startswith("crawl ") and "\r" not in stream.getvalue()


def test_human_bytes():
    assert human_bytes(999) == "999 B"
    assert human_bytes(1500) == "1.5 kB"
    assert human_bytes(12_400_000) == "12.4 MB"


def test_progress_counts_agree_with_the_crawl_stats(portal: FixturePortal, tmp_path):
    events: list[str] = []
    reporter = ProgressReporter(3, stream=io.StringIO(), tty=False)
    result = crawl_sources(
        portal_sources(portal),
        LocalRawStore(tmp_path / "raw"),
        settings=fast_settings(),
        progress=combine(reporter, None, lambda e, _: events.append(e)),
    )
    reporter.close()
    total, counts = result.stats.total, reporter.counts
    assert counts.sources_done == 3
    assert counts.documents == total.documents == len(result.documents)
    assert counts.list_pages == total.list_pages
    assert counts.article_pages == total.article_pages
    assert counts.errors == len(total.errors)
    # robots.txt, retried attempts and redirect hops are counted by the stats only.
    assert 0 < counts.bytes <= total.bytes_downloaded
    assert 0 < counts.requests < total.requests
    assert events.count("fetch") == counts.requests
