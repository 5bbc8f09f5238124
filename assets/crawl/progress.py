"""Show a crawl's progress while it runs: one redrawn line on a terminal, log lines elsewhere.

`ProgressReporter` is a `progress(event, info)` callback for `crawl_sources`. It counts the
events `SourceCrawl` emits (``fetch``, ``list_page``, ``article_page``, ``document``,
``error``, ``source_started``, ``source_finished``) and

- on a TTY redraws a single status line (``\\r``) at most every `interval` seconds:

      crawl [#####-----] 3/6 sources  412 pages 8.1/s  37 docs 0.7/s  12.4 MB 240 kB/s  304s 350  errors 2

- anywhere else (a log file, Dagster's captured stderr) writes one plain line every
  `log_every` seconds through `emit` (default: the stream), so logs stay readable.

Dagster-free; thread-safe (the crawl calls it from several threads).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self, TextIO


@dataclass
class ProgressCounts:
    sources_done: int = 0
    requests: int = 0  # answered fetches the crawl saw (robots.txt and retries not included)
    bytes: int = 0  # body bytes over the wire
    not_modified: int = 0  # 304s: stored bytes reused
    list_pages: int = 0
    article_pages: int = 0
    documents: int = 0
    errors: int = 0

    @property
    def pages(self) -> int:
        return self.list_pages + self.article_pages


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # unreachable; keeps type checkers calm


class ProgressReporter:
    """Count crawl events and show them; call `close()` (or use `with`) to print the last line."""

    def __init__(
        self,
        total_sources: int | None = None,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval: float = 0.2,
        log_every: float = 10.0,
        emit: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        width: int = 20,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty
        self.total_sources = total_sources
        self.interval = interval if tty else log_every
        self.emit = emit or self._write_line
        self._custom_emit = emit is not None
        self.clock = clock
        self.width = width
        self.counts = ProgressCounts()
        self._lock = threading.Lock()
        self._started = clock()
        self._last_drawn = self._started
        self._drawn = False  # a bar is on screen and needs its line ended
        self._closed = False

    # -- the callback ----------------------------------------------------------------------

    def __call__(self, event: str, info: dict) -> None:
        c = self.counts
        with self._lock:
            if event == "fetch":
                c.requests += 1
                c.bytes += int(info.get("bytes", 0) or 0)
                c.not_modified += int(info.get("status") == 304)
            elif event == "list_page":
                c.list_pages += 1
            elif event == "article_page":
                c.article_pages += 1
            elif event == "document":
                c.documents += 1
            elif event == "error":
                c.errors += 1
            elif event == "source_finished":
                c.sources_done += 1
            now = self.clock()
            due = now - self._last_drawn >= self.interval
            if due:
                self._last_drawn = now
                line = self.line(now)
        if due:
            self._show(line)

    # -- rendering -------------------------------------------------------------------------

    def line(self, now: float | None = None) -> str:
        c = self.counts
        elapsed = max(1e-9, (self.clock() if now is None else now) - self._started)
        parts = []
        if self.total_sources:
            done = min(c.sources_done, self.total_sources)
            filled = round(self.width * done / self.total_sources)
            bar = "#" * filled + "-" * (self.width - filled)
            parts.append(f"[{bar}] {done}/{self.total_sources} sources")
        else:
            parts.append(f"{c.sources_done} sources")
        parts += [
            f"{c.pages} pages {c.pages / elapsed:.1f}/s",
            f"{c.documents} docs {c.documents / elapsed:.1f}/s",
            f"{human_bytes(c.bytes)} {human_bytes(c.bytes / elapsed)}/s",
            f"304s {c.not_modified}",
            f"errors {c.errors}",
            f"{elapsed:.0f}s",
        ]
        return "crawl " + "  ".join(parts)

    def _show(self, line: str) -> None:
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
            self.stream.flush()
            self._drawn = True
        else:
            self.emit(line)

    def _write_line(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final counts and end the bar's line (once)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            line = self.line()
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K\n")
            self.stream.flush()
        if not self.tty or self._custom_emit:  # the totals also go to the caller's log
            self.emit(line)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def combine(*callbacks: Callable[[str, dict], None] | None) -> Callable[[str, dict], None]:
    """One progress callback calling each of `callbacks` (None ones skipped) in turn."""
    chosen = [cb for cb in callbacks if cb is not None]

    def progress(event: str, info: dict) -> None:
        for cb in chosen:
            cb(event, info)

    return progress
