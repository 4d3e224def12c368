"""seedsnap diff: rows missing, extra, changed and equal by primary key, read-only, exact.

Databases are real: PostgreSQL through ``pg_url``, DuckDB and SQLite files in tmp_path, each
filled by the loader. Hand edits are made with the database's own driver, then the diff must
name exactly the edited keys, in the right class, with the columns that differ.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from seedsnap import snapshot
from seedsnap.build import build
from seedsnap.cli import main
from seedsnap.config import resolve
from seedsnap.diff import ChangedRow, DiffReport, ReadOnlyDatabase, TableDiff, compare, diff
from seedsnap.errors import ConfigError, DatabaseError, DriftError, SnapshotError
from seedsnap.loaders import LoadOptions, load, target
from seedsnap.loaders.synthetic import frames as synthetic_frames
from seedsnap.schema import MENTARA
from seedsnap.schema.ddl import quote
from seedsnap.schema.frames import polars_schema
from seedsnap.schema.model import (
    DECIMAL,
    FLOAT,
    INTEGER_ARRAY,
    JSONB,
    TEXT,
    TEXT_ARRAY,
    TIMESTAMP,
    Column,
    Table,
)

DIALECTS = [pytest.param("postgres", marks=pytest.mark.postgres), "duckdb", "sqlite"]


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A light build's snapshot (the real generators)."""
    out = tmp_path_factory.mktemp("light") / "snap"
    build(resolve(mode="light", env={}, config_file=None), out, run_check=False)
    return out


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic snapshot: every table and every column type, NULLs included."""
    out = tmp_path_factory.mktemp("typed") / "snap"
    snapshot.write(out, synthetic_frames(MENTARA, 12), resolve(env={}, config_file=None))
    return out


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of the parametrised dialect."""
    dialect = request.param
    if dialect == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"{dialect}:///{tmp_path}/target.{dialect}"


def loaded(snap: Path, url: str) -> str:
    load(snap, url, LoadOptions(create_schema=True), env={})
    return url


def execute(url: str, template: str, names: Sequence[str], params: Sequence[Any] = ()) -> int:
    """Run one statement on ``url`` and commit; ``{}`` in ``template`` are identifiers, ``?``
    parameters. Returns the rows affected."""
    dialect = target(url).dialect
    if dialect == "postgres":
        import psycopg
        from psycopg import sql

        query = sql.SQL(template.replace("?", "%s")).format(*map(sql.Identifier, names))
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(query, list(params)).rowcount
    text = template.format(*map(quote, names))
    path = url.partition("://")[2][1:]
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect(path)
        try:
            (count,) = con.execute(text, list(params)).fetchone() or (0,)
            return int(count)
        finally:
            con.close()
    import sqlite3

    lite = sqlite3.connect(path)
    try:
        n = lite.execute(text, list(params)).rowcount
        lite.commit()
        return n
    finally:
        lite.close()


def delete_cascading(url: str, snap: Path, table: str, column: str, value: str) -> int:
    """``DELETE FROM table WHERE column = value`` with the model's ON DELETE actions done by hand
    (DuckDB enforces foreign keys but has no cascades), children first. The rows affected are
    found in the snapshot, which the database equals. Returns the rows deleted from ``table``."""
    snap_ = snapshot.read(snap)
    doomed: dict[str, set[str]] = {}
    nulled: list[tuple[str, str, str]] = []

    def mark(name: str, keys: set[str]) -> None:
        new = keys - doomed.get(name, set())
        if not new:
            return
        doomed.setdefault(name, set()).update(new)
        for child in MENTARA.tables:
            for fk in child.foreign_keys:
                if fk.ref_table != name:
                    continue
                hit = snap_.frame(child.name).filter(pl.col(fk.columns[0]).is_in(list(new)))
                if fk.on_delete == "CASCADE":
                    mark(child.name, set(hit.get_column(child.primary_key[0])))
                elif fk.on_delete == "SET NULL":
                    nulled.extend((child.name, fk.columns[0], k) for k in hit[fk.columns[0]])

    pk = MENTARA.table(table).primary_key[0]
    mark(table, set(snap_.frame(table).filter(pl.col(column) == value).get_column(pk)))
    for name, col, key in nulled:
        execute(url, "UPDATE {} SET {} = NULL WHERE {} = ?", [name, col, col], [key])
    for name in reversed(MENTARA.load_order):
        keys = sorted(doomed.get(name, ()))
        if keys:
            holes = ", ".join("?" for _ in keys)
            key = MENTARA.table(name).primary_key[0]
            execute(url, f"DELETE FROM {{}} WHERE {{}} IN ({holes})", [name, key], keys)
    return len(doomed.get(table, ()))


def first_key(snap: Path, table: str, where: pl.Expr | None = None) -> str:
    frame = snapshot.read(snap).frame(table)
    if where is not None:
        frame = frame.filter(where)
    key: str = frame.get_column(MENTARA.table(table).primary_key[0]).sort()[0]
    return key


def by_table(report: DiffReport) -> dict[str, TableDiff]:
    return {t.table: t for t in report.tables}


def assert_only(report: DiffReport, snap: Path, expected: dict[str, dict[str, int]]) -> None:
    """Every table not in ``expected`` is entirely equal; the others have those counts."""
    snap_ = snapshot.read(snap)
    for t in report.tables:
        want = {"missing": 0, "extra": 0, "changed": 0} | expected.get(t.table, {})
        got = {k: getattr(t, k) for k in want}
        assert got == want, t.table
        assert t.equal == snap_.rows(t.table) - t.missing - t.changed, t.table


# --- compare: the semantics on frames -------------------------------------------------------

KINDS = Table(
    "Kinds",
    (
        Column("id", TEXT),
        Column("s", TEXT, nullable=True),
        Column("a", TEXT_ARRAY, nullable=True),
        Column("n", INTEGER_ARRAY, nullable=True),
        Column("f", FLOAT, nullable=True),
        Column("d", DECIMAL, nullable=True),
        Column("t", TIMESTAMP, nullable=True),
        Column("j", JSONB, nullable=True),
    ),
    ("id",),
)


def kinds(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=polars_schema(KINDS))


BASE = {
    "s": "x",
    "a": ["p", None],
    "n": [1],
    "f": 0.5,
    "d": Decimal("10.00"),
    "t": pl.Series([1_700_000_000_123]).cast(pl.Datetime("ms"))[0],
    "j": '{"a":1,"b":[true,null]}',
}

# (label, column, ours, theirs, same?)
CASES = [
    ("null vs empty string", "s", None, "", False),
    ("empty string vs empty string", "s", "", "", True),
    ("null vs empty list", "a", None, [], False),
    ("empty list vs list of null", "a", [], [None], False),
    ("null element kept", "a", ["p", None], ["p", None], True),
    ("element order counts", "n", [1, 2], [2, 1], False),
    ("NaN is NaN", "f", math.nan, math.nan, True),
    ("0.0 is not -0.0", "f", 0.0, -0.0, False),
    ("numeric by value", "d", Decimal("10.00"), Decimal("10.0"), True),
    ("numeric cents", "d", Decimal("10.00"), Decimal("10.01"), False),
    ("one millisecond", "t", BASE["t"], BASE["t"] + pl.duration(milliseconds=1), False),
    ("null json vs json null", "j", None, "null", False),
    (
        "json key order and spacing",
        "j",
        '{"a":1,"b":[true,null]}',
        '{"b": [true, null], "a": 1}',
        True,
    ),
    ("json number spelling", "j", '{"a":1.5,"b":[]}', '{"a": 1.50, "b": []}', True),
    ("json value", "j", '{"a":1,"b":[true,null]}', '{"a":1,"b":[true]}', False),
    ("json 1 is not true", "j", "[1]", "[true]", False),
    ("json vs text that is not json", "j", '{"a":1}', "{oops", False),
]


@pytest.mark.parametrize(
    ("column", "ours", "theirs", "same"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_compare_is_exact_per_type(column: str, ours: Any, theirs: Any, same: bool) -> None:
    if isinstance(theirs, pl.Expr):
        theirs = pl.select(theirs).item()
    left = kinds([{"id": "k1", **BASE, column: ours}, {"id": "k2", **BASE}])
    right = kinds([{"id": "k1", **BASE, column: theirs}, {"id": "k2", **BASE}])
    out = compare(KINDS, left, right)
    assert (out.changed, out.equal) == ((0, 2) if same else (1, 1))
    assert out.changed_rows == ([] if same else [ChangedRow("k1", (column,))])
    assert out.changed_columns == ({} if same else {column: 1})


def test_canonical_json_refuses_what_jsonb_refuses() -> None:
    for bad in ["NaN", '{"a": Infinity}', "{'a': 1}"]:
        for recode in (snapshot.canonical_json, snapshot.stored_json):
            with pytest.raises(ValueError, match="column j"):
                recode(pl.Series("j", [bad]))


def test_compare_classifies_keys_in_either_row_order() -> None:
    ours = kinds([{"id": f"k{i:02}", **BASE} for i in range(10)])
    theirs = (
        ours.filter(~pl.col("id").is_in(["k03", "k07"]))
        .with_columns(
            pl.when(pl.col("id") == "k05")
            .then(pl.lit("changed"))
            .otherwise(pl.col("s"))
            .alias("s"),
            pl.when(pl.col("id").is_in(["k05", "k06"]))
            .then(pl.lit(None, pl.List(pl.String)))
            .otherwise(pl.col("a"))
            .alias("a"),
        )
        .vstack(kinds([{"id": "k99", **BASE}, {"id": "k98", **BASE}]))
    )
    expected = TableDiff(
        "Kinds",
        missing=2,
        extra=2,
        changed=2,
        equal=6,
        missing_keys=["k03", "k07"],
        extra_keys=["k98", "k99"],
        changed_rows=[ChangedRow("k05", ("s", "a")), ChangedRow("k06", ("a",))],
        changed_columns={"s": 1, "a": 2},
    )
    assert compare(KINDS, ours, theirs) == expected
    shuffled = theirs.sample(fraction=1.0, shuffle=True, seed=3)
    assert compare(KINDS, ours, shuffled) == expected
    # The position-by-position path (same keys, same order) agrees with the join path.
    same_keys = ours.with_columns(
        pl.when(pl.col("id") == "k01").then(None).otherwise("d").alias("d")
    )
    assert compare(KINDS, ours, same_keys).changed_rows == [ChangedRow("k01", ("d",))]
    assert compare(KINDS, ours, same_keys.reverse()).changed_rows == [ChangedRow("k01", ("d",))]


def test_compare_caps_the_keys_but_not_the_counts() -> None:
    ours = kinds([{"id": f"k{i:03}", **BASE} for i in range(100)])
    theirs = ours.with_columns(pl.lit("other").alias("s")).reverse()
    out = compare(KINDS, ours, pl.DataFrame(schema=ours.schema), limit=3)
    assert (out.missing, out.missing_keys) == (100, ["k000", "k001", "k002"])
    out = compare(KINDS, ours, theirs, limit=2)
    assert out.changed == 100
    assert out.changed_rows == [ChangedRow("k000", ("s",)), ChangedRow("k001", ("s",))]
    assert compare(KINDS, ours, theirs, limit=0).changed_rows == []


def test_composite_keys_are_shown_joined() -> None:
    pair = Table("Pair", (Column("a", TEXT), Column("b", TEXT), Column("v", TEXT)), ("a", "b"))
    ours = pl.DataFrame({"a": ["x", "x"], "b": ["1", "2"], "v": ["p", "q"]})
    theirs = pl.DataFrame({"a": ["x", "y"], "b": ["1", "2"], "v": ["p", "q"]})
    out = compare(pair, ours, theirs)
    assert (out.missing_keys, out.extra_keys, out.equal) == (["x,2"], ["y,2"], 1)


# --- snapshot against snapshot --------------------------------------------------------------


def test_a_snapshot_equals_itself(light: Path) -> None:
    report = diff(light, light)
    assert report.equal and report.exit_code == 0
    assert report.totals()["equal"] == snapshot.read(light).manifest["totals"]["rows"]


@pytest.mark.parametrize(
    "change",
    [{"seed": 7}, {"minimums": {"client.posts": 3}}],
    ids=["seed", "one minimum"],
)
def test_snapshot_vs_snapshot_shows_what_a_change_did(
    light: Path, tmp_path: Path, change: dict[str, Any]
) -> None:
    other = tmp_path / "other"
    build(resolve(mode="light", env={}, config_file=None, **change), other, run_check=False)
    a, b = snapshot.read(light), snapshot.read(other)
    report = diff(light, other, limit=5)
    assert report.exit_code == 1
    for t in report.tables:
        # A table differs exactly when its content hash does, and every row is accounted for.
        assert t.differs == (a.content_hash(t.table) != b.content_hash(t.table)), t.table
        assert t.missing + t.changed + t.equal == a.rows(t.table), t.table
        assert t.extra + t.changed + t.equal == b.rows(t.table), t.table
        if t.differs:
            keys_a = set(a.frame(t.table).get_column(MENTARA.table(t.table).primary_key[0]))
            assert set(t.missing_keys) <= keys_a and not set(t.extra_keys) & keys_a
    assert by_table(report)["Post"].differs


def test_table_filter_and_bad_inputs(light: Path, tmp_path: Path) -> None:
    report = diff(light, light, tables=["Post", "User"])
    assert [t.table for t in report.tables] == ["User", "Post"]
    with pytest.raises(ConfigError, match="unknown table"):
        diff(light, light, tables=["Posts"])
    with pytest.raises(SnapshotError):
        diff(light, tmp_path / "nowhere")
    with pytest.raises(DatabaseError, match="no DuckDB database"):
        diff(light, f"duckdb:///{tmp_path}/missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()
    with pytest.raises(ConfigError, match="unsupported database URL"):
        diff(light, "mysql://localhost/x")


# --- against databases ----------------------------------------------------------------------


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_every_type_round_trips_equal(typed: Path, db: str) -> None:
    report = diff(typed, loaded(typed, db))
    assert report.equal, report.to_text(details=True)
    assert report.totals()["equal"] == snapshot.read(typed).manifest["totals"]["rows"]


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_hand_edits_are_reported_in_their_class(light: Path, db: str) -> None:
    url = loaded(light, db)
    assert diff(light, url).equal
    gone = first_key(light, "Notification")
    new = "00000000-0000-4000-8000-000000000001"
    user = first_key(light, "User")
    post = first_key(light, "Post")
    assert execute(url, "DELETE FROM {} WHERE {} = ?", ["Notification", "id"], [gone]) == 1
    cols = MENTARA.table("Notification").column_names[1:]
    holes = ", ".join("{}" for _ in cols)
    copied = execute(
        url,
        f"INSERT INTO {{}} ({{}}, {holes}) SELECT ?, {holes} FROM {{}} WHERE {{}} = ?",
        ["Notification", "id", *cols, *cols, "Notification", "id"],
        [new, first_key(light, "Notification", pl.col("id") != gone)],
    )
    assert copied == 1
    execute(url, "UPDATE {} SET {} = ? WHERE {} = ?", ["User", "firstName", "id"], ["Zed", user])
    execute(
        url,
        "UPDATE {} SET {} = {} || ?, {} = ? WHERE {} = ?",
        ["Post", "title", "title", "content", "id"],
        [" (edited)", "", post],
    )
    report = diff(light, url)
    assert report.exit_code == 1
    assert_only(
        report,
        light,
        {
            "Notification": {"missing": 1, "extra": 1},
            "User": {"changed": 1},
            "Post": {"changed": 1},
        },
    )
    tables = by_table(report)
    assert (tables["Notification"].missing_keys, tables["Notification"].extra_keys) == (
        [gone],
        [new],
    )
    assert tables["User"].changed_rows == [ChangedRow(user, ("firstName",))]
    assert tables["Post"].changed_rows == [ChangedRow(post, ("title", "content"))]


@pytest.mark.postgres
def test_postgres_types_compare_exactly(typed: Path, pg_url: str) -> None:
    url = loaded(typed, pg_url)
    snap = snapshot.read(typed)
    therapists = snap.frame("Therapist").get_column("userId").sort().to_list()
    messages = snap.frame("Message")
    edits = [
        # (table, key, column, SQL expression for the new value)
        ("Therapist", therapists[0], "hourlyRate", '"hourlyRate" + 0.01'),
        ("Therapist", therapists[1], "treatmentSuccessRates", """'{{"x": 1}}'::jsonb || "treatmentSuccessRates" """),
        ("Therapist", therapists[2], "status", "CASE WHEN \"status\" = 'APPROVED' THEN 'REJECTED' ELSE 'APPROVED' END::\"TherapistApplicationStatus\""),
        ("Therapist", therapists[3], "certificateUrls", "CASE WHEN \"certificateUrls\" IS NULL THEN '{{}}'::text[] END"),
        ("Therapist", therapists[4], "preferredSessionLength", '"preferredSessionLength" || 0'),
        ("Message", messages.filter(pl.col("editedAt").is_not_null())["id"].sort()[0], "editedAt", "\"editedAt\" + interval '1 millisecond'"),
        ("Message", messages.filter(pl.col("editedAt").is_null())["id"].sort()[0], "editedAt", "\"createdAt\""),
    ]  # fmt: skip
    for table, key, column, expr in edits:
        pk = MENTARA.table(table).primary_key[0]
        assert execute(url, f"UPDATE {{}} SET {{}} = {expr} WHERE {{}} = ?", [table, column, pk], [key]) == 1  # fmt: skip
    # (braces are doubled: the statement is a psycopg.sql template)
    # Rewrites to the same value are no change: jsonb in another key order, text[] rebuilt.
    same = ("Therapist", therapists[5])
    execute(
        url,
        "UPDATE {} SET {} = (SELECT jsonb_object_agg(k, v) FROM jsonb_each({}) AS e(k, v)), "
        "{} = ARRAY(SELECT unnest({})) WHERE {} = ?",
        ["Therapist", "treatmentSuccessRates", "treatmentSuccessRates", "certificateNames", "certificateNames", "userId"],
        [same[1]],
    )  # fmt: skip
    tables = by_table(diff(typed, url))
    got = {(r.key, r.columns) for t in ("Therapist", "Message") for r in tables[t].changed_rows}
    assert got == {(key, (column,)) for _, key, column, _ in edits}
    assert tables["Therapist"].changed + tables["Message"].changed == len(edits)


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_json_text_in_another_key_order_is_equal(typed: Path, tmp_path: Path, dialect: str) -> None:
    url = loaded(typed, f"{dialect}:///{tmp_path}/t.{dialect}")
    frame = snapshot.read(typed).frame("Therapist")
    key, value = (
        frame.filter(pl.col("treatmentSuccessRates") != "{}")
        .select("userId", "treatmentSuccessRates")
        .row(0)
    )
    parsed = json.loads(value)
    reordered = json.dumps(dict(reversed(list(parsed.items()))), indent=1)
    assert reordered != value
    where = ["Therapist", "treatmentSuccessRates", "userId"]
    execute(url, "UPDATE {} SET {} = ? WHERE {} = ?", where, [reordered, key])
    assert diff(typed, url).equal
    execute(url, "UPDATE {} SET {} = ? WHERE {} = ?", where, [json.dumps({**parsed, "x": 0}), key])
    changed = by_table(diff(typed, url))["Therapist"].changed_rows
    assert changed == [ChangedRow(key, ("treatmentSuccessRates",))]


@pytest.mark.postgres
def test_schema_drift_is_an_error(light: Path, pg_url: str) -> None:
    url = loaded(light, pg_url)
    execute(url, "ALTER TABLE {} DROP COLUMN {}", ["Post", "title"])
    with pytest.raises(DriftError, match=r"Post\.title is missing"):
        diff(light, url)
    # A table outside --table is not looked at.
    assert diff(light, url, tables=["User"]).equal


# --- read-only --------------------------------------------------------------------------------


def _write_counters(url: str) -> tuple[int, ...]:
    """Rows inserted, updated and deleted in the database since it was created.

    Another session's counts reach the statistics only when it flushes them, at the latest
    as it exits, before it leaves pg_stat_activity: so the other sessions of the database
    (the test's own writes, seedsnap's) are waited for first.
    """
    import time

    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        deadline = time.monotonic() + 30
        while conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, "another session stays connected"
            time.sleep(0.05)
        conn.execute("SELECT pg_stat_force_next_flush()")
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_del), sum(n_tup_hot_upd) "
            "FROM pg_stat_user_tables"
        ).fetchone()
    assert row is not None
    return tuple(int(v or 0) for v in row)


@pytest.mark.postgres
def test_postgres_diff_runs_in_a_read_only_transaction_and_writes_nothing(
    light: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    url = loaded(light, pg_url)
    before = _write_counters(url)
    seen: list[tuple[Any, ...]] = []
    real_copy_out = ReadOnlyDatabase._copy_out

    def copy_out(self: ReadOnlyDatabase, table: Table) -> bytes:
        # Inside the diff's transaction, before each table: it is read-only, and it has no
        # transaction id (PostgreSQL assigns one on the first write).
        row = self.conn.execute(
            "SELECT current_setting('transaction_read_only'), "
            "current_setting('transaction_isolation'), pg_current_xact_id_if_assigned()"
        ).fetchone()
        seen.append(row)
        if table.name == "Post":
            # A write attempted inside the diff's transaction is refused by the server.
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), self.conn.transaction():
                self.conn.execute('DELETE FROM "Post"')
        return real_copy_out(self, table)

    monkeypatch.setattr(ReadOnlyDatabase, "_copy_out", copy_out)
    report = diff(light, url)
    assert report.equal
    assert len(seen) == len(MENTARA.tables)
    assert set(seen) == {("on", "repeatable read", None)}
    assert _write_counters(url) == before
    assert diff(light, url).equal


# --- the command line ---------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("db", ["duckdb"], indirect=True)
def test_cli_exit_status_and_formats(light: Path, db: str) -> None:
    url = loaded(light, db)
    same = run("diff", str(light), "--db", url)
    assert same.exit_code == 0, same.output
    assert "equal (" in same.output.splitlines()[-1]
    execute(url, "DELETE FROM {}", ["Notification"])
    rows = snapshot.read(light).rows("Notification")

    text = run("diff", str(light), "--db", url, "--details", "--limit", "2")
    assert text.exit_code == 1
    assert "* Notification" in text.output
    assert sum(line.startswith("  missing  ") for line in text.output.splitlines()) == 2
    assert f"… and {rows - 2:,} more missing (raise --limit)" in text.output

    out = run("diff", str(light), "--db", url, "--format", "csv", "--table", "Notification")
    assert out.exit_code == 1
    assert out.output == f"table,missing,extra,changed,equal\nNotification,{rows},0,0,0\n"

    out = run("diff", str(light), "--db", url, "--format", "json", "--details", "--limit", "1")
    doc = json.loads(out.output)
    assert out.exit_code == 1 and doc["equal"] is False
    note = next(t for t in doc["tables"] if t["table"] == "Notification")
    assert note["missing"] == rows and len(note["missing_keys"]) == 1
    assert doc["totals"]["missing"] == rows


def test_cli_compares_two_snapshots_and_errors_exit_2(light: Path, tmp_path: Path) -> None:
    assert run("diff", str(light), str(light)).exit_code == 0
    for args, message in [
        ((str(tmp_path / "none"), str(light)), "is not a snapshot directory"),
        ((str(light), str(light), "--db", "duckdb:///x.duckdb"), "not both"),
        ((str(light), str(light), "--format", "xml"), "unknown --format"),
        ((str(light), str(light), "--format", "csv", "--details"), "no room for --details"),
        ((str(light), "--db", f"sqlite:///{tmp_path}/no.sqlite"), "no SQLite database"),
    ]:
        result = CliRunner().invoke(main, ["diff", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_cli_db_must_be_a_database_url_not_a_snapshot(light: Path) -> None:
    # A snapshot given as --db (or $SEEDSNAP_DB) is not quietly diffed as OTHER_SNAPSHOT.
    for args, env in [
        (["--db", str(light)], {}),
        (["--db", "duckdb:x.duckdb"], {}),
        ([], {"SEEDSNAP_DB": str(light)}),
    ]:
        result = CliRunner().invoke(main, ["diff", str(light), *args], env=env)
        assert result.exit_code == 2, (args, env, result.output)
        assert result.stdout == ""
        assert result.stderr.startswith("seedsnap: error: unsupported database URL ")
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["diff", "verify"])
def test_cli_hints_name_only_what_the_command_has(
    light: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """diff and verify have no --create-schema: their errors must not suggest it."""
    monkeypatch.chdir(tmp_path)  # relative database paths, and no seedsnap.toml
    monkeypatch.delenv("SEEDSNAP_DB", raising=False)
    head = [command, str(light)] if command == "diff" else [command, "--mode", "light"]

    def error(url: str | None, *needles: str) -> str:
        result = CliRunner().invoke(main, [*head, *(["--db", url] if url else [])])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        line = result.stderr.strip()
        assert "\n" not in line and line.startswith("seedsnap: error: ")
        # --create-schema is load's option: only ever named as part of a `seedsnap load`.
        assert line.count("--create-schema") == line.count("`seedsnap load SNAPSHOT"), line
        for needle in needles:
            assert needle in line, (needle, line)
        return line

    # No --db: the default ./seedsnap.duckdb, as for load; it is not created.
    error(
        None,
        "no DuckDB database at seedsnap.duckdb (the default, used when neither --db nor "
        "$SEEDSNAP_DB is given); give the path of an existing database",
    )
    assert not (tmp_path / "seedsnap.duckdb").exists()
    error(
        "sqlite:///data/x.sqlite",
        "no SQLite database at data/x.sqlite",
        "three slashes make the path relative to the current directory: for /data/x.sqlite "
        "write sqlite:////data/x.sqlite",
    )
    other = tmp_path / "other.duckdb"
    execute(f"duckdb:///{other}", "CREATE TABLE {} (id INTEGER)", ["unrelated"])
    error(
        f"duckdb:///{other}",
        "the database has none of the model's 42 tables; check the --db URL, or load a snapshot "
        "into it first (`seedsnap load SNAPSHOT --db URL --create-schema`)",
    )
    drifted = loaded(light, f"duckdb:///{tmp_path / 'drifted.duckdb'}")
    execute(drifted, "DROP TABLE {}", ["Notification"])
    error(
        drifted,
        "table Notification is missing",
        "migrate the database to the Mentara schema (`seedsnap schema --dialect duckdb` prints "
        "its DDL)",
    )


@pytest.mark.postgres
def test_cli_unreachable_database_exits_2(light: Path) -> None:
    result = CliRunner().invoke(
        main, ["diff", str(light), "--db", "postgresql://postgres@127.0.0.1:1/none"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("seedsnap: error: cannot connect")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("dialect", "table", "column", "value", "shown"),
    [
        # A time typed by hand, not in the form seedsnap writes.
        ("sqlite", "User", "updatedAt", "2026-01-01T10:00:00Z", "'2026-01-01T10:00:00Z'"),
        # SQLite keeps what its INTEGER column cannot convert; 2.5 must not read as 2.
        ("sqlite", "User", "failedLoginCount", "many", "'many' (text)"),
        ("sqlite", "User", "failedLoginCount", 2.5, "2.5 (real)"),
        ("sqlite", "Post", "attachmentUrls", "not json", "'not json'"),
        # JSON that is not an array of the column's element type, nor of int4 for INTEGER[].
        ("sqlite", "Post", "attachmentUrls", '"x"', """'"x"' (text)"""),
        ("sqlite", "Post", "attachmentUrls", "[5]", "'[5]' (text)"),
        ("sqlite", "Post", "attachmentSizes", "[287179.9]", "'[287179.9]' (text)"),
        ("sqlite", "Post", "attachmentSizes", "[99999999999]", "'[99999999999]' (text)"),
        # DuckDB's JSON keeps a number no float holds.
        ("duckdb", "Notification", "data", '{"a": 1e400}', """'{"a": 1e400}'"""),
    ],
)
@pytest.mark.parametrize("command", ["diff", "verify"])
def test_a_value_that_cannot_be_read_is_a_one_line_error(
    light: Path,
    tmp_path: Path,
    command: str,
    dialect: str,
    table: str,
    column: str,
    value: Any,
    shown: str,
) -> None:
    url = loaded(light, f"{dialect}:///{tmp_path}/t.{dialect}")
    key = first_key(light, table)
    pk = MENTARA.table(table).primary_key[0]
    execute(url, "UPDATE {} SET {} = ? WHERE {} = ?", [table, column, pk], [value, key])
    args = ["diff", str(light)] if command == "diff" else ["verify", "--mode", "light"]
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("seedsnap: error: "), result.stderr
    assert f"{table}.{column} holds {shown}" in line
    assert "correct or delete that value" in line


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_seed_audit_load_prints_the_diff_and_writes_nothing(light: Path, db: str) -> None:
    url = loaded(light, db)
    gone = first_key(light, "Notification")
    execute(url, "DELETE FROM {} WHERE {} = ?", ["Notification", "id"], [gone])
    execute(url, "UPDATE {} SET {} = ? WHERE {} = ?", ["User", "lastName", "id"], ["Q", first_key(light, "User")])  # fmt: skip
    counters = _write_counters(url) if db.startswith("postgresql") else None

    result = run("load", str(light), "--db", url, env={"SEED_AUDIT": "true"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert "audit (read-only): 1 rows would be inserted into " in text
    diff_part = text[text.index("  table ") :]
    assert diff_part == diff(light, url).to_text()
    assert "* Notification" in diff_part and "* User" in diff_part

    doc = json.loads(run("load", str(light), "--db", url, "--audit", "--format", "json").output)
    assert doc["audit"] is True
    assert doc["diff"]["totals"] == {"missing": 1, "extra": 0, "changed": 1, "equal": doc["diff"]["totals"]["equal"]}  # fmt: skip
    # Nothing was written: the row is still missing, the user still changed.
    after = by_table(diff(light, url))
    assert (after["Notification"].missing_keys, after["User"].changed) == ([gone], 1)
    if counters is not None:
        assert _write_counters(url) == counters


@pytest.mark.postgres
def test_a_read_failing_midway_is_raised_and_stops_the_reader(
    light: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from seedsnap.diff import ReadOnlyDatabase

    url = loaded(light, pg_url)
    real = ReadOnlyDatabase._copy_out
    asked: list[str] = []

    def failing(self: ReadOnlyDatabase, table: Table) -> bytes:
        asked.append(table.name)
        if table.name == "Post":
            raise RuntimeError("the network went away")
        return real(self, table)

    monkeypatch.setattr(ReadOnlyDatabase, "_copy_out", failing)
    with pytest.raises(RuntimeError, match="the network went away"):
        diff(light, url)
    # The reader stopped at the failure and no thread is left behind.
    assert asked[-1] == "Post" and len(asked) < len(MENTARA.table_names)
    assert not [t for t in threading.enumerate() if t.name == "seedsnap-diff"]
    monkeypatch.undo()
    assert diff(light, url).equal


@pytest.mark.postgres
def test_the_reader_stays_within_its_byte_budget(
    light: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedsnap import diff as module
    from seedsnap.diff import ReadOnlyDatabase

    url = loaded(light, pg_url)
    events: list[tuple[str, str]] = []
    real_copy, real_compare = ReadOnlyDatabase._copy_out, module.compare

    def copy(self: ReadOnlyDatabase, table: Table) -> bytes:
        events.append(("copy", table.name))
        return real_copy(self, table)

    def compare_(table: Table, *args: Any, **kwargs: Any) -> TableDiff:
        events.append(("compare", table.name))
        return real_compare(table, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyDatabase, "_copy_out", copy)
    monkeypatch.setattr(module, "compare", compare_)
    monkeypatch.setattr(module, "_AHEAD_BYTES", 1)  # one table ahead at most
    assert diff(light, url).equal
    copied = [n for kind, n in events if kind == "copy"]
    assert copied == [t for t in MENTARA.load_order]
    for i, name in enumerate(copied[2:], start=2):
        # Table i is only fetched once table i - 2 has been handed to the comparison.
        before = events[: events.index(("copy", name))]
        assert ("compare", copied[i - 2]) in before, name


def _forged(light: Path, tmp_path: Path) -> Path:
    """A copy of ``light`` whose Post.parquet holds other content, with its file_sha256 put
    in the manifest as a hand edit would: only the content hash tells."""
    copy = tmp_path / "forged"
    shutil.copytree(light, copy)
    posts = snapshot.read(light).frame("Post")
    edited = posts.with_columns(pl.col("title").str.replace("^", "edited: "))
    snapshot.write(tmp_path / "other", {"Post": edited}, resolve(mode="light", env={}))
    shutil.copyfile(tmp_path / "other" / "Post.parquet", copy / "Post.parquet")
    manifest = json.loads((copy / "manifest.json").read_text())
    digest = hashlib.sha256((copy / "Post.parquet").read_bytes()).hexdigest()
    manifest["tables"]["Post"]["file_sha256"] = f"sha256:{digest}"
    manifest["seal"] = snapshot.seal_of(manifest)  # a forger who knows the format
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert snapshot.read(copy).rows("Post") == posts.height  # opens: bytes match the manifest
    return copy


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_diff_refuses_a_file_forged_with_its_file_digest(
    light: Path, db: str, tmp_path: Path
) -> None:
    """Against a database, against another snapshot and as either side: a table whose
    content is not the manifest's is an error naming the file, never a report."""
    forged = _forged(light, tmp_path)
    url = loaded(light, db)
    message = r"forged/Post\.parquet: content hash .* does not match"
    for ours, theirs in ((forged, url), (forged, str(light)), (light, str(forged))):
        with pytest.raises(SnapshotError, match=message):
            diff(ours, theirs)
    out = CliRunner().invoke(main, ["diff", str(forged), "--db", url])
    assert out.exit_code == 2
    assert out.output.startswith("seedsnap: error: ") and "Post.parquet: content hash" in out.output
    assert len(out.output.splitlines()) == 1
    # The genuine snapshot still diffs equal.
    assert diff(light, url).exit_code == 0


def test_a_mismatch_is_raised_early_and_no_check_outlives_the_diff(
    light: Path, tmp_path: Path
) -> None:
    """The verifier raises a mismatch at the first read after its check ends, holds only a
    few checks at once, and leaves no thread behind when the diff fails."""
    import threading

    from seedsnap.diff import _CHECKS_AHEAD, _open_snapshot, _Verifier

    forged, genuine = _open_snapshot(_forged(light, tmp_path), MENTARA), snapshot.read(light)
    genuine.verify_content = False  # as diff reads it: the verifier checks the content
    others = [t for t in MENTARA.table_names if t != "Post"]
    with _Verifier() as verified:
        verified(forged, "Post")
        with pytest.raises(SnapshotError, match=r"Post\.parquet: content hash"):
            for name in others[:_CHECKS_AHEAD]:
                verified(genuine, name)
    with pytest.raises(RuntimeError, match="comparison failed"), _Verifier() as verified:
        for name in others:
            verified(genuine, name)
        raise RuntimeError("comparison failed")
    assert not [t for t in threading.enumerate() if t.name.startswith("seedsnap-verify")]


def test_a_column_that_fails_only_as_a_whole_is_not_blamed_on_one_value() -> None:
    """The halving search names a value only if that value fails on its own; otherwise the
    conversion's own error is given (never an innocent value, never a NULL)."""
    from seedsnap.loaders.common import unreadable

    table = MENTARA.table("User")
    column = table.column("updatedAt")

    def strict(part: pl.Series) -> pl.Series:
        return part.str.to_datetime("%Y", strict=True)

    def whole(part: pl.Series) -> pl.Series:
        if part.len() > 2:
            raise ValueError("too many at once")
        return part

    one = unreadable(table, column, pl.Series(["2020", "x", None]), strict, "fix", ValueError())
    assert "User.updatedAt holds 'x'," in str(one)
    error = ValueError("too many at once")
    many = unreadable(table, column, pl.Series(["a", "b", "c", "d"]), whole, "fix", error)
    assert "User.updatedAt holds values (too many at once)," in str(many)
    nulls = pl.Series([None, None, None], dtype=pl.String)
    empty = unreadable(table, column, nulls, whole, "fix", error)
    assert "holds values (too many at once)" in str(empty) and "None" not in str(empty)


def test_a_table_without_its_primary_key_is_drift_to_diff(light: Path, tmp_path: Path) -> None:
    """diff matches rows by primary key: a table that lost its key could hold a key twice,
    which the diff would miscount, so it is refused as drift, naming the table."""
    url = loaded(light, f"sqlite:///{tmp_path}/t.sqlite")
    conn = target(url).module.connect(url, create=False)
    try:
        table_sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'Notification'"
        ).fetchone()[0]
        keyless = table_sql.replace(',\n    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")', "")
        assert keyless != table_sql
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute('ALTER TABLE "Notification" RENAME TO "old"')
        conn.execute(keyless)
        conn.execute('INSERT INTO "Notification" SELECT * FROM "old"')
        conn.execute('DROP TABLE "old"')
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(DriftError, match=r"Notification has no primary key, the model's is \(id\)"):
        diff(light, url)


def test_a_table_name_in_the_wrong_case_is_pointed_at_the_right_one(light: Path) -> None:
    result = run("diff", str(light), str(light), "--table", "post")
    assert result.exit_code == 2
    assert "unknown table(s) post" in result.stderr and "e.g. Post" in result.stderr
    near = run("diff", str(light), str(light), "--table", "Posts")
    assert near.exit_code == 2 and "e.g. Post" in near.stderr, near.stderr
    one = run("diff", str(light), str(light), "--table", "Post")
    assert one.exit_code == 0 and one.stdout.rstrip().endswith("rows in 1 table)"), one.stdout


def test_the_verdict_counts_each_kind_of_missing_key() -> None:
    """The last line names how many unique and foreign keys the database lacks, each kind only
    when there is one, after the rows' verdict; the problems are listed above it in order."""
    from seedsnap.loaders.common import MissingKeys

    report = DiffReport("snap", "db", "postgres")
    report.tables = [TableDiff("User", missing=1, equal=2), TableDiff("Post", equal=3)]
    report.keys = MissingKeys(unique=["u1"], foreign=["f1", "f2"])
    text = report.render("text", False)
    assert text.index("schema: u1\n") < text.index("schema: f1\n") < text.index("schema: f2\n")
    assert text.rstrip().endswith(
        "1 of 2 tables differs (1 missing, 0 extra, 0 changed), and the database lacks "
        "1 unique key and 2 foreign keys of the model (listed above)"
    )
    assert report.exit_code == 1
    report.tables = [TableDiff("Post", equal=3)]
    report.keys = MissingKeys(foreign=["f1"])
    assert (
        report.render("text", False)
        .rstrip()
        .endswith(
            "rows equal (3 rows in 1 table), but the database lacks 1 foreign key of the model "
            "(listed above)"
        )
    )
    assert json.loads(report.render("json", False))["schema"] == ["f1"]
    report.keys = MissingKeys()
    assert report.exit_code == 0


# --- diff, verify and load --audit open a file database read-only --------------------------


def _holds_read_only(path: Path) -> subprocess.Popen[str]:
    """Another process holding the DuckDB file ``path`` open read-only, ready when it returns."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('ready', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_diff_verify_and_audit_read_a_file_they_may_not_write(
    light: Path, tmp_path: Path, dialect: str
) -> None:
    """A file of mode 444 is diffed and verified; the connection itself refuses writes (the
    mode alone proves nothing to root), and the file is left byte for byte as it was."""
    path = tmp_path / f"ro.{dialect}"
    url = loaded(light, f"{dialect}:///{path}")
    path.chmod(0o444)
    before = path.read_bytes()
    try:
        same = run("diff", str(light), "--db", url)
        assert same.exit_code == 0, same.output
        assert "equal (" in same.output.splitlines()[-1]
        checked = run("verify", "--db", url, "--mode", "light")
        assert checked.exit_code == 0, checked.output
        audit = run("load", str(light), "--db", url, "--audit", "--replace")
        assert audit.exit_code == 0, audit.output
        with ReadOnlyDatabase(url) as db:
            if dialect == "sqlite":
                db.conn.execute("PRAGMA query_only = OFF")  # only mode=ro is left to refuse
            with pytest.raises(Exception, match=r"(?i)read.?only"):
                db.conn.execute("CREATE TABLE seedsnap_probe (x INTEGER)")
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_diff_verify_and_audit_share_a_duckdb_file_with_another_reader(
    light: Path, tmp_path: Path
) -> None:
    """DuckDB lets several processes read a file at once, but only one open it to write: a
    diff that opened it for writing failed on the lock while anything else had it open."""
    path = tmp_path / "shared.duckdb"
    url = loaded(light, f"duckdb:///{path}")
    holder = _holds_read_only(path)
    try:
        same = run("diff", str(light), "--db", url)
        assert same.exit_code == 0, same.output
        assert run("verify", "--db", url, "--mode", "light").exit_code == 0
        assert run("load", str(light), "--db", url, "--audit").exit_code == 0
    finally:
        holder.communicate("")


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
@pytest.mark.parametrize("command", ["diff", "verify"])
def test_diff_and_verify_of_a_missing_file_create_nothing(
    light: Path, tmp_path: Path, dialect: str, command: str
) -> None:
    where = tmp_path / "db"
    where.mkdir()
    url = f"{dialect}:///{where}/missing.{dialect}"
    head = ["diff", str(light)] if command == "diff" else ["verify", "--mode", "light"]
    result = CliRunner().invoke(main, [*head, "--db", url])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    kind = {"duckdb": "DuckDB", "sqlite": "SQLite"}[dialect]
    assert result.stderr == (
        f"seedsnap: error: no {kind} database at {where}/missing.{dialect}; "
        "give the path of an existing database\n"
    )
    assert list(where.iterdir()) == []
