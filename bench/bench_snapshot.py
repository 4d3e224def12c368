"""Snapshot speed: content hash, write and verified read of a 1 M-row Message table.

Ratios are against baselines measured in the same run: polars' own (version-unstable)
``hash_rows``, a plain ``write_parquet`` and a plain ``read_parquet`` of the same frame.
Usage: python bench/bench_snapshot.py [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from seedsnap import snapshot
from seedsnap.config import resolve
from seedsnap.context import Context, timestamps
from seedsnap.schema import MENTARA


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the machine is shared)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    config = resolve(env={}, config_file=None)
    ctx = Context(config)
    k = np.arange(n, dtype=np.uint64)
    frame = ctx.frame(
        "Message",
        pl.DataFrame(
            {
                "id": ctx.ids("Message", k),
                "conversationId": ctx.ids("Conversation", k // np.uint64(10)),
                "senderId": ctx.ids("User", k % np.uint64(1000)),
                "content": pl.Series(["a message of some typical length, say forty"] * n),
                "attachmentUrls": pl.Series([["https://x/a.png"], []] * (n // 2) + [[]] * (n % 2)),
                "createdAt": timestamps(config.anchor_ms - k.astype(np.int64) * 1000, "c"),
                "updatedAt": timestamps(config.anchor_ms - k.astype(np.int64) * 1000, "u"),
            }
        ),
    ).sample(fraction=1.0, shuffle=True, seed=7)
    table = MENTARA.table("Message")
    ordered = snapshot.sort_rows(table, frame)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "snap"
        plain = Path(tmp) / "plain.parquet"
        figures = {
            "polars hash_rows (baseline)": best(lambda: frame.hash_rows()),
            "content_hash, shuffled rows": best(lambda: snapshot.content_hash(table, frame)),
            "content_hash, key-ordered rows": best(lambda: snapshot.content_hash(table, ordered)),
            "write_parquet (baseline)": best(lambda: frame.write_parquet(plain), 1),
            "snapshot.write (42 tables, 1 full)": best(
                lambda: snapshot.write(out, {"Message": frame}, config), 1
            ),
            "read_parquet (baseline)": best(lambda: pl.read_parquet(out / "Message.parquet")),
            "snapshot.read + frame, verified": best(lambda: snapshot.read(out).frame("Message")),
        }
    print(f"rows: {n:,}")
    for name, seconds in figures.items():
        print(f"  {name:<38} {seconds:7.3f} s")
    print(
        f"content_hash / hash_rows: {figures['content_hash, shuffled rows'] / figures['polars hash_rows (baseline)']:.1f}x (shuffled), "
        f"{figures['content_hash, key-ordered rows'] / figures['polars hash_rows (baseline)']:.1f}x (ordered)"
    )
    print(
        f"snapshot.write / write_parquet: "
        f"{figures['snapshot.write (42 tables, 1 full)'] / figures['write_parquet (baseline)']:.1f}x"
    )
    print(
        f"verified read / read_parquet: "
        f"{figures['snapshot.read + frame, verified'] / figures['read_parquet (baseline)']:.1f}x"
    )


if __name__ == "__main__":
    main()
