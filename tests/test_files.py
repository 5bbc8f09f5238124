"""What a file is and how its text is encoded (assets/files.py): shared by crawl and readers."""

from __future__ import annotations

import codecs

import pytest

from gongkai.assets.files import decode_text, sniff_media
from tests.crawl.portal import docx_bytes, pdf_bytes

GBK_PAGE = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>朱镕基</body></html>'


def test_gbk_page_declared_gb2312_decodes_as_gb18030():
    data = GBK_PAGE.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the trap: 镕 is not in GB2312
    assert "朱镕基" in decode_text(data, "text/html")[0]
    assert "朱镕基" in decode_text(data, "text/html; charset=GB2312")[0]


def test_bom_wins_over_declarations():
    data = codecs.BOM_UTF8 + '<meta charset="gbk">镕'.encode()
    assert decode_text(data, "text/html; charset=gbk")[0].endswith("镕")


def test_undeclared_page_tries_utf8_then_gb18030():
    assert decode_text("政府信息公开".encode())[0] == "政府信息公开"
    assert decode_text("政府信息公开".encode("gbk"))[0] == "政府信息公开"


def test_page_misdeclared_utf8_but_gbk_still_decodes():
    data = '<meta charset="utf-8"><p>政府信息公开</p>'.encode("gbk")
    assert "政府信息公开" in decode_text(data, "text/html; charset=utf-8")[0]


def test_xml_declaration_encoding_is_read():
    data = '<?xml version="1.0" encoding="GBK"?><r>镕</r>'.encode("gbk")
    assert decode_text(data)[0].endswith("<r>镕</r>")


def test_media_is_decided_by_content_not_name():
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64 + "WordDocument".encode("utf-16-le")
    assert sniff_media(pdf_bytes("x"), "report.doc") == "pdf"
    assert sniff_media(docx_bytes("x"), "download.jsp") == "docx"
    assert sniff_media(ole, "a.bin") == "doc"
    assert sniff_media(ole, "年报.wps") == "wps"  # OLE like .doc: only the name tells them apart
    assert sniff_media(b"\n\n<!DOCTYPE html><html>", "a.pdf") == "html"
    assert sniff_media(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff_media(b"\x00\x01garbage") == "unknown"


def test_utf8_bytes_win_over_a_page_declaring_gbk():
    data = '<meta charset="gbk"><p>政府信息公开</p>'.encode()
    assert decode_text(data, "text/html; charset=gbk") == ('<meta charset="gbk"><p>政府信息公开</p>', "utf-8")


def test_empty_and_plain_text_files():
    assert sniff_media(b"  \n") == "empty"
    assert sniff_media("一、总体情况\n二、主动公开".encode("gb18030")) == "txt"
