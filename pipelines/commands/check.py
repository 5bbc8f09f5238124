"""`gongkai check --sources FILE`: validate sources files without running anything."""

from __future__ import annotations

import argparse

from gongkai.assets.sources.config import load_sources


def main(args: argparse.Namespace) -> int:
    sources = load_sources(args.sources)  # a SourceError is the one line the CLI prints
    print(f"{args.sources}: {len(sources)} source(s) OK: {', '.join(s.name for s in sources)}")
    return 0
