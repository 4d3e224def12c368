"""`seedsnap load`: the seed document's scenarios on PostgreSQL, DuckDB and SQLite.

Each test body runs against every loader (``target`` is parametrised): empty database ->
equal to the snapshot; three loads -> the second and third insert nothing; rows deleted by
hand come back and nothing else changes; audit mode writes nothing; --replace empties only the
model's tables; conflicts stop the load or are skipped with their dependants; round trips of
every table and column type.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal
from test_load_support import (
    LOADERS,
    assert_equal_to_snapshot,
    clear_seed_env,
    counts,
    create_schema,
    delete_with_cascade,
    dialect,
    execute,
    make_snapshot,
    read_all,
    snapshot_frames,
    target_url,
)

from seedsnap import snapshot
from seedsnap.cli import main
from seedsnap.errors import ConfigError, ConflictError, DatabaseError
from seedsnap.loaders import LoadOptions, load
from seedsnap.loaders.common import options_from_env, parent_first
from seedsnap.schema import MENTARA


@pytest.fixture(autouse=True)
def _no_seed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_seed_env(monkeypatch)


@pytest.fixture(scope="module")
def hand_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot("hand", tmp_path_factory)


@pytest.fixture(scope="module")
def light_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot("light", tmp_path_factory)


@pytest.fixture(scope="module")
def synthetic_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot("synthetic", tmp_path_factory)


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return target_url(request, tmp_path)


def rows_by_table(report: object) -> dict[str, tuple[int, int, int, int]]:
    return {
        t.table: (t.snapshot, t.inserted, t.present, t.skipped)
        for t in report.tables  # type: ignore[attr-defined]
    }


def add_intruder(target: str) -> None:
    """The model's tables, holding one user who has the hand snapshot's alice's email."""
    create_schema(target)
    execute(
        target,
        'INSERT INTO "User" (id, email, "firstName", "lastName", "updatedAt") '
        "VALUES ('u-intruder', 'alice@example.com', 'I', 'N', '2026-01-01 00:00:00.000')",
    )


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_empty_database_gets_every_row_of_the_snapshot(target: str, light_snapshot: Path) -> None:
    report = load(light_snapshot, target, LoadOptions(create_schema=True))

    assert report.created_schema
    frames = snapshot_frames(light_snapshot)
    assert all(f.height for f in frames.values()), "the light build fills every table"
    assert rows_by_table(report) == {n: (f.height, f.height, 0, 0) for n, f in frames.items()}
    assert_equal_to_snapshot(target, light_snapshot)


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_three_loads_insert_once(target: str, light_snapshot: Path) -> None:
    first = load(light_snapshot, target, LoadOptions(create_schema=True))
    after_first = read_all(target)
    second = load(light_snapshot, target, LoadOptions(create_schema=True))
    third = load(light_snapshot, target)

    total = sum(f.height for f in snapshot_frames(light_snapshot).values())
    assert first.totals()["inserted"] == total
    for again in (second, third):
        assert again.totals() == {"snapshot": total, "inserted": 0, "present": total, "skipped": 0}
        assert not again.created_schema
    after_third = read_all(target)
    for name in MENTARA.table_names:
        assert_frame_equal(after_third[name], after_first[name])


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_deleted_posts_come_back_and_nothing_else_changes(
    target: str, light_snapshot: Path
) -> None:
    load(light_snapshot, target, LoadOptions(create_schema=True))
    frames = snapshot_frames(light_snapshot)
    posts = frames["Post"].get_column("id").to_list()[::3]
    gone = delete_with_cascade(target, frames, "Post", posts)
    assert {"Post", "Comment", "PostHeart"} <= set(gone), "comments and hearts go with posts"
    # A hand edit of a row that stays: a load must leave existing rows as they are.
    user = frames["User"].get_column("id")[0]
    execute(target, f"UPDATE \"User\" SET \"firstName\" = 'Edited' WHERE id = '{user}'")
    before = counts(target)
    for name, keys in gone.items():
        assert before[name] == frames[name].height - len(keys), name

    report = load(light_snapshot, target)

    assert {t: r[1] for t, r in rows_by_table(report).items() if r[1]} == {
        t: len(k) for t, k in gone.items()
    }
    after = read_all(target)
    for name in MENTARA.table_names:
        want = frames[name]
        if name == "User":
            want = want.with_columns(
                pl.when(pl.col("id") == user)
                .then(pl.lit("Edited"))
                .otherwise(pl.col("firstName"))
                .alias("firstName")
            )
        assert_frame_equal(after[name], want)


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_grown_snapshot_loads_over_the_smaller_one(
    target: str, light_snapshot: Path, tmp_path: Path
) -> None:
    """Light at scale 2 over light at scale 1: no unique-key conflict, every scale-2 row in.

    A row the two builds share by its natural key (a membership's user and community, a
    heart's post and user) has the same id in both, so it is present, not a conflict; the
    scale-1 rows that scale 2 does not have stay, as load never deletes.
    """
    from seedsnap.build import generate
    from seedsnap.config import resolve

    config = resolve(env={}, mode="light", scale=2, config_file=os.devnull)
    grown = generate(config)
    bigger = snapshot.write(tmp_path / "grown", grown, config)
    assert bigger["tables"]["Membership"]["rows"] > 0
    load(light_snapshot, target, LoadOptions(create_schema=True))
    report = load(tmp_path / "grown", target)  # raised ConflictError before natural-key ids

    assert report.totals()["skipped"] == 0
    assert report.totals()["present"] > 0, "the builds share rows"
    after = read_all(target)
    for name, frame in grown.items():
        key = list(MENTARA.table(name).primary_key)
        missing = frame.select(key).join(after[name].select(key), on=key, how="anti")
        assert missing.is_empty(), f"{name}: {missing.height} scale-2 rows not loaded"


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_audit_mode_reports_and_writes_nothing(target: str, light_snapshot: Path) -> None:
    load(light_snapshot, target, LoadOptions(create_schema=True))
    frames = snapshot_frames(light_snapshot)
    gone = delete_with_cascade(
        target, frames, "Post", frames["Post"].get_column("id")[:2].to_list()
    )
    before = read_all(target)

    report = load(light_snapshot, target, env={"SEED_AUDIT": "true"})

    assert report.audit
    assert {t: r[1] for t, r in rows_by_table(report).items() if r[1]} == {
        t: len(k) for t, k in gone.items()
    }
    after = read_all(target)
    for name in MENTARA.table_names:
        assert_frame_equal(after[name], before[name])


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_round_trip_of_every_table_and_type(target: str, synthetic_snapshot: Path) -> None:
    # bulk_min_rows=1: on PostgreSQL every table takes the drop-indexes / COPY / rebuild path.
    load(synthetic_snapshot, target, LoadOptions(create_schema=True, bulk_min_rows=1))
    assert_equal_to_snapshot(target, synthetic_snapshot)


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_hand_made_snapshot_round_trips(target: str, hand_snapshot: Path) -> None:
    # Row by row (bulk path off): replies sort before their parents in the snapshot.
    load(hand_snapshot, target, LoadOptions(create_schema=True, bulk_min_rows=10**9))
    assert_equal_to_snapshot(target, hand_snapshot)
    got = read_all(target, ["Therapist"])["Therapist"].row(0, named=True)
    assert str(got["hourlyRate"]) == "1500.05"
    assert got["expertise"] == [
        "CBT",
        'quote " inside',
        "back\\slash",
        "comma, here",
        "{brace}",
        "",
    ]
    assert (
        got["treatmentSuccessRates"]
        == '{"anxiety": 0.8, "depression": {"n": [1, 2], "rate": 0.75}}'
    )


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_load_into_schema_made_by_seedsnap_schema(target: str, hand_snapshot: Path) -> None:
    create_schema(target)
    report = load(hand_snapshot, target)
    assert not report.created_schema
    assert_equal_to_snapshot(target, hand_snapshot)


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_conflicting_unique_value_stops_the_load(target: str, hand_snapshot: Path) -> None:
    add_intruder(target)
    before = read_all(target)

    with pytest.raises(ConflictError) as err:
        load(hand_snapshot, target)

    assert (err.value.table, err.value.key, err.value.column, err.value.value) == (
        "User",
        "u-alice",
        "email",
        "alice@example.com",
    )
    assert "--skip-conflicts" in str(err.value)
    after = read_all(target)
    for name in MENTARA.table_names:
        assert_frame_equal(after[name], before[name])


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_an_audit_reports_every_conflict_and_says_the_load_would_stop(
    target: str, hand_snapshot: Path
) -> None:
    """--audit goes on past a conflict: its report lists every conflicting row and what
    depends on it, the counts are those of --skip-conflicts, and the command exits 1 after
    the report, with one line saying why the load would stop."""
    add_intruder(target)
    before = read_all(target)

    audit = load(hand_snapshot, target, LoadOptions(audit=True))
    skipping = load(hand_snapshot, target, LoadOptions(audit=True, skip_conflicts=True))

    assert audit.stops and not skipping.stops
    assert audit.skips == skipping.skips and audit.tables == skipping.tables
    assert [(s.table, s.key) for s in audit.skips if s.conflict] == [("User", "u-alice")]
    assert ("Comment", "cm-3") in {(s.table, s.key) for s in audit.skips if not s.conflict}
    out = CliRunner().invoke(main, ["load", str(hand_snapshot), "--db", target, "--audit"])
    assert out.exit_code == 1
    *report, error = out.output.splitlines()
    assert "would skip User u-alice: conflict on email='alice@example.com'" in report
    assert error.startswith("seedsnap: error: a load would stop: User row u-alice has a conflict")
    assert "--skip-conflicts" in error
    doc = CliRunner().invoke(main, ["load", str(hand_snapshot), "--db", target, "--audit",
                                    "--format", "json"])  # fmt: skip
    assert doc.exit_code == 1
    assert json.loads(doc.stdout)["load_would_stop_on_conflicts"] is True
    after = read_all(target)
    for name in MENTARA.table_names:
        assert_frame_equal(after[name], before[name])


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_skip_conflicts_skips_the_row_and_its_dependants(target: str, hand_snapshot: Path) -> None:
    add_intruder(target)

    report = load(hand_snapshot, target, LoadOptions(skip_conflicts=True))

    skipped = {(s.table, s.key) for s in report.skips}
    # Alice, everything of hers, and everything hanging off that: bob's comment on her post,
    # the replies to it, the hearts on her post, carol's reply to her message.
    assert skipped == {
        ("User", "u-alice"),
        ("Client", "u-alice"),
        ("Membership", "ms-1"),
        ("Post", "p-1"),
        ("Comment", "cm-1"),
        ("Comment", "cm-2"),
        ("Comment", "cm-3"),
        ("PostHeart", "ph-1"),
        ("PostHeart", "ph-2"),
        ("Message", "m-1"),
        ("Message", "m-2"),
        ("Notification", "n-1"),
    }
    reasons = {(s.table, s.key): s.reason for s in report.skips}
    assert reasons[("User", "u-alice")] == "conflict on email='alice@example.com'"
    assert reasons[("Comment", "cm-3")] == "depends on skipped Post row"
    assert reasons[("Comment", "cm-1")] == "depends on skipped Post row"
    # Carol's reply is hers, in a conversation that stays: only the self-reference skips it.
    assert reasons[("Message", "m-1")] == "depends on skipped Message row"
    frames = snapshot_frames(hand_snapshot)
    after = read_all(target)
    for name in MENTARA.table_names:
        pk = MENTARA.table(name).primary_key[0]
        keep = [k for t, k in skipped if t == name]
        want = frames[name].filter(~pl.col(pk).is_in(keep))
        got = after[name].filter(pl.col(pk) != "u-intruder") if name == "User" else after[name]
        assert_frame_equal(got, want)
    assert report.totals()["skipped"] == len(skipped)


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_replace_empties_only_the_model_tables(target: str, hand_snapshot: Path) -> None:
    create_schema(target)
    execute(
        target,
        'CREATE TABLE "_prisma_migrations" (id TEXT PRIMARY KEY, migration_name TEXT)',
        "INSERT INTO \"_prisma_migrations\" VALUES ('1', '20250101_init')",
        'INSERT INTO "Community" (id, name, slug, description, "imageUrl", "updatedAt") '
        "VALUES ('c-extra', 'Extra', 'extra', 'd', 'i', '2026-01-01 00:00:00.000')",
    )

    with pytest.raises(ConfigError, match="needs confirmation"):
        load(hand_snapshot, target, LoadOptions(replace=True))
    with pytest.raises(ConfigError, match=r"^SEED_FORCE=true was not confirmed"):
        load(hand_snapshot, target, env={"SEED_FORCE": "true"}, confirm=lambda *_: False)
    assert counts(target)["Community"] == 1, "nothing emptied without confirmation"

    asked: list[tuple[str, str]] = []
    report = load(
        hand_snapshot,
        target,
        env={"SEED_FORCE": " Yes"},
        confirm=lambda where, asked_by: asked.append((where, asked_by)) or True,
    )

    assert report.replaced
    assert len(asked) == 1 and asked[0][1] == "SEED_FORCE=Yes", "asked as the user set it"
    assert {"postgres": "PostgreSQL database", "duckdb": "DuckDB", "sqlite": "SQLite"}[
        dialect(target)
    ] in asked[0][0]
    assert_equal_to_snapshot(target, hand_snapshot)
    if dialect(target) == "postgres":
        import psycopg

        with psycopg.connect(target) as conn:
            rows = conn.execute('SELECT * FROM "_prisma_migrations"').fetchall()
    else:
        from seedsnap.loaders import connect

        module, conn = connect(target)
        rows = [tuple(r) for r in conn.execute('SELECT * FROM "_prisma_migrations"').fetchall()]
        module.close(conn)
    assert rows == [("1", "20250101_init")]


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_cli_load_prints_report_and_json(target: str, hand_snapshot: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["load", str(hand_snapshot), "--db", target, "--create-schema"])
    assert result.exit_code == 0, result.output
    assert "total" in result.output and "rows inserted into" in result.output
    # Not a terminal: no progress display on stderr.
    assert result.stderr == ""

    result = runner.invoke(
        main, ["load", str(hand_snapshot), "--db", target, "--format", "json"],
        env={"SEED_VERBOSE": "true"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    total = sum(f.height for f in snapshot_frames(hand_snapshot).values())
    assert doc["totals"] == {"snapshot": total, "inserted": 0, "present": total, "skipped": 0}
    assert doc["dialect"] == dialect(target)
    assert "planned 0 rows to insert" in result.stderr


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_cli_replace_needs_yes_when_not_interactive(target: str, hand_snapshot: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["load", str(hand_snapshot), "--db", target, "--create-schema"]
        ).exit_code
        == 0
    )
    execute(target, 'DELETE FROM "PostHeart"')

    refused = runner.invoke(main, ["load", str(hand_snapshot), "--db", target, "--replace"])
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "--yes" in refused.stderr
    assert counts(target)["PostHeart"] == 0

    done = runner.invoke(main, ["load", str(hand_snapshot), "--db", target, "--replace", "--yes"])
    assert done.exit_code == 0, done.output
    assert_equal_to_snapshot(target, hand_snapshot)
    assert done.stdout.splitlines()[-1].endswith("; the model's tables were emptied first")


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_cli_replace_audit_says_the_tables_would_be_emptied(
    target: str, hand_snapshot: Path
) -> None:
    # The audit of a --replace counts every row as one to insert (the tables emptied first):
    # its report must say so, or "present 0" reads as an empty database.
    runner = CliRunner()
    load_args = ["load", str(hand_snapshot), "--db", target]
    assert runner.invoke(main, [*load_args, "--create-schema"]).exit_code == 0
    before = counts(target)
    total = sum(before.values())
    result = runner.invoke(main, [*load_args, "--replace", "--audit"])
    assert result.exit_code == 0, result.output
    summary = next(x for x in result.stdout.splitlines() if x.startswith("audit (read-only): "))
    assert summary.startswith(f"audit (read-only): {total:,} rows would be inserted into ")
    assert summary.endswith("; the model's tables would be emptied first")
    doc = json.loads(runner.invoke(main, [*load_args, "--replace", "--audit", "--format", "json"]).stdout)  # fmt: skip
    assert (doc["audit"], doc["replaced"], doc["totals"]["inserted"]) == (True, True, total)
    assert counts(target) == before


@pytest.mark.postgres
def test_bulk_path_restores_indexes_constraints_and_comments(
    pg_url: str, synthetic_snapshot: Path
) -> None:
    import psycopg

    create_schema(pg_url)
    execute(
        pg_url,
        "COMMENT ON INDEX \"Message_senderId_idx\" IS 'who wrote it'",
        'COMMENT ON CONSTRAINT "Message_replyToId_fkey" ON "Message" IS \'thread\'',
    )
    catalog = """
        SELECT c.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid)
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL
        SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint')
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
         ORDER BY 1, 2
    """
    with psycopg.connect(pg_url) as conn:
        before = conn.execute(catalog).fetchall()

    report = load(synthetic_snapshot, pg_url, LoadOptions(bulk_min_rows=1, verbose=True), log=print)

    with psycopg.connect(pg_url) as conn:
        after = conn.execute(catalog).fetchall()
    assert report.totals()["inserted"] > 0
    assert len(before) > 250
    assert after == before
    assert tuple(r[0] for r in after if r[2] == "who wrote it") == ("Message_senderId_idx",)


@pytest.mark.postgres
def test_two_concurrent_loads_do_not_interleave(pg_url: str, light_snapshot: Path) -> None:
    create_schema(pg_url)
    reports: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(load(light_snapshot, pg_url))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert not errors
    total = sum(f.height for f in snapshot_frames(light_snapshot).values())
    inserted = sorted(r.totals()["inserted"] for r in reports)  # type: ignore[attr-defined]
    assert inserted == [0, total], "one load inserted everything, the other found it there"
    assert_equal_to_snapshot(pg_url, light_snapshot)


@pytest.mark.postgres
def test_a_load_that_waits_for_another_says_so(
    pg_url: str, hand_snapshot: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A load queued behind another one tells, display or not, rather than look hung."""
    import psycopg

    from seedsnap.loaders.postgres import LOCK_KEY

    create_schema(pg_url)
    holder = psycopg.connect(pg_url)
    done: list[object] = []
    waiting = threading.Thread(target=lambda: done.append(load(hand_snapshot, pg_url)))
    waiting.daemon = True  # never keeps the test run alive
    try:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])  # another load
        waiting.start()
        deadline = time.monotonic() + 30
        while "waiting for it to finish" not in capfd.readouterr().err:
            assert time.monotonic() < deadline, "the waiting load said nothing"
            time.sleep(0.05)
        assert not done, "it waited"
    finally:
        holder.rollback()  # the other load ends
        holder.close()
    waiting.join(60)
    assert len(done) == 1
    assert_equal_to_snapshot(pg_url, hand_snapshot)


@pytest.mark.postgres
def test_prisma_schema_parameter_in_the_url(pg_url: str, hand_snapshot: Path) -> None:
    execute(pg_url, 'CREATE SCHEMA "app"')
    url = f"{pg_url}?schema=app"
    load(hand_snapshot, url, LoadOptions(create_schema=True))
    import psycopg

    with psycopg.connect(pg_url) as conn:
        where = conn.execute(
            "SELECT table_schema, count(*) FROM information_schema.tables "
            "WHERE table_name = 'User' GROUP BY 1"
        ).fetchall()
        users = conn.execute('SELECT count(*) FROM app."User"').fetchone()
    assert where == [("app", 1)]
    assert users == (4,)


def test_parent_first_orders_threads_before_their_replies() -> None:
    frame = pl.DataFrame(
        {"id": ["c", "b", "a", "d", "e"], "parentId": ["b", "a", None, "outside", "c"]}
    )
    ordered = parent_first(MENTARA.table("Comment"), frame)
    position = {k: i for i, k in enumerate(ordered.get_column("id").to_list())}
    assert position["a"] < position["b"] < position["c"] < position["e"]
    assert ordered.height == frame.height


def test_seed_environment_names_map_onto_options() -> None:
    base = LoadOptions()
    assert options_from_env(base, {}) == base
    got = options_from_env(base, {"SEED_FORCE": "true", "SEED_VERBOSE": "1", "SEED_AUDIT": "yes"})
    assert (got.replace, got.verbose, got.audit, got.confirmed) == (True, True, True, False)
    assert options_from_env(base, {"SEED_FORCE": "false"}).replace is False
    assert options_from_env(base, {"SEED_AUDIT": " Off "}).audit is False


@pytest.mark.parametrize("value", ["ture", "y", "2", "enable"])
def test_a_seed_value_neither_true_nor_false_is_refused(
    tmp_path: Path, light_snapshot: Path, value: str
) -> None:
    """Read as false, a misspelt SEED_AUDIT made an audit write every row."""
    db = tmp_path / "a.sqlite"
    env = {"SEED_AUDIT": value}
    with pytest.raises(ConfigError, match=f"SEED_AUDIT='{value}' is neither true nor false"):
        load(light_snapshot, f"sqlite:///{db}", LoadOptions(create_schema=True), env=env)
    assert not db.exists()


def test_an_error_about_a_flag_a_seed_variable_set_names_the_variable(
    tmp_path: Path, light_snapshot: Path
) -> None:
    """The user typed no --replace or --audit: the error names what they did set."""
    LIGHT = light_snapshot
    with pytest.raises(ConfigError, match="SEED_FORCE=1 empties the model's tables"):
        load(LIGHT, f"sqlite:///{tmp_path / 'a.sqlite'}", LoadOptions(create_schema=True),
             env={"SEED_FORCE": "1"})  # fmt: skip
    with pytest.raises(DatabaseError, match="SEED_AUDIT=on creates nothing"):
        load(LIGHT, f"sqlite:///{tmp_path / 'b.sqlite'}", env={"SEED_AUDIT": "on"})
    with pytest.raises(ConfigError, match=r"^--replace empties"):
        load(LIGHT, f"sqlite:///{tmp_path / 'a.sqlite'}",
             LoadOptions(create_schema=True, replace=True), env={})  # fmt: skip


@pytest.mark.postgres
def test_postgres_key_comparisons(pg_url: str) -> None:
    """The three ways PostgreSQL answers "which of these keys are there": all give one answer."""
    from seedsnap.loaders import postgres

    create_schema(pg_url)
    ids = ["c-1", "line\nbreak", "ü-naïve", "Z", "a,b"]
    values = ", ".join(
        "(" + ", ".join(f"'{v}'" for v in (i, f"n{n}", f"s{n}", "d", "i")) + ", now())"
        for n, i in enumerate(ids)
    )
    execute(
        pg_url,
        f'INSERT INTO "Community" (id, name, slug, description, "imageUrl", "updatedAt") '
        f"VALUES {values}",
    )
    table = MENTARA.table("Community")
    conn = postgres.connect(pg_url)
    try:
        same = pl.DataFrame({"id": sorted(ids)})
        assert postgres.holds_exactly(conn, table, same)
        assert not postgres.holds_exactly(
            conn, table, pl.DataFrame({"id": sorted([*ids[:4], "a"])})
        )
        assert not postgres.holds_exactly(conn, table, pl.DataFrame({"id": sorted(ids[:4])}))

        probe = pl.DataFrame({"id": ["line\nbreak", "missing", "Z", "also\nmissing"]})
        # A key with a newline defeats the one-string read: the temporary-table way answers.
        absent = postgres.probe(conn, table, probe, anti=True)
        assert absent.get_column("id").to_list() == ["missing", "also\nmissing"]
        present = postgres.probe(conn, table, probe, anti=False)
        assert present.get_column("id").to_list() == ["line\nbreak", "Z"]
        names = pl.DataFrame({"name": ["n0", "zz", "n4"]})
        assert postgres.probe(conn, table, names, anti=False).get_column("name").to_list() == [
            "n0",
            "n4",
        ]
    finally:
        conn.close()

    # Without the newline key, the one-string read answers, and the same way.
    execute(pg_url, "DELETE FROM \"Community\" WHERE id = 'line\nbreak'")
    conn = postgres.connect(pg_url)
    try:
        probe = pl.DataFrame({"id": ["missing", "Z", "c-1"]})
        assert postgres.probe(conn, table, probe, anti=True).get_column("id").to_list() == [
            "missing"
        ]
    finally:
        conn.close()


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_row_conflicting_on_two_keys_is_one_skipped_row(target: str, hand_snapshot: Path) -> None:
    """A community that collides on both its name and its slug is one row left out: counted
    once, listed once, with both keys in its reason (the counts must add up to the
    snapshot's rows)."""
    create_schema(target)
    execute(
        target,
        'INSERT INTO "Community" (id, name, slug, description, "imageUrl", "updatedAt") '
        "VALUES ('c-other', 'Anxiety Support', 'anxiety-support', 'd', 'https://x/i.png', "
        "'2026-01-01 00:00:00.000')",
    )

    report = load(hand_snapshot, target, LoadOptions(skip_conflicts=True))

    conflicting = [s for s in report.skips if s.conflict]
    assert [(s.table, s.key) for s in conflicting] == [("Community", "c-1")]
    assert conflicting[0].reason == ("conflict on name='Anxiety Support'; slug='anxiety-support'")
    community = next(t for t in report.tables if t.table == "Community")
    assert (community.snapshot, community.inserted, community.skipped) == (1, 0, 1)
    tot = report.totals()
    assert tot["inserted"] + tot["present"] + tot["skipped"] == tot["snapshot"]
    assert len({(s.table, s.key) for s in report.skips}) == len(report.skips) == tot["skipped"]
    with pytest.raises(ConflictError) as err:
        load(hand_snapshot, target, LoadOptions())
    assert "(and" not in str(err.value), "one row, not one per key"


@pytest.mark.parametrize("target", ["duckdb"], indirect=True)
def test_a_load_over_present_rows_says_they_are_left_as_they_are(
    target: str, hand_snapshot: Path
) -> None:
    """A load never updates a row: when rows were there already, the report says so, and
    where to see whether they differ (a new user expected changed rows to be restored)."""
    first = load(hand_snapshot, target, LoadOptions(create_schema=True)).to_text()
    assert "were there already" not in first
    again = load(hand_snapshot, target, LoadOptions()).to_text()
    present = sum(t.present for t in load(hand_snapshot, target, LoadOptions()).tables)
    assert f"{present:,} rows were there already and are left as they are" in again
    assert "`seedsnap diff`" in again and "--replace" in again
