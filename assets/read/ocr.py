"""OCR of PDF pages without a text layer (scans, 图片版) with the Tesseract CLI.

Each page is rendered with pypdfium2 at 300 dpi and straightened (the angle that makes the
rows of ink sharpest). Ruled tables are read from their rules: the long dark horizontal and
vertical runs are found with numpy, the rules that touch each other make a table, and the
rules' positions give its cell grid; a cell whose side has no rule is merged with its
neighbour (rowspan/colspan) — that image work is `assets.read.page_image`. Every non-empty
cell is cut out and stacked in one strip image
per page, OCR'd in one ``tesseract -l chi_sim --psm 6`` call (the cell a word belongs to is
known from where it sits in the strip); cells that read as numbers are read again with a
digits-only whitelist, and a value cell one of whose readings is no number is read once more
in a strip of its own. The text outside the tables is OCR'd as lines (one Paragraph each),
so the title, the section headings and the prose come out too.

A scanned page without rules falls back to word positions (`assets.read.layout`). Without
``tesseract`` (or its ``chi_sim`` model) nothing is read and the caller records the document
as ``needs_ocr``.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import itertools
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter

from gongkai.assets.read.document import Block, Paragraph, Table, UnreadableDocument
from gongkai.assets.read.layout import Word, layout_blocks
from gongkai.assets.read.limits import MAX_EMBEDDED_IMAGE_PIXELS, MAX_OCR_PIXELS
from gongkai.assets.read.page_image import DARK, CutCell, Grid, cut_cell, find_grids, straighten

log = logging.getLogger(__name__)

OCR_DPI = 300
OCR_LANG = "chi_sim"
TESSERACT_TIMEOUT_S = 120
DIGITS = "0123456789.,-/"



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


@functools.cache
def _has_eng() -> bool:
    proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, check=False)
    return "eng" in proc.stdout.decode("utf-8", "replace").split()


# --- tesseract -----------------------------------------------------------------------------

# What Tesseract makes of a placeholder dash or of digits next to a rule.
_DASHES = re.compile(r"^[一_~—–\-－=]+$")
_NOISE = re.compile(r"^[|丨!！'‘’\"“”`.,，、:：;；]+$")
_DIGIT_FIX = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def _clean(text: str) -> str:
    text = text.strip()
    if _NOISE.match(text):
        return ""
    if _DASHES.match(text):
        return "—"
    if re.fullmatch(r"[0-9oOlIS|B,，.]+", text) and re.search(r"\d", text):
        return text.translate(_DIGIT_FIX)
    return text


def _tesseract(img: Image.Image, *args: str) -> subprocess.Popen:
    """Start tesseract on an image (TSV on stdout); the caller collects it with `_tsv`."""
    tmp = tempfile.mkdtemp(prefix="gongkai_ocr_")
    path = Path(tmp) / "in.png"
    img.save(path)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.Popen(["tesseract", str(path), "stdout", *args, "tsv"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.tmpdir = tmp  # type: ignore[attr-defined]
    return proc


def _tsv(proc: subprocess.Popen) -> list[dict[str, str]]:
    try:
        out, err = proc.communicate(timeout=TESSERACT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    finally:
        shutil.rmtree(proc.tmpdir, ignore_errors=True)  # type: ignore[attr-defined]
    if proc.returncode != 0:
        raise RuntimeError(err.decode("utf-8", "replace").strip()[:300])
    rows = csv.DictReader(io.StringIO(out.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)
    return [r for r in rows if r.get("level") == "5" and (r.get("text") or "").strip()]


def _join(words: list[str]) -> str:
    out = ""
    for w in words:
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", w):
            out += " "
        out += w
    return out


# --- cells in a strip ------------------------------------------------------------------------

_PAD = 12  # white around each cut-out
_GAP = 36  # white between two cut-outs in the strip


@dataclass
class _Strip:
    """Cut-outs stacked top to bottom in one image; ``spans`` gives each one's y range."""

    image: Image.Image
    spans: list[tuple[int, int]]

    def texts(self, rows: list[dict[str, str]]) -> list[str]:
        by_item: list[list[tuple[int, int, int, str]]] = [[] for _ in self.spans]
        starts = [a for a, _ in self.spans]
        for rec in rows:
            yc = int(rec["top"]) + int(rec["height"]) // 2
            i = int(np.searchsorted(starts, yc, side="right")) - 1
            if 0 <= i < len(self.spans) and yc <= self.spans[i][1] + _GAP // 2:
                key = (int(rec["block_num"]), int(rec["par_num"]), int(rec["line_num"]))
                by_item[i].append((*key, rec["text"].strip()))  # type: ignore[arg-type]
        out = []
        for words in by_item:
            lines: dict[tuple[int, int, int], list[str]] = {}
            for b, p, ln, text in words:
                lines.setdefault((b, p, ln), []).append(text)
            out.append("".join(_join(ws) for _, ws in sorted(lines.items())))
        return out


def _strip(crops: list[Image.Image]) -> _Strip:
    width = max(c.width for c in crops) + 2 * _PAD
    height = sum(c.height + _GAP for c in crops) + _GAP
    img = Image.new("L", (width, height), 255)
    spans = []
    y = _GAP
    for c in crops:
        img.paste(c, (_PAD, y))
        spans.append((y - _GAP // 2, y + c.height + _GAP // 2))
        y += c.height + _GAP
    return _Strip(img, spans)


def read_cells(img: Image.Image, ink: np.ndarray, grids: list[Grid]) -> list[dict[tuple[int, int], str]]:
    """Text of every cell of every grid: {(row, col): text} per grid (top-left slots only).

    Every cell is read with chi_sim; a cell that is not words (a value) is read three more
    times: digits-only, by the English model unrestricted (its l and I are 1s) and by chi_sim
    restricted to digits and 无 (and when one of those is no value, once more on its own:
    `_second_look`). The readings vote; when a row of values does not add up to
    its last cell (the 总计 column) and exactly one choice among the readings makes it, that
    choice is taken. No reading is ever changed, only chosen."""
    inset = max(3, img.width // 400)
    big = max(5, img.width // 250)
    grey = np.asarray(img)
    keys: list[tuple[int, tuple[int, int]]] = []
    cuts: list[CutCell] = []
    out: list[dict[tuple[int, int], str]] = [{} for _ in grids]
    for g, grid in enumerate(grids):
        for r, c, rs, cs in grid.cells:
            cut = cut_cell(grey, grid.box(r, c, rs, cs), inset, big)
            if cut is None:
                out[g][(r, c)] = ""
                continue
            keys.append((g, (r, c)))
            cuts.append(cut)
    if not cuts:
        return out
    crops = [c.grey for c in cuts]
    strip = _strip(crops)
    texts = strip.texts(_tsv(_tesseract(strip.image, "-l", OCR_LANG, "--psm", "6")))
    flat = [c.height * 3 <= c.width and c.height <= max(6, img.width // 250) for c in crops]
    redo = [i for i, t in enumerate(texts) if not _is_label(t) and not flat[i]]
    if redo and _has_eng():
        readings = _value_readings([crops[i] for i in redo])
        choices: dict[int, list[str]] = {}
        misread: dict[int, list[str]] = {}
        for n, i in enumerate(redo):
            chi = _cell_text(texts[i])
            cands = [_value_reading(t) for t in (chi, *readings[n])]
            ranked = _vote(chi, [c for c in cands if c is not None])
            if None in cands:
                misread[i] = [c for c in cands if c is not None]
            if ranked:
                texts[i] = ranked[0]
                choices[i] = ranked
        _second_look(misread, cuts, texts, choices)
        _row_totals(keys, choices, texts)
    for i, f in enumerate(flat):
        if f:
            texts[i] = "—"  # one flat stroke alone in a cell: a placeholder dash
    for (g, rc), text in zip(keys, texts):
        out[g][rc] = snap_label(_cell_text(text))
    return out


def _value_readings(crops: list[Image.Image]) -> list[list[str]]:
    """Three more readings of each value cut-out, stacked in one strip: digits-only, the
    English model unrestricted, chi_sim restricted to digits and 无 (one list per cut-out)."""
    strip = _strip(crops)
    procs = [  # started together, collected in turn
        _tesseract(strip.image, "-l", "eng", "--psm", "6", "-c", f"tessedit_char_whitelist={DIGITS}"),
        _tesseract(strip.image, "-l", "eng", "--psm", "6"),
        _tesseract(strip.image, "-l", OCR_LANG, "--psm", "6", "-c", f"tessedit_char_whitelist={DIGITS}无"),
    ]
    per_config = [strip.texts(_tsv(proc)) for proc in procs]
    return [list(texts) for texts in zip(*per_config)]


def _second_look(misread: dict[int, list[str]], cuts: list[CutCell], texts: list[str],
                 choices: dict[int, list[str]]) -> None:
    """Read again the value cells that one of the readings, among a page's worth of cells,
    took for a Chinese character or for nothing ('业' for a thin 1, '站' for a faint 0, 'ul'
    for 11): the segmentation went wrong there, and the other readings of the same strip may
    have too ('4' for a 2, '1' for 11).
    They are read in a strip of their own — fewer neighbours to sway it — as their clean
    black-on-white cut-outs, and those readings join the vote; a cell with no reading at all
    yet is read as its grey cut-out too. Only a reading two readings agree on is taken."""
    lost = list(misread)
    if not lost:
        return
    both = _value_readings([cuts[i].binary for i in lost] + [cuts[i].grey for i in lost])
    for n, i in enumerate(lost):
        again = list(both[n]) if misread[i] else [*both[n], *both[len(lost) + n]]
        cands = misread[i] + [c for c in map(_value_reading, again) if c]
        ranked = _vote("", cands)
        if ranked and cands.count(ranked[0]) >= 2:  # one stray reading is no reading
            if ranked[0] != texts[i]:
                log.debug("OCR: %r read again as %r", texts[i], ranked[0])
            texts[i] = ranked[0]
            choices[i] = ranked


_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?")


def _value_reading(text: str) -> str | None:
    """A reading of a value cell as a number or the placeholder 无; None for anything else."""
    t = _cell_text(text.strip()).replace("，", ",")
    if t in ("无", "—"):
        return t
    return t if _NUMBER.fullmatch(t) else None


def _vote(chi: str, cands: list[str]) -> list[str]:
    """The readings of one cell, most agreed first (ties: chi_sim's, then the digits-only
    one, unless that is chi_sim's number with characters dropped)."""
    if not cands:
        return []
    order: list[str] = []
    for c in cands:
        if c not in order:
            order.append(c)
    first = cands[0] if chi == cands[0] else None
    digits = next((c for c in cands if c != first), None)
    preferred = _pick_number(chi, digits) if first and digits else (first or digits)
    order.sort(key=lambda c: (-cands.count(c), c != preferred))
    return order


def _num(text: str) -> float | None:
    if text in ("无", "—"):
        return 0.0
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _row_totals(keys: list[tuple[int, tuple[int, int]]], choices: dict[int, list[str]],
                texts: list[str]) -> None:
    """Where a row's voted values do not add up to its last one and exactly one choice among
    the cells' own readings does, take that choice (in ``texts``)."""
    rows: dict[tuple[int, int], list[int]] = {}
    for i, (g, (r, c)) in enumerate(keys):
        if i in choices:
            rows.setdefault((g, r), []).append(i)
    for idx in rows.values():
        idx.sort(key=lambda i: keys[i][1][1])
        if len(idx) < 3:
            continue
        opts = [[v for v in choices[i] if _num(v) is not None] for i in idx]
        if not all(opts) or np.prod([len(o) for o in opts]) > 512:
            continue

        def holds(vals: tuple[str, ...]) -> bool:
            nums = [_num(v) for v in vals]
            return abs(sum(nums[:-1]) - nums[-1]) < 1e-6  # type: ignore[arg-type]

        if holds(tuple(o[0] for o in opts)):
            continue
        good = [combo for combo in itertools.product(*opts) if holds(combo)]
        if len(good) == 1:
            for i, v in zip(idx, good[0]):
                if texts[i] != v:
                    log.debug("OCR: %r over %r (row total)", v, texts[i])
                texts[i] = v


def _pick_number(chi: str, digits: str) -> str:
    """The digits-only reading, unless it is the chi_sim one with characters dropped (a minus
    sign, a thin leading 1: each model drops some the other keeps)."""
    if chi != digits and re.fullmatch(r"-?\d[\d,.]*", chi) and len(digits) < len(chi):
        it = iter(chi)
        if all(ch in it for ch in digits):
            log.debug("OCR: %r (chi_sim) over %r (digits)", chi, digits)
            return chi
    return digits


def _is_label(text: str) -> bool:
    """Cell text that is words, not a number: two or more characters of Chinese (一 aside,
    it is also a misread dash), or the placeholder 无."""
    return text.strip() == "无" or len(_CJK.findall(text.replace("一", ""))) >= 2


def _cell_text(text: str) -> str:
    t = text.strip()
    if not t:
        return ""
    if _DASHES.match(t):
        return "—"
    if _NOISE.match(t):
        return ""
    if re.fullmatch(r"[0-9oOlIS|B,，. ]+", t) and re.search(r"\d", t):
        return t.translate(_DIGIT_FIX).replace(" ", "")
    return t


# Header words of the State Council's tables that label no cell of their own (the cells'
# labels come from the spec, `form_labels`).
_HEADER_WORDS = ("信息内容", "法人或其他组织",
                 "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
# A canonical label is the printed labels of its row or column joined: "（三）不予公开
# 1.属于国家秘密", "申请人情况：自然人", "三、本年度办理结果（一）予以公开". Split at a space, at a
# colon outside brackets, and before the bracketed item number after a numbered heading.
_LABEL_PARTS = re.compile(r"\s+|：(?![^（]*）)|(?<=[^（）\s])(?=（[一二三四五六七八九十]+）)")


def form_labels() -> tuple[str, ...]:
    """The labels the form prints in its tables (2019 and 2021 wording), from the spec's
    canonical cells (``cells.csv``) and the few header words that name no cell."""
    from gongkai.assets.report.spec import all_cells

    out: list[str] = []
    for cell in all_cells():
        for label in (cell.row_label, cell.col_label):
            for part in _LABEL_PARTS.split(label):
                if part and part not in out:
                    out.append(part)
    return tuple(out) + tuple(w for w in _HEADER_WORDS if w not in out)


_WORDS = re.compile(r"[^\u3400-\u9fff]+")


@functools.cache
def _lexicon() -> dict[str, str]:
    return {_WORDS.sub("", label): label for label in form_labels()}


def snap_label(text: str, cutoff: float = 0.8) -> str:
    """The form's own label when ``text`` is that label with a few characters misread."""
    key = _WORDS.sub("", text)
    if len(key) < 4:
        return text
    lex = _lexicon()
    if key in lex:
        return text
    best = difflib.get_close_matches(key, lex.keys(), n=2, cutoff=cutoff)
    if not best:
        return text
    if len(best) == 2 and difflib.SequenceMatcher(None, key, best[1]).ratio() >= (
            difflib.SequenceMatcher(None, key, best[0]).ratio() - 0.02):
        return text  # two labels as close: do not guess
    return lex[best[0]]


def grid_table(grid: Grid, texts: dict[tuple[int, int], str], page_no: int | None) -> Table:
    n_r, n_c = len(grid.ys) - 1, len(grid.xs) - 1
    rows: list[list[str | None]] = [[None] * n_c for _ in range(n_r)]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c, rs, cs in grid.cells:
        rows[r][c] = texts.get((r, c), "")
        if rs > 1 or cs > 1:
            spans[(r, c)] = (rs, cs)
    return Table(grid=tuple(tuple(r) for r in rows), spans=spans, page=page_no,
                 pages=(page_no,) if page_no else ())


# --- prose ----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[-—–一_\s]*(第\s*)?\d+\s*(页)?[-—–一_\s]*$|^\d+\s*/\s*\d+$")


def prose_lines(rows: list[dict[str, str]]) -> list[tuple[float, str]]:
    """(top, text) of each line of Tesseract's TSV."""
    lines: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for rec in rows:
        lines.setdefault((int(rec["block_num"]), int(rec["par_num"]), int(rec["line_num"])), []).append(rec)
    out = []
    for recs in lines.values():
        recs.sort(key=lambda r: int(r["left"]))
        text = _join([r["text"].strip() for r in recs]).strip()
        if not text or _PAGE_NUMBER.match(text) or _NOISE.match(text):
            continue
        out.append((min(int(r["top"]) for r in recs), text))
    out.sort()
    return out


# --- a page ---------------------------------------------------------------------------------

def render(page) -> tuple[Image.Image, float]:
    """A pypdfium2 page as a grey image at OCR_DPI (fewer dpi for a poster), and its scale."""
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        w, h = obj.get_px_size()  # from the image's header: nothing decoded yet
        if w * h > MAX_EMBEDDED_IMAGE_PIXELS:
            raise UnreadableDocument(
                f"a page holds an image of {w}×{h} pixels (over {MAX_EMBEDDED_IMAGE_PIXELS:,}): "
                "refused, rendering it would take gigabytes")
    scale = OCR_DPI / 72
    width, height = page.get_size()
    if width * height * scale * scale > MAX_OCR_PIXELS:  # a poster-sized page: fewer dpi
        scale = (MAX_OCR_PIXELS / max(1.0, width * height)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        img = bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
    return img, scale


def ocr_image(img: Image.Image, scale: float, page_no: int | None = None) -> list[Block]:
    """Blocks of one page image (``scale`` = pixels per PDF point)."""
    img, angle = straighten(img.convert("L").filter(ImageFilter.MedianFilter(3)))
    grey = np.asarray(img)
    grids = find_grids(grey)
    ink = grey < DARK
    # The text outside the tables: the tables (and any stray rule) painted out.
    outside = grey.copy()
    pad = max(3, img.width // 400)
    for g in grids:
        x0, y0, x1, y1 = (round(float(v)) for v in g.bbox)
        outside[max(0, y0 - pad):y1 + pad + 1, max(0, x0 - pad):x1 + pad + 1] = 255
    prose = _tesseract(Image.fromarray(outside), "-l", OCR_LANG, "--psm", "6") if grids else None
    if not grids:
        words = _page_words(img, scale)
        log.debug("page %s: no rules; %d OCR words read by position", page_no, len(words))
        return layout_blocks(words, page_no)
    texts = read_cells(img, ink, grids)
    items: list[tuple[float, Block]] = []
    for grid, cell_texts in zip(grids, texts):
        items.append((grid.ys[0], grid_table(grid, cell_texts, page_no)))
    for top, text in prose_lines(_tsv(prose)):
        items.append((top, Paragraph(text, page=page_no)))
    items.sort(key=lambda it: it[0])
    log.debug("page %s: skew %.2f°, %d ruled tables", page_no, angle, len(grids))
    return [b for _, b in items]


def _page_words(img: Image.Image, scale: float) -> list[Word]:
    """Word boxes of a page without rules (in PDF points), for `layout_blocks`."""
    proc = _tesseract(img, "-l", OCR_LANG, "--psm", "6", "-c", "preserve_interword_spaces=1")
    words = []
    for rec in _tsv(proc):
        text = _clean(rec["text"])
        if text:
            left, top = float(rec["left"]) / scale, float(rec["top"]) / scale
            words.append(Word(text, left, left + float(rec["width"]) / scale, top,
                              top + float(rec["height"]) / scale))
    return words


def ocr_page(page, page_no: int) -> list[Block]:
    """Blocks of one pypdfium2 page read by OCR."""
    img, scale = render(page)
    return ocr_image(img, scale, page_no)
