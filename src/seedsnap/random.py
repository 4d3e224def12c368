"""Keyed, counter-based randomness evaluated on whole numpy arrays.

Every value is a pure function of (root seed, table, purpose, entity key, index):

    bits = mix(stream_key(seed, table, purpose) ^ mix(entity_key + index * GOLDEN))

``mix`` is the SplitMix64 finaliser; stream keys come from BLAKE2b over the names, never from
Python's ``hash()``. There is no shared sequential state, so adding a column, a purpose or an
entity never shifts another value: raising the scale keeps existing entities' values.

Entity keys are uint64. Generated entities are keyed by ``child_keys(parent, index)`` from
their parent's key (or ``root_key(name)`` for top-level groups), so a key is stable as long as
the entity's position among its siblings is.

Within one stream, ``normal(keys, i)`` consumes the uniforms at indices ``2i`` and ``2i + 1``:
give normals and uniforms of one entity different purposes rather than different indices.
The purpose ``"id"`` is taken by :mod:`seedsnap.ids`.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
T = TypeVar("T")

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_TO_UNIT = 2.0**-53
# Rows per block in the in-place kernels: 16 k uint64 (128 KiB, twice: value and scratch) stay
# in L2, which makes the six passes of SplitMix about twice as fast as whole-array temporaries.
_BLOCK = 1 << 14
# Largest span integers() serves exactly: u * span is exact-enough in float64 only up to 2**53.
_MAX_SPAN = 2**53


def _mix_inplace(z: U64, tmp: U64) -> None:
    """SplitMix64 finaliser applied in place to a 1-d block, with ``tmp`` as scratch."""
    z += _GOLDEN
    np.right_shift(z, _S30, out=tmp)
    z ^= tmp
    z *= _M1
    np.right_shift(z, _S27, out=tmp)
    z ^= tmp
    z *= _M2
    np.right_shift(z, _S31, out=tmp)
    z ^= tmp


def _blocks(z: U64) -> tuple[U64, U64]:
    """A flat view of ``z`` and a scratch block for the in-place kernels."""
    flat = z.reshape(-1)
    return flat, np.empty(min(_BLOCK, flat.size), dtype=np.uint64)


def mix(x: U64 | np.uint64) -> U64:
    """SplitMix64 finaliser over a uint64 array (wrapping arithmetic)."""
    # A fresh array even for a scalar: numpy warns on wrapping scalar arithmetic, not on arrays.
    z = np.array(x, dtype=np.uint64)
    flat, tmp = _blocks(z)
    for s in range(0, flat.size, _BLOCK):
        blk = flat[s : s + _BLOCK]
        _mix_inplace(blk, tmp[: blk.size])
    return z


def name_key(*parts: object) -> np.uint64:
    """A stable uint64 for a tuple of names (BLAKE2b; independent of PYTHONHASHSEED)."""
    blob = "\x1f".join(str(p) for p in parts).encode()
    return np.uint64(int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little"))


def root_key(name: str) -> np.uint64:
    """The key of a top-level entity group (e.g. "client", "community")."""
    return name_key("root", name)


def _counter(keys: npt.ArrayLike, index: npt.ArrayLike, offset: np.uint64) -> U64:
    """``keys + index * GOLDEN + offset`` broadcast into a new writable uint64 array."""
    k = np.asarray(keys, dtype=np.uint64)
    i = np.asarray(index, dtype=np.uint64)
    out = np.empty(np.broadcast_shapes(k.shape, i.shape), dtype=np.uint64)
    if i.ndim == 0 and k.ndim:
        # One index (the usual call): its share of the sum is one constant, added in one pass.
        constant = (int(i) * int(_GOLDEN) + int(offset)) % 2**64
        np.add(k, np.uint64(constant), out=out)
        return out
    if i.size < out.size:
        # Broadcast indices (a row of them against a column of keys): their share of the
        # sum is made once per index, then added to the keys in one pass over the result.
        step = np.multiply(i, _GOLDEN)
        np.add(step, offset, out=step)
        np.add(k, step, out=out)
        return out
    # ufuncs with out= wrap silently on 0-d arrays too (scalar operators would warn).
    np.multiply(i, _GOLDEN, out=out)
    np.add(out, k, out=out)
    if offset:
        np.add(out, offset, out=out)
    return out


def _keyed(key: np.uint64, z: U64) -> U64:
    """``mix(key ^ mix(z))`` in place over ``z``, block by block; returns ``z``."""
    flat, tmp = _blocks(z)
    for s in range(0, flat.size, _BLOCK):
        blk = flat[s : s + _BLOCK]
        t = tmp[: blk.size]
        _mix_inplace(blk, t)
        blk ^= key
        _mix_inplace(blk, t)
    return z


def child_keys(parent: U64 | np.uint64, index: npt.ArrayLike) -> U64:
    """Keys of the ``index``-th children of ``parent`` (broadcast); stable under growth."""
    p = np.asarray(parent, dtype=np.uint64)
    z = _counter(np.zeros((), dtype=np.uint64), index, np.uint64(1))
    z = mix(z)
    out = np.empty(np.broadcast_shapes(p.shape, z.shape), dtype=np.uint64)
    np.bitwise_xor(p, z, out=out)
    return mix(out)


def expand(parent_keys: U64, counts: npt.ArrayLike) -> tuple[I64, I64, U64]:
    """For a variable number of children per parent: (parent row, child index, child key).

    ``counts[i]`` children are made for parent ``i``; the result is one row per child, in
    parent order then index order, with keys from ``child_keys``.
    """
    parents = np.asarray(parent_keys, dtype=np.uint64)
    counts_arr = np.asarray(counts, dtype=np.int64)
    if counts_arr.shape != parents.shape or parents.ndim != 1:
        raise ValueError(
            f"expand needs one count per parent key: got {counts_arr.shape} counts "
            f"for {parents.shape} keys"
        )
    if counts_arr.size and counts_arr.min() < 0:
        raise ValueError("expand counts must be >= 0")
    rows = np.repeat(np.arange(len(counts_arr), dtype=np.int64), counts_arr)
    starts = np.cumsum(counts_arr) - counts_arr
    index = np.arange(len(rows), dtype=np.int64) - np.repeat(starts, counts_arr)
    return rows, index, child_keys(parents[rows], index)


class Stream:
    """The values of one (table, purpose) under one seed, addressed by entity key and index."""

    def __init__(self, seed: int, table: str, purpose: str) -> None:
        self.key = name_key("stream", seed, table, purpose)

    def bits(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        """64 random bits per (key, index), broadcast."""
        return _keyed(self.key, _counter(keys, index, np.uint64(0)))

    def uniform(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> F64:
        """Floats in [0, 1) with 53 random bits."""
        b = self.bits(keys, index)
        b >>= np.uint64(11)
        u = b.astype(np.float64)
        u *= _TO_UNIT
        return u

    def integers(
        self,
        keys: npt.ArrayLike,
        low: npt.ArrayLike,
        high: npt.ArrayLike,
        index: npt.ArrayLike = 0,
    ) -> I64:
        """Integers in [low, high) (broadcast; bias below 2**-40 for spans under 2**13)."""
        lo = np.asarray(low, dtype=np.int64)
        span = np.asarray(high, dtype=np.int64) - lo
        # An empty or too-wide range is a bug in the caller, not bad user input: keep the traceback.
        if span.size and span.min() <= 0:
            raise ValueError("integers needs low < high for every row")
        if span.size and span.max() > _MAX_SPAN:
            raise ValueError(f"integers spans above 2**53 are not supported (got {span.max()})")
        # floor(u * span) < span holds for u <= 1 - 2**-53 and span <= 2**53 under round-to-nearest.
        return lo + np.floor(self.uniform(keys, index) * span).astype(np.int64)

    def bernoulli(
        self, keys: npt.ArrayLike, p: npt.ArrayLike, index: npt.ArrayLike = 0
    ) -> npt.NDArray[np.bool_]:
        """True with probability ``p`` (broadcast)."""
        return np.asarray(self.uniform(keys, index) < np.asarray(p, dtype=np.float64))

    def choice(
        self,
        keys: npt.ArrayLike,
        n: int,
        p: npt.ArrayLike | None = None,
        index: npt.ArrayLike = 0,
    ) -> I64:
        """Indices in [0, n), uniform or with weights ``p`` (normalised here)."""
        if n < 1:
            raise ValueError(f"choice needs n >= 1 (got {n})")
        u = self.uniform(keys, index)
        if p is None:
            return np.floor(u * n).astype(np.int64)
        w = np.asarray(p, dtype=np.float64)
        if w.shape != (n,):
            raise ValueError(f"choice weights must have shape ({n},), got {w.shape}")
        if not np.all(np.isfinite(w)) or w.min() < 0 or w.sum() <= 0:
            raise ValueError("choice weights must be finite, >= 0 and not all zero")
        cdf = np.cumsum(w)
        # Dividing by the last entry (not by a separate sum) makes it exactly 1.0, so u < 1
        # never runs past the last positive weight onto a zero-weight tail.
        cdf /= cdf[-1]
        return np.searchsorted(cdf, u, side="right").astype(np.int64)

    def normal(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> F64:
        """Standard normal values (Box–Muller over two keyed uniforms)."""
        i = np.multiply(np.asarray(index, dtype=np.uint64), np.uint64(2))
        u1 = 1.0 - self.uniform(keys, i)  # (0, 1]: log is finite
        u2 = self.uniform(keys, np.add(i, np.uint64(1)))
        return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)

    def permutation_rank(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        """Sort keys for a keyed shuffle: order candidates by these to shuffle them."""
        return self.bits(keys, index)


class Rng:
    """The root of a build's randomness: one seed, many named streams."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def stream(self, table: str, purpose: str) -> Stream:
        """The stream of one (table, purpose) under this seed."""
        return Stream(self.seed, table, purpose)
