from __future__ import annotations

import json
import urllib.error
import urllib.request
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

import pytest

from gongkai.assets.sources.config import parse_sources
from gongkai.demo.server import render_sources, serve_demo

DEMO = Path(__file__).resolve().parents[2] / "demo"


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_servers_start_on_free_ports_and_stop_on_exit():
    with serve_demo() as b:
        assert set(b) == {"city", "county"}
        assert b["city"] != b["county"] and all(u.startswith("http://127.0.0.1:") for u in b.values())
        assert get(b["city"] + "/robots.txt")[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(b["city"] + "/robots.txt", timeout=2)


def test_city_trs_list_pages_paginate_with_create_page_html(bases):
    pages = [get(f"{bases['city']}/xxgk/xxgknb/{name}") for name in ("index.html", "index_1.html", "index_2.html")]
    assert all(status == 200 for status, _, _ in pages)
    assert pages[0][1]["Content-Type"].startswith("text/html")
    texts = [body.decode() for _, _, body in pages]
    assert 'createPageHTML(3, 0, "index", "html")' in texts[0]
    assert 'createPageHTML(3, 2, "index", "html")' in texts[2]
    assert texts[0].count("<li>") == 15 and texts[1].count("<li>") == 15
    assert get(f"{bases['city']}/xxgk/xxgknb/index_3.html")[0] == 404


def test_county_list_pages_by_query_parameter(bases):
    first = get(f"{bases['county']}/zfxxgk/bmnb/index.html")[2].decode()
    second = get(f"{bases['county']}/zfxxgk/bmnb/index.html?page=2")[2].decode()
    assert first != second
    assert 'href="index.html?page=2">下一页' in first and "上一页" in second
    assert get(f"{bases['county']}/zfxxgk/bmnb/index.html?page=1")[2].decode() == first
    assert get(f"{bases['county']}/zfxxgk/bmnb/index.html?page=99")[0] == 404


def test_attachments_have_their_media_types(bases, truth):
    pdf = next(t for t in truth if t["media"] == "pdf")
    status, headers, body = get(bases[pdf["host"]] + quote(pdf["url_path"]))
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    overrides = json.loads((DEMO / "site/county/_headers.json").read_text(encoding="utf-8"))
    docx_path = next(p for p in overrides if p.endswith(".docx"))
    _, headers, body = get(bases["county"] + docx_path)
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''%E6%B8%85%E6%B2%B3")
    assert body.startswith(b"PK")


def test_chinese_file_names_are_served_from_percent_encoded_urls(bases, truth):
    doc = next(t for t in truth if "chinese_file_name" in t["quirks"])
    status, _, _ = get(bases[doc["host"]] + quote(doc["url_path"]))
    assert status == 200


def test_gbk_pages_declare_gb2312_and_send_no_charset(bases, truth):
    doc = next(t for t in truth if "gbk" in t["quirks"] and t["media"] == "html")
    _, headers, body = get(bases[doc["host"]] + doc["url_path"])
    assert headers["Content-Type"] == "text/html"
    assert b"charset=gb2312" in body and doc["title"] in body.decode("gb18030")


def test_conditional_requests_get_304(bases):
    url = bases["city"] + "/xxgk/xxgknb/index.html"
    _, headers, _ = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-None-Match": '"stale"'})[0] == 200
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-Modified-Since": formatdate(0, usegmt=True)})[0] == 200


def test_robots_allow_everything_without_a_crawl_delay(bases):
    for base in bases.values():
        text = get(base + "/robots.txt")[2].decode()
        assert "Allow: /" in text and "Crawl-delay" not in text


def test_build_metadata_and_missing_paths_are_404(bases):
    assert get(bases["city"] + "/_headers.json")[0] == 404
    assert get(bases["city"] + "/../truth.jsonl")[0] == 404
    assert get(bases["county"] + "/nope.html")[0] == 404


def test_every_truth_document_is_served_and_linked(bases, truth):
    pages = {}
    for host in bases:
        pages[host] = "".join(p.read_text(encoding="utf-8", errors="replace")
                              for p in (DEMO / "site" / host).rglob("*.*html"))
    for t in truth:
        assert t["file"] == t["host"] + t["url_path"]
        assert get(bases[t["host"]] + quote(t["url_path"]))[0] == 200, t["doc_id"]
        name = t["url_path"].rsplit("/", 1)[1]
        assert name in pages[t["host"]] or quote(name) in pages[t["host"]], t["doc_id"]


def test_rendered_sources_parse_and_point_at_the_servers(bases):
    sources = parse_sources(render_sources(bases), "demo")
    assert [s.start[0] for s in sources] == [bases["city"] + "/xxgk/xxgknb/index.html",
                                             bases["county"] + "/zfxxgk/bmnb/index.html"]
    assert all(s.allows(s.start[0]) for s in sources)
