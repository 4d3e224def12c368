"""Schedules the enrichers into tiers from what each declares it reads and writes, and runs them.

The build schedules its base generators the same way (as ``Enricher`` steps whose tables
start empty), before the enrichers.

An enricher depends on every other enricher that writes a table it reads, wherever either
sits in the registry; a table an enricher writes counts as read too (a top-up counts what is
there). When two enrichers depend on each other (both top up one table), the one registered
first runs first; a longer cycle is an error. An enricher's tier is one more than the deepest
of its dependencies. Enrichers of one tier see the same frames (those left by the previous
tiers) and may run in parallel (``jobs``); their new rows are appended in registry order, so
the output does not depend on ``jobs``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

import polars as pl

from seedsnap.context import Context, Frames

# The registry: adding an enricher is one module in this package plus one line here.
ENRICHERS: tuple[str, ...] = (
    # tier 1-3: people, communities, content
    "memberships",
    "relationships",
    "availability",
    "assessments",
    "posts",
    "moderator_assignments",
    "comments",
    "hearts",
    "meetings",
    "worksheets",
    # tier 4-6: therapy, messaging, notifications, group sessions, moderation, payments
    "messages",
    "reviews",
    "message_interactions",
    "rooms",
    "notifications",
    "group_sessions",
    "reports",
    "user_blocks",
    "payments",
    "chatbot",
    "journal",
    "typing",
    "performance",
    "engagement",
    "preferences",
)


@dataclass(frozen=True)
class Enricher:
    """One enricher: its name, declared reads and writes, and the pure function that runs it."""

    name: str
    reads: frozenset[str]
    writes: frozenset[str]
    run: Callable[[Context, Frames], Frames]

    @classmethod
    def from_module(cls, name: str, module: ModuleType) -> Enricher:
        return cls(name, frozenset(module.READS), frozenset(module.WRITES), module.enrich)


def load_enrichers(names: Sequence[str] = ENRICHERS) -> list[Enricher]:
    out = []
    for name in names:
        module = importlib.import_module(f"seedsnap.enrichers.{name}")
        out.append(Enricher.from_module(name, module))
    return out


def dependencies(
    enrichers: Sequence[Enricher],
) -> dict[str, list[tuple[Enricher, frozenset[str]]]]:
    """For each enricher, the enrichers it must run after and the tables that make it so."""
    position = {e.name: i for i, e in enumerate(enrichers)}
    deps: dict[str, list[tuple[Enricher, frozenset[str]]]] = {e.name: [] for e in enrichers}
    for e in enrichers:
        for d in enrichers:
            shared = d.writes & (e.reads | e.writes)
            if d is e or not shared:
                continue
            mutual = e.writes & (d.reads | d.writes)
            if mutual and position[d.name] > position[e.name]:
                continue  # both top up a shared table: registry order decides
            deps[e.name].append((d, shared))
    return deps


def tiers(enrichers: Sequence[Enricher]) -> list[list[Enricher]]:
    """Enrichers grouped by tier (tier 1 first), registry order inside a tier."""
    deps = dependencies(enrichers)
    level: dict[str, int] = {}
    visiting: list[str] = []

    def depth(e: Enricher) -> int:
        if e.name in level:
            return level[e.name]
        if e.name in visiting:
            cycle = [*visiting[visiting.index(e.name) :], e.name]
            raise ValueError(f"enricher dependency cycle: {' -> '.join(cycle)}")
        visiting.append(e.name)
        level[e.name] = 1 + max((depth(d) for d, _ in deps[e.name]), default=0)
        visiting.pop()
        return level[e.name]

    for e in enrichers:
        depth(e)
    out: list[list[Enricher]] = [[] for _ in range(max(level.values(), default=0))]
    for e in enrichers:
        out[level[e.name] - 1].append(e)
    return out


def run(
    ctx: Context,
    frames: Frames,
    enrichers: Sequence[Enricher] | None = None,
    jobs: int = 1,
    on_done: Callable[[Enricher, Frames], None] | None = None,
    on_tier: Callable[[int, Frames], None] | None = None,
) -> Frames:
    """Run every tier over ``frames``; returns the frames with all new rows appended.

    ``on_tier`` gets each tier's index (from 0) and the frames after it.
    """
    enrichers = load_enrichers() if enrichers is None else enrichers
    frames = dict(frames)
    for k, tier in enumerate(tiers(enrichers)):
        view = dict(frames)  # every enricher of a tier sees the same input

        def one(e: Enricher, view: Frames = view) -> Frames:
            return e.run(ctx, {t: view[t] for t in e.reads | e.writes if t in view})

        if jobs > 1 and len(tier) > 1:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(one, tier))
        else:
            results = [one(e) for e in tier]
        for e, added in zip(tier, results, strict=True):
            unexpected = set(added) - e.writes
            if unexpected:
                raise RuntimeError(f"{e.name} wrote undeclared tables {sorted(unexpected)}")
            for table, rows in added.items():
                if rows.height:
                    frames[table] = pl.concat([frames[table], ctx.frame(table, rows)])
            if on_done is not None:
                on_done(e, added)
        if on_tier is not None:
            on_tier(k, frames)
    return frames
