"""The bundled catalogue of real portals (sources/catalogue/): it cannot be crawled from here,
so its format is what is checked: every file loads, every address parses, nothing twice,
every province once, and the default sources do not include it."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gongkai.assets.report.division import resolve_division
from gongkai.assets.sources import load_sources

DEFAULT_SOURCES = Path(__file__).parents[2] / "sources"  # what `gongkai run` reads from the checkout
CATALOGUE = DEFAULT_SOURCES / "catalogue"
FILES = sorted(CATALOGUE.glob("*.toml"))


def test_catalogue_has_one_file_per_province_each_with_its_government_portal():
    assert len(FILES) == 31
    provinces = set()
    for path in FILES:
        levels = {s.name: resolve_division(s.name, hint=s.division) for s in load_sources(path)}
        [province] = [name for name, d in levels.items() if d is not None and d.level == "province"]
        provinces.add(levels[province].code)
    assert len(provinces) == 31


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_catalogue_entry_is_a_home_page_with_its_origin_and_division(path):
    for source in load_sources(path):
        [home] = source.start
        parts = urlsplit(home)
        assert parts.scheme in ("http", "https") and parts.path == "/" and not parts.query
        assert parts.hostname and parts.hostname.endswith(".gov.cn"), home
        assert source.origin, source.name
        division = resolve_division(source.name, hint=source.division)
        assert division is not None and division.name == source.division, source.name


def test_catalogue_names_and_hosts_are_unique():
    sources = load_sources(CATALOGUE)
    names = [s.name for s in sources]
    hosts = [urlsplit(s.start[0]).hostname for s in sources]
    assert len(set(names)) == len(names)
    assert len(set(hosts)) == len(hosts)


def test_default_sources_do_not_crawl_the_catalogue():
    catalogued = {s.start for s in load_sources(CATALOGUE)}
    assert not catalogued & {s.start for s in load_sources(DEFAULT_SOURCES)}
