"""Vectorised building blocks shared by the generators and enrichers.

Times are int64 epoch milliseconds until a frame is made (``timestamps``); every time is
derived from the configured anchor, never from the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from seedsnap.context import MS_PER_DAY, Context
from seedsnap.random import I64, U64, Stream, mix


def pick(stream: Stream, keys: npt.ArrayLike, options: Sequence[Any], index: npt.ArrayLike = 0,
         p: npt.ArrayLike | None = None) -> npt.NDArray[Any]:
    """One option per key (uniform, or weighted by ``p``)."""
    opts = np.asarray(options, dtype=object)
    return opts[stream.choice(keys, len(opts), p=p, index=index)]


def ranks(stream: Stream, keys: U64, n: int) -> npt.NDArray[np.int64]:
    """A keyed permutation of range(n) per key: shape (len(keys), n)."""
    k = np.asarray(keys, dtype=np.uint64)
    bits = stream.bits(np.repeat(k, n), np.tile(np.arange(n, dtype=np.uint64), len(k)))
    return np.argsort(bits.reshape(len(k), n), axis=1, kind="stable").astype(np.int64)


def pick_many(stream: Stream, keys: U64, options: Sequence[Any], k: npt.ArrayLike,
              name: str, dtype: pl.DataType | None = None) -> pl.Series:
    """``k[i]`` distinct options per key, in a keyed random order, as a list column."""
    n = len(options)
    perm = ranks(stream, keys, n)
    kk = np.minimum(np.broadcast_to(np.asarray(k, dtype=np.int64), (len(perm),)), n)
    take = np.arange(n)[None, :] < kk[:, None]
    values = np.asarray(options, dtype=object)[perm[take]]
    offsets = np.concatenate([[0], np.cumsum(take.sum(axis=1))]).astype(np.int32)
    arr = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values.tolist()))
    s = pl.Series(name, arr)
    return s.cast(dtype) if dtype is not None else s


def past(stream: Stream, keys: npt.ArrayLike, anchor_ms: int, max_days: float,
         min_days: float = 0.0, index: npt.ArrayLike = 0) -> I64:
    """Times between ``max_days`` and ``min_days`` before the anchor (ms)."""
    u = stream.uniform(keys, index)
    days = min_days + u * (max_days - min_days)
    return anchor_ms - np.round(days * MS_PER_DAY).astype(np.int64)


def between(stream: Stream, keys: npt.ArrayLike, lo: npt.ArrayLike, hi: npt.ArrayLike,
            index: npt.ArrayLike = 0) -> I64:
    """Times uniformly in [lo, hi] (ms, broadcast); ``hi < lo`` collapses to ``lo``."""
    lo_a = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo_a, 0)
    return lo_a + np.floor(stream.uniform(keys, index) * span).astype(np.int64)


def json_object(name: str, **fields: pl.Expr | pl.Series | npt.ArrayLike) -> pl.Expr:
    """A JSON object column with keys in sorted order (canonical, compact), from columns."""
    exprs = []
    for key in sorted(fields):
        v = fields[key]
        e = v if isinstance(v, pl.Expr) else pl.lit(pl.Series(key, v))
        exprs.append(e.alias(key))
    return pl.struct(exprs).struct.json_encode().alias(name)


def template(stream: Stream, keys: U64, templates: Sequence[str], index: npt.ArrayLike = 0
             ) -> npt.NDArray[Any]:
    """One template per key."""
    return pick(stream, keys, templates, index=index)


def lookup(frame: pl.DataFrame, key: str, values: npt.ArrayLike | pl.Series, column: str
           ) -> pl.Series:
    """``frame[column]`` for each of ``values`` matched on ``frame[key]`` (left join, order kept)."""
    probe = pl.DataFrame({key: values})
    return probe.join(frame.select(key, column), on=key, how="left", maintain_order="left")[column]


def ids_for(ctx: Context, table: str, keys: U64) -> pl.Series:
    return ctx.ids(table, keys)


def text_keys(values: pl.Series | npt.ArrayLike) -> U64:
    """Stable uint64 keys of text values (ids), vectorised over 8-byte words.

    Each non-zero word of the NUL-padded bytes is folded in with ``mix``; all-zero words are
    padding (text has no NUL), so a value's key does not depend on the batch's width, nor on
    the polars version or PYTHONHASHSEED. Used to key the children of existing entities.
    """
    s = values if isinstance(values, pl.Series) else pl.Series(np.asarray(values))
    raw = s.cast(pl.String).to_numpy().astype("S")
    n, size = len(raw), raw.dtype.itemsize
    width = max(8, -(-size // 8) * 8)
    buf = np.zeros((n, width), dtype=np.uint8)
    if n:
        buf[:, :size] = raw.view(np.uint8).reshape(n, size)
    words = buf.view("<u8")
    h = np.full(n, np.uint64(0x6A09E667F3BCC908), dtype=np.uint64)
    for j in range(words.shape[1]):
        w = words[:, j]
        h = np.where(w != 0, mix(h ^ w), h)
    return h
