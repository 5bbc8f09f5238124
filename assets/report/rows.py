"""Which canonical row a printed row label names.

Patterns run on `label_key` text (no brackets, numbering punctuation, quotes or spaces), and
on the whole run of label pieces before a row's values, which may also hold its category
(三、本年度办理结果（三）不予公开1.属于国家秘密), the table header, or the tail of a label cut by
a page break (法提供2.没有现成信息需要另行制作). The row is the pattern matching LAST in the run.
Each pattern is the label's distinctive words, so typos elsewhere (由由) and missing
numbering do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RowPattern:
    row_id: str
    pattern: re.Pattern[str]


def _p(row_id: str, regex: str) -> RowPattern:
    return RowPattern(row_id, re.compile(regex))


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

_MATCHED: dict[tuple[int, str], str | None] = {}  # (id(patterns), key) → row_id


def match_row(key: str, patterns: tuple[RowPattern, ...]) -> str | None:
    """The row whose pattern matches last (then longest) in a run of label text."""
    if patterns in (T2_ROWS, T3_ROWS):  # the module's own tables: runs repeat, remember them
        memo = (id(patterns), key)
        if memo not in _MATCHED:
            if len(_MATCHED) > 8192:
                _MATCHED.clear()
            _MATCHED[memo] = _match_row(key, patterns)
        return _MATCHED[memo]
    return _match_row(key, patterns)


def _match_row(key: str, patterns: tuple[RowPattern, ...]) -> str | None:
    best: tuple[int, int] | None = None
    best_row = None
    for rp in patterns:
        for m in rp.pattern.finditer(key):
            score = (m.end(), m.end() - m.start())
            if best is None or score > best:
                best, best_row = score, rp.row_id
    return best_row
