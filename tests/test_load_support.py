"""Shared pieces of the load tests (no tests here): snapshots, targets, database helpers.

Three snapshots: a hand-made one (a few users, a threaded comment whose replies sort before
their parents, a message reply, a therapist with a decimal rate, jsonb and text[]), the real
light build, and a synthetic one covering every table and column type of the model.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from seedsnap import snapshot
from seedsnap.config import Config, resolve
from seedsnap.context import Context
from seedsnap.loaders import connect
from seedsnap.loaders.synthetic import frames as synthetic_frames
from seedsnap.schema import MENTARA, Table, render

LOADERS = [
    pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
    pytest.param("duckdb", id="duckdb"),
    pytest.param("sqlite", id="sqlite"),
]


def config() -> Config:
    """A resolved light config that no stray seedsnap.toml or SEEDSNAP_* can change."""
    return resolve(env={}, mode="light", config_file=os.devnull)


def ts(day: int, ms: int = 0) -> datetime:
    """A timestamp(3) in January 2026 (millisecond part included, to catch truncation)."""
    return datetime(2026, 1, day, 9, 30, 15, ms * 1000)


def hand_frames() -> dict[str, pl.DataFrame]:
    """A tiny consistent data set over the tables the load scenarios need."""
    ctx = Context(config())
    users = ["u-alice", "u-bob", "u-carol", "u-dave"]
    f: dict[str, pl.DataFrame] = {}
    f["User"] = pl.DataFrame(
        {
            "id": users,
            "email": ["alice@example.com", "bob@example.com", "carol@example.com", "d@x.io"],
            "firstName": ["Alice", "Bob", "Carol", 'Dave "the admin"'],
            "lastName": ["A", "B", "C", "D"],
            "role": ["client", "client", "therapist", "admin"],
            "bio": [None, "", "line one\nline two", "tab\tand back\\slash, naïve ☕"],
            "createdAt": [ts(1, 1), ts(1, 2), ts(1, 3), ts(1, 999)],
            "updatedAt": [ts(2, 1), ts(2, 2), ts(2, 3), ts(2, 4)],
        }
    )
    f["Client"] = pl.DataFrame(
        {"userId": ["u-alice", "u-bob"], "createdAt": [ts(1), ts(1)], "updatedAt": [ts(2)] * 2}
    )
    f["Admin"] = pl.DataFrame(
        {
            "userId": ["u-dave"],
            "permissions": [["users:read", "posts:*"]],
            "createdAt": [ts(1)],
            "updatedAt": [ts(2)],
        }
    )
    f["Therapist"] = pl.DataFrame(
        {
            "userId": ["u-carol"],
            "mobile": ["+63 900 000 0000"],
            "province": ["Metro Manila"],
            "status": ["APPROVED"],
            "submissionDate": [ts(3, 120)],
            "processingDate": [ts(4, 5)],
            "processedByAdminId": ["u-dave"],
            "providerType": ["Psychologist"],
            "professionalLicenseType": ["RPsy"],
            "isPRCLicensed": ["yes"],
            "prcLicenseNumber": ["0012345"],
            "expirationDateOfLicense": [ts(30)],
            "practiceStartDate": [ts(5)],
            "providedOnlineTherapyBefore": [True],
            "comfortableUsingVideoConferencing": [True],
            "compliesWithDataPrivacyAct": [True],
            "willingToAbideByPlatformGuidelines": [False],
            "expertise": [["CBT", 'quote " inside', "back\\slash", "comma, here", "{brace}", ""]],
            "preferredSessionLength": [[45, 60]],
            "languages": [None],
            "treatmentSuccessRates": ['{"anxiety":0.8,"depression":{"rate":0.75,"n":[1,2]}}'],
            "sessionLength": ["60 minutes"],
            "hourlyRate": [Decimal("1500.05")],
            "createdAt": [ts(1)],
            "updatedAt": [ts(2)],
        }
    )
    f["Community"] = pl.DataFrame(
        {
            "id": ["c-1"],
            "name": ["Anxiety Support"],
            "slug": ["anxiety-support"],
            "description": ["A place"],
            "imageUrl": ["https://example.com/a.png"],
            "createdAt": [ts(1)],
            "updatedAt": [ts(1)],
        }
    )
    f["Membership"] = pl.DataFrame(
        {
            "id": ["ms-1", "ms-2", "ms-3"],
            "communityId": ["c-1"] * 3,
            "userId": ["u-alice", "u-bob", "u-carol"],
            "joinedAt": [ts(2), ts(3), ts(4)],
        }
    )
    f["Post"] = pl.DataFrame(
        {
            "id": ["p-1", "p-2", "p-3"],
            "title": ["First", "Second", "Third"],
            "content": ["hello", "world", "again"],
            "userId": ["u-alice", "u-bob", "u-bob"],
            "attachmentUrls": [["https://x/1.png"], [], None],
            "attachmentSizes": [[1024], [], None],
            "createdAt": [ts(5, 1), ts(6, 2), ts(7, 3)],
            "updatedAt": [ts(5, 1), ts(6, 2), ts(7, 3)],
        }
    )
    # A thread whose replies sort before their parents: cm-1 -> cm-2 -> cm-3 (the root).
    f["Comment"] = pl.DataFrame(
        {
            "id": ["cm-1", "cm-2", "cm-3", "cm-4"],
            "postId": ["p-1", "p-1", "p-1", "p-2"],
            "userId": ["u-carol", "u-alice", "u-bob", "u-carol"],
            "content": ["reply to a reply", "a reply", "the root", "on p-2"],
            "parentId": ["cm-2", "cm-3", None, None],
            "createdAt": [ts(9), ts(8), ts(7), ts(8)],
            "updatedAt": [ts(9), ts(8), ts(7), ts(8)],
        }
    )
    f["PostHeart"] = pl.DataFrame(
        {
            "id": ["ph-1", "ph-2", "ph-3"],
            "postId": ["p-1", "p-2", "p-3"],
            "userId": ["u-bob", "u-alice", "u-carol"],
            "createdAt": [ts(10), ts(10), ts(11)],
        }
    )
    f["Conversation"] = pl.DataFrame(
        {"id": ["conv-1"], "type": ["DIRECT"], "createdAt": [ts(1)], "updatedAt": [ts(1)]}
    )
    # m-1 replies to m-2: again the reply sorts first.
    f["Message"] = pl.DataFrame(
        {
            "id": ["m-1", "m-2", "m-3"],
            "conversationId": ["conv-1"] * 3,
            "senderId": ["u-carol", "u-alice", "u-bob"],
            "content": ["the reply", "the question", "unrelated"],
            "messageType": ["TEXT", "TEXT", "IMAGE"],
            "replyToId": ["m-2", None, None],
            "createdAt": [ts(12, 2), ts(12, 1), ts(13)],
            "updatedAt": [ts(12, 2), ts(12, 1), ts(13)],
        }
    )
    f["Notification"] = pl.DataFrame(
        {
            "id": ["n-1", "n-2"],
            "userId": ["u-alice", "u-carol"],
            "title": ["Hi", "Booked"],
            "message": ["welcome", "a session"],
            "type": ["MESSAGE_RECEIVED", "APPOINTMENT_CONFIRMED"],
            "priority": ["URGENT", "LOW"],
            "data": ['{"a":[1,2,{"b":null}],"z":"ü"}', None],
            "createdAt": [ts(14), ts(15)],
            "updatedAt": [ts(14), ts(15)],
        }
    )
    return {name: ctx.frame(name, frame) for name, frame in f.items()}


def write_snapshot(path: Path, frames: dict[str, pl.DataFrame]) -> Path:
    snapshot.write(path, frames, config())
    return path


def make_snapshot(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The "hand", "light" (the real light build) or "synthetic" (every table and type)
    snapshot, written under a fresh temporary directory."""
    if kind == "hand":
        frames = hand_frames()
    elif kind == "light":
        from seedsnap.build import generate

        frames = generate(config())
    else:
        frames = synthetic_frames(MENTARA, 40)
    return write_snapshot(tmp_path_factory.mktemp(kind) / "snap", frames)


def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of the loader a test is parametrised with (``request.param``)."""
    kind = request.param
    if kind == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    if kind == "duckdb":
        return f"duckdb:///{tmp_path / 'target.duckdb'}"
    return f"sqlite:///{tmp_path / 'target.sqlite'}"


def clear_seed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SEED_* / SEEDSNAP_DB from the developer's shell leaks into a test."""
    for name in ("SEED_FORCE", "SEED_VERBOSE", "SEED_AUDIT", "SEEDSNAP_DB"):
        monkeypatch.delenv(name, raising=False)


def dialect(url: str) -> str:
    return {"postgresql": "postgres", "duckdb": "duckdb", "sqlite": "sqlite"}[url.split(":")[0]]


def execute(url: str, *statements: str) -> None:
    """Run statements on the target and commit (the test's hand edits)."""
    if dialect(url) == "postgres":
        import psycopg

        with psycopg.connect(url) as conn:
            for s in statements:
                conn.execute(s.encode())
        return
    module, conn = connect(url)
    try:
        for s in statements:
            if dialect(url) == "duckdb":
                # Fetched to the end: DuckDB refuses new work while a result is unfinished.
                conn.execute(s).fetchall()
            else:
                conn.execute(s)
        if dialect(url) == "sqlite" and conn.in_transaction:
            conn.execute("COMMIT")
    finally:
        module.close(conn)


def create_schema(url: str) -> None:
    """The model's tables, as `seedsnap schema --dialect …` prints them."""
    ddl = render(MENTARA, dialect(url))
    if dialect(url) == "sqlite":
        execute(url, *[s for s in ddl.split(";\n") if s.strip()])
    else:
        execute(url, ddl)


def read_all(url: str, tables: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Every table of the model on the target, sorted by primary key, in the model's dtypes."""
    module, conn = connect(url)
    try:
        out = {}
        for name in tables or MENTARA.table_names:
            table = MENTARA.table(name)
            out[name] = module.read_table(conn, table).sort(list(table.primary_key))
        return out
    finally:
        module.rollback(conn)
        module.close(conn)


def counts(url: str) -> dict[str, int]:
    return {name: frame.height for name, frame in read_all(url).items()}


def snapshot_frames(path: Path) -> dict[str, pl.DataFrame]:
    snap = snapshot.read(path)
    return {name: snap.frame(name) for name in snap.table_names}


def assert_equal_to_snapshot(url: str, path: Path) -> None:
    """Every table on the target equals the snapshot's frame, row for row, value for value."""
    from polars.testing import assert_frame_equal

    want = snapshot_frames(path)
    got = read_all(url)
    for name in MENTARA.table_names:
        assert_frame_equal(got[name], want[name], check_dtypes=True, check_exact=True)


def table(name: str) -> Table:
    return MENTARA.table(name)


def cascade_keys(
    frames: dict[str, pl.DataFrame], table_name: str, keys: list[str]
) -> dict[str, set[str]]:
    """The rows that deleting ``keys`` of ``table_name`` removes, following ON DELETE CASCADE."""
    gone: dict[str, set[str]] = {table_name: set(keys)}
    changed = True
    while changed:
        changed = False
        for t in MENTARA.tables:
            for fk in t.foreign_keys:
                if fk.on_delete != "CASCADE" or fk.ref_table not in gone:
                    continue
                parents = pl.Series(sorted(gone[fk.ref_table]), dtype=pl.String)
                pk = t.primary_key[0]
                hit = frames[t.name].filter(pl.col(fk.columns[0]).is_in(parents.implode()))
                new = set(hit.get_column(pk).to_list()) - gone.get(t.name, set())
                if new:
                    gone.setdefault(t.name, set()).update(new)
                    changed = True
    return gone


def delete_with_cascade(
    url: str, frames: dict[str, pl.DataFrame], table_name: str, keys: list[str]
) -> dict[str, set[str]]:
    """Delete ``keys`` by hand; DuckDB has no ON DELETE CASCADE, so children go first there."""
    gone = cascade_keys(frames, table_name, keys)

    def in_list(values: set[str]) -> str:
        return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))

    pk = MENTARA.table(table_name).primary_key[0]
    if dialect(url) == "duckdb":
        order = [t for t in reversed(MENTARA.load_order) if t in gone]
        statements = [
            f'DELETE FROM "{t}" WHERE "{MENTARA.table(t).primary_key[0]}" IN ({in_list(gone[t])})'
            for t in order
        ]
        execute(url, *statements)
    else:
        execute(url, f'DELETE FROM "{table_name}" WHERE "{pk}" IN ({in_list(set(keys))})')
    return gone


@pytest.mark.postgres
def test_copy_out_receives_every_byte_and_leaves_the_connection_usable(pg_url: str) -> None:
    import psycopg
    from psycopg import sql

    from seedsnap.loaders.postgres import copy_out

    with psycopg.connect(pg_url) as conn:
        query = sql.SQL(
            "COPY (SELECT i, repeat('x', i % 7) FROM generate_series(1, 50000) i) TO STDOUT"
        )
        data = copy_out(conn, query)
        expected = "".join(f"{i}\t{'x' * (i % 7)}\n" for i in range(1, 50001)).encode()
        assert data == expected
        assert copy_out(conn, sql.SQL("COPY (SELECT 1 WHERE false) TO STDOUT")) == b""
        # A failing COPY raises the server's error; the connection still rolls back and works,
        # and nothing is cancelled (the server already ended the query).
        cancels: list[int] = []
        conn.cancel_safe = lambda **_: cancels.append(1)  # type: ignore[method-assign]
        with pytest.raises(psycopg.errors.UndefinedTable, match='relation "nope" does not exist'):
            copy_out(conn, sql.SQL("COPY nope TO STDOUT"))
        assert not cancels
        conn.rollback()
        # Failing midway (the server errors after rows were sent) is an error too.
        midway = "COPY (SELECT 1 / (10 - i) FROM generate_series(1, 20) i) TO STDOUT"
        with pytest.raises(psycopg.DatabaseError, match="division by zero"):
            copy_out(conn, sql.SQL(midway))  # type: ignore[arg-type]
        conn.rollback()
        # Not a COPY at all.
        with pytest.raises(psycopg.DatabaseError):
            copy_out(conn, sql.SQL("SELECT 1"))
        conn.rollback()
        assert conn.execute("SELECT 41 + 1").fetchone() == (42,)


@pytest.mark.postgres
@pytest.mark.parametrize("where", ["waiting on a lock", "streaming rows"])
def test_an_interrupted_copy_out_raises_the_interruption_and_the_connection_recovers(
    pg_url: str, where: str
) -> None:
    import signal

    import psycopg
    from psycopg import sql

    from seedsnap.loaders.postgres import copy_out

    class Interrupted(Exception):
        pass

    def interrupt(*_: object) -> None:
        raise Interrupted

    with psycopg.connect(pg_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE t (i int)")
    with psycopg.connect(pg_url) as holder, psycopg.connect(pg_url) as conn:
        if where == "waiting on a lock":
            holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
            query = sql.SQL("COPY t TO STDOUT")
        else:
            query = sql.SQL("COPY (SELECT i FROM generate_series(1, 50000000) i) TO STDOUT")
        conn.execute("SELECT 1")  # in a transaction, as every caller is
        previous = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(Interrupted):
                copy_out(conn, query)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        holder.rollback()
        conn.rollback()
        assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
        assert copy_out(conn, sql.SQL("COPY t TO STDOUT")) == b""
