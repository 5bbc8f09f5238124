"""OCR of PDF pages without a text layer (scans, 图片版) with the Tesseract CLI.

Each page is rendered with pypdfium2 at 300 dpi, its ruling lines are painted out (they read
as ``|``, ``1`` or ``l`` otherwise), and ``tesseract … -l chi_sim tsv`` gives word boxes; the
words go through `assets.read.layout`, so table cells are read by position and an empty cell
keeps its place. Without ``tesseract`` (or its ``chi_sim`` model) nothing is read and the
caller records the document as ``needs_ocr``.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from assets.read.document import Block
from assets.read.layout import Word, is_value, layout_blocks
from assets.read.limits import MAX_OCR_PIXELS

log = logging.getLogger(__name__)

OCR_DPI = 300
OCR_LANG = "chi_sim"
TESSERACT_TIMEOUT_S = 120


@functools.cache
def tesseract_missing() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run: {exc}"
    langs = proc.stdout.decode("utf-8", "replace").split()
    if OCR_LANG not in langs:
        return f"tesseract has no {OCR_LANG} model (Debian: apt-get install tesseract-ocr-chi-sim)"
    return None


def remove_rules(img: Image.Image, frac: float = 0.75, strip: int = 120) -> Image.Image:
    """Paint white the long dark horizontal and vertical runs (table rules) of a grey page.

    Per band of ``strip`` pixels, a column (row) that is dark over ``frac`` of the band is a
    rule; text strokes never are. Pillow only: each band is averaged by resizing it to a line.
    """
    img = img.convert("L")
    w, h = img.size
    out = img.copy()
    limit = 255 * (1 - frac)
    for y0 in range(0, h, strip):
        y1 = min(h, y0 + strip)
        profile = img.crop((0, y0, w, y1)).resize((w, 1), Image.BOX).tobytes()
        for x, v in enumerate(profile):
            if v < limit:
                out.paste(255, (max(0, x - 2), y0, min(w, x + 3), y1))
    for x0 in range(0, w, strip):
        x1 = min(w, x0 + strip)
        profile = img.crop((x0, 0, x1, h)).resize((1, h), Image.BOX).tobytes()
        for y, v in enumerate(profile):
            if v < limit:
                out.paste(255, (x0, max(0, y - 2), x1, min(h, y + 3)))
    return out


# What Tesseract makes of a placeholder dash or of digits next to a rule.
_DASHES = re.compile(r"^[一_~—–\-－=]+$")
_NOISE = re.compile(r"^[|丨!！'‘’\"“”`.,，、:：;；]+$")
_DIGIT_FIX = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})


def _clean(text: str) -> str:
    text = text.strip()
    if _NOISE.match(text):
        return ""
    if _DASHES.match(text):
        return "—"
    if re.fullmatch(r"[0-9oOlIS|B,，.]+", text) and re.search(r"\d", text):
        return text.translate(_DIGIT_FIX)
    return text


def tsv_words(tsv: str, scale: float) -> list[Word]:
    """Level-5 (word) boxes of Tesseract's TSV, scaled back to PDF points."""
    words: list[Word] = []
    for rec in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if rec.get("level") != "5":
            continue
        text = _clean(rec.get("text") or "")
        if not text:
            continue
        left, top = float(rec["left"]) / scale, float(rec["top"]) / scale
        width, height = float(rec["width"]) / scale, float(rec["height"]) / scale
        words.append(Word(text, left, left + width, top, top + height))
    return words


def ocr_image(img: Image.Image, scale: float) -> list[Word]:
    """Words of one page image (``scale`` = pixels per PDF point)."""
    clean = remove_rules(img)
    with tempfile.TemporaryDirectory(prefix="gongkai_ocr_") as tmp:
        path = Path(tmp) / "page.png"
        clean.save(path)
        cmd = ["tesseract", str(path), "stdout", "-l", OCR_LANG, "--psm", "6",
               "-c", "preserve_interword_spaces=1", "tsv"]
        proc = subprocess.run(cmd, capture_output=True, timeout=TESSERACT_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[:300])
    return tsv_words(proc.stdout.decode("utf-8", "replace"), scale)


def ocr_page(page, page_no: int) -> list[Block]:
    """Blocks of one pypdfium2 page read by OCR."""
    scale = OCR_DPI / 72
    width, height = page.get_size()
    if width * height * scale * scale > MAX_OCR_PIXELS:  # a poster-sized page: fewer dpi
        scale = (MAX_OCR_PIXELS / max(1.0, width * height)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        img = bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
    words = ocr_image(img, scale)
    log.debug("page %d: %d OCR words, %d values", page_no, len(words), sum(is_value(w.text) for w in words))
    return layout_blocks(words, page_no)
