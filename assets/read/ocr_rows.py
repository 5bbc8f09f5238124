"""The value rows of an OCR'd table checked by the form's arithmetic (勾稽关系) before they
leave the reader: a value is never placed in a column it does not belong to.

A cell the model read as no value (a letter for a specked 0, a row label repeated into the
first value column) stays in its column as an empty cell, never dropped so that the row's
later values slide left. A t3 row (six applicant columns and 总计) and t4's row (three groups
of four outcomes and their 总计) whose printed total and parts disagree as read are read
again: each doubtful cell's other readings (its cut-out, grey and cleaned) and, failing
those, the digits the model confuses under specks (0 for 6, 8 or 9; 1 for 4 or 7 …). Where
one reading of the row satisfies the form's rule (`gongkai.assets.form.rules`), it is
taken; otherwise the doubtful cells — the whole group where no reading fits — are left NULL
with a warning saying why. A row read without doubt that still disagrees is printed so: the
report's own finding, kept as printed.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gongkai.assets.form.rules import RULES, Values
from gongkai.assets.form.spec import T3_COLS, T4_COLS, T4_ROWS
from gongkai.assets.form.values import parse_value

log = logging.getLogger(__name__)

DOUBT = 0.9  # a reading the model is less sure of is checked by the row's arithmetic
MAX_COMBINATIONS = 20_000  # readings tried per group of a row (a few doubtful cells each)

# What the model makes of a lone digit with a speck on it: an accented letter for a 0, a
# dollar sign for a 5. Only ever a candidate, taken where the row's arithmetic agrees.
_GLYPH_DIGITS = {"ô": "0", "ò": "0", "ó": "0", "ö": "0", "à": "0", "á": "0", "â": "0", "ä": "0",
                 "è": "0", "é": "0", "ρ": "0", "p": "0", "θ": "0", "σ": "0", "ø": "0", "Ø": "0",
                 "a": "0", "e": "0", "$": "5", "s": "5", "n": "11", "u": "11"}
# Digits the model takes for one another when specks touch the strokes.
_CONFUSED = {"0": "689", "1": "47", "2": "7", "3": "58", "4": "1", "5": "36", "6": "058",
             "7": "12", "8": "0369", "9": "08"}


@dataclass
class CellRead:
    """One cell as read: the text kept, the model's confidence in it, whether the cell holds
    ink and, once its row asks, its other readings (text, confidence)."""

    text: str
    score: float = 1.0
    ink: bool = True
    sure: bool = False  # read from the ink's shape (a dash, a slash): no second look
    more: list[tuple[str, float]] = field(default_factory=list)


_CJK = re.compile(r"[\u3400-\u9fff]")
Slot = tuple[int, int]
Reread = Callable[[Slot], list[tuple[str, float]]]


def _value(text: str) -> tuple[bool, int | float | None]:
    ok, value = parse_value(text)
    return (True, value) if ok else (False, None)


def value_span(cells: dict[Slot, CellRead], n_rows: int, n_cols: int) -> tuple[int, int] | None:
    """The grid's value columns (first, last). They run to the table's right edge (t2, t3
    and t4 alike) and start after the row labels: in each row of at least two numbers, the
    first cell holding no label (a number, a misread value); the leftmost."""
    starts = []
    for r in range(n_rows):
        row = [(c, cells[(r, c)].text) for c in range(n_cols) if (r, c) in cells]
        if sum(1 for _, t in row if t and _value(t)[0]) < 2:
            continue
        starts.append(next(c for c, t in row if t and (not _CJK.search(t) or _value(t)[0])))
    return (min(starts), n_cols - 1) if starts else None


def _groups(width: int) -> list[tuple[str, str, list[str]]] | None:
    """The rule a value row of ``width`` cells answers to: (rule, table, row of each group,
    columns), or None for rows the form gives no arithmetic (t2)."""
    if width == len(T3_COLS):
        return [("t3_row_total", "t3", "row", list(T3_COLS))]
    if width == len(T4_ROWS) * len(T4_COLS):
        return [("t4_row_total", "t4", row, list(T4_COLS)) for row in T4_ROWS]
    return None


_CHECKS = {r.name: r.check for r in RULES if r.check is not None}


def _fits(rule: str, table: str, row: str, cols: list[str], values: Sequence) -> bool:
    """Whether the values of one row (or t4 group) pass the form's rule for it."""
    check = _CHECKS[rule]
    found: Values = {(table, row, c): v for c, v in zip(cols, values)}
    return all(f.passed is not False for f in check(found, None, {}) if f.row_id == row)


def _candidates(read: CellRead, confusions: bool) -> list[int | float | None]:
    """The values a doubtful cell may hold: its readings, lone glyphs as the digits they
    stand for and, with ``confusions``, each digit swapped for one the model confuses."""
    texts = [read.text] + [t for t, _ in read.more]
    texts += [_GLYPH_DIGITS[t] for t in list(texts) if t in _GLYPH_DIGITS]
    if confusions:
        for t in list(texts):
            if t.isdigit():
                texts += [t[:i] + d + t[i + 1:] for i, ch in enumerate(t) for d in _CONFUSED[ch]
                          if not (d == "0" and i == 0 and len(t) > 1)]
    out: list[int | float | None] = []
    for t in texts:
        ok, v = _value(t)
        if ok and v is not None and v not in out:
            out.append(v)
    return out


def _disagrees(read: CellRead) -> bool:
    """Its readings are no value, or several values."""
    ok, value = _value(read.text)
    return not ok or not read.text or any(_value(t) != (True, value) for t, _ in read.more)


def _doubtful(read: CellRead) -> bool:
    if read.sure or not read.ink:
        return False
    return _disagrees(read) or read.score < DOUBT or any(s < DOUBT for _, s in read.more)


def settle_rows(cells: dict[Slot, CellRead], n_rows: int, n_cols: int, reread: Reread,
                warnings: list[str], where: str) -> dict[Slot, str]:
    """The texts of a grid's cells, its value rows settled: {slot: text}. ``reread`` gives a
    cell's other readings from its ink; ``where`` names the table in the warnings."""
    texts = {slot: read.text for slot, read in cells.items()}
    span = value_span(cells, n_rows, n_cols)
    if span is None:
        return texts
    for r in range(n_rows):
        slots = [(r, c) for c in range(span[0], span[1] + 1) if (r, c) in cells]
        if not any(_value(cells[s].text)[0] and cells[s].text for s in slots):
            continue  # a header or a label row: no values to place
        label = next((cells[(r, c)].text for c in reversed(range(span[0]))
                      if (r, c) in cells and cells[(r, c)].text), "")
        _settle_row(r, slots, cells, texts, reread, label, warnings, where,
                    full=len(slots) == span[1] - span[0] + 1)
    return texts


def _settle_row(r: int, slots: list[Slot], cells: dict[Slot, CellRead], texts: dict[Slot, str],
                reread: Reread, label: str, warnings: list[str], where: str, full: bool) -> None:
    name = f"{where}: row {label or r + 1}"

    def primary(s: Slot) -> tuple[bool, int | float | None]:
        return _value(cells[s].text) if cells[s].text else (True, None)

    groups = _groups(len(slots)) if full else None
    settled = groups is not None and all(primary(s)[0] for s in slots) and all(
        _fits(rule, table, row, cols, [primary(s)[1] for s in part])
        for (rule, table, row, cols), part in zip(groups, _split(slots, groups)))
    if settled:
        return
    for s in slots:  # a second look at every cell of the row with ink
        read = cells[s]
        if read.ink and not read.sure and not read.more:
            read.more = reread(s)
    if groups is None:  # no arithmetic to check by: a reading that is no value is no value
        for s in slots:
            if not primary(s)[0]:
                alt = next((t for t, _ in cells[s].more if t and _value(t)[0]), None)
                texts[s] = alt or ""
                if alt is None:
                    warnings.append(f"{name}: a value cell read as {cells[s].text!r}: left NULL")
        return
    for (rule, table, row, cols), part in zip(groups, _split(slots, groups)):
        _settle_group(part, cells, texts, lambda vs, a=(rule, table, row, cols): _fits(*a, vs),
                      f"{name}{'' if table == 't3' else f' ({row})'}", warnings)


def _split(slots: list[Slot], groups: list) -> list[list[Slot]]:
    n = len(slots) // len(groups)
    return [slots[i * n:(i + 1) * n] for i in range(len(groups))]


def _settle_group(part: list[Slot], cells: dict[Slot, CellRead], texts: dict[Slot, str],
                  fits: Callable[[list], bool], name: str, warnings: list[str]) -> None:
    doubtful = [s for s in part if _doubtful(cells[s])]
    as_read = [_value(cells[s].text)[1] if _value(cells[s].text)[0] else None for s in part]
    if not doubtful:
        return  # read without doubt: what the report prints, agreeing or not
    if all(_value(cells[s].text)[0] for s in part) and fits(as_read):
        return
    for confusions in (False, True):
        options = [_candidates(cells[s], confusions) if s in doubtful else [as_read[i]]
                   for i, s in enumerate(part)]
        if any(not o for o in options):
            break  # a cell with no reading at all: nothing to check the row by
        if _product(options) > MAX_COMBINATIONS:
            break
        found = {vs for vs in itertools.product(*options) if fits(list(vs))}
        if found:
            _take(part, found, cells, texts, name, warnings)
            return
    unreadable = [s for s in doubtful if not _candidates(cells[s], False)]
    if unreadable:  # nothing to check the group by: what was read several ways is left NULL
        dropped = [s for s in doubtful if _disagrees(cells[s])]
        for s in dropped:
            texts[s] = ""
        warnings.append(f"{name}: value cell(s) unreadable or read several ways "
                        f"({', '.join(repr(cells[s].text) for s in dropped)}): left NULL")
        return
    for s in part:
        texts[s] = ""
    shown = " ".join(cells[s].text or "·" for s in part)
    warnings.append(f"{name}: the values read ({shown}) do not add up to the row's total and "
                    "no reading of the doubtful cells does: the row left NULL")


def _product(options: list[list]) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


def _take(part: list[Slot], found: set[tuple], cells: dict[Slot, CellRead],
          texts: dict[Slot, str], name: str, warnings: list[str]) -> None:
    """The cells every fitting reading agrees on take that value; where readings that fit
    disagree, the cell is left NULL."""
    unsure = []
    for i, s in enumerate(part):
        values = {vs[i] for vs in found}
        if len(values) == 1:
            v = values.pop()
            if v is not None and _value(cells[s].text)[1] != v:
                log.debug("%s: %r read again as %s (the row's total agrees)", name, cells[s].text, v)
                texts[s] = _text(v)
            elif not _value(cells[s].text)[0]:
                texts[s] = ""
        else:
            unsure.append(s)
            texts[s] = ""
    if unsure:
        warnings.append(f"{name}: {len(unsure)} value cell(s) read several ways that each add "
                        f"up to the row's total ({', '.join(repr(cells[s].text) for s in unsure)}): "
                        "left NULL")


def _text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
