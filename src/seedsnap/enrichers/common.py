"""Helpers shared by the enrichers: counting per entity, deficits, keyed top-k choices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import sort_positions
from seedsnap.context import Context
from seedsnap.generators.common import text_keys
from seedsnap.random import I64, U64, expand


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


def rate(num: str, den: str) -> pl.Expr:
    """``num / den`` rounded to 4 places; 0 where ``den`` is 0 or missing."""
    return (
        pl.when(pl.col(den) > 0)
        .then(pl.col(num) / pl.col(den))
        .otherwise(0.0)
        .fill_null(0.0)
        .round(4)
    )


def count_by(frame: pl.DataFrame, column: str, key: str | None = None) -> pl.DataFrame:
    """Rows per value of ``column`` (renamed to ``key``), as (key, len:Int64)."""
    return (
        frame.group_by(column)
        .len()
        .with_columns(pl.col("len").cast(pl.Int64))
        .rename({column: key or column})
    )


def count_with_planned(
    existing: pl.DataFrame, planned: pl.DataFrame, key: str, column: str
) -> pl.DataFrame:
    """Rows of ``existing`` per ``key`` plus ``planned[column]`` summed per ``key``: (key, len)."""
    return (
        count_by(existing, key)
        .join(
            planned.group_by(key).agg(pl.col(column).sum().alias("add")),
            on=key,
            how="full",
            coalesce=True,
        )
        .select(key, (pl.col("len").fill_null(0) + pl.col("add").fill_null(0)).alias("len"))
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
        .sort([side, *(order or []), "_s", "_k"])  # _k: a pair's own key, if scores tie
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
        .drop("_s", "need")
    )


def packed_order(
    codes: Sequence[tuple[npt.NDArray[np.integer], int]],
    low: U64,
    exact: Callable[[], npt.ArrayLike],
) -> I64:
    """Positions ordering rows by (codes..., low), from one uint64 sort of packed keys.

    ``codes`` are (values in range(bound), bound) pairs, most significant first (a value out
    of its range would spill into its neighbour); each takes the bits its bound needs at the
    top of the key, and the top bits of ``low`` fill the rest (at least one is left). Where two packed keys tie (``low`` prefixes equal under equal codes: next to never
    for keyed draws), ``exact()`` gives the order instead, with its own tie-breakers.
    """
    used = sum(max(int(bound - 1).bit_length(), 1) for _, bound in codes)
    if used >= 64:
        raise ValueError(f"packed_order: the codes need {used} bits, a key has 64")
    packed = low >> np.uint64(used)
    shift = 64
    for values, bound in codes:
        shift -= max(int(bound - 1).bit_length(), 1)
        packed |= values.astype(np.uint64) << np.uint64(shift)
    order = sort_positions(packed)
    # With no tie the order is unique, so which sort made it does not matter.
    if (packed[order][1:] == packed[order][:-1]).any():
        return np.asarray(exact(), dtype=np.int64)
    return order.astype(np.int64, copy=False)


def sample_pairs(
    ctx: Context,
    table: str,
    purpose: str,
    need: pl.DataFrame,
    side: str,
    pool: pl.Series,
    other: str,
    existing: pl.DataFrame,
    allowed: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``need`` new (side, other) pairs per side entity, ``other`` drawn from ``pool``.

    Candidates are keyed draws with replacement (a few times the need), minus existing pairs
    and duplicates; entities still short then get an exact pass over the whole pool. This
    keeps the common case linear in the need instead of a side x pool cross join.
    ``allowed`` (side, other) restricts the pairs that may be formed (joined when given).
    """
    pool = pool.unique().sort()
    if need.is_empty() or pool.is_empty():
        return pl.DataFrame(schema={side: need.schema[side], other: pool.dtype})
    s = ctx.stream(table, purpose)
    draws = need["need"].to_numpy() * 3 + 8
    rows, idx, keys = expand(text_keys(need[side]), draws)
    picked = pool.gather(s.integers(keys, 0, pool.len()))
    cand = pl.DataFrame({side: need[side].gather(rows), other: picked, "_i": idx})

    def finish(c: pl.DataFrame) -> pl.DataFrame:
        c = c.join(existing.select(side, other), on=[side, other], how="anti")
        if allowed is not None:
            c = c.join(allowed.select(side, other), on=[side, other], how="semi")
        return (
            c.sort(side, "_i")
            .unique([side, other], keep="first", maintain_order=True)
            .join(need, on=side, maintain_order="left")
            .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
            .select(side, other)
        )

    got = finish(cand)
    short = (
        need.join(got.group_by(side).len(), on=side, how="left")
        .filter(pl.col("len").fill_null(0) < pl.col("need"))
        .select(side, "need")
    )
    if short.is_empty():
        return got
    # Exact pass for the few entities the draws did not satisfy: every pool value, keyed order.
    full = (
        short.select(side)
        .join(pool.to_frame(other), how="cross")
        .join(got, on=[side, other], how="anti")
    )
    full = full.with_columns(
        pl.Series(
            "_i",
            s.bits(text_keys(full[side]) ^ text_keys(full[other]), 1).astype(np.int64)
            & 0x7FFFFFFFFFFFFFFF,
        )
    )
    rest_need = (
        short.join(
            got.group_by(side).len().with_columns(pl.col("len").cast(pl.Int64)), on=side, how="left"
        )
        .with_columns((pl.col("need") - pl.col("len").fill_null(0)).alias("need"))
        .select(side, "need")
    )
    rest = (
        full.join(existing.select(side, other), on=[side, other], how="anti")
        .pipe(
            lambda c: (
                c
                if allowed is None
                else c.join(allowed.select(side, other), on=[side, other], how="semi")
            )
        )
        .sort(side, "_i")
        .join(rest_need, on=side, maintain_order="left")
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
        .select(side, other)
    )
    return pl.concat([got, rest])
