"""Whole-array helpers that know nothing of the model: sorting and coding columns, finding
values among ids, and text and Series made from Arrow buffers.

Integer sorts go through numpy's ``argsort``: with the SIMD sorts of numpy 2 it takes a third
to a half of the CPU time of polars' one-thread ``arg_sort`` (it runs on one thread, as it
should: the build keeps every core busy with its steps); where values tie, callers either
sort distinct values or make the order of ties exact themselves.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from seedsnap.random import I64


def sort_positions(values: npt.NDArray[np.integer]) -> I64:
    """Positions putting the integer ``values`` in ascending order, as ``np.argsort`` does.

    Equal values may come in any order. The result is a new, writable array.
    """
    out: I64 = np.argsort(values).astype(np.int64, copy=False)
    return out


def search_sorted(
    sorted_: npt.NDArray[np.integer],
    values: npt.NDArray[np.integer],
    side: Literal["left", "right"] = "left",
) -> I64:
    """``np.searchsorted(sorted_, values, side)`` of many ``values`` in no order: searched
    in ascending order, each search starts where the last one ended and reads what the last
    read, where scattered searches miss the cache at each step (236 000 values among 24 000:
    a third of the CPU, the sort included)."""
    order = sort_positions(values)  # equal values find one place: any order of ties
    out: I64 = np.empty(len(values), dtype=np.int64)
    out[order] = np.searchsorted(sorted_, values[order], side=side)
    return out


def stable_positions(values: npt.NDArray[np.integer]) -> I64:
    """``np.argsort(values, kind="stable")`` of integers: equal values keep their order.

    Each value's offset from the least, packed above its position, makes the keys distinct
    and ordered as the stable sort orders the rows: one SIMD sort of those keys (not an
    argsort) is five to seven times faster than numpy's stable argsort of 64-bit values,
    and the positions are the keys' low bits. Where the packed keys would need more than 63
    bits, the stable argsort itself.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low = max(int(n - 1).bit_length(), 1)
    lo = values.min()
    if (int(values.max()) - int(lo)).bit_length() + low > 63:
        return np.argsort(values, kind="stable").astype(np.int64, copy=False)
    wide = np.uint64 if values.dtype.kind == "u" else np.int64  # the offsets never wrap
    offset = (values.astype(wide) - wide(lo)).astype(np.int64)
    key = (offset << low) | np.arange(n, dtype=np.int64)
    out: I64 = np.sort(key) & ((1 << low) - 1)
    return out


def choose_eligible(u: npt.NDArray[np.float64], eligible: npt.NDArray[np.bool_]) -> I64:
    """Per row, one of the columns where ``eligible`` (rows x options) holds, uniformly by
    ``u`` (floats in [0, 1)): the ``floor(u * count)``-th eligible one, in column order; every
    row must have one."""
    count = eligible.sum(1)
    if (count == 0).any():
        raise ValueError("choose_eligible: a row has no eligible option")
    j = np.floor(u * count).astype(np.int64)
    return np.asarray(np.argmax(np.cumsum(eligible, 1) > j[:, None], axis=1), dtype=np.int64)


def in_sorted(
    values: npt.NDArray[np.integer], sorted_: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """Whether each of ``values`` is in ``sorted_`` (ascending): ``np.isin`` without hashing
    the larger side again on each call."""
    values = np.asarray(values).astype(sorted_.dtype, copy=False)  # never compared as floats
    if len(values) >= len(sorted_) // 4 and len(sorted_) and sorted_.dtype.kind in "iu":
        # Many values: a search of each (a cache miss per step in a large array) costs
        # more than a hash of both sides (a third of the CPU at 150 000 of each).
        found: npt.NDArray[np.bool_] = (
            pl.Series(values).is_in(pl.Series(sorted_).implode()).to_numpy()
        )
        return found
    pos = np.searchsorted(sorted_, values)
    out: npt.NDArray[np.bool_] = (
        (pos < len(sorted_)) & (sorted_[np.minimum(pos, len(sorted_) - 1)] == values)
        if len(sorted_)
        else np.zeros(len(values), dtype=bool)
    )
    return out


def dense_codes(values: npt.NDArray[np.integer]) -> I64:
    """``np.unique(values, return_inverse=True)[1]``: each value's rank among the distinct ones."""
    if np.ndim(values) != 1:  # np.unique would code the values of a flattened 2-d array
        raise ValueError(f"dense_codes takes a 1-d array, not {np.ndim(values)}-d")
    # numpy's (SIMD) sort under np.unique takes half the CPU of polars' dense rank.
    codes: I64 = np.unique(values, return_inverse=True)[1].astype(np.int64, copy=False)
    return codes


def distinct_inverse(values: I64, step: int = 1) -> tuple[I64, I64]:
    """``np.unique(values, return_inverse=True)``: the distinct ``values`` (ascending) and
    each value's position among them; in O(n) when the values are dense on a grid of
    ``step`` (times a whole number of minutes apart, repeating: meeting slots recur weekly),
    where a table over their span in steps replaces the sort."""
    if len(values):
        lo = int(values.min())
        span = (int(values.max()) - lo) // step
        steps, rest = np.divmod(values - lo, step)
        if span < 8 * len(values) and not rest.any():
            present = np.zeros(span + 1, dtype=bool)
            present[steps] = True
            used = np.flatnonzero(present)
            position = np.empty(span + 1, dtype=np.int64)
            position[used] = np.arange(len(used))
            return lo + used * step, position[steps]
    distinct, back = np.unique(values, return_inverse=True)
    return distinct, back.reshape(-1)


def hhmm_minutes(text: pl.Expr) -> pl.Expr:
    """Minutes since midnight of an 'HH:MM' text (NULL when not shaped so)."""
    return text.str.slice(0, 2).cast(pl.Int64, strict=False) * 60 + text.str.slice(3, 2).cast(
        pl.Int64, strict=False
    )


def rows_in(values: pl.Series, ids: pl.Series) -> I64:
    """The row of each of ``values`` in the distinct ``ids``, -1 for a value not among them.

    A NULL value is never found, and a NULL among ``ids`` matches no value (it keeps its
    row). ``ids`` must be distinct (ValueError otherwise). Values are cast to the type of
    ``ids``. The result is read-only.

    A left join on the ids: as fast as ``replace_strict`` on a million values among 10 000
    ids and much faster with many ids and few values; an Enum cast is a quarter faster on
    the former but three times slower to set up, and loses past some 20 000 ids.
    """
    n = len(ids)
    if ids.n_unique() != n:
        raise ValueError("rows_in: ids must be distinct")
    table = pl.DataFrame({"v": ids, "row": pl.int_range(n, dtype=pl.Int64, eager=True)})
    frame = values.cast(ids.dtype).to_frame("v")
    rows = frame.join(table, on="v", how="left", maintain_order="left")["row"]
    out: I64 = rows.fill_null(-1).to_numpy()
    return out


def text_order(text: pl.Series) -> I64 | None:
    """Positions putting ``text`` in ascending order if its values are fixed-width, else None.

    Fixed-width text (uuid or cuid ids) read as big-endian uint64 words compares as the text
    does (byte by byte), so one integer sort of the first word, and a sort by all words of
    the few rows that tie on it, orders it several times faster than a string sort. Equal
    values come in no particular order. None for NULLs, empty or varying widths.
    """
    arr = text.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    widths = np.diff(offsets)
    if n == 0 or text.null_count() or widths[0] == 0 or (widths != widths[0]).any():
        return None
    width = int(widths[0])
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    padded = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)  # NUL sorts before any text
    padded[:, :width] = data.reshape(n, width)
    words = padded.view(">u8").astype(np.uint64)
    order = sort_positions(words[:, 0])
    first = words[order, 0]
    tie = first[1:] == first[:-1]
    if tie.any():
        # Runs of one first word, in order: sort their rows by all words (first word leads,
        # so the runs keep their places) and put them back in the same positions.
        at = np.flatnonzero(np.append(tie, False) | np.insert(tie, 0, False))
        rows = order[at]
        order[at] = rows[np.lexsort(words[rows].T[::-1])]
    return order


def sort_by_text(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame.sort(column)`` for a text column of distinct values, by ``text_order`` if it can."""
    order = text_order(frame.get_column(column))
    # A gather from one chunk: polars gathers from several (a concatenation) far slower.
    return frame.sort(column) if order is None else frame.rechunk()[order]


class _ArrowArray:
    """An Arrow array seen only through the Arrow C data interface."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]:
        capsules: tuple[object, object] = self.array.__arrow_c_array__(requested_schema)
        return capsules


def series_from_arrow(name: str, array: pa.Array) -> pl.Series:
    """``pl.Series(name, array)`` for one Arrow array, through the Arrow C data interface.

    Polars' pyarrow path imports ``pyarrow.compute`` (about 70 ms, once per process, on the
    critical path of a build) to combine chunks that one array never has.
    """
    return pl.Series(_ArrowArray(array)).alias(name)


_INT32_MAX = 2**31 - 1


def text_from_bytes(chars: npt.NDArray[np.uint8], name: str) -> pl.Series:
    """A String series from an (n, width) array of ASCII bytes, one row per string.

    The bytes are handed to Arrow as a string array with computed offsets: no per-row Python
    object, and no Binary -> String cast (which validates UTF-8 row by row). The caller
    guarantees ASCII: ``from_buffers`` does not validate it.
    """
    n, width = chars.shape
    data = np.ascontiguousarray(chars).reshape(-1)
    large = data.size > _INT32_MAX
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if large else np.int32)
    arr = pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        n,
        [None, pa.py_buffer(offsets), pa.py_buffer(data)],
    )
    return series_from_arrow(name, arr)
