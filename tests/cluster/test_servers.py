"""The test servers (benchmarks/servers) go with the process that started them, even when it is
killed: a stopped benchmark or test run leaves no Postgres or Redis behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OWNER = """
import sys, time
from benchmarks import servers
with servers.postgres() as pg, servers.redis() as redis:
    print(pg.pid, flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.skipif(not (shutil.which("pg_ctl") and shutil.which("redis-server")),
                    reason="needs PostgreSQL and redis-server installed")
def test_a_killed_owner_takes_its_postgres_and_redis_with_it():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], cwd=REPO, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        postgres = int(owner.stdout.readline())
        redis = [int(p) for p in subprocess.run(["pgrep", "-P", str(owner.pid), "redis-server"],
                                                capture_output=True, text=True, check=False).stdout.split()]
        assert alive(postgres) and len(redis) == 1
        owner.send_signal(signal.SIGKILL)  # no finally block runs
        owner.wait()
        deadline = time.monotonic() + 30
        while (alive(postgres) or alive(redis[0])) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(postgres) and not alive(redis[0])
    finally:
        owner.kill()
        owner.wait()
