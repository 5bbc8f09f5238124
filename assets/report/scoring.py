"""Scoring parsed reports against labelled documents: the project's accuracy figures.

A label is one line of a labels file (tests/fixtures/*/labels.jsonl, demo/truth.jsonl):
``{"doc_id", "file", "media", "agency", "year", "format_version", "cells": {"t3|received_new|total": 3, …}}``
(``ocr_only: true`` puts a document in the ``pdf-ocr`` group). A prediction is a
``Report.to_json()`` (or any dict with ``source``, ``agency``, ``year``, ``format_version`` and
``cells`` as a list of ``{table_id, row_id, col_id, value}``).

The rules, per media group and overall (``ALL``):
  parsed         documents with at least one predicted cell
  cell_accuracy  correct cells / all labelled cells of the group (unparsed documents count).
                 A number is correct when |prediction − truth| < 1e-6 (numbers only: strings,
                 booleans never match); a NULL truth (the cell is empty in the document) is
                 correct only when the prediction omits the cell or gives null.
  docs_perfect   documents with every cell correct
  agency / year / format   exact match (agency compared with all whitespace removed)
Several predictions for one document (matched by file name): the one with most non-null cells.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

MEDIA_ORDER = ("html", "txt", "docx", "doc", "pdf", "pdf-ocr")
_EPS = 1e-6


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def cell_ok(truth: Any, pred: Any, present: bool) -> bool:
    if truth is None:
        return (not present) or pred is None
    return present and is_number(pred) and abs(float(pred) - float(truth)) < _EPS


def group_of(label: dict) -> str:
    return "pdf-ocr" if label.get("ocr_only") else str(label.get("media"))


@dataclass
class Figures:
    docs: int = 0
    parsed: int = 0
    cells: int = 0
    right: int = 0
    perfect: int = 0
    agency: int = 0
    year: int = 0
    format: int = 0

    @property
    def cell_accuracy(self) -> float:
        return self.right / self.cells if self.cells else 1.0

    def share(self, name: str) -> float:
        return getattr(self, name) / self.docs if self.docs else 0.0


@dataclass
class DocScore:
    doc_id: str
    group: str
    parsed: bool
    cells: int
    right: int
    agency_ok: bool
    year_ok: bool
    format_ok: bool
    wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # key → (predicted, truth)

    @property
    def perfect(self) -> bool:
        return self.right == self.cells


def _squash(s: Any) -> str:
    return re.sub(r"\s", "", str(s or ""))


def score_document(label: dict, pred: dict | None) -> DocScore:
    pred = pred or {}
    got: dict[str, Any] = {}
    for c in pred.get("cells") or []:
        got[f"{c.get('table_id')}|{c.get('row_id')}|{c.get('col_id')}"] = c.get("value")
    wrong = {}
    for key, truth in label["cells"].items():
        if not cell_ok(truth, got.get(key), key in got):
            wrong[key] = (got.get(key, "missing"), truth)
    try:
        year_ok = int(pred.get("year")) == label["year"]
    except (TypeError, ValueError):
        year_ok = False
    return DocScore(
        doc_id=label.get("doc_id") or label["file"], group=group_of(label),
        parsed=bool(pred.get("cells")), cells=len(label["cells"]),
        right=len(label["cells"]) - len(wrong),
        agency_ok=_squash(pred.get("agency")) == _squash(label.get("agency")),
        year_ok=year_ok, format_ok=str(pred.get("format_version")) == label["format_version"],
        wrong=wrong,
    )


def tally(scores: Iterable[DocScore]) -> dict[str, Figures]:
    """Figures per media group, in MEDIA_ORDER, then any other group, then ALL."""
    groups: dict[str, Figures] = defaultdict(Figures)
    for s in scores:
        for g in (s.group, "ALL"):
            f = groups[g]
            f.docs += 1
            f.parsed += s.parsed
            f.cells += s.cells
            f.right += s.right
            f.perfect += s.perfect
            f.agency += s.agency_ok
            f.year += s.year_ok
            f.format += s.format_ok
    order = [g for g in MEDIA_ORDER if g in groups]
    order += sorted(g for g in groups if g not in MEDIA_ORDER and g != "ALL")
    return {g: groups[g] for g in order + (["ALL"] if groups else [])}


def _name(source: str) -> str:
    return PureWindowsPath(source).name if "\\" in source else PurePosixPath(source).name


def match(labels: list[dict], predictions: list[dict]) -> dict[str, dict]:
    """doc_id → the prediction for it (by file name; the fullest of several)."""
    by_name = {PurePosixPath(lb["file"]).name: lb for lb in labels}
    chosen: dict[str, tuple[int, dict]] = {}
    for p in predictions:
        src = str(p.get("source", ""))
        label = by_name.get(_name(src)) or next(
            (lb for n, lb in by_name.items() if src.endswith(n)), None)
        if label is None:
            continue
        n_cells = sum(1 for c in p.get("cells") or [] if c.get("value") is not None)
        doc_id = label.get("doc_id") or label["file"]
        if doc_id not in chosen or n_cells > chosen[doc_id][0]:
            chosen[doc_id] = (n_cells, p)
    return {k: v for k, (_, v) in chosen.items()}


def score(labels: list[dict], predictions: list[dict]) -> tuple[dict[str, Figures], list[DocScore]]:
    matched = match(labels, predictions)
    docs = [score_document(lb, matched.get(lb.get("doc_id") or lb["file"])) for lb in labels]
    return tally(docs), docs
