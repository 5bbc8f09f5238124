"""Scanned tables: rows carried onto the next page keep their places. Each case is a failure
class the generated scans (benchmarks/variants, tuned seeds) showed: a table's last rows on
the next page were lost."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gongkai.assets.read.ocr import place_rows
from gongkai.assets.read.page_image import Grid, find_grids


def test_a_t3_rows_carried_onto_the_next_page_are_placed_between_their_anchors() -> None:
    # Page 3 of scan 0 holds the last three rows of t3; 总计 was read '(七)ef'.
    grid = Grid(ys=[0.0, 10.0, 20.0, 30.0], xs=[10.0 * i for i in range(11)])
    grid.cells = [(0, 0, 2, 1), (0, 1, 1, 1), (0, 2, 1, 1), (1, 1, 1, 2), (2, 0, 1, 3)]
    grid.cells += [(r, c, 1, 1) for r in range(3) for c in range(3, 10)]
    texts = {(0, 0): "本年度办型站果", (0, 1): "(六). 其他处理", (0, 2): "3.其他", (1, 1): "(七)ef",
             (2, 0): "四、结转下年度继续办理"}
    for r, row in enumerate(([18, 0, 0, 0, 0, 0, 18], [616, 72, 9, 8, 25, 8, 738], [26, 5, 0, 0, 1, 0, 32])):
        texts.update({(r, 3 + i): str(v) for i, v in enumerate(row)})
    place_rows(grid, texts)
    assert texts[(1, 1)] == "（七）总计"


def _ruled(rows: list[list[str]], widths: list[int], height: int, page: tuple[int, int] = (1240, 1754),
           top: int = 200) -> tuple[Image.Image, ImageDraw.ImageDraw, list[int], list[int]]:
    """A white page with a ruled table (rule positions returned); digits drawn in the cells."""
    img = Image.new("L", page, 255)
    d = ImageDraw.Draw(img)
    xs = [100]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top + i * height for i in range(len(rows) + 1)]
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=3)
    font = ImageFont.load_default(size=30)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                d.text((xs[c] + 20, ys[r] + (height - 30) // 2), text, fill=0, font=font)
    return img, d, xs, ys


def test_a_lone_ruled_row_at_the_top_of_a_page_is_a_table() -> None:
    # The t2 row 行政事业性收费 | 44.71 alone at the top of scan 4's page 2, 60 px high at
    # 300 dpi: its vertical rules are shorter than a rule must be to be found by length.
    img, _, xs, _ = _ruled([["", "44.71"]], [900, 1000], 60, page=(2481, 3508), top=280)
    (grid,) = find_grids(np.asarray(img))
    assert len(grid.xs) == 3 and abs(grid.xs[1] - xs[1]) <= 3 and len(grid.ys) == 2


def test_a_frame_around_a_note_is_still_no_table() -> None:
    img = Image.new("L", (2481, 3508), 255)
    ImageDraw.Draw(img).rectangle([100, 300, 2300, 360], outline=0, width=3)
    assert find_grids(np.asarray(img)) == []
