"""Where the CPU goes while a benchmark runs: every process of the machine sampled from /proc a
few times a second, each counted in the group of the first named process above it (a Celery
worker, a run's process, the Postgres server, …), so a stage's window gets CPU seconds per group.

CPU seconds, unlike wall time, are hardly disturbed by other work on a shared machine.
Linux only (`/proc`); elsewhere `available()` is False and the figures are left out.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Self

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")

SAMPLER = "the CPU sampler"  # the label of the sampling thread's own CPU

# A process's label from its group and its command line (None: the group's name).
Refine = Callable[[str, int, str], "str | None"]


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _stat(pid: int) -> tuple[int, int, float, float] | None:
    """(parent pid, start time, CPU seconds, CPU seconds of its exited and waited-for
    children) of a live process, None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after the command name, which may hold spaces
    # fields[0] is field 3 of proc(5): ppid is 4, utime 14, stime 15, cutime 16, cstime 17,
    # starttime 22
    return (int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / TICKS,
            (int(fields[13]) + int(fields[14])) / TICKS)


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class CpuSampler:
    """Samples, in a thread, the CPU seconds of every process under the named roots.

    `name(pid, group)` names a root: its process and every descendant started while it lives
    count in `group` (`refine` may split a group by command line). A process counts its own
    seconds and those of its children that exited and were waited for (short-lived ones, such as
    Postgres's backend of one connection, are never sampled alive); one that exits moves into
    its parent's count that way, except a root, which keeps its last seen seconds. A root's
    children of other groups (`own_only` roots: this process) are not counted in it.
    The sampler's own CPU is `sampler_seconds`, and its own label (SAMPLER), not its process's.
    """

    def __init__(self, interval: float = 0.5, refine: Refine | None = None) -> None:
        self.interval = interval
        self.refine = refine
        self.roots: dict[int, str] = {}
        self.own_only: set[int] = set()
        self._live: dict[tuple[int, int], tuple[str, float]] = {}  # (pid, start) → (label, cpu)
        self._exited_roots: dict[tuple[int, int], tuple[str, float]] = {}
        self.times: list[float] = []
        self.totals: list[dict[str, float]] = []
        self.sampler_seconds = 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="cpu-sampler", daemon=True)

    def name(self, pid: int, group: str, own_only: bool = False) -> None:
        with self._lock:
            self.roots[pid] = group
            if own_only:
                self.own_only.add(pid)
            self._live.clear()  # labelled again at the next sample: `pid` may already run

    def _group(self, pid: int, parents: dict[int, int]) -> tuple[str, int] | None:
        seen = set()
        while pid not in self.roots:
            if pid in seen or pid not in parents:
                return None
            seen.add(pid)
            pid = parents[pid]
        return self.roots[pid], pid

    def sample(self) -> None:
        started = time.thread_time()
        stats = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None:
                    stats[int(entry.name)] = stat
        parents = {pid: stat[0] for pid, stat in stats.items()}
        with self._lock:
            live: dict[tuple[int, int], tuple[str, float]] = {}
            for pid, (_, start, cpu, children) in stats.items():
                key = (pid, start)
                cpu += 0.0 if pid in self.own_only else children
                if key in self._live:
                    live[key] = (self._live[key][0], cpu)
                    continue
                found = self._group(pid, parents)
                if found is None:
                    continue
                group, root = found
                label = (self.refine(group, pid if pid != root else -1, command_line(pid))
                         if self.refine else None)
                live[key] = (label or group, cpu)
            for key, value in self._live.items():
                if key not in live and key[0] in self.roots:
                    self._exited_roots[key] = value
            self._live = live
            totals: dict[str, float] = {}
            for label, cpu in [*live.values(), *self._exited_roots.values()]:
                totals[label] = totals.get(label, 0.0) + cpu
            # The sampling thread's own CPU is in this process's: counted apart, as SAMPLER.
            own = next((label for (pid, _), (label, _) in live.items() if pid == os.getpid()), None)
            if own is not None:
                totals[own] -= self.sampler_seconds
                totals[SAMPLER] = self.sampler_seconds
            self.times.append(time.time())
            self.totals.append(totals)
            self.sampler_seconds += time.thread_time() - started

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Self:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def at(self, when: float) -> dict[str, float]:
        """Each label's CPU seconds up to `when` (a Unix time), interpolated between samples."""
        i = bisect_left(self.times, when)
        if i == 0:
            return dict(self.totals[0])
        if i >= len(self.times):
            return dict(self.totals[-1])
        t0, t1 = self.times[i - 1], self.times[i]
        a, b = self.totals[i - 1], self.totals[i]
        share = (when - t0) / (t1 - t0) if t1 > t0 else 1.0
        return {k: a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * share for k in b}

    def between(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds per label spent from `start` to `end` (Unix times)."""
        before, after = self.at(start), self.at(end)
        return {k: v - before.get(k, 0.0) for k, v in after.items()}
