import pytest

from gongkai.assets.sources import SourceError, load_sources
from gongkai.assets.sources.config import parse_sources

GOOD = """
[[source]]
name = "淮安市人民政府"
start = ["http://www.example.gov.cn/xxgk/xxgknb/index.html"]
division = "江苏省淮安市"
allow = ["^http://files\\\\.example\\\\.cn/"]
list_url_template = "http://api.example.gov.cn/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={size}"
page_size = 15
"""


def test_source_reads_all_documented_fields():
    (source,) = parse_sources(GOOD)
    assert source.name == "淮安市人民政府"
    assert source.division == "江苏省淮安市"
    assert source.page_size == 15 and source.max_pages == 50
    assert source.hosts == {"www.example.gov.cn", "api.example.gov.cn"}


def test_source_follows_only_its_hosts_and_allow_patterns():
    (source,) = parse_sources(GOOD)
    assert source.allows("http://www.example.gov.cn/a/b.pdf")
    assert source.allows("http://files.example.cn/x.pdf")
    assert not source.allows("http://evil.example.com/x.pdf")
    assert not source.allows("file:///etc/passwd")
    assert not source.allows("javascript:alert(1)")


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[source]]\nstart = ['http://a/']", "bad.toml:1: [[source]] #1: 'name' must be"),
        ("[[source]]\nname = 'x'\nstart = ['ftp://a/']", "bad.toml:3: [[source]] #1 (x): start URL 'ftp://a/'"),
        ("[[source]]\nname = 'x'\nstart = ['http://a/']\nstratt = 1",
         "bad.toml:4: [[source]] #1 (x): unknown key 'stratt' (did you mean 'start'?)"),
        ("[[source]]\nname = 'x'\nstart = ['http://a/']\nallow = ['(']", "bad.toml:4: [[source]] #1 (x): bad 'allow'"),
        ("[[source]]\nname = 'x'\nstart = ['http://a/']\n[[source]]\nname = 'x'\nstart = ['http://b/']",
         "bad.toml:5: duplicate source name 'x' (first at line 2)"),
        ("[[source]]\nname = 'x'\nstart = ['http://a/']\nmax_pages = 0", "bad.toml:4: [[source]] #1 (x): 'max_pages'"),
        ("name = 'x'", "bad.toml:1: unknown top-level key"),
        ("", "bad.toml:1: no [[source]] tables"),
        ("[[source]]\nname = 'x'\n\nstart = ['http://a/]\n", "bad.toml:4: not valid TOML"),
    ],
)
def test_bad_sources_file_names_file_line_and_problem(text, message):
    with pytest.raises(SourceError) as raised:
        parse_sources(text, "bad.toml")
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_directory_of_sources_files_is_read_in_order(tmp_path):
    (tmp_path / "b.toml").write_text(GOOD.replace("淮安市人民政府", "乙"), encoding="utf-8")
    (tmp_path / "a.toml").write_text(GOOD.replace("淮安市人民政府", "甲"), encoding="utf-8")
    assert [s.name for s in load_sources(tmp_path)] == ["甲", "乙"]


def test_bundled_default_sources_file_is_valid():
    # The repo's sources/, which `gongkai run` reads by default from the checkout.
    from pathlib import Path

    from gongkai.pipelines.settings import SOURCES

    assert load_sources(Path(__file__).resolve().parents[2] / SOURCES.default)
