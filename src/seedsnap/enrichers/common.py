"""Helpers shared by the enrichers: counting per entity, deficits, keyed top-k choices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import rows_in, sort_positions, stable_positions
from seedsnap.context import Context, Frames
from seedsnap.generators.clock import waking_between, waking_soon_after
from seedsnap.generators.common import (
    between,
    natural_ids,
    rank_in_run,
    soon_after,
    text_keys,
)
from seedsnap.random import I64, U64, Stream, child_keys, expand


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


def pair_top_up(
    ctx: Context,
    table: str,
    pair: dict[str, U64],
    salt: np.uint64,
    lo: I64,
    latest: int | I64,
    index: int = 0,
    mean_ms: float | None = None,
    home: I64 | None = None,
) -> tuple[pl.Series, I64]:
    """Ids and times of the join rows a top-up adds for pairs of ids, given by the
    ``text_keys`` of their two columns (``pair``, in the order they are keyed: the first is
    salted).

    The ids come from the pair (``natural_ids``: the same pair has the same id whichever step
    makes it), the times are keyed by it, uniform between ``lo`` and ``latest`` (ms; ``lo``
    where ``latest`` is earlier), or with ``mean_ms`` soon after ``lo`` (``soon_after``), on
    ``table``'s "top-up" stream at draw ``index``. With ``home``, the UTC offsets of the
    people who act, on their waking clocks (``clock``).
    """
    first, second = pair.values()
    keys = child_keys(first ^ salt, second)
    s = ctx.stream(table, "top-up")
    hi = np.maximum(lo, latest)
    if home is None:
        at = (
            between(s, keys, lo, hi, index=index)
            if mean_ms is None
            else soon_after(s, keys, lo, hi, mean_ms, index=index)
        )
    else:
        at = (
            waking_between(s, keys, lo, hi, home, index=index)
            if mean_ms is None
            else waking_soon_after(s, keys, lo, hi, mean_ms, home, index=index)
        )
    return natural_ids(ctx, table, pair), at


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
    so the choice does not depend on row order. ``need`` holds one row per entity (side,
    need); candidates of other entities (or of none) are not chosen. Returns the chosen rows
    of ``candidates`` ordered by (side, order..., score, ``_k``), as a sort on those columns
    would (NULLs first in ``order``); rows equal on all of them keep their order.

    The entities are coded by their place in ``need`` sorted by side and the ``order``
    columns by their dense rank (NULL lowest), so ``best_rows`` orders integers.
    """
    order = order or []
    entities = need.select(side, pl.col("need").fill_null(0)).sort(side)
    cand = (
        candidates.lazy()
        .select(side, *order, "_k")
        .with_row_index("_o")
        # Candidates' order kept: best_rows's sort is faster on runs of one entity.
        .join(
            entities.lazy().select(side).with_row_index("_e"),
            on=side,
            how="inner",
            maintain_order="left",
        )
        .select(
            "_o",
            "_e",
            *(pl.col(c).rank("dense").fill_null(0).alias(f"_c{j}") for j, c in enumerate(order)),
            "_k",
        )
        .collect()
    )
    keys = cand["_k"].to_numpy()
    chosen = best_rows(
        cand["_e"].to_numpy(), entities["need"].to_numpy(),
        ctx.stream(table, purpose).bits(keys), keys,
        [cand[f"_c{j}"].to_numpy() for j in range(len(order))],
    )  # fmt: skip
    return candidates[cand["_o"].to_numpy()[chosen]]


def best_rows(
    entity: npt.NDArray[np.integer],
    need: npt.NDArray[np.integer],
    score: U64,
    tiebreak: npt.NDArray[np.integer],
    ranks: Sequence[npt.NDArray[np.integer]] = (),
) -> I64:
    """Positions of each entity's ``need`` rows with the lowest (ranks..., score, tiebreak).

    ``entity`` codes each row's entity as its index in ``need``, in the entities' order;
    ``ranks`` are codes (>= 0) ordered as what they stand for; ``score`` is the rows' keyed
    draw and ``tiebreak`` decides where two draws are equal (the rows' own keys, say), so the
    choice does not depend on row order. The positions come ordered by (entity, ranks...,
    score, tiebreak), rows equal on all of them in their given order. One uint64 sort of the
    codes packed above the score, or an exact lexsort where packed keys tie or the codes leave
    the score too few bits.
    """
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    e = np.asarray(entity, dtype=np.int64)
    r = [np.asarray(c, dtype=np.int64) for c in ranks]
    codes = [(e, len(need)), *((c, int(c.max()) + 1) for c in r)]

    def exact() -> I64:
        return np.lexsort((tiebreak, score, *r[::-1], e)).astype(np.int64)

    # Under 8 bits of score left, packed ties (and the fallback) would be the rule.
    used = sum(max(int(bound - 1).bit_length(), 1) for _, bound in codes)
    at = exact() if used > 56 else packed_order(codes, score, exact)
    e = e[at]
    chosen: I64 = at[rank_in_run(e) < np.asarray(need)[e]]
    return chosen


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
    where: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """``need`` new (side, other) pairs per side entity, ``other`` drawn from ``pool``.

    Candidates are keyed draws with replacement (a few times the need), minus existing pairs
    and duplicates; entities still short then get an exact pass over the whole pool. This
    keeps the common case linear in the need instead of a side x pool cross join.
    ``allowed`` (side, other) restricts the pairs that may be formed (joined when given);
    ``where`` keeps the candidate pairs it returns (a filter over (side, other) rows, for a
    condition on both sides that a cross join would be too large to list).
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
        if where is not None:
            c = where(c)
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
        .pipe(lambda c: c if where is None else where(c))
        .sort(side, "_i")
        .join(rest_need, on=side, maintain_order="left")
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
        .select(side, other)
    )
    return pl.concat([got, rest])


# The partner helpers below (messages, user_blocks) work on user rows instead of ids: the
# users (and their keys) are sorted by id, so a row orders as its id does, and a pair (u, v)
# is the code ``u * n + v``. Integer sorts and gathers take a fraction of the time of joins
# and sorts on id strings.


def cyclic_neighbours(stream: Stream, keys: U64, rows: I64, counts: I64) -> tuple[I64, I64]:
    """(u, v): for each row u of ``rows``, the next ``counts`` rows in a keyed cyclic order.

    The cycle holds all the users (``keys``, one per row); u comes in the order of ``rows``.
    The order sorts the users by a keyed draw, then by row. At most ``n - 1`` neighbours are
    taken per user, so they are distinct and never the user itself.
    """
    n = len(keys)
    cycle = np.argsort(stream.bits(keys, 0), kind="stable")  # ties by row, as ids order
    pos = np.empty(n, dtype=np.int64)
    pos[cycle] = np.arange(n)
    take = np.minimum(counts, max(n - 1, 0))
    u = np.repeat(rows, take)
    step = np.arange(len(u)) - np.repeat(np.cumsum(take) - take, take)
    v: I64 = cycle[(pos[u] + 1 + step) % max(n, 1)]
    return u, v


def take_ranked(stream: Stream, keys: U64, u: I64, v: I64, tier: I64, want: I64) -> I64:
    """Positions of each user u's first ``want[u]`` candidates (u, v), by tier, draw, v.

    Lower tiers first, then a keyed draw per pair, then v (a tie there is a 64-bit
    collision); the choice is ``best_rows``'s. ``u`` and ``v`` are user rows (of ``keys``
    and ``want``), ``tier`` is in range(tiers). A pair listed more than once counts once, at
    the first of its rows with its lowest tier, so a payload gathered at the positions comes
    from that row. The positions run by u, then rank.
    """
    n = len(keys)
    at = np.flatnonzero(want[u] > 0)
    if len(at) == 0:
        return at
    tiers = int(tier[at].max()) + 1
    # Codes by (pair, tier), sorted stably: a pair's first row there is the first of its
    # rows with its lowest tier.
    code = (u[at] * n + v[at]) * tiers + tier[at]
    by_code = stable_positions(code)
    pair = code[by_code] // tiers
    at = at[by_code[np.r_[True, pair[1:] != pair[:-1]]]]
    # A user's picks come from its tiers up to the first that holds ``want[u]`` pairs (of
    # the distinct pairs now left): the pairs of its later tiers are dropped before the draw
    # and the sort (half the co-member pairs of a heavy build's messages).
    users = len(want)
    per_tier = np.bincount(u[at] * tiers + tier[at], minlength=users * tiers).reshape(users, tiers)
    enough = np.cumsum(per_tier, axis=1) >= want[:, None]
    last = np.where(enough.any(axis=1), enough.argmax(axis=1), tiers - 1)
    at = at[tier[at] <= last[u[at]]]
    u, v, tier = u[at], v[at], tier[at]
    draw = stream.bits(child_keys(keys[u], keys[v]), 0)
    out: I64 = at[best_rows(u, want, draw, v, [tier])]
    return out


def co_members(
    ids: pl.Series, memberships: pl.DataFrame, who: npt.NDArray[np.bool_]
) -> tuple[I64, I64, I64]:
    """(u, v, met): each user u with ``who[u]`` and every other member of its communities.

    One row per pair, by (u, v); ``met`` is when the later of the two joined, in the earliest
    such community. ``ids`` are the users (sorted, unique; u and v are rows of it) and
    ``memberships`` has communityId, userId and joinedAt; members that are not among the
    users (and rows with a NULL) are left out.
    """
    n = len(ids)
    memberships = memberships.drop_nulls(["communityId", "userId", "joinedAt"])
    user = rows_in(memberships["userId"], ids)
    ok = user >= 0
    comm = np.asarray(memberships["communityId"].rank("dense").to_numpy(), dtype=np.int64)[ok]
    user = user[ok]
    joined = np.asarray(memberships["joinedAt"].dt.epoch("ms").to_numpy(), dtype=np.int64)[ok]
    by_comm = np.argsort(comm, kind="stable")
    size = np.bincount(comm, minlength=int(comm.max(initial=-1)) + 1)
    comm_at = np.cumsum(size) - size  # a community's first row in by_comm
    mine = np.flatnonzero(who[user])  # memberships of the users asked for
    reps = size[comm[mine]]
    row = np.repeat(mine, reps)
    other = by_comm[
        np.repeat(comm_at[comm[mine]], reps)
        + np.arange(len(row))
        - np.repeat(np.cumsum(reps) - reps, reps)
    ]
    u, v = user[row], user[other]
    met = np.maximum(joined[row], joined[other])
    ok = u != v
    pair, met = u[ok] * n + v[ok], met[ok]
    by_pair = stable_positions(pair)
    pair, met = pair[by_pair], met[by_pair]
    if len(pair):
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        pair, met = pair[starts], np.minimum.reduceat(met, starts)
    return pair // n, pair % n, met


def block_pairs(frames: Frames, other: str) -> pl.DataFrame:
    """Each UserBlock both ways: (userId, ``other``, blocked ms) for the blocker and the
    blocked user alike, since a block hides each from the other."""
    b = frames["UserBlock"].select(
        "blockerId", "blockedId", pl.col("createdAt").dt.epoch("ms").alias("blocked")
    )
    return pl.concat(
        [
            b.select(pl.col(a).alias("userId"), pl.col(z).alias(other), "blocked")
            for a, z in (("blockerId", "blockedId"), ("blockedId", "blockerId"))
        ]
    )
