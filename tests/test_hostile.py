"""A hostile tester's inputs: snapshots forged to pass every hash (file digest, content hash
and seal made anew), unreadable files, output paths and database paths that cannot be, and a
model table another table of the app references. Each ends in one line naming what is wrong
and what to do, with the documented exit status and nothing written."""

from __future__ import annotations

import errno
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from seedsnap import snapshot
from seedsnap.cli import main
from seedsnap.errors import SnapshotError
from seedsnap.schema import MENTARA
from seedsnap.schema.frames import polars_schema

LIGHT = Path(__file__).resolve().parents[1] / "snapshots" / "mentara-light"


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    """A private copy of the committed light snapshot, free to break."""
    out = tmp_path / "light"
    shutil.copytree(LIGHT, out)
    return out


def _forge(path: Path, table: str, edit: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Rewrite ``table``'s file with ``edit`` and make its manifest entry and seal agree, as
    a forger who knows the format would: only the structural checks remain to catch it."""
    file = path / f"{table}.parquet"
    edit(pl.read_parquet(file)).write_parquet(file)
    m = json.loads((path / "manifest.json").read_text())
    entry = m["tables"][table]
    entry["file_sha256"] = snapshot._file_sha256(file)
    raw = pl.read_parquet(file)
    entry["rows"] = raw.height
    model = MENTARA.table(table)
    entry["content_hash"] = snapshot.content_hash(
        model, raw.cast(polars_schema(model)), json_stored=True
    )
    rows = sum(e["rows"] for e in m["tables"].values())
    m["totals"] = {"rows": rows, "tables": len(m["tables"])}
    m["seal"] = snapshot.seal_of(m)
    (path / "manifest.json").write_text(json.dumps(m))


def _edit_config(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    m = json.loads((path / "manifest.json").read_text())
    edit(m["config"])
    m["seal"] = snapshot.seal_of(m)
    (path / "manifest.json").write_text(json.dumps(m))


def _one_line(result: Any, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("seedsnap: error: "), result.stderr
    assert "Traceback" not in result.output
    line: str = lines[0]
    return line


def test_a_column_of_another_type_is_refused_though_every_hash_was_made_anew(
    snap: Path, tmp_path: Path
) -> None:
    # Numbers where the emails were: they cast to text, so the file was read and checked
    # (exit 1, "violations") and loaded into the database, with a forged content hash.
    _forge(snap, "User", lambda f: f.with_columns(pl.col("email").str.len_bytes()))
    with pytest.raises(SnapshotError, match=r"User\.parquet: column type\(s\) differ .* email"):
        snapshot.verify(snap)
    line = _one_line(CliRunner().invoke(main, ["check", str(snap)]), 2)
    assert "email is UInt32, not String" in line and "rebuild the snapshot" in line
    db = tmp_path / "x.duckdb"
    url = f"duckdb:///{db}"
    _one_line(CliRunner().invoke(main, ["load", str(snap), "--db", url, "--create-schema"]), 1)
    assert not db.exists()


def test_a_duplicate_primary_key_is_refused_not_a_rule_that_could_not_run(
    snap: Path, tmp_path: Path
) -> None:
    # `check` ended "rule notification.request_of_a_pair could not run: … More than one row
    # returned by a subquery; check that every table and column … is present", and a load
    # stopped at the database's own unique violation, "see the message".
    _forge(snap, "User", lambda f: pl.concat([f, f.head(1).with_columns(email=pl.lit("x@y.z"))]))
    line = _one_line(CliRunner().invoke(main, ["check", str(snap)]), 2)
    assert "User.parquet: 2 rows share a primary key (id=" in line, line
    db = tmp_path / "x.duckdb"
    url = f"duckdb:///{db}"
    line = _one_line(
        CliRunner().invoke(main, ["load", str(snap), "--db", url, "--create-schema"]), 1
    )
    assert "2 rows share a primary key" in line and not db.exists()


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda f: f.rename({"email": "e_mail"}),
            "column(s) missing: email; column(s) not in the model: e_mail",
        ),
        (lambda f: f.drop("bio"), "column(s) missing: bio; rebuild"),
        (lambda f: f.select(reversed(f.columns)), "columns are in another order than the model's"),
    ],
)
def test_a_renamed_dropped_or_reordered_column_is_named_not_listed_with_all_the_others(
    snap: Path, edit: Callable[[pl.DataFrame], pl.DataFrame], says: str
) -> None:
    # The line printed both lists of 29 column names for the one that was renamed.
    file = snap / "User.parquet"
    edit(pl.read_parquet(file)).write_parquet(file)
    m = json.loads((snap / "manifest.json").read_text())
    m["tables"]["User"]["file_sha256"] = snapshot._file_sha256(file)
    m["seal"] = snapshot.seal_of(m)
    (snap / "manifest.json").write_text(json.dumps(m))
    line = _one_line(CliRunner().invoke(main, ["check", str(snap)]), 2)
    assert says in line and len(line) < 200, line


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda c: c.update(anchor="garbage"), "config anchor 'garbage' is not an ISO-8601 time"),
        (lambda c: c.pop("anchor"), "config has no anchor"),
        (lambda c: c.update(minimums="x"), "config minimums is not an object of objects"),
        (
            lambda c: c["minimums"]["client"].update(posts="seven"),
            "config minimum client.posts 'seven' is not a whole number",
        ),
        (lambda c: c.update(mode=5), "config mode 5 is not text"),
        (lambda c: c.update(seed="7"), "config seed '7' is not a whole number"),
    ],
)
def test_a_resealed_manifest_with_a_config_of_the_wrong_shape_names_the_manifest(
    snap: Path, edit: Callable[[dict[str, Any]], None], says: str
) -> None:
    # `check` said "bad anchor time 'garbage'; give an ISO-8601 time such as …", as if the
    # user had given --anchor, or "has no usable anchor/minimums (KeyError: 'anchor')".
    _edit_config(snap, edit)
    for args, code in ((["check", str(snap)], 2), (["show", str(snap)], 1)):
        line = _one_line(CliRunner().invoke(main, args), code)
        assert f"manifest.json: malformed manifest: {says}" in line, line
        assert "the manifest was edited after it was written" in line


@pytest.mark.parametrize("name", ["User.parquet", "manifest.json"])
def test_an_unreadable_file_is_one_line_that_says_to_fix_its_permissions(
    snap: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # A Parquet file the user could not read ended in a PermissionError traceback (exit 1,
    # also from check and diff), an unreadable manifest in "rebuild the snapshot".
    denied = snap / name
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    for args, code in (
        (["show", str(snap)], 1),
        (["check", str(snap)], 2),
        (["diff", str(snap), str(LIGHT)], 2),
        (["load", str(snap), "--db", f"duckdb:///{snap.parent / 'x.duckdb'}"], 1),
    ):
        line = _one_line(CliRunner().invoke(main, args), code)
        assert f"{name}: cannot read the file (Permission denied); make it readable" in line
    assert not (snap.parent / "x.duckdb").exists()


@pytest.mark.parametrize("under", ["inner", "a/b"])
def test_a_build_inside_an_existing_snapshot_is_refused(snap: Path, under: str) -> None:
    # It was written, and the outer snapshot then refused every rebuild ("holds files
    # seedsnap did not write (inner)").
    before = sorted(p.name for p in snap.iterdir())
    out = snap / under
    line = _one_line(
        CliRunner().invoke(main, ["build", "--mode", "light", "--out", str(out), "-q"]), 1
    )
    assert f"is inside the snapshot {snap}" in line and "outside it" in line
    assert sorted(p.name for p in snap.iterdir()) == before


def test_an_empty_out_is_refused_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # It was taken for ".", "exists and is not a seedsnap snapshot (no manifest.json)".
    monkeypatch.chdir(tmp_path)
    line = _one_line(CliRunner().invoke(main, ["build", "--out", "", "-q"]), 1)
    assert line == ("seedsnap: error: --out is empty; give the directory to write the snapshot to")
    assert list(tmp_path.iterdir()) == []


def test_a_database_path_under_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    # "directory notdb does not exist; create it first", of a file that exists.
    (tmp_path / "notdb").write_text("hello")
    url = f"sqlite:///{tmp_path / 'notdb' / 'x.sqlite'}"
    line = _one_line(
        CliRunner().invoke(main, ["load", str(LIGHT), "--db", url, "--create-schema"]), 1
    )
    assert "notdb is a file, not a directory" in line and "create it first" not in line


def test_a_duckdb_file_without_permission_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "check that the path is a DuckDB database file", of a database file this user may not
    # open: diff and verify open it read-only, so reading is all they need; load writes.
    import duckdb

    db = tmp_path / "ro.duckdb"
    duckdb.connect(str(db)).close()

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise duckdb.IOException(f'IO Error: Cannot open file "{db}": Permission denied')

    monkeypatch.setattr(duckdb, "connect", denied)
    line = _one_line(CliRunner().invoke(main, ["verify", "--db", f"duckdb:///{db}"]), 2)
    assert line.endswith("Permission denied; make the file readable by the user running seedsnap")
    line = _one_line(CliRunner().invoke(main, ["load", str(LIGHT), "--db", f"duckdb:///{db}"]), 1)
    assert line.endswith("make the file readable and writable by the user running seedsnap")


def test_replace_under_a_foreign_reference_is_one_clean_line(pg_url: str) -> None:
    import psycopg

    runner = CliRunner()
    done = runner.invoke(main, ["load", str(LIGHT), "--db", pg_url, "--create-schema", "-q"])
    assert done.exit_code == 0, done.output
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute('CREATE TABLE app_audit (id serial PRIMARY KEY, uid text REFERENCES "User")')
        conn.execute('INSERT INTO app_audit (uid) SELECT id FROM "User" LIMIT 2')
    line = _one_line(
        runner.invoke(main, ["load", str(LIGHT), "--db", pg_url, "--replace", "-y"]), 1
    )
    # PostgreSQL's sentence ended in a full stop that ran into the fix: 'references "User".;'
    assert 'Table "app_audit" references "User"; that table is not seedsnap\'s' in line, line
    with psycopg.connect(pg_url) as conn:
        users = json.loads((LIGHT / "manifest.json").read_text())["tables"]["User"]["rows"]
        assert conn.execute('SELECT count(*) FROM "User"').fetchone() == (users,)
        assert conn.execute("SELECT count(*) FROM app_audit").fetchone() == (2,)


@pytest.mark.parametrize(("command", "code"), [("show", 1), ("check", 2), ("diff", 2), ("load", 1)])
def test_a_file_given_for_the_snapshot_is_the_commands_own_error(
    tmp_path: Path, command: str, code: int
) -> None:
    # click's Path check answered first for show, check and diff: "Invalid value for
    # 'DIRECTORY': Directory … is a file", a usage error with exit 2 (show documents 1).
    file = tmp_path / "afile"
    file.write_text("hi")
    line = _one_line(CliRunner().invoke(main, [command, str(file)]), code)
    assert line.endswith(
        "is not a snapshot directory (is a file); give the directory of a "
        "snapshot (`seedsnap build --out DIR` writes one)"
    ), line


def test_a_count_far_past_the_limit_is_shown_in_a_few_digits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `clients = 1e300` printed the number's 301 digits, grouped by thousands.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seedsnap.toml").write_text("[volumes]\nclients = 1e300\n")
    line = _one_line(CliRunner().invoke(main, ["config"]), 1)
    assert "volumes.clients = 1e+300 is more than the 800,000 clients" in line and len(line) < 300


@pytest.mark.parametrize("value", ["²", "①", "1²"])
@pytest.mark.parametrize("command", ["config", "build", "verify"])
def test_a_minimum_in_digits_int_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, value: str
) -> None:
    # str.isdigit() takes "²" for a digit, int() does not: a ValueError traceback.
    monkeypatch.chdir(tmp_path)
    args = [command, "--min", f"client.posts={value}"]
    if command == "build":
        args += ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    line = _one_line(result, 2 if command == "verify" else 1)
    assert (
        line
        == f"seedsnap: error: bad --min 'client.posts={value}'; write --min entity.requirement=N"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "{long}"], 1),
        (["check", "{long}"], 2),
        (["diff", "{long}", "{long}"], 2),
        (["load", "{long}"], 1),
        (["load", str(LIGHT), "--db", "duckdb:///{long}", "--create-schema"], 1),
        (["diff", str(LIGHT), "--db", "sqlite:///{long}"], 2),
        (["verify", "--db", "duckdb:///{long}"], 2),
        (["build", "--out", "{long}", "-q"], 1),
    ],
)
def test_a_file_name_too_long_for_the_file_system_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int
) -> None:
    # An OSError "File name too long" traceback from the first stat of the path.
    monkeypatch.chdir(tmp_path)
    long = "a" * 300
    result = CliRunner().invoke(main, [a.replace("{long}", long) for a in args])
    line = _one_line(result, code)
    assert line.startswith(f"seedsnap: error: {'a' * 60}…: ") and len(line) < 200, line
    assert "too long" in line and "shorter" in line
    assert list(tmp_path.iterdir()) == []


def test_verify_as_a_role_that_may_not_read_a_table_names_the_table(pg_url: str) -> None:
    # The first rule on it failed: "rule not_null:Meeting.startTime, … (12 rule ids) could
    # not run: InsufficientPrivilege …; check that every table and column of the Mentara
    # schema is present", of tables that were all there.
    import uuid

    import psycopg
    from psycopg import sql

    done = CliRunner().invoke(main, ["load", str(LIGHT), "--db", pg_url, "--create-schema", "-q"])
    assert done.exit_code == 0, done.output
    role = f"seedsnap_test_ro_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        as_role = pg_url.replace("//postgres@", f"//{role}@", 1)
        assert as_role != pg_url
        line = _one_line(CliRunner().invoke(main, ["verify", "--db", as_role]), 2)
        assert "permission denied for table Meeting (and 41 more tables)" in line, line
        assert "could not run" not in line and "is present" not in line
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(
                    sql.Identifier(role)
                )
            )
            conn.execute(sql.SQL('REVOKE SELECT ON "Review" FROM {}').format(sql.Identifier(role)))
        line = _one_line(CliRunner().invoke(main, ["verify", "--db", as_role]), 2)
        assert line == (
            "seedsnap: error: reading Review: permission denied for table Review; connect as "
            "the owner of the tables, or as a role granted SELECT on them"
        )
        # The rules that do not read it still run.
        done = CliRunner().invoke(main, ["verify", "--db", as_role, "--rule", "pk:User"])
        assert done.exit_code == 0, done.output
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_ctrl_c_while_a_committed_load_prints_its_report_says_the_load_is_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C just after the commit, as the report printed: "seedsnap: interrupted" and 130,
    # which the README says means "the load rolled back", of rows that were committed.
    import os
    import signal
    import time

    from seedsnap.loaders.common import LoadReport

    to_text = LoadReport.to_text

    def interrupted(self: LoadReport) -> str:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here
        return to_text(self)

    monkeypatch.setattr(LoadReport, "to_text", interrupted)
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(
        main, ["load", str(LIGHT), "--db", f"duckdb:///{db}", "-q", "--create-schema"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "seedsnap: interrupted after the load was committed: the load is complete\n"
    )
    rows = json.loads((LIGHT / "manifest.json").read_text())["totals"]["rows"]
    assert f"{rows:,} rows inserted" in result.stdout
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_after_a_command_ended_leaves_its_exit_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A Ctrl-C while the interpreter wound down printed a KeyboardInterrupt traceback from
    # the exit hook (exit 0), or ended a completed load by SIGINT (130) without a word.
    import os
    import signal
    import time

    from seedsnap import cli

    def finished() -> None:
        raise SystemExit(0)

    monkeypatch.setattr(cli, "main", finished)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(SystemExit) as ended:
            cli.run()
        assert ended.value.code == 0
        os.kill(os.getpid(), signal.SIGINT)  # let pass: no KeyboardInterrupt
        time.sleep(0.05)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL  # a second one ends it
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
