"""Generate the demo portals (``demo/site/<host>/…``) and their truth (``demo/truth.jsonl``).

    python -m demo.build [--out DIR]      # DIR defaults to demo/ itself

Run by developers when the demo changes; the output is committed. Deterministic: every random
choice comes from a generator seeded with SEED and the document's id, PDFs are built with
reportlab's `invariant` and DOCX zips with fixed timestamps, so a rebuild is byte-identical.

The site mixes generated reports of the fictional 清河市 / 清河县 (both formats, 2019-2024, HTML,
PDF, DOCX, with placeholders, empty cells, broken rules, a duplicate and a 更正版, and the whole
city's 汇总 report of 2023 summing both portals' reports of that year) with the real
labelled documents of ``tests/fixtures/`` (two crawled reports and one fixture from
``samples/``, and the five ``seeds/`` reports re-rendered from their own text and numbers).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from gongkai.demo import portals
from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import broken_rules, cell_keys
from gongkai.demo.narrative import Block, aggregate_blocks, generated_blocks, seed_blocks
from gongkai.demo.render_docx import render_docx
from gongkai.demo.render_html import report_body
from gongkai.demo.render_pdf import render_pdf
from gongkai.demo.values import AgencyState, report_values

SEED = 20240117
HERE = Path(__file__).resolve().parent
# The project's labelled documents: one copy serves the tests and the demo generator.
FIXTURES = HERE.parent / "tests" / "fixtures"
CITY_LIST = "/xxgk/xxgknb/"
COUNTY_LIST = "/zfxxgk/bmnb/"
CITY_PAGE_SIZE, COUNTY_PAGE_SIZE = 15, 10


@dataclass(frozen=True)
class Plan:
    """One report to generate. media: html | pdf | docx | html+pdf (an HTML page and its PDF twin)."""

    host: str
    agency: str
    year: int
    media: str
    fv: str | None = None  # None: by year (2019 format up to 2020)
    quirks: tuple[str, ...] = ()
    corrected: bool = False  # also post a 更正版 that fixes the broken rule


_CITY_AGENCIES = {"清河市人民政府": (300, True), "清河市应急管理局": (6, False), "清河市教育局": (15, False),
                  "清河市生态环境局": (4, False), "清河市交通运输局": (0, False)}
_COUNTY_AGENCIES = {"清河县人民政府": (60, True), "清河县教育局": (8, False), "清河县自然资源和规划局": (5, False),
                    "清河县卫生健康委员会": (3, False), "清河县市场监督管理局": (4, False),
                    "清河县人力资源和社会保障局": (6, False), "清河县农业农村局": (2, False)}

PLANS = [
    Plan("city", "清河市人民政府", 2019, "html", quirks=("gbk",)),
    Plan("city", "清河市人民政府", 2020, "html"),
    Plan("city", "清河市人民政府", 2021, "pdf"),
    Plan("city", "清河市人民政府", 2022, "html", quirks=("thousands_separators",)),
    Plan("city", "清河市人民政府", 2023, "docx"),
    Plan("city", "清河市人民政府", 2024, "html"),
    Plan("city", "清河市应急管理局", 2019, "pdf"),
    Plan("city", "清河市应急管理局", 2020, "html", fv="2021"),
    Plan("city", "清河市应急管理局", 2021, "html", quirks=("placeholders",)),
    Plan("city", "清河市应急管理局", 2022, "docx"),
    Plan("city", "清河市应急管理局", 2023, "html", quirks=("gbk",)),
    Plan("city", "清河市应急管理局", 2024, "pdf"),
    Plan("city", "清河市教育局", 2020, "docx"),
    Plan("city", "清河市教育局", 2021, "html", quirks=("break:t3_balance",)),
    Plan("city", "清河市教育局", 2022, "pdf"),
    Plan("city", "清河市教育局", 2023, "html"),
    Plan("city", "清河市生态环境局", 2021, "html"),
    Plan("city", "清河市生态环境局", 2022, "html", quirks=("gbk", "break:t3_result_total")),
    Plan("city", "清河市生态环境局", 2023, "pdf", quirks=("placeholders",)),
    Plan("city", "清河市生态环境局", 2024, "docx"),
    Plan("city", "清河市交通运输局", 2019, "html"),
    Plan("city", "清河市交通运输局", 2022, "html", quirks=("empty_cells",)),
    Plan("county", "清河县人民政府", 2019, "pdf", quirks=("placeholders",)),
    Plan("county", "清河县人民政府", 2020, "docx", fv="2021", quirks=("vertical_labels",)),
    Plan("county", "清河县人民政府", 2021, "pdf"),
    Plan("county", "清河县人民政府", 2022, "html+pdf"),
    Plan("county", "清河县人民政府", 2023, "docx"),
    Plan("county", "清河县人民政府", 2024, "pdf"),
    Plan("county", "清河县教育局", 2020, "pdf"),
    Plan("county", "清河县教育局", 2022, "docx", quirks=("placeholders", "chinese_file_name", "vertical_labels")),
    Plan("county", "清河县教育局", 2023, "html"),
    Plan("county", "清河县自然资源和规划局", 2021, "pdf"),
    Plan("county", "清河县自然资源和规划局", 2022, "pdf", quirks=("break:t3_row_total", "chinese_file_name"),
         corrected=True),
    Plan("county", "清河县自然资源和规划局", 2023, "docx"),
    Plan("county", "清河县卫生健康委员会", 2019, "docx"),
    Plan("county", "清河县卫生健康委员会", 2023, "pdf", quirks=("break:t4_row_total",)),
    Plan("county", "清河县市场监督管理局", 2021, "html", quirks=("empty_cells",)),
    Plan("county", "清河县市场监督管理局", 2024, "docx", quirks=("fullwidth_digits",)),
    Plan("county", "清河县人力资源和社会保障局", 2020, "pdf"),
    Plan("county", "清河县农业农村局", 2024, "pdf"),
]

# The whole city's report (汇总, scope aggregate): the sum of the year's reports of the city's
# government and departments and of its county's, compiled by the general office, with the
# small differences real compilations have (a late correction, a township's review) that the
# warehouse's hierarchy check finds: (place, compiler, year, media, {cell: added to the sum}).
AGGREGATES = [
    ("清河市", "清河市人民政府办公室", 2023, "html", {
        # two applications a member's report missed, received and granted
        "t3|received_new|natural_person": 2, "t3|received_new|total": 2,
        "t3|result.granted|natural_person": 2, "t3|result.granted|total": 2,
        "t3|result.total|natural_person": 2, "t3|result.total|total": 2,
        # a township's administrative review, upheld
        "t4|review|upheld": 1, "t4|review|total": 1,
    }),
]

# Real documents of tests/fixtures/samples: (label doc_id, host, url path). Served as they are.
REAL = [("real01", "city", None), ("fixture01", "city", None),
        ("real05", "county", "/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml")]
# Seed texts re-rendered: (label doc_id, host, media, PDF-wrapped text, GBK page)
SEEDS = [("seed000", "city", "html", False, True), ("seed002", "city", "pdf", True, False),
         ("seed004", "city", "html", False, False), ("seed001", "county", "html", False, False),
         ("seed003", "county", "docx", False, False)]

# Pages that look like reports in a list and are not (each: host, title, year, body).
LOOKALIKES = [
    ("city", "关于做好2023年政府信息公开工作年度报告编制工作的通知", 2023,
     ("各县（区）人民政府，市各委办局：根据《中华人民共和国政府信息公开条例》规定，现就做好2023年政府信息公开"
     "工作年度报告编制和发布工作通知如下：一、各单位应于2024年1月31日前在本单位政府信息公开专栏发布年度报告；"
     "二、年度报告须严格按照国办公开办函〔2021〕30号规定的格式编制；三、发布后请将链接报市政务公开办备案。")),
    ("city", "图解：清河市人民政府2023年政府信息公开工作年度报告", 2023,
     "一图读懂清河市人民政府2023年政府信息公开工作年度报告。（图片）"),
    ("city", "清河市人民政府2022年政府信息公开工作年度报告解读", 2022,
     ("近日，《清河市人民政府2022年政府信息公开工作年度报告》正式发布。报告全面总结了2022年全市政府信息公开工作，"
     "下面就报告的主要内容解读如下：一是主动公开更加全面；二是依申请公开更加规范；三是平台建设更加完善。")),
    ("city", "关于2021年度政府信息公开工作年度报告发布情况的通报", 2022,
     ("经检查，截至2022年1月31日，市各部门均已按时发布2021年度政府信息公开工作年度报告。个别单位存在表格数据"
     "勾稽关系错误、格式不规范等问题，请相关单位于2月底前完成整改。")),
    ("city", "清河市2024年政务公开工作要点", 2024,
     "为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，结合我市实际，制定本要点。"),
    ("county", "县政府办公室关于报送2023年政府信息公开工作年度报告的通知", 2023,
     "各乡镇人民政府，县政府各部门：请于2024年1月20日前将本单位2023年政府信息公开工作年度报告报县政务公开办审核。"),
]


@dataclass
class Output:
    """What the build accumulates: files per host, list items, header overrides, truth lines."""

    root: Path
    lists: dict[str, list[portals.ListItem]] = field(default_factory=lambda: {"city": [], "county": []})
    headers: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: {"city": {}, "county": {}})
    truth: list[dict] = field(default_factory=list)

    def write(self, host: str, url_path: str, data: bytes) -> str:
        """Store a file under site/<host>/<url path>; return its path relative to site/."""
        rel = f"{host}{url_path}"
        target = self.root / "site" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return rel


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(map(str, (SEED, *parts))))


def _fv(plan: Plan) -> str:
    return plan.fv or ("2019" if plan.year <= 2020 else "2021")


def _title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


# --- quirks that change how cells print or what they hold ------------------------------------

_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _apply_quirks(doc: ReportDoc, rng: random.Random) -> None:
    t3_keys = [k for k in doc.cells if k.startswith("t3|")]
    for q in doc.quirks:
        if q == "placeholders":  # some zeros printed as a dash or 无: still 0 in the truth
            zeros = [k for k in t3_keys + [k for k in doc.cells if k.startswith("t4|")] if doc.cells[k] == 0]
            mark = rng.choice(["—", "无", "-", "/"])
            for k in rng.sample(zeros, min(len(zeros), 24)):
                doc.printed_as[k] = mark
        elif q == "empty_cells":  # whole zero columns left blank, as on many portals: NULL
            for k in t3_keys:
                if k.split("|")[2] in ("research", "public_interest") and doc.cells[k] == 0:
                    doc.cells[k] = None
            if doc.cells.get("t2|fees|amount_10k_yuan") == 0:
                doc.cells["t2|fees|amount_10k_yuan"] = None
        elif q == "thousands_separators":
            for k, v in doc.cells.items():
                if isinstance(v, int) and v >= 1000:
                    doc.printed_as[k] = f"{v:,}"
        elif q == "fullwidth_digits":
            for k in doc.cells:
                if doc.cells[k] is not None and k.startswith(("t2|", "t3|received", "t3|result.total")):
                    doc.printed_as[k] = doc.text(k).translate(_FULLWIDTH)
        elif q.startswith("break:"):
            _break(doc.cells, q.removeprefix("break:"))


def _break(cells: dict, rule: str) -> None:
    """Introduce the kind of slip real reports have, so that `rule` fails."""
    if rule == "t3_balance":  # received over-counted consistently along its row
        cells["t3|received_new|natural_person"] += 1
        cells["t3|received_new|total"] += 1
    elif rule == "t3_result_total":  # one leaf over-counted, the 总计 row not updated
        cells["t3|result.granted|natural_person"] += 1
        cells["t3|result.granted|total"] += 1
    elif rule == "t3_row_total":  # a row's 总计 typed wrong
        cells["t3|result.unable.not_held|total"] += 2
    elif rule == "t4_row_total":
        cells["t4|review|total"] += 1
    else:
        raise ValueError(f"unknown rule to break: {rule}")


# --- sections, for the truth (same rule as the sample labels) --------------------------------

_SECTION_IDS = dict(zip("一二三四五六", ("s1", "s2", "s3", "s4", "s5", "s6")))


def _sections(blocks: list[Block]) -> dict[str, str]:
    """First 30 characters from each section heading on, whitespace removed, tables skipped."""
    out: dict[str, str] = {}
    current = None
    for kind, text in blocks:
        if kind == "h" and text[0] in _SECTION_IDS:
            current = _SECTION_IDS[text[0]]
            out.setdefault(current, "")
        if current and kind in ("h", "p"):
            out[current] += re.sub(r"\s", "", text)
    return {k: v[:30] for k, v in out.items()}


# --- documents -------------------------------------------------------------------------------

def _render(doc: ReportDoc, media: str, style: str, rng: random.Random) -> bytes:
    if media == "pdf":
        return render_pdf(doc, rng)
    if media == "docx":
        return render_docx(doc, rng)
    return report_body(doc, style, rng).encode("utf-8")


def _truth(doc: ReportDoc, media: str, rel: str, url_path: str, host: str, canonical: bool,
           notes: str, sections: dict | None = None, scope: str = "own") -> dict:
    return {"doc_id": doc.doc_id, "file": rel, "media": media, "agency": doc.agency, "year": doc.year,
            "format_version": doc.fv, "scope": scope, "title": doc.title, "cells": {k: doc.cells[k] for k in cell_keys(doc.fv)},
            "sections": sections if sections is not None else _sections(doc.blocks),
            "broken_rules": broken_rules(doc.cells, doc.fv), "quirks": list(doc.quirks),
            "url_path": url_path, "host": host, "canonical": canonical, "notes": notes}


class Publisher:
    """Posts reports on a host: article pages, attachments, list items, header overrides."""

    def __init__(self, out: Output):
        self.out = out
        self.serial = 0

    def _next(self, rng: random.Random) -> str:
        self.serial += 1
        return f"{self.serial:03d}{rng.randint(100, 999)}"

    def publish(self, doc: ReportDoc, host: str, media: str, rng: random.Random, date: str,
                list_title: str | None = None, canonical: bool = True, chinese_name: bool = False,
                notes: str = "", sections: dict | None = None, doc_id_suffix: str = "",
                scope: str = "own", hierarchy: dict | None = None) -> None:
        title = list_title or doc.title or f"{doc.year}年政府信息公开工作年度报告"
        ymd, ym = date.replace("-", ""), date[:7].replace("-", "")
        serial = self._next(rng)
        if host == "city":
            article = f"{CITY_LIST}{ym}/t{ymd}_{serial}.html"
            href = f"./{ym}/t{ymd}_{serial}.html"
            attach_dir = f"{CITY_LIST}{ym}/"
            attach_name = f"P0{ymd}{serial}{rng.randint(10000, 99999)}"
        else:
            y, m, d = (int(x) for x in date.split("-"))
            article = f"/art/{y}/{m}/{d}/art_{3020 + len(self.out.lists['county'])}_{serial}.html"
            href = article
            attach_dir = f"/uploadfile/{y}/{m:02d}{d:02d}/"
            attach_name = f"{ymd}{serial}{rng.randint(1000, 9999)}"
        gbk = "gbk" in doc.quirks
        add = []  # (doc, media, rel, url_path, canonical)
        if media in ("html", "html+pdf"):
            body = _render(doc, "html", "word" if host == "city" else "plain", rng).decode("utf-8")
            if media == "html+pdf":  # the same report posted twice: the page and its PDF
                pdf_path = f"{attach_dir}{attach_name}.pdf"
                add.append((self.out.write(host, pdf_path, render_pdf(doc, rng)), "pdf", pdf_path, False))
                body += "\n" + portals.attachment_body("", [(pdf_path, f"{title}.pdf")])
            page = self._article(host, title, date, doc.agency or portals.COUNTY, body, gbk, serial)
            add.insert(0, (self.out.write(host, article, page), "html", article, canonical))
            if gbk:
                self.out.headers[host][article] = {"Content-Type": "text/html"}
        else:
            fname = f"{title}.{media}" if chinese_name else f"{attach_name}.{media}"
            path = attach_dir + fname
            add.append((self.out.write(host, path, _render(doc, media, "", rng)), media, path, canonical))
            if media == "docx" and not chinese_name and rng.random() < 0.7:
                self.out.headers[host][path] = {
                    "Content-Type": "application/octet-stream",
                    "Content-Disposition": f"attachment; filename*=UTF-8''{quote(title + '.docx')}"}
            lead = f"{title}已经发布，详见附件。" if host == "city" else ""
            body = portals.attachment_body(lead, [(path, f"{title}.{media}")])
            self.out.write(host, article, self._article(host, title, date, doc.agency or "", body, False, serial))
        for rel, m, url_path, canon in add:
            suffix = doc_id_suffix + ("" if m == "html" or media != "html+pdf" else "-pdf")
            line = _truth(doc, m, rel, url_path, host, canon, notes, sections, scope)
            line["doc_id"] = doc.doc_id + suffix
            if hierarchy:
                line["hierarchy"] = hierarchy
            self.out.truth.append(line)
        self.out.lists[host].append(portals.ListItem(title, href, date))

    def _article(self, host: str, title: str, date: str, publisher: str, body: str, gbk: bool,
                 serial: str) -> bytes:
        if host == "city":
            page = portals.city_article(title, date, publisher or portals.CITY, body, "gbk" if gbk else "utf-8",
                                        f"11329999MB{serial}/{date[:4]}-{serial}")
            return page.encode("gbk" if gbk else "utf-8")
        return portals.county_article(title, date, publisher or portals.COUNTY, body).encode("utf-8")


def _date(rng: random.Random, year: int) -> str:
    month = rng.choice([1, 1, 1, 1, 2, 3])
    return f"{year + 1}-{month:02d}-{rng.randint(5, 28):02d}"


def build_generated(pub: Publisher) -> None:
    states = {a: AgencyState(scale=s, big=b) for a, (s, b) in (_CITY_AGENCIES | _COUNTY_AGENCIES).items()}
    # years run in order per agency, so carried_over and in_force chain across the agency's reports
    for plan in sorted(PLANS, key=lambda p: (p.agency, p.year)):
        rng = _rng(plan.agency, plan.year)
        fv = _fv(plan)
        state = states[plan.agency]
        for year in range(getattr(state, "last_year", plan.year - 1) + 1, plan.year):
            report_values(rng, state, "2021" if year > 2020 else "2019")  # unpublished years still move
        state.last_year = plan.year  # type: ignore[attr-defined]
        cells = report_values(rng, state, fv)
        title = _title(plan.agency, plan.year)
        doc_id = f"{plan.host}-{plan.agency.removeprefix('清河市').removeprefix('清河县')}-{plan.year}"
        doc = ReportDoc(doc_id, plan.agency, plan.year, fv, title, cells,
                        generated_blocks(plan.agency, plan.year, fv, cells, rng, title), quirks=list(plan.quirks))
        _apply_quirks(doc, rng)
        date = _date(rng, plan.year)
        notes = f"Generated; {fv} format; quirks: {', '.join(doc.quirks) or 'none'}."
        if plan.corrected:
            pub.publish(doc, plan.host, plan.media, rng, date, canonical=False, notes=notes + " Superseded by a 更正版.",
                        chinese_name="chinese_file_name" in plan.quirks, doc_id_suffix="-original")
            fixed = ReportDoc(doc.doc_id, doc.agency, doc.year, doc.fv, doc.title, dict(cells), doc.blocks,
                              quirks=[q for q in doc.quirks if not q.startswith("break:")] + ["corrected"])
            fixed.cells["t3|result.unable.not_held|total"] -= 2  # the slip the 更正版 corrects
            later = f"{date[:5]}{int(date[5:7]) + 2:02d}{date[7:]}"
            pub.publish(fixed, plan.host, plan.media, rng, later, list_title=f"{title}（更正版）",
                        chinese_name="chinese_file_name" in plan.quirks,
                        notes=f"Generated; 更正版 of {doc.doc_id}-original: t3 (四)1 总计 corrected.")
        else:
            pub.publish(doc, plan.host, plan.media, rng, date, chinese_name="chinese_file_name" in plan.quirks,
                        notes=notes)


def build_aggregates(pub: Publisher) -> None:
    """The city's 汇总 report of each AGGREGATES year: built after the generated reports, from
    the canonical ones of that year on both hosts (the city's and the county's agencies)."""
    for place, compiler, year, media, extra in AGGREGATES:
        members = [t for t in pub.out.truth if t["year"] == year and t["canonical"]
                   and t["scope"] == "own" and not set(t["quirks"]) & {"real_document", "seed_text"}]
        fv = _fv(Plan("city", place, year, media))
        assert all(t["format_version"] == fv for t in members), "members of one format"
        cells: dict = {}
        for key in cell_keys(fv):
            values = [t["cells"][key] or 0 for t in members]  # an empty cell adds nothing
            total = sum(values)
            cells[key] = round(total, 4) if any(isinstance(v, float) for v in values) else total
        for key, added in extra.items():
            cells[key] += added
        rng = _rng(place, year, "aggregate")
        title = _title(place, year)
        doc = ReportDoc(f"city-全市-{year}", place, year, fv, title, cells,
                        aggregate_blocks(place, compiler, year, fv, cells, rng, title),
                        quirks=["aggregate"])
        pub.publish(doc, "city", media, rng, _date(rng, year), scope="aggregate",
                    notes=f"Generated; the whole city's report (汇总) over {len(members)} members.",
                    hierarchy={"members": sorted(t["doc_id"] for t in members),
                               "differences": extra})


def _labels(corpus: str) -> dict[str, dict]:
    text = (FIXTURES / corpus / "labels.jsonl").read_text(encoding="utf-8")
    return {d["doc_id"]: d for d in map(json.loads, text.splitlines())}


def build_real(out: Output, pub: Publisher) -> None:
    labels = _labels("samples")
    for doc_id, host, url_path in REAL:
        label = labels[doc_id]
        data = (FIXTURES / "samples" / label["file"]).read_bytes()
        rng = _rng(doc_id)
        date = _date(rng, label["year"])
        title = label["title"]
        if label["media"] == "pdf":  # a TRS article page that only links the PDF
            ymd, ym = date.replace("-", ""), date[:7].replace("-", "")
            url_path = f"{CITY_LIST}{ym}/P0{ymd}{pub._next(rng)}.pdf"
            article = f"{CITY_LIST}{ym}/t{ymd}_{pub._next(rng)}.html"
            body = portals.attachment_body(f"{title}已经发布，详见附件。", [(url_path, f"{title}.pdf")])
            out.write(host, article, portals.city_article(title, date, label["agency"], body, "utf-8",
                                                          f"11320800MB{ymd}/{label['year']}").encode())
            out.lists[host].append(portals.ListItem(title, "./" + article.removeprefix(CITY_LIST), date))
        elif url_path is None:  # the fixture page is posted whole as a city article
            ymd, ym = date.replace("-", ""), date[:7].replace("-", "")
            url_path = f"{CITY_LIST}{ym}/t{ymd}_{pub._next(rng)}.html"
            out.lists[host].append(portals.ListItem(title, "./" + url_path.removeprefix(CITY_LIST), date))
        else:
            out.lists[host].append(portals.ListItem(title, url_path, "2024-01-17"))
        rel = out.write(host, url_path, data)
        line = {k: v for k, v in label.items() if k not in ("file", "notes")}
        line.update(file=rel, url_path=url_path, host=host, canonical=True, quirks=["real_document"],
                    notes="Real document copied from the project's samples. " + label["notes"])
        out.truth.append(line)


def build_seeds(pub: Publisher) -> None:
    labels = _labels("seeds")
    for doc_id, host, media, joined, gbk in SEEDS:
        label = labels[doc_id]
        rng = _rng(doc_id)
        blocks = seed_blocks(FIXTURES / "seeds" / label["file"], label["title"], label["format_version"], joined)
        doc = ReportDoc(f"{host}-{doc_id}", label["agency"], label["year"], label["format_version"], label["title"],
                        dict(label["cells"]), blocks, quirks=(["gbk"] if gbk else []) + ["seed_text"]
                        + (["vertical_labels"] if media == "docx" else []))
        pub.publish(doc, host, media, rng, _date(rng, label["year"]), sections=label["sections"],
                    scope=label["scope"],
                    notes=f"Seed {label['file']} re-rendered as {media} from its own text and numbers.")


def build_lookalikes(out: Output, pub: Publisher) -> None:
    for host, title, year, text in LOOKALIKES:
        rng = _rng(title)
        body = f"<p style=\"text-indent:2em\">{text}</p>"
        if title.startswith("图解"):
            body += f"\n<p style=\"text-align:center\"><img src=\"./tujie_{year}.jpg\" alt=\"{title}\"></p>"
        date = f"{year + (0 if '通知' in title or '要点' in title else 1)}-{rng.randint(1, 3):02d}-{rng.randint(5, 28):02d}"
        ymd, ym = date.replace("-", ""), date[:7].replace("-", "")
        serial = pub._next(rng)
        if host == "city":
            path = f"{CITY_LIST}{ym}/t{ymd}_{serial}.html"
            out.write(host, path, portals.city_article(title, date, "清河市政务公开办", body, "utf-8",
                                                       f"11329999MB{serial}/{year}-{serial}").encode())
            out.lists[host].append(portals.ListItem(title, "./" + path.removeprefix(CITY_LIST), date))
        else:
            y, m, d = (int(x) for x in date.split("-"))
            path = f"/art/{y}/{m}/{d}/art_3019_{serial}.html"
            out.write(host, path, portals.county_article(title, date, "县政府办公室", body).encode())
            out.lists[host].append(portals.ListItem(title, path, date))


def write_lists(out: Output) -> None:
    for host, size, render, base in (("city", CITY_PAGE_SIZE, portals.city_list_page, CITY_LIST),
                                     ("county", COUNTY_PAGE_SIZE, portals.county_list_page, COUNTY_LIST)):
        items = sorted(out.lists[host], key=lambda i: (i.date, i.href), reverse=True)
        pages = (len(items) + size - 1) // size
        for p in range(pages):
            chunk = items[p * size:(p + 1) * size]
            if host == "city":  # TRS: index.html, index_1.html, …; pager counts from 0
                name = "index.html" if p == 0 else f"index_{p}.html"
                out.write(host, base + name, render(chunk, p, pages).encode())
            else:  # ?page=N is served from index_pN.html (see server.py)
                name = "index.html" if p == 0 else f"index_p{p + 1}.html"
                out.write(host, base + name, render(chunk, p + 1, pages).encode())
    out.write("city", "/index.html", portals.city_head(portals.CITY, "utf-8").encode()
              + f'<a href="{CITY_LIST}index.html">政府信息公开年报</a></body></html>\n'.encode())
    out.write("county", "/index.html", portals.county_page(
        "首页", f'<a href="{COUNTY_LIST}index.html">部门政府信息公开年报</a>').encode())
    for host in ("city", "county"):
        out.write(host, "/robots.txt", b"User-agent: *\nAllow: /\nDisallow: /admin/\n")
        out.write(host, "/_headers.json",
                  json.dumps(out.headers[host], ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n")


def build(root: Path) -> Output:
    """Build the site and truth under root (root/site, root/truth.jsonl); return what was built."""
    if (root / "site").exists():
        shutil.rmtree(root / "site")
    out = Output(root)
    pub = Publisher(out)
    build_generated(pub)
    build_real(out, pub)
    build_seeds(pub)
    build_lookalikes(out, pub)
    build_aggregates(pub)  # last: the names of the other files do not move
    write_lists(out)
    truth = sorted(out.truth, key=lambda t: t["doc_id"])
    (root / "truth.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in truth),
                                      encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE, help="where site/ and truth.jsonl go (default: demo/)")
    out = build(ap.parse_args(argv).out)
    print(f"{len(out.truth)} report documents; lists: city {len(out.lists['city'])}, "
          f"county {len(out.lists['county'])}")


if __name__ == "__main__":
    main()
