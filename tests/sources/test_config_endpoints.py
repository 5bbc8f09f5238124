"""Sources-file keys of list endpoints by POST / JSON, home-page discovery and origins."""

import pytest

from gongkai.assets.sources import SourceError
from gongkai.assets.sources.config import parse_sources

HEAD = "[[source]]\nname = 'x'\nstart = ['http://a.gov.cn/']\n"
TEMPLATE = "list_url_template = 'http://a.gov.cn/api?s={start}'\n"


def test_a_form_makes_the_endpoint_a_post_and_keeps_its_order():
    (source,) = parse_sources(HEAD + TEMPLATE + "list_form = { col = 1, columnid = '4122' }\n")
    assert source.list_method == "POST"
    assert source.list_form == (("col", "1"), ("columnid", "4122"))


def test_origin_and_discovery_budget_are_read():
    (source,) = parse_sources(HEAD + "origin = 'well-known'\ndiscover_pages = 5\n")
    assert (source.origin, source.discover_pages, source.list_method) == ("well-known", 5, "GET")


@pytest.mark.parametrize(
    "extra, message",
    [
        ("list_form = { a = '1' }\n", "need a 'list_url_template'"),
        (TEMPLATE + "list_method = 'PUT'\n", "'list_method'"),
        (TEMPLATE + "list_form = { a = '1' }\nlist_json = { b = 1 }\n", "not both"),
        (TEMPLATE + "list_form = { a = [1] }\n", "'list_form'"),
        (TEMPLATE + "list_json = 'x'\n", "'list_json'"),
        ("discover_pages = 0\n", "'discover_pages'"),
        ("origin = 3\n", "'origin'"),
    ],
)
def test_bad_endpoint_or_discovery_key_names_the_problem(extra, message):
    with pytest.raises(SourceError, match=message):
        parse_sources(HEAD + extra, "bad.toml")
