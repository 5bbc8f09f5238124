"""`gongkai report`: the warehouse as a static HTML site (index.html and a page per division)
that opens from disk with no network. Dagster-free; the charts' libraries (altair,
vl-convert) are imported only when this command runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.assets.sources.years import parse_years
from gongkai.pipelines.commands import CommandError


def main(args: argparse.Namespace) -> int:
    from gongkai.warehouse.site.build import SiteError, build_site

    years = parse_years(args.years) if args.years else None
    division = (args.division or "").strip() or None
    try:
        result = build_site(Path(args.warehouse), Path(args.out), years=years, division=division,
                            store=Path(args.store), lock_timeout=args.wait)
    except SiteError as exc:
        raise CommandError(str(exc)) from exc
    index = result.out.resolve() / "index.html"
    print(f"{len(result.pages)} pages, {result.charts} charts, {result.documents} stored documents "
          f"linked in {result.seconds:.1f}s")
    print(f"open {index.as_uri()}")
    return 0
