"""`seedsnap schema` and the one-line error wrapper every command uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from seedsnap.cli import main, one_line_errors
from seedsnap.errors import ConfigError, DriftError, SeedsnapError, migrate_fix, one_line
from seedsnap.schema import DIALECTS, MENTARA, render


@pytest.mark.parametrize("dialect", DIALECTS)
def test_schema_prints_the_rendered_ddl(dialect: str) -> None:
    result = CliRunner().invoke(main, ["schema", "--dialect", dialect])
    assert result.exit_code == 0, result.output
    assert result.stdout == render(MENTARA, dialect)
    assert result.stderr == ""
    assert result.stdout.count("CREATE TABLE") == 42


def test_schema_defaults_to_postgres() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.stdout == render(MENTARA, "postgres")


def test_schema_help_names_the_dialects_and_ends_with_an_example() -> None:
    result = CliRunner().invoke(main, ["schema", "--help"])
    assert result.exit_code == 0
    assert "postgres, duckdb or sqlite" in result.stdout
    assert "Example: seedsnap schema --dialect postgres | psql" in result.stdout


def test_schema_rejects_an_unknown_dialect_in_one_line() -> None:
    result = CliRunner().invoke(main, ["schema", "--dialect", "oracle"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("seedsnap: error: unknown dialect 'oracle'; use one of ")
    assert "postgres, duckdb, sqlite" in result.stderr


def test_unknown_dialect_through_the_installed_console_script() -> None:
    seedsnap = Path(sys.executable).with_name("seedsnap")
    assert seedsnap.exists(), f"{seedsnap} missing; run make setup"
    run = subprocess.run(
        [str(seedsnap), "schema", "--dialect", "mysql"], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "seedsnap: error: unknown dialect 'mysql'; use one of postgres, duckdb, sqlite "
        "(e.g. --dialect postgres)"
    ]


def test_render_raises_a_config_error_for_an_unknown_dialect() -> None:
    with pytest.raises(ConfigError, match="unknown dialect 'Postgres'"):
        render(MENTARA, "Postgres")


# --- the one-line error wrapper ---------------------------------------------------------------


def _command(error: BaseException, exit_code: int = 1) -> click.Command:
    @click.command()
    @one_line_errors(exit_code)
    def boom() -> None:
        """Raise the given error."""
        click.echo("started")
        raise error

    return boom


def test_a_seedsnap_error_prints_one_line_and_exits_1() -> None:
    result = CliRunner().invoke(_command(SeedsnapError("the frobnicator is off", "turn it on")))
    assert result.exit_code == 1
    assert result.stderr == "seedsnap: error: the frobnicator is off; turn it on\n"
    assert result.stdout == "started\n"


def test_a_subclass_with_a_multiline_message_still_prints_one_line() -> None:
    error = ConfigError('bad value in seedsnap.toml\nDETAIL:  line 3: scale = "x"', "fix it")
    result = CliRunner().invoke(_command(error))
    assert result.exit_code == 1
    # The lines are joined with "; ", so the two sentences do not run together.
    assert result.stderr == (
        'seedsnap: error: bad value in seedsnap.toml; DETAIL: line 3: scale = "x"; fix it\n'
    )


def test_one_line_joins_driver_lines_readably() -> None:
    refused = "Connection refused\n\tIs the server running on that host?"
    assert one_line(refused) == "Connection refused; Is the server running on that host?"
    duck = 'Catalog Error: no table "x"\n\nLINE 1: SELECT * FROM x\n                      ^'
    assert one_line(duck) == 'Catalog Error: no table "x"; LINE 1: SELECT * FROM x'
    assert one_line("already one line") == "already one line"


def test_the_exit_code_is_configurable() -> None:
    # `diff` exits 2 on error, as diff(1) does.
    drift = DriftError(["User.email missing"], migrate_fix("postgres"))
    result = CliRunner().invoke(_command(drift, exit_code=2))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("seedsnap: error: the database has drifted")


def test_a_bug_keeps_its_traceback() -> None:
    with pytest.raises(ZeroDivisionError):
        CliRunner().invoke(_command(ZeroDivisionError("bug")), catch_exceptions=False)


# --- exit statuses as each command's --help documents them -----------------------------------


@pytest.mark.parametrize(
    ("command", "status", "documented"),
    [
        # show and load have no "found something" outcome: any error is 1.
        ("show", 1, "1 on any error"),
        ("load", 1, "1 on any error"),
        # check, diff and verify use 1 for violations / differences, so an error is 2.
        ("check", 2, "2 when it cannot be checked"),
        ("diff", 2, "2 on error"),
    ],
)
def test_not_a_snapshot_exits_with_the_status_the_help_documents(
    tmp_path: Path, command: str, status: int, documented: str
) -> None:
    help_text = " ".join(CliRunner().invoke(main, [command, "--help"]).stdout.split())
    assert documented in help_text, help_text
    args = [command, str(tmp_path / "none")]
    if command == "load":
        args += ["--db", f"duckdb:///{tmp_path / 'x.duckdb'}", "--create-schema"]
    if command == "diff":
        args += [str(tmp_path / "none")]
    result = CliRunner().invoke(main, args, prog_name="seedsnap")
    assert result.exit_code == status, result.output
    assert result.stderr.count("\n") == 1
    assert "is not a snapshot directory" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_the_top_level_help_states_the_exit_status_rule() -> None:
    text = " ".join(CliRunner().invoke(main, ["--help"]).stdout.split())
    assert (
        "Errors are one line on stderr and exit 1; check, diff and verify exit 2 on errors" in text
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["show", "x", "--bogus"], "No such option '--bogus'; see `seedsnap show --help`"),
        (["build", "--scale", "abc"], "'--scale': 'abc' is not a valid float"),
        (["build"], "Missing option '--out'"),
        (["nope"], "No such command 'nope'; see `seedsnap --help`"),
    ],
)
def test_a_mistyped_command_line_is_one_line_and_exits_2(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(main, args, prog_name="seedsnap")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("seedsnap: error: ")
    assert needle in result.stderr


def test_help_and_version_still_exit_0() -> None:
    for args in (["--help"], ["show", "--help"], ["--version"]):
        result = CliRunner().invoke(main, args, prog_name="seedsnap")
        assert result.exit_code == 0 and result.stdout, args
    bare = CliRunner().invoke(main, [], prog_name="seedsnap")
    assert "Usage: seedsnap" in bare.output and "Commands:" in bare.output


@pytest.mark.parametrize(
    "args", [["sqlite"], ["--dialect", "sqlite"], ["sqlite", "--dialect", "sqlite"]]
)
def test_the_dialect_may_be_the_argument(args: list[str]) -> None:
    """`seedsnap schema sqlite` reads as the help's "for DIALECT" suggests."""
    result = CliRunner().invoke(main, ["schema", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == render(MENTARA, "sqlite")


def test_postgresql_names_postgres_and_two_dialects_are_refused() -> None:
    result = CliRunner().invoke(main, ["schema", "postgresql"])
    assert result.exit_code == 0 and result.stdout == render(MENTARA, "postgres")
    both = CliRunner().invoke(main, ["schema", "duckdb", "--dialect", "sqlite"])
    assert both.exit_code == 1 and both.stderr.count("\n") == 1
    assert "two dialects given" in both.stderr
