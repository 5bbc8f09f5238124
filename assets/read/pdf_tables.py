"""Ruled tables on a PDF page, found as pdfplumber 0.11's ``page.find_tables()`` finds them
with its default settings (``TableFinder``: edges from the page's lines, rects and curves,
snapped and joined, their intersections, the cells they make, the tables those cells make),
and the text of their cells (``Table.extract``), without importing pdfplumber (its import,
with pdfminer's, costs more than reading a folder of reports). tests/read/test_pdf_objects.py
holds each step to pdfplumber's own, on every fixture and on made-up input.

Two steps are done faster than pdfplumber does them, with the same results: the cells the
intersections make (`intersections_to_cells`) and the text of each cell (`CharBands`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import chain, groupby, pairwise
from math import isnan
from typing import Any

from gongkai.assets.read.pdf_text import cell_text, cluster

Obj = dict[str, Any]
Bbox = tuple[float, float, float, float]
Point = tuple[float, float]
SNAP_TOLERANCE = JOIN_TOLERANCE = INTERSECTION_TOLERANCE = 3
EDGE_MIN_LENGTH, EDGE_MIN_LENGTH_PREFILTER = 3, 1


class FoundTable:
    """pdfplumber's ``Table``: its cells (x0, top, x1, bottom), its box, its rows."""

    def __init__(self, cells: list[Bbox]) -> None:
        self.cells = cells
        self.bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                     max(c[2] for c in cells), max(c[3] for c in cells))

    @property
    def rows(self) -> list[Row]:
        """The cells by top; each row one slot per distinct x0 of the table (None where
        the row has no cell there: a merged cell)."""
        xs = sorted({c[0] for c in self.cells})
        out = []
        for _, row_cells in groupby(sorted(self.cells, key=_top_x0), key=_top_of):
            at = {c[0]: c for c in row_cells}
            out.append(Row([at.get(x) for x in xs]))
        return out


class Row:
    def __init__(self, cells: list[Bbox | None]) -> None:
        self.cells = cells
        some = [c for c in cells if c is not None]
        self.bbox = (min(c[0] for c in some), min(c[1] for c in some),
                     max(c[2] for c in some), max(c[3] for c in some))


def _top_x0(c: Bbox) -> tuple[float, float]:
    return (c[1], c[0])


def _top_of(c: Bbox) -> float:
    return c[1]


def find_tables(objects: dict[str, list[Obj]]) -> list[FoundTable]:
    """The tables ``page.find_tables()`` finds among a page's objects ({"line", "rect",
    "curve"} lists, in pdfplumber's shapes)."""
    edges = page_edges(objects)
    v = [e for e in edges if e["orientation"] == "v" and e["height"] >= EDGE_MIN_LENGTH_PREFILTER]
    h = [e for e in edges if e["orientation"] == "h" and e["width"] >= EDGE_MIN_LENGTH_PREFILTER]
    edges = [e for e in merge_edges(v + h)
             if e["height" if e["orientation"] == "v" else "width"] >= EDGE_MIN_LENGTH]
    cells = intersections_to_cells(edges_to_intersections(edges))
    return [FoundTable(group) for group in cells_to_tables(cells)]


def page_edges(objects: dict[str, list[Obj]]) -> list[Obj]:
    """pdfplumber's ``page.edges``: each line, the four sides of each rect, each segment of
    each curve, with its orientation ("h", "v", None for a slanted segment of a curve; a
    line is "h" when level, else "v")."""
    out = [{**line, "orientation": "h" if line["top"] == line["bottom"] else "v"}
           for line in objects.get("line", [])]
    for r in objects.get("rect", []):
        out += [
            {**r, "height": 0, "y0": r["y1"], "bottom": r["top"], "orientation": "h"},
            {**r, "height": 0, "y1": r["y0"], "top": r["top"] + r["height"], "orientation": "h"},
            {**r, "width": 0, "x1": r["x0"], "orientation": "v"},
            {**r, "width": 0, "x0": r["x1"], "orientation": "v"},
        ]
    for c in objects.get("curve", []):
        for (x0, y0), (x1, y1) in zip(c["pts"], c["pts"][1:]):
            out.append({"x0": min(x0, x1), "x1": max(x0, x1), "top": min(y0, y1),
                        "bottom": max(y0, y1), "width": abs(x0 - x1), "height": abs(y0 - y1),
                        "orientation": "v" if x0 == x1 else ("h" if y0 == y1 else None)})
    return out


def merge_edges(edges: list[Obj]) -> list[Obj]:
    """pdfplumber's ``merge_edges``: edges snapped to the mean position of their cluster
    (vertical by x0, horizontal by top, within the snap tolerance), then the edges of each
    line joined where they meet or nearly (the join tolerance)."""
    snapped = (_snap([e for e in edges if e["orientation"] == "v"], "x0", ("x0", "x1"))
               + _snap([e for e in edges if e["orientation"] == "h"], "top", ("top", "bottom")))
    snapped.sort(key=_group)
    return list(chain.from_iterable(_join(list(group), key[0])
                                    for key, group in groupby(snapped, key=_group)))


def _group(e: Obj) -> tuple[str, float]:
    return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])


def _snap(edges: list[Obj], attr: str, moved: tuple[str, str]) -> list[Obj]:
    """``snap_objects``: each edge moved by (its cluster's mean - its own value), as
    pdfplumber adds the difference (not set to the mean: the sums round alike)."""
    out = []
    for group in cluster(edges, lambda e: e[attr], SNAP_TOLERANCE):
        mean = sum(e[attr] for e in group) / len(group)
        for e in group:
            shift = mean - e[attr]
            out.append({**e, moved[0]: e[moved[0]] + shift, moved[1]: e[moved[1]] + shift})
    return out


def _join(edges: list[Obj], orientation: str) -> list[Obj]:
    """``join_edge_group``: the edges along one line, sorted by where they begin, each
    extending the last one when it begins within the join tolerance of its end."""
    lo, hi, size = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
    edges = sorted(edges, key=lambda e: e[lo])
    joined = [edges[0]]
    for e in edges[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + JOIN_TOLERANCE:
            if e[hi] > last[hi]:
                grown = e[hi] - last[lo] if orientation == "h" else last[size] + (e[hi] - last[hi])
                joined[-1] = {**last, hi: e[hi], size: grown}
        else:
            joined.append(e)
    return joined


def edges_to_intersections(edges: list[Obj]) -> dict[Point, dict[str, list[Obj]]]:
    """pdfplumber's ``edges_to_intersections``: where a vertical and a horizontal edge
    cross, or nearly (the intersection tolerance), with the edges through each point."""
    tol = INTERSECTION_TOLERANCE
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: (e["x0"], e["top"]))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    out: dict[Point, dict[str, list[Obj]]] = {}
    for v in v_edges:
        for h in h_edges:
            if (v["top"] <= h["top"] + tol and v["bottom"] >= h["top"] - tol
                    and v["x0"] >= h["x0"] - tol and v["x0"] <= h["x1"] + tol):
                point = out.setdefault((v["x0"], h["top"]), {"v": [], "h": []})
                point["v"].append(v)
                point["h"].append(h)
    return out


def cells_to_tables(cells: list[Bbox]) -> list[list[Bbox]]:
    """pdfplumber's ``cells_to_tables``: cells grouped into tables by shared corners, in
    its order (a group grows over passes through the remaining cells), tables sorted by
    their top-left cell, a table of one cell dropped."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[Bbox] = []
    tables = []
    while remaining:
        n = len(current)
        left = []  # the cells this pass does not take, in their order (no two cells are
        for cell in remaining:  # equal: each has its own top-left corner)
            x0, top, x1, bottom = cell
            its = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in its):
                corners |= set(its)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == n:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]



def intersections_to_cells(intersections: dict[Point, dict[str, list[Obj]]]) -> list[Bbox]:
    """pdfplumber's ``table.intersections_to_cells``, the same cells in the same order.

    pdfplumber rebuilds the sets of edges through both points on every test of whether two
    points are joined, and scans all later points for those below and to the right of
    each: most of the time find_tables takes. Here each point's edge sets are built once;
    the points below a point are the ones right after it in (x, top) order with its x, and
    those to its right the later ones of its row. A NaN, which would not sort, leaves
    the page without cells (pdfplumber's points in its order would not be these either).
    """
    points = sorted(intersections)
    if any(isnan(c) for p in points for c in p):
        return []
    v_edges = {p: set(map(_bbox, e["v"])) for p, e in intersections.items()}
    h_edges = {p: set(map(_bbox, e["h"])) for p, e in intersections.items()}

    def joined(p1: Point, p2: Point) -> bool:  # edge_connects
        return ((p1[0] == p2[0] and not v_edges[p1].isdisjoint(v_edges[p2]))
                or (p1[1] == p2[1] and not h_edges[p1].isdisjoint(h_edges[p2])))

    rows: dict[float, list[Point]] = {}
    for p in points:
        rows.setdefault(p[1], []).append(p)
    # where each point's column ends (the first later point with another x), found once
    ends = [len(points)] * len(points)
    for i in range(len(points) - 2, -1, -1):
        ends[i] = ends[i + 1] if points[i + 1][0] == points[i][0] else i + 1
    cells = []
    for i, pt in enumerate(points[:-1]):
        row = rows[pt[1]]
        cell = _smallest_cell(pt, points[i + 1:ends[i]], row[row.index(pt) + 1:], intersections,
                              joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _bbox(obj: Obj) -> Bbox:
    return (obj["x0"], obj["top"], obj["x1"], obj["bottom"])


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


def outside_chars(chars: list[Obj], boxes: list[Bbox]) -> list[Obj]:
    """The chars outside every box, as pdfplumber's ``outside_bbox`` leaves them box after
    box: those whose box overlaps none (``get_bbox_overlap`` is None), with its arithmetic."""
    out = chars
    for b0, btop, b1, bbot in boxes:  # box after box, as pdfplumber crops
        # apart (an overlap below 0 either way) is the common case, decided first; else the
        # overlap's height oh and width ow, as get_bbox_overlap has them
        out = [c for c in out if c["top"] > bbot or c["bottom"] < btop or c["x0"] > b1
               or c["x1"] < b0 or not (oh := min(c["bottom"], bbot) - max(c["top"], btop)) >= 0
               or not (ow := min(c["x1"], b1) - max(c["x0"], b0)) >= 0 or not oh + ow > 0]
    return list(out)


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
        # a NaN would not sort: on such a page every row looks at every char
        self.ok = not any(map(isnan, self.v_mid))
        # by centre, ties in page order (a stable sort of the indices)
        self.order = sorted(range(len(chars)), key=self.v_mid.__getitem__) if self.ok else []
        self.v_mids = [self.v_mid[i] for i in self.order]

    def _in(self, bbox: tuple[float, float, float, float]) -> list[int]:
        """Indices, in page order, of the chars whose centre is inside bbox."""
        x0, top, x1, bottom = bbox
        h_mids = self.h_mids
        if not self.ok:
            v_mids = self.v_mid
            return [i for i in range(len(self.chars))
                    if x0 <= h_mids[i] < x1 and top <= v_mids[i] < bottom]
        lo, hi = bisect_left(self.v_mids, top), bisect_left(self.v_mids, bottom)
        return sorted(i for i in self.order[lo:hi] if x0 <= h_mids[i] < x1)

    def extract(self, table: FoundTable) -> list[list[str | None]]:
        """pdfplumber's ``table.extract()``, the same text cell for cell."""
        out: list[list[str | None]] = []
        for row in table.rows:
            row_idx = self._in(row.bbox)
            cells = [c for c in row.cells if c is not None]
            per_cell = self._by_cell(row_idx, cells)
            texts = iter([cell_text(cc) if cc else "" for cc in per_cell])
            out.append([None if c is None else next(texts) for c in row.cells])
        return out

    def _by_cell(self, row_idx: list[int], cells: list[Bbox]) -> list[list[dict]]:
        """Each cell's chars (centre inside its box), in page order. A row's cells side by
        side, none overlapping another: each char looks only at the cell beginning last at
        or before its centre (bisection), the one that can hold it; else every cell tests
        every char of the row."""
        chars, h_mids, v_mids = self.chars, self.h_mids, self.v_mid
        x0s = [c[0] for c in cells]
        if all(a[2] <= b[0] for a, b in pairwise(cells)):
            per_cell: list[list[dict]] = [[] for _ in cells]
            for i in row_idx:
                h = h_mids[i]
                k = bisect_right(x0s, h) - 1
                if k >= 0:
                    x0, top, x1, bottom = cells[k]
                    if x0 <= h < x1 and top <= v_mids[i] < bottom:
                        per_cell[k].append(chars[i])
            return per_cell
        return [[chars[i] for i in row_idx if x0 <= h_mids[i] < x1 and top <= v_mids[i] < bottom]
                for x0, top, x1, bottom in cells]
