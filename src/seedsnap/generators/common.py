"""Vectorised building blocks shared by the generators and enrichers.

Times are int64 epoch milliseconds until a frame is made (``timestamps``); every time is
derived from the configured anchor, never from the clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from seedsnap.arrays import series_from_arrow, sort_by_text, sort_positions
from seedsnap.context import MS_PER_DAY, Context
from seedsnap.random import I64, U64, Stream, child_keys, mix


def pick(
    stream: Stream,
    keys: npt.ArrayLike,
    options: Sequence[Any],
    index: npt.ArrayLike = 0,
    p: npt.ArrayLike | None = None,
) -> npt.NDArray[Any]:
    """One option per key (uniform, or weighted by ``p``)."""
    opts = np.asarray(options, dtype=object)
    return opts[stream.choice(keys, len(opts), p=p, index=index)]


def pick_text(
    stream: Stream,
    keys: npt.ArrayLike,
    options: Sequence[str],
    index: npt.ArrayLike = 0,
    p: npt.ArrayLike | None = None,
    name: str = "",
) -> pl.Series:
    """``pick`` of text options as a String series: the same draws, gathered by polars.

    Converting a numpy array of strings to polars costs Python work per row; a gather from
    the few options does not.
    """
    chosen = stream.choice(keys, len(options), p=p, index=index)
    return pl.Series(name, list(options), dtype=pl.String).gather(chosen)


def rank_in_run(values: npt.NDArray[Any]) -> I64:
    """Each row's position within its run of equal consecutive ``values``."""
    at = np.arange(len(values))
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    rank: I64 = at - np.maximum.accumulate(np.where(first, at, 0))
    return rank


def ranks(stream: Stream, keys: U64, n: int) -> npt.NDArray[np.int64]:
    """A keyed permutation of range(n) per key: shape (len(keys), n)."""
    k = np.asarray(keys, dtype=np.uint64)
    bits = stream.bits(k[:, None], np.arange(n, dtype=np.uint64)[None, :])  # (len(k), n)
    return np.argsort(bits, axis=1, kind="stable").astype(np.int64)


def pick_many(
    stream: Stream,
    keys: U64,
    options: Sequence[Any],
    k: npt.ArrayLike,
    name: str,
    dtype: pl.DataType | None = None,
) -> pl.Series:
    """``k[i]`` distinct options per key, in a keyed random order, as a list column."""
    n = len(options)
    perm = ranks(stream, keys, n)
    kk = np.minimum(np.broadcast_to(np.asarray(k, dtype=np.int64), (len(perm),)), n)
    take = np.arange(n)[None, :] < kk[:, None]
    values = np.asarray(options, dtype=object)[perm[take]]
    offsets = np.concatenate([[0], np.cumsum(take.sum(axis=1))]).astype(np.int32)
    arr = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values))
    s = series_from_arrow(name, arr)
    return s.cast(dtype) if dtype is not None else s


def ms(col: pl.Series) -> I64:
    """A timestamp column as int64 epoch milliseconds (numpy)."""
    return np.asarray(col.dt.epoch("ms").to_numpy(), dtype=np.int64)


def ms_of(name: str) -> pl.Expr:
    """The timestamp column ``name`` as epoch milliseconds (an expression)."""
    return pl.col(name).dt.epoch("ms")


def past(
    stream: Stream,
    keys: npt.ArrayLike,
    anchor_ms: int,
    max_days: float,
    min_days: float = 0.0,
    index: npt.ArrayLike = 0,
) -> I64:
    """Times between ``max_days`` and ``min_days`` before the anchor (ms)."""
    u = stream.uniform(keys, index)
    days = min_days + u * (max_days - min_days)
    return anchor_ms - np.round(days * MS_PER_DAY).astype(np.int64)


def between(
    stream: Stream,
    keys: npt.ArrayLike,
    lo: npt.ArrayLike,
    hi: npt.ArrayLike,
    index: npt.ArrayLike = 0,
) -> I64:
    """Times uniformly in [lo, hi] (ms, broadcast); ``hi < lo`` collapses to ``lo``."""
    lo_a = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo_a, 0)
    out: I64 = lo_a + np.floor(stream.uniform(keys, index) * span).astype(np.int64)
    return out


def soon_after(
    stream: Stream,
    keys: npt.ArrayLike,
    lo: npt.ArrayLike,
    hi: npt.ArrayLike,
    mean_ms: float | npt.NDArray[np.float64],
    index: npt.ArrayLike = 0,
) -> I64:
    """Times in [lo, hi] (ms, broadcast) that follow ``lo`` as reactions do: most soon after
    it, fewer later (exponential with mean ``mean_ms``, broadcast too, truncated at ``hi``).

    Uniform times between an item and the anchor nest: a heart drawn after a comment drawn
    after a post lands, on average, seven eighths of the way to the anchor, and a build
    piled its hearts in the last day. The truncation is drawn, not clamped: nothing piles
    at ``hi`` either. ``hi < lo`` collapses to ``lo``.
    """
    lo_a = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo_a, 0)
    # Inverse CDF of the exponential conditioned on falling within the span.
    inside = -np.expm1(-span / mean_ms)
    after = -mean_ms * np.log1p(-stream.uniform(keys, index) * inside)
    out: I64 = lo_a + np.minimum(np.floor(after).astype(np.int64), span)
    return out


class JsonText(NamedTuple):
    """An expression already spelled as stored JSON: ``json_object`` puts it in as it is."""

    expr: pl.Expr


JsonValue: TypeAlias = "pl.Expr | pl.Series | npt.ArrayLike | JsonText | dict[str, JsonValue]"


def _json_scalar(e: pl.Expr) -> pl.Expr:
    # {"v":<value>} from polars' JSON encoder, less its 5-character head and the brace.
    return pl.struct(e.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")


def json_list(e: pl.Expr) -> JsonText:
    """A JSON array of each row's list of scalars, spelled as stored JSON (``", "``)."""
    items = e.list.eval(_json_scalar(pl.element())).list.join(", ")
    return JsonText(pl.concat_str([pl.lit("["), items, pl.lit("]")]).fill_null("null"))


def jsonb_key_order(key: str) -> tuple[int, str]:
    """Sort key putting object keys in the order jsonb keeps them: shorter (in UTF-8 bytes)
    first, then bytewise (``snapshot.stored_json``)."""
    return (len(key.encode()), key)


def json_object(name: str, **fields: JsonValue) -> pl.Expr:
    """A JSON object column from columns, spelled as a snapshot stores JSON (jsonb's form).

    Keys shorter first, then bytewise, ``", "`` and ``": "`` between them (see
    ``snapshot.stored_json``); each value is encoded by polars, so strings, integers and
    short decimals come out exactly in that form (floats with an exponent or a negative
    zero are re-spelled by the build's hand-over). A dict value is a nested object; a
    ``JsonText`` (such as ``json_list``) goes in as it is.
    """
    parts: list[pl.Expr] = []
    for i, key in enumerate(sorted(fields, key=jsonb_key_order)):
        v = fields[key]
        if isinstance(v, JsonText):
            value = v.expr
        elif isinstance(v, dict):
            value = json_object(key, **v)
        else:
            value = _json_scalar(
                v if isinstance(v, pl.Expr) else pl.lit(pl.Series(key, np.asarray(v)))
            )
        parts += [pl.lit(("{" if i == 0 else ", ") + json.dumps(key) + ": "), value]
    return pl.concat_str([*parts, pl.lit("}")]).alias(name)


_FOLD = np.uint64(0xD6E8FEB86659FD93)  # an odd 64-bit multiplier


def _text_buffers(arr: pa.Array) -> tuple[int, npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """The length, the offsets (n + 1, into the data) and the bytes of ``arr``, a
    large_string Arrow array."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    raw = arr.buffers()[2]
    data = np.frombuffer(raw, dtype=np.uint8) if n and raw is not None else np.zeros(0, np.uint8)
    return n, offsets, data


def text_keys(values: pl.Series | npt.ArrayLike) -> U64:
    """Stable uint64 keys of text values (ids), vectorised over 8-byte words.

    Each non-zero word of the NUL-padded bytes is folded in with an odd multiply and the
    result mixed once; all-zero words are padding (text has no NUL), so a value's key does
    not depend on the batch's width, nor on the polars version or PYTHONHASHSEED. Used to
    key the children of existing entities.
    """
    s = values if isinstance(values, pl.Series) else pl.Series(np.asarray(values))
    arr = s.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():  # polars exports large_string: no cast (nor its import)
        arr = arr.cast(pa.large_string())
    n, offsets, data = _text_buffers(arr)
    lengths = np.diff(offsets)
    width = int(lengths.max(initial=0))
    if n and width and int(lengths.min()) != width and not arr.null_count:
        # Values of a few widths (uuids beside the fixtures' ids): NUL-padded to the widest,
        # as the fold reads them anyway, they take the one-width path below (unless
        # multibyte text, padded by characters, comes out wider).
        _, p_offsets, p_data = _text_buffers(pc.utf8_rpad(arr, width, padding="\x00"))
        if int(p_offsets[-1] - p_offsets[0]) == n * width:
            offsets, data, lengths = p_offsets, p_data, np.diff(p_offsets)
    starts = offsets[:-1]
    if n and width and int(lengths.min()) == width:
        # One width (uuid or cuid ids): the values, NUL-padded to whole words, are a matrix
        # of words, copied once (a third faster than a gather per word).
        matrix = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
        matrix[:, :width] = data[offsets[0] : offsets[-1]].reshape(n, width)
        words = matrix.view("<u8")

        def word(j: int) -> U64:
            return words[:, j]
    else:
        # An unaligned little-endian uint64 at every byte of the (padded) data: word j of a
        # value is one gather at start + 8j, its bytes past the value's end masked to NUL.
        # No copy of the values into a padded matrix, whatever their lengths.
        padded = np.zeros(len(data) + 8, dtype=np.uint8)
        padded[: len(data)] = data
        at = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))

        def word(j: int) -> U64:
            left = lengths - 8 * j
            w: U64 = at[np.minimum(starts + 8 * j, len(at) - 1)]
            if left.min() < 8:  # some values end inside (or before) this word
                keep = (8 * np.clip(left, 0, 8)).astype(np.uint64)
                w &= np.where(keep == 64, np.uint64(2**64 - 1), (np.uint64(1) << (keep & 63)) - 1)
            return w

    # (h ^ w) * odd is a bijection of h for each word, so values of equal length never
    # collide before the final mix (itself a bijection); NUL padding words are skipped.
    h = np.full(n, np.uint64(0x6A09E667F3BCC908), dtype=np.uint64)
    for j in range(-(-width // 8)):
        w = word(j)
        ended = np.flatnonzero(w == 0)  # the values that end before this word (few, if any)
        kept = h[ended]
        h ^= w
        h *= _FOLD
        h[ended] = kept
    return mix(h)


def natural_ids(ctx: Context, table: str, values: Mapping[str, pl.Series | U64]) -> pl.Series:
    """Ids of ``table``'s rows from the values of their natural key: the one unique key the
    schema declares for the table besides its primary key (a membership's user and community).

    ``values`` maps each of that key's columns to its values, or to their ``text_keys`` where
    the caller has them already. One natural key gets one id in every build of a seed,
    whichever step makes the row and whatever else grew: otherwise loading a grown snapshot
    over an older one would meet the same membership under another id and stop on the key.
    """
    model = ctx.schema.table(table)
    keys = [i.columns for i in model.unique_indexes if tuple(i.columns) != model.primary_key]
    if len(keys) != 1 or set(values) != set(keys[0]):
        raise ValueError(f"natural_ids: {table}'s natural keys are {keys}, not {sorted(values)}")
    parts = [
        v if isinstance(v, np.ndarray) and v.dtype == np.uint64 else text_keys(v)
        for v in (values[c] for c in keys[0])
    ]
    key = parts[0]
    for part in parts[1:]:
        key = child_keys(key, part)
    return ctx.ids(table, key)


def is_author(
    author: pl.Series, ai: I64, user: pl.Series, ui: I64, user_keys: U64
) -> npt.NDArray[np.bool_]:
    """Whether ``user[ui]`` is ``author[ai]``, row by row; a NULL author counts as everyone.

    ``user_keys`` are ``text_keys(user)``. Equal text has equal keys, so the text is compared
    only where the keys are equal (rarely anywhere else than on the author).
    """
    same: npt.NDArray[np.bool_] = text_keys(author)[ai] == user_keys[ui]
    hit = np.flatnonzero(same)
    same[hit] = (user.gather(ui[hit]) == author.gather(ai[hit])).fill_null(True).to_numpy()
    same |= author.is_null().to_numpy()[ai]
    return same


def pick_rows_from_groups(
    stream: Stream,
    keys: npt.ArrayLike,
    row_groups: pl.Series,
    pool: pl.DataFrame,
    group: str,
    value: str,
    index: npt.ArrayLike = 0,
    exclude: pl.Series | None = None,
) -> pl.DataFrame:
    """For each row, one row of ``pool`` whose ``group`` equals the row's group.

    The pick is the j-th member of the group in ``value`` order (NULL first), j drawn from
    the group's size, so it does not depend on the pool's row order; (group, value) must be
    unique in it. With ``exclude``, a pick whose ``value`` equals the row's excluded value
    moves to the next member of the group; a row whose group has no other member (or no
    member, or is NULL) gets a row of NULLs. The other pool columns come with the pick, so
    callers need no join back on the picked ids. The work is ``pick_rows_by_codes`` on
    integer codes of the groups and values.
    """
    if not isinstance(row_groups, pl.Series) or row_groups.dtype != pool.schema[group]:
        arr = np.asarray(row_groups)
        row_groups = (
            pl.Series(group, arr).cast(pool.schema[group])
            if len(arr)
            else pl.Series(group, [], dtype=pool.schema[group])
        )
    groups, rows = _codes(pool[group], [row_groups], ordered=False)
    (values,) = _codes(pool[value], [], ordered=True)
    # NULL values order first (code 0).
    return pick_rows_by_codes(
        stream, keys, rows, pool, groups, values + 1, index, exclude, value, f"({group}, {value})"
    )


def _codes(column: pl.Series, others: Sequence[pl.Series], *, ordered: bool) -> list[I64]:
    """Integer codes of a pool ``column`` and of ``others`` of its dtype: equal values have
    equal codes, in value order if ``ordered``; NULL is -1, and a value of ``others`` the
    column does not hold gets a code no pool value has (-1 for text).

    Text, the usual ids, is coded by casting to an Enum of its distinct values: a hash
    lookup, with a sort of the distinct values only. Ranking the column as text (a sort of
    every row) costs as much on a pool in order and several times more on one out of order
    or with many rows per value.
    """
    if ordered and not others and not column.null_count() and column.is_sorted():
        # A column already in order (a pool sorted by it) is coded by its runs.
        runs = (column != column.shift(1)).fill_null(True).to_numpy()
        return [np.cumsum(runs, dtype=np.int64) - 1]
    if column.dtype == pl.String:
        distinct = column.drop_nulls().unique(maintain_order=not ordered)
        if ordered:
            distinct = sort_by_text(distinct.to_frame(), distinct.name).to_series()
        enum = pl.Enum(distinct)
        coded = [column.cast(enum)] + [s.cast(enum, strict=False) for s in others]
        return [s.to_physical().cast(pl.Int64).fill_null(-1).to_numpy() for s in coded]
    # Any other sortable dtype: one dense rank over all of them.
    ranked = pl.concat([column, *(s.cast(column.dtype) for s in others)]).rank("dense")
    codes = ranked.cast(pl.Int64).fill_null(0).to_numpy() - 1
    return np.split(codes, np.cumsum([len(column), *(len(s) for s in others)])[:-1])


def pick_rows_by_codes(
    stream: Stream,
    keys: npt.ArrayLike,
    rows: npt.ArrayLike,
    pool: pl.DataFrame,
    groups: npt.ArrayLike,
    values: npt.ArrayLike,
    index: npt.ArrayLike = 0,
    exclude: pl.Series | None = None,
    value: str = "",
    label: str = "(group, value)",
) -> pl.DataFrame:
    """``pick_rows_from_groups`` on integer codes, for callers that have them.

    ``groups`` and ``values`` code each pool row's group and value: equal codes for equal
    things, value codes in value order, all below 2**32; a negative group is NULL, never
    picked. ``rows`` codes each row's group, negative for NULL (no pick). ``exclude`` is
    compared with the pool's ``value`` column (a gather and compare of the few picks costs
    less than coding it); ``label`` names the pair in errors.
    """
    if exclude is not None and not value:
        raise ValueError(
            "pick_rows_by_codes: exclude needs value, the pool column it is compared to"
        )
    rows = np.asarray(rows, dtype=np.int64)
    groups = np.asarray(groups)
    values = np.asarray(values)
    kept = np.flatnonzero(groups >= 0) if (groups < 0).any() else None
    g = groups if kept is None else groups[kept]
    v = values if kept is None else values[kept]
    if len(g) and (int(g.max()) >> 32 or int(v.max()) >> 32 or int(v.min()) < 0):
        raise ValueError(f"pick: {label} codes are not in [0, 2**32)")
    # One sort of packed (group, value) orders the pool as a sort by (group, value) would:
    # the groups come as runs (in code order, which the pick does not depend on) with their
    # members in value order. Packed in place: new arrays of the pool's length cost more.
    packed = g.astype(np.uint64)
    packed <<= np.uint64(32)
    packed |= v.astype(np.uint64)
    order = sort_positions(packed)
    packed = packed[order]
    if (packed[1:] == packed[:-1]).any():  # the other columns would depend on the row order
        raise ValueError(f"pick: {label} repeats in the pool of choices")
    if kept is not None:
        order = kept[order]
    if not len(order):
        return pool.clear(len(rows))
    size = np.bincount(g, minlength=max(int(rows.max(initial=-1)) + 1, 1))
    start = np.cumsum(size) - size
    known = np.maximum(rows, 0)
    n = np.where(rows >= 0, size[known], 0)
    j = np.floor(stream.uniform(keys, index) * n).astype(np.int64)
    ok = n > 0
    # Positions in the pool's (group, value) order; the pick's row is gathered once, at the end.
    at = np.where(ok, start[known] + j, 0)
    if exclude is not None:
        same = pool.get_column(value).gather(order[at]) == exclude
        clash = ok & same.fill_null(False).to_numpy()
        at = np.where(clash, start[known] + np.where(j + 1 < n, j + 1, 0), at)  # j < n
        ok &= ~(clash & (n < 2))
    picked = pool[order[at]]
    if ok.all():
        return picked
    chosen = pl.lit(pl.Series(ok))
    return picked.select(pl.when(chosen).then(pl.col(c)).alias(c) for c in pool.columns)
