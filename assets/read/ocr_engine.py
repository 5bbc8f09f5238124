"""The OCR model: PaddleOCR's PP-OCRv6 (small) text detector and recogniser, run by RapidOCR on
onnxruntime, from the model files inside the ``rapidocr`` wheel.

Nothing is downloaded and no system package is needed: the three model paths are given
explicitly, so RapidOCR never reaches its download code (`test_ocr_engine_reads_without_network`
runs it with sockets refused). One onnxruntime thread: documents are parsed in parallel worker
processes already, one per core.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextLine:
    """One line of text the detector found: its box (pixels, axis-aligned) and reading."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


MODEL = "PP-OCRv6"  # the model the warnings name


def _models() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
          "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


@functools.cache
def ocr_missing() -> str | None:
    """Why OCR cannot run here, or None when it can (the packages and model files are there;
    nothing is loaded yet)."""
    try:
        import onnxruntime  # noqa: F401
        models = _models()
    except ImportError as exc:
        return f"the OCR packages are not installed ({exc}; pip install rapidocr onnxruntime)"
    missing = [name for name in _FILES.values() if not (models / name).is_file()]
    if missing:
        return f"the rapidocr wheel carries no {', '.join(missing)}"
    return None


@functools.cache
def _engine():
    from rapidocr import RapidOCR

    models = _models()
    return RapidOCR(params={
        **{f"{step}.model_path": str(models / name) for step, name in _FILES.items()},
        "Global.use_cls": False,  # pages are upright: straightened before
        "Global.log_level": "error",  # an empty page is no warning
        "Global.text_score": 0.3,  # a faint digit still counts; the form's rules check it
        # Each line is read at its own width (from 1:1), not padded to 320 px as a sentence:
        # most lines of a table page are one short number. Half the CPU, the same readings.
        "Rec.rec_img_shape": [3, 48, 48],
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def _rgb(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"))


def read_lines(img: Image.Image) -> list[TextLine]:
    """The text lines of a page image, top to bottom."""
    # Every step named on each call: RapidOCR keeps the last call's choices for the next.
    out = _engine()(_rgb(img), use_det=True, use_cls=False, use_rec=True)
    if out.boxes is None or out.txts is None:
        return []
    lines = []
    for box, text, score in zip(out.boxes, out.txts, out.scores):
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        if text.strip():
            lines.append(TextLine(min(xs), min(ys), max(xs), max(ys), text.strip(), float(score)))
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    return lines


def read_crop(img: Image.Image) -> tuple[str, float]:
    """The text of one small image holding one line (a cell's ink), without detection, and
    the model's confidence in it (the least of its pieces'; 0 for nothing read)."""
    out = _engine()(_rgb(img), use_det=False, use_cls=False, use_rec=True)
    pieces = [(t, float(s)) for t, s in zip(out.txts or (), out.scores or ()) if t]
    return "".join(t for t, _ in pieces).strip(), min((s for _, s in pieces), default=0.0)
