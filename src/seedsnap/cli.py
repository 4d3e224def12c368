"""The seedsnap command line: thin click wrappers over the library (the only click importer)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from seedsnap import __version__
from seedsnap.errors import SeedsnapError

F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(exit_code: int = 1) -> Callable[[F], F]:
    """Print a SeedsnapError as one line on stderr and exit ``exit_code``; let bugs raise."""

    def deco(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except SeedsnapError as e:
                # One line even when a wrapped driver message spans several (psycopg's DETAIL).
                click.echo(f"seedsnap: error: {' '.join(str(e).splitlines())}", err=True)
                sys.exit(exit_code)

        return wrapper  # type: ignore[return-value]

    return deco


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seedsnap")
def main() -> None:
    """Deterministic seed data for the Mentara database, as Parquet snapshots."""


@main.command()
@click.option(
    "--dialect",
    # A plain string, not click.Choice: render() rejects an unknown dialect with a one-line
    # ConfigError, where click would print a three-line usage error.
    default="postgres",
    show_default=True,
    help="Target database dialect: postgres, duckdb or sqlite.",
)
@one_line_errors()
def schema(dialect: str) -> None:
    """Print the DDL of the Mentara schema for DIALECT.

    Example: seedsnap schema --dialect postgres | psql -d mentara
    """
    from seedsnap.schema import MENTARA, render

    click.echo(render(MENTARA, dialect), nl=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--format",
    "fmt",
    # A plain string, not click.Choice, so a bad value is a one-line error like every other.
    default="table",
    show_default=True,
    help="table (a summary) or json (the manifest as stored).",
)
@click.option(
    "--no-verify", is_flag=True, help="Skip checking the Parquet files against the manifest."
)
@one_line_errors()
def show(directory: str, fmt: str, no_verify: bool) -> None:
    """Show the snapshot in DIRECTORY: config, tool versions, rows and hash per table.

    Example: seedsnap show snapshots/medium --format json
    """
    from seedsnap import snapshot
    from seedsnap.errors import ConfigError

    if fmt not in ("table", "json"):
        raise ConfigError(f"unknown --format {fmt!r}", "use table or json")
    snap = snapshot.read(directory, verify=not no_verify)
    if fmt == "json":
        click.echo(snapshot.dump_manifest(snap.manifest), nl=False)
    else:
        click.echo(snapshot.render_manifest(snap), nl=False)
