"""Where a heavy build spends its time: each step's span, and each table's write, in order.

Runs one build of heavy mode at one scale (default 40, the largest bench scale) as
``seedsnap build`` does it, with every generator and enricher timed, and prints a timeline:
when each step (or each table's snapshot write) started and ended, from the start of the
build, with its share of the build's wall time. ``--jobs N`` as ``seedsnap build --jobs N``
(default: one per core, at most 4). The steps that end last, and the writes after them, are
what a faster build must shorten; the bench of record is ``bench/build.py``.

Usage: python bench/steps.py [--jobs N] [--min-share P] [scale]
(``--min-share`` hides spans under P % of the wall time; default 1.)
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from seedsnap import snapshot
from seedsnap.build import default_jobs, generate
from seedsnap.config import resolve
from seedsnap.context import Context, Frames
from seedsnap.enrichers import orchestrator


def main() -> None:
    args = sys.argv[1:]
    jobs, min_share = default_jobs(), 1.0
    while args[:1] in (["--jobs"], ["--min-share"]):
        if args[0] == "--jobs":
            jobs = int(args[1])
        else:
            min_share = float(args[1])
        args = args[2:]
    scale = float(args[0]) if args else 40.0
    config = resolve(mode="heavy", scale=scale, env={}, config_file=None)
    spans: list[tuple[float, float, str]] = []
    lock = threading.Lock()
    start = [0.0]

    def timed(step: orchestrator.Enricher, label: str) -> orchestrator.Enricher:
        def run(ctx: Context, frames: Frames) -> Frames:
            t = time.perf_counter()
            out = step.run(ctx, frames)
            with lock:
                spans.append((t - start[0], time.perf_counter() - start[0], label))
            return out

        return dataclasses.replace(step, run=run)

    # The build's step runner, with each step timed (generators come as ``first``).
    real_run = orchestrator.run

    def run_timed(ctx, frames, enrichers, *, first=(), **kw):  # type: ignore[no-untyped-def]
        return real_run(
            ctx,
            frames,
            [timed(e, f"enrich {e.name}") for e in enrichers],
            first=[timed(g, g.name) for g in first],
            **kw,
        )

    orchestrator.run = run_timed
    with tempfile.TemporaryDirectory() as d:
        cpu0 = os.times()
        start[0] = time.perf_counter()
        with snapshot.Writer(Path(d) / "snap", config) as writer:
            real_write = writer._write_table  # each table's prepare + hash + Parquet write

            def write_timed(table, source, json_stored=False):  # type: ignore[no-untyped-def]
                t = time.perf_counter()
                out = real_write(table, source, json_stored)
                with lock:
                    spans.append(
                        (t - start[0], time.perf_counter() - start[0], f"write {table.name}")
                    )
                return out

            writer._write_table = write_timed  # type: ignore[method-assign]
            frames = generate(
                config, jobs=jobs, on_final=lambda t, f: writer.add(t, f, json_stored=True)
            )
            generated = time.perf_counter() - start[0]
        wall = time.perf_counter() - start[0]
        cpu1 = os.times()
    orchestrator.run = real_run
    rows = sum(f.height for f in frames.values())
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    print(f"heavy x{scale:g}, --jobs {jobs}: {rows:,} rows in {wall:.2f} s wall, {cpu:.2f} CPU-s")
    print(
        f"generation ended at {generated:.2f} s; the writes after it took {wall - generated:.2f} s"
    )
    print()
    print(f"{'start s':>8} {'end s':>7} {'span s':>7} {'share':>6}  step")
    for begin, end, label in sorted(spans):
        share = 100 * (end - begin) / wall
        if share >= min_share:
            print(f"{begin:>8.2f} {end:>7.2f} {end - begin:>7.2f} {share:>5.1f}%  {label}")


if __name__ == "__main__":
    main()
