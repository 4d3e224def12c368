"""Deterministic ids shaped as the Prisma client would make them.

``uuid()`` columns get RFC 9562 version-4 UUIDs (version nibble 4, variant bits 10) and
``cuid()`` columns 25-character cuids (``c`` + 24 lowercase base-36 characters); both are
derived from (seed, table, entity key) with :mod:`seedsnap.random`, formatted on whole arrays.

Both take two 64-bit words from the table's ``"id"`` stream, so ids are distinct exactly when
entity keys are (the first word is a bijection of the key). Text is written into one
fixed-width byte buffer and handed to Arrow as a string array with computed offsets: no
per-row Python objects and no Binary -> String cast (which validates UTF-8 row by row).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from seedsnap.random import Stream

U8 = npt.NDArray[np.uint8]

_B36 = b"0123456789abcdefghijklmnopqrstuvwxyz"
# Lookup tables whose entries are the text of a value, read as fixed-width integers so that one
# gather writes several characters: 4 hex digits of every 16-bit value, 2 base-36 digits of
# every value below 36**2. Element byte order is the text order whatever the machine's.
_HEX4 = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[
    (np.arange(1 << 16)[:, None] >> np.array([12, 8, 4, 0])) & 15
].view(np.uint32)[:, 0]
_B36_2 = np.frombuffer(bytes(c for a in _B36 for b in _B36 for c in (a, b)), dtype=np.uint16)
_WORD_INDEX = np.arange(2, dtype=np.uint64)
# (start in the 36-character text, start in the 32 hex digits, length) of the five groups.
_UUID_GROUPS = ((0, 0, 8), (9, 8, 4), (14, 12, 4), (19, 16, 4), (24, 20, 12))
_B36_12 = np.uint64(36**12)
_B36_6 = np.uint64(36**6)
_B36_PAIR = np.uint32(36**2)
_INT32_MAX = 2**31 - 1


def _words(seed: int, table: str, keys: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Two 64-bit words per key, shape (n, 2), from the table's id stream."""
    k = np.asarray(keys, dtype=np.uint64).reshape(-1, 1)
    return Stream(seed, table, "id").bits(k, _WORD_INDEX)


def _text(chars: U8, name: str) -> pl.Series:
    """A String series from an (n, width) array of ASCII bytes, one row per string."""
    n, width = chars.shape
    data = np.ascontiguousarray(chars).reshape(-1)
    large = data.size > _INT32_MAX
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if large else np.int32)
    # from_buffers does not validate; the bytes come from the ASCII tables above only.
    arr = pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        n,
        [None, pa.py_buffer(offsets), pa.py_buffer(data)],
    )
    return pl.Series(name, arr, dtype=pl.String)


def uuid4(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """Version-4 UUID text for each key: stable, unique per (seed, table, key) with 122 bits."""
    w = _words(seed, table, keys)
    n = len(w)
    w[:, 0] &= np.uint64(0xFFFFFFFFFFFF0FFF)
    w[:, 0] |= np.uint64(0x4000)  # version 4
    w[:, 1] &= np.uint64(0x3FFFFFFFFFFFFFFF)
    w[:, 1] |= np.uint64(0x8000000000000000)  # variant 10
    # Big-endian 16-bit groups in text order, then 4 hex characters per group.
    groups = w.astype(">u8").view(">u2").reshape(n, 8)
    hexes = _HEX4[groups].view(np.uint8).reshape(n, 32)
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for at, src, length in _UUID_GROUPS:
        out[:, at : at + length] = hexes[:, src : src + length]
    return _text(out, name)


def cuid(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """cuid-shaped text: ``c`` + 24 base-36 characters (about 124 bits) per key."""
    w = _words(seed, table, keys)
    n = len(w)
    # Each word gives 12 base-36 digits (36**12 < 2**63), split into two 6-digit halves that
    # fit uint32; numpy divides by a scalar quickly (`//`), so remainders are x - q * d.
    v = w - (w // _B36_12) * _B36_12
    halves = np.empty((n, 4), dtype=np.uint32)
    hi = v // _B36_6
    halves[:, 0::2] = hi
    halves[:, 1::2] = v - hi * _B36_6
    pairs = np.empty((n, 4, 3), dtype=np.uint16)
    for j in (2, 1, 0):
        q = halves // _B36_PAIR
        pairs[:, :, j] = _B36_2[halves - q * _B36_PAIR]
        halves = q
    out = np.empty((n, 25), dtype=np.uint8)
    out[:, 0] = ord("c")
    out[:, 1:] = pairs.view(np.uint8).reshape(n, 24)
    return _text(out, name)
