"""What a newcomer met trying the CLI from the README with bad input: each case ends in one
line on stderr and a non-zero exit, with nothing written where it should not be."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from seedsnap.cli import main

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
