"""What a newcomer met trying the CLI from the README with bad input: each case ends in one
line on stderr and a non-zero exit, with nothing written where it should not be."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from seedsnap import snapshot
from seedsnap.cli import main
from seedsnap.config import resolve

LIGHT = Path(__file__).resolve().parents[1] / "snapshots" / "mentara-light"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "code"),
    [(["show", str(LIGHT)], 1), (["diff", str(LIGHT), str(LIGHT)], 2), (["--help"], 1)],
)
def test_output_to_a_full_disk_is_one_line_and_the_commands_exit_status(
    args: list[str], code: int
) -> None:
    # The line was printed, then the interpreter's last flush of what stdout still held
    # failed again: "Exception ignored … OSError" and exit 120 (--help: a traceback).
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "seedsnap", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (done.returncode, done.stderr) == (
        code,
        "seedsnap: error: cannot write the output: no space left on the device; free some "
        "space and run it again\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["load", str(LIGHT), "--create-schema"],
        ["diff", str(LIGHT)],
        ["verify", "--mode", "light"],
    ],
)
def test_an_empty_db_url_is_refused_not_taken_for_the_default(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--db "$DATABASE_URL"` with the variable unset loaded into ./seedsnap.duckdb.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDSNAP_DB", raising=False)
    result = CliRunner().invoke(main, [*args, "--db", ""])
    assert result.exit_code == (1 if args[0] == "load" else 2)
    assert result.stderr == (
        "seedsnap: error: --db is empty; give a database URL, or leave --db out to use "
        "$SEEDSNAP_DB, else duckdb:///seedsnap.duckdb\n"
    )
    assert list(tmp_path.iterdir()) == []


def _sqlite_file(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kept (x INTEGER)")
    return path


def _duckdb_file(path: Path) -> Path:
    import duckdb

    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE kept (x INTEGER)")
    conn.close()
    return path


@pytest.mark.parametrize("command", ["load", "diff"])
@pytest.mark.parametrize(
    ("make", "given", "right", "kinds"),
    [
        (_sqlite_file, "duckdb", "sqlite", "a SQLite database, not a DuckDB one"),
        (_duckdb_file, "sqlite", "duckdb", "a DuckDB database, not a SQLite one"),
    ],
)
def test_a_file_of_the_other_engine_names_the_url_to_write(
    command: str,
    make: object,
    given: str,
    right: str,
    kinds: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DuckDB opened a SQLite file by downloading its sqlite extension ("Failed to download
    # extension … check that the path is a DuckDB database file"), online if it could.
    monkeypatch.chdir(tmp_path)
    assert callable(make)
    path = make(tmp_path / "app.db")
    before = path.read_bytes()
    result = CliRunner().invoke(main, [command, str(LIGHT), "--db", f"{given}:///app.db"])
    assert result.exit_code == (1 if command == "load" else 2)
    assert result.stderr == f"seedsnap: error: app.db is {kinds}; write {right}:///app.db\n"
    assert path.read_bytes() == before


def test_out_through_a_symlink_writes_where_it_points(tmp_path: Path) -> None:
    # The new snapshot was renamed over the link itself, and the link, moved aside to be
    # removed, stayed behind as a stray `.link.old-*` (rmtree refuses a symlink).
    config = resolve(env={}, mode="light")
    real = tmp_path / "real"
    snapshot.write(real, {}, config)
    link = tmp_path / "link"
    link.symlink_to(real.name)
    first = (real / "manifest.json").stat().st_ino
    snapshot.write(link, {}, config)
    assert link.is_symlink() and os.readlink(link) == "real"
    assert (real / "manifest.json").stat().st_ino != first  # rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
    snapshot.read(link)


_UNREAD = "notification.read_at_iff_read"


@pytest.fixture(scope="module")
def unread(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The committed light snapshot written anew with its first 5 read notifications (by id)
    left without a readAt: one rule broken by 5 rows. The ids, sorted, come with it."""
    import polars as pl

    light = snapshot.read(LIGHT)
    config = resolve(env={}, mode="light")
    assert light.manifest["config"] == config.to_dict()
    frames = light.frames()
    notes = frames["Notification"].sort("id")
    hit = pl.col("isRead") & (pl.col("isRead").cast(pl.Int32).cum_sum() <= 5)
    frames["Notification"] = notes.with_columns(
        readAt=pl.when(hit).then(None).otherwise(pl.col("readAt"))
    )
    out = tmp_path_factory.mktemp("keys") / "light"
    snapshot.write(out, frames, config)
    return out, notes.filter(hit).get_column("id").to_list()


def test_check_keys_lists_n_keys_beneath_the_rule_and_how_many_more(
    unread: tuple[Path, list[str]],
) -> None:
    """A build sweep wants every offender: --keys 3 lists three of the five, --keys all the
    five, each under its rule's line as it always was; the default prints that line alone."""
    snap, ids = unread
    first = f"{_UNREAD}  Notification  key={ids[0]}  count=5  (true)"
    three = CliRunner().invoke(main, ["check", str(snap), "--keys", "3"])
    assert three.exit_code == 1, three.output
    *listed, summary = three.stdout.splitlines()
    assert listed == [
        first,
        f"  key={ids[1]}  (true)",
        f"  key={ids[2]}  (true)",
        "  … and 2 more (raise --keys)",
    ]
    assert re.fullmatch(r"FAILED: \d+ rules, 1 violations \(5 rows\)", summary), summary
    plain = CliRunner().invoke(main, ["check", str(snap)])
    assert (plain.exit_code, plain.stdout) == (1, f"{first}\n{summary}\n")


def test_check_keys_all_in_json(unread: tuple[Path, list[str]]) -> None:
    import json

    snap, ids = unread
    result = CliRunner().invoke(main, ["check", str(snap), "--keys", "all", "--format", "json"])
    assert result.exit_code == 1, result.output
    (v,) = json.loads(result.stdout)["violations"]
    assert (v["rule"], v["key"], v["detail"], v["count"]) == (_UNREAD, ids[0], "true", 5)
    assert v["keys"] == [{"key": k, "detail": "true"} for k in ids]


@pytest.mark.parametrize("value", ["0", "x", "-1", "2.5", ""])
def test_check_keys_refuses_a_bad_value_in_one_line(value: str) -> None:
    result = CliRunner().invoke(main, ["check", str(LIGHT), "--keys", value])
    assert result.exit_code == 2
    assert result.stderr == (
        f"seedsnap: error: --keys must be a whole number of 1 or more, or all; got {value!r}; "
        "use --keys 5, or --keys all for every offending key\n"
    )
    assert result.stdout == ""
