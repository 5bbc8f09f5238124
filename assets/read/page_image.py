"""A scanned page as an image: straightened, its ruled tables found as cell grids, and each
cell cut out clean for OCR (numpy and OpenCV on the rendered page; no OCR here).

OpenCV does the pixel work that numpy cannot vectorise: runs of ink (ruling lines) by
erosion and dilation, and the connected components of a cell's ink; 4-5× less CPU than the
pure-Python run walks it replaced, with the same masks."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

cv2.setNumThreads(1)  # documents are parsed in parallel worker processes already, one per core

DARK = 170  # grey level below which a pixel is ink
_MAX_SKEW = 2.0  # degrees searched either way when straightening a page


# --- straightening ----------------------------------------------------------------------------

def skew_angle(grey: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise as PIL's ``rotate``) that levels the page:
    the angle at which the horizontal projection of the ink is sharpest."""
    small = Image.fromarray(((grey < DARK) * 255).astype(np.uint8)).reduce(2)

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
    """Pixels of ``mask`` (2-D bool) lying in a run of at least ``length`` along axis 1: an
    erosion marks where a full run starts, a dilation spreads it back over the run."""
    if mask.shape[1] < length:
        return np.zeros_like(mask)
    line = np.ones((1, length), np.uint8)
    starts = cv2.erode(mask.astype(np.uint8), line, anchor=(0, 0),
                       borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(starts, line, anchor=(length - 1, 0),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)


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
    ink = grey < DARK
    k = min_rule or max(40, w // 30)  # ~2 cm at 300 dpi: longer than any stroke of a character
    hrules = _rules(_runs(ink, k), k)
    vrules = _rules(_runs(np.ascontiguousarray(ink.T), k), k)
    tol = max(4, w // 300)
    vrules += _low_row_rules(ink, hrules, vrules, k, tol)
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
        grid = _grid(hs, vs, tol, ink)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids


def _low_row_rules(ink: np.ndarray, hrules: list[Rule], vrules: list[Rule], k: int,
                   tol: int) -> list[Rule]:
    """The vertical rules of a lone row lower than a rule must be long to be told from a
    stroke (a table's last row carried onto the next page: 行政事业性收费 | 44.71): the
    columns inked all the way from a horizontal rule to the next one below it of the same
    extent, where no vertical rule touches either."""
    def touched(h: Rule) -> bool:
        return any(h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol for v in vrules)

    free = sorted((h for h in hrules if not touched(h)), key=lambda h: h.pos)
    out: list[Rule] = []
    for i, top in enumerate(free):
        bottom = next((h for h in free[i + 1:] if abs(h.a - top.a) <= 2 * tol
                       and abs(h.b - top.b) <= 2 * tol), None)
        if bottom is None or bottom.pos - top.pos >= k or bottom.pos - top.pos <= 4 * tol:
            continue
        y0, y1 = round(top.pos), round(bottom.pos)
        band = ink[y0:y1 + 1, max(0, top.a - tol):top.b + tol + 1]
        # a rule drawn a pixel aslant still inks one of three neighbouring columns on each row
        near = band.copy()
        near[:, 1:] |= band[:, :-1]
        near[:, :-1] |= band[:, 1:]
        xs = np.flatnonzero(near.all(axis=0)) + max(0, top.a - tol)
        for x0, x1 in _segments(np.isin(np.arange(ink.shape[1]), xs), 1, bridge=1):
            out.append(Rule((x0 + x1) / 2, y0, y1))
    return out


def _grid(hs: list[Rule], vs: list[Rule], tol: int, ink: np.ndarray) -> Grid | None:
    ys = _cluster([r.pos for r in hs], 2 * tol)
    xs = _cluster([r.pos for r in vs], 2 * tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_r, n_c = len(ys) - 1, len(xs) - 1

    def v_rule_at(x: float, y0: float, y1: float) -> bool:
        mid = (y0 + y1) / 2
        if any(abs(r.pos - x) <= 2 * tol and r.a - tol <= mid <= r.b + tol for r in vs):
            return True
        # A rule across one low row alone (the last row of a table cut by a page break) is
        # shorter than a rule must be to be told from a stroke: inked from rule to rule, it is one.
        band = ink[round(y0) + tol:round(y1) - tol, max(0, round(x) - tol):round(x) + tol + 1]
        return band.size > 0 and bool(band.any(axis=1).all())

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
    if len(grid.cells) <= 2 and not _ruled_row(hs, vs, ys, xs, tol):
        # A frame around something (a boxed note), or the strokes of large bold characters
        # over a rule (a red header's 文件 above its red line): not a table.
        return None
    return grid


def _ruled_row(hs: list[Rule], vs: list[Rule], ys: list[float], xs: list[float], tol: int) -> bool:
    """One row of cells ruled all round: a table's last row carried onto the next page
    (行政事业性收费 | 44.71). Its top and bottom rules run its whole width and its
    vertical rules its whole height, which neither a frame nor the strokes of large
    characters over a rule do."""
    if len(ys) != 2 or len(xs) < 3:
        return False
    across = all(any(abs(r.pos - y) <= 2 * tol and r.a <= xs[0] + 2 * tol and r.b >= xs[-1] - 2 * tol
                     for r in hs) for y in ys)
    down = all(any(abs(r.pos - x) <= 2 * tol and r.a <= ys[0] + 2 * tol and r.b >= ys[-1] - 2 * tol
                   for r in vs) for x in xs)
    return across and down


# --- cells cut out ---------------------------------------------------------------------------

def components(mask: np.ndarray) -> list[tuple[int, int, int, int, np.ndarray]]:
    """8-connected components of a 2-D bool array: (x0, y0, x1, y1, pixel mask within the box)
    each."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        out.append((x, y, x + w, y + h, labels[y:y + h, x:x + w] == i))
    return out


def otsu(grey: np.ndarray) -> int:
    """Otsu's threshold of a grey image (the level that best splits ink from paper)."""
    hist = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return DARK
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * np.arange(256))
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m0[-1] * w0 - m0 * total) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


@dataclass
class CutCell:
    """One cell's ink: the grey cut-out with specks painted white, the same as clean black on
    white for the digits pass, and the height of its characters (pixels)."""

    grey: Image.Image
    binary: Image.Image
    char_h: int
    level: int


def cut_cell(grey: np.ndarray, box: tuple[float, float, float, float], inset: int,
             big: int) -> CutCell | None:
    """The ink of a cell without specks, or None when the cell holds none.

    Components at least ``big`` pixels long are characters (or their strokes); the smaller
    ones are kept only inside the characters' box, and for the digits pass only between
    characters and low on the line (a decimal point, a thousands comma): a speck of dust or
    toner left, right, above or below the number is not part of it."""
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    sub = grey[y0:y1, x0:x1]
    level = min(DARK + 20, max(90, otsu(sub))) if sub.min() < DARK else DARK
    comps = components(sub < level)
    # Characters and their strokes; a flat stroke half as long is one too (a minus sign, a
    # short hyphen thickened by a blur: 8×5 px), when it holds more ink than a speck.
    chars = [c for c in comps if max(c[2] - c[0], c[3] - c[1]) >= big
             or (c[2] - c[0] >= max(big / 2, 1.3 * (c[3] - c[1])) and c[4].sum() >= 2 * big)]
    if not chars:
        return None
    bx0, by0 = min(c[0] for c in chars), min(c[1] for c in chars)
    bx1, by1 = max(c[2] for c in chars), max(c[3] for c in chars)
    char_h = by1 - by0
    drop = np.zeros(sub.shape, dtype=bool)
    strict = np.zeros(sub.shape, dtype=bool)
    for c in comps:
        cx0, cy0, cx1, cy1, m = c
        if any(c is ch for ch in chars):
            strict[cy0:cy1, cx0:cx1] |= m
            continue
        cx, cy = (cx0 + cx1) / 2, (cy0 + cy1) / 2
        if not (bx0 <= cx <= bx1 and by0 <= cy <= by1):
            drop[cy0:cy1, cx0:cx1] |= m  # a speck outside the text
            continue
        between = any(ch[2] <= cx for ch in chars) and any(ch[0] >= cx for ch in chars)
        if between and cy >= by0 + 0.55 * (by1 - by0):
            strict[cy0:cy1, cx0:cx1] |= m
    margin = max(2, char_h // 4)
    ax0, ay0 = max(0, bx0 - margin), max(0, by0 - margin)
    ax1, ay1 = min(sub.shape[1], bx1 + margin), min(sub.shape[0], by1 + margin)
    g = sub[ay0:ay1, ax0:ax1].copy()
    g[_dilate(drop[ay0:ay1, ax0:ax1], 1)] = 255  # the specks and their light halos
    b = sub[ay0:ay1, ax0:ax1].copy()
    b[~_dilate(strict[ay0:ay1, ax0:ax1], 1)] = 255
    return CutCell(Image.fromarray(g), Image.fromarray(b), max(1, char_h), level)


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dy or dx:
                out |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return out
