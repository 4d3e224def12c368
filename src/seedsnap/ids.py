"""Deterministic ids shaped as the Prisma client would make them.

``uuid()`` columns get RFC 9562 version-4 UUIDs (version nibble 4, variant bits 10) and
``cuid()`` columns 25-character cuids (``c`` + 24 lowercase base-36 characters); both are
derived from (seed, table, entity key) with :mod:`seedsnap.random`, formatted on whole arrays.

Both take two 64-bit words per key from the table's ``"id"`` stream (the purpose "id" is
reserved for this). The first word is a bijection of the key, but masking the version and
variant bits (uuid) or reducing modulo 36**12 (cuid) drops a few bits, so distinct keys give
distinct ids with overwhelming probability (122 / ~124 random bits), not by construction;
`seedsnap check` verifies primary keys are unique. Text is written into
one fixed-width byte buffer and handed to Arrow as a string array with computed offsets: no
per-row Python objects and no Binary -> String cast (which validates UTF-8 row by row).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import text_from_bytes
from seedsnap.random import Stream

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]

_B36 = b"0123456789abcdefghijklmnopqrstuvwxyz"
# Lookup tables whose entries are the text of a value, read as fixed-width integers so that one
# gather writes several characters: 4 hex digits of every 16-bit value, 2 base-36 digits of
# every value below 36**2. A gather copies whole elements, so the text order of the bytes holds
# on any machine.
_HEX4 = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[
    (np.arange(1 << 16)[:, None] >> np.array([12, 8, 4, 0])) & 15
].view(np.uint32)[:, 0]
_B36_2 = np.frombuffer(bytes(c for a in _B36 for b in _B36 for c in (a, b)), dtype=np.uint16)
_WORD_INDEX = np.arange(2, dtype=np.uint64)
_B36_12 = np.uint64(36**12)
_B36_6 = np.uint64(36**6)
_B36_PAIR = np.uint32(36**2)
# Rows formatted per block: the temporaries of one block stay in cache and are reused, and only
# the output buffer is as large as the column.
_BLOCK = 1 << 16
# (start in the 36-byte text, start in the 32 hex digits, length) of the five uuid groups.
_UUID_GROUPS = ((0, 0, 8), (9, 8, 4), (14, 12, 4), (19, 16, 4), (24, 20, 12))
_UUID_DASHES = (8, 13, 18, 23)


def _column(buf: U8, at: int, dtype: npt.DTypeLike) -> npt.NDArray[np.unsignedinteger]:
    """The bytes ``at .. at + itemsize`` of every row of ``buf`` (n, width), as one 1-d view."""
    return np.ndarray((buf.shape[0],), dtype=dtype, buffer=buf, offset=at, strides=(buf.shape[1],))


def _copy_bytes(dst: U8, dst_at: int, src: U8, src_at: int, length: int) -> None:
    """``dst[:, dst_at:+length] = src[:, src_at:+length]`` in 8/4/2/1-byte row columns.

    A 2-d slice copy runs numpy's inner loop once per row over a few bytes; one strided
    copy of fixed-width integers per column is several times faster.
    """
    done = 0
    for width, dtype in ((8, np.uint64), (4, np.uint32), (2, np.uint16), (1, np.uint8)):
        while length - done >= width:
            _column(dst, dst_at + done, dtype)[...] = _column(src, src_at + done, dtype)
            done += width


def _format(
    seed: int,
    table: str,
    keys: npt.ArrayLike,
    width: int,
    fill: Callable[[U64, U8], None],
    name: str,
) -> pl.Series:
    """Text of ``width`` bytes per key, written block by block by ``fill(words, rows)``."""
    k = np.asarray(keys, dtype=np.uint64).reshape(-1, 1)
    stream = Stream(seed, table, "id")
    out = np.empty((len(k), width), dtype=np.uint8)
    for start in range(0, len(k), _BLOCK):
        fill(stream.bits(k[start : start + _BLOCK], _WORD_INDEX), out[start : start + _BLOCK])
    return text_from_bytes(out, name)


def _fill_uuid(w: U64, rows: U8) -> None:
    """Write the 36-character v4 UUID of each (hi, lo) word pair into ``rows``."""
    w[:, 0] &= np.uint64(0xFFFFFFFFFFFF0FFF)
    w[:, 0] |= np.uint64(0x4000)  # version 4
    w[:, 1] &= np.uint64(0x3FFFFFFFFFFFFFFF)
    w[:, 1] |= np.uint64(0x8000000000000000)  # variant 10
    # Big-endian 16-bit groups in text order, then 4 hex characters per group.
    groups = w.astype(">u8").view(">u2")
    hexes = _HEX4.take(groups).view(np.uint8).reshape(len(w), 32)
    for at, src, length in _UUID_GROUPS:
        _copy_bytes(rows, at, hexes, src, length)
    for at in _UUID_DASHES:
        _column(rows, at, np.uint8)[...] = ord("-")


def _fill_cuid(w: U64, rows: U8) -> None:
    """Write ``c`` + 24 base-36 digits (12 per word, most significant first) into ``rows``."""
    n = len(w)
    # 36**12 < 2**63, so a word gives 12 digits; they are cut into two 6-digit halves that fit
    # uint32. numpy divides by a scalar quickly (`//`, not divmod), so remainders are x - q * d.
    v = w - (w // _B36_12) * _B36_12
    hi = v // _B36_6
    halves = np.empty((n, 2, 2), dtype=np.uint32)
    halves[:, :, 0] = hi
    halves[:, :, 1] = v - hi * _B36_6
    pairs = np.empty((n, 2, 2, 3), dtype=np.uint16)
    for j in (2, 1, 0):
        q = halves // _B36_PAIR
        pairs[..., j] = _B36_2.take(halves - q * _B36_PAIR)
        halves = q
    _column(rows, 0, np.uint8)[...] = ord("c")
    _copy_bytes(rows, 1, pairs.view(np.uint8).reshape(n, 24), 0, 24)


def uuid4(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """Version-4 UUID text for each key: stable, unique per (seed, table, key) with 122 bits."""
    return _format(seed, table, keys, 36, _fill_uuid, name)


def cuid(seed: int, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
    """cuid-shaped text: ``c`` + 24 base-36 characters (about 124 bits) per key."""
    return _format(seed, table, keys, 25, _fill_cuid, name)


def hex_token(seed: int, table: str, purpose: str, keys: npt.ArrayLike, name: str) -> pl.Series:
    """64 lowercase hex digits (256 keyed bits) per key, as a SHA-256 hex digest looks: the
    app stores the digest of each emailed token."""
    k = np.asarray(keys, dtype=np.uint64).reshape(-1, 1)
    words = Stream(seed, table, purpose).bits(k, np.arange(4, dtype=np.uint64))
    groups = words.astype(">u8").view(">u2")  # 16 big-endian 16-bit groups per row
    return text_from_bytes(_HEX4.take(groups).view(np.uint8).reshape(len(k), 64), name)
