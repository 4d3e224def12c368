"""Orders the enrichers from what each declares it reads and writes, and runs them.

The build schedules its base generators the same way (as ``Enricher`` steps whose tables
start empty), before the enrichers.

An enricher depends on every other enricher that writes a table it reads, wherever either
sits in the registry; a table an enricher writes counts as read too (a top-up counts what is
there). When two enrichers depend on each other (both top up one table), the one registered
first runs first; but a step that changes a table in place (UPDATES) runs after one that only
reads that table, wherever either sits (logins must see every act, even those of a step
registered after it). A longer cycle is an error. An enricher's tier is one more than the
deepest of its dependencies (``seedsnap graph`` draws the tiers).

Every step is held to its contract, in one line naming it (``EnricherError``): when loaded,
its module must exist and declare READS and WRITES as tuples of the model's tables and the
function; when run, it sees only the tables it declares, and must return a dict of those it
writes to polars frames whose columns fit the model. Checks are per step and per table,
never per row; any other exception is a bug and keeps its traceback (with the step's name).

A step adds rows to the tables it writes, except those it also declares in UPDATES: for
those it returns changed rows (the primary key and the columns it sets), which replace the
values of the rows with that key, in place. A column some facts only follow from later
(``User.lastLoginAt`` follows from everything a user did) is set that way, by a step that
reads those facts; the steps before it must not read that column.

``run`` needs no barrier between tiers: a step starts as soon as the steps it depends on are
done, on up to ``jobs`` threads. Any two steps that share a table one of them writes are
ordered, so each step sees exactly the rows its tier would give it and the rows of a table
are appended in one fixed order: the output does not depend on ``jobs`` or on timing.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise
from types import ModuleType
from typing import Any

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.errors import EnricherError
from seedsnap.schema import MENTARA, Schema
from seedsnap.schema.frames import FrameMismatch, dtype
from seedsnap.schema.model import ENUM, TIMESTAMP, Column

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
    "notes",
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
    # last: it sets User.lastLoginAt from everything users did (UPDATES)
    "logins",
)


@dataclass(frozen=True)
class Enricher:
    """One enricher: its name, declared reads and writes, and the pure function that runs it.

    The base generators are steps of this shape too, with ``kind`` "generator": it is how
    errors name them.
    """

    name: str
    reads: frozenset[str]
    writes: frozenset[str]
    run: Callable[[Context, Frames], Frames]
    kind: str = "enricher"
    updates: frozenset[str] = frozenset()

    @classmethod
    def from_module(
        cls,
        name: str,
        module: ModuleType,
        kind: str = "enricher",
        function: str = "enrich",
        schema: Schema = MENTARA,
    ) -> Enricher:
        """The step ``module`` declares; an EnricherError unless it has READS and WRITES
        (tuples of ``schema``'s tables, WRITES not empty) and a callable ``function``."""
        reads = _declared(kind, name, module, "READS", schema)
        writes = _declared(kind, name, module, "WRITES", schema)
        if not writes:
            raise EnricherError(kind, name, "WRITES is empty", "name the tables it adds rows to")
        updates = (
            _declared(kind, name, module, "UPDATES", schema)
            if hasattr(module, "UPDATES")
            else frozenset()
        )
        if not updates <= writes:
            raise EnricherError(
                kind,
                name,
                f"UPDATES names {sorted(updates - writes)[0]!r}, which is not in its WRITES",
                "add it to WRITES too (a table it updates is a table it writes)",
            )
        run = getattr(module, function, None)
        if not callable(run):
            what = f"no function {function}" if run is None else f"{function} = {run!r:.40}"
            raise EnricherError(
                kind,
                name,
                f"module {module.__name__} has {what}"
                + ("" if run is None else ", not a function"),
                f"define {function}(ctx, frames) returning {{table: new rows}}",
            )
        return cls(name, reads, writes, run, kind, updates)


_NOTHING = object()


def _declared(
    kind: str, name: str, module: ModuleType, attr: str, schema: Schema
) -> frozenset[str]:
    """``module``'s READS or WRITES, refused unless a tuple of ``schema``'s table names."""
    what = {"READS": "reads", "UPDATES": "changes rows of"}.get(attr, "adds rows to")
    value = getattr(module, attr, _NOTHING)
    if value is _NOTHING:
        raise EnricherError(
            kind,
            name,
            f"module {module.__name__} has no {attr}",
            f'declare {attr} = ("Table", ...), a tuple of the tables it {what}',
        )
    if isinstance(value, str):
        # ("Notification") is a string, and would be read as its characters.
        raise EnricherError(
            kind,
            name,
            f"{attr} is the string {value!r}, not a tuple of table names",
            f"write {attr} = ({value!r},) (the trailing comma makes it a tuple)",
        )
    if not isinstance(value, tuple):
        raise EnricherError(
            kind,
            name,
            f"{attr} is a {type(value).__name__}, not a tuple of table names",
            f'write {attr} = ("Table", ...), a tuple of the tables it {what}',
        )
    for table in value:
        if not isinstance(table, str) or table not in schema:
            raise EnricherError(
                kind,
                name,
                f"{attr} names {table!r}, which is not a table of the model",
                _table_fix(table, schema),
            )
    return frozenset(value)


def _did_you_mean(word: object, choices: Sequence[str], otherwise: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1) if isinstance(word, str) else []
    return f"did you mean {close[0]!r}?" if close else otherwise


def _table_fix(name: object, schema: Schema) -> str:
    """The fix for ``name`` given where a table of ``schema`` belongs."""
    near = _did_you_mean(name, schema.table_names, "use a table of the model")
    return f"{near} (`seedsnap graph --what tables` lists them)"


def load_step(kind: str, name: str, package: str, function: str, registry: str) -> Enricher:
    """The step ``name`` of ``registry`` (module ``package.name``), checked by ``from_module``.

    A registry name with no module is an EnricherError; a module that fails to import for
    another reason (a syntax error, a missing import of its own) keeps its traceback.
    """
    module_name = f"{package}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name != module_name:
            raise
        existing = [m.name for m in pkgutil.iter_modules(importlib.import_module(package).__path__)]
        near = _did_you_mean(name, existing, "")
        path = f"src/{module_name.replace('.', '/')}.py"
        raise EnricherError(
            kind,
            name,
            f"is in {registry} but there is no module {module_name}",
            f"fix the name in {registry} ({near})"
            if near
            else f"create {path}, or fix the name in {registry}",
        ) from None
    return Enricher.from_module(name, module, kind, function)


def load_enrichers(names: Sequence[str] | None = None) -> list[Enricher]:
    """The enrichers of ``names`` (default: the registry, ``ENRICHERS``), in that order."""
    names = ENRICHERS if names is None else names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise EnricherError(
            "enricher", twice[0], "is listed twice", "list each enricher once in ENRICHERS"
        )
    return [load_step("enricher", n, "seedsnap.enrichers", "enrich", "ENRICHERS") for n in names]


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
            # Each writes what the other reads: an updater goes second (a step registered
            # after logins would otherwise act unseen by it), else registry order decides.
            second = position[d.name] > position[e.name] or _updates_for(d, e)
            if mutual and second and not _updates_for(e, d):
                continue
            deps[e.name].append((d, shared))
    return deps


def _updates_for(updater: Enricher, reader: Enricher) -> bool:
    """Whether the tables ``updater`` writes that ``reader`` uses are all ones it updates in
    place (UPDATES) and ``reader`` only reads: then ``updater`` runs after ``reader``."""
    used = updater.writes & (reader.reads | reader.writes)
    return bool(used) and used <= updater.updates and not used & reader.writes


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
            raise _cycle_error(e.kind, cycle, deps)
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


def _cycle_error(
    kind: str, cycle: list[str], deps: dict[str, list[tuple[Enricher, frozenset[str]]]]
) -> EnricherError:
    """The error for ``cycle`` (each step depends on the next), with the tables of each link."""
    links = []
    for a, b in pairwise(cycle):
        shared = next(s for d, s in deps[a] if d.name == b)
        links.append(f"{a} reads {', '.join(sorted(shared))} that {b} writes")
    return EnricherError(
        kind,
        "",
        f"dependency cycle: {' -> '.join(cycle)} ({'; '.join(links)})",
        f"none of them can run first: drop a table from the READS of one of them, or merge "
        f"them into one {kind}",
    )


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
        return _View(e, ctx.schema, {t: frames[t] for t in e.reads | e.writes if t in frames})

    def finish(i: int, added: Frames) -> None:
        e = steps[i]
        _check_result(e, ctx.schema, added)
        frames.update(applied(e, ctx, frames, added))
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
            finish(i, _call(steps[i], ctx, view(i)))
    else:
        pool = ThreadPoolExecutor(max_workers=jobs)
        running: dict[Future[Frames], int] = {}
        try:
            while ready or running:
                ready.sort(key=rank.__getitem__)
                while ready and len(running) < jobs:
                    i = ready.pop(0)
                    running[pool.submit(_call, steps[i], ctx, view(i))] = i
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=running.__getitem__):
                    finish(running.pop(future), future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    stuck = [s.name for s, w in zip(steps, waiting, strict=True) if w]
    if stuck:  # order() refuses cycles, so this is a bug in order() itself
        raise RuntimeError(f"steps never became ready: {stuck}")
    return frames


def applied(step: Enricher, ctx: Context, frames: Frames, added: Frames) -> Frames:
    """The tables ``step`` returned rows for, with those rows: appended, or for a table of its
    UPDATES, replacing the values of the rows with their keys."""
    out: Frames = {}
    for table, rows in added.items():
        if table in step.updates:
            out[table] = _updated(step, ctx, table, frames[table], rows)
            continue
        # Every frame with columns is held to the model, rows or not: a step whose
        # columns are wrong fails in a light build too, not only once it adds rows.
        conformed = _conformed(step, ctx, table, rows) if rows.width else rows
        if rows.height:
            out[table] = pl.concat([frames[table], conformed])
    return out


def _updated(
    step: Enricher, ctx: Context, table: str, frame: pl.DataFrame, rows: pl.DataFrame
) -> pl.DataFrame:
    """``frame`` with the values of ``rows`` (its primary key and some columns) set on the
    rows of those keys, in place; a key not in ``frame`` or given twice is an EnricherError."""
    model = ctx.schema.table(table)
    pk = list(model.primary_key)
    unknown = [c for c in rows.columns if c not in model.column_names]
    missing = [c for c in pk if c not in rows.columns]
    if unknown or missing:
        raise EnricherError(
            step.kind,
            step.name,
            f"returned {table} updates with "
            + (f"columns not in the model: {unknown}" if unknown else f"no key column {missing}"),
            f"return the key ({', '.join(pk)}) and the columns of {table} it sets",
        )
    if not rows.height:
        return frame
    twice = rows.select(pk).is_duplicated()
    if twice.any():
        # DataFrame.update would keep every one of them: the table would hold the key twice.
        raise EnricherError(
            step.kind,
            step.name,
            f"returned {int(twice.sum())} {table} updates that share a key (first: "
            f"{rows.filter(twice).select(pk).row(0)})",
            "return one row per key, with every column it sets",
        )
    rows = rows.select(pl.col(c).cast(frame.schema[c]) for c in rows.columns)
    strays = rows.join(frame.select(pk), on=pk, how="anti")
    if strays.height:
        raise EnricherError(
            step.kind,
            step.name,
            f"updates {strays.height} {table} rows that do not exist (first: "
            f"{strays.select(pk).row(0)})",
            f"update only rows already in {table}, or add it to WRITES only to add rows",
        )
    return frame.update(rows, on=pk, include_nulls=True)


class _Undeclared(KeyError):
    """A step asked its frames for a table it did not declare (a KeyError, as a dict's)."""


class _View(dict[str, pl.DataFrame]):
    """The frames a step sees: the tables it reads and writes. Asking for any other table
    (``frames[t]``, ``frames.get(t)``, ``t in frames``) raises ``_Undeclared``, which
    ``_call`` turns into an error naming the step and the table."""

    def __init__(self, step: Enricher, schema: Schema, frames: Frames) -> None:
        super().__init__(frames)
        self.step, self.schema = step, schema

    def _declared(self, table: object) -> None:
        if table not in self.step.reads | self.step.writes:
            raise _Undeclared(table)

    def __missing__(self, table: str) -> pl.DataFrame:
        self._declared(table)
        raise KeyError(table)  # declared, but the caller of run() gave no such frame

    def __contains__(self, table: object) -> bool:
        self._declared(table)
        return super().__contains__(table)

    def get(self, table: str, default: Any = None) -> Any:
        self._declared(table)
        return super().get(table, default)


def _call(step: Enricher, ctx: Context, frames: Frames) -> Frames:
    """``step.run(ctx, frames)``; reading an undeclared table is an EnricherError, and any
    other exception gets a note naming the step."""
    try:
        return step.run(ctx, frames)
    except _Undeclared as e:
        table = e.args[0]
        if isinstance(table, str) and table in ctx.schema:
            raise EnricherError(
                step.kind,
                step.name,
                f"reads table {table}, which is not in its READS",
                f"add {table!r} to READS (a step sees only the tables of its READS and WRITES)",
            ) from None
        raise EnricherError(
            step.kind,
            step.name,
            f"reads table {table!r}, which is not a table of the model",
            _table_fix(table, ctx.schema),
        ) from None
    except Exception as e:
        e.add_note(f"(raised in {step.kind} {step.name})")
        raise


def _check_result(step: Enricher, schema: Schema, added: object) -> None:
    """Refuse a step's result unless a dict of tables it declares in WRITES to DataFrames."""
    fix_return = (
        f"return {{{next(iter(step.writes))!r}: rows}}"
        if len(step.writes) == 1
        else "return {table: rows} for the tables of WRITES"
    )
    if not isinstance(added, dict):
        what = "None" if added is None else f"a {type(added).__name__}"
        raise EnricherError(
            step.kind,
            step.name,
            f"returned {what}, not a dict of table name to new rows",
            f"{fix_return}, or {{}} when it adds nothing",
        )
    unknown = sorted((t for t in added if t not in schema), key=repr)
    if unknown:
        raise EnricherError(
            step.kind,
            step.name,
            f"returned rows for {unknown[0]!r}, which is not a table of the model",
            _did_you_mean(unknown[0], sorted(step.writes), "return only the tables of WRITES"),
        )
    unexpected = sorted(set(added) - step.writes)
    if unexpected:
        raise EnricherError(
            step.kind,
            step.name,
            f"wrote undeclared tables {unexpected}",
            "add them to WRITES, or do not return them",
        )
    for table, rows in added.items():
        if not isinstance(rows, pl.DataFrame):
            raise EnricherError(
                step.kind,
                step.name,
                f"returned a {type(rows).__name__} for {table}, not a polars DataFrame",
                "collect() it" if isinstance(rows, pl.LazyFrame) else "return a pl.DataFrame",
            )


def _conformed(step: Enricher, ctx: Context, table: str, rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` conformed to ``table``; columns that do not fit it are an EnricherError."""
    model = ctx.schema.table(table)
    try:
        return ctx.frame(table, rows)
    except FrameMismatch as e:
        if e.extra:
            names = ", ".join(
                f"{c} ({_did_you_mean(c, model.column_names, 'drop it')})" for c in e.columns
            )
            raise EnricherError(
                step.kind,
                step.name,
                f"returned {table} rows with columns not in the model: {e.columns}",
                f"rename or drop them: {names}",
            ) from None
        column = model.column(e.columns[0])
        raise EnricherError(
            step.kind,
            step.name,
            f"returned {table} rows without column {column.name}, which is required and has "
            "no default",
            f"add {column.name} as {_expected(column)}",
        ) from None
    except pl.exceptions.PolarsError as e:
        # Only now, on the error path, find the column that does not convert.
        for name in rows.columns:
            column = model.column(name)
            try:
                rows.select(pl.col(name).cast(dtype(column)))
            except pl.exceptions.PolarsError:
                expected = _expected(column)
                fix = f"make it a {_frame_type(column)} column"
                if column.type == TIMESTAMP:
                    fix += (
                        f" (seedsnap.context.timestamps(epoch_ms, {name!r}) makes one from "
                        "epoch milliseconds)"
                    )
                raise EnricherError(
                    step.kind,
                    step.name,
                    f"returned {table}.{name} as {rows.schema[name]}, which does not "
                    f"convert to {expected}",
                    fix,
                ) from None
        e.add_note(f"(conforming the {table} rows of {step.kind} {step.name})")
        raise


def _frame_type(column: Column) -> str:
    """The polars type of ``column`` in a frame, as code spells it: "pl.Datetime('ms')"."""
    dt = dtype(column)
    return f"pl.Datetime({dt.time_unit!r})" if isinstance(dt, pl.Datetime) else f"pl.{dt}"


def _expected(column: Column) -> str:
    """``column``'s frame type and its type in the model: "pl.Datetime('ms') (TIMESTAMP(3))"."""
    model = f"enum {column.enum}" if column.type == ENUM else column.type
    return f"{_frame_type(column)} ({model})"


def _chains(later: list[list[int]]) -> list[tuple[int, int]]:
    """A sort key per step: the longest chain of steps waiting on it first, then its index."""
    memo: dict[int, int] = {}

    def longest(i: int) -> int:
        if i not in memo:
            memo[i] = 1 + max((longest(j) for j in later[i]), default=0)
        return memo[i]

    return [(-longest(i), i) for i in range(len(later))]
