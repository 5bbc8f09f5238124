"""Word documents: DOCX with python-docx; DOC/WPS through LibreOffice when it is installed.

Tables are read from their XML (python-docx's ``row.cells`` raises on a vMerge continuation
at a table's top, which Word's 拆分表格 leaves): a merged cell (gridSpan, vMerge) is kept
once, at its top-left slot.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from gongkai.assets.form.markers import drop_repeated_header
from gongkai.assets.read.document import Block, Document, Paragraph, Table, UnreadableDocument

log = logging.getLogger(__name__)

SOFFICE_TIMEOUT_S = 120


def read_docx(data: bytes, source: str, title_hint: str | None = None) -> Document:
    try:
        word = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for broken packages
        raise UnreadableDocument(f"not a readable DOCX: {exc}") from exc
    blocks: list[Block] = []
    _walk_body(word.element.body, word, blocks)
    blocks = join_split_tables(blocks)
    core_title = (word.core_properties.title or "").strip() or None
    return Document(source=source, media="docx", blocks=blocks, title_hint=title_hint or core_title)


def _walk_body(element, parent, blocks: list[Block]) -> None:
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            text = DocxParagraph(child, parent).text.strip()
            if text:
                blocks.append(Paragraph(text))
        elif child.tag == qn("w:tbl"):
            table = read_docx_table(DocxTable(child, parent))
            if table is not None:
                blocks.append(table)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            # Content controls wrap ordinary body content.
            _walk_body(child, parent, blocks)


def join_split_tables(blocks: list[Block]) -> list[Block]:
    """One table split in two (Word's 拆分表格, or a page-break workaround): two tables with
    nothing but empty paragraphs between them and the same number of columns are one. Header
    rows the second part repeats are dropped; its spans move down with its rows."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Table) and isinstance(prev, Table) and prev.n_cols == block.n_cols:
            rest = drop_repeated_header(prev.grid, [list(r) for r in block.grid])
            skipped = block.n_rows - len(rest)
            offset = prev.n_rows - skipped
            spans = dict(prev.spans)
            spans.update({(r + offset, c): v for (r, c), v in block.spans.items() if r >= skipped})
            out[-1] = Table(grid=prev.grid + tuple(tuple(r) for r in rest), spans=spans)
        else:
            out.append(block)
    return out


def read_docx_table(table: DocxTable) -> Table | None:
    """The table's grid from its XML: each cell at its grid column (after the row's
    gridBefore), a gridSpan covering the slots to its right, a vMerge continuation covering
    the slot below the cell it continues. A continuation with nothing above it (the top of
    the second part of a table Word split in two) is a cell of its own."""
    grid: list[list[str | None]] = []
    extent: dict[tuple[int, int], list[int]] = {}
    open_merges: dict[int, tuple[int, int]] = {}  # grid column → top-left of its vMerge
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[str | None] = [""] * tr.grid_before
        for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc"):
            c, span = len(row), max(1, tc.grid_span)
            merge = tc.vMerge
            top = open_merges.get(c) if merge == "continue" else None
            if top is not None and extent[top][1] == span:
                ext = extent[top]
                ext[0] = r - top[0] + 1
                row.extend([None] * span)
                continue
            row.append(_cell_text(tc))
            row.extend([None] * (span - 1))
            extent[(r, c)] = [1, span]
            if merge is not None:  # restart (or a continuation starting afresh)
                open_merges[c] = (r, c)
            else:
                open_merges.pop(c, None)
        grid.append(row)
    if not grid:
        return None
    n_cols = max(len(row) for row in grid)
    spans = {k: (v[0], v[1]) for k, v in extent.items() if v != [1, 1]}
    return Table(grid=tuple(tuple(row) + ("",) * (n_cols - len(row)) for row in grid),
                 spans=spans)


def _cell_text(tc) -> str:
    paragraphs = tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p")
    # Paragraphs inside one cell are one label broken by hand (vertical headers): join tight.
    return "".join(DocxParagraph(p, None).text.replace("\n", "").strip()
                   for p in paragraphs).strip()


def read_doc(data: bytes, source: str, title_hint: str | None = None) -> Document:
    """.doc / .wps (OLE2): convert to DOCX with LibreOffice headless, then read that."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableDocument("LibreOffice (soffice) is not installed; cannot read .doc")
    with tempfile.TemporaryDirectory(prefix="gongkai_lo_") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"
        src.write_bytes(data)
        profile = (tmpdir / "profile").as_uri()  # one profile per call: parallel calls collide
        cmd = [
            soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", str(tmpdir / "out"), str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=SOFFICE_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(f"LibreOffice timed out converting .doc after {SOFFICE_TIMEOUT_S}s") from exc
        out = tmpdir / "out" / "input.docx"
        if proc.returncode != 0 or not out.exists():
            err = proc.stderr.decode("utf-8", "replace").strip()[:300]
            raise UnreadableDocument(f"LibreOffice could not convert the .doc (rc={proc.returncode}): {err}")
        doc = read_docx(out.read_bytes(), source, title_hint)
    doc.media = "doc"
    return doc
