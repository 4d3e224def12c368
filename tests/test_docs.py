"""The README stays true: its generated sections equal what the code produces now."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from seedsnap import docs

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(text: str, name: str) -> str:
    m = re.search(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert m, f"README lacks the {name} section"
    return m.group(1)


def test_readme_sections_are_current() -> None:
    text = README.read_text()
    for name, body in docs.sections().items():
        assert _section(text, name) == body, f"README {name} section is stale: run `make readme`"


def test_render_replaces_only_the_marked_section() -> None:
    text = "a\n<!-- x:begin -->\nold\n<!-- x:end -->\nb\n"
    assert docs.render(text, {"x": "new\n"}) == "a\n<!-- x:begin -->\nnew\n<!-- x:end -->\nb\n"


def test_readme_names_the_two_commands_of_a_fresh_machine() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
    makefile = (README.parent / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (README.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def _help(*args: str) -> str:
    from click.testing import CliRunner

    from seedsnap.cli import main

    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_help_examples_name_snapshots_that_exist() -> None:
    from seedsnap.cli import main

    for name in main.commands:
        for path in re.findall(r"\b(snapshots/[\w-]+)", _help(name)):
            assert (README.parent / path / "manifest.json").is_file(), (name, path)
    assert "Example: seedsnap show snapshots/mentara-medium --format json" in _help("show")


def test_every_db_option_states_the_real_default_and_the_slashes() -> None:
    for name in ("load", "diff", "verify"):
        text = _help(name)
        assert "default $SEEDSNAP_DB, else duckdb:///seedsnap.duckdb" in text, name
        assert "Three slashes make the path relative to the current directory, four" in text
    readme = " ".join(README.read_text().split())
    assert (
        "three slashes make the path relative to the current directory and four make it absolute"
        in readme
    )


def test_readme_runs_the_benchmarks_with_the_venv_python() -> None:
    text = README.read_text()
    bench = re.findall(r"`([^`]*bench/\w+\.py[^`]*)`", text)
    assert bench, "the README names no benchmark"
    assert all(cmd.startswith(".venv/bin/python bench/") for cmd in bench), bench
    makefile = (README.parent / "Makefile").read_text()
    assert re.search(r"^bench:", makefile, re.M) and "make bench" in text


def test_readme_lists_the_targets_make_help_lists() -> None:
    makefile = (README.parent / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):.*##", makefile, re.M))
    listed = re.search(r"`make help`\s+lists the other targets \(([^)]*)\)", README.read_text())
    assert listed, "the README's list of make targets is gone"
    others = set(re.findall(r"`([a-z-]+)`", listed.group(1)))
    # help itself, and the three the README's first lines already name, are not "other".
    assert others == targets - {"help", "setup", "run", "test"}


def test_the_version_is_the_same_in_pyproject_and_the_package() -> None:
    """Both are raised together when a change alters what a build makes (README, Determinism)."""
    import tomllib

    import seedsnap

    project = tomllib.loads((README.parent / "pyproject.toml").read_text())["project"]
    assert project["version"] == seedsnap.__version__, (
        "pyproject.toml and src/seedsnap/__init__.py name different versions: raise both"
    )


@pytest.mark.postgres
def test_the_usage_block_runs_as_written_on_an_empty_database(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer types the Usage lines in order into a database just created: each one
    works (the first load into it used to stop, asking for --create-schema)."""
    from click.testing import CliRunner

    from seedsnap.cli import main

    # (a few lines of prose may come first)
    usage = r"## Usage\n\n(?:(?!```)[^\n]+\n)*\n?```sh\n(.*?)```"
    block = re.search(usage, README.read_text(), re.S)
    assert block, "the README's Usage block is gone"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDSNAP_DB", raising=False)
    lines = [ln.split("  #")[0].strip() for ln in block.group(1).splitlines() if ln.strip()]
    ran = []
    for line in lines:
        line = line.replace("postgresql://postgres@127.0.0.1/mentara", pg_url)
        command, _, piped = line.partition(" | ")
        args = shlex.split(command)
        assert args[0] == "seedsnap", line
        if piped:
            # `schema | psql …`: the host and user of the createdb line, on the test's server.
            assert "-h 127.0.0.1 -U postgres" in piped, line
            continue
        result = CliRunner().invoke(main, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, (line, result.output)
        ran.append(args[1])
    assert {"build", "check", "show", "load", "diff", "verify", "config", "graph"} <= set(ran)
