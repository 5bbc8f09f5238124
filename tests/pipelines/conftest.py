"""`gongkai` as a user runs it: the installed console script, in a process of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

GONGKAI = shutil.which("gongkai", path=str(Path(sys.executable).parent)) or "gongkai"


@dataclass
class Finished:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def gongkai(tmp_path):
    """Run `gongkai ARGS…` in tmp_path (DAGSTER_HOME there too) and return its exit code and output."""
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / ".dagster")}
    for name in ("GONGKAI_SOURCES", "GONGKAI_STORE", "GONGKAI_WAREHOUSE"):
        env.pop(name, None)

    def run(*args: str, timeout: float = 300) -> Finished:
        done = subprocess.run([GONGKAI, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        return Finished(done.returncode, done.stdout, done.stderr)

    run.env = env
    return run
