"""Query results as text for people and for pipes: an aligned table, CSV, JSON Lines or
Markdown. Values are written in full (a URL must stay copyable); NULL is written as NULL in
tables, as an empty field in CSV and as null in JSON, never as 0."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "markdown")


def plain(value: Any) -> Any:
    """A value JSON can hold: exact decimals as int or float, times as ISO 8601."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def text(value: Any) -> str:
    """One value as text: 3119.0 as 3119, a list as JSON, everything in full."""
    value = plain(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _width(s: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    cells = [[text(v).replace("\n", "\\n") for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows)
               for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        padded = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            padded.append(pad + v if numeric[i] else v + pad)
        return "  ".join(padded).rstrip()

    out.write(line(columns) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    out.writelines(line(row) + "\n" for row in cells)


def write_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", "<br>")

    out.write("| " + " | ".join(cell(c) for c in columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    out.writelines("| " + " | ".join(cell(text(v)) for v in row) + " |\n" for row in rows)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else text(v) for v in row] for row in rows)


def write_json(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """JSON Lines: one object per row."""
    out.writelines(json.dumps(dict(zip(columns, map(plain, row))), ensure_ascii=False) + "\n" for row in rows)


WRITERS = {"table": write_table, "csv": write_csv, "json": write_json, "markdown": write_markdown}


def write(fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
          out: TextIO | None = None) -> None:
    # sys.stdout as it is at the call, not at import: a caller (or a test) may have replaced it
    WRITERS[fmt](columns, rows, out or sys.stdout)
