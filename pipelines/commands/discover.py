"""`gongkai discover URL`: explore a portal's home page; print its 年报 lists as a `[[source]]` block."""

from __future__ import annotations

import argparse

from gongkai.assets.crawl.settings import CrawlSettings
from gongkai.assets.crawl.source_block import discover_source, source_block
from gongkai.pipelines.commands import CommandError


def main(args: argparse.Namespace) -> int:
    found = discover_source(args.url, CrawlSettings(min_delay=args.min_delay), name=args.name,
                            discover_pages=args.pages)
    if found.empty:
        raise CommandError(f"no 年报 list found from {args.url} in {found.pages_read} pages", exit_code=1)
    print(source_block(found), end="")
    return 0
