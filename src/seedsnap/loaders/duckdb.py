"""DuckDB loader: the planned rows go in as Arrow, one transaction, same shape as the others.

``duckdb:///path`` (relative) or ``duckdb:////absolute/path``. DuckDB reads polars' Arrow
buffers without copying them and casts text to ENUM and JSON on insert, so a table is one
``INSERT … SELECT`` from the registered frame. A DuckDB file has one writing process at a
time (the file lock), so there is no advisory lock to take.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import polars as pl

from seedsnap.errors import DatabaseError, MissingDriverError, one_line
from seedsnap.loaders.common import (
    Catalog,
    DbColumn,
    LoadOptions,
    Log,
    Progress,
    TablePlan,
    check_database_file,
    in_model_types,
    parent_first,
)
from seedsnap.schema.ddl import quote, render
from seedsnap.schema.model import (
    BOOLEAN,
    DECIMAL,
    ENUM,
    FLOAT,
    INTEGER,
    INTEGER_ARRAY,
    JSONB,
    TEXT,
    TEXT_ARRAY,
    TIMESTAMP,
    Column,
    Schema,
    Table,
)

DIALECT = "duckdb"

# duckdb_columns().data_type spellings of the model's logical types (seedsnap schema --dialect
# duckdb); enum columns are spelled ENUM('a', 'b', …) there and compared by their labels.
TYPES: dict[str, str] = {
    TEXT: "VARCHAR",
    TIMESTAMP: "TIMESTAMP",
    INTEGER: "INTEGER",
    FLOAT: "DOUBLE",
    DECIMAL: "DECIMAL(10,2)",
    JSONB: "JSON",
    BOOLEAN: "BOOLEAN",
    TEXT_ARRAY: "VARCHAR[]",
    INTEGER_ARRAY: "INTEGER[]",
}
_ENUM = re.compile(r"^ENUM\((.*)\)$", re.S)
_LABEL = re.compile(r"'((?:[^']|'')*)'")
_ROWS = "__seedsnap_rows"


def _driver() -> Any:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a dependency
        raise MissingDriverError("duckdb", "duckdb") from None
    return duckdb


def path_of(url: str) -> Path:
    """The file of ``duckdb:///relative`` or ``duckdb:////absolute``."""
    return Path(url.partition("://")[2][1:])


def describe_url(url: str) -> str:
    return f"duckdb:///{path_of(url)}"


def connect(url: str, create: bool = True, *, read_only: bool = False) -> Any:
    """An open DuckDB connection; with ``create`` False a missing file is an error.

    ``read_only`` (diff, verify) opens an existing file for reading only: a file the user may
    only read is enough, and other read-only connections (another diff) may hold it too.
    """
    duckdb = _driver()
    path = path_of(url)
    check_database_file(url, path, DIALECT, create=create and not read_only)
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
        # DuckDB draws its own progress bar on stdout for long queries; the CLI has one.
        conn.execute("SET enable_progress_bar = false").fetchall()
        return conn
    except duckdb.Error as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "lock" in first.lower():
            fix = (
                "another process has the file open for writing; stop it or wait"
                if read_only
                else "another process has the file open; stop it or wait"
            )
        elif "permission denied" in first.lower():
            fix = (
                "make the file readable by the user running seedsnap"
                if read_only
                else "make the file readable and writable by the user running seedsnap"
            )
        else:
            fix = "check that the path is a DuckDB database file"
        raise DatabaseError(f"cannot open {path}: {first}", fix) from None


def describe(conn: Any) -> str:
    rows = conn.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return f"DuckDB file {rows[0][0] if rows else '?'}"


@contextmanager
def _errors(what: str) -> Iterator[None]:
    duckdb = _driver()
    try:
        yield
    except duckdb.Error as e:
        text = one_line(str(e))
        raise DatabaseError(
            f"{what}: {text[:300]}", "the transaction was rolled back and nothing was written"
        ) from None


def expected_type(column: Column) -> str:
    return "ENUM" if column.type == ENUM else TYPES[column.type]


def read_catalog(conn: Any) -> Catalog:
    """Tables of the current schema with column types, nullability, defaults, enum labels,
    primary keys, unique keys and foreign keys."""
    catalog = Catalog()
    with _errors("reading the catalog"):
        rows = conn.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,
                   c.column_default IS NOT NULL,
                   coalesce(list_position(k.constraint_column_indexes, c.column_index - 1), 0)
              FROM duckdb_columns() c
              JOIN duckdb_tables() t
                ON t.database_name = c.database_name AND t.schema_name = c.schema_name
               AND t.table_name = c.table_name
              LEFT JOIN duckdb_constraints() k
                ON k.database_name = c.database_name AND k.schema_name = c.schema_name
               AND k.table_name = c.table_name AND k.constraint_type = 'PRIMARY KEY'
             WHERE c.database_name = current_database() AND c.schema_name = current_schema()
             ORDER BY c.table_name, c.column_index
            """
        ).fetchall()
    for table, column, type_, nullable, has_default, key in rows:
        m = _ENUM.match(type_)
        labels = tuple(v.replace("''", "'") for v in _LABEL.findall(m[1])) if m else None
        catalog.tables.setdefault(table, {})[column] = DbColumn(
            column, "ENUM" if m else type_, bool(nullable), bool(has_default), labels, key
        )
    _read_unique(conn, catalog)
    _read_foreign(conn, catalog)
    return catalog


# A unique key is a UNIQUE constraint of CREATE TABLE (duckdb_constraints) or a CREATE UNIQUE
# INDEX (duckdb_indexes, as seedsnap's DDL makes them). A constraint's columns are named as its
# DDL spelled them; an index's are known only as the text of its expressions: `email`,
# `"name"` (a keyword, quoted), or `(lower(email))`.
_UNIQUE = """
SELECT table_name, constraint_column_names, false
  FROM duckdb_constraints()
 WHERE database_name = current_database() AND schema_name = current_schema()
   AND constraint_type = 'UNIQUE'
UNION ALL
SELECT table_name, expressions::VARCHAR[], true
  FROM duckdb_indexes()
 WHERE database_name = current_database() AND schema_name = current_schema()
   AND is_unique AND NOT is_primary
"""


def _read_unique(conn: Any, catalog: Catalog) -> None:
    """Add the unique keys of ``catalog``'s tables to it, by the columns' own names.

    Names are matched to the columns without regard to case, as DuckDB matches identifiers
    (a key declared as (EMAIL) is on "email"); an index on an expression matches no column
    and is left out. Joining duckdb_columns by position would avoid the matching but costs
    more than the rest of this.
    """
    with _errors("reading the catalog"):
        rows = conn.execute(_UNIQUE).fetchall()
    for table, items, expressions in rows:
        if expressions:
            items = [
                i[1:-1].replace('""', '"') if len(i) > 1 and i[0] == i[-1] == '"' else i
                for i in items
            ]
        by_name = {c.lower(): c for c in catalog.tables.get(table, {})}
        names = [by_name.get(i.lower(), "") for i in items]
        if all(names):
            catalog.add_unique(table, names)


def _read_foreign(conn: Any, catalog: Catalog) -> None:
    """Add the foreign keys of ``catalog``'s tables to it, their columns matched to the
    tables' without regard to case (as for unique keys)."""
    with _errors("reading the catalog"):
        rows = conn.execute(
            """
            SELECT table_name, constraint_column_names, referenced_table, referenced_column_names
              FROM duckdb_constraints()
             WHERE database_name = current_database() AND schema_name = current_schema()
               AND constraint_type = 'FOREIGN KEY'
            """
        ).fetchall()
    tables = {t.lower(): t for t in catalog.tables}
    for table, columns, ref, ref_columns in rows:
        ref = tables.get(ref.lower(), ref)
        own = {c.lower(): c for c in catalog.tables.get(table, {})}
        theirs = {c.lower(): c for c in catalog.tables.get(ref, {})}
        catalog.add_foreign(
            table,
            [own.get(c.lower(), c) for c in columns],
            ref,
            [theirs.get(c.lower(), c) for c in ref_columns],
        )


def _convert(c: Column, s: pl.Series) -> pl.Series:
    """One column as DuckDB returns it in the model's dtype."""
    from seedsnap.schema.frames import dtype
    from seedsnap.snapshot import stored_json

    return stored_json(s.cast(pl.String)) if c.type == JSONB else s.cast(dtype(c))


def _to_model(table: Table, cols: Sequence[Column], frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` in the model's dtypes; a value that has none (JSON whose number does not fit
    a float, as a DuckDB JSON column may hold) is a DatabaseError naming it."""
    return in_model_types(table, cols, frame, _convert, "correct or delete that value")


def read_table(conn: Any, table: Table, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Every row of ``table`` (or just ``columns``) with the model's polars dtypes."""
    cols = [table.column(c) for c in (columns or table.column_names)]
    # Enums and JSON leave DuckDB as text; the cast to the model's dtypes does the rest.
    selected = ", ".join(
        f"{quote(c.name)}::VARCHAR AS {quote(c.name)}" if c.type in (ENUM, JSONB) else quote(c.name)
        for c in cols
    )
    with _errors(f"reading {table.name}"):
        arrow = conn.sql(f"SELECT {selected} FROM {quote(table.name)}").to_arrow_table()
    return _to_model(table, cols, pl.DataFrame(pl.from_arrow(arrow)))


def probe(conn: Any, table: Table, frame: pl.DataFrame, *, anti: bool) -> pl.DataFrame:
    """Rows of ``frame`` that match (or, with ``anti``, match no) row of ``table``."""
    cols = [table.column(c) for c in frame.columns]
    match = " AND ".join(f"t.{quote(c.name)} = p.{quote(c.name)}" for c in cols)
    selected = ", ".join(f"p.{quote(c.name)}" for c in cols)
    with _errors(f"comparing {table.name} with the snapshot"):
        conn.register(_ROWS, frame.to_arrow())
        try:
            arrow = conn.sql(
                f"SELECT {selected} FROM {_ROWS} p WHERE {'NOT' if anti else ''} EXISTS "
                f"(SELECT 1 FROM {quote(table.name)} t WHERE {match})"
            ).to_arrow_table()
        finally:
            conn.unregister(_ROWS)
    return _to_model(table, cols, pl.DataFrame(pl.from_arrow(arrow)))


def has_rows(conn: Any, table: Table) -> bool:
    with _errors(f"reading {table.name}"):
        # fetchall, not fetchone: DuckDB refuses new work while a result is unfinished.
        rows = conn.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table.name)})").fetchall()
    return bool(rows and rows[0][0])


def create_schema(conn: Any, schema: Schema) -> None:
    with _errors("creating the schema"):
        conn.execute(render(schema, "duckdb"))


def begin(conn: Any, *, write: bool) -> None:
    with _errors("starting the transaction"):
        conn.execute("BEGIN TRANSACTION")


def lock(conn: Any, tables: Sequence[str]) -> None:
    """Nothing to do: DuckDB lets one process write a database file at a time."""


def empty(conn: Any, tables: Sequence[str], replace: str = "--replace") -> None:
    """Empty ``tables`` (children first) by dropping and recreating them from their own DDL.

    DuckDB checks a foreign key against rows deleted earlier in the same transaction as if
    they were still there, so DELETE cannot empty a parent inside the load's transaction;
    DROP + CREATE from ``duckdb_tables().sql`` (and the indexes' SQL) can, and leaves the
    definitions exactly as they were. A table outside the model that references one of them
    makes the DROP fail, and nothing is emptied.
    """
    names = list(tables)
    with _errors("reading the table definitions"):
        defs = dict(
            conn.execute(
                "SELECT table_name, sql FROM duckdb_tables() "
                "WHERE database_name = current_database() AND schema_name = current_schema()"
            ).fetchall()
        )
        indexes = conn.execute(
            "SELECT table_name, sql FROM duckdb_indexes() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "AND sql IS NOT NULL"
        ).fetchall()
    duckdb = _driver()
    try:
        for name in names:
            conn.execute(f"DROP TABLE {quote(name)}")
    except duckdb.Error as e:
        raise DatabaseError(
            f"{replace} cannot empty {name}: {' '.join(str(e).split())[:200]}",
            f"a table outside the model depends on it; empty it yourself, or load without {replace}",
        ) from None
    with _errors("recreating the emptied tables"):
        for name in reversed(names):
            conn.execute(defs[name])
        for table, statement in indexes:
            if table in names:
                conn.execute(statement)


def commit(conn: Any) -> None:
    with _errors("committing"):
        conn.execute("COMMIT")


def rollback(conn: Any) -> None:
    with suppress(_driver().Error):
        conn.execute("ROLLBACK")


def close(conn: Any) -> None:
    conn.close()


def write(
    conn: Any,
    plans: Sequence[TablePlan],
    options: LoadOptions,
    progress: Progress | None = None,
    log: Log | None = None,
) -> None:
    """Insert every plan's rows, in plan (foreign-key) order, inside the open transaction."""
    for plan in plans:
        if not plan.rows.height:
            continue
        table = plan.table
        if progress is not None:
            progress("write", table.name, plan.rows.height)
        cols = ", ".join(quote(c) for c in table.column_names)
        with _errors(f"loading {table.name}"):
            conn.register(_ROWS, parent_first(table, plan.rows).to_arrow())
            try:
                conn.execute(f"INSERT INTO {quote(table.name)} ({cols}) SELECT {cols} FROM {_ROWS}")
            finally:
                # After a failed INSERT the transaction is aborted and unregister fails too;
                # its "transaction is aborted" would hide the INSERT's own message.
                with suppress(_driver().Error):
                    conn.unregister(_ROWS)
        if log is not None:
            log(f"{table.name}: inserted {plan.rows.height:,} rows")
        if progress is not None:
            progress("done", table.name, plan.rows.height)
