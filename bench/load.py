"""Load speed into PostgreSQL, against ``psql \\copy`` of the same rows measured in the same run.

The snapshot is synthetic (``seedsnap.loaders.synthetic``: every table of the model with valid
keys and foreign keys, about 1.1 M rows, most in the tables the app grows fastest), because a
1 M-row build of the real generators is not what this measures. Four timings:

- baseline: ``psql -1`` running one ``\\copy`` per table, in foreign-key order, of CSV files
  prepared beforehand (their preparation is not counted), into the tables that
  ``seedsnap schema`` creates (primary keys, indexes, foreign keys);
- first load: ``seedsnap.loaders.load`` into the same empty schema (snapshot verification,
  planning and CSV encoding included);
- reload: the same snapshot again, every row present;
- gap fill: after deleting 5 % of every table's rows (cascades delete a few more).

Usage: python bench/load.py [SCALE] (SCALE multiplies the row counts; default 1).
PostgreSQL from SEEDSNAP_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from seedsnap import snapshot
from seedsnap.config import resolve
from seedsnap.loaders import LoadOptions, load
from seedsnap.loaders.postgres import encode
from seedsnap.loaders.synthetic import BENCH_ROWS, frames
from seedsnap.schema import MENTARA, render

ADMIN = os.environ.get("SEEDSNAP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _url(db: str) -> str:
    return ADMIN.rpartition("/")[0] + "/" + db


def _fresh(db: str) -> str:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
    with psycopg.connect(_url(db), autocommit=True) as conn:
        conn.execute(render(MENTARA, "postgres").encode())
    return _url(db)


def _drop(db: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return sum(
            conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]  # type: ignore[index]
            for t in MENTARA.table_names
        )


def _delete_share(url: str, share: int) -> int:
    """Delete one row in ``share`` of every table (children first); return rows now missing."""
    before = _count(url)
    with psycopg.connect(url) as conn:
        for t in reversed(MENTARA.load_order):
            pk = MENTARA.table(t).primary_key[0]
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE abs(hashtext({})) % {} = 0").format(
                    sql.Identifier(t), sql.Identifier(pk), sql.Literal(share)
                )
            )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return before - _count(url)


def _missing_rows_script(url: str, snap: Path, where: Path) -> str:
    """A psql script that \\copies exactly the snapshot rows the database lacks."""
    from seedsnap.loaders import postgres

    where.mkdir()
    data = snapshot.read(snap)
    script = []
    conn = postgres.connect(url)
    try:
        for name in MENTARA.load_order:
            table = MENTARA.table(name)
            pk = list(table.primary_key)
            have = postgres.read_table(conn, table, pk)
            rows = data.frame(name).join(have, on=pk, how="anti", maintain_order="left")
            if rows.height:
                path = where / f"{name}.csv"
                path.write_bytes(encode(table, rows))
                script.append(f"\\copy \"{name}\" FROM '{path}' WITH (FORMAT csv)")
    finally:
        conn.close()
    (where / "copy.sql").write_text("\n".join(script) + "\n")
    return str(where / "copy.sql")


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rows = {t: max(1, round(n * scale)) for t, n in BENCH_ROWS.items()}
    with tempfile.TemporaryDirectory(prefix="seedsnap-bench-") as tmp:
        snap = Path(tmp) / "snapshot"
        t0 = time.perf_counter()
        data = frames(MENTARA, rows)
        snapshot.write(snap, data, resolve(env={}, config_file=None))
        total = sum(f.height for f in data.values())
        print(f"synthetic snapshot: {total:,} rows in 42 tables ({time.perf_counter() - t0:.1f} s)")

        csv_dir = Path(tmp) / "csv"
        csv_dir.mkdir()
        script = []
        for name in MENTARA.load_order:
            path = csv_dir / f"{name}.csv"
            path.write_bytes(encode(MENTARA.table(name), data[name]))
            script.append(f"\\copy \"{name}\" FROM '{path}' WITH (FORMAT csv)")
        (csv_dir / "copy.sql").write_text("\n".join(script) + "\n")
        del data

        base_url = _fresh("seedsnap_bench_copy")
        baseline = _timed(
            lambda: subprocess.run(
                ["psql", "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", "-d", base_url,
                 "-f", str(csv_dir / "copy.sql")],
                check=True,
            )
        )  # fmt: skip
        assert _count(base_url) == total
        _drop("seedsnap_bench_copy")

        url = _fresh("seedsnap_bench_load")
        first = _timed(lambda: load(snap, url, LoadOptions()))
        assert _count(url) == total
        reload = _timed(lambda: load(snap, url, LoadOptions()))
        gap = _delete_share(url, 60)
        steps: list[str] = []
        fill = _timed(lambda: load(snap, url, LoadOptions(verbose=True), log=steps.append))
        split = [m for m in steps if m.startswith(("planned", "wrote"))]
        assert _count(url) == total
        # Reference for the gap fill: the same rows deleted again, then only those rows
        # copied back with psql \copy (files prepared beforehand, not counted).
        assert _delete_share(url, 60) == gap
        gap_script = _missing_rows_script(url, snap, Path(tmp) / "gap")
        gap_copy = _timed(
            lambda: subprocess.run(
                ["psql", "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", gap_script],
                check=True,
            )
        )
        assert _count(url) == total
        _drop("seedsnap_bench_load")

    print(f"psql \\copy (baseline)     {baseline:7.2f} s")
    print(f"first load               {first:7.2f} s   {baseline / first:5.2f}x faster than \\copy"
          f"   (target >= 1.5x)")  # fmt: skip
    print(f"reload, all present      {reload:7.2f} s   {reload / baseline:5.3f} of \\copy, "
          f"{reload / first:5.3f} of first load (target <= 0.1)")  # fmt: skip
    print(f"gap fill ({gap:,} rows, {100 * gap / total:.1f} %) {fill:7.2f} s   "
          f"{fill / baseline:5.3f} of \\copy, {fill / first:5.3f} of first load (target <= 0.2)")  # fmt: skip
    print(f"  of which: {'; '.join(split)}")
    print(f"  reference: psql \\copy of only those {gap:,} rows {gap_copy:7.2f} s "
          f"({gap_copy / first:5.3f} of first load)")  # fmt: skip


if __name__ == "__main__":
    main()
