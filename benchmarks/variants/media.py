"""A generated report in a medium: the bytes of the file and the layout choices drawn for it.

The demo's renderers print the tables (render_html, render_docx, render_pdf, with the options
they take); this module draws those options from the seed and adds what the demo has no use for:
the portal page's charset, text flattenings, a Word 97 .doc through LibreOffice, a seal page and
scans (scan.py).
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from benchmarks.variants.flat import flatten, style_for
from benchmarks.variants.heading import Head, head_blocks, head_grid, pdf_head
from benchmarks.variants.scan import NoCJKFont, scan
from benchmarks.variants.truth import Truth
from gongkai.demo import portals
from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import Grid
from gongkai.demo.render_docx import render_docx
from gongkai.demo.render_html import report_body
from gongkai.demo.render_pdf import render_pdf

TEXT_MEDIA = ("html", "txt", "docx", "doc", "pdf")
MEDIA = TEXT_MEDIA + ("scan",)
EXTENSION = {"html": "html", "txt": "txt", "docx": "docx", "doc": "doc", "pdf": "pdf", "scan": "pdf"}


class Unavailable(Exception):
    """The medium needs a tool this machine lacks (LibreOffice for .doc, a CJK font for scans);
    the message says which."""


def dressed(doc: ReportDoc, head: Head, tables: list[Grid], pdf: bool) -> tuple[ReportDoc, list[Grid]]:
    """The report with its head: block media print the head's lines as blocks (a running head as
    the first line: they have no pages), a PDF keeps one title block for `pdf_head`; the closing
    lines end every medium. The document's title is what its metadata says."""
    blocks = list(doc.blocks)
    if not pdf:
        top = [("p", head.running_head)] if head.running_head else []
        blocks = top + head_blocks(head) + blocks[1:]
        tables = tables + [head_grid(head)] if head.in_table else tables
    blocks += [("p", t) for t in head.closing]
    return replace(doc, title=head.metadata_title, blocks=blocks), tables


def _html(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    doc, tables = dressed(truth.doc, head, tables, pdf=False)
    style = rng.choice(["word", "word", "plain"])
    body = report_body(doc, style, rng, tables=tables)
    date = f"{doc.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
    # The portal's own title: the report's, shortened, or what the editor left
    page_title = head.metadata_title or head.title[head.title.find("政府信息公开"):]
    # bytes, declared charset: honest UTF-8 or GBK, and the lies portals tell
    encoding, declared = rng.choices([("utf-8", "utf-8"), ("gb18030", "gbk"), ("gb18030", "utf-8"),
                                      ("utf-8", "gbk")], (55, 30, 8, 7))[0]
    if rng.random() < 0.5:
        page = portals.city_article(page_title, date, doc.agency, body, declared, f"{rng.randint(10**8, 10**9)}")
    else:
        page = portals.county_article(page_title, date, doc.agency, body)
        if declared == "gbk":
            page = page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" '
                                                         'content="text/html; charset=gbk">')
    return page.encode(encoding), [f"html_{style}", f"bytes_{encoding}", f"declared_{declared}"]


def _txt(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    doc, tables = dressed(truth.doc, head, tables, pdf=False)
    style = style_for(doc, rng)
    return flatten(doc, tables, style, rng).encode("utf-8"), [f"txt_{style}"]


def _docx_bytes(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    layout = []
    doc, tables = dressed(truth.doc, head, tables, pdf=False)
    if rng.random() < 0.3:  # tall label cells typed one character per line
        doc = replace(doc, quirks=doc.quirks + ["vertical_labels"])
        layout.append("vertical_header_text")
    split = None
    repeat = False
    if rng.random() < 0.3:  # t3 split into two tables somewhere in its result rows
        t3 = next(g for g in tables if g.table_id == "t3")
        split = rng.randint(t3.header_rows + 2, len(t3.rows) - 1)
        repeat = rng.random() < 0.5
        layout += ["t3_split_in_two"] + (["header_repeated"] if repeat else [])
    return render_docx(doc, rng, tables=tables, split_t3_at=split, repeat_header=repeat), layout


def _doc(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Unavailable("LibreOffice (soffice) is not installed: no .doc can be made here")
    data, layout = _docx_bytes(truth, tables, rng, head)
    with tempfile.TemporaryDirectory(prefix="variants_lo_") as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "doc", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        return (Path(tmp) / "in.doc").read_bytes(), layout + ["word97"]


def seal_image(rng: random.Random) -> Image.Image:
    """A red round seal (a ring, a star, an arc of strokes): an image with no text layer."""
    size = 600
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    red = (220, rng.randint(20, 60), rng.randint(20, 60))
    d.ellipse((20, 20, size - 20, size - 20), outline=red, width=18)
    cx = cy = size / 2
    star = [(cx + r * math.sin(a * math.pi / 5), cy - r * math.cos(a * math.pi / 5))
            for a, r in ((i, 90 if i % 2 == 0 else 36) for i in range(10))]
    d.polygon(star, fill=red)
    for i in range(14):  # the seal's ring of characters, as blurred strokes
        a = math.pi * (0.8 + 1.4 * i / 13)
        x, y = cx + 210 * math.cos(a), cy + 210 * math.sin(a)
        d.rectangle((x - 16, y - 16, x + 16, y + 16), fill=red)
    return img.filter(ImageFilter.GaussianBlur(1.5))


def _pdf_options(tables: list[Grid], rng: random.Random, scan: bool, head: Head) -> tuple[dict, list[str]]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image as PdfImage

    layout = []
    ruled = scan or rng.random() < 0.7
    layout.append("ruled" if ruled else "borderless")
    mode, repeat = rng.choice(["cut", "repeat"]), rng.random() < 0.5
    layout += ["t3_crosses_pages", "label_cut_in_two" if mode == "cut" else "label_repeated"]
    layout += ["header_repeated"] if repeat else []
    options = {"tables": tables, "ruled": ruled, "t3_break": (mode, repeat)}
    if rng.random() < 0.3:  # narrow label columns: every long label wraps over 2–4 lines
        options["widths"] = {"t3": [28, 40, 96] + [45.5] * 7}
        layout.append("narrow_labels")
    options["head"], drawn = pdf_head(head)
    options["page_head"] = head.running_head
    layout += drawn
    if not scan and rng.random() < 0.25:
        buf = io.BytesIO()
        seal_image(rng).save(buf, "PNG")
        buf.seek(0)
        options["last_pages"] = [PdfImage(buf, width=60 * mm, height=60 * mm)]
        layout.append("seal_page")
    if not scan:
        layout.append("cjk_font_not_embedded")  # STSong-Light: reportlab never embeds it
    return options, layout


def _pdf(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    options, layout = _pdf_options(tables, rng, scan=False, head=head)
    doc, _ = dressed(truth.doc, head, tables, pdf=True)
    return render_pdf(doc, rng, **options), layout


def _scan(truth: Truth, tables: list[Grid], rng: random.Random, head: Head) -> tuple[bytes, list[str]]:
    options, layout = _pdf_options(tables, rng, scan=True, head=head)
    doc, _ = dressed(truth.doc, head, tables, pdf=True)
    try:
        data, damage = scan(render_pdf(doc, rng, **options), rng, truth.doc.agency)
    except NoCJKFont as exc:
        raise Unavailable(str(exc)) from None
    return data, ["scan"] + layout + damage


RENDER = {"html": _html, "txt": _txt, "docx": _docx_bytes, "doc": _doc, "pdf": _pdf, "scan": _scan}
