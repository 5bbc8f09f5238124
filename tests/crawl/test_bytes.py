"""Bytes in: encodings, media sniffing, Content-Disposition names, the raw store."""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import pytest

from assets.crawl import LocalRawStore, RawStore, decode_html, sniff_media
from assets.crawl.media import filename_from_content_disposition, sanitise_filename

from .portal import docx_bytes, pdf_bytes

GBK_PAGE = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>朱镕基</body></html>'


def test_gbk_page_declared_gb2312_decodes_as_gb18030():
    data = GBK_PAGE.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the trap: 镕 is not in GB2312
    assert "朱镕基" in decode_html(data, "text/html")
    assert "朱镕基" in decode_html(data, "text/html; charset=GB2312")


def test_bom_wins_over_declarations():
    data = codecs.BOM_UTF8 + '<meta charset="gbk">镕'.encode()
    assert decode_html(data, "text/html; charset=gbk").endswith("镕")


def test_undeclared_page_tries_utf8_then_gb18030():
    assert decode_html("政府信息公开".encode()) == "政府信息公开"
    assert decode_html("政府信息公开".encode("gbk")) == "政府信息公开"


def test_page_misdeclared_utf8_but_gbk_still_decodes():
    data = '<meta charset="utf-8"><p>政府信息公开</p>'.encode("gbk")
    assert "政府信息公开" in decode_html(data, "text/html; charset=utf-8")


def test_xml_declaration_encoding_is_read():
    data = '<?xml version="1.0" encoding="GBK"?><r>镕</r>'.encode("gbk")
    assert decode_html(data).endswith("<r>镕</r>")


def test_media_is_decided_by_content_not_name():
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64 + "WordDocument".encode("utf-16-le")
    assert sniff_media(pdf_bytes("x"), "report.doc") == "pdf"
    assert sniff_media(docx_bytes("x"), "download.jsp") == "docx"
    assert sniff_media(ole, "a.bin") == "doc"
    assert sniff_media(ole, "年报.wps") == "wps"  # OLE like .doc: only the name tells them apart
    assert sniff_media(b"\n\n<!DOCTYPE html><html>", "a.pdf") == "html"
    assert sniff_media(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff_media(b"\x00\x01garbage") == "unknown"


def test_content_disposition_rfc5987_name():
    v = "attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"
    assert filename_from_content_disposition(v) == "年报.pdf"


def test_content_disposition_raw_gbk_and_utf8_bytes():
    assert (
        filename_from_content_disposition(
            b'attachment; filename="' + "年度报告.pdf".encode("gbk") + b'"'
        )
        == "年度报告.pdf"
    )
    assert (
        filename_from_content_disposition(b"attachment; filename=" + "年度报告.docx".encode())
        == "年度报告.docx"
    )
    assert (
        filename_from_content_disposition('attachment; filename="%E5%B9%B4%E6%8A%A5.pdf"')
        == "年报.pdf"
    )


def test_content_disposition_name_cannot_escape_as_a_path():
    assert filename_from_content_disposition('attachment; filename="../../etc/passwd"') == "passwd"
    assert (
        filename_from_content_disposition('attachment; filename="C:\\\\x\\\\a:b?.pdf"')
        == "a_b_.pdf"
    )
    assert filename_from_content_disposition("inline") is None
    assert sanitise_filename("..") is None
    assert len(sanitise_filename("长" * 500 + ".pdf")) == 200


def test_local_store_is_content_addressed_and_idempotent(tmp_path: Path):
    store = LocalRawStore(tmp_path)
    assert isinstance(store, RawStore)
    sha = store.put(b"report")
    assert store.put(b"report") == sha
    assert store.path(sha) == tmp_path / "objects" / sha[:2] / sha[2:]
    assert store.get(sha) == b"report" and store.exists(sha)
    assert not list(tmp_path.rglob(".tmp-*"))  # no temp files left behind
    with pytest.raises(KeyError):
        store.get("0" * 64)
    with pytest.raises(KeyError):
        store.get("../../etc/passwd")
    assert not store.exists("not-a-hash")


def test_local_store_concurrent_puts_of_the_same_bytes(tmp_path: Path):
    store = LocalRawStore(tmp_path)
    data = b"x" * 1_000_000
    threads = [threading.Thread(target=store.put, args=(data,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [obj] = [p for p in (tmp_path / "objects").rglob("*") if p.is_file()]
    assert obj.read_bytes() == data
