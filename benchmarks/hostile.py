"""Hostile documents, made on demand: what a portal may serve by accident or by malice.

`hostile_documents(scale)` yields `Hostile(name, data, media)`: ``scale="small"`` keeps each
under a few MB for the test suite; ``scale="full"`` makes the real thing for the fault run
(`python -m benchmarks faults`): a 2000-page PDF, a 1 GB zip bomb, a 50 MB HTML page, …
`mutants(seed_files, n)` flips, truncates and splices real documents.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (
    sorted((ROOT / "tests/fixtures/samples").glob("*.*"))
    + sorted((ROOT / "tests/fixtures/corpus").glob("*.*"))
    + sorted((ROOT / "demo/site").rglob("*.pdf"))[:4]
    + sorted((ROOT / "demo/site").rglob("*.docx"))[:4]
    + sorted((ROOT / "demo/site").rglob("*.html"))[:4]
)
SEEDS = [p for p in SEEDS if p.suffix.lower() in (".pdf", ".docx", ".doc", ".html", ".shtml")]

REPORT_WORDS = "本年新收政府信息公开申请数量 上年结转政府信息公开申请数量 结转下年度继续办理 1 2 3 4 5 6 7"


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    media: str | None = None  # what the link or server called it (may lie)


def seed(suffix: str) -> bytes:
    return next(p for p in SEEDS if p.suffix == suffix).read_bytes()


# --- PDF ------------------------------------------------------------------------------------


def text_pdf(pages: int, text: str = REPORT_WORDS, encrypt: str | None = None,
             user_password: str = "") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption
        kwargs["encrypt"] = StandardEncryption(user_password, ownerPassword=encrypt)
    c = canvas.Canvas(buf, pagesize=A4, **kwargs)
    for n in range(pages):
        c.setFont("STSong-Light", 10)
        for line in range(3):
            c.drawString(50, 800 - 14 * line, f"{text} 第{n + 1}页")
        c.showPage()
    c.save()
    return buf.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (1-based numbers), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def huge_image_pdf(side_px: int, page_pt: int = 14400) -> bytes:
    """One page (up to the PDF maximum of 200 inches) covered by a side_px² grey image whose
    pixels inflate to side_px² bytes: no text layer, so a reader would render it for OCR."""
    comp = zlib.compressobj(9)
    row_block = b"\x80" * (side_px * 256)
    chunks = [comp.compress(row_block) for _ in range(side_px // 256)]
    stream = b"".join(chunks) + comp.flush()
    content = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (page_pt, page_pt)
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>" % (page_pt, page_pt),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (side_px, side_px // 256 * 256, len(stream)) + stream + b"\nendstream",
    ])


def page_tree_loop_pdf() -> bytes:
    """A page tree whose Kids point back at itself."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ])


# --- DOCX -----------------------------------------------------------------------------------


def docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def billion_laughs_docx(levels: int = 10) -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(ents)}]>'
           f'<w:document {_W}><w:body><w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p></w:body></w:document>')
    return docx_with(xml.encode())


def external_entity_docx() -> bytes:
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<w:document {_W}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
    return docx_with(xml.encode())


def zip_bomb_docx(inflated: int) -> bytes:
    """A DOCX whose document.xml inflates to `inflated` bytes of whitespace."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document {_W}><w:body>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(chunk)
            fh.write(b"</w:body></w:document>")
    return buf.getvalue()


def many_members_docx(n: int) -> bytes:
    return docx_with(f"<w:document {_W}><w:body/></w:document>".encode(),
                     {f"word/media/x{i}.xml": b"<x/>" for i in range(n)})


# --- HTML and text --------------------------------------------------------------------------


def big_html(size: int) -> bytes:
    para = "<p>二、主动公开政府信息情况 本年新收政府信息公开申请数量 1 2 3</p>\n".encode()
    body = para * (size // len(para))
    return b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title></head><body><div>" + body + b"</div></body></html>"


def nested_html(depth: int, tag: str = "div") -> bytes:
    return (b"<html><body>" + f"<{tag}>".encode() * depth + "政府信息公开 行政复议".encode()
            + f"</{tag}>".encode() * depth + b"</body></html>")


def nested_table_html(depth: int) -> bytes:
    return b"<html><body>" + b"<table><tr><td>" * depth + b"x" + b"</td></tr></table>" * depth + b"</body></html>"


def hostile_documents(scale: str = "small") -> Iterator[Hostile]:
    full = scale == "full"
    pdf = seed(".pdf")
    docx = seed(".docx")
    html = seed(".html")
    # -- damaged PDFs
    yield Hostile("pdf-truncated-half", pdf[: len(pdf) // 2], "pdf")
    yield Hostile("pdf-truncated-header", pdf[:300], "pdf")
    yield Hostile("pdf-header-only", b"%PDF-1.7\n", "pdf")
    rng = random.Random(7)
    corrupt = bytearray(pdf)
    for _ in range(200):
        corrupt[rng.randrange(200, len(corrupt))] = rng.randrange(256)
    yield Hostile("pdf-corrupt-bytes", bytes(corrupt), "pdf")
    yield Hostile("pdf-xref-garbage", pdf[: len(pdf) - 2000] + b"\x00" * 2000, "pdf")
    yield Hostile("pdf-encrypted-user-password", text_pdf(2, encrypt="owner", user_password="secret"), "pdf")
    yield Hostile("pdf-encrypted-owner-only", text_pdf(2, encrypt="owner"), "pdf")
    yield Hostile("pdf-page-tree-loop", page_tree_loop_pdf(), "pdf")
    yield Hostile("pdf-many-pages", text_pdf(2000 if full else 400), "pdf")
    yield Hostile("pdf-huge-image", huge_image_pdf(30_000 if full else 4_096), "pdf")
    # -- hostile DOCX
    yield Hostile("docx-zip-bomb", zip_bomb_docx((1 << 30) if full else (300 << 20)), "docx")
    yield Hostile("docx-billion-laughs", billion_laughs_docx(), "docx")
    yield Hostile("docx-external-entity", external_entity_docx(), "docx")
    yield Hostile("docx-many-members", many_members_docx(5_000), "docx")
    yield Hostile("docx-truncated", docx[: len(docx) // 2], "docx")
    yield Hostile("docx-no-document-xml", _zip({"word/styles.xml": b"<x/>"}), "docx")
    yield Hostile("docx-document-not-xml", docx_with(b"\x00\xff garbage <<<"), "docx")
    # -- HTML
    yield Hostile("html-huge", big_html((50 if full else 17) << 20), "html")
    yield Hostile("html-nested-100k", nested_html(100_000), "html")
    yield Hostile("html-nested-tables-20k", nested_table_html(20_000), "html")
    yield Hostile("html-nested-unclosed-100k", b"<html><body>" + b"<span>" * 100_000 + b"</body></html>", "html")
    yield Hostile("html-huge-colspan", b"<table><tr>" + b'<td colspan="999999" rowspan="999999">x</td>' * 2000 + b"</tr>" * 2000 + b"</table>", "html")
    # -- encodings that lie
    text = "一、总体情况 本年新收政府信息公开申请数量 3 件".encode("gbk")
    yield Hostile("html-declares-utf8-is-gbk", b'<html><head><meta charset="utf-8"></head><body><p>' + text + b"</p></body></html>", "html")
    yield Hostile("html-declares-nonsense-charset", b'<html><head><meta charset="x-no-such"></head><body><p>' + text + b"</p></body></html>", "html")
    yield Hostile("html-utf16-no-bom", "<html><body><p>一、总体情况</p></body></html>".encode("utf-16-le"), "html")
    yield Hostile("html-bom-utf16-odd-length", b"\xff\xfe<\x00h\x00t\x00m\x00l", "html")
    yield Hostile("text-random-bytes", bytes(rng.randrange(256) for _ in range(20_000)), "txt")
    # -- empty and mislabelled
    yield Hostile("empty", b"", "pdf")
    yield Hostile("whitespace-only", b" \r\n\t " * 100, "html")
    yield Hostile("nul-bytes", b"\x00" * 10_000, "docx")
    yield Hostile("pdf-served-as-html", pdf, "html")
    yield Hostile("html-served-as-pdf", html, "pdf")
    yield Hostile("docx-served-as-pdf", docx, "pdf")
    yield Hostile("html-error-page-at-pdf", b"<html><head><title>404 Not Found</title></head><body>"
                  b"<h1>Not Found</h1></body></html>", "pdf")
    yield Hostile("png-served-as-pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "pdf")
    yield Hostile("zip-not-docx", _zip({"a.txt": b"hello"}), "docx")
    yield Hostile("ole2-garbage-as-doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 4000, "doc")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# --- mutations of real documents -------------------------------------------------------------


def mutate(data: bytes, rng: random.Random, other: bytes = b"") -> tuple[str, bytes]:
    """One random damage: flipped bytes, a truncation, a splice with another document, a
    repeated block or a deleted one."""
    kind = rng.choice(("flip", "truncate", "splice", "repeat", "delete"))
    b = bytearray(data)
    if not b:
        return kind, bytes(b)
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        b = b[: rng.randrange(len(b))]
    elif kind == "splice" and other:
        cut = rng.randrange(len(b))
        b = b[:cut] + other[rng.randrange(len(other)):]
    elif kind == "repeat":
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, 4096))
        b = b[:j] + b[i:j] * rng.randint(2, 50) + b[j:]
    else:
        i = rng.randrange(len(b))
        del b[i : i + rng.randint(1, 4096)]
    return kind, bytes(b)


def mutants(n: int, seed_: int = 1) -> Iterator[Hostile]:
    rng = random.Random(seed_)
    blobs = [(p.name, p.read_bytes()) for p in SEEDS]
    for i in range(n):
        name, data = rng.choice(blobs)
        _, other = rng.choice(blobs)
        kind, out = mutate(data, rng, other)
        yield Hostile(f"mutant-{i:03d}-{kind}-{name}", out, None)
