"""Keyed, counter-based randomness evaluated on whole numpy arrays.

Every value is a pure function of (root seed, table, purpose, entity key, index):

    bits = mix(stream_key(seed, table, purpose) ^ mix(entity_key + index * GOLDEN))

``mix`` is the SplitMix64 finaliser; stream keys come from BLAKE2b over the names, never from
Python's ``hash()``. There is no shared sequential state, so adding a column, a purpose or an
entity never shifts another value: raising the scale keeps existing entities' values.

Entity keys are uint64. Generated entities are keyed by ``child_keys(parent, index)`` from
their parent's key (or ``root_key(name)`` for top-level groups), so a key is stable as long as
the entity's position among its siblings is.
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


def mix(x: U64 | np.uint64) -> U64:
    """SplitMix64 finaliser over a uint64 array (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64) + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return np.asarray(z ^ (z >> _S31), dtype=np.uint64)


def name_key(*parts: object) -> np.uint64:
    """A stable uint64 for a tuple of names (BLAKE2b; independent of PYTHONHASHSEED)."""
    blob = "\x1f".join(str(p) for p in parts).encode()
    return np.uint64(int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little"))


def root_key(name: str) -> np.uint64:
    """The key of a top-level entity group (e.g. "client", "community")."""
    return name_key("root", name)


def child_keys(parent: U64 | np.uint64, index: npt.ArrayLike) -> U64:
    """Keys of the ``index``-th children of ``parent`` (broadcast); stable under growth."""
    idx = np.asarray(index, dtype=np.uint64)
    return mix(np.asarray(parent, dtype=np.uint64) ^ mix(idx * _GOLDEN + np.uint64(1)))


def expand(parent_keys: U64, counts: npt.ArrayLike) -> tuple[I64, I64, U64]:
    """For a variable number of children per parent: (parent row, child index, child key).

    ``counts[i]`` children are made for parent ``i``; the result is one row per child, in
    parent order then index order, with keys from ``child_keys``.
    """
    counts_arr = np.asarray(counts, dtype=np.int64)
    rows = np.repeat(np.arange(len(counts_arr), dtype=np.int64), counts_arr)
    starts = np.cumsum(counts_arr) - counts_arr
    index = np.arange(len(rows), dtype=np.int64) - np.repeat(starts, counts_arr)
    return rows, index, child_keys(parent_keys[rows], index)


class Stream:
    """The values of one (table, purpose) under one seed, addressed by entity key and index."""

    def __init__(self, seed: int, table: str, purpose: str) -> None:
        self.key = name_key("stream", seed, table, purpose)

    def bits(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        k = np.asarray(keys, dtype=np.uint64)
        i = np.asarray(index, dtype=np.uint64)
        return mix(self.key ^ mix(k + i * _GOLDEN))

    def uniform(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> F64:
        """Floats in [0, 1) with 53 random bits."""
        return (self.bits(keys, index) >> np.uint64(11)).astype(np.float64) * _TO_UNIT

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
        return lo + np.floor(self.uniform(keys, index) * span).astype(np.int64)

    def bernoulli(
        self, keys: npt.ArrayLike, p: npt.ArrayLike, index: npt.ArrayLike = 0
    ) -> npt.NDArray[np.bool_]:
        return np.asarray(self.uniform(keys, index) < np.asarray(p, dtype=np.float64))

    def choice(
        self,
        keys: npt.ArrayLike,
        n: int,
        p: npt.ArrayLike | None = None,
        index: npt.ArrayLike = 0,
    ) -> I64:
        """Indices in [0, n), uniform or with weights ``p`` (normalised here)."""
        u = self.uniform(keys, index)
        if p is None:
            return np.floor(u * n).astype(np.int64)
        w = np.asarray(p, dtype=np.float64)
        cdf = np.cumsum(w / w.sum())
        return np.minimum(np.searchsorted(cdf, u, side="right"), n - 1).astype(np.int64)

    def normal(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> F64:
        """Standard normal values (Box–Muller over two keyed uniforms)."""
        i = np.asarray(index, dtype=np.uint64) * np.uint64(2)
        u1 = 1.0 - self.uniform(keys, i)  # (0, 1]: log is finite
        u2 = self.uniform(keys, i + np.uint64(1))
        return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)

    def permutation_rank(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        """Sort keys for a keyed shuffle: order candidates by these to shuffle them."""
        return self.bits(keys, index)


class Rng:
    """The root of a build's randomness: one seed, many named streams."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def stream(self, table: str, purpose: str) -> Stream:
        return Stream(self.seed, table, purpose)
