"""Ids: valid v4 UUIDs and cuids, stable across processes and growth, unique at 10 M rows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from seedsnap import arrays, ids
from seedsnap.random import Stream, child_keys, expand, root_key

N = 1_000_000
SEED = 20260222
KEYS = child_keys(root_key("client"), np.arange(N))
UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
CUID_RE = r"^c[0-9a-z]{24}$"
VERSION_MASK, VERSION = 0x000000000000F000, 0x0000000000004000
VARIANT_MASK, VARIANT = 0xC000000000000000, 0x8000000000000000
_HEX_VALUE = np.zeros(256, dtype=np.uint8)
_HEX_VALUE[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16)


def _bytes(s: pl.Series, width: int) -> npt.NDArray[np.uint8]:
    """The text of a fixed-width String series as an (n, width) byte array."""
    return np.frombuffer("".join(s.to_list()).encode("ascii"), dtype=np.uint8).reshape(-1, width)


def _uuid_words(s: pl.Series) -> npt.NDArray[np.uint64]:
    """Decode 36-character UUID text into (n, 2) uint64 words, independently of seedsnap.ids."""
    text = _bytes(s, 36)
    groups = ((0, 8), (9, 13), (14, 18), (19, 23), (24, 36))
    nibbles = _HEX_VALUE[np.concatenate([text[:, a:b] for a, b in groups], axis=1)]
    packed = np.ascontiguousarray((nibbles[:, 0::2] << 4) | nibbles[:, 1::2])
    return packed.view(">u8").astype(np.uint64)


def _id_words(seed: int, table: str, keys: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """The 128 bits an id of ``keys`` must carry: the id stream's two words, v4/variant set."""
    s = Stream(seed, table, "id")
    hi = (s.bits(keys, 0) & ~np.uint64(VERSION_MASK)) | np.uint64(VERSION)
    lo = (s.bits(keys, 1) & ~np.uint64(VARIANT_MASK)) | np.uint64(VARIANT)
    return np.stack([hi, lo], 1)


@pytest.fixture(scope="module")
def uuids() -> pl.Series:
    return ids.uuid4(SEED, "User", KEYS)


@pytest.fixture(scope="module")
def cuids() -> pl.Series:
    return ids.cuid(SEED, "GroupSession", KEYS)


def test_uuid4_text_is_rfc9562_version_4(uuids: pl.Series) -> None:
    assert uuids.dtype == pl.String and uuids.name == "id" and len(uuids) == N
    assert uuids.str.contains(UUID_RE).all()
    for text in uuids.gather(np.arange(0, N, 50)).to_list():  # 20 000 parsed by the stdlib
        u = uuid.UUID(text)
        assert u.version == 4 and u.variant == uuid.RFC_4122 and str(u) == text


def test_uuid4_carries_the_id_streams_122_random_bits(uuids: pl.Series) -> None:
    words = _uuid_words(uuids)
    assert np.array_equal(words, _id_words(SEED, "User", KEYS))
    assert int(words[7, 0]) << 64 | int(words[7, 1]) == uuid.UUID(uuids[7]).int
    # The 6 fixed bits are fixed; each of the other 122 is set half the time (bit b of byte j
    # of the big-endian 16 bytes is bit 127 - 8j - b of the uuid's integer).
    fixed = np.array([(VERSION_MASK << 64 | VARIANT_MASK) >> (127 - i) & 1 for i in range(128)])
    value = np.array([(VERSION << 64 | VARIANT) >> (127 - i) & 1 for i in range(128)])
    bits = np.unpackbits(words[:200_000].astype(">u8").view(np.uint8), axis=1)
    rates = bits.mean(axis=0)
    assert fixed.sum() == 6
    assert (rates[fixed == 1] == value[fixed == 1]).all()
    assert (np.abs(rates[fixed == 0] - 0.5) < 5 * 0.5 / np.sqrt(200_000)).all(), rates


def test_cuid_text_is_c_and_24_base36_characters(cuids: pl.Series) -> None:
    assert cuids.dtype == pl.String and len(cuids) == N
    assert cuids.str.contains(CUID_RE).all()
    assert cuids.n_unique() == N
    text = _bytes(cuids, 25)
    alphabet = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    for pos in (12, 24, 6):  # the last digit of each word, and one in the middle, are uniform
        counts = np.bincount(np.searchsorted(alphabet, text[:, pos]), minlength=36)
        stat = float(((counts - N / 36) ** 2 / (N / 36)).sum())
        assert abs(stat - 35) < 5 * np.sqrt(70), (pos, stat)


def test_cuid_digits_encode_the_id_streams_words(cuids: pl.Series) -> None:
    text = _bytes(cuids[:1000], 25)
    s = Stream(SEED, "GroupSession", "id")
    for w in (0, 1):
        value = s.bits(KEYS[:1000], w) % np.uint64(36**12)
        digits = [int(t[1 + 12 * w : 13 + 12 * w].tobytes(), 36) for t in text]
        assert digits == [int(v) for v in value]


def _collisions(words: npt.NDArray[np.uint64]) -> int:
    """How many (hi, lo) rows repeat an earlier row: sort the hi words, compare pairs only there."""
    hi = np.sort(words[:, 0])
    same_hi = np.isin(words[:, 0], hi[1:][hi[1:] == hi[:-1]])
    pairs = np.ascontiguousarray(words[same_hi]).view("V16").ravel()
    return len(pairs) - len(np.unique(pairs))


def test_collision_count_sees_repeated_pairs_not_repeated_halves() -> None:
    words = _id_words(SEED, "Message", KEYS[:1000])
    assert _collisions(words) == 0
    half = words.copy()
    half[5, 0] = half[9, 0]  # same hi, different lo: still distinct ids
    assert _collisions(half) == 0
    twice = words.copy()
    twice[5] = twice[9]
    twice[700] = twice[9]
    assert _collisions(twice) == 2


def test_no_two_uuids_collide_in_10_million_rows_of_one_table() -> None:
    # 1 M parents with 10 children each, as a generated table is keyed. The uuid text is the
    # hex of these 128 bits (checked for the first 1 M below), so unique words mean unique ids.
    parents = child_keys(root_key("client"), np.arange(N))
    _, _, keys = expand(parents, np.full(N, 10))
    words = _id_words(SEED, "Message", keys)
    assert len(keys) == 10 * N
    assert _collisions(words) == 0
    assert np.array_equal(_uuid_words(ids.uuid4(SEED, "Message", keys[:N])), words[:N])


def test_ids_differ_between_tables_and_seeds(uuids: pl.Series) -> None:
    few = KEYS[:100_000]
    a = set(uuids[:100_000].to_list())
    assert a.isdisjoint(ids.uuid4(SEED, "Post", few).to_list())
    assert a.isdisjoint(ids.uuid4(SEED + 1, "User", few).to_list())
    assert set(ids.cuid(SEED, "A", few).to_list()).isdisjoint(ids.cuid(SEED, "B", few).to_list())


def test_ids_of_existing_keys_survive_growth_and_slicing(
    uuids: pl.Series, cuids: pl.Series
) -> None:
    # Rows are formatted in blocks of 65 536: prefixes and offsets cross block boundaries.
    assert ids.uuid4(SEED, "User", KEYS[:70_000]).equals(uuids[:70_000])
    assert ids.uuid4(SEED, "User", KEYS[65_530:65_545]).equals(uuids[65_530:65_545])
    assert ids.cuid(SEED, "GroupSession", KEYS[131_000:131_100]).equals(cuids[131_000:131_100])
    assert ids.uuid4(SEED, "User", KEYS[12345]).to_list() == [uuids[12345]]


def test_formatting_does_not_depend_on_block_size_or_offset_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = KEYS[:1000]
    before = ids.uuid4(SEED, "User", keys), ids.cuid(SEED, "GroupSession", keys)
    monkeypatch.setattr(ids, "_BLOCK", 7)
    monkeypatch.setattr(arrays, "_INT32_MAX", 100)  # forces the large_string (int64 offsets) path
    after = ids.uuid4(SEED, "User", keys), ids.cuid(SEED, "GroupSession", keys)
    assert before[0].equals(after[0]) and before[1].equals(after[1])


def test_empty_keys_and_series_name() -> None:
    empty = ids.uuid4(SEED, "User", np.array([], dtype=np.uint64), name="userId")
    assert empty.name == "userId" and empty.dtype == pl.String and len(empty) == 0
    assert len(ids.cuid(SEED, "GroupSession", [])) == 0


GOLDEN = {
    "uuid4": [
        "103546ff-fc49-48c2-a9c9-f3d8d6ba35d4",
        "398c923b-606d-47f3-8fd0-51a44a49f2b8",
        "024ffa98-1b4a-4c42-9d99-21649e67290d",
    ],
    "cuid": ["cl079w9h7lps2doiqvk783w7w", "cbg6herm1pzoxqebhxumge2om", "cwgdaiivfsuu8083wwg311wzi"],
}

SCRIPT = """
import json, numpy as np
from seedsnap import ids
from seedsnap.random import child_keys, root_key
keys = child_keys(root_key("client"), np.arange(3))
print(json.dumps({
    "uuid4": ids.uuid4(20260222, "User", keys).to_list(),
    "cuid": ids.cuid(20260222, "GroupSession", keys).to_list(),
}))
"""


def test_golden_ids_in_this_and_another_process() -> None:
    # A change of these values changes every snapshot: it must be deliberate.
    keys = KEYS[:3]
    assert ids.uuid4(SEED, "User", keys).to_list() == GOLDEN["uuid4"]
    assert ids.cuid(SEED, "GroupSession", keys).to_list() == GOLDEN["cuid"]
    env = {**os.environ, "PYTHONHASHSEED": "977", "TZ": "America/St_Johns"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == GOLDEN
    assert all(re.fullmatch(UUID_RE, u) for u in GOLDEN["uuid4"])
