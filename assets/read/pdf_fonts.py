"""pdfium reads a PDF the same way on every machine: it never looks at the installed fonts.

A PDF that does not embed its fonts (many published reports name 宋体 or STSong-Light and
leave the font to the reader) is drawn by pdfium with a font it finds on the machine. What
pdfium's text page keeps of such a page depends on that font's glyph boxes: a text object
whose glyphs the found font lacks has an empty box, and pdfium then drops it as a duplicate
of an earlier one (the 业 of a label wrapped as 商业企/业 is lost), or breaks lines
elsewhere. So the same bytes gave other text on a machine without fonts-noto-cjk.

`install` hands pdfium a font source of our own (FPDF_SetSystemFontInfo): for a Chinese,
Japanese or Korean font the PDF does not embed it gets one font, made here, whose every
character is a blank glyph one em wide from the descent to the ascent, which is what
pdfium's text page needs of it (the advance widths come from the PDF's own /W and /DW, as
before); for any other font it gets nothing and uses the fonts built into pdfium. No system
font is ever read, so the text does not depend on the machine.
"""

from __future__ import annotations

import ctypes
import struct

import pypdfium2.raw as R

# pdfium's charsets (FXFONT_*_CHARSET) of the scripts whose fonts are mapped to ours
_CJK_CHARSETS = frozenset({R.FXFONT_SHIFTJIS_CHARSET, R.FXFONT_HANGEUL_CHARSET,
                           R.FXFONT_GB2312_CHARSET, R.FXFONT_CHINESEBIG5_CHARSET})
_UNITS = 1000
_ASCENT, _DESCENT = 880, -120
# OS/2 ulCodePageRange1 bits: 17 Japanese, 18 simplified Chinese, 19 Korean, 20 traditional
_CJK_CODEPAGES = (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20)


def metrics_font(family: str = "gongkai metrics", box: tuple[int, int, int, int] = (
        0, _DESCENT, _UNITS, _ASCENT), codepages: int = 0) -> bytes:
    """A TrueType font of two glyphs: .notdef, and one that every character from U+0020 up
    maps to (cmap format 13). The glyph draws nothing (a contour of two points, no area) but
    has the bounding box ``box`` (xMin, yMin, xMax, yMax, in 1/1000 em) and advances one em.
    ``codepages`` sets the OS/2 code page bits by which a system font scanner tells a CJK font."""
    x0, y0, x1, y1 = box
    # glyph 1: one contour, two on-curve points at opposite corners of the box
    glyph = struct.pack(">hhhhhHHBBhhhh", 1, x0, y0, x1, y1, 1, 0, 1, 1,
                        x0, x1 - x0, y0, y1 - y0)
    glyph += b"\0" * (len(glyph) % 2)
    tables = {
        b"OS/2": struct.pack(
            ">HhHHHhhhhhhhhhhh10s4I4sHHHhhhHHII", 1, _UNITS, 400, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, b"\0" * 10, 0, 0, 0, 0, b"none", 0, 0x20, 0xFFFF, _ASCENT, _DESCENT, 0,
            _ASCENT, -_DESCENT, codepages, 0),
        b"cmap": struct.pack(">HHHHIHHIIIIII", 0, 1, 3, 10, 12, 13, 0, 28, 0, 1,
                             0x20, 0x10FFFF, 1),
        b"glyf": glyph,
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x10000, 0x10000, 0, 0x5F0F3CF5, 0x000B,
                             _UNITS, 0, 0, x0, y0, x1, y1, 0, 8, 2, 0, 0),
        b"hhea": struct.pack(">IhhhHhhhhhhhhhhhH", 0x10000, _ASCENT, _DESCENT, 0, _UNITS, 0,
                             0, x1, 1, 0, 0, 0, 0, 0, 0, 0, 2),
        b"hmtx": struct.pack(">HhHh", _UNITS, 0, _UNITS, x0),
        b"loca": struct.pack(">HHH", 0, 0, len(glyph) // 2),
        b"maxp": struct.pack(">IHHHHHHHHHHHHHH", 0x10000, 2, 2, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0,
                             0, 0),
        b"name": _name_table(family),
        b"post": struct.pack(">IIhhIIIII", 0x30000, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    head = struct.pack(">IHHHH", 0x10000, len(tables), 128, 3, len(tables) * 16 - 128)
    offset = len(head) + 16 * len(tables)
    directory, body = b"", b""
    for tag in sorted(tables):
        data = tables[tag]
        directory += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return head + directory + body


def _name_table(family: str) -> bytes:
    """Family (1), style (2) and full name (4), as Macintosh Roman records (plain ASCII)."""
    names = [(1, family), (2, "Regular"), (4, family)]
    strings = b""
    records = b""
    for name_id, text in names:
        raw = text.encode("ascii")
        records += struct.pack(">HHHHHH", 1, 0, 0, name_id, len(raw), len(strings))
        strings += raw
    return struct.pack(">HHH", 0, len(names), 6 + len(records)) + records + strings


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


class _FontSource:
    """The FPDF_SYSFONTINFO pdfium asks for fonts a PDF does not embed (version 1)."""

    _HANDLE = 1  # the one font there is; pdfium only needs a non-NULL handle

    def __init__(self) -> None:
        self.data = metrics_font()
        self._name = b"gongkai metrics"
        info = R.FPDF_SYSFONTINFO()
        info.version = 1
        fields = dict(R.FPDF_SYSFONTINFO._fields_)
        # the callbacks are kept on self: pdfium holds pointers to them for the process's life
        self._callbacks = {
            "Release": fields["Release"](lambda this: None),
            "EnumFonts": fields["EnumFonts"](lambda this, mapper: None),
            "MapFont": fields["MapFont"](self._map_font),
            "GetFont": fields["GetFont"](lambda this, face: None),
            "GetFontData": fields["GetFontData"](self._font_data),
            "GetFaceName": fields["GetFaceName"](self._face_name),
            "GetFontCharset": fields["GetFontCharset"](lambda this, font: R.FXFONT_GB2312_CHARSET),
            "DeleteFont": fields["DeleteFont"](lambda this, font: None),
        }
        for name, fn in self._callbacks.items():
            setattr(info, name, fn)
        self.info = info

    def _map_font(self, this, weight, italic, charset, pitch_family, face, exact):
        # None: pdfium falls back to the fonts compiled into it (Latin scripts and symbols)
        return self._HANDLE if charset in _CJK_CHARSETS else None

    def _font_data(self, this, font, table, buffer, size):
        if table != 0:  # a single table (or 'ttcf', a collection): ours is a whole font
            return 0
        if buffer and size >= len(self.data):
            ctypes.memmove(buffer, self.data, len(self.data))
        return len(self.data)

    def _face_name(self, this, font, buffer, size):
        name = self._name + b"\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)


_installed: _FontSource | None = None


def install() -> None:
    """Make pdfium take fonts a PDF does not embed from `_FontSource`, once per process,
    before a document is opened (pdfium keeps the fonts it has mapped)."""
    global _installed
    if _installed is None:
        _installed = _FontSource()
        R.FPDF_SetSystemFontInfo(ctypes.byref(_installed.info))
