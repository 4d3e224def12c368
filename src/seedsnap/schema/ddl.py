"""DDL for each target dialect, rendered from the schema model.

PostgreSQL DDL is what Prisma's migration writes for the same model (same statements, names,
types, defaults and actions), so a database created with it has Prisma's catalog. DuckDB and
SQLite get the nearest types; see ``_duckdb_type`` and ``_sqlite_type`` for the mapping.
"""

from __future__ import annotations

from seedsnap.errors import ConfigError
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
    ForeignKey,
    Index,
    Schema,
    Table,
)

DIALECTS = ("postgres", "duckdb", "sqlite")


def quote(name: str) -> str:
    """A double-quoted SQL identifier (the model's names never contain a quote; refuse if so)."""
    if '"' in name or "\x00" in name:
        raise ValueError(f"identifier {name!r} contains a quote or NUL")
    return f'"{name}"'


def _cols(columns: tuple[str, ...], desc: frozenset[str] = frozenset()) -> str:
    return ", ".join(quote(c) + (" DESC" if c in desc else "") for c in columns)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render(schema: Schema, dialect: str) -> str:
    """The whole DDL script for ``dialect`` (one of DIALECTS)."""
    if dialect == "postgres":
        return _postgres(schema)
    if dialect == "duckdb":
        return _duckdb(schema)
    if dialect == "sqlite":
        return _sqlite(schema)
    raise ConfigError(
        f"unknown dialect {dialect!r}",
        f"use one of {', '.join(DIALECTS)} (e.g. --dialect postgres)",
    )


# PostgreSQL: Prisma's statement order (enums, tables, indexes, foreign keys).


def _pg_column(c: Column) -> str:
    type_ = quote(c.enum) if c.type == ENUM and c.enum else c.type
    parts = [f"    {quote(c.name)} {type_}"]
    if not c.nullable:
        parts.append("NOT NULL")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    return " ".join(parts)


def create_index(t: Table, i: Index) -> str:
    """The ``CREATE [UNIQUE] INDEX`` statement of ``i`` (without ";"), valid in every dialect."""
    kind = "UNIQUE INDEX" if i.unique else "INDEX"
    return f"CREATE {kind} {quote(i.name)} ON {quote(t.name)}({_cols(i.columns, i.desc)})"


def add_foreign_key(t: Table, fk: ForeignKey) -> str:
    """PostgreSQL's ``ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`` of ``fk`` (without ";")."""
    return (
        f"ALTER TABLE {quote(t.name)} ADD CONSTRAINT {quote(fk.name)} "
        f"FOREIGN KEY ({_cols(fk.columns)}) REFERENCES {quote(fk.ref_table)}"
        f"({_cols(fk.ref_columns)}) ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
    )


def _postgres(schema: Schema) -> str:
    out: list[str] = []
    for name, values in schema.enums.items():
        out.append("-- CreateEnum")
        out.append(f"CREATE TYPE {quote(name)} AS ENUM ({', '.join(map(_literal, values))});\n")
    for t in schema.tables:
        out.append("-- CreateTable")
        lines = [_pg_column(c) + "," for c in t.columns]
        lines.append("")
        lines.append(f"    CONSTRAINT {quote(t.pk_name)} PRIMARY KEY ({_cols(t.primary_key)})")
        out.append(f"CREATE TABLE {quote(t.name)} (\n" + "\n".join(lines) + "\n);\n")
    for t in schema.tables:
        for i in t.indexes:
            out.append("-- CreateIndex")
            out.append(create_index(t, i) + ";\n")
    for t in schema.tables:
        for fk in t.foreign_keys:
            out.append("-- AddForeignKey")
            out.append(add_foreign_key(t, fk) + ";\n")
    return "\n".join(out)


# DuckDB: native ENUM, LIST and JSON types; foreign keys without referential actions (DuckDB
# supports none), declared inline because DuckDB cannot add constraints with ALTER TABLE.

_DUCKDB_TYPES = {
    TEXT: "TEXT",
    TIMESTAMP: "TIMESTAMP",
    INTEGER: "INTEGER",
    FLOAT: "DOUBLE",
    DECIMAL: "DECIMAL(10,2)",
    JSONB: "JSON",
    BOOLEAN: "BOOLEAN",
    TEXT_ARRAY: "TEXT[]",
    INTEGER_ARRAY: "INTEGER[]",
}


def _duckdb_type(c: Column) -> str:
    return quote(c.enum) if c.type == ENUM and c.enum else _DUCKDB_TYPES[c.type]


def _portable_default(c: Column) -> str | None:
    if c.default == "ARRAY[]::TEXT[]":
        return "[]"
    if c.default == "ARRAY[]::INTEGER[]":
        return "[]"
    return c.default


def _duckdb(schema: Schema) -> str:
    out: list[str] = []
    for name, values in schema.enums.items():
        out.append(f"CREATE TYPE {quote(name)} AS ENUM ({', '.join(map(_literal, values))});")
    out.append("")
    for t in _in_load_order(schema):
        lines = []
        for c in t.columns:
            line = f"    {quote(c.name)} {_duckdb_type(c)}"
            if not c.nullable:
                line += " NOT NULL"
            default = _portable_default(c)
            if default is not None:
                line += f" DEFAULT {default}"
            lines.append(line)
        lines.append(f"    PRIMARY KEY ({_cols(t.primary_key)})")
        for fk in t.foreign_keys:
            # DuckDB enforces FKs only on insert order and refuses self-references to the
            # table being created; a self-reference is checked by `seedsnap check` instead.
            if fk.ref_table == t.name:
                continue
            lines.append(
                f"    FOREIGN KEY ({_cols(fk.columns)}) REFERENCES {quote(fk.ref_table)}"
                f"({_cols(fk.ref_columns)})"
            )
        out.append(f"CREATE TABLE {quote(t.name)} (\n" + ",\n".join(lines) + "\n);")
        for i in t.indexes:
            # DuckDB's ART indexes make every UPDATE of an indexed row a delete + insert; plain
            # indexes buy nothing for seed data, so only the unique ones are created.
            if i.unique and tuple(i.columns) != tuple(t.primary_key):
                out.append(
                    f"CREATE UNIQUE INDEX {quote(i.name)} ON {quote(t.name)}({_cols(i.columns)});"
                )
        out.append("")
    return "\n".join(out)


# SQLite: TEXT affinity for timestamps (ISO-8601 with milliseconds), JSON text for jsonb and
# arrays, CHECK constraints for enums, INTEGER 0/1 for booleans; full FK actions.

_SQLITE_TYPES = {
    TEXT: "TEXT",
    TIMESTAMP: "TEXT",
    INTEGER: "INTEGER",
    FLOAT: "REAL",
    DECIMAL: "TEXT",  # exact decimal text; REAL would round 10,2 values
    JSONB: "TEXT",
    BOOLEAN: "INTEGER",
    TEXT_ARRAY: "TEXT",
    INTEGER_ARRAY: "TEXT",
    ENUM: "TEXT",
}


def _sqlite_default(c: Column) -> str | None:
    if c.default is None:
        return None
    if c.default == "CURRENT_TIMESTAMP":
        return "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"
    if c.default in ("ARRAY[]::TEXT[]", "ARRAY[]::INTEGER[]"):
        return "'[]'"
    if c.default == "true":
        return "1"
    if c.default == "false":
        return "0"
    return c.default


def _sqlite(schema: Schema) -> str:
    out: list[str] = []
    for t in _in_load_order(schema):
        lines = []
        for c in t.columns:
            line = f"    {quote(c.name)} {_SQLITE_TYPES[c.type]}"
            if not c.nullable:
                line += " NOT NULL"
            default = _sqlite_default(c)
            if default is not None:
                line += f" DEFAULT {default}"
            if c.type == ENUM and c.enum:
                values = ", ".join(map(_literal, schema.enums[c.enum]))
                line += f" CHECK ({quote(c.name)} IN ({values}))"
            if c.type == BOOLEAN:
                line += f" CHECK ({quote(c.name)} IN (0, 1))"
            lines.append(line)
        lines.append(f"    CONSTRAINT {quote(t.pk_name)} PRIMARY KEY ({_cols(t.primary_key)})")
        for fk in t.foreign_keys:
            lines.append(
                f"    CONSTRAINT {quote(fk.name)} FOREIGN KEY ({_cols(fk.columns)}) "
                f"REFERENCES {quote(fk.ref_table)}({_cols(fk.ref_columns)}) "
                f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
            )
        out.append(f"CREATE TABLE {quote(t.name)} (\n" + ",\n".join(lines) + "\n);")
        for i in t.indexes:
            out.append(create_index(t, i) + ";")
        out.append("")
    return "\n".join(out)


def _in_load_order(schema: Schema) -> list[Table]:
    return [schema.table(n) for n in schema.load_order]
