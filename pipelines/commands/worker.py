"""`gongkai celery-worker`: a Celery worker of the cluster profile (pipelines/worker.py)."""

from __future__ import annotations

import argparse
import os
import sys

from gongkai.pipelines.commands import CommandError
from gongkai.pipelines.settings import CELERY_BROKER


def celery_command(concurrency: int, name: str | None, loglevel: str) -> list[str]:
    """The `celery worker` command line: the dagster queue, one task fetched at a time."""
    command = [sys.executable, "-m", "celery", "-A", "gongkai.pipelines.worker", "worker",
               "-Q", "dagster", "--prefetch-multiplier", "1", "--concurrency", str(concurrency),
               "--loglevel", loglevel]
    return command + (["-n", name] if name else [])


def main(args: argparse.Namespace) -> int:
    if not os.environ.get(CELERY_BROKER):
        raise CommandError(f"{CELERY_BROKER} is not set: the Celery broker's URL, "
                           "e.g. redis://127.0.0.1:6379/0")
    command = celery_command(args.concurrency, args.name, args.loglevel)
    os.execv(command[0], command)  # the worker replaces this process: signals reach it directly
