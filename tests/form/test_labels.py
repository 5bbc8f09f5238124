"""The one row-label matcher every medium uses: by pattern, else by similarity and place."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.assets.form.labels import (
    T3_ROWS,
    expected_row,
    label_key,
    match_row,
    row_words,
)
from gongkai.assets.form.spec import all_cells
from gongkai.assets.report.parse import parse_bytes
from tests.report.test_report_behaviours import T3_ROWS_2021, _cells, _page, _t3_html


def _printed_labels() -> list[tuple[str, str, str]]:
    """(table_id, row_id, canonical printed label) of every t2/t3 row in cells.csv."""
    seen = {}
    for c in all_cells():
        if c.table_id in ("t2", "t3"):
            seen.setdefault((c.table_id, c.row_id, c.row_label), None)
    return list(seen)


LABELS = _printed_labels()
_NUMBERED = {"、": ".", ".": "、", "（": "(", "）": ")", "(": "（", ")": "）"}


def _variant(label: str, rnd: random.Random) -> str:
    """A way reports print the same label: other bracket width, 1、 for 1., spaces and line
    breaks inside, numbering left out."""
    out = label
    if rnd.random() < 0.5:
        out = "".join(_NUMBERED.get(ch, ch) for ch in out)
    if rnd.random() < 0.3:
        out = out.replace(" ", "")
    if rnd.random() < 0.3 and len(out) > 4:
        cut = rnd.randrange(1, len(out))
        out = out[:cut] + rnd.choice(["\n", " ", "\u3000", "\r\n"]) + out[cut:]
    if rnd.random() < 0.3:
        # numbering left out: （三）不予公开 1.属于国家秘密 → 不予公开 属于国家秘密
        import re
        out = re.sub(r"[（(][一二三四五六七八九十]+[)）]|(?<![\d])\d[.、．]|^[一二三四五六七八九十]+、", "", out)
    return out


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LABELS), st.randoms(use_true_random=False))
def test_every_printed_label_and_its_variants_name_its_row(label, rnd) -> None:
    table_id, row_id, text = label
    printed = _variant(text, rnd)
    match = match_row(label_key(printed), table_id)
    assert match is not None and match.row_id == row_id, (text, printed)


LONG_T3 = [(row, text) for t, row, text in LABELS
           if t == "t3" and len(row_words("t3")[row][0]) >= 6]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(LONG_T3), st.data())
def test_one_typo_in_a_long_label_names_its_row_or_nothing_never_another(label, data) -> None:
    row_id, text = label
    leaf = text.split(" ")[-1]  # the words the row prints in its own cell
    at = data.draw(st.integers(0, len(leaf) - 1))
    deleted = data.draw(st.booleans())
    typo = leaf[:at] + ("" if deleted else data.draw(st.sampled_from("的了在和与是为止法信公开申请"))) \
        + leaf[at + 1:]
    for expected in (None, row_id, expected_row("t3", None, ())):
        match = match_row(label_key(typo), "t3", expected=expected)
        assert match is None or match.row_id == row_id, (leaf, typo, expected, match)


def test_a_typo_label_names_its_row_by_similarity_not_by_pattern() -> None:
    # A published report: one character substituted (法规禁 → ) and one dropped.
    match = match_row(label_key("2.其他法律行政止公开"), "t3")
    assert match is not None and match.row_id == "result.denied.prohibited_by_law"
    assert not match.exact


def test_similarity_never_takes_a_row_already_matched() -> None:
    key = label_key("2.其他法律行政止公开")
    assert match_row(key, "t3", taken={"result.denied.prohibited_by_law"}) is None


def test_the_row_expected_at_this_place_needs_less_likeness() -> None:
    # Two characters garbled in a nine-character label: alone it is too far to name a row,
    # right after 属于国家秘密 it is the row the table prints next.
    key = label_key("2.其它法侓行政法规禁止")
    assert match_row(key, "t3") is None or match_row(key, "t3").row_id == \
        "result.denied.prohibited_by_law"
    after = expected_row("t3", "result.denied.state_secret", {"result.denied.state_secret"})
    assert after == "result.denied.prohibited_by_law"
    match = match_row(label_key("2.其法律政法止公开"), "t3", expected=after)
    assert match is not None and match.row_id == after
    assert match_row(label_key("2.其法律政法止公开"), "t3") is None


def test_short_labels_are_never_matched_by_similarity() -> None:
    assert match_row(label_key("规草"), "t2") is None
    assert match_row(label_key("总汁"), "t3") is None


def test_every_t3_row_has_its_printed_words_from_the_spec() -> None:
    words = row_words("t3")
    assert set(words) == {rp.row_id for rp in T3_ROWS}
    assert words["result.denied.prohibited_by_law"] == ("其他法律行政法规禁止公开",)
    assert words["result.partly_granted"] == ("部分公开",)
    assert all(words[r] for r in words)


# --- in a document ------------------------------------------------------------------------

def _values(i: int) -> str:
    return f"<td>{i}</td>" + "<td>0</td>" * 5 + f"<td>{i}</td>"


def test_row_with_a_typo_in_its_label_keeps_its_seven_cells() -> None:
    # issue 10 class 8: all 7 cells of this row came out NULL.
    rows = [(cat, "2.其他法律行政止公开" if leaf == "2.其他法律行政法规禁止公开" else leaf)
            for cat, leaf in T3_ROWS_2021]
    values = {"2.其他法律行政止公开": "<td>3</td><td>1</td>" + "<td>0</td>" * 4 + "<td>4</td>"}
    report = parse_bytes(_page(_t3_html(values, rows)), "typo.html")
    cells = _cells(report)
    got = [cells[("result.denied.prohibited_by_law", c)].value for c in
           ("natural_person", "commercial", "research", "public_interest", "legal_service",
            "other_org", "total")]
    assert got == [3, 1, 0, 0, 0, 0, 4]
    assert cells[("result.denied.prohibited_by_law", "total")].raw == "4"
    assert any("read as result.denied.prohibited_by_law" in w for w in report.warnings)
    assert not any("not found" in w for w in report.warnings)


def test_an_alike_label_never_takes_the_values_of_a_row_printed_with_its_own_words() -> None:
    # The typo'd label printed as an extra row before the real one: the real row keeps its
    # values, the alike one does not overwrite them.
    rows = list(T3_ROWS_2021)
    at = rows.index(("（三）不予公开", "1.属于国家秘密"))
    rows.insert(at + 1, (None, "2.其他法律行政止公开"))
    values = {"2.其他法律行政止公开": _values(9), "2.其他法律行政法规禁止公开": _values(5)}
    report = parse_bytes(_page(_t3_html(values, rows)), "twice.html")
    assert _cells(report)[("result.denied.prohibited_by_law", "total")].value == 5


# The real documents that print the label, with the published typo put in its place.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRINTING_THE_LABEL = sorted(
    p for p in [*FIXTURES.glob("seeds/*.txt"), *FIXTURES.glob("samples/*")]
    if p.suffix in (".txt", ".html", ".md") and "其他法律行政法规禁止公开" in p.read_text("utf-8"))


@pytest.mark.parametrize("path", PRINTING_THE_LABEL, ids=lambda p: p.name)
def test_a_real_report_with_the_typo_reads_the_same_cells(path: Path) -> None:
    data = path.read_text("utf-8")
    typo = data.replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    original = parse_bytes(data.encode(), path.name)
    misprinted = parse_bytes(typo.encode(), path.name)
    def values(report):
        return [(c.table_id, c.row_id, c.col_id, c.value) for c in report.cells]

    assert original.cells and values(misprinted) == values(original)
