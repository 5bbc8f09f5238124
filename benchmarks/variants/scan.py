"""Scans: pages of a rendered PDF rasterised with pypdfium2, then skewed, specked, blurred and
saved as JPEG in an image-only PDF (图片版); some on grey paper with faded ink (low contrast),
some with the agency's round seal stamped over the title or over the closing lines (落款).

The generated PDFs do not embed their CJK font, so pdfium draws their characters from the
machine's fonts; and a process that has imported the PDF reader (gongkai.assets.read.pdf) has
handed pdfium a font source of blank glyphs on purpose. So rasterising runs in a fresh
interpreter (`main` below, in a child process), and only where a CJK font draws ink.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

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


def _where(page: pdfium.PdfPage, words: list[str]) -> tuple[float, float] | None:
    """The centre (PDF points, origin bottom left) of the first of ``words`` the page prints."""
    textpage = page.get_textpage()
    try:
        for word in words:
            hit = textpage.search(word).get_next()
            if hit:
                first, count = hit
                boxes = [textpage.get_charbox(first + k) for k in range(count)]
                return ((min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2,
                        (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2)
        return None
    finally:
        textpage.close()


def _stamp(img: Image.Image, centre: tuple[float, float], radius: float) -> Image.Image:
    """A round seal (ring, star, ring of characters as strokes) printed over the page in the
    grey a red seal scans to: the ink under it stays darker (multiplied, as ink over ink)."""
    seal = Image.new("L", img.size, 255)
    d = ImageDraw.Draw(seal)
    cx, cy, r, grey = centre[0], centre[1], radius, 120
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=grey, width=max(2, round(r / 14)))
    star = [(cx + rr * math.sin(a * math.pi / 5), cy - rr * math.cos(a * math.pi / 5))
            for a, rr in ((i, r * 0.3 if i % 2 == 0 else r * 0.12) for i in range(10))]
    d.polygon(star, fill=grey)
    for i in range(14):
        a = math.pi * (0.8 + 1.4 * i / 13)
        x, y, h = cx + 0.7 * r * math.cos(a), cy + 0.7 * r * math.sin(a), r / 12
        d.rectangle((x - h, y - h, x + h, y + h), fill=grey)
    return ImageChops.multiply(img, seal.filter(ImageFilter.GaussianBlur(max(1, r / 120))))


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
    pages = _table_pages(src)
    for i in pages:
        page = src[i]
        w, h = page.get_size()
        scale = p["dpi"] / 72
        img = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        seal_on = {"title": pages[0], "closing": pages[-1]}.get(p.get("seal"))
        if seal_on == i:
            words = ["政府信息公开", "报告"] if p["seal"] == "title" else [p["agency"]]
            at = _where(page, words) or (w / 2, h * (0.85 if p["seal"] == "title" else 0.2))
            img = _stamp(img, (at[0] * scale, (h - at[1]) * scale), 42 * scale)
        if p.get("paper", 255) < 255 or p.get("ink", 0) > 0:  # grey paper, faded ink
            img = img.point([round(p["ink"] + v * (p["paper"] - p["ink"]) / 255) for v in range(256)])
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


def scan(pdf_bytes: bytes, rng: random.Random, agency: str) -> tuple[bytes, list[str]]:
    """The title page, table pages and last page as a scan; the damage drawn from `rng` (a seal
    found by `agency` where it closes the report). Raises NoCJKFont."""
    p = {"dpi": rng.choice([150, 200, 200, 300]), "skew": round(rng.uniform(-1.2, 1.2), 2),
         "blur": rng.choice([0.0, 0.5, 0.8, 1.1]), "noise": rng.choice([0.0, 0.0, 0.001, 0.003]),
         "quality": rng.choice([35, 55, 75, 90]), "seed": rng.randrange(2**32)}
    # Drawn last, so the damage above stays what it was for each seed.
    p["seal"] = rng.choices([None, "title", "closing"], (60, 15, 25))[0]
    p["agency"] = agency
    p["paper"], p["ink"] = rng.choice([(255, 0)] * 3 + [(225, 60), (210, 80), (235, 40)])
    return scan_with(pdf_bytes, p), [f"dpi_{p['dpi']}", f"skew_{p['skew']}", f"blur_{p['blur']}",
                         f"noise_{p['noise']}", f"jpeg_q{p['quality']}"] + (
        [f"seal_over_{p['seal']}"] if p["seal"] else []) + (
        [f"contrast_{p['ink']}_{p['paper']}"] if p["paper"] < 255 else [])


def scan_with(pdf_bytes: bytes, p: dict) -> bytes:
    """The scan of a PDF with the damage ``p`` names (the keys `scan` draws: dpi, skew, blur,
    noise, quality, seed, seal, agency, paper, ink). Raises NoCJKFont."""
    proc = _child([json.dumps(p)], pdf_bytes)
    if proc.returncode == _NO_FONT:
        raise NoCJKFont(_reason(proc))
    if proc.returncode:
        raise RuntimeError(f"rasterising failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return proc.stdout


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
