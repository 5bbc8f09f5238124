"""Column comments the analyst views inherit: a view column that repeats a column of report or
agency under its name (agency, division, year, report_id …) carries that column's comment, so
each is written once, in schema.sql, and a new view needs comments only for what it adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Where a repeated column's meaning is written, first source first.
_SOURCES = (("layout", "report"), ("main", "agency"))


def inherit_column_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Comment every uncommented column of a main view that a source table also has."""
    sources = " UNION ALL ".join(
        f"SELECT {i} AS rank, column_name, comment FROM duckdb_columns() "
        f"WHERE schema_name = '{schema}' AND table_name = '{table}' AND coalesce(comment, '') <> ''"
        for i, (schema, table) in enumerate(_SOURCES))
    missing = con.execute(f"""
        WITH source AS ({sources})
        SELECT c.table_name, c.column_name, arg_min(s.comment, s.rank)
        FROM duckdb_columns() c
        JOIN duckdb_views() v ON v.schema_name = c.schema_name AND v.view_name = c.table_name
        JOIN source s ON s.column_name = c.column_name
        WHERE c.schema_name = 'main' AND NOT v.internal AND coalesce(c.comment, '') = ''
        GROUP BY ALL""").fetchall()
    for view, column, comment in missing:
        con.execute(f'COMMENT ON COLUMN main."{view}"."{column}" IS ' + "'" + comment.replace("'", "''") + "'")
