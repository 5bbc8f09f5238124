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
