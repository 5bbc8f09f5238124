"""`build_site`: the warehouse as a static site — index.html (coverage, applications and
outcomes, denial grounds, correction rates, consistency rules, leaderboards) and a page per
division — that opens from disk with no network.

Reads the warehouse read-only (an analyst's session or a load may hold it). Each report a
table cites links to its source URL and, where the raw store holds it, to a stored copy under
`documents/` (a hard link where the filesystem allows, else a copy).
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gongkai.warehouse.connect import read_only
from gongkai.warehouse.site import figures as F
from gongkai.warehouse.site.pages import Block, Page, render

# The sections of each page, in order: (heading, figures).
INDEX_SECTIONS = [
    ("Coverage", [F.COVERAGE_BY_PROVINCE, F.NOT_PUBLISHED]),
    ("Applications and outcomes", [F.APPLICATIONS, F.OUTCOMES, F.SUBSTANTIVE_DISCLOSURE, F.DENIAL_GROUNDS,
                                   F.CARRY_OVER]),
    ("Review and litigation", [F.CORRECTION_RATES]),
    ("Consistency rules and boilerplate", [F.CHECK_FAILURE_RATES, F.HIERARCHY, F.REPETITION]),
    ("Leaderboards", [F.TOP_RECEIVED, F.TOP_DENIAL_RATE, F.TOP_CORRECTED, F.TOP_CHECK_FAILURES,
                      F.TOP_REPETITION]),
]
DIVISION_SECTIONS = [
    ("Coverage", [F.COVERAGE_BY_AGENCY, F.NOT_PUBLISHED]),
    ("Applications and outcomes", [F.APPLICATIONS, F.OUTCOMES, F.SUBSTANTIVE_DISCLOSURE, F.DENIAL_GROUNDS,
                                   F.CARRY_OVER]),
    ("Review and litigation", [F.CORRECTION_RATES]),
    ("Consistency rules and boilerplate", [F.CHECK_FAILURE_RATES, F.REPETITION]),
    ("Reports", [F.REPORTS]),
]
# The tables and views the figures read, in the order they are read into temp tables (a view
# read after its sources reads the copies).
SNAPSHOT = ("report", "agency", "rule", "applications", "outcomes", "review_litigation", "coverage",
            "check_failures", "hierarchy_check", "disclosure_rate", "denial_rate_by_ground",
            "correction_rate", "carry_over_rate", "section_repetition")
# Files the site writes (and so may replace); nothing else in the output directory is touched.
OWN_FILES = ("index.html", "division-*.html")


class SiteError(ValueError):
    """What was asked names nothing in the warehouse (e.g. a division with no agency)."""


@dataclass
class SiteResult:
    out: Path
    pages: list[Path] = field(default_factory=list)
    charts: int = 0
    documents: int = 0
    seconds: float = 0.0


def division_file(key: str) -> str:
    """division-320800000000.html, or a hash of the name for a division without a code."""
    slug = key if key.isdigit() else hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    return f"division-{slug}.html"


class SiteBuilder:
    def __init__(self, con, out: Path, store: Path | None) -> None:
        self.con = con
        self.out = out
        self.raw = store / "raw" / "objects" if store else None
        self.result = SiteResult(out)
        self.division_pages: dict[str, str] = {}  # division name → page file
        self.documents: set[str] = set()

    def snapshot(self) -> None:
        """Each table and view the figures read, computed once into a temp table of the same
        name: for this connection it stands in for the view, so the dozens of figure queries
        (each page filters the same views again) do not each recompute it. The SQL printed
        under a figure reads the views themselves and gives the same rows."""
        present = {name for (name,) in self.con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal UNION SELECT table_name FROM duckdb_tables()"
        ).fetchall()}
        for name in SNAPSHOT:
            if name in present:
                self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM main.{name}")

    def rows(self, figure: F.Figure, scope: F.Scope) -> tuple[str, list[dict]]:
        sql = figure.query(scope)
        cursor = self.con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return sql, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def blocks(self, figures: list[F.Figure], scope: F.Scope, page_id: str) -> list[Block]:
        from gongkai.warehouse.site.charts import CHARTS, render_svg

        out = []
        for figure in figures:
            sql, rows = self.rows(figure, scope)
            svg = None
            if rows and figure.key in CHARTS:
                svg = render_svg(figure.key, rows, f"{page_id}-{figure.key}")
                self.result.charts += 1
            out.append(Block(figure, sql, rows, svg))
        return out

    def holds(self, scope: F.Scope) -> str:
        """What a page covers, in a line: its canonical reports, agencies and documents."""
        _, (summary,) = self.rows(F.SUMMARY, scope)
        return (f"{summary['reports']:,} canonical reports of {summary['agencies']:,} agencies "
                f"from {summary['documents']:,} documents found")

    def stored_copy(self, sha256: str | None, media: str | None) -> str | None:
        """documents/<sha256>.<media>: the stored bytes, named so a browser opens them."""
        if not (self.raw and sha256 and len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)):
            return None
        source = self.raw / sha256[:2] / sha256[2:]
        if not source.is_file():
            return None
        name = f"documents/{sha256}.{media or 'bin'}"
        target = self.out / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        self.documents.add(name)
        return name

    def links(self, row: dict) -> str:
        parts = []
        if row.get("source_url"):
            parts.append(f'<a href="{html.escape(row["source_url"])}" rel="noreferrer">source</a>')
        if copy := self.stored_copy(row.get("sha256"), row.get("media")):
            parts.append(f'<a href="{html.escape(copy)}">stored copy</a>')
        return " · ".join(parts) or "–"

    def write(self, name: str, page: Page, extra: str = "") -> None:
        path = self.out / name
        path.write_text(render(page, self.links, self.division_pages.get, extra), encoding="utf-8")
        self.result.pages.append(path)


def describe_years(scope: F.Scope) -> str:
    return f"years {min(scope.years)}–{max(scope.years)}" if scope.years else "every loaded year"


def describe(scope: F.Scope) -> str:
    return f"{describe_years(scope)}; {'division ' + scope.division if scope.division else 'every division'}"


def build_site(warehouse: Path, out: Path, *, years: list[int] | None = None, division: str | None = None,
               store: Path | None = None, lock_timeout: float = 30.0) -> SiteResult:
    started = time.perf_counter()
    scope = F.Scope(tuple(years or ()), division)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = (f"Generated {generated} by `gongkai report` from {warehouse}. Figures read the canonical "
              "report of each agency and year; sums count own reports (本级) only, never an area's 汇总 on top "
              "of its members; – is a cell the report left empty (NULL), never 0.")
    with read_only(warehouse, lock_timeout) as con:
        site = SiteBuilder(con, out, store if store and store.is_dir() else None)
        site.snapshot()
        _, divisions = site.rows(F.DIVISIONS, F.Scope(division=division))
        if division and not divisions:
            raise SiteError(f"no agency in division {division!r} (give a division code such as 320800, "
                            "or a division name as `gongkai sql \"SELECT DISTINCT division FROM agency\"` lists it)")
        out.mkdir(parents=True, exist_ok=True)
        for pattern in OWN_FILES:  # a page of a division no longer in scope must not linger
            for old in out.glob(pattern):
                old.unlink()
        for d in divisions:
            site.division_pages[d["division"]] = division_file(d["key"])
        # what each page covers: the division and everything under it, in the years asked for
        held = {d["key"]: site.holds(F.Scope(scope.years, d["key"])) for d in divisions}
        index = Page("政府信息公开工作年度报告 · gongkai report", f"{site.holds(scope)}; {describe(scope)}",
                     footer=footer,
                     nav=[(label, f"#{figs[0].key}") for label, figs in INDEX_SECTIONS] + [("Divisions", "#divisions")])
        index.sections = [(label, site.blocks(figs, scope, "index")) for label, figs in INDEX_SECTIONS]
        listing = "".join(
            f'<li><a href="{site.division_pages[d["division"]]}">{html.escape(d["division"] or "(no division)")}</a> '
            f'({held[d["key"]]})</li>' for d in divisions)
        site.write("index.html", index, f'<section id="divisions"><h2>Divisions</h2><ul class="divisions">{listing}</ul></section>')
        for d in divisions:
            page_scope = F.Scope(scope.years, d["key"])
            page = Page(f"{d['division'] or '(no division)'} · gongkai report",
                        f"{held[d['key']]}; division {d['key']} and everything under it; {describe_years(scope)}",
                        nav=[("index", "index.html")], footer=footer)
            page_id = division_file(d["key"]).removesuffix(".html")
            page.sections = [(label, site.blocks(figs, page_scope, page_id)) for label, figs in DIVISION_SECTIONS]
            site.write(division_file(d["key"]), page)
    site.result.documents = len(site.documents)
    site.result.seconds = time.perf_counter() - started
    return site.result
