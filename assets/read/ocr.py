"""OCR of PDF pages without a text layer (scans, 图片版) with the Tesseract CLI.

Each page is rendered with pypdfium2 at 300 dpi and straightened (the angle that makes the
rows of ink sharpest). Ruled tables are read from their rules: the long dark horizontal and
vertical runs are found with numpy, the rules that touch each other make a table, and the
rules' positions give its cell grid; a cell whose side has no rule is merged with its
neighbour (rowspan/colspan). Every non-empty cell is cut out and stacked in one strip image
per page, OCR'd in one ``tesseract -l chi_sim --psm 6`` call (the cell a word belongs to is
known from where it sits in the strip); cells that read as numbers are read again with a
digits-only whitelist. The text outside the tables is OCR'd as lines (one Paragraph each),
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
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from assets.read.document import Block, Paragraph, Table
from assets.read.layout import Word, layout_blocks
from assets.read.limits import MAX_OCR_PIXELS

log = logging.getLogger(__name__)

OCR_DPI = 300
OCR_LANG = "chi_sim"
TESSERACT_TIMEOUT_S = 120
DIGITS = "0123456789.,-/"

_DARK = 170  # grey level below which a pixel is ink
_MAX_SKEW = 2.0  # degrees searched either way when straightening a page


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


# --- straightening ----------------------------------------------------------------------------

def skew_angle(grey: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise as PIL's ``rotate``) that levels the page:
    the angle at which the horizontal projection of the ink is sharpest."""
    small = Image.fromarray(((grey < _DARK) * 255).astype(np.uint8)).reduce(2)

    def sharpness(angle: float) -> float:
        rows = np.asarray(small.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.2), key=sharpness)
    fine = max(np.arange(best - 0.2, best + 0.2 + 1e-9, 0.04), key=sharpness)
    return float(round(fine, 2))


def straighten(img: Image.Image) -> tuple[Image.Image, float]:
    grey = np.asarray(img)
    angle = skew_angle(grey)
    if abs(angle) < 0.05:
        return img, 0.0
    return img.rotate(angle, resample=Image.BICUBIC, fillcolor=255), angle


# --- rules and grids --------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A straight rule: ``pos`` across it (y of a horizontal rule, x of a vertical one) and
    its extent ``a``..``b`` along it, in pixels."""

    pos: float
    a: int
    b: int


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels of ``mask`` (2-D bool) lying in a run of at least ``length`` along axis 1."""
    h, w = mask.shape
    if w < length:
        return np.zeros_like(mask)
    cs = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=cs[:, 1:])
    starts = (cs[:, length:] - cs[:, :-length]) == length  # window [x, x+length) all ink
    cs2 = np.zeros((h, starts.shape[1] + 1), dtype=np.int32)
    np.cumsum(starts, axis=1, out=cs2[:, 1:])
    # Pixel x is covered when a full window starts in [x-length+1, x].
    x = np.arange(w)
    hi = np.minimum(x, starts.shape[1] - 1) + 1
    lo = np.clip(x - length + 1, 0, starts.shape[1])
    return (cs2[:, hi] - cs2[:, lo]) > 0


def _segments(line: np.ndarray, min_len: int, bridge: int = 6) -> list[tuple[int, int]]:
    """Runs of True in a 1-D bool array, gaps up to ``bridge`` closed, at least ``min_len`` long."""
    idx = np.flatnonzero(line)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > bridge)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return [(int(a), int(b)) for a, b in zip(starts, ends) if b - a + 1 >= min_len]


def _rules(mask: np.ndarray, min_len: int, max_thick: int = 12) -> list[Rule]:
    """Rules along axis 1 of a run mask: bands of consecutive rows with ink, each band's
    union split into segments."""
    rows = np.flatnonzero(mask.any(axis=1))
    out: list[Rule] = []
    if rows.size == 0:
        return out
    breaks = np.flatnonzero(np.diff(rows) > 1)
    for a, b in zip(np.concatenate(([rows[0]], rows[breaks + 1])), np.concatenate((rows[breaks], [rows[-1]]))):
        if b - a + 1 > max_thick * 4:  # a solid block (a photo, a stamp), not a rule
            continue
        band = mask[a:b + 1].any(axis=0)
        for x0, x1 in _segments(band, min_len):
            out.append(Rule((a + b) / 2, x0, x1))
    return out


@dataclass
class Grid:
    """A ruled table found on the page: rule positions and its cells (merged cells whole)."""

    ys: list[float]
    xs: list[float]
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)  # r, c, rowspan, colspan

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def box(self, r: int, c: int, rs: int, cs: int) -> tuple[float, float, float, float]:
        return self.xs[c], self.ys[r], self.xs[c + cs], self.ys[r + rs]


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def find_grids(grey: np.ndarray, *, min_rule: int | None = None) -> list[Grid]:
    """The ruled tables of a (straight) grey page image, top to bottom."""
    w = grey.shape[1]
    ink = grey < _DARK
    k = min_rule or max(40, w // 30)  # ~2 cm at 300 dpi: longer than any stroke of a character
    hrules = _rules(_runs(ink, k), k)
    vrules = _rules(_runs(ink.T, k).astype(bool), k)
    tol = max(4, w // 300)
    # Rules that touch belong to one table: union-find over horizontal and vertical rules.
    n_h = len(hrules)
    parent = list(range(n_h + len(vrules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    touches: list[tuple[int, int]] = []
    for i, hr in enumerate(hrules):
        for j, vr in enumerate(vrules):
            if hr.a - tol <= vr.pos <= hr.b + tol and vr.a - tol <= hr.pos <= vr.b + tol:
                touches.append((i, j))
                parent[find(i)] = find(n_h + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, j in touches:
        g = groups.setdefault(find(i), ([], []))
        if hrules[i] not in g[0]:
            g[0].append(hrules[i])
        if vrules[j] not in g[1]:
            g[1].append(vrules[j])
    grids = []
    for hs, vs in groups.values():
        grid = _grid(hs, vs, tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids


def _grid(hs: list[Rule], vs: list[Rule], tol: int) -> Grid | None:
    ys = _cluster([r.pos for r in hs], 2 * tol)
    xs = _cluster([r.pos for r in vs], 2 * tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_r, n_c = len(ys) - 1, len(xs) - 1

    def v_rule_at(x: float, y0: float, y1: float) -> bool:
        mid = (y0 + y1) / 2
        return any(abs(r.pos - x) <= 2 * tol and r.a - tol <= mid <= r.b + tol for r in vs)

    def h_rule_at(y: float, x0: float, x1: float) -> bool:
        mid = (x0 + x1) / 2
        return any(abs(r.pos - y) <= 2 * tol and r.a - tol <= mid <= r.b + tol for r in hs)

    parent = list(range(n_r * n_c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not v_rule_at(xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * n_c + c)] = find(r * n_c + c + 1)
            if r + 1 < n_r and not h_rule_at(ys[r + 1], xs[c], xs[c + 1]):
                parent[find(r * n_c + c)] = find((r + 1) * n_c + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_r):
        for c in range(n_c):
            members.setdefault(find(r * n_c + c), []).append((r, c))
    grid = Grid(ys=ys, xs=xs)
    covered: set[tuple[int, int]] = set()
    for slots in sorted(members.values(), key=min):
        r0, c0 = min(r for r, _ in slots), min(c for _, c in slots)
        r1, c1 = max(r for r, _ in slots), max(c for _, c in slots)
        if (r0, c0) in covered:
            continue
        grid.cells.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    if n_r * n_c == 1 or len(grid.cells) == 1:
        return None  # a frame around something (a boxed note), not a table
    return grid


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


def _ink_box(ink: np.ndarray, box: tuple[float, float, float, float], inset: int) -> tuple[int, int, int, int] | None:
    """The tight box (x0, y0, x1, y1) of the ink inside a cell, rules excluded; None if empty."""
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 <= x0 or y1 <= y0:
        return None
    sub = ink[y0:y1, x0:x1]
    if sub.sum() < 12:  # a speck, not a character
        return None
    rows = np.flatnonzero(sub.sum(axis=1) >= 1)
    cols = np.flatnonzero(sub.sum(axis=0) >= 1)
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def read_cells(img: Image.Image, ink: np.ndarray, grids: list[Grid]) -> list[dict[tuple[int, int], str]]:
    """Text of every cell of every grid: {(row, col): text} per grid (top-left slots only)."""
    inset = max(3, img.width // 400)
    keys: list[tuple[int, tuple[int, int]]] = []
    crops: list[Image.Image] = []
    out: list[dict[tuple[int, int], str]] = [{} for _ in grids]
    for g, grid in enumerate(grids):
        for r, c, rs, cs in grid.cells:
            box = _ink_box(ink, grid.box(r, c, rs, cs), inset)
            if box is None:
                out[g][(r, c)] = ""
                continue
            keys.append((g, (r, c)))
            crops.append(img.crop(box))
    if not crops:
        return out
    strip = _strip(crops)
    texts = strip.texts(_tsv(_tesseract(strip.image, "-l", OCR_LANG, "--psm", "6")))
    # Values again with a digits-only model: chi_sim reads a thin 1 as ] or 丨, 61 as 人.
    flat = [c.height * 3 <= c.width and c.height <= max(6, img.width // 250) for c in crops]
    redo = [i for i, t in enumerate(texts) if not _is_label(t) and not flat[i]]
    if redo and _has_eng():
        dstrip = _strip([crops[i] for i in redo])
        digits = dstrip.texts(_tsv(_tesseract(dstrip.image, "-l", "eng", "--psm", "6",
                                              "-c", f"tessedit_char_whitelist={DIGITS}")))
        for i, d in zip(redo, digits):
            d = d.strip()
            if re.search(r"\d", d):
                texts[i] = _pick_number(_cell_text(texts[i]), d)
    for i, f in enumerate(flat):
        if f:
            texts[i] = "—"  # one flat stroke alone in a cell: a placeholder dash
    for (g, rc), text in zip(keys, texts):
        out[g][rc] = snap_label(_cell_text(text))
    return out


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


# The labels the State Council's format prints in its tables (2019 and 2021 wording). An OCR'd
# label close to one of them (a character or two misread: 案矢 for 案卷, 信和访 for 信访) is
# read as it; anything else is left as OCR'd.
FORM_LABELS = (
    "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "行政规范性文件",
    "本年处理决定数量", "行政许可", "行政处罚", "行政强制", "其他对外管理服务事项",
    "本年收费金额（单位：万元）", "行政事业性收费", "采购项目数量", "采购总金额（单位：万元）",
    "政府集中采购", "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
    "本年增/减", "处理决定数量", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
    "社会公益组织", "法律服务机构", "总计", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确", "（五）不予处理", "1.信访举报投诉类申请", "2.重复申请",
    "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
    "（七）总计", "四、结转下年度继续办理", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
    "结果维持", "结果纠正", "其他结果", "尚未审结",
)
_WORDS = re.compile(r"[^\u3400-\u9fff]+")


@functools.cache
def _lexicon() -> dict[str, str]:
    return {_WORDS.sub("", label): label for label in FORM_LABELS}


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
    ink = grey < _DARK
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
