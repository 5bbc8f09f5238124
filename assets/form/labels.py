"""Which canonical row a printed row label names: the form's row labels and the one matcher.

Labels are compared as `label_key` text (no brackets, numbering punctuation, quotes or spaces),
on the whole run of label pieces before a row's values, which may also hold its category
(三、本年度办理结果（三）不予公开1.属于国家秘密), the table header, or the tail of a label cut by
a page break (法提供2.没有现成信息需要另行制作).

1. By pattern: each row's distinctive words, so typos elsewhere (由由) and missing numbering do
   not matter. The row is the pattern matching LAST in the run.
2. By similarity, when no pattern matches: the run's tail against each row's printed label
   from cells.csv (2.其他法律行政止公开 is 2.其他法律行政法规禁止公开 with one character
   substituted and one dropped). Only a clear winner counts, and a row already matched is never
   taken again; the row expected at this place (the next after the last matched) needs less.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

from gongkai.assets.form.spec import all_cells, cells_for

_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_NON_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """A label reduced to its words: width, brackets, numbering punctuation, quotes, spaces
    and line breaks don't count (（一） == (一), 1、 == 1., “三安全一稳定” == "三安全一稳定")."""
    t = unicodedata.normalize("NFKC", text)
    t = _QUOTES.sub("", t)
    return _NON_WORD.sub("", t)


@dataclass(frozen=True)
class RowPattern:
    row_id: str
    pattern: re.Pattern[str]


def _p(row_id: str, regex: str) -> RowPattern:
    return RowPattern(row_id, re.compile(regex))


# In print order (t3: the 2021 rows of （六）其他处理, then the 2019 single row).
T2_ROWS = (
    _p("rules", r"规章"),
    _p("normative_docs", r"规范性文件"),
    _p("licensing", r"行政许可"),
    _p("other_services", r"对外管理服务"),
    _p("penalty", r"行政处罚"),
    _p("coercion", r"行政强制"),
    _p("fees", r"事业性收费"),
    _p("procurement", r"集中采购"),
)

T3_ROWS = (
    _p("received_new", r"本年新收"),
    _p("carried_over", r"上年结转"),
    _p("result.granted", r"予以公开"),
    _p("result.partly_granted", r"部分公开"),
    _p("result.denied.state_secret", r"国家秘密"),
    _p("result.denied.prohibited_by_law", r"法律行政法规禁止|禁止公开"),
    _p("result.denied.three_safeties_one_stability", r"三安全一稳定"),
    _p("result.denied.third_party_rights", r"第三方合法权益"),
    _p("result.denied.internal_affairs", r"内部事务"),
    _p("result.denied.process_info", r"过程性信息"),
    _p("result.denied.enforcement_files", r"执法案卷"),
    _p("result.denied.admin_query", r"行政查询"),
    _p("result.unable.not_held", r"不掌握"),
    _p("result.unable.needs_creation", r"另行制作|没有现成信息"),
    _p("result.unable.unclear_after_amendment", r"仍不明确|补正后申请"),
    _p("result.rejected.petition_complaint", r"信访举报投诉"),
    _p("result.rejected.duplicate", r"重复申请"),
    _p("result.rejected.publication", r"公开出版物"),
    _p("result.rejected.excessive_repeated", r"大量反复"),
    _p("result.rejected.confirm_or_reissue", r"确认或重新出具|重新出具"),
    _p("result.other.no_amendment", r"逾期不补正|不补正"),
    _p("result.other.fee_unpaid", r"缴纳费用|收费通知"),
    # "3.其他" under （六）其他处理; a bare 其他 only right after the rows above it.
    _p("result.other.other", r"(?:^|处理|3)其他$"),
    # The 2019 format's single row: （六）其他处理 with its values right after it.
    _p("result.other", r"其他处理$"),
    _p("result.total", r"(?:^|七)总计$"),
    _p("carried_forward", r"结转下年度"),
)

ROWS = {"t2": T2_ROWS, "t3": T3_ROWS}


# --- by pattern -------------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _by_pattern(key: str, table_id: str) -> str | None:
    """The row whose pattern matches last (then longest) in a run of label text."""
    best: tuple[int, int] | None = None
    best_row = None
    for rp in ROWS[table_id]:
        for m in rp.pattern.finditer(key):
            score = (m.end(), m.end() - m.start())
            if best is None or score > best:
                best, best_row = score, rp.row_id
    return best_row


# --- by similarity ----------------------------------------------------------------------------
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")  # （区分处理的，只计这一情形，不计其他情形）
_NUMBERING = re.compile(r"^[0-9一二三四五六七八九十]+")
MIN_SIMILAR_CHARS = 5  # shorter labels (规章, 总计, 3.其他) are matched by pattern only
SIMILAR = 0.8  # a row's printed label this alike names it …
EXPECTED_SIMILAR = 0.7  # … or this alike, for the row expected at this place
MARGIN = 0.1  # ahead of the second-best row by this much


def _leaf(row_label: str) -> str:
    """The words a row prints in its own cell: '（三）不予公开 2.其他法律行政法规禁止公开' →
    '其他法律行政法规禁止公开', '三、本年度办理结果（一）予以公开' → '予以公开'."""
    text = _TRAILING_NOTE.sub("", row_label)
    cut = max(text.rfind(" "), text.rfind("）"))
    return _NUMBERING.sub("", label_key(text[cut + 1:]))


@cache
def row_words(table_id: str) -> dict[str, tuple[str, ...]]:
    """row_id → the label keys of its printed label in each format (cells.csv), in print order."""
    out: dict[str, list[str]] = {rp.row_id: [] for rp in ROWS[table_id]}
    for cell in all_cells():
        if cell.table_id == table_id and cell.row_id in out:
            leaf = _leaf(cell.row_label)
            if leaf and leaf not in out[cell.row_id]:
                out[cell.row_id].append(leaf)
    return {row: tuple(words) for row, words in out.items()}


def _similarity(key: str, words: str) -> float:
    """How alike the tail of a run is to a row's label words (best over tails of nearby length)."""
    n = len(words)
    best = 0.0
    for size in range(max(1, n - 3), n + 4):
        tail = key[-size:]
        if len(tail) < size and size > n:
            break
        best = max(best, SequenceMatcher(None, tail, words, autojunk=False).ratio())
    return best


@lru_cache(maxsize=4096)
def _by_similarity(key: str, table_id: str, expected: str | None,
                   taken: frozenset[str]) -> str | None:
    if len(key) < MIN_SIMILAR_CHARS:
        return None
    scores = sorted(
        ((max(_similarity(key, w) for w in words), row)
         for row, words in row_words(table_id).items()
         if row not in taken and words and max(len(w) for w in words) >= MIN_SIMILAR_CHARS),
        reverse=True)
    if not scores:
        return None
    best, row = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0.0
    if best - second < MARGIN:
        return None
    threshold = EXPECTED_SIMILAR if row == expected else SIMILAR
    return row if best >= threshold else None


# --- the matcher ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    row_id: str
    exact: bool  # by pattern; False: by similarity, a later exact match of the row wins


def match_row(key: str, table_id: str, *, expected: str | None = None,
              taken: Collection[str] = ()) -> Match | None:
    """The row a run of label text (``label_key`` form) names in table ``table_id``.

    ``expected`` is the row the table would print next; ``taken`` the rows already matched,
    which similarity never takes again.
    """
    row = _by_pattern(key, table_id)
    if row is not None:
        return Match(row, True)
    row = _by_similarity(key, table_id, expected, frozenset(taken))
    return Match(row, False) if row is not None else None


def expected_row(table_id: str, after: str | None, taken: Collection[str]) -> str | None:
    """The row printed next after ``after`` that is not taken yet (print order)."""
    order = [rp.row_id for rp in ROWS[table_id]]
    start = order.index(after) + 1 if after in order else 0
    return next((r for r in order[start:] if r not in taken), None)


# --- the form's printed words, for text that must be read before it can be matched (OCR) ------

# Header words of the tables that label no cell of their own.
_HEADER_ONLY = ("信息内容", "法人或其他组织",
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
# A canonical label is the printed labels of its row or column joined: "（三）不予公开
# 1.属于国家秘密", "申请人情况：自然人", "三、本年度办理结果（一）予以公开". Split at a space, at a
# colon outside brackets, and before the bracketed item number after a numbered heading.
_LABEL_PARTS = re.compile(r"\s+|：(?![^（]*）)|(?<=[^（）\s])(?=（[一二三四五六七八九十]+）)")


@cache
def printed_labels() -> tuple[str, ...]:
    """Every label the form prints in its tables (2019 and 2021 wording), as printed: from the
    canonical cells (``cells.csv``) and the few header words that name no cell."""
    out: list[str] = []
    for cell in all_cells():
        for label in (cell.row_label, cell.col_label):
            for part in _LABEL_PARTS.split(label):
                if part and part not in out:
                    out.append(part)
    return tuple(out) + tuple(w for w in _HEADER_ONLY if w not in out)


@cache
def printed_t3_rows() -> dict[str, tuple[str, ...]]:
    """The printed label of each t3 row (its last part: 1.属于国家秘密, （七）总计), in the form's
    order, per format version ("2019", "2021")."""
    out = {}
    for fv in ("2019", "2021"):
        out[fv] = tuple(
            [p for p in _LABEL_PARTS.split(cell.row_label) if p][-1]
            for cell in cells_for(fv) if cell.table_id == "t3" and cell.col_id == "total")
    return out
