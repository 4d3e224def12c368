"""Orders the enrichers from what each declares it reads and writes, and runs them.

The build schedules its base generators the same way (as ``Enricher`` steps whose tables
start empty), before the enrichers.

An enricher depends on every other enricher that writes a table it reads, wherever either
sits in the registry; a table an enricher writes counts as read too (a top-up counts what is
there). When two enrichers depend on each other (both top up one table), the one registered
first runs first; a longer cycle is an error. An enricher's tier is one more than the deepest
of its dependencies (``seedsnap graph`` draws the tiers).

``run`` needs no barrier between tiers: a step starts as soon as the steps it depends on are
done, on up to ``jobs`` threads. Any two steps that share a table one of them writes are
ordered, so each step sees exactly the rows its tier would give it and the rows of a table
are appended in one fixed order: the output does not depend on ``jobs`` or on timing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import ModuleType

import polars as pl

from seedsnap.context import Context, Frames

# The registry: adding an enricher is one module in this package plus one line here.
ENRICHERS: tuple[str, ...] = (
    # people, communities, content
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
    # therapy, messaging, notifications, group sessions, moderation, payments
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


def order(first: Sequence[Enricher], enrichers: Sequence[Enricher]) -> list[set[int]]:
    """For the steps ``[*first, *enrichers]``, the indices of the steps each must run after.

    Inside each group, ``dependencies`` decides. A step of ``enrichers`` also runs after every
    step of ``first`` it shares a table with that either of them writes, so ``first`` (the
    base generators) acts as a stage before the enrichers wherever it matters.
    """
    steps = [*first, *enrichers]
    index = {id(e): i for i, e in enumerate(steps)}
    after: list[set[int]] = [set() for _ in steps]
    for group in (first, enrichers):
        names = [e.name for e in group]
        if len(set(names)) < len(names):  # dependencies() knows steps by name
            raise ValueError(
                f"two steps share a name: {sorted(n for n in set(names) if names.count(n) > 1)}"
            )
        tiers(group)  # raises on a dependency cycle
        for name, deps in dependencies(group).items():
            i = next(index[id(e)] for e in group if e.name == name)
            after[i].update(index[id(d)] for d, _ in deps)
    for j, e in enumerate(enrichers, start=len(first)):
        for i, g in enumerate(first):
            if g.writes & (e.reads | e.writes) or e.writes & (g.reads | g.writes):
                after[j].add(i)
    return after


def run(
    ctx: Context,
    frames: Frames,
    enrichers: Sequence[Enricher],
    *,
    jobs: int = 1,
    on_done: Callable[[Enricher, Frames], None] | None = None,
    on_final: Callable[[str, pl.DataFrame], None] | None = None,
    first: Sequence[Enricher] = (),
) -> Frames:
    """``frames`` with the rows of the steps ``first`` and ``enrichers`` appended.

    The steps of ``first`` (the base generators) come before the enrichers that share a
    table with them (``order``); unrelated steps may run in any order. A step starts as soon as the steps it runs after (``order``) are done, on up to ``jobs``
    threads, longest remaining chain first; there is no barrier between tiers. The output
    does not depend on ``jobs`` or timing: a step sees exactly the rows its tier would
    give it (every writer of a table it reads or writes either ran before it or runs after
    it), and the writers of one table are ordered, so rows are appended in a fixed order.
    ``on_done`` gets each step and its new rows, ``on_final`` each table as soon as no step
    left writes it (tables nothing writes at once); both are called on the calling thread.
    """
    steps = [*first, *enrichers]
    after = order(first, enrichers)
    frames = dict(frames)
    writers = {t: sum(t in s.writes for s in steps) for t in frames}
    if on_final is not None:
        for table in [t for t, n in writers.items() if n == 0]:
            on_final(table, frames[table])
    waiting = [set(a) for a in after]
    later: list[list[int]] = [[] for _ in steps]
    for j, a in enumerate(after):
        for i in a:
            later[i].append(j)
    rank = _chains(later)
    ready = [i for i, w in enumerate(waiting) if not w]

    def view(i: int) -> Frames:
        e = steps[i]
        return {t: frames[t] for t in e.reads | e.writes if t in frames}

    def finish(i: int, added: Frames) -> None:
        e = steps[i]
        unexpected = set(added) - e.writes
        if unexpected:
            raise RuntimeError(f"{e.name} wrote undeclared tables {sorted(unexpected)}")
        for table, rows in added.items():
            if rows.height:
                frames[table] = pl.concat([frames[table], ctx.frame(table, rows)])
        if on_done is not None:
            on_done(e, added)
        for table in e.writes & frames.keys():
            writers[table] -= 1
        # Largest first: the caller may write them on a few threads, and a big table
        # started last would be what everything waits for.
        finished = [t for t in e.writes & frames.keys() if writers[t] == 0]
        for table in sorted(finished, key=lambda t: (-frames[t].height, t)):
            if on_final is not None:
                on_final(table, frames[table])
        for j in later[i]:
            waiting[j].discard(i)
            if not waiting[j]:
                ready.append(j)

    if jobs <= 1:
        while ready:
            ready.sort(key=rank.__getitem__)
            i = ready.pop(0)
            finish(i, steps[i].run(ctx, view(i)))
    else:
        pool = ThreadPoolExecutor(max_workers=jobs)
        running: dict[Future[Frames], int] = {}
        try:
            while ready or running:
                ready.sort(key=rank.__getitem__)
                while ready and len(running) < jobs:
                    i = ready.pop(0)
                    running[pool.submit(steps[i].run, ctx, view(i))] = i
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=running.__getitem__):
                    finish(running.pop(future), future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    stuck = [s.name for s, w in zip(steps, waiting, strict=True) if w]
    if stuck:  # order() refuses cycles, so this is a bug in order() itself
        raise RuntimeError(f"steps never became ready: {stuck}")
    return frames


def _chains(later: list[list[int]]) -> list[tuple[int, int]]:
    """A sort key per step: the longest chain of steps waiting on it first, then its index."""
    memo: dict[int, int] = {}

    def longest(i: int) -> int:
        if i not in memo:
            memo[i] = 1 + max((longest(j) for j in later[i]), default=0)
        return memo[i]

    return [(-longest(i), i) for i in range(len(later))]
