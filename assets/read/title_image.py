"""A text PDF whose title is printed as a picture: the picture read by OCR, nothing else.

Some reports set their title (or a cover's 红头 and title) as an image, or as text turned into
curves, above a body that has a text layer: the text layer then names no title and the agency
is lost. When the first page's text names no title and its top holds an image or a cluster of
small vector shapes (glyphs as outlines), that region alone is rendered and read: one detector
and recogniser call on a crop, no table finding. A document whose first page has its title in
the text layer pays nothing.
"""

from __future__ import annotations

import logging
import re

import pypdfium2.raw as pdfium_c

from gongkai.assets.form.markers import TITLE_IN_HEADING
from gongkai.assets.read.document import Paragraph

log = logging.getLogger(__name__)

_TOP = 0.45  # share of the page from the top where a title is printed
_DPI = 150  # a title is printed large: 11 points are 23 pixels
_DET_MIN_SIDE = 736  # the detector scales an image's short side up to this: pad, do not scale
_MIN_GLYPHS = 8  # small vector shapes that make a line of outlined characters
_GLYPH_PT = 40.0  # a glyph outline is smaller than this either way (points)
_MIN_TEXT = 20  # characters: a page with fewer has no text layer and is read by OCR whole


def _has_title(text: str) -> bool:
    return bool(TITLE_IN_HEADING.search(re.sub(r"\s+", "", text)))


def _region(page) -> tuple[float, float, float, float] | None:
    """The box (PDF points, origin bottom left) of the images, or of the glyph-sized vector
    shapes, in the top of ``page``; None when there are none."""
    width, height = page.get_size()
    floor = height * (1 - _TOP)
    images, glyphs = [], []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH),
                                max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if top <= floor or right - left < 1 or top - bottom < 1:
            continue
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append((left, max(bottom, floor), right, top))
        elif right - left < _GLYPH_PT and top - bottom < _GLYPH_PT:
            glyphs.append((left, bottom, right, top))
    boxes = images or (glyphs if len(glyphs) >= _MIN_GLYPHS else [])
    if not boxes:
        return None
    return (max(0.0, min(b[0] for b in boxes)), max(0.0, min(b[1] for b in boxes)),
            min(width, max(b[2] for b in boxes)), min(height, max(b[3] for b in boxes)))


def pictured_title(page, text: str, page_no: int = 1) -> list[Paragraph]:
    """The lines of a title printed as a picture on ``page`` (a pypdfium2 page whose text layer
    reads ``text``), as paragraphs; [] when the text layer prints a title, when there is no
    picture in the page's top, or when OCR is not installed."""
    if len(re.sub(r"\s+", "", text)) < _MIN_TEXT or _has_title(text):
        return []
    box = _region(page)
    if box is None:
        return []
    from gongkai.assets.read.ocr_engine import ocr_missing, read_lines
    if ocr_missing():
        return []
    left, bottom, right, top = box
    width, height = page.get_size()
    scale = _DPI / 72
    pad = 6  # points: the ink of a glyph may overhang its box
    crop = (max(0, left - pad), max(0, bottom - pad), max(0, width - right - pad), max(0, height - top - pad))
    bitmap = page.render(scale=scale, grayscale=True, crop=crop)
    try:
        img = bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
    if img.height < _DET_MIN_SIDE:  # a strip: white below it, or the detector blows it up 5×
        from PIL import Image  # here, not at import: every `gongkai parse` would pay ~16 ms

        canvas = Image.new("L", (img.width, _DET_MIN_SIDE), 255)
        canvas.paste(img, (0, 0))
        img = canvas
    lines = read_lines(img)
    log.debug("page %d: title region %s read by OCR: %s", page_no, box, [ln.text for ln in lines])
    rows: list[list] = []
    for ln in lines:  # pieces on one baseline are one printed line
        if rows and abs(rows[-1][-1].cy - ln.cy) < 0.5 * (ln.y1 - ln.y0):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [Paragraph("".join(p.text for p in sorted(row, key=lambda p: p.x0)), page=page_no) for row in rows]
