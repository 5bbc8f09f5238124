"""What a report's figures cover: the agency's own work (本级), or a whole area's (汇总).

Most reports give the publishing agency's own figures. A city, county or province often
also publishes the area's figures summed over every agency in it — its counties' governments
and departments included (淮安市2015年…: 本报告由…汇总各县区人民政府、市各部门…年度报告编制而成;
全市各级行政机关共收到申请…). Summing both kinds counts the same applications twice, so each
report carries its scope:

    OWN        "own"        本级: the agency's own figures (the default: what the form asks for)
    AGGREGATE  "aggregate"  汇总: the whole area's figures (全市 / 全省 / 全区 / 全县 …)

and the evidence for it (``reason``). Read from the wording, strongest first:

1. the title: a bare place (江苏省2023年…, 淮安市2023年…年度报告, no 人民政府 or department) or
   全市/全省/全区/全县 in it;
2. the preamble: the report says it was compiled by summing others' reports (本报告由…汇总…,
   汇总各县区、各部门…);
3. the application figures: 全市各级行政机关共收到… / 全市共受理… (the area) against
   本机关共收到… / 本级… (the agency's own).

Without any of these the report is the agency's own. Figures can decide what the wording
leaves open: ``scope_from_figures`` (used when a year's reports are put together) calls a
government's report an aggregate when its applications are above every other report of its
division and match their sum.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

OWN = "own"
AGGREGATE = "aggregate"

_AREA = r"(?:全市|全省|全区|全县|全州|全盟|全旗|全自治区)"
# A title naming a place and nothing else before the year (淮安市2023年…, 江苏省2023年度…).
_PLACE_TITLE = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:省|市|自治区|自治州|州|盟|地区|县|区|旗)"
                          r"(?:\d{4}|[〇一二三四五六七八九零]{4})\s*年度?\s*政府信息公开")
# …区 names that are no division: a development zone's committee reports its own work.
_ZONE = re.compile(r"(?:开发区|高新区|园区|试验区|示范区|保税区|度假区|景区|合作区)(?:\d|[〇一二三四五六七八九零])")
_AREA_TITLE = re.compile(_AREA + r"[^。\n]{0,12}政府信息公开(?:工作)?年度报告")
# The report says it sums up other agencies' reports.
_COMPILED = re.compile(r"汇总(?:了)?(?:各|全|本[市省区县州]|所属|下辖|辖区)(?=[^。]{0,16}?"
                       r"(?:县|区|乡|镇|街道|部门|行政机关))(?![^。]{0,16}?(?:科室|处室|股室|内设))|"
                       r"(?:根据|由)[^。]{0,40}(?:各县|各区|各部门|各级行政机关)[^。]{0,40}汇总|"
                       r"(?:各县|各区|各部门)[^。]{0,30}年度报告(?:汇总|综合)")
# Who received the applications the tables count.
_AREA_APPLICATIONS = re.compile(_AREA + r"(?:各级行政机关|各级政府|各县区|各部门|范围内)?[^。]{0,12}?"
                                r"(?:共|累计|合计)?(?:受理|收到|接到|新收)[^。]{0,12}?申请")
_OWN_APPLICATIONS = re.compile(r"(?:本机关|本级|本部门|本单位|我局|我委|我办)[^。]{0,8}?"
                               r"(?:共|累计|合计)?(?:受理|收到|接到|新收)[^。]{0,12}?申请|"
                               r"(?:市|县|区|省)政府本级|本级政府")
_PREAMBLE_CHARS = 1200  # the compiled-by sentence opens the report


@dataclass(frozen=True)
class Scope:
    scope: str  # OWN or AGGREGATE
    reason: str  # the evidence, e.g. "title: 淮安市2015年…" or "default: no area wording"


def detect_scope(title: str | None, text: str, agency: str | None = None) -> Scope:
    """The scope of a report from its title and wording (``text``: the report's text)."""
    head = re.sub(r"\s", "", title or "")
    if head and ((_PLACE_TITLE.match(head) and not _ZONE.search(head)) or _AREA_TITLE.search(head)):
        return Scope(AGGREGATE, f"title: {head[:40]}")
    flat = re.sub(r"\s", "", text)
    if m := _COMPILED.search(flat[:_PREAMBLE_CHARS]):
        return Scope(AGGREGATE, f"preamble: {_around(flat, m)}")
    area = _AREA_APPLICATIONS.search(flat)
    own = _OWN_APPLICATIONS.search(flat)
    if area and not (own and own.start() < area.start()):
        return Scope(AGGREGATE, f"applications: {_around(flat, area)}")
    if own:
        return Scope(OWN, f"applications: {_around(flat, own)}")
    return Scope(OWN, "default: no area wording")


def _around(text: str, m: re.Match) -> str:
    return text[max(0, m.start() - 8):m.end() + 8]


@dataclass(frozen=True)
class Figures:
    """What ``scope_from_figures`` needs of one report."""

    key: object  # anything that names the report to the caller
    agency: str | None  # an agency counts once (its HTML page and PDF are two documents)
    division: str | None  # full division name, 江苏省淮安市 (members sit under it)
    year: int | None
    scope: Scope
    government: bool  # a people's government or its general office: only they sum up an area
    received: float | None  # t3 received_new 总计


# A government report whose wording is silent is an aggregate when its figure is above every
# other report of its division (and below it) and within this share of their sum.
_NEAR_SUM = 0.15
_MIN_MEMBERS = 2


def scope_from_figures(reports: Sequence[Figures]) -> dict[object, Scope]:
    """New scopes for the government reports the wording left at the default whose figures
    say aggregate: above every other own report in their division and close to their sum."""
    by_place: dict[tuple[int | None, str], list[Figures]] = {}
    for r in reports:
        if r.division and r.received is not None and r.scope.scope == OWN:
            by_place.setdefault((r.year, r.division), []).append(r)
    places = sorted(by_place, key=lambda k: (k[0] or 0, k[1]))
    keys = [(y or 0, d) for y, d in places]
    out: dict[object, Scope] = {}
    for r in reports:
        if not (r.government and r.scope.reason.startswith("default") and r.division
                and r.received):
            continue
        members = []
        for i in range(bisect_left(keys, (r.year or 0, r.division)), len(keys)):
            year, division = places[i]
            if year != r.year or not division.startswith(r.division):
                break
            members += list({m.agency: m.received for m in reversed(by_place[places[i]])
                             if m is not r and m.agency != r.agency}.values())
        total = sum(members)
        if (len(members) >= _MIN_MEMBERS and total > 0 and r.received > max(members)
                and abs(r.received - total) <= _NEAR_SUM * total):
            out[r.key] = Scope(AGGREGATE, f"figures: received {r.received:g}, the sum of "
                                          f"{len(members)} own reports in {r.division} is {total:g}")
    return out
