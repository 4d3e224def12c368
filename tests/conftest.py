"""Shared fixtures: a real PostgreSQL per test (fresh database), DuckDB/SQLite in tmp_path,
and one heavy build at scale 3 for the whole session (``heavy3``).

PostgreSQL comes from SEEDSNAP_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres).
Without a server the postgres tests skip on a laptop; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import Frames

PG_ADMIN_URL = os.environ.get("SEEDSNAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_configure(config: pytest.Config) -> None:
    """The tests resolve configurations as a newcomer's shell and directory leave them: a
    SEEDSNAP_ variable exported to try the README (SEEDSNAP_MIN_CLIENT_POSTS=7) is dropped for
    the session, and a ./seedsnap.toml, which every build here would read, stops it in one
    line instead of failing tests far from the cause."""
    for name in [n for n in os.environ if n.startswith("SEEDSNAP_") and n != "SEEDSNAP_TEST_PG"]:
        del os.environ[name]
    stray = Path.cwd() / "seedsnap.toml"
    if stray.exists():
        raise pytest.UsageError(
            f"{stray} would be read by every build of the tests; move it away and run them again"
        )


def _with_db(url: str, db: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{db}"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=5, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable at {PG_ADMIN_URL} under CI=true: {e}")
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {e}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"seedsnap_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_db(pg_admin_url, name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def heavy3() -> Iterator[Frames]:
    """The frames of a heavy build at scale 3 (no environment, no config file), built once and
    shared by every test that reads them: a test must not change them (one that would works
    on a copy). Checked at the end of the session: the same tables, each the same object of
    the same shape and columns."""
    frames = generate(resolve(mode="heavy", scale=3, env={}, config_file=None))
    before = {name: (id(df), df.shape, df.columns) for name, df in frames.items()}
    yield frames
    after = {name: (id(df), df.shape, df.columns) for name, df in frames.items()}
    assert after == before, "a test changed the shared heavy3 frames"
