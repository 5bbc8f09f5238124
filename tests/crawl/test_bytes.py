"""Bytes in: Content-Disposition names and the raw store (encodings and media: tests/test_files.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gongkai.assets.crawl import LocalRawStore, RawStore
from gongkai.assets.crawl.filenames import filename_from_content_disposition, sanitise_filename


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
