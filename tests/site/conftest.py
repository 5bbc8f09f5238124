"""The demo warehouse (the bundled portal crawled, parsed and loaded, as `make demo` does) and
the site written from it, shared by the site's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.report_site import demo_warehouse
from gongkai.warehouse.site.build import SiteResult, build_site


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    return demo_warehouse(tmp_path_factory.mktemp("site-demo"))


@pytest.fixture(scope="session")
def site(warehouse, tmp_path_factory) -> SiteResult:
    return build_site(warehouse, tmp_path_factory.mktemp("site"), store=warehouse.parent / "store")
