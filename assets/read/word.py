"""Word documents: DOCX with python-docx; DOC/WPS through LibreOffice when it is installed.

python-docx repeats a merged cell (gridSpan, vMerge) in every grid slot it covers; we keep it
once, at its top-left slot, keyed on the underlying ``cell._tc``.
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
    from gongkai.assets.read.pdf import _drop_repeated_header

    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Table) and isinstance(prev, Table) and prev.n_cols == block.n_cols:
            rest = _drop_repeated_header(prev, [list(r) for r in block.grid])
            skipped = block.n_rows - len(rest)
            offset = prev.n_rows - skipped
            spans = dict(prev.spans)
            spans.update({(r + offset, c): v for (r, c), v in block.spans.items() if r >= skipped})
            out[-1] = Table(grid=prev.grid + tuple(tuple(r) for r in rest), spans=spans)
        else:
            out.append(block)
    return out


def read_docx_table(table: DocxTable) -> Table | None:
    raw: list[list] = []
    for row in table.rows:
        try:
            raw.append(list(row.cells))
        except (IndexError, ValueError):  # malformed grids: fall back to the row's own cells
            raw.append([c for c in row._tr.tc_lst])
    if not raw:
        return None
    n_cols = max(len(r) for r in raw)
    seen: dict[int, tuple[int, int]] = {}
    grid: list[list[str | None]] = []
    extent: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(raw):
        out_row: list[str | None] = []
        for c in range(n_cols):
            if c >= len(row):
                out_row.append("")
                continue
            cell = row[c]
            tc = getattr(cell, "_tc", cell)
            key = id(tc)
            if key in seen:
                r0, c0 = seen[key]
                ext = extent[(r0, c0)]
                ext[0], ext[1] = max(ext[0], r - r0 + 1), max(ext[1], c - c0 + 1)
                out_row.append(None)
                continue
            seen[key] = (r, c)
            extent[(r, c)] = [1, 1]
            out_row.append(_cell_text(cell))
        grid.append(out_row)
    spans = {k: (v[0], v[1]) for k, v in extent.items() if v != [1, 1]}
    return Table(grid=tuple(tuple(r) for r in grid), spans=spans)


def _cell_text(cell) -> str:
    paragraphs = getattr(cell, "paragraphs", None)
    if paragraphs is None:
        return ""
    # Paragraphs inside one cell are one label broken by hand (vertical headers): join tight.
    return "".join(p.text.replace("\n", "").strip() for p in paragraphs).strip()


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
