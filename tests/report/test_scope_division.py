"""The agency's own name places it over a source's division hint that contradicts it (issue 14):
the demo's city portal (hint 示范省清河市) re-posts 淮安市人民政府's and 沭阳县发展和改革局's
reports, which belong in Jiangsu, not in the demo's fictional province."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.report.division import hint_fits, place_agency, resolve_division
from gongkai.assets.report.frames import build_frames
from gongkai.assets.report.parse import parse_bytes, parse_file

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


@pytest.mark.parametrize("agency,hint,code", [
    ("淮安市人民政府", "示范省清河市", "320800"),              # an unknown province's portal
    ("沭阳县发展和改革局", "示范省清河市清河县", "321322"),
    ("沭阳县发展和改革局", "江苏省淮安市", "321322"),          # a known division elsewhere
])
def test_the_agency_name_wins_over_a_contradicting_hint(agency, hint, code) -> None:
    placed = place_agency(agency, hint=hint)
    assert placed.division is not None and placed.division.code == code
    assert placed.contradiction and hint in placed.contradiction
    assert not hint_fits(agency, hint)


@pytest.mark.parametrize("agency,hint", [
    ("清河县人民政府", "示范省清河市清河县"),   # the hint's own (unknown) place: no real 清河县
    ("清河市教育局", "示范省清河市"),
    ("县教育局", "江苏省淮安市"),              # no place in the name: the portal's is the agency's
    ("清江浦区教育局", "江苏省淮安市"),
])
def test_a_hint_that_agrees_is_no_contradiction(agency, hint) -> None:
    assert place_agency(agency, hint=hint).contradiction is None
    assert hint_fits(agency, hint)


def test_parse_of_a_reposted_report_warns_and_keeps_the_name_s_division() -> None:
    html = ("<h1>沭阳县发展和改革局2023年政府信息公开工作年度报告</h1>"
            + "<p>" + "我局认真贯彻落实政府信息公开条例。" * 20 + "</p>").encode()
    report = parse_bytes(html, "x.html", media="html", division_hint="示范省清河市")
    assert (report.division, report.division_code) == ("江苏省宿迁市沭阳县", "321322")
    assert any("示范省清河市" in w and "沭阳县" in w for w in report.warnings)


def test_frames_never_file_a_contradicted_agency_under_the_hint() -> None:
    # As the demo crawls it: the real PDF of 淮安市人民政府 found on the 示范省 city portal.
    path = SAMPLES / "huaian-city-government-2024.pdf"
    report = parse_file(path, division_hint="示范省清河市")
    assert report.division_code == "320800"
    doc = CrawledDocument(source="city", url="http://127.0.0.1/x.pdf",
                          final_url="http://127.0.0.1/x.pdf", page_url=None, title="",
                          agency_hint=None, year_hint=2024, media="pdf", sha256="0" * 64,
                          size=1, content_type=None, fetched_at="2025-01-20T00:00:00", status=200)
    frames = build_frames([(doc, report)], 2024, {"city": "示范省清河市"})
    row = frames.report.row(0, named=True)
    assert (row["division"], row["division_code"]) == ("江苏省淮安市", "320800")
    assert resolve_division("淮安市人民政府", hint="示范省清河市").code == "320800"
