"""Helpers shared by the enrichers: counting per entity, deficits, keyed top-k choices."""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context


def deficit(
    entities: pl.DataFrame, key: str, counts: pl.DataFrame, minimum: int | pl.Expr
) -> pl.DataFrame:
    """``entities`` (with ``key``) whose count in ``counts`` (key, len) is below ``minimum``.

    Returns key + need (Int64, > 0), sorted by key.
    """
    m = minimum if isinstance(minimum, pl.Expr) else pl.lit(minimum, dtype=pl.Int64)
    return (
        entities.join(counts, on=key, how="left")
        .with_columns((m.cast(pl.Int64) - pl.col("len").fill_null(0).cast(pl.Int64)).alias("need"))
        .filter(pl.col("need") > 0)
        .select(key, "need")
        .sort(key)
    )


def count_by(frame: pl.DataFrame, column: str, key: str | None = None) -> pl.DataFrame:
    """Rows per value of ``column`` (renamed to ``key``), as (key, len:Int64)."""
    return (
        frame.group_by(column)
        .len()
        .with_columns(pl.col("len").cast(pl.Int64))
        .rename({column: key or column})
    )


def take_best(
    ctx: Context,
    table: str,
    purpose: str,
    candidates: pl.DataFrame,
    side: str,
    need: pl.DataFrame,
    order: list[str] | None = None,
) -> pl.DataFrame:
    """Per ``side`` entity, its ``need`` candidates with the lowest (order..., keyed score).

    ``candidates`` carries each candidate's stable uint64 key in ``_k``; the score is keyed,
    so the choice does not depend on row order.
    """
    s = ctx.stream(table, purpose)
    return (
        candidates.with_columns(pl.Series("_s", s.bits(candidates["_k"].to_numpy())))
        .join(need, on=side, how="inner")
        .sort([side, *(order or []), "_s"])
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
        .drop("_s", "need")
    )
