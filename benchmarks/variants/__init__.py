"""Generated reports: every axis of the report format varied on its own and in combination.

    from benchmarks.variants import generate, write_corpus, TUNING, UNSEEN

A seed fixes one report's truth (agency, year, form, values, value quirks: truth.py), its
label wording (wording.py) and its head (title, what stands around it, the preamble's years:
heading.py); the seed and a medium fix its layout in that medium (media.py, flat.py). Nothing is hand-picked: each axis is a draw from the seed.

Seeds come in two ranges. TUNING seeds may be looked at while fixing the readers; UNSEEN seeds
must not be (no one opens their files or failures): the figure that counts is the unseen one.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import gongkai.demo
from benchmarks.variants.heading import draw_head, preamble
from benchmarks.variants.media import EXTENSION, MEDIA, RENDER, TEXT_MEDIA, Unavailable
from benchmarks.variants.truth import Truth, make_truth
from benchmarks.variants.wording import varied_grids

TUNING = range(200)
UNSEEN = range(10_000, 10_200)


@dataclass
class Generated:
    name: str  # file name: <medium>-<seed>.<ext>
    data: bytes
    label: dict  # one line of a labels file (the shape of tests/fixtures/*/labels.jsonl)


def generate(seed: int, medium: str) -> Generated:
    """The report of `seed` in `medium` (html txt docx doc pdf scan); Unavailable when the
    medium needs a tool this machine lacks."""
    truth: Truth = make_truth(seed)
    doc = truth.doc
    tables, wording = varied_grids(doc.fv, truth.t3_form, random.Random(f"gongkai-wording:{seed}"))
    head_rng = random.Random(f"gongkai-head:{seed}")
    head = draw_head(truth, head_rng)
    preamble_text, preamble_axes = preamble(doc.blocks[1][1], doc.agency, doc.year, head_rng)
    doc.blocks[1] = ("p", preamble_text)
    doc.title = head.title
    rng = random.Random(f"gongkai-layout:{seed}:{medium}")
    data, layout = RENDER[medium](truth, tables, rng, head)
    layout = head.axes + preamble_axes + layout
    name = f"{medium}-{seed:05d}.{EXTENSION[medium]}"
    broken = truth.broken_rules()
    label = {"doc_id": name.rsplit(".", 1)[0], "file": name, "media": "pdf" if medium == "scan" else medium,
             "agency": doc.agency, "year": doc.year, "format_version": doc.fv, "title": doc.title,
             "cells": truth.label_cells(), "broken_rules": broken, "consistent": not broken,
             "quirks": truth.quirks + [f"wording_{w}" for w in wording], "layout": layout,
             "seed": seed, "t3_form": truth.t3_form}
    if medium == "scan":
        label["ocr_only"] = True
    return Generated(name, data, label)


def fingerprint(scans: bool = True) -> str:
    """A hash of the generator's code and the demo code it renders with: cached documents made by
    other code are never reused. Text media do not depend on the scanner (scan.py): `scans=False`
    leaves it out, so a change to scans does not remake every text document."""
    h = hashlib.sha256()
    for folder in (Path(__file__).parent, Path(gongkai.demo.__file__).parent):
        for path in sorted(folder.glob("*.py")):
            if scans or path.name != "scan.py":
                h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:12]


def write_corpus(folder: Path, seeds: range | list[int],
                 media: tuple[str, ...]) -> tuple[Path, list[tuple[str, str]]]:
    """Write the documents and their labels.jsonl into `folder` (kept: a second call with the same
    seeds reuses the files, so `folder` should name the `fingerprint()`). Returns the labels
    file and the media skipped as unavailable here, each with the reason."""
    folder.mkdir(parents=True, exist_ok=True)
    labels, skipped = [], []
    for medium in media:
        for seed in seeds:
            path = folder / f"{medium}-{seed:05d}.{EXTENSION[medium]}"
            meta = path.with_suffix(path.suffix + ".label.json")
            if path.exists() and meta.exists():
                labels.append(json.loads(meta.read_text(encoding="utf-8")))
                continue
            try:
                g = generate(seed, medium)
            except Unavailable as exc:
                skipped.append((medium, str(exc)))
                break
            path.write_bytes(g.data)
            meta.write_text(json.dumps(g.label, ensure_ascii=False), encoding="utf-8")
            labels.append(g.label)
    out = folder / "labels.jsonl"
    out.write_text("".join(json.dumps(lb, ensure_ascii=False) + "\n" for lb in labels), encoding="utf-8")
    return out, skipped


__all__ = ["MEDIA", "TEXT_MEDIA", "TUNING", "UNSEEN", "Generated", "fingerprint", "generate", "write_corpus"]
