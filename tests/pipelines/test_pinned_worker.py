"""A worker pinned to cores (taskset, a container's cpuset, the backfill benchmark's workers)
starts one parser process a core it may run on, not one a core of the machine: more would only
take turns on its cores."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs sched_setaffinity and at least two cores to pin a process to fewer")


def parser_processes_when_pinned_to(cores: set[int]) -> int:
    code = "from gongkai.assets.report.isolated import default_workers; print(default_workers())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          preexec_fn=lambda: os.sched_setaffinity(0, cores))
    return int(done.stdout)


def test_a_worker_pinned_to_one_core_parses_in_one_process():
    assert parser_processes_when_pinned_to({min(os.sched_getaffinity(0))}) == 1


def test_a_worker_pinned_to_two_cores_parses_in_two_processes():
    assert parser_processes_when_pinned_to(set(sorted(os.sched_getaffinity(0))[:2])) == 2
