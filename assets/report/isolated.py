"""Parse documents in worker processes, so one hostile document cannot take down a run.

    parse_isolated(data, source, *, media=None, ..., timeout=None, memory_mb=None) -> Report

`parse_bytes` never raises, but a document can still hang a reader (a pathological PDF), eat
all memory (a bomb the limits did not foresee) or crash a C library (pdfium, lxml, Lexbor).
Here each document is parsed in a worker process with an address-space limit
(``RLIMIT_AS``) and a wall-time budget: a timeout, a crash or a MemoryError gives
``Report(error=...)`` with the reason, the worker is replaced, and the run goes on.

Workers are started once (a fresh interpreter: no fork of a threaded parent) and reused: starting
one costs about a second of imports; sending a document to a live one costs milliseconds.
`ParserPool` holds several for parallel parsing; `parse_isolated` uses a shared pool, closed
when the process exits. ``GONGKAI_ISOLATE=0`` parses in-process instead (debugging).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Self

from gongkai.assets.read.limits import DOCUMENT_MEMORY_MB, DOCUMENT_TIMEOUT_S
from gongkai.assets.report.model import Report

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 120.0  # a worker's imports, on a loaded machine


def _pythonpath() -> str:
    """The parent's import path, so the worker imports the same code (installed or editable,
    gongkai is found through it; never a path derived from this file)."""
    return os.pathsep.join(os.path.abspath(p) for p in sys.path if p)


def isolation_enabled() -> bool:
    return os.environ.get("GONGKAI_ISOLATE", "1").strip().lower() not in ("0", "false", "no", "off")


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """A worker: limit the address space, import the parser, parse until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_mb:
        import resource
        limit = memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError) as exc:  # a hard limit already lower: keep it
            log.warning("cannot limit the worker's memory to %d MB: %s", memory_mb, exc)
    from gongkai.assets.report.parse import parse_bytes

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        except MemoryError:
            conn.send(f"out of memory: the document needs over {memory_mb} MB to read")
            return
        if job is None:
            return
        data, source, hints = job
        fatal = False
        try:
            report = parse_bytes(data, source, **hints)
        except MemoryError:
            report, fatal = None, True
        if report is None or (report.error and "MemoryError" in report.error):
            fatal = True
            report = Report.failed(
                source, f"out of memory: the document needs over {memory_mb} MB to read",
                hints.get("media"))
        del data
        try:
            conn.send(report)
        except MemoryError:
            conn.send(Report.failed(source, "out of memory sending the result", hints.get("media")))
            fatal = True
        if fatal:
            return  # a process that ran out of memory is not trusted with the next document


class _Worker:
    """A worker process (``python -m assets.report.isolated FD MEMORY_MB``) and the socket
    it reads jobs from: a plain subprocess, so nothing of the parent's main module is run."""

    def __init__(self, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gongkai.assets.report.isolated", str(theirs.fileno()),
                 str(memory_mb)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": _pythonpath()},  # and the parent's cwd
            )
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        if not self.conn.poll(_START_TIMEOUT_S):
            self.kill()
            raise RuntimeError(f"parse worker did not start within {_START_TIMEOUT_S:.0f}s")
        try:
            ready = self.conn.recv()
        except EOFError:
            ready = f"exit code {self.process.wait(5)}"
        if ready != "ready":
            self.kill()
            raise RuntimeError(f"parse worker failed to start: {ready}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def exitcode(self) -> int | None:
        try:
            return self.process.wait(5)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        try:
            self.process.kill()
            self.exitcode()
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        if self.exitcode() is None:
            self.process.kill()
            self.exitcode()
        self.conn.close()


class ParserPool:
    """`workers` parse worker processes; `parse` may be called from several threads."""

    def __init__(self, workers: int = 1, *, timeout: float = DOCUMENT_TIMEOUT_S,
                 memory_mb: int = DOCUMENT_MEMORY_MB) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(max(1, workers)):
            self._idle.put(None)  # a slot; its worker starts on first use
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0  # workers started (first starts and replacements)
        self.replaced = 0  # workers killed after a timeout, crash or MemoryError

    def _start(self) -> _Worker:
        worker = _Worker(self.memory_mb)
        with self._lock:
            self._all.add(worker)
            self.started += 1
        return worker

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            self.replaced += 1

    def parse(self, data: bytes, source: str, *, timeout: float | None = None,
              **hints: Any) -> Report:
        if self._closed:
            raise RuntimeError("ParserPool is closed")
        limit = self.timeout if timeout is None else timeout
        worker = self._idle.get()
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._drop(worker)
                worker = None
                try:
                    worker = self._start()
                except (RuntimeError, OSError) as exc:
                    log.error("%s: no parse worker: %s", source, exc)
                    return Report.failed(source, f"no parse worker: {exc}", hints.get("media"))
            return self._run(worker, data, source, hints, limit)
        finally:
            if worker is not None and not worker.alive():
                with self._lock:
                    self._all.discard(worker)
                worker = None
            self._idle.put(worker)

    def _run(self, worker: _Worker, data: bytes, source: str, hints: dict, limit: float) -> Report:
        media = hints.get("media")
        started = time.monotonic()
        try:
            try:
                worker.conn.send((data, source, hints))
            except OSError:
                # The worker may have refused the job mid-send (out of memory receiving it)
                # and said why before hanging up: take its answer over a bare broken pipe.
                if worker.conn.poll(1.0):
                    answer = worker.conn.recv()
                    if isinstance(answer, str):
                        self._drop(worker)
                        return Report.failed(source, answer, media)
                raise
            if worker.conn.poll(limit):
                answer = worker.conn.recv()
                if isinstance(answer, str):  # the worker could not even take the job
                    self._drop(worker)
                    return Report.failed(source, answer, media)
                return answer
        except (EOFError, OSError):
            code = worker.exitcode()
            self._drop(worker)
            how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exit code {code}")
            log.warning("%s: parse worker crashed (%s)", source, how)
            return Report.failed(source, f"reader crashed ({how})", media)
        self._drop(worker)
        log.warning("%s: parse timed out after %.0fs; worker replaced", source,
                    time.monotonic() - started)
        return Report.failed(source, f"timed out: reading took over {limit:.0f}s", media)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: ParserPool | None = None
_shared_lock = threading.Lock()


def usable_cpus() -> int:
    """The cores this process may run on: a worker pinned to one core (taskset, a container's
    cpuset) gets one, where os.cpu_count() would say every core of the machine."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def default_workers() -> int:
    """Parser processes of the shared pool: one a usable core (at most 4)."""
    return max(1, min(4, usable_cpus()))


def shared_pool() -> ParserPool:
    """The process's pool (`default_workers()` workers, each started on first use), closed
    at exit."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = ParserPool(default_workers())
            atexit.register(_shared.close)
        return _shared


def parse_isolated(data: bytes, source: str, *, media: str | None = None,
                   title_hint: str | None = None, agency_hint: str | None = None,
                   year_hint: int | None = None, division_hint: str | None = None,
                   timeout: float | None = None, memory_mb: int | None = None,
                   pool: ParserPool | None = None) -> Report:
    """`parse_bytes` in a worker process: never raises, never hangs past `timeout`, never
    takes more than `memory_mb` of address space (a fresh pool when it differs)."""
    hints = {"media": media, "title_hint": title_hint, "agency_hint": agency_hint,
                 "year_hint": year_hint, "division_hint": division_hint}
    if not isolation_enabled():
        from gongkai.assets.report.parse import parse_bytes
        return parse_bytes(data, source, **hints)
    if memory_mb is not None and (pool is None or pool.memory_mb != memory_mb):
        with ParserPool(1, memory_mb=memory_mb) as own:
            return own.parse(data, source, timeout=timeout, **hints)
    return (pool or shared_pool()).parse(data, source, timeout=timeout, **hints)


if __name__ == "__main__":  # a worker: python -m assets.report.isolated FD MEMORY_MB
    _worker_main(Connection(int(sys.argv[1])), int(sys.argv[2]))
