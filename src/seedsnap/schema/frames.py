"""Polars dtypes of the model's tables, and ``conform`` to shape a frame as its table.

Type mapping: TEXT and enums -> String; TIMESTAMP(3) -> Datetime("ms") (naive, UTC by
convention, as Prisma stores it); INTEGER -> Int32; DOUBLE PRECISION -> Float64;
DECIMAL(10,2) -> Decimal(10, 2); JSONB -> String holding JSON text (a snapshot stores it in
PostgreSQL's jsonb output form, see ``snapshot.stored_json``); BOOLEAN -> Boolean;
TEXT[] -> List(String); INTEGER[] -> List(Int32).
"""

from __future__ import annotations

from typing import Any

import polars as pl

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
    Table,
)

_DTYPES: dict[str, pl.DataType] = {
    TEXT: pl.String(),
    ENUM: pl.String(),
    TIMESTAMP: pl.Datetime("ms"),
    INTEGER: pl.Int32(),
    FLOAT: pl.Float64(),
    DECIMAL: pl.Decimal(10, 2),
    JSONB: pl.String(),
    BOOLEAN: pl.Boolean(),
    TEXT_ARRAY: pl.List(pl.String()),
    INTEGER_ARRAY: pl.List(pl.Int32()),
}


def dtype(column: Column) -> pl.DataType:
    return _DTYPES[column.type]


def polars_schema(table: Table) -> dict[str, pl.DataType]:
    return {c.name: dtype(c) for c in table.columns}


def empty_frame(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(table))


def literal_default(column: Column) -> tuple[bool, Any]:
    """(True, value) when the DB default is a constant a snapshot can carry, else (False, None)."""
    d = column.default
    if d is None or d == "CURRENT_TIMESTAMP":
        return False, None
    if d in ("ARRAY[]::TEXT[]", "ARRAY[]::INTEGER[]"):
        return True, []
    if d in ("true", "false"):
        return True, d == "true"
    if d.startswith("'") and d.endswith("'"):
        return True, d[1:-1].replace("''", "'")
    if column.type == INTEGER:
        return True, int(d)
    if column.type == FLOAT:
        return True, float(d)
    return False, None


class FrameMismatch(ValueError):
    """A frame whose columns do not fit its table: ``columns`` are not in the model
    (``extra``), or are required, have no constant default and are absent (not ``extra``)."""

    def __init__(self, table: str, columns: list[str], extra: bool, message: str) -> None:
        super().__init__(message)
        self.table, self.columns, self.extra = table, columns, extra


def conform(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the table's columns, in order, with the table's dtypes.

    A column the frame lacks gets the column's constant DB default (what the database would
    store), else NULL when nullable; a required column with neither is an error, because a
    snapshot must carry every value the database would not fill in itself.
    """
    extra = set(frame.columns) - set(table.column_names)
    if extra:
        raise FrameMismatch(
            table.name,
            sorted(extra),
            True,
            f"{table.name}: frame has columns not in the model: {sorted(extra)}",
        )
    exprs = []
    for c in table.columns:
        dt = dtype(c)
        if c.name in frame.columns:
            exprs.append(pl.col(c.name).cast(dt))
            continue
        has, value = literal_default(c)
        if has:
            exprs.append(pl.lit(value, dtype=dt).alias(c.name))
        elif c.nullable:
            exprs.append(pl.lit(None, dtype=dt).alias(c.name))
        else:
            raise FrameMismatch(
                table.name,
                [c.name],
                False,
                f"{table.name}.{c.name} is required and has no constant default",
            )
    return frame.select(exprs)
