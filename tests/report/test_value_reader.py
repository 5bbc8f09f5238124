"""Properties of the one value reader every medium shares (assets/form/values.py): however a
number is printed, it reads as that number; placeholders are 0; an empty cell is NULL."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gongkai.assets.form.values import PLACEHOLDERS, cell_fields, parse_value

_FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
counts = st.integers(min_value=0, max_value=10**7)
blanks = st.text(alphabet=" \u3000\xa0\t", max_size=4)


@given(counts, st.booleans(), st.booleans(), blanks, blanks)
def test_a_count_reads_however_it_is_printed(n: int, full_width: bool, thousands: bool,
                                             before: str, after: str) -> None:
    text = f"{n:,}" if thousands else str(n)
    if full_width:
        text = text.translate(_FULL_WIDTH)
    assert parse_value(before + text + after) == (True, n)
    assert cell_fields(before + text + after, whole_cell=True) == (("num", text, n),)


@given(st.integers(min_value=10, max_value=10**6), st.data())
def test_spaces_inside_one_cells_number_do_not_split_it(n: int, data: st.DataObject) -> None:
    digits = str(n)
    cuts = sorted(data.draw(st.sets(st.integers(1, len(digits) - 1), min_size=1, max_size=2)))
    pieces = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)])]
    spaced = " ".join(pieces)
    assert parse_value(spaced) == (True, n)
    assert [(kind, value) for kind, _, value in cell_fields(spaced, whole_cell=True)] == [("num", n)]


@given(st.lists(st.sampled_from(["0", "０", "—", "无", "-"]), min_size=2, max_size=7))
def test_zeros_and_placeholders_in_one_cell_stay_separate_cells(parts: list[str]) -> None:
    parts[0] = "0"  # a number never starts with 0: '0 0 0' is three cells, not 000
    fields = cell_fields(" ".join(parts), whole_cell=True)
    assert [(kind, value) for kind, _, value in fields] == [("num", 0)] * len(parts)


@given(counts, st.sampled_from(["*", "＊", "※", "①", "²", "[1]", "（注1）", "注2"]))
def test_a_footnote_mark_does_not_change_the_number(n: int, mark: str) -> None:
    assert parse_value(f"{n}{mark}") == (True, n)


@given(st.sampled_from(sorted(PLACEHOLDERS)), blanks)
def test_a_placeholder_is_zero(mark: str, pad: str) -> None:
    assert parse_value(pad + mark + pad) == (True, 0)
    assert cell_fields(pad + mark + pad, whole_cell=True) == (("num", mark, 0),)


@given(blanks)
def test_an_empty_cell_is_null_never_zero(text: str) -> None:
    assert parse_value(text) == (True, None)
    assert cell_fields(text, whole_cell=True) == (("empty", "", None),)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_yuan_reads_in_ten_thousand_yuan_and_wan_yuan_as_printed(n: int, cents: int) -> None:
    yuan = f"{n}.{cents:02d}"
    assert parse_value(f"{yuan}元") == (True, float(Decimal(yuan) / 10000))
    assert parse_value(f"{yuan}万元") == (True, float(yuan))
    assert parse_value(f"{n}元") == (True, float(Decimal(n) / 10000))


@given(st.text(alphabet="行政许可处罚规章公开申请数量本年", min_size=1, max_size=12))
def test_label_text_is_not_a_value(label: str) -> None:
    assert parse_value(label)[0] is False


@given(st.lists(counts, min_size=2, max_size=7))
def test_a_line_of_text_keeps_its_numbers_apart(numbers: list[int]) -> None:
    line = "1.本机关不掌握相关政府信息 " + " ".join(map(str, numbers))
    fields = cell_fields(line, whole_cell=False)
    assert fields[0][0] == "label"
    assert [value for _, _, value in fields[1:]] == numbers
