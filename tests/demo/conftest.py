from __future__ import annotations

import json
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "demo"


@pytest.fixture(scope="session")
def truth() -> list[dict]:
    return [json.loads(line) for line in (DEMO / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def bases():
    from gongkai.demo.server import serve_demo

    with serve_demo() as b:
        yield b
