"""Read the three statistical tables out of a token stream, by label.

Walking a region's tokens: label pieces accumulate into a run until values follow; the run
names a row (`form.labels.match_row`: by pattern, else by similarity and place), and the
values after it, up to the next label, are that row's cells in the format's column order. A run followed only by empty cells (a header, a
label cut in two by a page break) is not finished yet: the next label piece joins it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gongkai.assets.form.labels import T3_ROWS, expected_row, label_key, match_row
from gongkai.assets.form.spec import T3_COLS, T4_COLS, T4_ROWS
from gongkai.assets.form.values import opens_row
from gongkai.assets.report.runs import is_run, split_runs
from gongkai.assets.report.tokens import Token, TokenStream

log = logging.getLogger(__name__)

# (value, raw) for one cell; (None, None) when the cell was not found.
Slot = tuple[int | float | None, str | None]


@dataclass
class RawTables:
    """Rows as printed: row_id → the slots after its label, in printed column order."""

    t2: dict[str, list[Slot]] = field(default_factory=dict)
    t3: dict[str, list[Slot]] = field(default_factory=dict)
    t4: dict[str, list[Slot]] = field(default_factory=dict)
    t2_labels: list[str] = field(default_factory=list)  # every label seen in t2, for the format
    t3_labels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.t2 or self.t3 or self.t4)


def _take(group: list[Token], n: int) -> list[Slot]:
    """The first n values of a row. When fewer than n values are printed, the empty cells
    keep their places (an empty cell is NULL, not skipped)."""
    nums = [t for t in group if t.kind == "num"]
    if len(nums) >= n:
        return [(t.value, t.text) for t in nums[:n]]
    slots = [t for t in group if t.kind in ("num", "empty")]
    while len(slots) > n and slots[-1].kind == "empty":
        slots.pop()
    while len(slots) > n and slots[0].kind == "empty":
        slots.pop(0)
    out: list[Slot] = [(t.value, t.text) if t.kind == "num" else (None, None) for t in slots[:n]]
    return out + [(None, None)] * (n - len(out))


def _read_rows(tokens: list[Token], widths: dict[str, int], into: dict[str, list[Slot]],
               labels: list[str], warnings: list[str], table_id: str) -> dict[str, str]:
    """Fills ``into``; returns the rows printed as one run of digits (cell boundaries lost),
    row_id → the run, whose slots are NULL until `split_runs` splits them."""
    runs: dict[str, str] = {}
    run: list[str] = []
    group: list[Token] = []
    has_num = False  # whether the group holds a number
    # A row whose label named no row yet: its values sat beside the label's first line (or
    # a page broke the label), so the label's tail follows them. Label pieces after it, up to
    # one opening a row with its numbering, complete it if no values of their own follow.
    pending: tuple[list[str], list[Token]] | None = None
    last: str | None = None  # the row matched last: the next one is expected after it
    similar: set[str] = set()  # rows matched by similarity only: an exact match replaces them

    def finish(run: list[str], group: list[Token]) -> bool:
        """Record the row the run names; False when it names none."""
        nonlocal last
        key = "".join(label_key(r) for r in run)
        exact = set(into) - similar
        match = match_row(key, table_id, expected=expected_row(table_id, last, into),
                          taken=into)
        if match is None:
            return False
        row_id = match.row_id
        width = widths.get(row_id, 1)
        slots = _take(group, width)
        if row_id in exact and (row_id in runs or any(v is not None for v, _ in into[row_id])):
            warnings.append(f"{table_id}: row {row_id} printed twice; kept the first")
            return True
        if not match.exact:
            similar.add(row_id)
            warnings.append(f"{table_id}: row label {''.join(run)!r} read as {row_id} "
                            "(alike, not the same words)")
        elif row_id in similar:
            similar.discard(row_id)
            runs.pop(row_id, None)
            warnings.append(f"{table_id}: row {row_id} printed with its own words later; "
                            "the alike label before it was not this row")
        into[row_id] = slots
        last = row_id
        nums = [t for t in group if t.kind == "num"]
        if len(nums) == len(group) == 1 and is_run(nums[0].text, width):
            runs[row_id] = nums[0].text
            into[row_id] = [(None, None)] * width
        return True

    def complete_pending() -> None:
        nonlocal pending, run
        if pending is not None and run and finish(pending[0] + run, pending[1]):
            run = []
        pending = None

    def names_row(pieces: list[str]) -> bool:
        """Whether the pieces print a row's own words (likeness is too loose to cut by)."""
        match = match_row("".join(label_key(r) for r in pieces), table_id)
        return match is not None and match.exact

    def complete_pending_with_head() -> None:
        """The pieces before these values may begin with the pending label's tail (a label
        wrapped over a page break: `5．要求行政机关确认或重新出` | `具已获取信息`, then the
        next row's label): split where both parts name a row, else where the first does (the
        second may be wrapped too, its tail still to come)."""
        nonlocal run
        assert pending is not None
        heads = [k for k in range(1, len(run)) if names_row(pending[0] + run[:k])]
        for k in sorted(heads, key=lambda k: not names_row(run[k:])):
            finish(pending[0] + run[:k], pending[1])
            run = run[k:]
            return

    for tok in tokens:
        if tok.kind == "label":
            labels.append(tok.text)
            if has_num:
                pending = (run, group) if run and not finish(run, group) else None
                run = []
            elif opens_row(tok.text):
                complete_pending()
            group = []
            has_num = False
            run.append(tok.text)
        else:
            group.append(tok)
            if tok.kind == "num":
                if not has_num and pending is not None:
                    complete_pending_with_head()
                has_num = True
                pending = None  # the label pieces since hold values of their own
    if has_num:
        if run:
            finish(run, group)
    else:
        complete_pending()
    return runs


def read_tables(stream: TokenStream, t2_widths: dict[str, int]) -> RawTables:
    out = RawTables()
    by_region: dict[str, list[Token]] = {"t2": [], "t3": [], "t4": []}
    for tok in stream.tokens:
        if tok.region in by_region:
            by_region[tok.region].append(tok)
    runs = _read_rows(by_region["t2"], t2_widths, out.t2, out.t2_labels, out.warnings, "t2")
    split_runs("t2", out.t2, runs, (), out.warnings)
    t3_widths = {rp.row_id: len(T3_COLS) for rp in T3_ROWS}
    runs = _read_rows(by_region["t3"], t3_widths, out.t3, out.t3_labels, out.warnings, "t3")
    split_runs("t3", out.t3, runs, _result_leaves(out.t3), out.warnings)
    _read_t4(by_region["t4"], out)
    return out


def _result_leaves(t3: dict[str, list[Slot]]) -> tuple[str, ...]:
    """The result rows that add up to result.total: the 2021 split of （六）其他处理 or the
    2019 single row, whichever the table prints."""
    split_other = any(r.startswith("result.other.") for r in t3)
    return tuple(rp.row_id for rp in T3_ROWS
                 if rp.row_id.startswith("result.") and rp.row_id != "result.total"
                 and rp.row_id != ("result.other" if split_other else "")
                 and not (rp.row_id.startswith("result.other.") and not split_other))


def _read_t4(tokens: list[Token], out: RawTables) -> None:
    """t4 is one row of 15 numbers (review ×5, direct suit ×5, suit after review ×5)."""
    n = len(T4_ROWS) * len(T4_COLS)
    nums = [t for t in tokens if t.kind == "num"]
    if not nums:
        return
    if len(nums) == 1 and is_run(nums[0].text, n):  # the row's cell boundaries were lost
        whole = {"t4": [(None, None)] * n}
        split_runs("t4", whole, {"t4": nums[0].text}, (), out.warnings)
        for i, row_id in enumerate(T4_ROWS):
            out.t4[row_id] = whole["t4"][i * len(T4_COLS):(i + 1) * len(T4_COLS)]
        return
    if len(nums) >= n:
        slots: list[Slot] = [(t.value, t.text) for t in nums[:n]]
    else:
        slots = _take(_t4_cells(tokens, nums, n), n)
        out.warnings.append(f"t4: {len(nums)} values printed where {n} were expected")
    for i, row_id in enumerate(T4_ROWS):
        out.t4[row_id] = slots[i * len(T4_COLS):(i + 1) * len(T4_COLS)]


def _t4_cells(tokens: list[Token], nums: list[Token], n: int) -> list[Token]:
    """The value row's cells, empty ones keeping their places: the cells of the rows holding
    numbers and, one cell per line, the empty lines between the first and the last number,
    then those right after and right before them while fewer than ``n``."""
    rows = {t.row for t in nums}
    at = [i for i, t in enumerate(tokens) if t.kind == "num"]
    first, last = at[0], at[-1]
    inside = [i for i, t in enumerate(tokens) if t.kind in ("num", "empty")
              and (t.row in rows or first <= i <= last)]
    if len(inside) < n:
        after = last + 1
        while len(inside) < n and after < len(tokens) and tokens[after].kind == "empty":
            inside.append(after)
            after += 1
        before = first - 1
        while len(inside) < n and before >= 0 and tokens[before].kind == "empty":
            inside.insert(0, before)
            before -= 1
    return [tokens[i] for i in sorted(set(inside))] if len(inside) >= n else nums
