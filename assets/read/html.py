"""HTML article pages: find the report body inside the portal's chrome, keep its order of
paragraphs and tables, expand rowspan/colspan into a grid.

Pages are pasted from Word: labels and digits are split across ``<span>``s, cells hold
``<p>``s and ``&nbsp;``/``<o:p>`` fillers. selectolax (Lexbor) is handed text we decoded.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from gongkai.assets.files import decode_text
from gongkai.assets.form.markers import BODY_WORDS, TITLE_IN_HEADING, count_words
from gongkai.assets.read.document import Block, Document, Paragraph, Table
from gongkai.assets.read.limits import check_html_nesting

log = logging.getLogger(__name__)

_CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body"})
_NOT_ELEMENTS = frozenset({"-text", "-comment", "!doctype"})
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "blockquote", "pre", "center", "header", "footer", "main", "dl", "dt", "dd", "form",
    "address", "figure", "figcaption", "hr", "tr", "tbody", "thead", "tfoot",
}
_SKIP_TAGS = {"script", "style", "noscript", "-comment", "head", "title", "iframe", "select",
              "button", "input", "textarea", "object", "svg"}
_LEADING_INT = re.compile(r"\s*(\d+)")
_SPACE = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u2002\u2003\u200b]+")


def clean_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def read_html(data: bytes, source: str, title_hint: str | None = None) -> Document:
    text, encoding = decode_text(data, source=source)
    check_html_nesting(text)
    tree = LexborHTMLParser(text)
    page_title = tree.css_first("title")
    hint = title_hint or (clean_space(page_title.text()) if page_title else None) or None
    body = find_report_body(tree)
    blocks: list[Block] = []
    if body is None:
        log.warning("%s: no <body> in the page", source)
    else:
        _Walker(blocks).walk(body)
    heading = _article_heading(tree, body)
    if heading and not any(
        isinstance(b, Paragraph) and heading in b.text.replace(" ", "") for b in blocks[:5]
    ):
        blocks.insert(0, Paragraph(heading))
    doc = Document(source=source, media="html", blocks=blocks, title_hint=hint)
    log.debug("%s: html decoded as %s, %d blocks", source, encoding, len(blocks))
    return doc


def find_report_body(tree: LexborHTMLParser) -> LexborNode | None:
    """The deepest container that holds as many report markers as the whole page."""
    root = tree.body or tree.root
    if root is None:
        return None
    # The page's text is its children's texts joined: read them once, for the walk too.
    kids = list(root.iter(include_text=True))
    kid_texts = [k.text(separator="") for k in kids]
    text = "".join(kid_texts)
    best_score = _score(text)
    if best_score == 0:
        return root
    best, best_len = root, len(text)
    # A node's text is a substring of its parent's: it holds no marker its parent lacks. So
    # a subtree whose top holds fewer markers than the page holds no candidate: skip it (the
    # walk is in document order, like a css() query, so ties still go to the first).
    stack: list[tuple[LexborNode, str | None]] = [
        (k, t) for k, t in zip(reversed(kids), reversed(kid_texts)) if k.tag not in _NOT_ELEMENTS
    ]
    while stack:
        node, t = stack.pop()
        if t is None:
            t = node.text(separator="")
        if _score(t) < best_score:
            continue
        if node.tag in _CONTAINER_TAGS and len(t) < best_len:
            best, best_len = node, len(t)
        stack.extend((c, None) for c in reversed(_element_children(node)))
    return best


def _score(text: str) -> int:
    return count_words(text, BODY_WORDS)


def _element_children(node: LexborNode) -> list[LexborNode]:
    return [c for c in node.iter() if c.tag not in _NOT_ELEMENTS]


def _article_heading(tree: LexborHTMLParser, body: LexborNode | None) -> str | None:
    """The article's heading (often outside the body div) when it names a report."""
    for node in tree.css("h1, h2, h3, [class*=title], [class*=Title], [id*=title]"):
        t = clean_space(node.text(separator="")).replace(" ", "")
        if 8 <= len(t) <= 80 and TITLE_IN_HEADING.search(t):
            return t
    return None


class _Walker:
    """Collect paragraphs and tables in document order."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.buf: list[str] = []

    def flush(self) -> None:
        text = clean_space("".join(self.buf))
        self.buf = []
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, node: LexborNode) -> None:
        self._walk(node)
        self.flush()

    def _walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.buf.append(child.text_content or "")
            elif tag in _SKIP_TAGS:
                continue
            elif tag == "table":
                self.flush()
                table = read_table(child)
                if table is not None:
                    self.blocks.append(table)
            elif tag == "br":
                self.flush()
            elif tag in _BLOCK_TAGS:
                self.flush()
                self._walk(child)
                self.flush()
            else:
                self._walk(child)


@lru_cache(maxsize=256)
def _span(raw: str | None) -> int:
    """A rowspan/colspan attribute's value: 1 when absent or unreadable, at most 1000."""
    m = _LEADING_INT.match(raw or "1")
    return max(1, min(int(m.group(1)), 1000)) if m else 1


def read_table(table: LexborNode) -> Table | None:
    """Expand rowspan/colspan: the top-left slot holds the text, covered slots are None."""
    # Nodes compare by identity (mem_id): LexborNode's == serialises both subtrees to HTML.
    table_id = table.mem_id
    rows = [tr for tr in table.css("tr") if _owning_table_id(tr) == table_id]
    n_rows = len(rows)
    grid: list[list[str | None]] = [[] for _ in range(n_rows)]  # _FREE: no cell there yet
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    n_cols = 0
    # The cells that carry a span attribute (nested tables' too: only membership is asked).
    spanning = {n.mem_id for n in table.css(_SPANNING)}
    for r, tr in enumerate(rows):
        row = grid[r]
        c = 0
        for cell in tr.iter():
            tag = cell.tag
            if tag != "td" and tag != "th":
                continue
            width = len(row)
            while c < width and row[c] is not _FREE:
                c += 1
            # Paragraphs inside a cell are one label broken by Word, not separate lines.
            text = cell.text(separator="")
            if not text.isalnum():  # digits or words alone (the common cell): nothing to clean
                text = clean_space(text)
            if c == width:
                row.append(text)
            else:
                _put(row, c, text)
            if cell.mem_id not in spanning:
                c += 1
                continue
            attrs = cell.attributes
            rs, cs = _span(attrs.get("rowspan")), _span(attrs.get("colspan"))
            rs = min(rs, n_rows - r)
            if rs > 1 or cs > 1:
                for dr in range(rs):
                    covered = grid[r + dr]
                    for dc in range(cs):
                        if (dr or dc) and (c + dc >= len(covered) or covered[c + dc] is _FREE):
                            _put(covered, c + dc, None)
                spans[(r, c)] = (rs, cs)
            c += cs
        n_cols = max(n_cols, c)
    if not rows or not n_cols:
        return None
    out = tuple(
        tuple("" if t is _FREE else t for t in row) + ("",) * (n_cols - len(row)) for row in grid
    )
    return Table(grid=out, spans=spans)


_SPANNING = "td[rowspan], td[colspan], th[rowspan], th[colspan]"
_FREE: Any = object()  # a grid slot no cell covers yet


def _put(row: list[str | None], c: int, text: str | None) -> None:
    if c >= len(row):
        row.extend([_FREE] * (c + 1 - len(row)))
    row[c] = text


def _owning_table_id(tr: LexborNode) -> int | None:
    node = tr.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node.mem_id if node is not None else None
