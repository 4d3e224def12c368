"""Schema-driven filler rows for loader benchmarks and tests: valid keys, not realistic content.

``frames(schema, rows)`` makes every table of the model with the requested row counts such that
primary keys, unique indexes and foreign keys all hold, every column type is exercised (nulls,
timestamps(3), jsonb, arrays, decimals, enums) and self-references point to earlier rows. It
exists so the loaders can be measured at a million rows and tested over all 42 tables without
the domain generators; the values mean nothing. Deterministic: keyed by (seed, table, column).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.ids import cuid, uuid4
from seedsnap.random import Stream
from seedsnap.schema.frames import conform
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

# The benchmarks' row mix (about 1.1 M rows): the tables the app grows fastest carry the rows;
# tables not named stay empty.
BENCH_ROWS = {
    "User": 60_000, "Client": 40_000, "Therapist": 5_000, "Admin": 100, "Moderator": 200,
    "Community": 100, "RoomGroup": 300, "Room": 1_000, "Membership": 60_000,
    "Post": 60_000, "Comment": 150_000, "PostHeart": 150_000, "CommentHeart": 50_000,
    "Conversation": 30_000, "ConversationParticipant": 60_000, "Message": 250_000,
    "Notification": 150_000, "Meeting": 20_000, "Payment": 10_000,
}  # fmt: skip

# 2026-02-22T12:00:00Z, the default anchor; synthetic times fall in the year before it.
_ANCHOR_MS = 1_771_761_600_000
_YEAR_MS = 365 * 86_400_000


def frames(schema: Schema, rows: int | Mapping[str, int], seed: int = 0) -> dict[str, pl.DataFrame]:
    """Every table of ``schema`` with about ``rows`` rows (capped where keys would run out)."""
    out: dict[str, pl.DataFrame] = {}
    for name in schema.load_order:
        want = rows if isinstance(rows, int) else rows.get(name, 0)
        out[name] = _table(schema, schema.table(name), want, out, seed)
    return out


def _radix_groups(table: Table) -> list[tuple[str, ...]]:
    """Unique keys made only of foreign-key columns: their values must be distinct combinations."""
    fk_cols = {fk.columns[0] for fk in table.foreign_keys if fk.ref_table != table.name}
    keys = [table.primary_key, *(i.columns for i in table.unique_indexes)]
    return [tuple(k) for k in keys if set(k) <= fk_cols]


def _table(
    schema: Schema, table: Table, want: int, done: Mapping[str, pl.DataFrame], seed: int
) -> pl.DataFrame:
    parents = {
        fk.columns[0]: done[fk.ref_table][fk.ref_columns[0]]
        for fk in table.foreign_keys
        if fk.ref_table != table.name
    }
    groups = _radix_groups(table)
    n = want
    for group in groups:
        n = min(n, int(np.prod([len(parents[c]) for c in group], dtype=np.float64)))
    i = np.arange(n, dtype=np.uint64)
    cols: dict[str, pl.Series] = {}
    for group in groups:
        stride = 1
        for name in group:
            if name in cols:
                continue
            size = len(parents[name])
            cols[name] = parents[name].gather(
                ((i // np.uint64(stride)) % np.uint64(size)).astype(np.int64)
            )
            stride *= size
    unique_cols = {c for idx in table.unique_indexes for c in idx.columns}
    for c in table.columns:
        if c.name in cols:
            continue
        s = Stream(seed, table.name, c.name)
        if c.name in parents:
            pick = (s.bits(i) % np.uint64(max(len(parents[c.name]), 1))).astype(np.int64)
            values = parents[c.name].gather(pick) if len(parents[c.name]) else _nulls(c, n)
            cols[c.name] = _maybe_null(values, c, s, i, unique=False)
        elif any(fk.columns[0] == c.name for fk in table.self_references):
            # Earlier rows only, so the references form a forest (replies to replies included).
            j = (s.bits(i, 1) % np.maximum(i, np.uint64(1))).astype(np.int64)
            own_ids = cols[table.primary_key[0]]
            ref = own_ids.gather(j)
            keep = pl.Series((s.bits(i, 2) % np.uint64(3) == 0) & (i > 0))
            cols[c.name] = pl.select(pl.when(keep).then(ref).otherwise(None)).to_series()
        else:
            cols[c.name] = _maybe_null(
                _values(schema, table, c, i, s, seed), c, s, i, unique=c.name in unique_cols
            )
    frame = pl.DataFrame([cols[c.name].alias(c.name) for c in table.columns])
    return conform(table, frame)


def _nulls(c: Column, n: int) -> pl.Series:
    return pl.Series(c.name, [None] * n, dtype=pl.String)


def _maybe_null(
    values: pl.Series, c: Column, s: Stream, i: npt.NDArray[np.uint64], unique: bool
) -> pl.Series:
    if not c.nullable or c.is_array:
        return values
    null = s.bits(i, 7) % np.uint64(5) == 0
    return pl.select(pl.when(pl.Series(null)).then(None).otherwise(values)).to_series()


def _values(
    schema: Schema, table: Table, c: Column, i: npt.NDArray[np.uint64], s: Stream, seed: int
) -> pl.Series:
    n = len(i)
    bits = s.bits(i)
    if c.type == TEXT:
        if c.name in table.primary_key:
            if c.client_default == "cuid":
                return cuid(seed, table.name, i, c.name)
            return uuid4(seed, table.name, i, c.name)
        # The row number keeps unique columns unique; a quote, a comma, a tab, a backslash and
        # non-ASCII text exercise every loader's escaping.
        tail = pl.Series(["plain", 'quote " and , comma', "tab\tback\\slash", "naïve ☕", ""])
        pick = pl.Series((bits % np.uint64(len(tail))).astype(np.int64))
        return pl.select(
            pl.concat_str(pl.lit(c.name + "-"), pl.Series(i), pl.lit(" "), tail.gather(pick))
        ).to_series()
    if c.type == ENUM:
        values = pl.Series(list(schema.enums[c.enum or ""]))
        return values.gather((bits % np.uint64(len(values))).astype(np.int64))
    if c.type == TIMESTAMP:
        ms = np.int64(_ANCHOR_MS) - (bits % np.uint64(_YEAR_MS)).astype(np.int64)
        return pl.Series(ms).cast(pl.Datetime("ms"))
    if c.type == INTEGER:
        return pl.Series((bits % np.uint64(1000)).astype(np.int32))
    if c.type == FLOAT:
        return pl.Series(s.uniform(i) * 100.0)
    if c.type == DECIMAL:
        cents = pl.Series((bits % np.uint64(10_000_000)).astype(np.int64))
        return (cents.cast(pl.Decimal(12, 2)) / 100).cast(pl.Decimal(10, 2))
    if c.type == BOOLEAN:
        return pl.Series((bits & np.uint64(1)).astype(bool))
    if c.type == JSONB:
        return pl.select(
            pl.concat_str(
                pl.lit('{"n":'),
                pl.Series(i),
                pl.lit(',"tag":"t'),
                pl.Series(bits % np.uint64(7)),
                pl.lit('"}'),
            )
        ).to_series()
    if c.type in (TEXT_ARRAY, INTEGER_ARRAY):
        length = (bits % np.uint64(4)).astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(length)])
        flat = np.arange(int(offsets[-1]), dtype=np.int64)
        if c.type == TEXT_ARRAY:
            items = pl.select(
                pl.concat_str(pl.lit("a"), pl.Series(flat), pl.lit('"{x},'))
            ).to_series()
        else:
            items = pl.Series(flat.astype(np.int32))
        return pl.Series(
            c.name,
            pl.Series(np.repeat(np.arange(n), length))
            .to_frame("row")
            .with_columns(items.alias("v"))
            .group_by("row", maintain_order=True)
            .agg("v")
            .join(pl.DataFrame({"row": np.arange(n)}), on="row", how="right")
            .sort("row")["v"]
            .fill_null(pl.lit([], dtype=pl.List(items.dtype))),
        )
    raise ValueError(f"no synthetic values for type {c.type}")
