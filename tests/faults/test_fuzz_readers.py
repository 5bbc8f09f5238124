"""Fuzz the readers with mutated real documents (flips, truncations, splices, repeats): every
mutant gives a Report, never an exception, in bounded time. Small and derandomised so CI stays
fast and stable; `python -m benchmarks faults` runs more."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.hostile import SEEDS, mutate
from gongkai.assets.report.model import Report
from gongkai.assets.report.parse import parse_bytes

BLOBS = [(p.name, p.read_bytes()) for p in SEEDS]


@pytest.fixture(autouse=True, scope="module")
def no_ocr():
    """Scanned seeds would spend seconds a page in Tesseract: fuzz the readers, not OCR."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("gongkai.assets.read.ocr_engine.ocr_missing", lambda: "OCR off while fuzzing")
        yield


# No per-example deadline: a wall-clock bound failed on a busy machine (11 s against 10) while the
# readers were right; the readers' own limits stop a runaway document.
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(which=st.integers(0, len(BLOBS) - 1), other=st.integers(0, len(BLOBS) - 1),
       seed=st.integers(0, 2**32 - 1), media=st.sampled_from([None, "pdf", "html", "docx", "txt"]))
def test_mutated_documents_give_a_report(which, other, seed, media):
    name, data = BLOBS[which]
    kind, mutant = mutate(data, random.Random(seed), BLOBS[other][1])
    report = parse_bytes(mutant, f"{kind}-{name}", media=media)
    assert isinstance(report, Report)
    assert report.error is None or report.error.strip()


@FUZZ
@given(data=st.binary(max_size=4096), prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04",
                                                                  b"<html>", bytes.fromhex("D0CF11E0A1B11AE1")]))
def test_random_bytes_behind_a_magic_number_give_a_report(data, prefix):
    if prefix.startswith(bytes.fromhex("D0CF")):
        prefix = b""  # OLE2 goes to LibreOffice: seconds a call, covered by the fault run
    report = parse_bytes(prefix + data, "random")
    assert isinstance(report, Report)
