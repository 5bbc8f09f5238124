"""Two of pdfplumber's table steps done faster, with the same results (tests/read/
test_pdf_objects.py holds them to pdfplumber's own on every fixture and on made-up input).

* The cells a table's rulings make (`intersections_to_cells`), behind `PlumberTables`:
  what ``page.find_tables()`` finds.
* The text of each cell (`CharBands.extract`, ``Table.extract``), with a fast path for the
  cells whose text sits on one line (`one_line_text`), 90% of them.

They lean on pdfplumber 0.11's TableFinder and text internals: recheck on an upgrade.
"""

from __future__ import annotations

from bisect import bisect_left
from math import isnan

import pdfplumber
from pdfplumber.table import Table as _PlumberTable
from pdfplumber.table import TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.table import intersections_to_cells as _plumber_intersections_to_cells
from pdfplumber.utils import extract_text as _extract_text
from pdfplumber.utils import obj_to_bbox
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, LIGATURES


class PlumberTables(TableFinder):
    """pdfplumber's TableFinder with its default settings (what ``page.find_tables()``
    runs), its __init__ step for step, but for the cells: `intersections_to_cells`."""

    def __init__(self, page: pdfplumber.page.Page) -> None:  # in place of TableFinder.__init__
        self.page = page
        self.settings = TableSettings.resolve(None)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance,
            self.settings.intersection_y_tolerance)
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [_PlumberTable(self.page, group) for group in cells_to_tables(self.cells)]


Point = tuple[float, float]


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict]]]
                            ) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``table.intersections_to_cells``, the same cells in the same order.

    pdfplumber rebuilds the sets of edges through both points on every test of whether two
    points are joined, and scans all later points for those below and to the right of
    each: most of the time find_tables takes. Here each point's edge sets are built once;
    the points below a point are the ones right after it in (x, top) order with its x, and
    those to its right the later ones of its row. A NaN, which would not sort, leaves
    the page to pdfplumber's own.
    """
    points = sorted(intersections)
    if any(isnan(c) for p in points for c in p):
        return _plumber_intersections_to_cells(intersections)
    v_edges = {p: set(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    h_edges = {p: set(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}

    def joined(p1: Point, p2: Point) -> bool:  # edge_connects
        return ((p1[0] == p2[0] and not v_edges[p1].isdisjoint(v_edges[p2]))
                or (p1[1] == p2[1] and not h_edges[p1].isdisjoint(h_edges[p2])))

    rows: dict[float, list[Point]] = {}
    for p in points:
        rows.setdefault(p[1], []).append(p)
    cells = []
    for i, pt in enumerate(points[:-1]):
        j = i + 1
        while j < len(points) and points[j][0] == pt[0]:
            j += 1
        row = rows[pt[1]]
        cell = _smallest_cell(pt, points[i + 1:j], row[row.index(pt) + 1:], intersections,
                              joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(pt: Point, below: list[Point], right: list[Point], intersections: dict,
                   joined) -> tuple[float, float, float, float] | None:
    """find_smallest_cell in pdfplumber's intersections_to_cells."""
    for below_pt in below:
        if not joined(pt, below_pt):
            continue
        for right_pt in right:
            if not joined(pt, right_pt):
                continue
            bottom_right = (right_pt[0], below_pt[1])
            if (bottom_right in intersections and joined(bottom_right, right_pt)
                    and joined(bottom_right, below_pt)):
                return (pt[0], pt[1], bottom_right[0], bottom_right[1])
    return None


def outside_chars(chars: list[dict], bbox: tuple[float, float, float, float]) -> list[dict]:
    """pdfplumber's ``utils.outside_bbox`` for chars: those whose box does not overlap
    bbox (``get_bbox_overlap`` is None), with its arithmetic, inline."""
    b0, btop, b1, bbot = bbox
    return [c for c in chars
            if not ((oh := min(c["bottom"], bbot) - max(c["top"], btop)) >= 0
                    and (ow := min(c["x1"], b1) - max(c["x0"], b0)) >= 0 and oh + ow > 0)]


class CharBands:
    """A page's chars by the height of their centre, for pdfplumber's ``Table.extract``.

    pdfplumber tests every char of the page against every row of a table; here a row looks
    only at the chars whose centre lies in its band, found by bisection, and keeps them in
    the page's order. The tests (a char's centre inside the row's, then the cell's box) and
    the text of a cell (``extract_text`` with pdfplumber's defaults) are pdfplumber's own.
    """

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars
        self.v_mid = [(c["top"] + c["bottom"]) / 2 for c in chars]
        self.h_mids = [(c["x0"] + c["x1"]) / 2 for c in chars]
        # a NaN would not sort: such a page is left to pdfplumber's own extract
        self.ok = not any(map(isnan, self.v_mid))
        mids = sorted(zip(self.v_mid, range(len(chars)))) if self.ok else []
        self.v_mids = [m for m, _ in mids]
        self.order = [i for _, i in mids]

    def _in(self, bbox: tuple[float, float, float, float]) -> list[int]:
        """Indices, in page order, of the chars whose centre is inside bbox."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect_left(self.v_mids, top), bisect_left(self.v_mids, bottom)
        h_mids = self.h_mids
        return sorted(i for i in self.order[lo:hi] if x0 <= h_mids[i] < x1)

    def extract(self, table: pdfplumber.table.Table) -> list[list[str | None]]:
        """``table.extract()``, the same text cell for cell."""
        if not self.ok:
            return table.extract()
        chars, h_mids, v_mids = self.chars, self.h_mids, self.v_mid
        out: list[list[str | None]] = []
        for row in table.rows:
            row_idx = self._in(row.bbox)
            arr: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    arr.append(None)
                    continue
                x0, top, x1, bottom = cell
                cell_chars = [chars[i] for i in row_idx
                              if x0 <= h_mids[i] < x1 and top <= v_mids[i] < bottom]
                arr.append(cell_text(cell_chars) if cell_chars else "")
            out.append(arr)
        return out


def cell_text(chars: list[dict]) -> str:
    """pdfplumber's ``extract_text(chars)`` (its defaults, as ``Table.extract`` calls it)."""
    text = one_line_text(chars)
    return _extract_text(chars) if text is None else text


def one_line_text(chars: list[dict]) -> str | None:
    """``extract_text(chars)`` for chars that are all on one line, or None for any others.

    Most cells hold one line, and pdfplumber's general path (cluster the chars into lines,
    words per line, cluster the words into lines again) costs more than the rest of reading
    a table. On one line it comes down to WordExtractor.iter_chars_to_words over the chars
    sorted by x0, each word's text with ligatures expanded (merge_chars), words joined by a
    space. One line means: all upright (left to right, pdfplumber's defaults), and every top
    within y_tolerance of the lowest: then ``cluster_objects`` makes one cluster of them
    and of the words (a word's top is one of its chars'). Chars with an empty text (which
    pdfplumber's split_at_punctuation test treats apart) are left to pdfplumber.
    """
    tops = [c["top"] for c in chars]
    if max(tops) > min(tops) + DEFAULT_Y_TOLERANCE:
        return None
    if not all(c["upright"] is True and c["text"] for c in chars):
        return None
    words: list[str] = []
    word: list[str] = []
    prev = None  # the word's last char
    for c in sorted(chars, key=_X0):  # iter_chars_to_lines: sorted by (x0, x0), stable
        text = c["text"]
        if text.isspace():  # a blank ends the word (keep_blank_chars=False)
            if word:
                words.append("".join(word))
            word, prev = [], None
            continue
        # WordExtractor.char_begins_new_word, "ltr" (its test x0 < the previous x0 never
        # holds: the chars are sorted by x0)
        if prev is not None and (c["x0"] > prev["x1"] + DEFAULT_X_TOLERANCE
                                 or abs(c["top"] - prev["top"]) > DEFAULT_Y_TOLERANCE):
            words.append("".join(word))
            word = []
        word.append(LIGATURES.get(text, text))
        prev = c
    if word:
        words.append("".join(word))
    return " ".join(words)


def _X0(c: dict) -> float:
    return c["x0"]
