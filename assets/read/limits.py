"""What a reader accepts, in one place: hostile or absurd files are refused with a reason
before a library is handed them, and the pages, time and memory one document may take.

    check_size(data, media)      # raises UnreadableDocument over MAX_BYTES / MAX_HTML_BYTES
    check_docx_package(data)     # zip bombs and XML entity declarations, before python-docx
    check_html_nesting(text)     # absurd element nesting, before the tree is walked
    MAX_PDF_PAGES                # pages of a PDF read (the rest are left, with a warning)

The per-document time and memory budget (DOCUMENT_TIMEOUT_S, DOCUMENT_MEMORY_MB) is enforced
by `assets.report.isolated`, which parses each document in a worker process.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from itertools import accumulate
from operator import sub

from gongkai.assets.read.document import UnreadableDocument

MB = 1024 * 1024

MAX_BYTES = 100 * MB  # any document (the crawler's cap is 50 MB)
MAX_HTML_BYTES = 16 * MB  # a report page is well under 1 MB; beyond this it is not a report
MAX_HTML_DEPTH = 400  # element nesting; pasted-from-Word pages stay under 60
MAX_PDF_PAGES = 300  # pages read; reports run to 5-40 pages
MAX_OCR_PIXELS = 20_000_000  # a page image rendered for OCR (A4 at 300 dpi: 8.7 M pixels)
# An image inside a page: pdfium decodes it whole to render the page, whatever the render size.
MAX_EMBEDDED_IMAGE_PIXELS = 100_000_000  # a 600 dpi A3 scan is 70 M pixels

# DOCX packages (zip), checked on the central directory before anything is inflated.
DOCX_MAX_MEMBERS = 2_000
DOCX_MAX_UNCOMPRESSED = 200 * MB  # all members together
DOCX_MAX_RATIO = 200  # uncompressed / compressed for a member over 1 MB uncompressed
DOCX_XML_SCAN = 64 * 1024  # bytes at the head of each XML part searched for a DTD

DOCUMENT_TIMEOUT_S = 120.0  # wall time to read and parse one document (OCR included)
DOCUMENT_MEMORY_MB = 2048  # address space of the worker that parses it

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


def check_size(data: bytes, media: str) -> None:
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"file of {_mb(len(data))} is over the {_mb(MAX_BYTES)} limit")
    if media == "html" and len(data) > MAX_HTML_BYTES:
        raise UnreadableDocument(
            f"HTML page of {_mb(len(data))} is over the {_mb(MAX_HTML_BYTES)} limit")


def check_docx_package(data: bytes) -> None:
    """Refuse a DOCX that would inflate beyond reason (a zip bomb) or whose XML declares a
    DTD (entity expansion, external entities): Word never writes one."""
    try:
        package = zipfile.ZipFile(BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableDocument(f"not a readable DOCX: {exc}") from exc
    if len(members) > DOCX_MAX_MEMBERS:
        raise UnreadableDocument(
            f"DOCX holds {len(members)} parts (over {DOCX_MAX_MEMBERS}): refused as a zip bomb")
    total = sum(m.file_size for m in members)
    if total > DOCX_MAX_UNCOMPRESSED:
        raise UnreadableDocument(
            f"DOCX inflates to {_mb(total)} (over {_mb(DOCX_MAX_UNCOMPRESSED)}): refused as a zip bomb")
    for m in members:
        if m.file_size > MB and m.file_size > DOCX_MAX_RATIO * max(1, m.compress_size):
            raise UnreadableDocument(
                f"DOCX part {m.filename} inflates {m.file_size // max(1, m.compress_size)}-fold "
                f"(over {DOCX_MAX_RATIO}): refused as a zip bomb")
    for m in members:
        if not m.filename.endswith((".xml", ".rels")):
            continue
        try:
            with package.open(m) as fh:
                head = fh.read(DOCX_XML_SCAN)
        except Exception as exc:  # zlib, CRC and header errors alike
            raise UnreadableDocument(f"not a readable DOCX: part {m.filename}: {exc}") from exc
        if _DTD.search(head):
            raise UnreadableDocument(
                f"DOCX part {m.filename} declares a DTD or entities (never written by Word): refused")


# A tag, as far as its first ">": group 1 is "name" or "/name", or "" when the tag closes
# itself ("<div/>"). Every tag is consumed whole, so no "<" inside one starts another.
_TAG = re.compile(r"<(?:(/?[A-Za-z][A-Za-z0-9]*)[^>]*(?<!/)>|/?[A-Za-z][A-Za-z0-9]*[^>]*>)")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "p", "li", "td", "th", "tr", "option"})


def _step(tag: str) -> int:
    """+1 for an open tag, -1 for a close tag, 0 for a void or self-closing one."""
    if not tag:
        return 0
    if tag[0] == "/":
        return 0 if tag[1:].lower() in _VOID else -1
    return 0 if tag.lower() in _VOID else 1


def html_depth(text: str, stop_at: int = MAX_HTML_DEPTH) -> int:
    """How deep elements nest, roughly (open tags minus close tags, ignoring void elements and
    those whose end tag HTML lets authors leave out, a stray close tag at depth 0 ignored);
    stops counting at `stop_at` (returns at most ``stop_at + 1``)."""
    # On every page we read: the walk runs in C (findall, accumulate, min, max).
    tags = _TAG.findall(text)
    steps = {tag: _step(tag) for tag in set(tags)}
    sums = list(accumulate(map(steps.__getitem__, tags)))
    if not sums:
        return 0
    if min(sums) < 0:
        # A close tag at depth 0 is ignored: the depth is the sum less its lowest point so far
        # (running minimum, floored at 0).
        lows = accumulate(sums, min, initial=0)
        next(lows)
        sums = list(map(sub, sums, lows))
    return min(max(0, max(sums)), max(0, stop_at) + 1)


def check_html_nesting(text: str) -> None:
    depth = html_depth(text)
    if depth > MAX_HTML_DEPTH:
        raise UnreadableDocument(
            f"HTML elements nest over {MAX_HTML_DEPTH} deep: refused (not a report page)")
