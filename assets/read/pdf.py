"""PDF: text lines in order, ruled tables as grids, tables that cross pages joined.

Every page's text is read by pypdfium2 (~3 ms a page). The pages whose text holds table
labels are read as pdfplumber reads them, without pdfplumber: pdfium's chars and rules, in
pdfminer's geometry (`assets.read.pdf_objects`), go through pdfplumber's table finder and
text lines, done here (`assets.read.pdf_tables`, `assets.read.pdf_text`: the same results;
pdfplumber and pdfminer take longer to import than a folder of reports takes to read). A page
pdfium's objects cannot stand for (rotated, cropped, text not upright) has its objects read
by pdfplumber (pdfminer), imported then.
Pages with no text layer (a scan, 图片版) are read by OCR (`assets.read.ocr`, the PP-OCR model
of the rapidocr wheel); where it cannot load, the document is flagged ``needs_ocr``. A table page where the table finder
finds no ruled table is read by word positions (`assets.read.layout`): a borderless table.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from io import BytesIO
from typing import Any

import pypdfium2 as pdfium

from gongkai.assets.form.markers import (
    EVERY_TABLE,
    HEADER_ROW,
    TABLE_WORDS,
    count_words,
    drop_repeated_header,
    is_page_number,
    is_value_cell,
    row_has_values,
    row_text,
)
from gongkai.assets.read.document import Block, Document, Paragraph, Table, UnreadableDocument
from gongkai.assets.read.layout import Word, layout_blocks
from gongkai.assets.read.limits import MAX_PDF_PAGES
from gongkai.assets.read.pdf_fonts import install as _install_fonts
from gongkai.assets.read.pdf_objects import page_objects
from gongkai.assets.read.pdf_tables import CharBands, find_tables, outside_chars
from gongkai.assets.read.pdf_text import extract_words, text_lines
from gongkai.assets.read.title_image import pictured_title

log = logging.getLogger(__name__)
_install_fonts()  # pdfium never reads the machine's fonts: the same PDF reads the same everywhere

# Title fonts (方正小标宋 and the like) often map glyphs in their text layer to radicals: the
# page shows 人民 and 工作, the text says ⼈⺠ and ⼯作, and the title names no agency. Kangxi
# radicals and compatibility ideographs become the ideograph by NFKC; the simplified radicals
# of the supplement have no NFKC form and are listed.
_IDEOGRAPHS = str.maketrans({
    **{chr(c): unicodedata.normalize("NFKC", chr(c))
       for c in (*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA))},
    **dict(zip("⺟⺠⺩⻄⻅⻆⻉⻋⻓⻔⻘⻙⻚⻛⻜⻢⻥⻦⻧⻨⻩⻬⻮⻰⻳",
               "母民王西见角贝车长门青韦页风飞马鱼鸟卤麦黄齐齿龙龟")),
})
_NUMBER_LINE = re.compile(r"^(?:[-\d.,，]+\s+){2,}[-\d.,，]+$")
_NUMBERING = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]+[)）、.．]")
_MIN_TEXT_PER_PAGE = 20  # characters: fewer on every page means a scan


def read_pdf(data: bytes, source: str, title_hint: str | None = None) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own PdfiumError for damaged files
        raise UnreadableDocument(f"not a readable PDF: {exc}") from exc
    try:
        page_texts = []
        candidates: set[int] = set()  # pages whose text names table rows
        objects: dict[int, Objects | None] = {}  # their chars and rules, by pdfium
        n_pages = len(pdf)
        for i in range(min(n_pages, MAX_PDF_PAGES)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:
                raise UnreadableDocument(f"damaged PDF: page {i + 1} cannot be loaded ({exc})") from exc
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            page_texts.append(text)
            if i == 0:
                pictured = pictured_title(page, text)  # [] unless the title is a picture
            if _is_table_page(text, i - 1 in candidates):
                candidates.add(i)
                objects[i] = page_objects(page, textpage)
            textpage.close()
            page.close()
        meta_title = ((pdf.get_metadata_dict() or {}).get("Title") or "").translate(_IDEOGRAPHS)
        doc = Document(source=source, media="pdf", title_hint=title_hint or meta_title or None)
        if n_pages > MAX_PDF_PAGES:
            doc.warnings.append(f"only the first {MAX_PDF_PAGES} of {n_pages} pages read")
        if not page_texts:
            raise UnreadableDocument("the PDF has no pages")
        blank = [i for i, t in enumerate(page_texts) if len(_squash(t)) < _MIN_TEXT_PER_PAGE]
        skipped = _pages_not_worth_ocr(page_texts, blank)
        if skipped:
            doc.warnings.append("pages without a text layer not read, as the text layer holds "
                                f"every table: {[i + 1 for i in skipped]}")
            blank = [i for i in blank if i not in skipped]
        ocred = _ocr_pages(pdf, blank, doc)
    finally:
        pdf.close()
    if blank and len(ocred) < len(blank):
        doc.needs_ocr = True
        unread = [i + 1 for i in blank if i not in ocred]
        if len(blank) == len(page_texts) and not ocred:
            doc.warnings.append(
                f"no text layer on any of {len(page_texts)} pages (a scanned PDF): needs OCR"
                + (f" ({_ocr_missing_reason()})" if _ocr_missing_reason() else ""))
            return doc
        doc.warnings.append(f"pages without a text layer (not read): {unread}")

    blank += skipped
    table_pages = candidates - set(blank)
    plumbed: dict[int, list[Block]] = {}
    if table_pages:
        try:
            left = [i for i in table_pages if objects.get(i) is None]
            objects.update(_pdfminer_objects(data, left) if left else {})
            for i in sorted(table_pages):
                plumbed[i] = _read_table_page(objects[i], i + 1)
        except Exception as exc:  # noqa: BLE001 - pdfminer fails where pdfium reads: keep the text
            log.warning("%s: pdfplumber failed (%s); table pages read as text lines", source, exc)
            doc.warnings.append(f"tables not read as grids (pdfplumber: {type(exc).__name__})")
    for i, text in enumerate(page_texts):
        if i in ocred:
            doc.blocks.extend(ocred[i])
        elif i in plumbed:
            doc.blocks.extend(plumbed[i])
        elif i not in blank:
            doc.blocks.extend(_lines(text, i + 1))
    doc.blocks = join_tables_across_pages([_ideographs(b) for b in pictured + doc.blocks])
    log.debug("%s: %d pages, tables read on %s, OCR on %s", source, len(page_texts),
              sorted(table_pages), sorted(ocred))
    return doc


def _pages_not_worth_ocr(page_texts: list[str], blank: list[int]) -> list[int]:
    """The pages without a text layer that OCR would not add a cell to: all of them but the
    first page (a title may be printed there), when the text layer already prints every
    table, as a text report with a seal or signature page does. OCR of such a page costs
    seconds; one label worded otherwise than below only means the page is read."""
    if not blank:
        return []
    text = _squash("".join(t for i, t in enumerate(page_texts) if i not in blank))
    if all(any(m in text for m in alternatives) for alternatives in EVERY_TABLE):
        return [i for i in blank if i > 0]
    return []


def _ideographs(block: Block) -> Block:
    """The block with radicals put back as the ideographs they stand for."""
    if isinstance(block, Paragraph):
        return dataclasses.replace(block, text=block.text.translate(_IDEOGRAPHS))
    grid = tuple(tuple(c if c is None else c.translate(_IDEOGRAPHS) for c in row)
                 for row in block.grid)
    return dataclasses.replace(block, grid=grid)


def _ocr_missing_reason() -> str | None:
    from gongkai.assets.read.ocr_engine import ocr_missing
    return ocr_missing()


def _ocr_pages(pdf: pdfium.PdfDocument, pages: list[int], doc: Document) -> dict[int, list[Block]]:
    """OCR the pages without a text layer, when the OCR model is here; {} otherwise."""
    if not pages:
        return {}
    from gongkai.assets.read.ocr import ocr_page
    reason = _ocr_missing_reason()
    if reason:
        log.info("%s: %d pages need OCR: %s", doc.source, len(pages), reason)
        return {}
    out: dict[int, list[Block]] = {}
    for i in pages:
        page = pdf[i]
        try:
            blocks = ocr_page(page, i + 1, doc.warnings)
            if len(_squash("".join(_block_text(b) for b in blocks))) >= _MIN_TEXT_PER_PAGE:
                out[i] = blocks  # else: nothing legible on the page, it stays unread
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the document
            log.warning("%s: OCR of page %d failed: %s", doc.source, i + 1, exc)
            doc.warnings.append(f"OCR of page {i + 1} failed: {exc}")
        finally:
            page.close()
    if out:
        doc.warnings.append(f"pages read by OCR ({_model()}): {[i + 1 for i in sorted(out)]}")
    return out


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "".join(c or "" for row in block.grid for c in row)


def _model() -> str:
    from gongkai.assets.read.ocr_engine import MODEL
    return MODEL


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_table_page(text: str, after_table_page: bool) -> bool:
    if count_words(_squash(text), TABLE_WORDS):
        return True
    if after_table_page:
        # A continuation page of a table that began on the page before: rows of numbers
        # near its top.
        head = [ln for ln in text.splitlines() if ln.strip()][:8]
        return any(_NUMBER_LINE.search(ln.strip()) or re.search(r"\s\d+\s+\d+\s*$", ln)
                   for ln in head)
    return False


Objects = dict[str, list[dict[str, Any]]]  # a page's {"char", "line", "rect", "curve"}


def _pdfminer_objects(data: bytes, pages: list[int]) -> dict[int, Objects]:
    """The objects of pages pdfium's cannot stand for, as pdfplumber reads them."""
    import pdfplumber  # only here: its import (pdfminer's) costs more than most documents

    out = {}
    with pdfplumber.open(BytesIO(data)) as plumber:
        for i in pages:
            page = plumber.pages[i]
            try:
                out[i] = page.objects
            finally:
                page.close()
    return out


def _lines(text: str, page_no: int) -> list[Block]:
    out: list[Block] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if line and not is_page_number(line):
            out.append(Paragraph(line, page=page_no))
    return out


def _cell(text: str | None) -> str | None:
    if text is None:
        return None
    # A label wrapped inside its cell: Chinese joins without a space.
    lines = [ln.strip() for ln in text.split("\n")]
    return "".join(lines).strip()


def _read_table_page(objects: Objects, page_no: int) -> list[Block]:
    chars = objects.get("char", [])
    found = find_tables(objects)  # pdfplumber's page.find_tables()
    if not found:
        # No ruled table on a page whose text names table rows: a borderless table, read by
        # word positions (unless no table shows up that way either).
        words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in extract_words(chars)]
        blocks = layout_blocks(words, page_no)
        if any(isinstance(b, Table) and b.n_cols > 2 for b in blocks):
            return blocks
    items: list[tuple[float, Block | list[Block]]] = []
    bands = CharBands(chars) if found else None
    tables = []
    for t in found:
        grid = tuple(tuple(_cell(c) for c in row) for row in bands.extract(t))
        if not grid:
            continue
        tables.append(t.bbox)
        width = max(len(r) for r in grid)
        if width == 1:
            # A box drawn around prose (a boxed preamble): paragraphs, not a table.
            items.append((t.bbox[1], [Paragraph(r[0], page=page_no) for r in grid if r[0]]))
        else:
            items.append((t.bbox[1], Table(grid=grid, page=page_no, pages=(page_no,))))
    # pdfplumber's page.extract_text_lines on what is outside the tables
    for top, line in text_lines(outside_chars(chars, tables)):
        text = line.strip()
        if text and not is_page_number(text):
            items.append((top, Paragraph(text, page=page_no)))
    items.sort(key=lambda it: it[0])
    out: list[Block] = []
    for _, item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _first_numeric_col(row: tuple[str | None, ...]) -> int:
    for c, text in enumerate(row):
        if is_value_cell(text):
            return c
    return len(row)


def join_tables_across_pages(blocks: list[Block]) -> list[Block]:
    """Join a table cut by a page break with its continuation on the next page.

    Two tables are one when they follow each other with nothing but page furniture between,
    on consecutive pages, with the same number of columns. At the cut: a row split in two
    (one part without numbers) is glued back; a merged label cell cut in two ('（四）无' |
    '法提供') is joined into the cell it began in; empty label slots under a merged cell
    become covered slots.
    """
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            isinstance(block, Table)
            and isinstance(prev, Table)
            and prev.n_cols == block.n_cols
            and block.page is not None
            and prev.pages
            and block.page == prev.pages[-1] + 1
        ):
            out[-1] = _join(prev, block)
        else:
            out.append(block)
    return out


def _join(top: Table, bottom: Table) -> Table:
    rows = [list(r) for r in top.grid]
    cont = drop_repeated_header(top.grid, [list(r) for r in bottom.grid])
    if rows and cont:
        last, first = rows[-1], cont[0]
        if (not row_has_values(first) or not row_has_values(last)) and not (
                HEADER_ROW.search(row_text(last)) and row_has_values(first)):
            # One row cut in two: glue cell by cell (a header row ending the page is whole:
            # the row after the break is not its second half).
            rows[-1] = [
                None if a is None and b is None else (a or "") + (b or "")
                for a, b in zip(last, first)
            ]
            cont = cont[1:]
        else:
            label_cols = _first_numeric_col(tuple(first))
            for c in range(label_cols):
                text = first[c]
                owner = _owner_row(rows, c)
                if owner is None:
                    continue
                if text == "":
                    first[c] = None  # under a merged cell that continues on this page
                elif text and c < label_cols - 1 and not _NUMBERING.match(text):
                    # A category label (not the row's own, rightmost label) cut mid-word.
                    rows[owner][c] = (rows[owner][c] or "") + text
                    first[c] = None
    grid = tuple(tuple(r) for r in rows + cont)
    return Table(grid=grid, spans=dict(top.spans), page=top.page, pages=top.pages + (bottom.page,))


def _owner_row(rows: list[list[str | None]], col: int) -> int | None:
    """The row of the merged cell that covers the last row in this column, if any."""
    for r in range(len(rows) - 1, -1, -1):
        if col < len(rows[r]) and rows[r][col] is not None:
            return r
    return None
