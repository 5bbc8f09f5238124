"""The site in a real browser: Debian's Chromium, headless, opens index.html and a division
page from file://, draws every chart with data, logs no error and asks for nothing beyond
file://. A screenshot of each page is kept as the test's artefact (its path is printed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Per chart: how many figures it has, and how many drawn marks (a rect, a line, a point, a label)
# hold data; an empty chart draws axes but no mark.
CHART_MARKS = """() => [...document.querySelectorAll('figure.chart')].map(f => ({
    id: f.id,
    svgs: f.querySelectorAll('svg').length,
    marks: [...f.querySelectorAll('svg g.role-mark > *')]
        .filter(e => e.tagName !== 'path' || (e.getAttribute('d') || '').length > 0).length,
}))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1100, "height": 900})
        yield context
        context.close()


def open_page(browser, path: Path, screenshot: Path) -> dict:
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    charts = page.evaluate(CHART_MARKS)
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    print(f"screenshot: {screenshot}")
    return {"errors": errors, "requests": requests, "charts": charts}


def test_index_and_a_division_page_draw_every_chart_offline(site, browser, tmp_path):
    division = next(p for p in site.pages if p.name.startswith("division-"))
    for path in (site.out / "index.html", division):
        seen = open_page(browser, path, tmp_path / f"{path.stem}.png")
        assert seen["errors"] == [], path.name
        assert seen["requests"] and all(u.startswith("file://") for u in seen["requests"]), seen["requests"]
        assert len(seen["charts"]) >= 6, path.name
        for chart in seen["charts"]:
            assert chart["svgs"] == 1 and chart["marks"] > 0, (path.name, chart)
        assert (tmp_path / f"{path.stem}.png").stat().st_size > 10_000
