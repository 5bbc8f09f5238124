"""`gongkai report` over the demo warehouse: the pages, what each figure says it is a share of,
the SQL printed beside it (which gives the figure's rows), the reports it links, and nothing
that a page would fetch from elsewhere."""

from __future__ import annotations

import hashlib
import html
import re

import duckdb
import pytest

from gongkai.pipelines.cli import main as gongkai
from gongkai.warehouse.connect import read_only
from gongkai.warehouse.site import figures
from gongkai.warehouse.site.build import INDEX_SECTIONS, build_site, division_file
from gongkai.warehouse.site.charts import CHARTS, chart_spec
from gongkai.warehouse.site.pages import cell

FIGURE = re.compile(r'<figure class="(chart|table)" id="(\w+)" data-rows="(\d+)">(.*?)</figure>', re.DOTALL)


def page_figures(path) -> list[dict]:
    out = []
    for kind, key, rows, body in FIGURE.findall(path.read_text(encoding="utf-8")):
        sql = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", body, re.DOTALL).group(1))
        denominator = re.search(r'<p class="denominator"><b>Of:</b> (.*?)</p>', body, re.DOTALL).group(1)
        out.append({"kind": kind, "key": key, "rows": int(rows), "body": body, "sql": sql,
                    "denominator": denominator})
    return out


def test_the_site_has_an_index_and_a_page_per_division_linked_from_it(site, warehouse):
    with read_only(warehouse) as con:
        divisions = [r[0] for r in con.execute(
            "SELECT DISTINCT coalesce(division_code, division) FROM agency WHERE division IS NOT NULL").fetchall()]
    assert len(divisions) >= 2
    names = sorted(p.name for p in site.pages)
    assert names == sorted(["index.html", *(division_file(d) for d in divisions)])
    index = (site.out / "index.html").read_text(encoding="utf-8")
    for d in divisions:
        assert f'href="{division_file(d)}"' in index
        assert 'href="index.html"' in (site.out / division_file(d)).read_text(encoding="utf-8")


def test_every_figure_states_its_denominator_and_its_sql_gives_its_rows(site, warehouse):
    shown = 0
    with read_only(warehouse) as con:
        for page in site.pages:
            for fig in page_figures(page):
                assert len(fig["denominator"]) > 20, (page.name, fig["key"])
                assert len(con.execute(fig["sql"]).fetchall()) == fig["rows"], (page.name, fig["key"])
                shown += 1
    expected = sum(len(figs) for _, figs in INDEX_SECTIONS)
    assert shown > expected  # the index's figures and the division pages'


def test_every_chart_of_the_demo_has_data_and_every_table_has_rows(site):
    index = {f["key"]: f for f in page_figures(site.out / "index.html")}
    assert set(index) == {f.key for _, figs in INDEX_SECTIONS for f in figs}
    for key, fig in index.items():
        assert fig["rows"] > 0, key
        if key in CHARTS:
            assert fig["kind"] == "chart" and "<svg" in fig["body"] and "role-mark" in fig["body"], key
        else:
            assert fig["kind"] == "table" and fig["body"].count("<tr>") == fig["rows"] + 1, key


def test_every_chart_is_valid_vega_lite(warehouse):
    chart_figures = [f for f in vars(figures).values() if isinstance(f, figures.Figure) and f.key in CHARTS]
    assert {f.key for f in chart_figures} == set(CHARTS)
    with read_only(warehouse) as con:
        for figure in chart_figures:
            cursor = con.execute(figure.query(figures.Scope()))
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
            assert chart_spec(figure.key, rows, validate=True)["data"]["values"]


def test_pages_fetch_nothing_from_anywhere(site):
    for page in site.pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<link" not in text and "<img" not in text and "@import" not in text
        assert not re.search(r"""(src|xlink:href)\s*=\s*["']?(https?:)?//""", text), page.name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), page.name


def test_leaderboards_link_each_report_to_its_source_and_its_stored_bytes(site, warehouse):
    index = {f["key"]: f for f in page_figures(site.out / "index.html")}
    body = index["top_received"]["body"]
    with read_only(warehouse) as con:
        urls = {r[0] for r in con.execute("SELECT source_url FROM report").fetchall()}
    sources = [html.unescape(u) for u in re.findall(r'<a href="([^"]+)" rel="noreferrer">source</a>', body)]
    copies = re.findall(r'<a href="(documents/[^"]+)">stored copy</a>', body)
    assert len(sources) == len(copies) == index["top_received"]["rows"]
    assert set(sources) <= urls
    for copy in copies:
        sha256, _, media = copy.removeprefix("documents/").partition(".")
        assert hashlib.sha256((site.out / copy).read_bytes()).hexdigest() == sha256
        assert media in ("html", "pdf", "docx", "doc", "wps", "txt")


@pytest.mark.parametrize(("division", "matched"), [
    ("320800", ["江苏省淮安市", "江苏省淮安市清江浦区"]),           # a prefecture and its counties
    ("320812", ["江苏省淮安市清江浦区"]),
    ("32", ["江苏省", "江苏省淮安市", "江苏省淮安市清江浦区", "江苏省宿迁市"]),  # a province
    ("示范省清河市", ["示范省清河市", "示范省清河市清河县"]),        # by name where no code resolves
    ("O'Hare县", ["O'Hare县"]),
])
def test_a_division_covers_itself_and_everything_under_it(division, matched):
    con = duckdb.connect()
    con.execute("CREATE TABLE agency (division VARCHAR, division_code VARCHAR)")
    con.executemany("INSERT INTO agency VALUES (?, ?)", [
        ("江苏省", "320000000000"), ("江苏省淮安市", "320800000000"), ("江苏省淮安市清江浦区", "320812000000"),
        ("江苏省宿迁市", "321300000000"), ("示范省清河市", None), ("示范省清河市清河县", None), ("O'Hare县", None)])
    got = con.execute(f"SELECT division FROM agency WHERE {figures.division_match(division)} ORDER BY division").fetchall()
    assert [r[0] for r in got] == sorted(matched)


def test_a_scope_with_no_reports_says_so_instead_of_drawing_empty_charts(warehouse, tmp_path):
    result = build_site(warehouse, tmp_path, years=[2010])
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert result.charts == 0 and "<svg" not in text
    assert text.count("No data in this scope.") == len(page_figures(tmp_path / "index.html"))


def test_an_empty_cell_is_shown_as_empty_never_as_zero():
    shown = cell("received", None, lambda _: None)
    assert "–" in shown and "0" not in shown
    assert ">0<" in cell("received", 0, lambda _: None)


def test_report_command_writes_the_site_and_names_it(warehouse, tmp_path, capsys):
    out = tmp_path / "site"
    code = gongkai(["report", "--warehouse", str(warehouse), "--store", str(warehouse.parent / "store"),
                    "--out", str(out), "--years", "2021-2023", "--division", "示范省清河市清河县"])
    printed = capsys.readouterr().out
    assert code == 0
    assert (out / "index.html").as_uri() in printed
    assert sorted(p.name for p in out.glob("*.html")) == sorted(["index.html", division_file("示范省清河市清河县")])
    assert "years 2021–2023; division 示范省清河市清河县" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--division", "999900"], "no agency in division '999900'"),
    (["--years", "2019-20x"], "bad year range"),
])
def test_report_command_reports_a_bad_request_on_one_line(warehouse, tmp_path, capsys, args, message):
    code = gongkai(["report", "--warehouse", str(warehouse), "--out", str(tmp_path / "site"), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "site" / "index.html").exists()


def test_report_command_without_a_warehouse_says_how_to_get_one(tmp_path, capsys):
    assert gongkai(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "s")]) == 2
    assert "gongkai demo" in capsys.readouterr().err
