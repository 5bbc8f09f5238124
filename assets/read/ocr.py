"""OCR of PDF pages without a text layer (scans, 图片版) with the PP-OCR model (`ocr_engine`).

Each page is rendered with pypdfium2 at 300 dpi and straightened (the angle that makes the
rows of ink sharpest). Ruled tables are read from their rules: the long dark horizontal and
vertical runs, the rules that touch each other make a table, and the rules' positions give
its cell grid; a cell whose side has no rule is merged with its neighbour (rowspan/colspan) —
that image work is `assets.read.page_image`. The model finds and reads every text line of the
page once; a line inside a table belongs to the cell its centre lies in (a line that runs
over a rule is read again cell by cell), the lines outside the tables are the title, the
headings and the prose. A table's value rows are checked by the form's arithmetic before
they leave (`ocr_rows`: a value cell read as no value stays empty in its column, a row whose
total disagrees is read again or left NULL, with a warning). A table row whose label the
model garbled gets the form's label for its place (`place_rows`).

A scanned page without rules falls back to line positions (`assets.read.layout`). When the
model cannot be loaded nothing is read and the caller records the document as ``needs_ocr``.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import logging
import re

import numpy as np
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter

from gongkai.assets.form.labels import printed_labels, printed_t3_rows
from gongkai.assets.form.markers import is_page_number
from gongkai.assets.read.document import Block, Paragraph, Table, UnreadableDocument
from gongkai.assets.read.layout import Word, layout_blocks
from gongkai.assets.read.limits import MAX_EMBEDDED_IMAGE_PIXELS, MAX_OCR_PIXELS
from gongkai.assets.read.ocr_engine import TextLine, read_crop, read_lines
from gongkai.assets.read.ocr_rows import CellRead, settle_rows
from gongkai.assets.read.page_image import CutCell, Grid, cut_cell, find_grids, straighten

log = logging.getLogger(__name__)

OCR_DPI = 300

# What a reading of a placeholder dash or of specks next to a rule looks like.
_DASHES = re.compile(r"^[一_~—–\-－=]+$")
_NOISE = re.compile(r"^[|丨!！'‘’\"“”`.,，、:：;；]+$")
_DIGIT_FIX = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def _join(words: list[str]) -> str:
    out = ""
    for w in words:
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", w):
            out += " "
        out += w
    return out


# --- cell texts ------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?")


def _value_reading(text: str) -> str | None:
    """A reading of a value cell as a number or the placeholder 无; None for anything else."""
    t = _cell_text(text.strip()).replace("，", ",")
    if t in ("无", "—"):
        return t
    return t if _NUMBER.fullmatch(t) else None


def _cell_text(text: str) -> str:
    t = text.strip()
    if not t:
        return ""
    if _DASHES.match(t):
        return "—"
    if _NOISE.match(t):
        return ""
    if t in _LONE_DIGIT:
        return _LONE_DIGIT[t]
    if t.rstrip("。.，,") == "无":
        return "无"
    if re.fullmatch(r"\.?\d+[.:：]?\d*\.?", t) and re.search(r"\d", t):
        # a decimal point read as a colon; a speck beside a whole number read as a point
        t = t.replace(":", ".").replace("：", ".")
        return t.strip(".") if t.count(".") > 1 or t.startswith(".") or t.endswith(".") else t
    if re.fullmatch(r"[0-9oOlIS|B,，. ]+", t) and re.search(r"\d", t):
        return t.translate(_DIGIT_FIX).replace(" ", "")
    return t


# What the model makes of a digit alone in a cell: a round 0 as a letter, a circle or a full
# stop; a 1 as a letter.
_LONE_DIGIT = {"o": "0", "O": "0", "Q": "0", "D": "0", "○": "0", "〇": "0", "。": "0", "l": "1", "I": "1"}


_WORDS = re.compile(r"[^\u3400-\u9fff]+")


@functools.cache
def _lexicon() -> dict[str, str]:
    return {_WORDS.sub("", label): label for label in printed_labels()}


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


def _label_ratio(text: str, label: str) -> float:
    return difflib.SequenceMatcher(None, _WORDS.sub("", text), _WORDS.sub("", label)).ratio()


def place_rows(grid: Grid, texts: dict[tuple[int, int], str]) -> None:
    """Give a table row whose label OCR garbled the form's label for its place (in ``texts``).

    A row of values is matched to the form's t3 rows by its last label cell; rows read well
    are anchors. A garbled row between two anchors gets the form's row at the same distance,
    but only where the rows between the anchors are as many as the form has there (no row
    lost or split by the grid); a row beyond the last anchor likewise, while the form has
    rows left, when three rows or more are anchors. The few rows of a table carried onto the
    next page (3.其他 | (七)总计 | 四、结转下年度继续办理) have two anchors at most: only a row
    between them is placed. A label that matches no row and has no such place stays as
    read."""
    owner = _owner(grid)
    n_r = len(grid.ys) - 1
    leaf: dict[int, tuple[int, int]] = {}  # row → its last label cell (top-left slot)
    valued: set[int] = set()
    for r in range(n_r):
        for c in range(len(grid.xs) - 1):  # the label cells are those left of the first value
            r0, c0, rs, _ = owner[(r, c)]
            text = texts.get((r0, c0), "")
            if _value_reading(text) is not None:
                valued.add(r)
                break
            if text and r0 == r and rs == 1 and _CJK.search(text):
                leaf[r] = (r0, c0)
    rows = [r for r in range(n_r) if r in valued and r in leaf]
    if len(rows) < 3:
        return
    best: tuple[int, str, dict[int, int]] | None = None
    for fv, labels in printed_t3_rows().items():
        anchors = {}
        for r in rows:
            scores = [_label_ratio(texts[leaf[r]], lb) for lb in labels]
            i = max(range(len(labels)), key=scores.__getitem__)
            if scores[i] >= 0.75 and sorted(scores)[-2] < scores[i] - 0.1:
                anchors[r] = i
        if best is None or len(anchors) > best[0]:
            best = (len(anchors), fv, anchors)
    if best is None or best[0] < 2:
        return
    _, fv, anchors = best
    between_only = best[0] < 3
    labels = printed_t3_rows()[fv]
    ordered = sorted(anchors.items())
    if any(b[1] - a[1] < 1 for a, b in itertools.pairwise(ordered)):
        return  # the anchors are not in the form's order: no position to trust
    for r in rows:
        if r in anchors:
            continue
        before = [(ra, i) for ra, i in ordered if ra < r]
        after = [(ra, i) for ra, i in ordered if ra > r]
        i = None
        if before and after:
            (ra, ia), (rb, ib) = before[-1], after[0]
            between = [x for x in rows if ra < x < rb]
            if ib - ia == len(between) + 1:
                i = ia + 1 + between.index(r)
        elif before and not between_only:
            ra, ia = before[-1]
            i = ia + len([x for x in rows if ra < x <= r])
        if i is not None and i < len(labels):
            log.debug("OCR: row %d label %r placed as %r", r, texts[leaf[r]], labels[i])
            texts[leaf[r]] = labels[i]


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


def ocr_image(img: Image.Image, scale: float, page_no: int | None = None,
              warnings: list[str] | None = None) -> list[Block]:
    """Blocks of one page image (``scale`` = pixels per PDF point): every text line found once
    on the whole page; a line inside a ruled table goes to the cell its centre lies in, the
    others are prose. Value cells left NULL as doubtful say why in ``warnings``."""
    img, angle = straighten(paper_white(img.convert("L")).filter(ImageFilter.MedianFilter(3)))
    grey = np.asarray(img)
    grids = find_grids(grey)
    lines = read_lines(img)
    if not grids:
        log.debug("page %s: no rules; %d OCR lines read by position", page_no, len(lines))
        words = [Word(ln.text, ln.x0 / scale, ln.x1 / scale, ln.y0 / scale, ln.y1 / scale) for ln in lines]
        return layout_blocks(words, page_no)
    pad = max(3, img.width // 400)
    inside: list[list[TextLine]] = [[] for _ in grids]
    prose: list[TextLine] = []
    for ln in lines:
        g = next((i for i, gr in enumerate(grids) if gr.xs[0] - pad <= ln.cx <= gr.xs[-1] + pad
                  and gr.ys[0] - pad <= ln.cy <= gr.ys[-1] + pad), None)
        (prose if g is None else inside[g]).append(ln)
    items: list[tuple[float, Block]] = []
    for grid, glines in zip(grids, inside):
        reads, cuts = _cells(img, grey, grid, glines)
        texts = settle_rows(reads, len(grid.ys) - 1, len(grid.xs) - 1,
                            lambda slot, cuts=cuts: _reread(cuts[slot]),
                            [] if warnings is None else warnings, f"OCR page {page_no} table")
        place_rows(grid, texts)
        items.append((grid.ys[0], grid_table(grid, texts, page_no)))
    for top, text in _prose_rows(prose):
        if not (is_page_number(text) or _NOISE.match(text)):
            items.append((top, Paragraph(text, page=page_no)))
    items.sort(key=lambda it: it[0])
    log.debug("page %s: skew %.2f°, %d ruled tables", page_no, angle, len(grids))
    return [b for _, b in items]


def paper_white(img: Image.Image) -> Image.Image:
    """A page on grey paper with faded ink stretched to white paper and black ink: the paper's
    level (the median: most of a page is paper) made 255, the darkest ink (0.5%) made 0, so
    the rules and strokes are as dark as on a clean scan (`page_image.DARK`)."""
    grey = np.asarray(img)
    paper = int(np.median(grey))
    ink = int(np.percentile(grey, 0.5))
    if paper - ink < 32 or (paper >= 250 and ink <= 10):
        return img  # blank, or already black on white
    lut = np.clip((np.arange(256) - ink) * 255.0 / (paper - ink), 0, 255).round().astype(np.uint8)
    return Image.fromarray(lut[grey])


def ocr_page(page, page_no: int, warnings: list[str] | None = None) -> list[Block]:
    """Blocks of one pypdfium2 page read by OCR."""
    img, scale = render(page)
    return ocr_image(img, scale, page_no, warnings)


# --- cells and lines --------------------------------------------------------------------------

def _owner(grid: Grid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Every slot of the grid → the (merged) cell covering it."""
    out = {}
    for r, c, rs, cs in grid.cells:
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                out[(rr, cc)] = (r, c, rs, cs)
    return out


def _cells(img: Image.Image, grey: np.ndarray, grid: Grid,
           lines: list[TextLine]) -> tuple[dict[tuple[int, int], CellRead], dict[tuple[int, int], CutCell]]:
    """{(row, col): reading} of a grid from the page's text lines, and the ink of the cells
    read by the model (for a second look). A line that runs across a
    vertical rule (two cells' digits found as one line) is read again cell by cell from the
    image; a cell with ink but no line found is read from its cut-out."""
    owner = _owner(grid)
    ys, xs = grid.ys, grid.xs
    inset = max(3, img.width // 400)
    big = max(5, img.width // 250)
    parts: dict[tuple[int, int], list[tuple[float, float, float, str, float]]] = {}

    def slot(v: float, edges: list[float]) -> int:
        return min(len(edges) - 2, max(0, int(np.searchsorted(edges, v, side="right")) - 1))

    for ln in lines:
        r = slot(ln.cy, ys)
        c0, c1 = slot(ln.x0 + inset, xs), slot(ln.x1 - inset, xs)
        cells = []
        for c in range(c0, c1 + 1):
            cell = owner.get((r, c))
            if cell and cell not in cells:
                cells.append(cell)
        if len(cells) == 1:
            r0, cc0, _, _ = cells[0]
            parts.setdefault((r0, cc0), []).append((ln.cy, ln.y1 - ln.y0, ln.x0, ln.text, ln.score))
            continue
        for cell in cells:  # one line over several cells: each cell's share read on its own
            r0, cc0, rs, cs = cell
            x0, x1 = max(ln.x0, xs[cc0] + inset), min(ln.x1, xs[cc0 + cs] - inset)
            if x1 - x0 < 4:
                continue
            crop = img.crop((round(x0), round(ln.y0), round(x1), round(ln.y1)))
            text, score = read_crop(crop)
            if text:
                parts.setdefault((r0, cc0), []).append((ln.cy, ln.y1 - ln.y0, x0, text, score))
    out: dict[tuple[int, int], CellRead] = {}
    cuts: dict[tuple[int, int], CutCell] = {}
    for r, c, rs, cs in grid.cells:
        cut = cut_cell(grey, grid.box(r, c, rs, cs), inset, big)
        if cut is None:
            out[(r, c)] = CellRead("", ink=False)
            continue
        if _is_dash(cut, max(6, img.width // 250)):
            out[(r, c)] = CellRead("—", sure=True)  # one flat stroke alone in a cell: a dash
            continue
        found = parts.get((r, c))
        text, score = ((_join_rows(found), min(p[4] for p in found)) if found
                       else read_crop(cut.grey))
        text = _cell_text(text)
        if text in ("1", "/", "7") and _is_slash(cut):
            out[(r, c)] = CellRead("/", sure=True)  # the model reads a placeholder slash as a 1
            continue
        out[(r, c)] = CellRead(snap_label(text), score)
        cuts[(r, c)] = cut
    return out, cuts


def _reread(cut: CutCell) -> list[tuple[str, float]]:
    """A cell's second readings: its cut-out alone, grey and cleaned to black on white."""
    return [(_cell_text(text), score) for text, score in (read_crop(cut.grey), read_crop(cut.binary))]


def _is_dash(cut: CutCell, max_height: int) -> bool:
    """The ink of a cell is one flat stroke: a dash (—, -) printed for nothing. No digit is
    ``max_height`` short, so a stroke that low and wider than thick is a dash, however a blur
    has thickened a short hyphen (10×6 px on a blurred 200 dpi scan) or a speck has stuck to
    it (its thickness is the median over its columns, not its box's height)."""
    ink = np.asarray(cut.binary) < cut.level
    ys, xs = np.nonzero(ink)
    if xs.size == 0:
        return False
    h, w = np.ptp(ys) + 1, np.ptp(xs) + 1
    per_column = ink.sum(axis=0)
    thick = float(np.median(per_column[per_column > 0]))
    return bool(h <= max_height and w >= 1.3 * thick)


def _is_slash(cut: CutCell) -> bool:
    """One slanted stroke alone in a cell: its ink runs up to the right (x grows as y falls),
    where a 1 stands upright."""
    ys, xs = np.nonzero(np.asarray(cut.binary) < cut.level)
    if xs.size < 10 or xs.std() == 0 or ys.std() == 0:
        return False
    return float(np.corrcoef(xs, ys)[0, 1]) < -0.8 and np.ptp(xs) >= 0.3 * np.ptp(ys)


def _join_rows(parts: list[tuple[float, float, float, str, float]]) -> str:
    """Text pieces (y centre, height, left, text) of one cell in reading order: pieces side by
    side on one line left to right (their centres differ a little), then line by line."""
    lines: list[list[tuple[float, float, float, str, float]]] = []
    for part in sorted(parts):
        if lines and part[0] - lines[-1][-1][0] < 0.5 * min(part[1], lines[-1][-1][1]):
            lines[-1].append(part)
        else:
            lines.append([part])
    return "".join(_join([p[3] for p in sorted(line, key=lambda p: p[2])]) for line in lines)


def _prose_rows(lines: list[TextLine]) -> list[tuple[float, str]]:
    """Text lines outside the tables merged into printed lines (pieces side by side on one
    baseline are one line), as (top, text)."""
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.cy):
        if rows and abs(rows[-1][-1].cy - ln.cy) < 0.5 * min(ln.y1 - ln.y0, rows[-1][-1].y1 - rows[-1][-1].y0):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    out = []
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
        out.append((min(ln.y0 for ln in row), _join([ln.text for ln in row])))
    return out
