"""The demo's aggregate (汇总): the whole city's report sums its members' reports, with the small
differences real compilations have, which the hierarchy check is there to find."""

from __future__ import annotations

from gongkai.demo.model import cell_keys


def test_every_document_says_its_scope_and_the_city_has_an_aggregate(truth):
    assert {t["scope"] for t in truth} == {"own", "aggregate"}
    generated = [t for t in truth if t["scope"] == "aggregate" and "aggregate" in t["quirks"]]
    assert [(t["agency"], t["year"], t["host"]) for t in generated] == [("清河市", 2023, "city")]


def test_the_aggregate_is_the_sum_of_its_members_plus_the_recorded_differences(truth):
    (city,) = [t for t in truth if "aggregate" in t["quirks"]]
    by_id = {t["doc_id"]: t for t in truth}
    members = [by_id[d] for d in city["hierarchy"]["members"]]
    # the city's own government and departments and its county's, all of that year
    assert {m["host"] for m in members} == {"city", "county"} and len(members) >= 6
    assert all(m["year"] == city["year"] and m["canonical"] and m["scope"] == "own" for m in members)
    differences = city["hierarchy"]["differences"]
    assert differences and all(abs(v) <= 2 for v in differences.values())  # small, as in life
    for key in cell_keys(city["format_version"]):
        summed = sum(m["cells"][key] or 0 for m in members)
        assert abs(city["cells"][key] - summed - differences.get(key, 0)) < 1e-6, key
