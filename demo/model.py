"""The report tables as printed: a grid of cells with spans, shared by the HTML, DOCX and PDF
renderers, plus the consistency rules (勾稽关系) the truth is checked against.

Keeping one layout per table means every medium prints the same labels in the same places; the
renderers differ only in how they express a span (rowspan/colspan, vMerge/gridSpan, SPAN).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.assets.form.rules import report_rules
from gongkai.assets.form.spec import T3_COLS, T4_COLS, T4_ROWS, cells_for

# The result leaves of t3, in print order, per format: (category label, leaf label, row_id).
_DENIED = [
    ("1.属于国家秘密", "state_secret"),
    ("2.其他法律行政法规禁止公开", "prohibited_by_law"),
    ("3.危及“三安全一稳定”", "three_safeties_one_stability"),
    ("4.保护第三方合法权益", "third_party_rights"),
    ("5.属于三类内部事务信息", "internal_affairs"),
    ("6.属于四类过程性信息", "process_info"),
    ("7.属于行政执法案卷", "enforcement_files"),
    ("8.属于行政查询事项", "admin_query"),
]
_UNABLE = [
    ("1.本机关不掌握相关政府信息", "not_held"),
    ("2.没有现成信息需要另行制作", "needs_creation"),
    ("3.补正后申请内容仍不明确", "unclear_after_amendment"),
]
_REJECTED = [
    ("1.信访举报投诉类申请", "petition_complaint"),
    ("2.重复申请", "duplicate"),
    ("3.要求提供公开出版物", "publication"),
    ("4.无正当理由大量反复申请", "excessive_repeated"),
    ("5.要求行政机关确认或重新出具已获取信息", "confirm_or_reissue"),
]
_OTHER_2021 = [
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "no_amendment"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "fee_unpaid"),
    ("3.其他", "other"),
]


def result_leaves(fv: str) -> list[str]:
    """Every result.* leaf row of t3 for a format (what result.total must add up)."""
    leaves = ["result.granted", "result.partly_granted"]
    leaves += [f"result.denied.{r}" for _, r in _DENIED]
    leaves += [f"result.unable.{r}" for _, r in _UNABLE]
    leaves += [f"result.rejected.{r}" for _, r in _REJECTED]
    leaves += [f"result.other.{r}" for _, r in _OTHER_2021] if fv == "2021" else ["result.other"]
    return leaves


def cell_keys(fv: str) -> list[str]:
    """The canonical cell keys ("t3|received_new|total") of a format, in cells.csv order."""
    return [f"{c.table_id}|{c.row_id}|{c.col_id}" for c in cells_for(fv)]


@dataclass
class Cell:
    """One printed cell. `key` names the canonical cell a value cell shows; labels have none."""

    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Grid:
    """A table as rows of cells; spanned positions are simply absent from later rows (HTML style)."""

    table_id: str
    ncols: int
    rows: list[list[Cell]] = field(default_factory=list)
    header_rows: int = 0  # rows to repeat after a page break

    def positions(self) -> list[list[tuple[int, Cell]]]:
        """Each row's cells with their starting column, resolving rowspans like a browser."""
        taken: dict[tuple[int, int], bool] = {}
        out = []
        for r, row in enumerate(self.rows):
            placed, c = [], 0
            for cell in row:
                while taken.get((r, c)):
                    c += 1
                placed.append((c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[(r + dr, c + dc)] = True
                c += cell.colspan
            out.append(placed)
        return out


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, None, rowspan, colspan, header=True)


def _values(table: str, row: str, cols: tuple[str, ...]) -> list[Cell]:
    return [Cell(key=f"{table}|{row}|{c}") for c in cols]


def t2_grid(fv: str) -> Grid:
    g = Grid("t2", 4)
    block = lambda item: g.rows.append([_h(f"第二十条第（{item}）项", colspan=4)])
    if fv == "2021":
        block("一")
        g.rows.append([_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")])
        g.rows.append([_h("规章")] + _values("t2", "rules", ("issued", "repealed", "in_force")))
        g.rows.append([_h("行政规范性文件")] + _values("t2", "normative_docs", ("issued", "repealed", "in_force")))
        for item, rows in (("五", [("行政许可", "licensing")]),
                           ("六", [("行政处罚", "penalty"), ("行政强制", "coercion")])):
            block(item)
            g.rows.append([_h("信息内容"), _h("本年处理决定数量", colspan=3)])
            for label, rid in rows:
                g.rows.append([_h(label), Cell(key=f"t2|{rid}|decisions", colspan=3)])
        block("八")
        g.rows.append([_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=3)])
        g.rows.append([_h("行政事业性收费"), Cell(key="t2|fees|amount_10k_yuan", colspan=3)])
        return g
    block("一")
    g.rows.append([_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量"), _h("对外公开总数量")])
    g.rows.append([_h("规章")] + _values("t2", "rules", ("made", "published", "public_total")))
    g.rows.append([_h("规范性文件")] + _values("t2", "normative_docs", ("made", "published", "public_total")))
    items = ("items_prev_year", "items_change", "decisions")
    for item, rows in (("五", [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
                       ("六", [("行政处罚", "penalty"), ("行政强制", "coercion")])):
        block(item)
        g.rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减"), _h("处理决定数量")])
        for label, rid in rows:
            g.rows.append([_h(label)] + _values("t2", rid, items))
    block("八")
    g.rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", colspan=2)])
    g.rows.append([_h("行政事业性收费"), Cell(key="t2|fees|items_prev_year"),
                   Cell(key="t2|fees|items_change", colspan=2)])
    block("九")
    g.rows.append([_h("信息内容"), _h("采购项目数量"), _h("采购总金额（单位：万元，保留4位小数）", colspan=2)])
    g.rows.append([_h("政府集中采购"), Cell(key="t2|procurement|items"),
                   Cell(key="t2|procurement|amount_10k_yuan", colspan=2)])
    return g


def t3_grid(fv: str) -> Grid:
    """The official t3 layout: 3 label columns then 7 applicant columns, header 3 rows deep."""
    g = Grid("t3", 10, header_rows=3)
    g.rows.append([_h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
                   _h("申请人情况", colspan=7)])
    g.rows.append([_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)])
    g.rows.append([_h(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")])
    g.rows.append([_h("一、本年新收政府信息公开申请数量", colspan=3)] + _values("t3", "received_new", T3_COLS))
    g.rows.append([_h("二、上年结转政府信息公开申请数量", colspan=3)] + _values("t3", "carried_over", T3_COLS))
    groups = [("（三）不予公开", "denied", _DENIED), ("（四）无法提供", "unable", _UNABLE),
              ("（五）不予处理", "rejected", _REJECTED)]
    if fv == "2021":
        groups.append(("（六）其他处理", "other", _OTHER_2021))
    n_result_rows = 2 + sum(len(leaves) for _, _, leaves in groups) + (1 if fv == "2021" else 2)
    g.rows.append([_h("三、本年度办理结果", rowspan=n_result_rows), _h("（一）予以公开", colspan=2)]
                  + _values("t3", "result.granted", T3_COLS))
    g.rows.append([_h("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)]
                  + _values("t3", "result.partly_granted", T3_COLS))
    for cat_label, cat, leaves in groups:
        for i, (label, rid) in enumerate(leaves):
            lead = [_h(cat_label, rowspan=len(leaves))] if i == 0 else []
            g.rows.append(lead + [_h(label)] + _values("t3", f"result.{cat}.{rid}", T3_COLS))
    if fv != "2021":
        g.rows.append([_h("（六）其他处理", colspan=2)] + _values("t3", "result.other", T3_COLS))
    g.rows.append([_h("（七）总计", colspan=2)] + _values("t3", "result.total", T3_COLS))
    g.rows.append([_h("四、结转下年度继续办理", colspan=3)] + _values("t3", "carried_forward", T3_COLS))
    return g


def t4_grid() -> Grid:
    g = Grid("t4", 15, header_rows=3)
    outcome = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    g.rows.append([_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)])
    g.rows.append([_h(t, rowspan=2) for t in outcome] + [_h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)])
    g.rows.append([_h(t) for t in outcome * 2])
    g.rows.append([c for row in T4_ROWS for c in _values("t4", row, T4_COLS)])
    return g


def grids(fv: str) -> list[Grid]:
    return [t2_grid(fv), t3_grid(fv), t4_grid()]


# --- consistency rules -----------------------------------------------------------------------

Cells = dict[str, int | float | None]


def broken_rules(cells: Cells, fv: str) -> list[str]:
    """The hard report rules of the form's registry (names as in CheckResult) these cells break;
    an empty cell (None) counts as nothing, as in the spec's examples."""
    values = {tuple(key.split("|")): value or 0 for key, value in cells.items()}
    return [rule.name for rule in report_rules() if not rule.soft
            and any(f.passed is False for f in rule.check(values, fv, {}))]
