"""Tables from word positions: for PDF tables without rules (text in columns) and OCR words.

A page's words become lines (by vertical overlap), each line segments (split at wide gaps).
A run of lines with several segments is a table; its value columns are found by clustering
the centres of the numeric segments, so an empty cell keeps its place (an empty slot, "").
Each table row is ``[label, v1, …, vk]``: the text left of the first value column is the
label (a label that wraps adds a label-only row), header text sits in its nearest column.
Lines that are not part of a table (prose, headings, page numbers) are Paragraphs.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from gongkai.assets.form.markers import NUMBERED_HEADING, PAGE_NUMBER
from gongkai.assets.form.values import opens_row, parse_value
from gongkai.assets.read.document import Block, Paragraph, Table


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


_BLOCK_HEAD = re.compile(r"^第[一二三四五六七八九十]+条")  # 第二十条第（一）项 heads a t2 block


def is_value(text: str) -> bool:
    """A printed value, as the shared value reader reads one (a number, a placeholder)."""
    ok, value = parse_value(text)
    return ok and value is not None


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words in lines, top to bottom, each line left to right. A word joins a line when its
    centre lies within the line's vertical extent."""
    lines: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.yc, w.x0)):
        for i, (top, bottom, members) in enumerate(lines):
            if top <= w.yc <= bottom or (w.top <= (top + bottom) / 2 <= w.bottom):
                members.append(w)
                lines[i] = (min(top, w.top), max(bottom, w.bottom), members)
                break
        else:
            lines.append((w.top, w.bottom, [w]))
    lines.sort(key=lambda t: (t[0] + t[1]) / 2)
    return [sorted(m, key=lambda w: w.x0) for _, _, m in lines]


def segments(line: list[Word], gap: float) -> list[Word]:
    """Merge words closer than ``gap``; a value never merges with a label, and with another
    value only a space apart (one number spread by justified text: 1 15)."""
    out: list[Word] = []
    for w in line:
        prev = out[-1] if out else None
        if (prev is not None and is_value(w.text) and is_value(prev.text)
                and w.x0 - prev.x1 < 0.5 * gap and is_value(prev.text + w.text)):
            out[-1] = Word(prev.text + w.text, prev.x0, max(prev.x1, w.x1),
                           min(prev.top, w.top), max(prev.bottom, w.bottom))
        elif (prev is not None and w.x0 - prev.x1 < gap and not is_value(w.text)
                and not is_value(prev.text)):
            sep = " " if re.search(r"[A-Za-z0-9]$", prev.text) and re.match(r"[A-Za-z0-9]", w.text) else ""
            out[-1] = Word(prev.text + sep + w.text, prev.x0, max(prev.x1, w.x1),
                           min(prev.top, w.top), max(prev.bottom, w.bottom))
        else:
            out.append(w)
    return out


def _columns(centres: list[float], tol: float) -> list[float]:
    """1-D clusters of x centres; each column is its cluster's median."""
    cols: list[list[float]] = []
    for x in sorted(centres):
        if cols and x - cols[-1][-1] <= tol:
            cols[-1].append(x)
        else:
            cols.append([x])
    return [statistics.median(c) for c in cols]


def _fill_missing(cols: list[float]) -> list[float]:
    """Columns no value was printed in (a column left empty on every row), where the others
    are evenly spaced: a gap of k pitches between two found columns holds k-1 more."""
    if len(cols) < 4:
        return cols
    gaps = [b - a for a, b in itertools.pairwise(cols)]
    pitch = min(gaps)
    if sum(1 for g in gaps if abs(g - pitch) <= 0.15 * pitch) < 3:
        return cols
    out = [cols[0]]
    for a, g in zip(cols, gaps):
        k = round(g / pitch)
        if k >= 2 and abs(g - k * pitch) <= 0.15 * pitch:
            out.extend(a + i * g / k for i in range(1, k))
        out.append(a + g)
    return out


def layout_blocks(words: list[Word], page_no: int | None = None, *,
                  min_value_rows: int = 1) -> list[Block]:
    """Paragraphs and borderless tables of one page, in reading order."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    h = statistics.median(w.height for w in words)
    lines = [segments(line, gap=statistics.median(w.height for w in line)) for line in group_lines(words)]
    tabular = [len(segs) >= 2 and not _is_prose(segs) and not _is_page_number(segs) for segs in lines]
    # A single-segment line between two tabular lines is a wrapped label (or a block head).
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not tabular[i]:
            i += 1
            continue
        j = i
        k = i + 1
        while k < len(lines):
            if tabular[k]:
                j = k
                k += 1
            elif NUMBERED_HEADING.match(_text(lines[k])) or _is_page_number(lines[k]):
                break
            elif k + 1 < len(lines) and (tabular[k + 1] or (k + 2 < len(lines) and tabular[k + 2]
                                                            and not tabular[k + 1] and
                                                            not NUMBERED_HEADING.match(_text(lines[k + 1])))):
                k += 1
            else:
                break
        runs.append((i, j))
        i = j + 1
    out: list[Block] = []
    pos = 0
    for a, b in runs:
        out.extend(_paragraphs(lines[pos:a], page_no))
        table = _table(lines[a:b + 1], h, page_no, min_value_rows)
        if table is None:
            out.extend(_paragraphs(lines[a:b + 1], page_no))
        else:
            out.append(table)
        pos = b + 1
    out.extend(_paragraphs(lines[pos:], page_no))
    return out


def _text(segs: list[Word]) -> str:
    return "".join(s.text for s in segs).strip()


def _is_page_number(segs: list[Word]) -> bool:
    """'- 3 -', '第3页', '3/6' (split in segments or not); a bare number is left alone."""
    text = " ".join(s.text for s in segs)
    return len(segs) <= 3 and bool(PAGE_NUMBER.match(text)) and bool(re.search(r"[-—–第页/]", text))


def _is_prose(segs: list[Word]) -> bool:
    """A line of running text that happens to have a gap (justified prose): long, no values."""
    return not any(is_value(s.text) for s in segs) and len(segs) <= 3 and len(_text(segs)) > 30


def _paragraphs(lines: list[list[Word]], page_no: int | None) -> list[Block]:
    out: list[Block] = []
    for segs in lines:
        text = " ".join(s.text for s in segs).strip()
        if text and not PAGE_NUMBER.match(text):
            out.append(Paragraph(text, page=page_no))
    return out


def _is_label(s: Word, label_edge: float, h: float) -> bool:
    return not is_value(s.text) and s.x1 <= label_edge + 0.5 * h


def _row_bands(lines: list[list[Word]], label_edge: float, h: float) -> list[list[list[Word]]]:
    """Lines grouped into table rows. Lines holding only label text (a label wrapped onto
    two or three lines, its values printed beside one of them) between two lines with values
    split at the widest gap between lines: those above it belong to the row above, the others
    to the row below; never below a line opening a row with its numbering (（三）, 8.), and on
    equal gaps as low as it can (a wrapped label's tail). Other lines are rows alone."""
    label_only = [all(_is_label(s, label_edge, h) for s in segs)
                  and not _BLOCK_HEAD.match(_text(segs)) for segs in lines]
    has_values = [any(is_value(s.text) for s in segs) for segs in lines]
    top = [min(s.top for s in segs) for segs in lines]
    bottom = [max(s.bottom for s in segs) for segs in lines]
    owner = list(range(len(lines)))
    i = 0
    while i < len(lines):
        if not label_only[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and label_only[j + 1]:
            j += 1
        above = i - 1 if i > 0 and has_values[i - 1] else None
        below = j + 1 if j + 1 < len(lines) and has_values[j + 1] else None
        if above is not None or below is not None:
            # split k: lines i..k-1 go up, k..j go down; gap k is the one above line k
            def gap(k: int, i: int = i, j: int = j, above: int | None = above,
                    below: int | None = below) -> float:  # bound: B023
                if k == i:
                    return top[i] - bottom[above] if above is not None else float("inf")
                if k == j + 1:
                    return top[j + 1] - bottom[j] if below is not None else float("inf")
                return top[k] - bottom[k - 1]
            # a line opening a row (its numbering, in its last label column: the leaf label
            # beside a category's piece) never continues the row above
            first_numbered = next((k for k in range(i, j + 1)
                                   if opens_row(max(lines[k], key=lambda s: s.x0).text)), j + 1)
            splits = range(i, first_numbered + 1)
            widest = max(gap(k) for k in splits)
            k = [k for k in splits if gap(k) >= widest - 0.1 * h][-1]
            for n in range(i, j + 1):
                target = above if n < k else below
                if target is not None:
                    owner[n] = target
        i = j + 1
    bands: dict[int, list[list[Word]]] = {}
    for i, segs in enumerate(lines):
        bands.setdefault(owner[i], []).append(segs)
    return [bands[k] for k in sorted(bands)]


def _table(lines: list[list[Word]], h: float, page_no: int | None, min_value_rows: int) -> Table | None:
    value_rows = [segs for segs in lines if any(is_value(s.text) for s in segs)]
    n_values = sum(is_value(s.text) for segs in value_rows for s in segs)
    if len(value_rows) < min_value_rows and n_values < 5 or n_values < 5:
        return None  # justified prose with a year in it, not a table
    first_value_x = {min(s.x0 for s in segs if is_value(s.text)) for segs in value_rows}
    label_edge = min(first_value_x)  # everything left of the first value is label text
    centres = [s.xc for segs in value_rows for s in segs if is_value(s.text) and s.x0 >= label_edge - h]
    cols = _fill_missing(_columns(centres, tol=1.5 * h))
    label_cols = _columns([s.x0 for segs in lines for s in segs
                           if _is_label(s, label_edge, h)], tol=h)
    grid: list[tuple[str, ...]] = []
    for band in _row_bands(lines, label_edge, h):
        row = [""] * (len(cols) + 1)
        label: list[tuple[int, int, float, str]] = []
        for n, segs in enumerate(band):
            for s in segs:
                if _is_label(s, label_edge, h):
                    # A wrapped label reads down its own column before the next column's.
                    k = min(range(len(label_cols)), key=lambda k: abs(label_cols[k] - s.x0))
                    label.append((k, n, s.x0, s.text))
                    continue
                c = min(range(len(cols)), key=lambda k: abs(cols[k] - s.xc))
                # Two values in one column are one number spread by justified text (1 7):
                # joined with their space, the value reader reads them.
                sep = " " if row[c + 1] and is_value(s.text) else ""
                row[c + 1] += sep + s.text
        row[0] = "".join(text for *_, text in sorted(label))
        grid.append(tuple(row))
    return Table(grid=tuple(grid), page=page_no, pages=(page_no,) if page_no else ())
