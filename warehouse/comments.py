"""Column comments a table or view inherits: a column that repeats a column of report, agency,
cell, fact_cell or check_result under its name (agency, division, year, report_id, row_id …)
carries that column's comment, so each is written once (schema.sql) and a new view needs
comments only for the columns it adds. A column's own comment always wins."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Where a repeated column's meaning is written, first source first.
_SOURCES = (("layout", "report"), ("main", "agency"), ("main", "cell"), ("layout", "fact_cell"),
            ("layout", "check_result"))


def inherit_column_comments(con: duckdb.DuckDBPyConnection, schema: str, views: bool = True) -> None:
    """Comment every uncommented column of the schema's tables and views (tables only unless
    `views`: DuckLake keeps no comments on a view's columns) that a source has."""
    sources = " UNION ALL ".join(
        f"SELECT {i} AS rank, column_name, comment FROM duckdb_columns() "
        f"WHERE schema_name = '{source_schema}' AND table_name = '{table}' AND coalesce(comment, '') <> ''"
        for i, (source_schema, table) in enumerate(_SOURCES))
    missing = con.execute(f"""
        WITH source AS ({sources}),
        relation AS (
            SELECT schema_name, table_name, 'TABLE' AS kind FROM duckdb_tables() WHERE NOT internal
            UNION ALL
            SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal AND {views}
        )
        SELECT c.table_name, c.column_name, arg_min(s.comment, s.rank)
        FROM duckdb_columns() c
        JOIN relation r USING (schema_name, table_name)
        JOIN source s ON s.column_name = c.column_name
        WHERE c.schema_name = ? AND coalesce(c.comment, '') = ''
        GROUP BY ALL""", [schema]).fetchall()
    for table, column, comment in missing:
        con.execute(f'COMMENT ON COLUMN {schema}."{table}"."{column}" IS '
                    + "'" + comment.replace("'", "''") + "'")


# Views that show another view's columns for fewer rows (views.sql), beside the X_all_scopes pairs.
_SAME_COLUMNS = (("coverage_latest", "coverage"),)


def share_scope_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A view X and its X_all_scopes (views.sql: X is X_all_scopes of scope own), or a pair of
    _SAME_COLUMNS, show the same columns: a column comment written on either goes on both."""
    rows = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND coalesce(comment, '') <> ''").fetchall()
    comments = {(t, c): k for t, c, k in rows}
    views = {t for (t,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main'").fetchall()}
    pairs = [(v, v.removesuffix("_all_scopes")) for v in sorted(views) if v.endswith("_all_scopes")]
    for view, own in [*pairs, *_SAME_COLUMNS]:
        if view not in views or own not in views:
            continue
        columns = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?",
            [view]).fetchall()]
        for column in columns:
            comment = comments.get((view, column)) or comments.get((own, column))
            for target in (view, own):
                if comment and (target, column) not in comments:
                    text = comment.replace("'", "''")
                    con.execute(f"COMMENT ON COLUMN {target}.\"{column}\" IS '{text}'")
