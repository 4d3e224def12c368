"""Id and draw speed: ids.uuid4 / ids.cuid / Stream.uniform for 1 M keys against a uuid5 loop.

The baseline, measured in the same run, is what a row-by-row seeder does: a Python loop calling
``uuid.uuid5`` once per key, collected into the same polars String column. A second reference
is the foundation's vectorised uuid4 (per-nibble lookups, a column scatter and a Binary ->
String cast), kept here to show what the block-wise formatting buys.
Usage: python bench/ids.py [ROWS]
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap import ids
from seedsnap.random import Rng, Stream, child_keys, root_key

SEED = 20260222


def best(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (the machine is shared)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def uuid5_loop(keys: npt.NDArray[np.uint64]) -> pl.Series:
    """The row-by-row baseline: one uuid.uuid5 call per key."""
    return pl.Series(
        "id", [str(uuid.uuid5(uuid.NAMESPACE_OID, f"User/{k}")) for k in keys.tolist()]
    )


def foundation_uuid4(keys: npt.NDArray[np.uint64]) -> pl.Series:
    """ids.uuid4 as first written: same values, whole-array nibble formatting and a cast."""
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    pos = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])
    s = Stream(SEED, "User", "id")
    hi = (s.bits(keys, 0) & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)
    lo = (s.bits(keys, 1) & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    raw = np.empty((len(keys), 2), dtype=">u8")
    raw[:, 0], raw[:, 1] = hi, lo
    nibbles = raw.view(np.uint8).reshape(-1, 16)
    hexes = np.empty((len(keys), 32), dtype=np.uint8)
    hexes[:, 0::2] = hexd[nibbles >> 4]
    hexes[:, 1::2] = hexd[nibbles & 15]
    out = np.full((len(keys), 36), ord("-"), dtype=np.uint8)
    out[:, pos] = hexes
    fixed = np.ascontiguousarray(out).view("S36").ravel()
    return pl.Series("id", fixed, dtype=pl.Binary).cast(pl.String)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    keys = child_keys(root_key("client"), np.arange(n))
    stream = Rng(SEED).stream("User", "profile")
    if not foundation_uuid4(keys[:1000]).equals(ids.uuid4(SEED, "User", keys[:1000])):
        raise SystemExit("the foundation reference no longer matches ids.uuid4")

    baseline = best(lambda: uuid5_loop(keys), repeat=2)
    figures = {
        "ids.uuid4": best(lambda: ids.uuid4(SEED, "User", keys), repeat=5),
        "ids.cuid": best(lambda: ids.cuid(SEED, "GroupSession", keys), repeat=5),
        "Stream.uniform": best(lambda: stream.uniform(keys), repeat=5),
        "ids.uuid4 + Stream.uniform": best(
            lambda: (ids.uuid4(SEED, "User", keys), stream.uniform(keys)), repeat=5
        ),
        "foundation uuid4 (reference)": best(lambda: foundation_uuid4(keys), repeat=3),
    }
    print(f"rows: {n:,}  (best of 2 for the loop, of 3-5 otherwise)")
    print(f"  {'uuid.uuid5 loop (baseline)':30s} {baseline:8.3f} s")
    for name, seconds in figures.items():
        print(f"  {name:30s} {seconds:8.3f} s  {baseline / seconds:7.1f}x faster than the loop")
    speedup = figures["foundation uuid4 (reference)"] / figures["ids.uuid4"]
    print(f"  ids.uuid4 vs foundation uuid4: {speedup:.1f}x")


if __name__ == "__main__":
    main()
