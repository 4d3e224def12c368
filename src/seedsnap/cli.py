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

