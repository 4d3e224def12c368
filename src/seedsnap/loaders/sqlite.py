"""SQLite loader: rows as SQLite values, ``executemany`` in one IMMEDIATE transaction.

``sqlite:///path`` (relative) or ``sqlite:////absolute/path``. Values as the SQLite DDL of
seedsnap.schema.ddl stores them: timestamps as ``YYYY-MM-DD HH:MM:SS.sss`` text, booleans
0/1, jsonb and arrays as JSON text, decimals as exact text. ``BEGIN IMMEDIATE`` takes the
database's write lock up front, so two loads do not interleave; foreign keys are enforced and
checked at commit (``defer_foreign_keys``), as PostgreSQL would at the end of the load.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from seedsnap.errors import DatabaseError, one_line
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
    shown,
    value_error,
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

DIALECT = "sqlite"

# Declared types as `seedsnap schema --dialect sqlite` writes them.
TYPES: dict[str, str] = {
    TEXT: "TEXT",
    TIMESTAMP: "TEXT",
    INTEGER: "INTEGER",
    FLOAT: "REAL",
    DECIMAL: "TEXT",
    JSONB: "TEXT",
    BOOLEAN: "INTEGER",
    TEXT_ARRAY: "TEXT",
    INTEGER_ARRAY: "TEXT",
    ENUM: "TEXT",
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.3f"
_LABEL = re.compile(r"'((?:[^']|'')*)'")


def path_of(url: str) -> Path:
    """The file of ``sqlite:///relative`` or ``sqlite:////absolute``."""
    return Path(url.partition("://")[2][1:])


def describe_url(url: str) -> str:
    return f"sqlite:///{path_of(url)}"


def connect(url: str, create: bool = True, *, read_only: bool = False) -> Any:
    """An open connection in autocommit mode (transactions are begun explicitly).

    ``read_only`` (diff, verify) opens an existing file with ``mode=ro``: SQLite then neither
    creates the file nor writes to it, and a file the user may only read is enough.
    """
    import sqlite3

    path = path_of(url)
    check_database_file(url, path, DIALECT, create=create and not read_only)
    try:
        if read_only:
            # as_uri() percent-encodes '?', '#' and '%' in the path, so none is read as URI syntax.
            uri = f"{path.absolute().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, isolation_level=None, timeout=30, uri=True)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as e:
        raise DatabaseError(
            f"cannot open {path}: {e}", "check that the path is a SQLite database file"
        ) from None
    return conn


def describe(conn: Any) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return f"SQLite file {row[2] if row else '?'}"


@contextmanager
def _errors(what: str) -> Iterator[None]:
    import sqlite3

    try:
        yield
    except sqlite3.Error as e:
        text = one_line(str(e))
        fix = (
            "the snapshot references rows the database lacks; run seedsnap check on it"
            if "FOREIGN KEY" in text
            else "the transaction was rolled back and nothing was written"
        )
        raise DatabaseError(f"{what}: {text}", fix) from None


def expected_type(column: Column) -> str:
    return TYPES[column.type]


def _enum_labels(table_sql: str, column: str) -> tuple[str, ...] | None:
    """The values of a ``CHECK ("col" IN ('a', 'b'))`` on ``column``, if the table has one."""
    m = re.search(
        r"CHECK\s*\(\s*" + re.escape(quote(column)) + r"\s+IN\s*\(([^)]*)\)\s*\)", table_sql
    )
    if m is None:
        return None
    return tuple(v.replace("''", "'") for v in _LABEL.findall(m[1]))


# The columns of every unique index but the primary key's, whether made by CREATE UNIQUE INDEX
# (origin "c") or by a UNIQUE constraint (origin "u"). A partial index, or one on an expression
# (a column without a name), does not make its columns unique: left out.
_UNIQUE = """
SELECT m.name, json_group_array(i.name)
  FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i
 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
   AND l."unique" AND l.origin != 'pk' AND NOT l.partial
 GROUP BY m.name, l.name
"""


# A foreign key's columns in its own order; a key naming no referenced columns refers to the
# parent's primary key (f."to" is NULL), which seedsnap's DDL never writes.
_FOREIGN = """
SELECT m.name, f."table", json_group_array(f."from"), json_group_array(f."to")
  FROM sqlite_master m, pragma_foreign_key_list(m.name) f
 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
 GROUP BY m.name, f.id
"""


def read_catalog(conn: Any) -> Catalog:
    """Tables, declared column types, NOT NULL, defaults, CHECK-IN enum labels, primary
    keys, unique keys and foreign keys (their names matched without regard to case, as
    SQLite matches identifiers)."""
    catalog = Catalog()
    with _errors("reading the catalog"):
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for name, table_sql in tables:
            for _, column, type_, notnull, default, key, hidden in conn.execute(
                f"PRAGMA table_xinfo({quote(name)})"
            ).fetchall():
                if hidden:
                    continue
                bool_check = re.search(
                    r"CHECK\s*\(\s*" + re.escape(quote(column)) + r"\s+IN\s*\(\s*0\s*,\s*1\s*\)",
                    table_sql or "",
                )
                labels = None if bool_check else _enum_labels(table_sql or "", column)
                catalog.tables.setdefault(name, {})[column] = DbColumn(
                    column, (type_ or "").upper(), not notnull, default is not None, labels, key
                )
        for name, columns in conn.execute(_UNIQUE).fetchall():
            names = json.loads(columns)
            if None not in names:
                catalog.add_unique(name, names)
        tables = {t.lower(): t for t in catalog.tables}
        for name, ref, columns, ref_columns in conn.execute(_FOREIGN).fetchall():
            ref = tables.get(ref.lower(), ref)
            own = {c.lower(): c for c in catalog.tables.get(name, {})}
            theirs = {c.lower(): c for c in catalog.tables.get(ref, {})}
            catalog.add_foreign(
                name,
                [own.get(c.lower(), c) for c in json.loads(columns)],
                ref,
                [theirs.get(str(c).lower(), c) for c in json.loads(ref_columns)],
            )
    return catalog


def encode(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every column as the SQLite value it is stored as."""
    exprs = []
    for c in (table.column(n) for n in frame.columns):
        e = pl.col(c.name)
        if c.type == TIMESTAMP:
            e = e.dt.to_string(TIME_FORMAT)
        elif c.type == BOOLEAN:
            e = e.cast(pl.Int8)
        elif c.type == DECIMAL:
            e = e.cast(pl.String)
        elif c.is_array:
            # JSON text of the list: polars encodes a one-field struct, the field is cut out.
            whole = pl.struct(e.alias("v")).struct.json_encode()
            e = (
                pl.when(e.is_null())
                .then(None)
                .otherwise(whole.str.strip_prefix('{"v":').str.strip_suffix("}"))
            )
        exprs.append(e.alias(c.name))
    return frame.select(exprs)


def _convert(c: Column, s: pl.Series) -> pl.Series:
    """One column as read from SQLite (in its ``_RAW`` dtype) in the model's dtype."""
    from seedsnap.schema.frames import dtype
    from seedsnap.snapshot import stored_json

    if c.type == TIMESTAMP:
        return s.str.to_datetime(TIME_FORMAT, time_unit="ms")
    if c.type == BOOLEAN:
        return s.cast(pl.Boolean)
    if c.type == JSONB:
        return stored_json(s)
    if c.is_array:
        return s.str.json_decode(dtype(c))
    return s.cast(dtype(c))


_RAW = {"TEXT": pl.String, "INTEGER": pl.Int64, "REAL": pl.Float64}
# The storage classes (typeof) a value of each declared type may have, besides NULL.
_CLASSES = {"TEXT": ("text",), "INTEGER": ("integer",), "REAL": ("real", "integer")}
_UNREADABLE_FIX = (
    "correct or delete that value: seedsnap stores timestamps as 'YYYY-MM-DD HH:MM:SS.sss', "
    "booleans as 0 or 1, arrays and JSON as JSON text"
)


def _misstored(conn: Any, table: Table, cols: Sequence[Column]) -> DatabaseError | None:
    """An error for the first value of a storage class its column's type cannot hold, or an
    array whose JSON text is not an array of that type.

    SQLite keeps what it is given when it cannot convert it (``'many'`` or ``2.5`` in an
    INTEGER column): read into the model's dtypes, such a value stops the read, or is cut
    to ``2`` and compares equal to the ``2`` it is not; ``[2.5]`` in an INTEGER[] column
    would read as ``[2]`` and ``'5'`` in a TEXT[] column as ``['5']``.
    """
    bad = [_bad_value(c) for c in cols]
    typed = ", ".join(
        f"typeof({quote(c.name)}), {quote(c.name)}, {b}" for c, b in zip(cols, bad, strict=True)
    )
    where = " OR ".join(f"({b})" for b in bad)
    row = conn.execute(f"SELECT {typed} FROM {quote(table.name)} WHERE {where} LIMIT 1").fetchone()
    if row is None:
        return None
    c, kind, value = next(
        (c, row[3 * i], row[3 * i + 1]) for i, c in enumerate(cols) if row[3 * i + 2]
    )
    return value_error(table, c, f"{shown(value)} ({kind})", _UNREADABLE_FIX)


# The JSON element types an array column's elements may have, besides null.
_ELEMENTS = {TEXT_ARRAY: "'text'", INTEGER_ARRAY: "'integer'"}


def _bad_value(c: Column) -> str:
    """SQL true for a value of ``c`` that seedsnap cannot read as ``c.type``."""
    col = quote(c.name)
    kinds = ", ".join(f"'{k}'" for k in _CLASSES[TYPES[c.type]])
    bad = f"typeof({col}) NOT IN ('null', {kinds})"
    if c.type in _ELEMENTS:
        # int4 elements, as PostgreSQL's integer[] holds them.
        out_of_range = (
            " OR (type = 'integer' AND value NOT BETWEEN -2147483648 AND 2147483647)"
            if c.type == INTEGER_ARRAY
            else ""
        )
        # CASE, since SQLite's JSON functions raise on text that is not JSON.
        bad += (
            f" OR ({col} IS NOT NULL AND CASE WHEN json_valid({col}) THEN "
            f"json_type({col}) != 'array' OR EXISTS (SELECT 1 FROM json_each({col}) "
            f"WHERE type NOT IN ('null', {_ELEMENTS[c.type]}){out_of_range}) ELSE 1 END)"
        )
    return bad


def read_table(conn: Any, table: Table, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Every row of ``table`` (or just ``columns``) with the model's polars dtypes; a value
    that cannot be read as its column's type is a DatabaseError naming it."""
    cols = [table.column(c) for c in (columns or table.column_names)]
    selected = ", ".join(quote(c.name) for c in cols)
    with _errors(f"reading {table.name}"):
        bad = _misstored(conn, table, cols)
        if bad is not None:
            raise bad  # a DatabaseError, which _errors lets through
        rows = conn.execute(f"SELECT {selected} FROM {quote(table.name)}").fetchall()
    raw = pl.DataFrame(
        rows, schema={c.name: _RAW[TYPES[c.type]] for c in cols}, orient="row", strict=False
    )
    # A value of the right storage class in a form seedsnap does not write (a hand-typed
    # time) fails the conversion.
    return in_model_types(table, cols, raw, _convert, _UNREADABLE_FIX)


def has_rows(conn: Any, table: Table) -> bool:
    with _errors(f"reading {table.name}"):
        row = conn.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table.name)})").fetchone()
    return bool(row and row[0])


def create_schema(conn: Any, schema: Schema) -> None:
    # One statement at a time: executescript() would commit the load's open transaction.
    with _errors("creating the schema"):
        for statement in render(schema, "sqlite").split(";\n"):
            if statement.strip():
                conn.execute(statement)


def begin(conn: Any, *, write: bool) -> None:
    with _errors("starting the transaction"):
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")


def lock(conn: Any, tables: Sequence[str]) -> None:
    """Nothing to do: BEGIN IMMEDIATE already holds the database's write lock."""


def empty(conn: Any, tables: Sequence[str], replace: str = "--replace") -> None:
    """DELETE every row of ``tables`` (given children first). ``replace`` names what asked for
    it in the other dialects' errors; here a failure is one of ``_errors``'."""
    with _errors("emptying the tables"):
        for name in tables:
            conn.execute(f"DELETE FROM {quote(name)}")


def commit(conn: Any) -> None:
    with _errors("committing"):
        conn.execute("COMMIT")


def rollback(conn: Any) -> None:
    import sqlite3

    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


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
        marks = ", ".join("?" for _ in table.column_names)
        values = encode(table, parent_first(table, plan.rows))
        with _errors(f"loading {table.name}"):
            # sqlite3 walks the row iterator in C; there is no columnar insert API.
            conn.executemany(
                f"INSERT INTO {quote(table.name)} ({cols}) VALUES ({marks})", values.iter_rows()
            )
        if log is not None:
            log(f"{table.name}: inserted {plan.rows.height:,} rows")
        if progress is not None:
            progress("done", table.name, plan.rows.height)
