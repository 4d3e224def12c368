"""The build: base generators, then the enrichers tier by tier, all in memory (no database)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from seedsnap.config import Config
from seedsnap.context import Context, Frames
from seedsnap.enrichers import orchestrator
from seedsnap.errors import CheckFailed

if TYPE_CHECKING:
    from seedsnap.check import CheckReport

# Base generators in the order they run; each module exposes WRITES and generate(ctx, frames).
GENERATORS: tuple[str, ...] = ("users", "communities", "relationships", "content", "therapy")


def generate(
    config: Config,
    jobs: int = 1,
    on_step: Callable[[str, Frames], None] | None = None,
) -> Frames:
    """Every table of the model as a conformed frame, for ``config``, as a snapshot stores it.

    JSON columns come out in the stored form (``snapshot.stored_json``), whatever spelling a
    generator found convenient, so a frame read back from the snapshot equals the built one.
    """
    ctx = Context(config)
    frames: Frames = {t.name: ctx.empty(t.name) for t in ctx.schema.tables}
    for name in GENERATORS:
        module = importlib.import_module(f"seedsnap.generators.{name}")
        made: Frames = module.generate(ctx, frames)
        unexpected = set(made) - set(module.WRITES)
        if unexpected:
            raise RuntimeError(f"generator {name} wrote undeclared tables {sorted(unexpected)}")
        for table, frame in made.items():
            frames[table] = ctx.frame(table, frame)
        if on_step is not None:
            on_step(name, made)

    def done(e: orchestrator.Enricher, added: Frames) -> None:
        if on_step is not None:
            on_step(f"enrich {e.name}", added)

    frames = orchestrator.run(ctx, frames, jobs=jobs, on_done=done)
    return {name: _stored_json(ctx, name, frame) for name, frame in frames.items()}


def _stored_json(ctx: Context, name: str, frame: pl.DataFrame) -> pl.DataFrame:
    from seedsnap.schema.model import JSONB
    from seedsnap.snapshot import stored_json

    cols = [c.name for c in ctx.schema.table(name).columns if c.type == JSONB]
    if not cols or not frame.height:
        return frame
    return frame.with_columns(stored_json(frame.get_column(c)) for c in cols)


def build(
    config: Config,
    out: str | Path,
    jobs: int = 1,
    on_step: Callable[[str, Frames], None] | None = None,
    run_check: bool = True,
) -> tuple[dict[str, Any], CheckReport | None]:
    """Generate ``config``'s data, check it, and write the snapshot to ``out``.

    Returns the manifest and the check report (None with ``run_check=False``). The snapshot
    is checked in its temporary directory and only then moved into place: a build whose
    check fails raises ``BuildCheckFailed`` (carrying the report) and leaves any previous
    snapshot at ``out`` untouched.
    """
    from seedsnap import check, snapshot

    frames = generate(config, jobs=jobs, on_step=on_step)
    reports: list[CheckReport] = []

    def gate(tmp: Path) -> None:
        report = check.check(tmp)
        reports.append(report)
        if not report.ok:
            raise BuildCheckFailed(str(out), report)

    manifest = snapshot.write(out, frames, config, before_swap=gate if run_check else None)
    return manifest, (reports[0] if reports else None)


class BuildCheckFailed(CheckFailed):
    """A freshly built snapshot failed `seedsnap check`; it was not written."""

    def __init__(self, out: str, report: CheckReport) -> None:
        super().__init__(
            f"the snapshot built for {out} fails {len(report.violations)} check rule(s) and was "
            "not written",
            "this is a seedsnap bug: report it with the options used (--no-check writes it anyway)",
        )
        self.report = report
