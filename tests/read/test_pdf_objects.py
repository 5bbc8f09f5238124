"""pdfium's chars and rules stand in for pdfminer's on table pages (assets.read.pdf_objects):
the same objects within float precision, and the same blocks read from them; the table
finder and text lines done here (assets.read.pdf_tables, pdf_text) give pdfplumber's own."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

import gongkai.assets.read.pdf as pdf_reader
from gongkai.assets.read import pdf_tables, pdf_text, read_file
from gongkai.assets.read.pdf_objects import page_objects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_PDFS = [
    FIXTURES / "corpus" / "pdf-borderless.pdf",  # words only: the layout reader
    FIXTURES / "corpus" / "pdf-ruled-cut-label.pdf",  # lines
    FIXTURES / "corpus" / "pdf-ruled-repeat-header-2019.pdf",
    FIXTURES / "samples" / "huaian-city-government-2024.pdf",  # rects, scaled text
]


def _in_a_form(path: Path) -> bytes:
    """A PDF whose one page draws the first page of ``path`` as a form XObject, scaled and
    moved: the fixtures hold no forms, and page_objects walks into them."""
    import pypdfium2.raw as R

    src, dst = pdfium.PdfDocument(str(path)), pdfium.PdfDocument.new()
    try:
        width, height = src[0].get_size()
        page = dst.new_page(width, height)
        xobject = R.FPDF_NewXObjectFromPage(dst.raw, src.raw, 0)
        form = R.FPDF_NewFormObjectFromXObject(xobject)
        R.FPDFPageObj_Transform(form, 0.9, 0, 0, 0.9, 20, 30)
        R.FPDFPage_InsertObject(page.raw, form)
        R.FPDFPage_GenerateContent(page.raw)
        R.FPDF_CloseXObject(xobject)
        out = BytesIO()
        dst.save(out)
        return out.getvalue()
    finally:
        dst.close()
        src.close()


@pytest.mark.parametrize("path", TEXT_PDFS + ["form"], ids=lambda p: getattr(p, "name", p))
def test_objects_match_pdfminer(path: Path | str) -> None:
    if path == "form":
        path = BytesIO(_in_a_form(TEXT_PDFS[1]))
    doc = pdfium.PdfDocument(path.getvalue() if isinstance(path, BytesIO) else str(path))
    try:
        with pdfplumber.open(path) as plumber:
            for i, ref_page in enumerate(plumber.pages):
                page = doc[i]
                textpage = page.get_textpage()
                mine = page_objects(page, textpage)
                assert mine is not None
                ref = ref_page.objects
                for kind in ("char", "line", "rect", "curve"):
                    a, b = ref.get(kind, []), mine.get(kind, [])
                    assert len(a) == len(b), (kind, i)
                    if kind == "char":
                        assert "".join(c["text"] for c in a) == "".join(c["text"] for c in b)
                    for oa, ob in zip(a, b):
                        for key in ("x0", "x1", "top", "bottom"):
                            assert abs(oa[key] - ob[key]) < 1e-3, (kind, i, key, oa, ob)
                textpage.close()
                page.close()
    finally:
        doc.close()


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_same_blocks_as_pdfminer(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_file(path)
    monkeypatch.setattr(pdf_reader, "page_objects", lambda page, textpage: None)
    slow = read_file(path)
    assert fast.blocks == slow.blocks
    assert fast.warnings == slow.warnings


def test_rotated_page_is_left_to_pdfminer() -> None:
    doc = pdfium.PdfDocument(str(TEXT_PDFS[1]))
    try:
        page = doc[1]
        page.set_rotation(90)
        textpage = page.get_textpage()
        assert page_objects(page, textpage) is None
    finally:
        doc.close()


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_table_text_and_outside_lines_as_pdfplumber(path: Path) -> None:
    """The reader's own cell text (chars by row band) and chars outside the tables are
    pdfplumber's Table.extract and outside_bbox(...).chars, exactly."""
    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            found = page.find_tables()
            bands = pdf_tables.CharBands(page.chars)
            outside_page = page
            for t in found:
                assert bands.extract(t) == t.extract()
                outside_page = outside_page.outside_bbox(t.bbox, strict=False)
            outside = pdf_tables.outside_chars(page.chars, [t.bbox for t in found])
            assert outside == outside_page.chars
            lines = outside_page.extract_text_lines(strip=True, return_chars=False)
            assert pdf_text.text_lines(outside) == [(ln["top"], ln["text"]) for ln in lines]


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_one_line_cell_text_as_pdfplumber(path: Path) -> None:
    """The reader's fast path for cells on one line (_one_line_text) gives pdfplumber's
    extract_text on every such cell of the fixtures' tables, and does serve most cells."""
    from pdfplumber.utils import extract_text

    cells = fast = 0
    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            for t in page.find_tables():
                for row in t.rows:
                    for cell in row.cells:
                        if cell is None:
                            continue
                        x0, top, x1, bottom = cell
                        chars = [c for c in page.chars
                                 if x0 <= (c["x0"] + c["x1"]) / 2 < x1
                                 and top <= (c["top"] + c["bottom"]) / 2 < bottom]
                        if not chars:
                            continue
                        cells += 1
                        got = pdf_text.one_line_text(chars)
                        if got is not None:
                            fast += 1
                            assert got == extract_text(chars), (cell, got)
    assert not cells or fast > cells / 2


def test_one_line_cell_text_on_made_up_lines() -> None:
    """Made-up runs of chars near the word extractor's edges (gaps and overlaps around
    x_tolerance, tops around y_tolerance, blanks, ligatures, unsorted x): the cell text is
    pdfplumber's extract_text, whichever path gives it."""
    import random

    from pdfplumber.utils import extract_text

    rng = random.Random(20240601)
    texts = ["中", "文", "1", "a", " ", "\u3000", "ﬁ", "ﬀ", ".", "—"]
    served = 0
    for _ in range(3000):
        chars, x = [], rng.uniform(0, 50)
        for _ in range(rng.randint(1, 12)):
            width = rng.choice([0.0, 2.5, 6.0, 10.5])
            gap = rng.choice([-3.0, -0.5, 0.0, 1.0, 2.9, 3.0, 3.1, 5.0, 20.0])
            top = 100 + rng.choice([0.0, 0.5, 1.5, 2.9, 3.0, 3.1, 6.0, -1.0])
            x = max(0.0, x + gap)
            chars.append({"text": rng.choice(texts), "x0": x, "x1": x + width, "top": top,
                          "bottom": top + 10.5, "doctop": top + 842, "upright": True})
            x += width
        if rng.random() < 0.3:
            rng.shuffle(chars)
        assert pdf_text.cell_text(chars) == extract_text(chars), chars
        got = pdf_text.one_line_text(chars)
        if got is not None:
            served += 1
            assert got == extract_text(chars), chars
    assert served > 500


@pytest.mark.parametrize("path", TEXT_PDFS + ["form"], ids=lambda p: getattr(p, "name", p))
def test_table_finder_as_pdfplumber(path: Path | str) -> None:
    """find_tables finds pdfplumber's tables, cell for cell and row for row, from
    pdfminer's objects and from pdfium's; its edges and intersections are pdfplumber's."""
    from pdfplumber.table import edges_to_intersections

    if path == "form":
        path = BytesIO(_in_a_form(TEXT_PDFS[1]))
    doc = pdfium.PdfDocument(path.getvalue() if isinstance(path, BytesIO) else str(path))
    try:
        with pdfplumber.open(path) as plumber:
            for i, page in enumerate(plumber.pages):
                ref = page.debug_tablefinder()
                edges = pdf_tables.page_edges(page.objects)
                assert [(e["x0"], e["top"], e["x1"], e["bottom"], e["orientation"]) for e in edges] \
                    == [(e["x0"], e["top"], e["x1"], e["bottom"], e["orientation"]) for e in page.edges]
                prefiltered = [e for e in page.edges if e["orientation"] == "v" and e["height"] >= 1] + \
                    [e for e in page.edges if e["orientation"] == "h" and e["width"] >= 1]
                merged = [e for e in pdf_tables.merge_edges(prefiltered)
                          if e["height" if e["orientation"] == "v" else "width"] >= 3]
                assert [pdf_tables._bbox(e) for e in merged] == [pdf_tables._bbox(e) for e in ref.edges]
                assert pdf_tables.edges_to_intersections(ref.edges).keys() == \
                    edges_to_intersections(ref.edges, 3, 3).keys()
                mine = pdf_tables.find_tables(page.objects)
                assert [t.cells for t in mine] == [t.cells for t in ref.tables]
                assert [t.bbox for t in mine] == [t.bbox for t in ref.tables]
                assert [[r.cells for r in t.rows] for t in mine] == \
                    [[r.cells for r in t.rows] for t in ref.tables]
                # from pdfium's objects: the same cells within float precision
                pdfium_page = doc[i]
                mine = pdf_tables.find_tables(page_objects(pdfium_page, pdfium_page.get_textpage()))
                assert _close([[r.cells for r in t.rows] for t in mine],
                              [[r.cells for r in t.rows] for t in ref.tables])
    finally:
        doc.close()


def test_cells_from_made_up_rulings() -> None:
    """_intersections_to_cells gives pdfplumber's intersections_to_cells on made-up grids
    with rulings missing, broken, shared, off by a tolerance, at -0.0 and 0.0."""
    import random

    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    rng = random.Random(7)
    for _ in range(400):
        xs = sorted(rng.sample([-0.0, 0.0, 10.0, 10.5, 20.0, 33.3, 50.0, 51.2, 80.0], 5))
        ys = sorted(rng.sample([0.0, 12.0, 12.8, 24.0, 40.0, 41.0, 60.0], 4))
        edges = []
        for _ in range(rng.randint(2, 14)):
            if rng.random() < 0.5:
                y = rng.choice(ys)
                a, b = sorted(rng.sample(xs, 2))
                edges.append({"x0": a, "x1": b, "top": y, "bottom": y, "orientation": "h"})
            else:
                x = rng.choice(xs)
                a, b = sorted(rng.sample(ys, 2))
                edges.append({"x0": x, "x1": x, "top": a, "bottom": b, "orientation": "v"})
        intersections = edges_to_intersections(edges, 1, 1)
        assert pdf_tables.intersections_to_cells(intersections) == \
            intersections_to_cells(intersections), edges


def _close(a, b) -> bool:
    """Nested lists of cells (tuples of numbers, or None) equal within 1e-3."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-3


def _made_up_chars(rng, n: int, upright: float = 1.0) -> list[dict]:
    """A run of chars near the word extractor's edges: gaps and overlaps around
    x_tolerance, tops around y_tolerance, blanks, ligatures, empty texts, rotated chars."""
    texts = ["中", "文", "1", "a", " ", "\u3000", "ﬁ", "ﬀ", ".", "—", ""]
    chars, x = [], rng.uniform(0, 50)
    for _ in range(n):
        width = rng.choice([0.0, 2.5, 6.0, 10.5])
        gap = rng.choice([-3.0, -0.5, 0.0, 1.0, 2.9, 3.0, 3.1, 5.0, 20.0])
        top = 100 + rng.choice([0.0, 0.5, 1.5, 2.9, 3.0, 3.1, 6.0, -1.0, 14.0, 30.0])
        x = max(0.0, x + gap)
        chars.append({"text": rng.choice(texts), "x0": x, "x1": x + width, "top": top,
                      "bottom": top + 10.5, "doctop": top + 842, "upright": rng.random() < upright})
        x += width
    if rng.random() < 0.3:
        rng.shuffle(chars)
    return chars


def test_words_and_lines_as_pdfplumber_on_made_up_chars() -> None:
    """extract_words, extract_text and text_lines give pdfplumber's extract_words,
    extract_text and chars_to_textmap(...).extract_text_lines(strip=True), on made-up
    chars upright and not, over one line and several."""
    import random

    from pdfplumber.utils import chars_to_textmap, extract_text, extract_words

    rng = random.Random(11)
    for _ in range(2000):
        chars = _made_up_chars(rng, rng.randint(1, 16), upright=rng.choice([1.0, 0.8, 0.0]))
        keys = ("text", "x0", "x1", "top", "bottom")
        assert [tuple(w[k] for k in keys) for w in pdf_text.extract_words(chars)] == \
            [tuple(w[k] for k in keys) for w in extract_words(chars)], chars
        assert pdf_text.extract_text(chars) == extract_text(chars), chars
        lines = chars_to_textmap(chars, layout_bbox=(0, 0, 600, 800), layout_width=600,
                                 layout_height=800).extract_text_lines(strip=True, return_chars=False)
        assert pdf_text.text_lines(chars) == [(ln["top"], ln["text"]) for ln in lines], chars


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_page_words_as_pdfplumber(path: Path) -> None:
    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            keys = ("text", "x0", "x1", "top", "bottom")
            assert [tuple(w[k] for k in keys) for w in pdf_text.extract_words(page.chars)] == \
                [tuple(w[k] for k in keys) for w in page.extract_words()]


def test_reading_a_text_pdf_does_not_import_pdfplumber() -> None:
    """pdfplumber (with pdfminer) takes longer to import than a folder of reports takes to
    read: it is imported only for a page pdfium's objects cannot stand for."""
    import subprocess
    import sys

    script = ("import sys; from gongkai.assets.report.parse import parse_file; "
              "r = parse_file(sys.argv[1]); assert r.cells, r.warnings; "
              "print(sorted(m for m in sys.modules if m.startswith(('pdfplumber', 'pdfminer'))))")
    for path in TEXT_PDFS:
        out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                             text=True, check=False)
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "[]", (path.name, out.stdout[:300])


def test_round4_is_round_for_single_precision_positions() -> None:
    """pdfium's positions are single precision: round4 gives round(v, 4) for them, ties
    (v * 10^4 exactly half-way, such as 1/32) included."""
    import random
    import struct

    from gongkai.assets.read.pdf_objects import round4

    rng = random.Random(3)
    values = [1 / 32, 3 / 32, -5 / 32, 0.0, -0.0, 841.89, 595.28, 1e-5, 16777216.0]
    values += [rng.uniform(-2000, 2000) for _ in range(100_000)]
    values += [rng.randrange(-20_000_000, 20_000_000) / 10_000 + rng.choice([0, 5e-5, -5e-5])
               for _ in range(100_000)]
    for v in values:
        single = struct.unpack("f", struct.pack("f", v))[0]
        assert round4(single) == round(single, 4), single
