"""`seedsnap load` on bad input: one line naming the cause and the fix, exit 1, nothing written.

Unreachable host, refused login (wrong password, unknown role, unknown database), a snapshot
with a flipped byte, a missing Parquet file, a newer format version, a table name with a quote,
a drifted database, a conflicting unique value, and the process killed in the middle of a load.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import pytest
from click.testing import CliRunner, Result
from test_load_support import (
    LOADERS,
    clear_seed_env,
    counts,
    create_schema,
    dialect,
    execute,
    make_snapshot,
    target_url,
    write_snapshot,
)

from seedsnap import snapshot
from seedsnap.cli import main
from seedsnap.loaders.common import Catalog, ForeignShape
from seedsnap.loaders.synthetic import frames as synthetic_frames
from seedsnap.schema import MENTARA
from seedsnap.schema.ddl import render


@pytest.fixture(autouse=True)
def _no_seed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_seed_env(monkeypatch)


@pytest.fixture(scope="module")
def hand_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot("hand", tmp_path_factory)


@pytest.fixture(scope="module")
def synthetic_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot("synthetic", tmp_path_factory)


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return target_url(request, tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["load", *args])


def one_line_error(result: Result, *needles: str) -> str:
    """The single stderr line of a failed load, checked for exit 1 and for ``needles``."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("seedsnap: error: ")
    assert "Traceback" not in line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


def copy_snapshot(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def no_tables(url: str) -> bool:
    if dialect(url) == "postgres":
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
        return row == (0,)
    from seedsnap.loaders import connect

    module, conn = connect(url)
    try:
        return not module.read_catalog(conn)
    finally:
        module.close(conn)


# ---------------------------------------------------------------------------------------------
# Connection


@pytest.mark.postgres
def test_unreachable_host(hand_snapshot: Path, pg_admin_url: str) -> None:
    # Port 1 on the loopback: nothing listens there, the refusal is immediate.
    line = one_line_error(
        run(str(hand_snapshot), "--db", "postgresql://postgres@127.0.0.1:1/mentara"),
        "cannot connect to postgresql://postgres@127.0.0.1:1/mentara",
        # The driver's two lines are joined readably, not run together.
        "Connection refused; Is the server running on that host",
        "check that PostgreSQL is running",
    )
    assert "failed:" not in line
    assert "refused Is" not in line


def _fake_server_refusing_password() -> Iterator[int]:
    """A socket that speaks just enough of the PostgreSQL protocol to refuse a password.

    The test server's pg_hba trusts 127.0.0.1, so it never asks for a password; this stands
    in for one that does: it answers SSL/GSS requests with "N", asks for a cleartext password,
    and answers any password with PostgreSQL's own FATAL 28P01 error.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(10)

    def recv(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                try:
                    while True:
                        length, code = struct.unpack("!ii", recv(conn, 8))
                        if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                            conn.sendall(b"N")
                            continue
                        recv(conn, length - 8)
                        break
                    conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # cleartext password
                    recv(conn, 1)
                    (size,) = struct.unpack("!i", recv(conn, 4))
                    recv(conn, size - 4)
                    fields = (
                        b"SFATAL\0VFATAL\0C28P01\0"
                        b'Mpassword authentication failed for user "postgres"\0\0'
                    )
                    conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)
                except (ConnectionError, OSError):
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_wrong_password(hand_snapshot: Path) -> None:
    for port in _fake_server_refusing_password():
        url = f"postgresql://postgres:s3cret@127.0.0.1:{port}/mentara"
        line = one_line_error(
            run(str(hand_snapshot), "--db", url),
            f"cannot connect to postgresql://postgres@127.0.0.1:{port}/mentara",
            'password authentication failed for user "postgres"',
            "check the user and password",
        )
        assert "s3cret" not in line


@pytest.mark.postgres
def test_unknown_role_and_unknown_database(hand_snapshot: Path, pg_admin_url: str) -> None:
    base = pg_admin_url.rpartition("/")[0]
    host = base.split("@")[-1]
    one_line_error(
        run(str(hand_snapshot), "--db", f"postgresql://nobody_here@{host}/postgres"),
        'role "nobody_here" does not exist',
        "use an existing role",
    )
    one_line_error(
        run(str(hand_snapshot), "--db", f"{base}/no_such_db_seedsnap"),
        'database "no_such_db_seedsnap" does not exist',
        "create the database",
    )


def test_unsupported_url(hand_snapshot: Path) -> None:
    one_line_error(
        run(str(hand_snapshot), "--db", "mysql://root@localhost/mentara"),
        "unsupported database URL",
        "postgresql://",
    )


@pytest.mark.parametrize(
    ("url", "shown", "fix"),
    [
        # SQLAlchemy's spelling with a driver: the URL as given (its password left out), and
        # the one seedsnap takes; it showed only '127.0.0.1/x', which nobody had typed.
        (
            "postgresql+psycopg://postgres:s3cret@127.0.0.1/x",
            "'postgresql+psycopg://postgres@127.0.0.1/x'",
            "write postgresql://postgres@127.0.0.1/x (seedsnap picks the driver)",
        ),
        ("mysql://root:s3cret@localhost/mentara", "'mysql://root@localhost/mentara'", "use "),
        # libpq's password as a query parameter is a password too; the rest of the query stays.
        ("mysql://u:s3cret@h/x?password=s3cret", "'mysql://u@h/x'", "use "),
        ("mysql://h/x?ssl=1&PASSWORD=s3cret&a=2#f", "'mysql://h/x?ssl=1&a=2#f'", "use "),
    ],
)
def test_an_unsupported_url_is_shown_as_given(
    hand_snapshot: Path, url: str, shown: str, fix: str
) -> None:
    line = one_line_error(run(str(hand_snapshot), "--db", url), f"unsupported database URL {shown}", fix)  # fmt: skip
    assert "s3cret" not in line


@pytest.mark.postgres
def test_a_url_without_a_host_takes_it_from_the_query_or_the_environment(
    hand_snapshot: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libpq's postgresql:///db (host, user from ?host=, PGHOST, or the local socket) lost
    # its empty authority on the way: "postgresql:/db", refused as an invalid option.
    parts = urlsplit(pg_url)
    db = parts.path.lstrip("/")
    query = f"host={parts.hostname}&port={parts.port or 5432}&user={parts.username}"
    result = run(str(hand_snapshot), "--db", f"postgresql:///{db}?{query}", "--create-schema")
    assert result.exit_code == 0, result.output
    assert f"into postgresql:///{db} (postgres)" in result.stdout
    monkeypatch.setenv("PGHOST", parts.hostname or "")
    monkeypatch.setenv("PGPORT", str(parts.port or 5432))
    monkeypatch.setenv("PGUSER", parts.username or "")
    again = run(str(hand_snapshot), "--db", f"postgresql:///{db}")
    assert again.exit_code == 0, again.output
    assert "0 rows inserted" in again.stdout


def test_a_url_python_cannot_parse(hand_snapshot: Path) -> None:
    # urlsplit raises on an unclosed IPv6 bracket: one line, without the password.
    line = one_line_error(
        run(str(hand_snapshot), "--db", "postgresql://postgres:s3cret@[::1/mentara"),
        "bad postgresql URL '[::1/mentara': Invalid IPv6 URL",
        "postgresql://user@[::1]:5432/database",
    )
    assert "s3cret" not in line


def test_a_bad_parameter_value_in_the_url(hand_snapshot: Path) -> None:
    # libpq refuses it before connecting: the fix is the value, not the server.
    line = one_line_error(
        run(str(hand_snapshot), "--db", "postgresql://postgres@127.0.0.1:1/x?sslmode=bogus"),
        'invalid sslmode value: "bogus"',
        "fix that parameter's value in the URL",
    )
    assert "is running" not in line.rpartition(";")[2]


@pytest.mark.parametrize(
    ("url", "says", "fix"),
    [
        (
            "postgresql://postgres:s3cret@[::1]x:5432/x",
            'unexpected character "x"',
            "write the URL as postgresql://",
        ),
        ("postgresql://postgres:s3cret@127.0.0.1/x?connect_timeout=abc", "bad value", "value"),
        ("postgresql://postgres:s3cret@127.0.0.1:99999/x", "invalid port", "fix the port"),
        ("postgresql://postgres:my s3cret@127.0.0.1/x", "unexpected spaces", "write the URL"),
        ("postgresql://postgres:s3cret@127.0.0.1/x?foo=bar", "foo", "write the URL"),
    ],
)
def test_a_url_libpq_refuses_names_the_url_not_the_server(
    hand_snapshot: Path, url: str, says: str, fix: str
) -> None:
    # libpq refuses these before connecting, quoting the URL (or a part of it) it read.
    line = one_line_error(run(str(hand_snapshot), "--db", url), says, fix)
    assert "s3cret" not in line and "connect_timeout=10" not in line
    assert "is running" not in line.rpartition(";")[2]


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_missing_database_file_without_create_schema(
    hand_snapshot: Path, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"absent.{kind}"
    one_line_error(
        run(str(hand_snapshot), "--db", f"{kind}:///{path}"),
        f"no {'DuckDB' if kind == 'duckdb' else 'SQLite'} database at {path}",
        "add --create-schema to create it",
    )
    assert not path.exists(), "a failed load leaves no empty database file behind"


def test_a_missing_default_database_says_it_is_the_default(
    hand_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer who left out --db is told which file was meant, and why that one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDSNAP_DB", raising=False)
    one_line_error(
        run(str(hand_snapshot)),
        "no DuckDB database at seedsnap.duckdb (the default, used when neither --db nor "
        "$SEEDSNAP_DB is given)",
        "add --create-schema to create it",
    )
    # A file named by --db is the user's own choice: no word of defaults.
    line = one_line_error(run(str(hand_snapshot), "--db", "duckdb:///other.duckdb"), "other")
    assert "default" not in line


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_an_audit_of_a_missing_file_does_not_suggest_create_schema(
    hand_snapshot: Path, tmp_path: Path, kind: str
) -> None:
    # --audit never creates the file, so adding --create-schema (given already) cannot help.
    path = tmp_path / f"absent.{kind}"
    line = one_line_error(
        run(str(hand_snapshot), "--db", f"{kind}:///{path}", "--audit", "--create-schema"),
        f"database at {path}",
        "--audit creates nothing: give an existing database, or load without --audit",
    )
    assert "add --create-schema" not in line
    assert not path.exists()


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_a_missing_directory_explains_three_and_four_slashes(
    hand_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    # duckdb:///tmp/… is tmp/… under the current directory, as in SQLAlchemy.
    url = f"{kind}:///no_such_dir/x.{kind}"
    one_line_error(
        run(str(hand_snapshot), "--db", url, "--create-schema"),
        f"cannot create no_such_dir/x.{kind}: directory no_such_dir does not exist",
        "create it first",
        "three slashes make the path relative to the current directory",
        f"for /no_such_dir/x.{kind} write {kind}:////no_such_dir/x.{kind}",
    )
    assert not (tmp_path / "no_such_dir").exists()


def _null_content_snapshot(hand_snapshot: Path, tmp_path: Path) -> Path:
    """A snapshot whose hashes are right but whose Comment table has a NULL where the model
    (and the database) has NOT NULL: it is refused only when the insert fails, after the
    database was opened and the schema made. (A repeated primary key, which this was, is
    refused as the snapshot is read now: test_hostile.)"""
    from test_load_support import snapshot_frames

    frames = snapshot_frames(hand_snapshot)
    frames["Comment"] = frames["Comment"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(None)
        .otherwise(pl.col("content"))
        .alias("content")
    )
    return write_snapshot(tmp_path / "dup", frames)


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_a_failed_load_removes_the_database_file_it_created(
    hand_snapshot: Path, tmp_path: Path, kind: str
) -> None:
    snap = _null_content_snapshot(hand_snapshot, tmp_path)
    path = tmp_path / f"new.{kind}"
    one_line_error(
        run(str(snap), "--db", f"{kind}:///{path}", "--create-schema"),
        "loading Comment",
        # DuckDB's own message, not the "transaction is aborted" of the cleanup after it.
        'NOT NULL constraint failed: "Comment"'
        if kind == "duckdb"
        else "NOT NULL constraint failed: Comment.content",
        "nothing was written",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dup"], "no file left behind"

    # A file that was there before the load is left alone (and as it was).
    url = f"{kind}:///{path}"
    create_schema(url)
    before = path.read_bytes()
    one_line_error(run(str(snap), "--db", url), "loading Comment")
    assert path.exists() and counts(url)["Comment"] == 0
    if kind == "sqlite":
        assert path.read_bytes() == before


def test_a_load_that_cannot_open_a_new_database_leaves_another_loads_file(
    hand_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two loads into one new DuckDB file: the other one creates it between this one's look
    and its connection, which then fails on the lock; the file is the other load's and stays."""
    import duckdb

    from seedsnap.errors import DatabaseError
    from seedsnap.loaders import duckdb as loader

    path = tmp_path / "new.duckdb"

    def locked(url: str, create: bool = False) -> object:
        with duckdb.connect(str(path)) as other:  # the other load, first to the file
            other.execute("CREATE TABLE held AS SELECT 1 AS x")
        raise DatabaseError(f"cannot open {path}: Could not set lock on file", "wait for it")

    monkeypatch.setattr(loader, "connect", locked)
    result = run(str(hand_snapshot), "--db", f"duckdb:///{path}", "--create-schema")
    assert result.exit_code == 1 and "Could not set lock" in result.stderr
    assert path.exists(), "the other load's database is still there"
    with duckdb.connect(str(path)) as conn:
        assert conn.execute("SELECT count(*) FROM held").fetchone() == (1,)


# ---------------------------------------------------------------------------------------------
# Snapshot


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_flipped_byte(target: str, hand_snapshot: Path, tmp_path: Path) -> None:
    snap = copy_snapshot(hand_snapshot, tmp_path / "flipped")
    file = snap / "Comment.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))

    one_line_error(
        run(str(snap), "--db", target, "--create-schema"),
        "Comment.parquet",
        "file bytes do not match",
        "rebuild the snapshot",
    )
    if dialect(target) == "postgres":
        assert no_tables(target), "the database was not touched"
    else:
        assert not Path(target.partition(":///")[2]).exists(), "no database file was made"


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_content_edited_with_its_file_digest(
    target: str, hand_snapshot: Path, tmp_path: Path
) -> None:
    """A table's file rewritten with other content and its file_sha256 updated to match: the
    bytes check passes, the content hash of the decoded rows does not, and nothing is loaded."""
    import hashlib

    import polars as pl

    snap = copy_snapshot(hand_snapshot, tmp_path / "forged")
    file = snap / "Comment.parquet"
    rows = pl.read_parquet(file)
    rows.with_columns(pl.col("content").str.replace(r"^.", "X")).write_parquet(file)
    digest = "sha256:" + hashlib.sha256(file.read_bytes()).hexdigest()
    _edit_manifest(snap, lambda d: d["tables"]["Comment"].update(file_sha256=digest))

    one_line_error(
        run(str(snap), "--db", target, "--create-schema"),
        "Comment.parquet",
        "content hash",
        "rebuild the snapshot",
    )
    if dialect(target) == "postgres" or Path(target.partition(":///")[2]).exists():
        assert no_tables(target), "the load was rolled back"


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_missing_parquet_file(target: str, hand_snapshot: Path, tmp_path: Path) -> None:
    snap = copy_snapshot(hand_snapshot, tmp_path / "missing")
    (snap / "Message.parquet").unlink()
    one_line_error(
        run(str(snap), "--db", target, "--create-schema"),
        "Message.parquet",
        "missing",
        "rebuild the snapshot",
    )


def _edit_manifest(snap: Path, edit: object) -> None:
    path = snap / "manifest.json"
    doc = json.loads(path.read_text())
    edit(doc)  # type: ignore[operator]
    if "seal" in doc:  # as a forger who knows the format would
        doc["seal"] = snapshot.seal_of(doc)
    path.write_text(json.dumps(doc))


def test_newer_format_version(hand_snapshot: Path, tmp_path: Path) -> None:
    snap = copy_snapshot(hand_snapshot, tmp_path / "newer")
    _edit_manifest(snap, lambda d: d.update(format_version=d["format_version"] + 1))
    one_line_error(
        run(str(snap), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--create-schema"),
        "manifest.json",
        "newer seedsnap",
        "upgrade seedsnap",
    )
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_table_name_with_a_quote(target: str, hand_snapshot: Path, tmp_path: Path) -> None:
    snap = copy_snapshot(hand_snapshot, tmp_path / "quote")
    evil = 'User"; DROP TABLE "Post"; --'

    def rename(doc: dict[str, dict[str, object]]) -> None:
        doc["tables"][evil] = doc["tables"].pop("User")

    _edit_manifest(snap, rename)
    create_schema(target)
    one_line_error(
        run(str(snap), "--db", target),
        "unsafe table name",
        "tampered",
    )
    assert counts(target)["Post"] == 0
    assert "Post" in [t for t in MENTARA.table_names]


# ---------------------------------------------------------------------------------------------
# Database


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_drifted_database_is_reported_and_untouched(target: str, hand_snapshot: Path) -> None:
    create_schema(target)
    # A table nothing references: DuckDB cannot alter a table other tables depend on.
    execute(target, 'ALTER TABLE "Notification" DROP COLUMN "actionUrl"')
    line = one_line_error(
        run(str(hand_snapshot), "--db", target),
        "the database has drifted from the snapshot's schema: Notification.actionUrl is missing;",
        "migrate the database",
    )
    assert line.count(" is missing") == 1
    # --create-schema cannot help a database that has the tables: it is not suggested, with
    # or without the option.
    assert "--create-schema" not in line
    line = one_line_error(
        run(str(hand_snapshot), "--db", target, "--create-schema"),
        "Notification.actionUrl is missing",
        "migrate the database to the Mentara schema (`seedsnap schema --dialect "
        f"{dialect(target)}` prints its DDL)",
    )
    assert "--create-schema" not in line
    assert sum(counts_without(target, "Notification").values()) == 0


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_table_without_its_primary_key_is_drift(target: str, hand_snapshot: Path) -> None:
    """Rows are matched by primary key: a Notification table without one (here made again
    from the model's DDL minus the key) could hold a row twice, so the load refuses it."""
    create_schema(target)
    ddl = render(MENTARA, dialect(target))
    start = ddl.index('CREATE TABLE "Notification"')
    notification = ddl[start : ddl.index(");", start) + 2]
    # The key clause, with the comma that joins it to the next clause or the previous one.
    key = r'\s*(CONSTRAINT "Notification_pkey" )?PRIMARY KEY \("id"\)'
    keyless = (
        re.sub(key + ",", "", notification)
        if re.search(key + ",", notification)
        else (re.sub("," + key, "", notification))
    )
    assert keyless != notification
    execute(target, 'DROP TABLE "Notification"')
    execute(target, keyless)
    line = one_line_error(
        run(str(hand_snapshot), "--db", target),
        "Notification has no primary key, the model's is (id)",
        "migrate the database",
    )
    assert line.count(";") == 1, "the key is the only drift"
    assert counts(target)["User"] == 0


def read_catalog(url: str) -> Catalog:
    """What the dialect's ``read_catalog`` finds on ``url``."""
    from seedsnap.loaders import connect

    module, conn = connect(url)
    try:
        catalog: Catalog = module.read_catalog(conn)
        return catalog
    finally:
        module.rollback(conn)
        module.close(conn)


def model_unique_keys(url: str) -> dict[str, set[frozenset[str]]]:
    """The unique keys ``read_catalog`` finds on ``url``, for the model's tables that have one."""
    return {t: keys for t, keys in read_catalog(url).unique.items() if t in MENTARA}


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_the_catalog_has_the_unique_keys_the_ddl_made(target: str) -> None:
    create_schema(target)
    want = {
        t.name: {frozenset(i.columns) for i in t.unique_indexes if i.columns != t.primary_key}
        if dialect(target) == "duckdb"  # whose DDL leaves out a unique key equal to the PK
        else {frozenset(i.columns) for i in t.unique_indexes}
        for t in MENTARA.tables
    }
    assert model_unique_keys(target) == {t: keys for t, keys in want.items() if keys}


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_missing_unique_index_stops_a_load_and_is_a_difference_to_diff(
    target: str, hand_snapshot: Path
) -> None:
    """Without User's unique index on email the app could store one email twice, and load's
    conflict planning would trust a key nothing enforces: load refuses the database, naming
    the index and the statement that adds it. diff, which matches rows by primary key, still
    compares and reports the missing key as a difference; verify's unique rule finds the
    duplicates it let in. An index on an expression of the column does not count."""
    create_schema(target)
    execute(
        target,
        'DROP INDEX "User_email_key"',
        'CREATE UNIQUE INDEX "User_lower_email" ON "User"(lower("email"))',
    )
    problem = (
        "User has no unique index on (email), the model has one (add it, once no value is "
        'there twice: CREATE UNIQUE INDEX "User_email_key" ON "User"("email"))'
    )
    line = one_line_error(
        run(str(hand_snapshot), "--db", target),
        f"the database has drifted from the snapshot's schema: {problem}; migrate the database",
    )
    assert line.count(";") == 1, "the index is the only drift"
    assert counts(target)["User"] == 0
    diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
    assert diffed.exit_code == 1, diffed.output
    assert f"schema: {problem}\n" in diffed.stdout
    assert diffed.stdout.rstrip().endswith(
        "and the database lacks 1 unique key of the model (listed above)"
    )
    as_json = CliRunner().invoke(
        main, ["diff", str(hand_snapshot), "--db", target, "--format", "json"]
    )
    assert json.loads(as_json.stdout)["schema"] == [problem]

    fix = re.search(r"twice: (CREATE UNIQUE INDEX [^)]*\))\)", line)
    assert fix is not None
    execute(target, fix[1])
    assert run(str(hand_snapshot), "--db", target).exit_code == 0
    assert counts(target)["User"] == 4
    diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
    assert diffed.exit_code == 0, diffed.output

    # The index gone again, the app stores one email for every user: diff shows the rows
    # and the key, verify names the duplicates (it used to stop at the missing index).
    execute(
        target,
        'DROP INDEX "User_email_key"',
        'DROP INDEX "User_lower_email"',
        'UPDATE "User" SET "email" = \'a@b.c\'',
    )
    diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
    assert diffed.exit_code == 1 and f"schema: {problem}" in diffed.stdout
    verified = CliRunner().invoke(main, ["verify", "--db", target, "--mode", "light"])
    assert verified.exit_code == 1, verified.output
    assert "unique:User_email_key" in verified.stdout


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_unique_key_in_any_form_or_order_and_extra_ones_are_no_drift(
    target: str, hand_snapshot: Path
) -> None:
    """A model key held by a UNIQUE constraint with its columns in another order (and, where
    the database allows it, case) is the model's key; unique indexes beyond the model's are
    the database's own business."""
    create_schema(target)
    reaction = MENTARA.table("MessageReaction")
    (key,) = reaction.unique_indexes
    reordered = ", ".join(f'"{c}"' for c in reversed(key.columns))
    if dialect(target) == "postgres":
        execute(
            target,
            f'DROP INDEX "{key.name}"',
            f'ALTER TABLE "MessageReaction" ADD CONSTRAINT "reaction_key" UNIQUE ({reordered})',
        )
    else:
        # Neither DuckDB nor SQLite adds a constraint to a table: it is made again with it,
        # the columns spelled in another case (both match identifiers without regard to it).
        ddl = render(MENTARA, dialect(target))
        start = ddl.index('CREATE TABLE "MessageReaction"')
        end = ddl.index("\n);", start)
        shouted = ", ".join(c.upper() for c in reversed(key.columns))
        execute(
            target,
            'DROP TABLE "MessageReaction"',
            ddl[start:end] + f",\n    UNIQUE ({shouted})\n)",
        )
    execute(
        target,
        'CREATE UNIQUE INDEX "User_extra_key" ON "User"("id", "email")',
        'CREATE UNIQUE INDEX "Post_extra_key" ON "Post"("userId", "id")',
    )
    assert frozenset(key.columns) in model_unique_keys(target)["MessageReaction"]
    result = run(str(hand_snapshot), "--db", target)
    assert result.exit_code == 0, result.output
    diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
    assert diffed.exit_code == 0, diffed.output


def test_a_duckdb_key_spelled_in_another_case_is_the_same_key(
    hand_snapshot: Path, tmp_path: Path
) -> None:
    """DuckDB keeps a key's column names as the DDL spelled them; identifiers ignore case, so
    PRIMARY KEY (ID) on "id" is the model's key and the database loads."""
    url = f"duckdb:///{tmp_path / 'cased.duckdb'}"
    ddl = render(MENTARA, "duckdb").replace('PRIMARY KEY ("id")', "PRIMARY KEY (ID)")
    assert "PRIMARY KEY (ID)" in ddl
    execute(url, ddl)
    result = run(str(hand_snapshot), "--db", url)
    assert result.exit_code == 0, result.output
    assert counts(url)["User"] > 0


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_create_schema_on_some_of_the_tables_names_what_helps(
    target: str, hand_snapshot: Path
) -> None:
    create_schema(target)
    execute(target, 'DROP TABLE "Notification"')
    line = one_line_error(
        run(str(hand_snapshot), "--db", target, "--create-schema"),
        "--create-schema needs an empty database, but only some tables exist (missing: "
        "Notification)",
        f"create the missing tables (`seedsnap schema --dialect {dialect(target)}` prints the DDL)",
        "or load into a database without any of them",
    )
    assert line.count("--create-schema") == 1, "the fix does not suggest the option given"


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_database_without_the_model_tables_suggests_create_schema(
    target: str, hand_snapshot: Path
) -> None:
    execute(target, "CREATE TABLE other_app (id INTEGER)")
    one_line_error(
        run(str(hand_snapshot), "--db", target),
        "the database has none of the model's 42 tables; add --create-schema to create them",
    )
    assert model_tables(target) == [], "nothing was created"


@pytest.mark.postgres
def test_a_schema_the_url_names_that_does_not_exist(hand_snapshot: Path, pg_url: str) -> None:
    # Not "no tables, add --create-schema": that would fail, having nowhere to create them.
    url = f"{pg_url}?schema=mentara"
    for extra in ([], ["--create-schema"]):
        one_line_error(
            run(str(hand_snapshot), "--db", url, *extra),
            f"{pg_url} has no schema 'mentara' this user may use (named by ?schema= in the URL)",
            'create it (CREATE SCHEMA "mentara") or grant USAGE on it, or fix ?schema= in the URL',
        )
    result = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", url])
    assert result.exit_code == 2 and "has no schema 'mentara'" in result.stderr
    execute(pg_url, "CREATE SCHEMA mentara")
    assert run(str(hand_snapshot), "--db", url, "--create-schema").exit_code == 0
    assert len(model_tables(url)) == len(MENTARA.tables)
    assert model_tables(pg_url) == []


def model_tables(url: str) -> list[str]:
    """The tables of the Mentara model that exist on ``url``."""
    from seedsnap.loaders import connect

    module, conn = connect(url)
    try:
        catalog = module.read_catalog(conn)
        return [t for t in MENTARA.table_names if t in catalog]
    finally:
        module.rollback(conn)
        module.close(conn)


def counts_without(url: str, table: str) -> dict[str, int]:
    """Row counts of every model table but ``table`` (whose column the test dropped)."""
    from seedsnap.loaders import connect

    module, conn = connect(url)
    try:
        out = {}
        for name in MENTARA.table_names:
            if name != table:
                out[name] = int(module.has_rows(conn, MENTARA.table(name)))
        return out
    finally:
        module.rollback(conn)
        module.close(conn)


@pytest.mark.postgres
def test_every_kind_of_drift_on_postgres(pg_url: str, synthetic_snapshot: Path) -> None:
    create_schema(pg_url)
    execute(
        pg_url,
        'ALTER TABLE "Post" DROP COLUMN "roomId"',
        'ALTER TABLE "Payment" ALTER COLUMN "amount" TYPE numeric(12,2)',
        'ALTER TABLE "User" ADD COLUMN "tenantId" text NOT NULL',
        "ALTER TYPE \"NotificationPriority\" RENAME VALUE 'URGENT' TO 'CRITICAL'",
        'ALTER TABLE "User" ALTER COLUMN "bio" SET NOT NULL',
        'DROP TABLE "WorksheetSubmission"',
    )
    result = run(str(synthetic_snapshot), "--db", pg_url)
    one_line_error(result, "+1 more")
    from seedsnap.errors import DriftError
    from seedsnap.loaders import load

    with pytest.raises(DriftError) as err:
        load(synthetic_snapshot, pg_url)
    assert sorted(err.value.problems) == sorted(
        [
            "table WorksheetSubmission is missing",
            "Post.roomId is missing",
            "Payment.amount is numeric(12,2), expected numeric(10,2)",
            "User.tenantId is NOT NULL without a default and not in the snapshot",
            "Notification.priority does not know enum value(s) ['URGENT']",
            "User.bio is NOT NULL but the snapshot has "
            f"{_nulls(synthetic_snapshot, 'User', 'bio')} NULLs",
        ]
    )


def _nulls(snap: Path, table: str, column: str) -> int:
    import polars as pl

    return pl.read_parquet(snap / f"{table}.parquet", columns=[column]).null_count().item()


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_conflicting_unique_value(target: str, hand_snapshot: Path) -> None:
    create_schema(target)
    execute(
        target,
        'INSERT INTO "Community" (id, name, slug, description, "imageUrl", "updatedAt") '
        "VALUES ('c-other', 'Anxiety Support', 'other', 'd', 'i', '2026-01-01 00:00:00.000')",
    )
    one_line_error(
        run(str(hand_snapshot), "--db", target),
        "Community row c-1 conflicts on name='Anxiety Support' with a different existing row",
        "--skip-conflicts",
    )
    assert counts(target) == {t: int(t == "Community") for t in MENTARA.table_names}


# ---------------------------------------------------------------------------------------------
# Killed in the middle


_KILLABLE = """
import sys, time
from seedsnap.loaders import LoadOptions, load

def progress(phase, table, rows):
    # Stop inside the write phase, after earlier tables were written, and wait to be killed.
    if phase == "write" and table == sys.argv[3]:
        print("writing", table, flush=True)
        time.sleep(600)

load(sys.argv[1], sys.argv[2], LoadOptions(bulk_min_rows=1), progress=progress)
"""


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_killed_mid_load_leaves_nothing_and_the_next_load_completes(
    target: str, tmp_path: Path
) -> None:
    from seedsnap.loaders import load

    snap = write_snapshot(tmp_path / "snap", synthetic_frames(MENTARA, 30))
    create_schema(target)
    execute(
        target,
        'INSERT INTO "Community" (id, name, slug, description, "imageUrl", "updatedAt") '
        "VALUES ('c-hand', 'By hand', 'by-hand', 'd', 'i', '2026-01-01 00:00:00.000')",
    )
    before = counts(target)
    last = MENTARA.load_order[-1]
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLABLE, str(snap), target, last],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == f"writing {last}", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    assert counts(target) == before, "nothing of the killed load is visible"
    report = load(snap, target)
    assert report.totals()["inserted"] == report.totals()["snapshot"]
    after = counts(target)
    assert after["Community"] == before["Community"] + 30
    assert all(after[t] > 0 for t in MENTARA.table_names)


def test_verbose_lists_every_drift_problem(tmp_path: Path, hand_snapshot: Path) -> None:
    url = f"sqlite:///{tmp_path / 'drift.sqlite'}"
    create_schema(url)
    columns = ["actionUrl", "readAt", "data", "title", "message", "updatedAt"]
    execute(url, *[f'ALTER TABLE "Notification" DROP COLUMN "{c}"' for c in columns])
    result = run(str(hand_snapshot), "--db", url, "--verbose")
    assert result.exit_code == 1
    *logged, error = result.stderr.splitlines()
    assert "(+1 more)" in error
    drift = sorted(line for line in logged if line.startswith("seedsnap: drift: "))
    assert drift == sorted(f"seedsnap: drift: Notification.{c} is missing" for c in columns)


def model_foreign_keys(url: str) -> dict[str, set[ForeignShape]]:
    """The foreign keys ``read_catalog`` finds on ``url``, for the model's tables."""
    return {t: keys for t, keys in read_catalog(url).foreign.items() if t in MENTARA}


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_the_catalog_has_the_foreign_keys_the_ddl_made(target: str) -> None:
    create_schema(target)
    want: dict[str, set[ForeignShape]] = {}
    for t in MENTARA.tables:
        for fk in t.foreign_keys:
            if dialect(target) == "duckdb" and fk.ref_table == t.name:
                continue  # DuckDB cannot declare a self-reference; its DDL leaves it out
            pairs = frozenset(zip(fk.columns, fk.ref_columns, strict=True))
            want.setdefault(t.name, set()).add((pairs, fk.ref_table))
    assert model_foreign_keys(target) == want


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_missing_foreign_key_is_a_difference_to_diff_but_no_drift_to_load(
    target: str, hand_snapshot: Path
) -> None:
    """Without Notification's foreign key to User the app could keep the notifications of a
    deleted user. Loading does not depend on it, so load goes ahead; diff, which audits the
    database, lists it beside the rows (exit 1), with the statement that adds it where the
    database has one."""
    create_schema(target)
    if dialect(target) == "postgres":
        execute(target, 'ALTER TABLE "Notification" DROP CONSTRAINT "Notification_userId_fkey"')
        fix = (
            'add it, once every row has its User: ALTER TABLE "Notification" ADD CONSTRAINT '
            '"Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") '
            "ON DELETE CASCADE ON UPDATE CASCADE"
        )
    else:
        # Neither DuckDB nor SQLite drops a constraint: the table is made again without it.
        ddl = render(MENTARA, dialect(target))
        start = ddl.index('CREATE TABLE "Notification"')
        table = ddl[start : ddl.index("\n);", start) + 3]
        without = re.sub(r",\n[^\n]*FOREIGN KEY[^\n]*", "", table)
        assert without != table and "FOREIGN KEY" not in without
        execute(target, 'DROP TABLE "Notification"', without)
        fix = (
            f"{dialect(target)} adds one only with the table: make it again as "
            f"`seedsnap schema --dialect {dialect(target)}` writes it"
        )
    problem = f"Notification has no foreign key (userId) to User(id), the model has one ({fix})"
    assert "Notification" not in model_foreign_keys(target)

    loaded = run(str(hand_snapshot), "--db", target)
    assert loaded.exit_code == 0, loaded.output
    assert counts(target)["Notification"] > 0
    diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
    assert diffed.exit_code == 1, diffed.output
    assert diffed.stdout.count("schema: ") == 1
    assert f"schema: {problem}\n" in diffed.stdout
    assert re.search(
        r": rows equal \([\d,]+ rows in 42 tables\), but the database lacks 1 foreign key of "
        r"the model \(listed above\)$",
        diffed.stdout.rstrip(),
    ), diffed.stdout
    as_json = CliRunner().invoke(
        main, ["diff", str(hand_snapshot), "--db", target, "--format", "json"]
    )
    assert json.loads(as_json.stdout)["schema"] == [problem]

    if dialect(target) == "postgres":
        execute(target, fix.split(": ", 1)[1])
        diffed = CliRunner().invoke(main, ["diff", str(hand_snapshot), "--db", target])
        assert diffed.exit_code == 0, diffed.output


@pytest.mark.parametrize("target", LOADERS, indirect=True)
def test_a_foreign_key_in_another_order_or_case_is_the_models(target: str) -> None:
    """A foreign key counts by its (column, referenced column) pairs and referenced table, not
    by its name, the order of its columns or (where the database ignores it) their case."""
    create_schema(target)
    (fk,) = MENTARA.table("Notification").foreign_keys
    if dialect(target) == "postgres":
        execute(
            target,
            'ALTER TABLE "Notification" DROP CONSTRAINT "Notification_userId_fkey"',
            'ALTER TABLE "Notification" ADD CONSTRAINT "other_name" FOREIGN KEY ("userId") '
            'REFERENCES "User"("id")',
        )
    else:
        ddl = render(MENTARA, dialect(target))
        start = ddl.index('CREATE TABLE "Notification"')
        table = ddl[start : ddl.index("\n);", start) + 3]
        shouted = re.sub(
            r'FOREIGN KEY \("userId"\) REFERENCES "User"\("id"\)',
            "FOREIGN KEY (USERID) REFERENCES user(ID)",
            table,
        )
        assert shouted != table
        execute(target, 'DROP TABLE "Notification"', shouted)
    pairs = frozenset(zip(fk.columns, fk.ref_columns, strict=True))
    assert model_foreign_keys(target)["Notification"] == {(pairs, "User")}
