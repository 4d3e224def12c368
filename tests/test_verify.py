"""seedsnap verify: check's rules over a live database, which breaks them by hand.

The same light snapshot is loaded into PostgreSQL, DuckDB and SQLite; verify must find there
exactly what `check` finds in the snapshot, and then the breakages made by hand.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from click.testing import CliRunner

# The database fixture and helpers of the diff tests (pytest puts tests/ on the path).
from test_diff import DIALECTS, delete_cascading, execute, loaded

from seedsnap import snapshot
from seedsnap import verify as verify_module
from seedsnap.build import build
from seedsnap.check import CheckReport, check, rules
from seedsnap.cli import main
from seedsnap.config import resolve
from seedsnap.errors import ConfigError, DriftError
from seedsnap.verify import verify


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("light") / "snap"
    build(resolve(mode="light", env={}, config_file=None), out, run_check=False)
    return out


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of the parametrised dialect."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"{request.param}:///{tmp_path}/target.{request.param}"


def found(report: CheckReport) -> dict[str, tuple[str, int]]:
    """Rule id -> (first key, count) of every violation."""
    return {v.rule: (v.key, v.count) for v in report.violations}


def a_client_with_posts(snap: Path) -> str:
    posts = snapshot.read(snap).frame("Post")
    clients = snapshot.read(snap).frame("Client").get_column("userId")
    client: str = posts.filter(pl.col("userId").is_in(clients.implode()))["userId"].sort()[0]
    return client


def move_outside_availability(snap: Path, url: str) -> str:
    """Move a meeting to 23:30-00:30 in its therapist's zone: no slot can hold it."""
    s = snapshot.read(snap)
    meeting = s.frame("Meeting").sort("id").row(0, named=True)
    zone = s.frame("TherapistAvailability").filter(pl.col("therapistId") == meeting["therapistId"])[
        "timezone"
    ][0]
    tz = ZoneInfo(zone)
    local = meeting["startTime"].replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)
    late = datetime(local.year, local.month, local.day, 23, 30, tzinfo=tz)
    start = late.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    end = start + timedelta(minutes=60)
    values: list[Any] = [start, end]
    if url.startswith("sqlite"):
        values = [t.strftime("%Y-%m-%d %H:%M:%S.000") for t in values]
    n = execute(
        url,
        "UPDATE {} SET {} = ?, {} = ?, {} = 60 WHERE {} = ?",
        ["Meeting", "startTime", "endTime", "duration", "id"],
        [*values, meeting["id"]],
    )
    assert n == 1
    key: str = meeting["id"]
    return key


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_verify_finds_what_check_finds_then_the_breakages(light: Path, db: str) -> None:
    url = loaded(light, db)
    config = snapshot.read(light).config
    before = verify(url, config)
    assert before.to_dict() == check(light).to_dict()
    assert before.rules_run > 100
    assert "min:client.posts" not in found(before)
    assert "meeting.in_availability" not in found(before)

    client = a_client_with_posts(light)
    assert delete_cascading(url, light, "Post", "userId", client) >= 1
    meeting = move_outside_availability(light, url)

    after = found(verify(url, config))
    assert after["min:client.posts"] == (client, 1)
    assert after["meeting.in_availability"] == (meeting, 1)


@pytest.mark.postgres
def test_verify_reads_postgres_in_a_read_only_transaction(
    light: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = loaded(light, pg_url)
    seen: list[Any] = []
    real = verify_module.run_rules

    def spy(con: Any, selected: Any, keys: Any = 1) -> CheckReport:
        seen.append(
            con.execute(
                "SELECT current_setting('transaction_read_only'), pg_current_xact_id_if_assigned()"
            ).fetchone()
        )
        report = real(con, selected, keys)
        seen.append(con.execute("SELECT pg_current_xact_id_if_assigned()").fetchone())
        return report

    monkeypatch.setattr(verify_module, "run_rules", spy)
    verify(url, snapshot.read(light).config)
    assert seen == [("on", None), (None,)]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_only_and_drift(light: Path, db: str) -> None:
    url = loaded(light, db)
    config = snapshot.read(light).config
    report = verify(url, config, only=["min:client.posts", "pk:Post"])
    assert sorted(report.rules) == ["min:client.posts", "pk:Post"]
    with pytest.raises(ConfigError, match="unknown rule"):
        verify(url, config, only=["min:client.nothing"])
    execute(url, "DROP TABLE {}", ["WorksheetSubmission"])
    with pytest.raises(DriftError, match="table WorksheetSubmission is missing"):
        verify(url, config)
    # Rules that do not read the dropped table still run.
    assert verify(url, config, only=["pk:Post"]).ok


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify", *args])


@pytest.mark.parametrize("db", ["duckdb"], indirect=True)
def test_cli(light: Path, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no seedsnap.toml from the working directory
    url = loaded(light, db)
    clean = check(light).ok
    result = run("--db", url, "--mode", "light")
    assert result.exit_code == (0 if clean else 1), result.output
    client = a_client_with_posts(light)
    delete_cascading(url, light, "Post", "userId", client)

    result = run("--db", url, "--mode", "light")
    assert result.exit_code == 1
    assert f"min:client.posts  Client  key={client}  count=1" in result.output
    assert result.output.splitlines()[-1].startswith("FAILED: ")

    result = run("--db", url, "--mode", "light", "--format", "json", "--rule", "min:client.posts")
    doc = json.loads(result.output)
    assert result.exit_code == 1 and doc["rules_run"] == 1
    assert [(v["rule"], v["key"]) for v in doc["violations"]] == [("min:client.posts", client)]

    result = run("--db", url, "--mode", "light", "--format", "csv", "--rule", "min:client.posts")
    needs = resolve(mode="light", env={}, config_file=None).minimum("client", "posts")
    assert result.output.splitlines() == [
        "rule,table,key,count,detail",
        f'min:client.posts,Client,{client},1,"has 0, needs {needs}"',
    ]

    # A minimum the data meets passes: exit 0.
    result = run("--db", url, "--mode", "light", "--rule", "pk:Post")
    assert result.exit_code == 0 and result.output.startswith("OK: 1 rules")

    for args, message in [
        (("--db", url, "--format", "xml"), "unknown --format"),
        (("--db", url, "--rule", "nope"), "unknown rule"),
        (("--db", f"duckdb:///{tmp_path}/none.duckdb"), "no DuckDB database"),
        (("--db", url, "--mode", "gigantic"), "mode"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none.duckdb").exists()


def test_an_unknown_rule_names_the_closest_ids_and_how_many_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no seedsnap.toml; no database is opened for a bad --rule
    total = len(rules(resolve(mode="light", env={}, config_file=None).to_dict()))

    result = run("--mode", "light", "--rule", "not_null:User.emial")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "seedsnap: error: unknown rule(s) not_null:User.emial; did you mean not_null:User.email, "
    )
    assert f"({total} rules exist; a violated rule's id is the report's first column)" in line
    assert "CheckReport" not in line

    result = run("--mode", "light", "--rule", "nope")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("seedsnap: error: unknown rule(s) nope; rule ids look like pk:")
    assert ", fk:" in line and ", not_null:" in line
    assert f"{total} rules exist" in line
    assert not (tmp_path / "seedsnap.duckdb").exists()


def test_minimums_of_the_default_mode_are_said_to_be_so(
    light: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A light database verified without --mode fails medium's minimums: a note on stderr
    says whose minimums they were, and not when --mode was given."""
    monkeypatch.chdir(tmp_path)  # no seedsnap.toml
    monkeypatch.delenv("SEEDSNAP_MODE", raising=False)
    url = loaded(light, f"sqlite:///{tmp_path}/light.sqlite")
    note = (
        "note: these are mode medium's minimums (no --mode given); verify a database seeded "
        "in another mode with that --mode\n"
    )
    guessed = run("--db", url)
    assert guessed.exit_code == 1
    assert "min:" in guessed.stdout and guessed.stdout.splitlines()[-1].startswith("FAILED: ")
    assert guessed.stderr == note
    for args in (["--mode", "medium"], ["--format", "csv"]):
        said = run("--db", url, *args)
        assert said.exit_code == 1 and "min:" in said.stdout
        assert said.stderr == ""
    assert run("--db", url, "--mode", "light").exit_code == 0


def clients_with_posts(snap: Path, n: int) -> list[str]:
    """The first ``n`` clients (by id) that have posts."""
    posts = snapshot.read(snap).frame("Post")
    clients = snapshot.read(snap).frame("Client").get_column("userId")
    mine = posts.filter(pl.col("userId").is_in(clients.implode()))["userId"]
    return mine.unique().sort().head(n).to_list()


@pytest.mark.parametrize("db", DIALECTS, indirect=True)
def test_verify_lists_the_keys_asked_for(light: Path, db: str) -> None:
    url = loaded(light, db)
    config = snapshot.read(light).config
    clients = clients_with_posts(light, 3)
    for client in clients:
        delete_cascading(url, light, "Post", "userId", client)
    only = ["min:client.posts"]
    for keys, listed in [(1, clients[:1]), (2, clients[:2]), (None, clients)]:
        (v,) = verify(url, config, only=only, keys=keys).violations
        assert ([k for k, _ in v.listed()], v.key, v.count) == (listed, clients[0], 3)


@pytest.mark.parametrize("db", ["duckdb"], indirect=True)
def test_cli_keys(light: Path, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no seedsnap.toml from the working directory
    url = loaded(light, db)
    clients = clients_with_posts(light, 3)
    for client in clients:
        delete_cascading(url, light, "Post", "userId", client)
    args = ("--db", url, "--mode", "light", "--rule", "min:client.posts")
    needs = resolve(mode="light", env={}, config_file=None).minimum("client", "posts")

    def row(client: str) -> str:
        return f'min:client.posts,Client,{client},3,"has 0, needs {needs}"'

    # CSV: a row per listed key; without --keys (or --keys 1), one row per rule, as before.
    for extra, listed in [
        ((), clients[:1]),
        (("--keys", "1"), clients[:1]),
        (("--keys", "2"), clients[:2]),
    ]:
        result = run(*args, "--format", "csv", *extra)
        assert result.exit_code == 1, result.output
        assert result.output.splitlines() == ["rule,table,key,count,detail", *map(row, listed)]

    result = run(*args, "--keys", "all")
    assert result.exit_code == 1
    config = resolve(mode="light", env={}, config_file=None)
    assert result.output == verify(url, config, only=["min:client.posts"], keys=None).to_text()
    assert [line.split("key=")[1].split()[0] for line in result.output.splitlines()[:3]] == clients

    (v,) = json.loads(run(*args, "--format", "json", "--keys", "5").output)["violations"]
    assert [k["key"] for k in v["keys"]] == clients and v["key"] == clients[0]

    for bad in ("0", "-2", "x", "all5"):
        result = run(*args, "--keys", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert result.stderr.startswith("seedsnap: error: --keys must be a whole number of 1 or ")
        assert len(result.stderr.strip().splitlines()) == 1
