"""Diff speed against PostgreSQL, as a ratio to a raw ``COPY … TO STDOUT`` of the same tables.

The snapshot is synthetic (``seedsnap.loaders.synthetic``: every table of the model, about
1.1 M rows, every column type with NULLs), loaded with ``seedsnap.loaders.load``. Each
measurement is five back-to-back pairs (COPY, then diff); printed are the fastest of each,
their client CPU time, and the median of the five per-pair ratios:

- baseline: ``COPY "<table>" TO STDOUT`` of every table through psycopg, bytes received and
  dropped: the least any reader of the whole database must pay;
- diff of the equal database: ``seedsnap.diff.diff`` (snapshot verification, reading every
  table back, comparing) against it;
- diff after 1 % of every table's rows were changed by hand (``updatedAt`` or ``createdAt``
  one millisecond later, so the rows move in the heap and the key order is lost), with the
  baseline measured again on the changed database.

Target: diff ≤ 2× the baseline. Usage: python bench/diff.py [SCALE] (row-count multiplier),
or python bench/diff.py --heavy SCALE to diff a generated heavy-mode build instead (real
Mentara data: text, JSON and arrays as the app has them, fewer rows).
PostgreSQL from SEEDSNAP_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from seedsnap import snapshot
from seedsnap.config import resolve
from seedsnap.diff import DiffReport, diff
from seedsnap.loaders import LoadOptions, load
from seedsnap.loaders.synthetic import BENCH_ROWS, frames
from seedsnap.schema import MENTARA

ADMIN = os.environ.get("SEEDSNAP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DB = "seedsnap_bench_diff"
SHARE = 100  # one row in SHARE is changed


def _url(db: str) -> str:
    return ADMIN.rpartition("/")[0] + "/" + db


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(statement)


def copy_out(url: str) -> int:
    """Raw ``COPY … TO STDOUT`` of every table of the model; the bytes received."""
    received = 0
    with psycopg.connect(url) as conn:
        for name in MENTARA.load_order:
            query = sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(name))
            with conn.cursor().copy(query) as copy:
                for data in copy:
                    received += len(data)
    return received


def change_share(url: str) -> int:
    """Move a timestamp of one row in SHARE of every table by 1 ms; return the rows changed."""
    changed = 0
    with psycopg.connect(url) as conn:
        for name in MENTARA.load_order:
            table = MENTARA.table(name)
            column = next((c for c in ("updatedAt", "createdAt") if c in table.column_names), None)
            if column is None:
                continue
            cur = conn.execute(
                sql.SQL(
                    "UPDATE {t} SET {c} = {c} + interval '1 millisecond' "
                    "WHERE abs(hashtext({k})) % {n} = 0"
                ).format(
                    t=sql.Identifier(name),
                    c=sql.Identifier(column),
                    k=sql.Identifier(table.primary_key[0]),
                    n=sql.Literal(SHARE),
                )
            )
            changed += cur.rowcount
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return changed


def paired(url: str, snap: Path, repeat: int = 5) -> dict[str, float]:
    """COPY and diff run back to back ``repeat`` times, so each pair shares the machine's load.

    Returns the fastest of each, the median of the per-pair ratios, and the client CPU
    seconds (all threads) of the fastest runs. The machine is shared: the median ratio of
    adjacent runs is steadier than a ratio of two minimums taken minutes apart.
    """
    runs: list[tuple[float, float, float, float]] = []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        copy_out(url)
        c1, t1 = time.process_time(), time.perf_counter()
        report = diff(snap, url)
        c2, t2 = time.process_time(), time.perf_counter()
        runs.append((t1 - t0, t2 - t1, c1 - c0, c2 - c1))
    assert isinstance(report, DiffReport)
    ratios = sorted(d / c for c, d, _, _ in runs)
    fastest_copy = min(runs, key=lambda r: r[0])
    fastest_diff = min(runs, key=lambda r: r[1])
    return {
        "copy": fastest_copy[0],
        "diff": fastest_diff[1],
        "copy_cpu": fastest_copy[2],
        "diff_cpu": fastest_diff[3],
        "ratio": ratios[len(ratios) // 2],
        "changed": report.totals()["changed"],
        "missing_extra": report.totals()["missing"] + report.totals()["extra"],
    }


def show(label: str, m: dict[str, float]) -> None:
    print(
        f"{label:<22} COPY {m['copy']:5.2f} s (client CPU {m['copy_cpu']:4.2f} s)   "
        f"diff {m['diff']:5.2f} s (client CPU {m['diff_cpu']:4.2f} s)   "
        f"median ratio {m['ratio']:4.2f}x  (target <= 2x)"
    )


def main() -> None:
    args = sys.argv[1:]
    heavy = args[:1] == ["--heavy"]
    if heavy:
        args = args[1:]
    scale = float(args[0]) if args else 1.0
    url = _url(DB)
    with tempfile.TemporaryDirectory(prefix="seedsnap-bench-diff-") as tmp:
        snap = Path(tmp) / "snapshot"
        if heavy:
            from seedsnap.build import generate

            config = resolve(mode="heavy", scale=scale, env={}, config_file=None)
            data = generate(config)
            label = f"heavy x{scale:g} build"
        else:
            rows = {t: max(1, round(n * scale)) for t, n in BENCH_ROWS.items()}
            config = resolve(env={}, config_file=None)
            data = frames(MENTARA, rows)
            label = "synthetic snapshot"
        snapshot.write(snap, data, config)
        total = sum(f.height for f in data.values())
        del data
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
        try:
            load(snap, url, LoadOptions(create_schema=True), env={})
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            print(f"{label}: {total:,} rows in 42 tables, loaded into {DB}")

            equal = paired(url, snap)
            assert equal["changed"] == equal["missing_extra"] == 0, "the loaded database differs"
            changed = change_share(url)
            moved = paired(url, snap)
            assert moved["changed"] == changed and moved["missing_extra"] == 0, moved
        finally:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    show("equal database", equal)
    show(f"{changed:,} rows changed", moved)


if __name__ == "__main__":
    main()
