"""Deterministic ids shaped as the Prisma client would make them.

``uuid()`` columns get RFC 9562 version-4 UUIDs (version nibble 4, variant bits 10) and
``cuid()`` columns 25-character cuids (``c`` + 24 lowercase base-36 characters); both are
derived from (seed, table, entity key) with :mod:`seedsnap.random`, formatted on whole arrays.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.random import Stream

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
# Byte positions of the 32 hex digits inside the 36-character text form.
_UUID_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def _text(chars: npt.NDArray[np.uint8], name: str) -> pl.Series:
    width = chars.shape[1]
    fixed = np.ascontiguousarray(chars).view(f"S{width}").ravel()
    return pl.Series(name, fixed, dtype=pl.Binary).cast(pl.String)


def uuid4(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """Version-4 UUID text for each key: stable, unique per (seed, table, key) with 122 bits."""
    k = np.asarray(keys, dtype=np.uint64)
    s = Stream(seed, table, "id")
    hi = s.bits(k, 0)
    lo = s.bits(k, 1)
    hi = (hi & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)  # version 4
    lo = (lo & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)  # variant 10
    raw = np.empty((len(k), 2), dtype=">u8")
    raw[:, 0], raw[:, 1] = hi, lo
    nibbles = raw.view(np.uint8).reshape(-1, 16)
    hexes = np.empty((len(k), 32), dtype=np.uint8)
    hexes[:, 0::2] = _HEX[nibbles >> 4]
    hexes[:, 1::2] = _HEX[nibbles & 15]
    out = np.full((len(k), 36), ord("-"), dtype=np.uint8)
    out[:, _UUID_POS] = hexes
    return _text(out, name)


def cuid(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """cuid-shaped text: ``c`` + 24 base-36 characters (about 124 bits) per key."""
    k = np.asarray(keys, dtype=np.uint64)
    s = Stream(seed, table, "id")
    out = np.empty((len(k), 25), dtype=np.uint8)
    out[:, 0] = ord("c")
    # Two 64-bit words, 12 base-36 digits each (36**12 < 2**63, so each word gives 12 digits).
    for w in range(2):
        v = s.bits(k, w) % np.uint64(36**12)
        for d in range(12):
            out[:, 1 + w * 12 + (11 - d)] = _B36[(v % np.uint64(36)).astype(np.int64)]
            v //= np.uint64(36)
    return _text(out, name)
