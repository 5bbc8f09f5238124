"""Which format a report's tables follow, decided from their own labels, never from the year.

2021 (国办公开办函〔2021〕30号): t2 columns 本年制发件数 / 本年废止件数 / 现行有效件数.
2019 (国办公开办函〔2019〕60号): t2 columns 本年新制作数量 / 本年新公开数量 / 对外公开总数量,
上一年项目数量 / 本年增/减, the 政府集中采购 block. When t2 says nothing, t3 can: the 2021 split
of （六）其他处理 into 1–3 or the 2019 single row. No table labels at all: pre2019 (free form).
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from gongkai.assets.form.labels import label_key
from gongkai.assets.form.spec import cells_for

_T2_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
_T2_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减",
            "政府集中采购", "采购项目数量", "对外管理服务事项")
_T3_2021 = ("逾期不补正", "缴纳费用", "收费通知")


def detect_format(t2_labels: list[str], t3_labels: list[str],
                  t3_rows: set[str]) -> tuple[str | None, str | None]:
    """(format_version, note). None when tables exist but say nothing either way."""
    t2 = label_key("".join(t2_labels))
    votes = Counter()
    votes["2021"] = sum(m in t2 for m in _T2_2021)
    votes["2019"] = sum(m in t2 for m in _T2_2019)
    if votes["2021"] != votes["2019"]:
        version = "2021" if votes["2021"] > votes["2019"] else "2019"
        return version, None
    t3 = label_key("".join(t3_labels))
    if any(m in t3 for m in _T3_2021) or any(r.startswith("result.other.") for r in t3_rows):
        return "2021", "format decided from table 3 (t2 labels missing)"
    if "result.other" in t3_rows:
        return "2019", "format decided from table 3 (t2 labels missing)"
    return None, None


def row_widths(format_version: str, table_id: str) -> dict[str, int]:
    return dict(_row_widths(format_version, table_id))


@cache
def _row_widths(format_version: str, table_id: str) -> dict[str, int]:
    widths: Counter[str] = Counter()
    for c in cells_for(format_version):
        if c.table_id == table_id:
            widths[c.row_id] += 1
    return dict(widths)


def columns(format_version: str, table_id: str, row_id: str) -> list[str]:
    return list(_columns_by_row(format_version).get((table_id, row_id), ()))


@cache
def _columns_by_row(format_version: str) -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], list[str]] = {}
    for c in cells_for(format_version):
        out.setdefault((c.table_id, c.row_id), []).append(c.col_id)
    return {k: tuple(v) for k, v in out.items()}
