"""A PDF page's chars, lines, rects and curves read by pypdfium2, in pdfplumber's shapes.

pdfplumber reads a page by having pdfminer interpret its content stream in pure Python, which
is most of the time a PDF takes to read. pdfium interprets it in C: this module builds the
objects the table finder and text lines (`assets.read.pdf_tables`, `assets.read.pdf_text`,
pdfplumber's steps) use from pdfium's, following pdfminer's geometry, so that pdfminer never
runs on the page:

* a char's box is pdfminer's: from its origin, across its advance width (the font's /W or
  /Widths entry, which pdfium reports as the glyph width), from the font's descent to one em
  above it; chars come in the order of the content stream (pdfium's text page may reorder a
  line's chars: they are put back in the order of their text objects);
* paths follow pdfminer's rules: each subpath (from an ``m``) is painted apart; a subpath of
  one straight segment is a line; a closed axis-aligned four-sided subpath is a rect; anything
  else is a curve (its points are the segments' end points).

`page_objects` returns None for a page it cannot read this way (rotated, cropped, a mediabox
not at the origin, text not upright, invisible text, a char without a unicode mapping or a text object);
the caller lets pdfminer read that page. Each object keeps what those steps read of it: a
char its text, box (``x0``, ``x1``, and ``top``, ``bottom`` from the top of the page, as
pdfplumber flips them) and ``upright``; a line, rect or curve its box and points.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as R

Obj = dict[str, Any]

_FORM, _PATH, _TEXT = R.FPDF_PAGEOBJ_FORM, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_TEXT
_LINETO, _BEZIERTO, _MOVETO = R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO, R.FPDF_SEGMENT_MOVETO
_INVISIBLE = R.FPDF_TEXTRENDERMODE_INVISIBLE
_SUBPATH = re.compile(r"m[^m]+")
_MAX_FORM_DEPTH = 8
# pdfium works in single precision: positions are rounded back to the 4 decimals PDF writers
# print (pdfminer, in double precision, keeps them), so that ties break as they do there.
_DIGITS = 4


def _bare(fn, restype):
    """``fn`` (a pypdfium2.raw function) without its argtypes, which ctypes checks and
    converts on every call: that is half the cost of a call, and a table page makes five
    per char and four per path segment. Callers pass what C expects: handles as c_void_p,
    ints as int, floats as c_float, size_t as c_size_t, pointers by byref."""
    bare = ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)
    bare.argtypes = None
    return bare


_int, _void_p = ctypes.c_int, ctypes.c_void_p
# page objects; object and segment handles come back as addresses (int, or None for NULL)
_page_count_objects = _bare(R.FPDFPage_CountObjects, _int)
_page_get_object = _bare(R.FPDFPage_GetObject, _void_p)
_form_count_objects = _bare(R.FPDFFormObj_CountObjects, _int)
_form_get_object = _bare(R.FPDFFormObj_GetObject, _void_p)  # (form, c_ulong index)
_obj_get_type = _bare(R.FPDFPageObj_GetType, _int)
_obj_get_matrix = _bare(R.FPDFPageObj_GetMatrix, _int)
_text_render_mode = _bare(R.FPDFTextObj_GetTextRenderMode, _int)
_text_get_font = _bare(R.FPDFTextObj_GetFont, _void_p)
_path_count_segments = _bare(R.FPDFPath_CountSegments, _int)
_path_get_segment = _bare(R.FPDFPath_GetPathSegment, _void_p)
_segment_type = _bare(R.FPDFPathSegment_GetType, _int)
_segment_point = _bare(R.FPDFPathSegment_GetPoint, _int)
_segment_close = _bare(R.FPDFPathSegment_GetClose, _int)
# the text page's chars
_is_generated = _bare(R.FPDFText_IsGenerated, _int)
_map_error = _bare(R.FPDFText_HasUnicodeMapError, _int)
_get_text_object = _bare(R.FPDFText_GetTextObject, _void_p)
_get_origin = _bare(R.FPDFText_GetCharOrigin, _int)
_get_char_matrix = _bare(R.FPDFText_GetMatrix, _int)
_get_font_size = _bare(R.FPDFText_GetFontSize, ctypes.c_double)
# fonts
_font_descent = _bare(R.FPDFFont_GetDescent, _int)  # (font, c_float size, byref c_float)
_glyph_width = _bare(R.FPDFFont_GetGlyphWidth, _int)  # (font, code, c_float size, byref)


class Unsupported(Exception):
    """The page holds something this module does not read as pdfminer would."""


def page_objects(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> dict[str, list[Obj]] | None:
    """The page's chars, lines, rects and curves as pdfminer would see them ({"char",
    "line", "rect", "curve"} lists of dicts), or None when the page needs pdfminer."""
    try:
        return _read(page, textpage)
    except Unsupported:
        return None


def _read(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> dict[str, list[Obj]]:
    if R.FPDFPage_GetRotation(page) != 0:
        raise Unsupported("rotated page")
    box = page.get_mediabox()
    if box[0] != 0 or box[1] != 0:
        raise Unsupported("mediabox not at the origin")
    if page.get_cropbox() != box:
        raise Unsupported("cropped page")
    height = round(box[3], _DIGITS)  # pdfminer's, as the PDF prints it
    ctx = _Context(height)
    order: dict[int, int] = {}  # text object (address) -> its place in the content stream
    handle = _void_p(ctypes.cast(page.raw, _void_p).value)
    _walk(_page_count_objects(handle), lambda i: _page_get_object(handle, i),
          (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), ctx, order, 0)
    return {"char": _chars(textpage, order, height), **ctx.objects}


class _Context:
    def __init__(self, height: float) -> None:
        self.height = height  # objects are flipped to pdfplumber's top and bottom
        self.objects: dict[str, list[Obj]] = {"line": [], "rect": [], "curve": []}
        self.n_text = 0


def _walk(count: int, get, ctm: tuple[float, ...], ctx: _Context, order: dict[int, int],
          depth: int) -> None:
    """The objects get(0) .. get(count - 1) (addresses), forms walked into."""
    if depth > _MAX_FORM_DEPTH:
        raise Unsupported("forms nested too deep")
    matrix = R.FS_MATRIX()
    p_matrix = ctypes.byref(matrix)
    for i in range(count):
        address = get(i)
        obj = _void_p(address)
        kind = _obj_get_type(obj)
        if kind == _TEXT:
            if _text_render_mode(obj) == _INVISIBLE:
                raise Unsupported("invisible text")  # pdfminer reads it, pdfium does not
            order[address or 0] = ctx.n_text
            ctx.n_text += 1
        elif kind == _PATH:
            if not _obj_get_matrix(obj, p_matrix):
                raise Unsupported("path without a matrix")
            m = _mult((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), ctm)
            _path(obj, m, ctx)
        elif kind == _FORM:
            if not _obj_get_matrix(obj, p_matrix):
                raise Unsupported("form without a matrix")
            m = _mult((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), ctm)
            _walk(_form_count_objects(obj),
                  lambda j, f=obj: _form_get_object(f, ctypes.c_ulong(j)),
                  m, ctx, order, depth + 1)


def _mult(m1: tuple[float, ...], m0: tuple[float, ...]) -> tuple[float, ...]:
    """m1 then m0 (pdfminer's mult_matrix)."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _path(obj: ctypes.c_void_p, m: tuple[float, ...], ctx: _Context) -> None:
    n = _path_count_segments(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    p_x, p_y = ctypes.byref(x), ctypes.byref(y)
    # pdfminer's path: ("m", x, y), ("l", x, y), ("c", x1, y1, x2, y2, x3, y3), ("h",)
    path: list[tuple] = []
    start: tuple[float, float] | None = None
    bezier: list[float] = []
    for i in range(n):
        seg = _void_p(_path_get_segment(obj, i))
        kind = _segment_type(seg)
        if not _segment_point(seg, p_x, p_y):
            raise Unsupported("path segment without a point")
        px, py = _apply(m, x.value, y.value)
        px, py = round(px, _DIGITS), round(py, _DIGITS)
        if kind == _MOVETO:
            if bezier:
                raise Unsupported("broken curve")
            path.append(("m", px, py))
            start = (px, py)
        elif kind == _LINETO:
            if bezier:
                raise Unsupported("broken curve")
            path.append(("l", px, py))
        elif kind == _BEZIERTO:
            bezier += [px, py]
            if len(bezier) == 6:
                path.append(("c", *bezier))
                bezier = []
        else:
            raise Unsupported("unknown path segment")
        if _segment_close(seg) and not bezier:
            if start is None:
                raise Unsupported("closing a path never begun")
            path.append(("h",))
    if bezier:
        raise Unsupported("broken curve")
    _paint(path, ctx)


def _paint(path: list[tuple], ctx: _Context) -> None:
    """pdfminer's PDFLayoutAnalyzer.paint_path, on a path already in page space (the table
    finder needs no more of a path than its points: not its stroke, fill or width)."""
    shape = "".join(seg[0] for seg in path)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        for sub in _SUBPATH.finditer(shape):
            _paint(path[sub.start(0):sub.end(0)], ctx)
        return
    pts = [seg[-2:] if seg[0] != "h" else path[0][-2:] for seg in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        ctx.objects["line"].append(_curve("line", [pts[0], pts[1]], ctx.height))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            (ax, ay), (bx, by) = pts[0], pts[2]
            ctx.objects["rect"].append(
                _curve("rect", [(ax, ay), (bx, ay), (bx, by), (ax, by)], ctx.height))
            return
    ctx.objects["curve"].append(_curve("curve", pts, ctx.height))


def _curve(kind: str, pts: list[tuple[float, float]], height: float) -> Obj:
    """A line, rect or curve as pdfplumber has it: its box in PDF space (y0, y1) and from
    the top of the page (top, bottom), its points from the top."""
    x0 = min(p[0] for p in pts)
    x1 = max(p[0] for p in pts)
    y0 = min(p[1] for p in pts)
    y1 = max(p[1] for p in pts)
    return {"object_type": kind, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0,
            "height": y1 - y0, "top": height - y1, "bottom": height - y0,
            "pts": [(x, height - y) for x, y in pts]}


def round4(v: float) -> float:
    """``round(v, 4)`` for a single-precision value (pdfium's positions), faster: v * 10^4 is
    exact in double precision (24 + 14 bits), so rounding it to an integer (half to even,
    as round does on the exact decimal) and dividing back gives round's result."""
    return round(v * 1e4) / 1e4


def _unicodes(textpage: pdfium.PdfTextPage, n: int) -> Sequence[int]:
    """Each char's unicode, as FPDFText_GetUnicode gives it: from one FPDFText_GetText call
    (one UTF-16 unit per char, in the chars' order), or char by char where the text is not
    one unit a char (a char beyond the BMP takes two)."""
    buf = ctypes.create_string_buffer((n + 1) * 2)
    written = R.FPDFText_GetText(textpage.raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    try:
        text = buf.raw[: 2 * n].decode("utf-16-le") if written == n + 1 else ""
    except UnicodeDecodeError:  # a lone surrogate
        text = ""
    if len(text) == n:  # a surrogate pair would have made it shorter
        return [*map(ord, text)]
    return [R.FPDFText_GetUnicode(textpage.raw, i) for i in range(n)]


def _chars(textpage: pdfium.PdfTextPage, order: dict[int, int], height: float) -> list[Obj]:
    """The chars as pdfplumber has them (text, x0, x1, top, bottom, upright), in the order
    of the content stream."""
    n = R.FPDFText_CountChars(textpage.raw)
    if n < 0:
        raise Unsupported("no text page")
    handle = _void_p(ctypes.cast(textpage.raw, _void_p).value)
    codes = _unicodes(textpage, n)  # one call for the page, not one a char
    ox, oy = ctypes.c_double(), ctypes.c_double()
    p_ox, p_oy = ctypes.byref(ox), ctypes.byref(oy)
    # what a text object's chars share (`_TextObject`), and its chars, by its address
    shared: dict[int, _TextObject] = {}
    fonts: dict[tuple[int, float], _Font] = {}
    last_key, obj = None, None
    for i in range(n):
        key = _get_text_object(handle, i)
        if not key:  # pdfium's own spaces and line breaks belong to no text object
            if _is_generated(handle, i):
                continue
            raise Unsupported("a char without its text object")
        if _map_error(handle, i):
            raise Unsupported("a char without a unicode mapping")  # pdfminer: "(cid:n)"
        code = codes[i]
        if key != last_key:  # a text object's chars come in a run, mostly
            obj = shared.get(key)
            if obj is None:
                obj = shared[key] = _TextObject(handle, i, key, order, fonts)
            last_key = key
        adv = obj.widths.get(code)
        if adv is None:
            adv = obj.font.width(code)
        if not _get_origin(handle, i, p_ox, p_oy):
            raise Unsupported("a char without a position")
        # pdfminer: the box (0, descent) .. (adv, descent + size) through the char's matrix
        x0 = round4(ox.value)
        x1 = x0 + obj.a * adv
        if x1 < x0:
            x0, x1 = x1, x0
        box = obj.boxes.get(oy.value)  # top and bottom: the same for a line's chars
        if box is None:
            y = round4(oy.value)
            y0, y1 = round(y + obj.low, _DIGITS), round(y + obj.high, _DIGITS)
            if y1 < y0:
                y0, y1 = y1, y0
            box = obj.boxes[oy.value] = (height - y1, height - y0)
        obj.chars.append({"text": chr(code), "x0": x0, "x1": x1, "top": box[0],
                          "bottom": box[1], "upright": True})
    # in the order of their text objects, each object's chars in the text page's order
    out: list[Obj] = []
    for obj in sorted(shared.values(), key=_PLACE):
        out += obj.chars
    return out


class _TextObject:
    """What the chars of one text object share: its place in the content stream, the a of
    its matrix, its font (glyph widths) and the heights of its chars' boxes above their
    origin; and its chars."""

    __slots__ = ("a", "boxes", "chars", "font", "high", "low", "place", "widths")

    def __init__(self, handle: ctypes.c_void_p, i: int, key: int, order: dict[int, int],
                 fonts: dict[tuple[int, float], _Font]) -> None:
        """The text object (at address key) of char i."""
        place = order.get(key) if key else None
        if place is None:
            raise Unsupported("a char without its text object")
        fm = _CHAR_MATRIX
        if not _get_char_matrix(handle, i, _P_CHAR_MATRIX):
            raise Unsupported("a char without a matrix")
        if not (fm.a * fm.d > 0 and fm.b == 0 and fm.c == 0):
            raise Unsupported("text not upright")
        size = _get_font_size(handle, i)
        address = _text_get_font(_void_p(key))
        if not address:
            raise Unsupported("a char without a font")
        font = fonts.get((address, size))
        if font is None:
            font = fonts[(address, size)] = _Font(address, size)
        self.place, self.a = place, fm.a
        self.font, self.widths = font, font.widths
        self.low, self.high = fm.d * font.descent, fm.d * (font.descent + size)
        self.chars: list[Obj] = []
        self.boxes: dict[float, tuple[float, float]] = {}  # top, bottom by the origin's y


_CHAR_MATRIX = R.FS_MATRIX()  # filled by each _TextObject in turn
_P_CHAR_MATRIX = ctypes.byref(_CHAR_MATRIX)


def _PLACE(obj: _TextObject) -> int:
    return obj.place


class _Font:
    """A font at one size, as the page's chars need it: descent and glyph widths,
    asked of pdfium once each. Text objects are short (a few chars each: 13,000 of them for
    50,000 chars over the corpus) and share a handful of fonts, so these are kept per font
    and size for the page. `_chars` keys them by the font handle's address, which stays
    valid only while the page is open: they are not kept past the page."""

    def __init__(self, address: int, size: float) -> None:
        self.handle = _void_p(address)
        self.size = ctypes.c_float(size)
        desc = ctypes.c_float()
        if not _font_descent(self.handle, self.size, ctypes.byref(desc)):
            raise Unsupported("a char without a font")
        self.descent = float(desc.value)
        self.widths: dict[int, float] = {}
        self._width = ctypes.c_float()
        self._p_width = ctypes.byref(self._width)

    def width(self, code: int) -> float:
        """The glyph's advance width (pdfium's FPDFFont_GetGlyphWidth), remembered."""
        if not _glyph_width(self.handle, code, self.size, self._p_width):  # code: a C int
            raise Unsupported("a glyph without a width")
        adv = self.widths[code] = float(self._width.value)
        return adv
