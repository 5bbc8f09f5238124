"""Words, lines and cell text from a PDF page's chars, as pdfplumber 0.11 makes them with its
default settings (its ``WordExtractor``, ``extract_text`` and ``chars_to_textmap`` +
``extract_text_lines``), without importing it: pdfplumber brings pdfminer, which takes longer
to import than a folder of reports takes to read. tests/read/test_pdf_objects.py holds each
function to pdfplumber's own, on every fixture and on made-up chars.

A char is a dict with at least ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``upright``.
Defaults, as pdfplumber's: x and y tolerance 3, blanks end a word, no text flow (lines by
position), upright text left to right in lines top to bottom, other text top to bottom in
lines left to right, ligatures expanded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

Obj = dict[str, Any]
X_TOLERANCE = Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def cluster(objs: list, key: Callable[[Any], float], tolerance: float,
            preserve_order: bool = False) -> list[list]:
    """pdfplumber's ``cluster_objects``: the distinct values sorted and cut where one is more
    than ``tolerance`` above the one before; the objects grouped by their value's cluster
    (clusters in order of value, objects in their order within; with ``preserve_order``,
    runs of the objects' own order)."""
    values = sorted(set(map(key, objs)))
    ids: dict[float, int] = {}
    n, last = -1, None
    for v in values:
        if last is None or tolerance == 0 or not v <= last + tolerance:
            n += 1
        ids[v] = n
        last = v
    tagged = [(o, ids[key(o)]) for o in objs]
    if not preserve_order:
        tagged.sort(key=_second)
    return [[o for o, _ in run] for _, run in groupby(tagged, key=_second)]


def _second(t: tuple) -> Any:
    return t[1]


def _top(o: Obj) -> float:
    return o["top"]


def _x0(o: Obj) -> float:
    return o["x0"]


def _x0_x0(o: Obj) -> tuple[float, float]:
    return (o["x0"], o["x0"])


def _top_bottom(o: Obj) -> tuple[float, float]:
    return (o["top"], o["bottom"])


def _upright(o: Obj) -> Any:
    return o["upright"]


def word_chars(chars: list[Obj]) -> Iterator[list[Obj]]:
    """The chars of each word, words in pdfplumber's order (``iter_extract_tuples``)."""
    for upright, run in groupby(chars, key=_upright):
        run = list(run)
        # upright: lines by top, chars by x0; rotated: lines by x0, chars by top
        lines = cluster(run, _top if upright else _x0, Y_TOLERANCE if upright else X_TOLERANCE)
        for line in lines:
            line.sort(key=_x0_x0 if upright else _top_bottom)
            yield from _words(line, bool(upright))


def _words(line: list[Obj], upright: bool) -> Iterator[list[Obj]]:
    """``iter_chars_to_words`` on one line: a blank ends a word; a char begins a new one
    when it starts before the last one did, more than x_tolerance after its end, or off its
    line by more than y_tolerance (an empty text is split off alone: pdfplumber's test
    ``text in split_at_punctuation`` holds for "" in "")."""
    word: list[Obj] = []
    if upright:
        a, b, c = "x0", "x1", "top"
    else:
        a, b, c = "top", "bottom", "x0"
    for ch in line:
        text = ch["text"]
        if text.isspace():
            if word:
                yield word
            word = []
        elif text == "":
            if word:
                yield word
            yield [ch]
            word = []
        elif word and (ch[a] < word[-1][a] or ch[a] > word[-1][b] + X_TOLERANCE
                       or abs(ch[c] - word[-1][c]) > Y_TOLERANCE):
            yield word
            word = [ch]
        else:
            word.append(ch)
    if word:
        yield word


def _text(chars: list[Obj]) -> str:
    return "".join([LIGATURES.get(c["text"], c["text"] or "") for c in chars])


def _first(t: tuple) -> Any:
    return t[0]


def _merge(chars: list[Obj]) -> Obj:
    """``merge_chars``: the word's text and box."""
    return {"text": _text(chars),
            "x0": min([c["x0"] for c in chars]), "x1": max([c["x1"] for c in chars]),
            "top": min([c["top"] for c in chars]), "bottom": max([c["bottom"] for c in chars]),
            "upright": chars[0]["upright"]}


def extract_words(chars: list[Obj]) -> list[Obj]:
    """pdfplumber's ``extract_words(chars)``: each word's text, x0, x1, top, bottom."""
    return [_merge(w) for w in word_chars(chars)]


def extract_text(chars: list[Obj]) -> str:
    """pdfplumber's ``extract_text(chars)``: the words clustered into lines by top, each
    line's words (in the extractor's order) joined by a space, lines by a newline."""
    if not chars:
        return ""
    words = [(min([c["top"] for c in w]), _text(w)) for w in word_chars(chars)]
    lines = cluster(words, _first, Y_TOLERANCE)
    return "\n".join(" ".join(text for _, text in line) for line in lines)


def text_lines(chars: list[Obj]) -> list[tuple[float, str]]:
    """pdfplumber's ``chars_to_textmap(chars).extract_text_lines(strip=True)``, as (top,
    text): the words, in the extractor's order, cut into lines where the cluster of their
    top changes; a line's text its words' letters with a space between words, blanks at
    either end stripped, its top the least of the chars that gave a letter."""
    tuples = [(w, min([c["top"] for c in w])) for w in word_chars(chars)]
    out = []
    for line in cluster(tuples, _second, Y_TOLERANCE, preserve_order=True):
        text, tops = "", []
        for word, _ in line:
            if text:
                text += " "
            for c in word:
                letters = LIGATURES.get(c["text"], c["text"])
                if letters:
                    text += letters
                    tops.append(c["top"])
        text = text.strip(" ")
        if text.strip():
            out.append((min(tops), text))
    return out


def cell_text(chars: list[Obj]) -> str:
    """``extract_text(chars)``, with a fast path for the cells on one line (90% of them)."""
    text = one_line_text(chars)
    return extract_text(chars) if text is None else text


def one_line_text(chars: list[Obj]) -> str | None:
    """``extract_text(chars)`` for chars that are all on one line, or None for any others.

    On one line it comes down to the word rule over the chars sorted by x0, each word's
    text with ligatures expanded, words joined by a space. One line means: all upright, and
    every top within y_tolerance of the lowest: then clustering makes one cluster of them
    and of the words (a word's top is one of its chars'). Chars with an empty text are left
    to the general path.
    """
    if len(chars) == 1:  # a digit, mostly: the word rule has nothing to split
        text = chars[0]["text"]
        if chars[0]["upright"] is not True or not text:
            return None
        return "" if text.isspace() else LIGATURES.get(text, text)
    tops = [c["top"] for c in chars]
    if max(tops) > min(tops) + Y_TOLERANCE:
        return None
    if not all(c["upright"] is True and c["text"] for c in chars):
        return None
    words: list[str] = []
    word: list[str] = []
    prev = None  # the word's last char
    for c in sorted(chars, key=_x0):  # sorted by (x0, x0), stable
        text = c["text"]
        if text.isspace():  # a blank ends the word
            if word:
                words.append("".join(word))
            word, prev = [], None
            continue
        # a new word (its test x0 < the previous x0 never holds: the chars are sorted by x0)
        if prev is not None and (c["x0"] > prev["x1"] + X_TOLERANCE
                                 or abs(c["top"] - prev["top"]) > Y_TOLERANCE):
            words.append("".join(word))
            word = []
        word.append(LIGATURES.get(text, text))
        prev = c
    if word:
        words.append("".join(word))
    return " ".join(words)
