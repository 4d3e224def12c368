"""The step runner: order from declared reads and writes, no tier barrier, fixed output."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable, Sequence

import polars as pl
import pytest

from seedsnap.build import GENERATORS, _generator, generate
from seedsnap.config import resolve
from seedsnap.context import Context, Frames
from seedsnap.enrichers import orchestrator
from seedsnap.enrichers.orchestrator import Enricher, load_enrichers, tiers
from seedsnap.errors import EnricherError

TABLES = ("User", "Community", "Post", "Comment", "Room")


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context(resolve(mode="light", env={}, config_file=None))


@pytest.fixture(scope="module")
def template(ctx: Context) -> Frames:
    """One real row per table, to stamp the toy steps' rows from."""
    built = generate(ctx.config)
    return {t: built[t].head(1) for t in TABLES}


def _nothing(ctx: Context, frames: Frames) -> Frames:
    return {}


def _empty(ctx: Context) -> Frames:
    return {t.name: ctx.empty(t.name) for t in ctx.schema.tables}


def test_a_step_starts_when_what_it_follows_is_done_not_when_its_tier_is(
    ctx: Context, template: Frames
) -> None:
    """``follower`` (tier 2) follows only ``quick``; it must start while ``slow``, the other
    step of tier 1, still runs (a barrier between tiers would leave ``slow`` waiting), and
    see the row ``quick`` added."""
    follower_started = threading.Event()
    seen: list[object] = []

    def slow(ctx: Context, frames: Frames) -> Frames:
        seen.append(follower_started.wait(timeout=10))
        return {}

    def quick(ctx: Context, frames: Frames) -> Frames:
        return {"Post": template["Post"]}

    def follower(ctx: Context, frames: Frames) -> Frames:
        seen.append(frames["Post"].height)
        follower_started.set()
        return {}

    steps = [
        Enricher("slow", frozenset({"User"}), frozenset({"User"}), slow),
        Enricher("quick", frozenset({"Post"}), frozenset({"Post"}), quick),
        Enricher("follower", frozenset({"Post"}), frozenset({"Comment"}), follower),
    ]
    assert [[e.name for e in t] for t in tiers(steps)] == [["slow", "quick"], ["follower"]]
    orchestrator.run(ctx, _empty(ctx), steps, jobs=2)
    assert seen == [1, True]


def test_generators_come_before_the_enrichers_that_share_a_table_with_them() -> None:
    gen = Enricher("gen", frozenset({"Room"}), frozenset({"Post"}), _nothing)
    reads_it = Enricher("reads_it", frozenset({"Post"}), frozenset({"Report"}), _nothing)
    # Writes a table the generator reads: it must not add rows before the generator ran.
    writes_its_input = Enricher("writes_its_input", frozenset(), frozenset({"Room"}), _nothing)
    apart = Enricher("apart", frozenset({"Admin"}), frozenset({"Moderator"}), _nothing)
    # Reads what the generator reads and writes nothing it touches: not after the generator
    # (only after writes_its_input, which writes Room).
    also_reads = Enricher("also_reads", frozenset({"Room"}), frozenset({"UserBlock"}), _nothing)
    # Two top-ups of one table: the one registered first runs first.
    top_a = Enricher("top_a", frozenset({"Admin"}), frozenset({"Admin"}), _nothing)
    top_b = Enricher("top_b", frozenset({"Admin"}), frozenset({"Admin"}), _nothing)
    after = orchestrator.order([gen], [reads_it, writes_its_input, apart, also_reads, top_a, top_b])
    assert after == [set(), {0}, {0}, {5, 6}, {2}, set(), {5}]


def test_two_steps_with_one_name_are_refused() -> None:
    one = Enricher("twin", frozenset(), frozenset({"Admin"}), _nothing)
    two = Enricher("twin", frozenset(), frozenset({"Moderator"}), _nothing)
    with pytest.raises(ValueError, match="share a name: \\['twin'\\]"):
        orchestrator.order([], [one, two])


def _toy_steps(rng: random.Random, template: Frames) -> list[Enricher]:
    """Eight steps over TABLES with random reads and writes; each sleeps a little and adds,
    to every table it writes, one row whose id is a digest of all it saw."""

    def step(name: str, writes: Sequence[str], pause: float) -> Callable[[Context, Frames], Frames]:
        def run(ctx: Context, frames: Frames) -> Frames:
            time.sleep(pause)
            seen = hashlib.sha256(name.encode())
            for table in sorted(frames):
                seen.update(("|".join([table, *frames[table]["id"].to_list()])).encode())
            stamp = pl.lit(f"{name}-{seen.hexdigest()[:16]}")
            return {t: template[t].with_columns(stamp.alias("id")) for t in writes}

        return run

    steps = []
    for k in range(8):
        reads = rng.sample(TABLES, rng.randint(0, 2))
        writes = rng.sample(TABLES, rng.randint(1, 2))
        run = step(f"s{k}", writes, rng.random() * 0.004)
        steps.append(Enricher(f"s{k}", frozenset(reads), frozenset(writes), run))
    return steps


def _tier_by_tier(ctx: Context, frames: Frames, steps: Sequence[Enricher]) -> Frames:
    """The runner before barriers were dropped: a tier's steps see the frames left by the
    tiers before it, and their rows are appended in registry order."""
    frames = dict(frames)
    for tier in tiers(steps):
        view = dict(frames)
        added = [e.run(ctx, {t: view[t] for t in e.reads | e.writes}) for e in tier]
        for rows in added:
            for table, new in rows.items():
                frames[table] = pl.concat([frames[table], ctx.frame(table, new)])
    return frames


def test_any_timing_and_jobs_give_the_rows_a_tier_by_tier_run_gives(
    ctx: Context, template: Frames
) -> None:
    rng = random.Random(7)
    graphs = 0
    while graphs < 25:
        steps = _toy_steps(rng, template)
        try:
            tiers(steps)
        except EnricherError:  # a dependency cycle: not a valid registry
            continue
        graphs += 1
        start = {t: ctx.empty(t) for t in TABLES}
        expected = _tier_by_tier(ctx, start, steps)
        for jobs in (1, 4):
            handed: dict[str, pl.DataFrame] = {}

            def keep(table: str, frame: pl.DataFrame, handed: Frames = handed) -> None:
                assert table not in handed, f"{table} handed over twice"
                handed[table] = frame

            got = orchestrator.run(ctx, start, steps, jobs=jobs, on_final=keep)
            for table in TABLES:
                assert got[table]["id"].to_list() == expected[table]["id"].to_list(), table
                assert handed[table]["id"].to_list() == expected[table]["id"].to_list(), table


def test_a_failing_step_stops_the_run_and_leaves_no_thread_behind(ctx: Context) -> None:
    ran: list[str] = []

    def broken(ctx: Context, frames: Frames) -> Frames:
        raise ZeroDivisionError("toy failure")

    def sibling(ctx: Context, frames: Frames) -> Frames:
        time.sleep(0.2)
        ran.append("sibling")
        return {}

    def dependent(ctx: Context, frames: Frames) -> Frames:
        ran.append("dependent")
        return {}

    steps = [
        Enricher("broken", frozenset(), frozenset({"Admin"}), broken),
        Enricher("sibling", frozenset(), frozenset({"Moderator"}), sibling),
        Enricher("dependent", frozenset({"Admin"}), frozenset({"Report"}), dependent),
    ]
    before = threading.active_count()
    with pytest.raises(ZeroDivisionError, match="toy failure"):
        orchestrator.run(ctx, _empty(ctx), steps, jobs=2)
    assert "dependent" not in ran
    assert threading.active_count() == before


def test_every_two_registry_steps_sharing_a_written_table_are_ordered() -> None:
    generators = [_generator(name) for name in GENERATORS]
    enrichers = load_enrichers()
    steps = [*generators, *enrichers]
    after = orchestrator.order(generators, enrichers)
    for i, a in enumerate(steps):
        for j, b in enumerate(steps[:i]):
            if a.writes & (b.reads | b.writes) or b.writes & (a.reads | a.writes):
                assert j in after[i] or i in after[j], (b.name, a.name)


def test_a_step_updates_the_rows_of_a_table_of_its_updates_in_place(
    ctx: Context, template: Frames
) -> None:
    """A table of UPDATES gets the returned values on the rows of their keys, in row order;
    a key not in the table, or UPDATES outside WRITES, is a one-line EnricherError."""
    users = pl.concat(
        template["User"].with_columns(pl.lit(i).alias("id"), pl.lit(f"{i}@x").alias("email"))
        for i in "bac"
    ).with_columns(pl.lit(None, dtype=pl.Datetime("ms")).alias("lastLoginAt"))
    frames = {**_empty(ctx), "User": users}

    def login(ctx: Context, frames: Frames) -> Frames:
        at = pl.Series("lastLoginAt", [0], dtype=pl.Int64).cast(pl.Datetime("ms"))
        return {"User": pl.DataFrame([pl.Series("id", ["a"]), at])}

    step = Enricher("login", frozenset({"User"}), frozenset({"User"}), login, "enricher",
                    frozenset({"User"}))  # fmt: skip
    out = orchestrator.run(ctx, frames, [step])["User"]
    assert out["id"].to_list() == ["b", "a", "c"]
    assert out["lastLoginAt"].is_not_null().to_list() == [False, True, False]
    assert out["email"].to_list() == ["b@x", "a@x", "c@x"]

    def stray(ctx: Context, frames: Frames) -> Frames:
        return {"User": pl.DataFrame({"id": ["z"], "email": ["z@x"]})}

    bad = Enricher("stray", step.reads, step.writes, stray, "enricher", step.updates)
    with pytest.raises(EnricherError, match="updates 1 User rows that do not exist"):
        orchestrator.run(ctx, frames, [bad])

    class Module:
        __name__ = "toy"
        READS = ("User",)
        WRITES = ("Post",)
        UPDATES = ("User",)
        enrich = staticmethod(login)

    with pytest.raises(EnricherError, match="UPDATES names 'User', which is not in its WRITES"):
        Enricher.from_module("toy", Module)  # type: ignore[arg-type]


def test_an_updater_runs_after_the_steps_whose_tables_it_reads_wherever_registered() -> None:
    """A step registered after logins that writes one of its acts runs before it (logins
    would not see the act), and one that only reads User, before it too."""
    login = Enricher("login", frozenset({"User", "Post"}), frozenset({"User"}), _nothing,
                     "enricher", frozenset({"User"}))  # fmt: skip
    late = Enricher("late", frozenset({"User", "Membership"}), frozenset({"Post"}), _nothing)
    for steps in ([login, late], [late, login]):
        assert [[e.name for e in t] for t in tiers(steps)] == [["late"], ["login"]]


def test_an_update_giving_one_key_twice_is_refused(ctx: Context, template: Frames) -> None:
    """DataFrame.update would keep both rows, and the table would hold the key twice."""
    frames = {**_empty(ctx), "User": template["User"].with_columns(pl.lit("a").alias("id"))}

    def twice(ctx: Context, frames: Frames) -> Frames:
        return {"User": pl.DataFrame({"id": ["a", "a"], "firstName": ["x", "y"]})}

    step = Enricher("twice", frozenset({"User"}), frozenset({"User"}), twice, "enricher",
                    frozenset({"User"}))  # fmt: skip
    with pytest.raises(EnricherError, match=r"2 User updates that share a key \(first: \('a',\)"):
        orchestrator.run(ctx, frames, [step])


def test_engagement_runs_after_logins() -> None:
    """engagement counts a client's last login (User.lastLoginAt) among its login days, and
    logins sets it: the registry order must put engagement after logins (it reads User and
    logins.ACT_TABLES, and logins updates User), or its loginFrequency misses that day."""
    from seedsnap.enrichers import engagement, logins

    assert set(logins.ACT_TABLES) <= set(engagement.READS) and "User" in engagement.READS
    generators = [_generator(name) for name in GENERATORS]
    enrichers = load_enrichers()
    steps = [*generators, *enrichers]
    after = orchestrator.order(generators, enrichers)
    names = [s.name for s in steps]
    seen, todo = set(), [names.index("engagement")]
    while todo:  # every step engagement runs after, directly or through another
        for j in after[todo.pop()] - seen:
            seen.add(j)
            todo.append(j)
    assert names.index("logins") in seen
