"""`gongkai export --parquet DIR`: the warehouse as Parquet files."""

from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.warehouse.export import export_parquet


def main(args: argparse.Namespace) -> int:
    written = export_parquet(Path(args.warehouse), Path(args.parquet), lock_timeout=args.wait)
    for name, rows in written.items():
        print(f"{name}: {rows:,} rows")
    print(f"written to {Path(args.parquet).resolve()}")
    return 0
