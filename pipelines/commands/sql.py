"""`gongkai sql "QUERY"`: run SQL on the warehouse (read-only) and print every result.

With several statements, `table` and `markdown` print each statement's result in turn; `csv`
and `json`, made to be piped into other tools, print only the last statement that returns rows.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from gongkai.pipelines.commands import CommandError
from gongkai.pipelines.commands.tables import write
from gongkai.warehouse.connect import read_only


def error_line(exc: duckdb.Error) -> str:
    """DuckDB's message without the quoted query and caret below it, on one line."""
    lines = []
    for line in str(exc).splitlines():
        if line.startswith("LINE "):
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines) or type(exc).__name__


def run_statements(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[list[str], list[tuple]]]:
    """(columns, rows) of each statement that returns rows."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise CommandError(error_line(exc)) from exc
    if not statements:
        raise CommandError("no SQL statement given")
    results = []
    for number, statement in enumerate(statements, 1):
        try:
            cursor = con.execute(statement)
            if cursor.description is None:
                continue
            results.append(([d[0] for d in cursor.description], cursor.fetchall()))
        except duckdb.Error as exc:
            where = f"statement {number}: " if len(statements) > 1 else ""
            raise CommandError(where + error_line(exc)) from exc
    return results


def main(args: argparse.Namespace) -> int:
    if getattr(args, "lake", None):
        from gongkai.warehouse.lake import LakeWarehouse

        opened = LakeWarehouse(args.lake, read_only=True, lock_timeout=args.wait).connect()
    else:
        opened = read_only(args.warehouse, args.wait)
    with opened as con:
        results = run_statements(con, args.query)
    if args.format in ("csv", "json"):
        if len(results) > 1:
            print(f"gongkai sql: {args.format} holds one result: the last statement's "
                  f"({len(results) - 1} earlier result(s) not written)", file=sys.stderr)
        results = results[-1:]
    for number, (columns, rows) in enumerate(results):
        if args.format in ("csv", "json"):
            write(args.format, columns, rows)
            continue
        if number:
            print()
        shown = rows if args.max_rows <= 0 else rows[: args.max_rows]
        write(args.format, columns, shown)
        more = f"{len(shown):,} of {len(rows):,} rows shown; --max-rows 0 shows all" \
            if len(shown) < len(rows) else f"{len(rows):,} row{'s' if len(rows) != 1 else ''}"
        print(("\n" if args.format == "markdown" else "") + f"({more})")
    return 0
