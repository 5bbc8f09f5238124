"""Rows whose cell boundaries were lost: a run of digits (``170000017``) standing for several
cells (17 0 0 0 0 0 17). Portal archives and scraper exports keep a page's text that way.

A run is split only where the form's own arithmetic leaves one way to do it: each part a
number as printed (no leading zeros), the t3 row total the sum of its six applicant columns,
each t4 group's total the sum of its four outcomes, and across t3's rows, per column, the
result rows adding up to 总计 and the balance received_new + carried_over = result.total +
carried_forward. A run that still splits several ways (or none) stays NULL, with the reason
in the report's warnings: never a guess.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

Values = tuple[int, ...]
Check = Callable[[Values], bool]

# Enumerating splits is exponential in the run's length: past this many partial splits the
# run is left NULL (a real row's digits split within a few thousand steps).
MAX_STEPS = 200_000
# How many sums of candidate rows the cross-row constraints may hold at once.
MAX_SUMS = 20_000


class TooManySplits(Exception):
    pass


def digits_of(text: str) -> str | None:
    """The run's digits (full-width digits too), or None when the text is not a bare run."""
    t = unicodedata.normalize("NFKC", text.strip())
    return t if t.isascii() and t.isdigit() else None


def is_run(text: str, width: int) -> bool:
    """Whether one printed value must be several cells run together: a bare run of digits
    in a row of ``width`` cells, at least one digit a cell."""
    digits = digits_of(text)
    return width > 1 and digits is not None and len(digits) >= width


def splits(digits: str, width: int, check: Check | None = None) -> list[Values]:
    """Every way to cut ``digits`` into ``width`` printed numbers that passes ``check``.
    Raises TooManySplits when the search is too large to finish."""
    steps = 0
    out: list[Values] = []

    def walk(start: int, parts: list[int]) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            raise TooManySplits
        left = width - len(parts)
        rest = len(digits) - start
        if left == 1:
            if digits[start] != "0" or rest == 1:
                values = (*parts, int(digits[start:]))
                if check is None or check(values):
                    out.append(values)
            return
        longest = 1 if digits[start] == "0" else rest - (left - 1)
        for end in range(start + 1, start + longest + 1):
            parts.append(int(digits[start:end]))
            walk(end, parts)
            parts.pop()

    walk(0, [])
    return out


def row_total_check(groups: int, group_width: int) -> Check:
    """Each group of ``group_width`` numbers ends with its total: the sum of the others."""
    def check(values: Values) -> bool:
        for g in range(groups):
            part = values[g * group_width:(g + 1) * group_width]
            if sum(part[:-1]) != part[-1]:
                return False
        return True
    return check


Candidates = dict[str, list[Values]]


def narrow_t3(candidates: Candidates, width: int, leaves: tuple[str, ...]) -> None:
    """Drop candidate splits of t3 rows that no choice of the other rows' candidates makes
    add up, per column: the result ``leaves`` = result.total (only when every leaf is
    known), and the balance. Rows already read (one candidate) take part as they are.
    Repeats until nothing changes."""
    equations: list[tuple[list[str], list[str]]] = []  # (rows added, rows subtracted) = 0
    if leaves and all(r in candidates for r in (*leaves, "result.total")):
        equations.append((list(leaves), ["result.total"]))
    balance = (["received_new", "carried_over"], ["result.total", "carried_forward"])
    if all(r in candidates for r in balance[0] + balance[1]):
        equations.append(balance)
    changed = True
    while changed:
        changed = False
        for plus, minus in equations:
            signed = [(r, 1) for r in plus] + [(r, -1) for r in minus]
            for row, sign in signed:
                if len(candidates[row]) < 2:
                    continue
                others = _sums([(r, s) for r, s in signed if r != row], candidates, width)
                if others is None:
                    continue
                kept = [c for c in candidates[row]
                        if tuple(-sign * v for v in c) in others]
                if len(kept) < len(candidates[row]):
                    candidates[row] = kept
                    changed = True


def _sums(signed: list[tuple[str, int]], candidates: Candidates,
          width: int) -> set[Values] | None:
    """Every column-wise signed sum the rows' candidates can make; None when too many."""
    sums: set[Values] = {(0,) * width}
    for row, sign in signed:
        options = candidates[row]
        if not options:
            return set()
        sums = {tuple(a + sign * b for a, b in zip(s, c)) for s in sums for c in options}
        if len(sums) > MAX_SUMS:
            return None
    return sums


def split_runs(table_id: str, rows: dict[str, list], runs: dict[str, str],
               leaves: tuple[str, ...], warnings: list[str]) -> None:
    """Fill the slots of each row printed as a run of digits, where exactly one split fits
    the form's arithmetic; the others stay NULL and the reason goes to ``warnings``.
    ``leaves``: the t3 result rows that add up to result.total (empty for t2 and t4)."""
    if not runs:
        return
    candidates: Candidates = {}
    for row_id, text in runs.items():
        width = len(rows[row_id])
        if table_id == "t3":
            check: Check | None = row_total_check(1, width)
        elif table_id == "t4":
            check = row_total_check(width // 5, 5)
        else:
            check = None
        try:
            candidates[row_id] = splits(digits_of(text) or "", width, check)
        except TooManySplits:
            warnings.append(f"{table_id}: row {row_id} printed as the digit run {text}: "
                            "too many ways to split it; left NULL")
            rows[row_id] = [(None, None)] * width
    if table_id == "t3":
        width = max(len(s) for s in rows.values())
        known = {r: [tuple(v for v, _ in slots)] for r, slots in rows.items()
                 if r not in runs and slots and all(isinstance(v, int) for v, _ in slots)}
        everything = {**known, **candidates}
        narrow_t3(everything, width, leaves)
        candidates = {r: everything[r] for r in candidates}
    for row_id, options in candidates.items():
        if len(options) == 1:
            rows[row_id] = [(v, str(v)) for v in options[0]]
            continue
        why = "no split fits" if not options else f"{len(options)} splits fit"
        warnings.append(f"{table_id}: row {row_id} printed as the digit run {runs[row_id]} "
                        f"(cell boundaries lost): {why} the form's arithmetic; left NULL")
