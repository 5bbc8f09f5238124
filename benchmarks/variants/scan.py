"""Scans: pages of a rendered PDF rasterised with pypdfium2, then skewed, specked, blurred and
saved as JPEG in an image-only PDF (图片版).

The generated PDFs do not embed their CJK font, so pdfium draws their characters from the
machine's fonts; and a process that has imported the PDF reader (gongkai.assets.read.pdf) has
handed pdfium a font source of blank glyphs on purpose. So rasterising runs in a fresh
interpreter (`main` below, in a child process), and only where a CJK font draws ink.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
_TABLE_MARKS = ("第二十条", "本年新收", "结转下年度", "复议后起诉")
_NO_FONT = 3  # the child's exit status when no CJK font draws ink


class NoCJKFont(Exception):
    pass


def _check_ink() -> None:
    from reportlab.pdfgen import canvas

    from gongkai.demo.render_pdf import FONT

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(120, 30))
    c.setFont(FONT, 20)
    c.drawString(5, 5, "政府信息")
    c.save()
    img = pdfium.PdfDocument(buf.getvalue())[0].render(scale=1, grayscale=True).to_pil().convert("L")
    if img.getextrema()[0] >= 128:
        raise NoCJKFont("no CJK font is installed (e.g. fonts-noto-cjk): a scan would show its numbers alone")


def _table_pages(pdf: pdfium.PdfDocument) -> list[int]:
    """The first page (the title), the table pages and the last (the agency closing the report):
    what a reader needs, without OCR of every page of prose."""
    keep = {0, len(pdf) - 1}
    for i in range(len(pdf)):
        text = pdf[i].get_textpage().get_text_range().replace(" ", "")
        if any(m in text for m in _TABLE_MARKS):
            keep.add(i)
    return sorted(keep)


def _stable(pdf: bytes) -> bytes:
    """pdfium stamps the time and a random /ID on save: pin both (same lengths, so the xref
    offsets hold), so a seed's scan is the same bytes every time."""
    pdf = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20240101000000", pdf)
    random_id = re.compile(rb"/ID\[<[0-9A-F]{32}><[0-9A-F]{32}>\]")
    digest = hashlib.md5(random_id.sub(b"", pdf)).hexdigest().upper().encode()
    return random_id.sub(b"/ID[<" + digest + b"><" + digest + b">]", pdf)


def _scan_here(pdf_bytes: bytes, p: dict) -> bytes:
    _check_ink()
    rng = random.Random(p["seed"])
    src = pdfium.PdfDocument(pdf_bytes)
    dst = pdfium.PdfDocument.new()
    for i in _table_pages(src):
        page = src[i]
        w, h = page.get_size()
        img = page.render(scale=p["dpi"] / 72, grayscale=True).to_pil().convert("L")
        if p["skew"]:
            img = img.rotate(p["skew"], resample=Image.BICUBIC, expand=False, fillcolor=255)
        if p["blur"]:
            img = img.filter(ImageFilter.GaussianBlur(p["blur"]))
        if p["noise"]:
            px = img.load()
            for _ in range(int(p["noise"] * img.width * img.height)):
                px[rng.randrange(img.width), rng.randrange(img.height)] = rng.randrange(0, 256)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=p["quality"])
        new = dst.new_page(w, h)
        image = pdfium.PdfImage.new(dst)
        image.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
        image.set_matrix(pdfium.PdfMatrix().scale(w, h))
        new.insert_obj(image)
        new.gen_content()
    out = io.BytesIO()
    dst.save(out)
    return _stable(out.getvalue())


def _child(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    run = "import sys; from benchmarks.variants.scan import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", run, *args], input=stdin,
                          capture_output=True, cwd=ROOT, check=False, timeout=600)


def _reason(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


@lru_cache(maxsize=1)
def cjk_font_missing() -> str | None:
    """Why scans cannot be made here (None when they can), asked of a fresh interpreter."""
    proc = _child(["--probe"])
    if proc.returncode == 0:
        return None
    return _reason(proc)


def scan(pdf_bytes: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """The title page, table pages and last page as a scan; the damage drawn from `rng`. Raises
    NoCJKFont."""
    p = {"dpi": rng.choice([150, 200, 200, 300]), "skew": round(rng.uniform(-1.2, 1.2), 2),
         "blur": rng.choice([0.0, 0.5, 0.8, 1.1]), "noise": rng.choice([0.0, 0.0, 0.001, 0.003]),
         "quality": rng.choice([35, 55, 75, 90]), "seed": rng.randrange(2**32)}
    proc = _child([json.dumps(p)], pdf_bytes)
    if proc.returncode == _NO_FONT:
        raise NoCJKFont(_reason(proc))
    if proc.returncode:
        raise RuntimeError(f"rasterising failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return proc.stdout, [f"dpi_{p['dpi']}", f"skew_{p['skew']}", f"blur_{p['blur']}",
                         f"noise_{p['noise']}", f"jpeg_q{p['quality']}"]


def main(argv: list[str]) -> int:
    try:
        if argv == ["--probe"]:
            _check_ink()
            return 0
        sys.stdout.buffer.write(_scan_here(sys.stdin.buffer.read(), json.loads(argv[0])))
        return 0
    except NoCJKFont as exc:
        print(exc, file=sys.stderr)
        return _NO_FONT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
