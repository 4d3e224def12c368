"""Build throughput: rows/s and peak memory for heavy mode at growing scales.

Each scale runs in its own process (so peak RSS is that build's), timing generate and
the rest of the snapshot write separately: as in ``seedsnap build``, each table is written
while later ones are still generated, so "generate s" includes the writes it overlaps and
"write s" is what is left after generation ends; "cpu s" is the CPU time (user + system,
all threads) the two took: on N usable cores the wall time cannot be below cpu s / N (the
header prints N). ``--jobs N`` runs up to N generators and enrichers at once, as ``seedsnap build
--jobs N`` (default: ``build.default_jobs()``, as the CLI). Two baselines are measured in
the same run:
  - loop:  a per-row Python generator (dicts with uuid5 ids, the shape a Faker-style or
           ORM seeder produces), the kind of tool seedsnap replaces;
  - floor: one vectorised 1 M-row message frame (numpy draws + polars) written to Parquet,
           the cost of the simplest possible table of that size.
"write-only rows/s" writes the build's final tables again, on their own, with the same writer
(largest first, on its threads): a build writes every one of those rows, so with this snapshot
format (zstd Parquet, page CRCs, content hash) it cannot run much faster than that rate.
Usage: python bench/build.py [--jobs N] [scale ...]   (default: 1 3 10 48, up to 1.08 M rows)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

CHILD = r"""
import json, os, resource, sys, time, tempfile
from seedsnap.build import default_jobs, generate
from seedsnap.config import resolve
from seedsnap import snapshot
scale, jobs = float(sys.argv[1]), int(sys.argv[2])
config = resolve(mode="heavy", scale=scale, env={}, config_file=None)
with tempfile.TemporaryDirectory() as d:
    # As seedsnap build does it: each table is written as soon as it is final.
    c0, t0 = os.times(), time.perf_counter()
    with snapshot.Writer(d + "/snap", config) as writer:
        add = lambda table, frame: writer.add(table, frame, json_stored=True)
        frames = generate(config, jobs=jobs or default_jobs(), on_final=add)
        t1 = time.perf_counter()
    t2, c2 = time.perf_counter(), os.times()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the build's, not the rewrite's
    # The same final tables written again, on their own: what the snapshot format costs.
    t3 = time.perf_counter()
    with snapshot.Writer(d + "/again", config) as writer:
        for table, frame in sorted(frames.items(), key=lambda tf: (-tf[1].height, tf[0])):
            writer.add(table, frame, json_stored=True)
    t4 = time.perf_counter()
rows = sum(f.height for f in frames.values())
cpu = (c2.user - c0.user) + (c2.system - c0.system)
print(json.dumps({"rows": rows, "generate": t1 - t0, "write": t2 - t1, "cpu": cpu, "peak_mib": peak,
                  "write_only": t4 - t3}))
"""


def loop_baseline(n: int = 50_000) -> float:
    """Rows/s of a per-row Python generator of user-like dicts."""
    import random

    rnd = random.Random(1)  # a fixed seed: the baseline itself must not vary between runs
    ns = uuid.UUID("12345678-1234-5678-1234-567812345678")
    t = time.perf_counter()
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": str(uuid.uuid5(ns, f"user-{i}")),
                "email": f"generated.client.{i}@mentaradev.local",
                "firstName": rnd.choice(["Alex", "Sam", "Riley"]),
                "age": rnd.randint(18, 65),
                "isActive": rnd.random() < 0.95,
            }
        )
    return n / (time.perf_counter() - t)


def floor_baseline(n: int = 1_000_000) -> float:
    """Rows/s of one vectorised message frame of ``n`` rows, generated and written."""
    import numpy as np
    import polars as pl

    t = time.perf_counter()
    g = np.random.default_rng(1)  # baseline only; seedsnap itself never uses np.random
    frame = pl.DataFrame(
        {
            "id": np.arange(n).astype(str),
            "conversationId": g.integers(0, n // 10, n).astype(str),
            "content": np.array(["hello", "how are you?", "see you then"])[g.integers(0, 3, n)],
            "createdAt": (g.integers(0, 10**9, n) + 1_700_000_000_000).astype("datetime64[ms]"),
        }
    )
    with tempfile.TemporaryDirectory() as d:
        frame.write_parquet(d + "/m.parquet", compression="zstd")
    return n / (time.perf_counter() - t)


def main() -> None:
    args = sys.argv[1:]
    jobs = 0  # as seedsnap build: build.default_jobs()
    if args[:1] == ["--jobs"]:
        jobs, args = int(args[1]), args[2:]
    scales = [float(s) for s in args] or [1, 3, 10, 48]
    loop = loop_baseline()
    floor = floor_baseline()
    print(f"baseline loop : {loop:12,.0f} rows/s (per-row Python, uuid5 ids)")
    print(f"baseline floor: {floor:12,.0f} rows/s (one vectorised 1 M-row frame + Parquet)")
    print(
        f"usable cores  : {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}"
    )
    print()
    print(
        f"{'scale':>6} {'rows':>11} {'generate s':>11} {'write s':>8} {'cpu s':>6} {'rows/s':>11} "
        f"{'x loop':>7} {'x floor':>8} {'peak MiB':>9} {'write-only rows/s':>18}"
    )
    for scale in scales:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(scale), str(jobs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        total = r["generate"] + r["write"]
        rate = r["rows"] / total
        print(
            f"{scale:>6g} {r['rows']:>11,} {r['generate']:>11.2f} {r['write']:>8.2f} "
            f"{r['cpu']:>6.2f} {rate:>11,.0f} {rate / loop:>7.1f} {rate / floor:>8.2f} "
            f"{r['peak_mib']:>9,.0f} {r['rows'] / r['write_only']:>18,.0f}"
        )


if __name__ == "__main__":
    main()
