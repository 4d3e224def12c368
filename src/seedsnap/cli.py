"""The seedsnap command line: thin click wrappers over the library (the only click importer)."""

from __future__ import annotations

import atexit
import contextlib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from seedsnap import __version__
from seedsnap.errors import SeedsnapError, one_line, short_path
from seedsnap.signals import end_by_signal, held

if TYPE_CHECKING:
    from seedsnap.config import Config

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
                click.echo(f"seedsnap: error: {one_line(str(e))}", err=True)
                sys.exit(exit_code)
            except OSError as e:
                if e.errno == errno.ENAMETOOLONG:
                    _name_too_long(e, exit_code)
                if e.errno != errno.ENOSPC:
                    raise
                _no_space(e, exit_code)

        return wrapper  # type: ignore[return-value]

    return deco


def _name_too_long(e: OSError, exit_code: int) -> NoReturn:
    """Exit ``exit_code`` for a path the file system refuses as too long, wherever it was met
    (a snapshot, a database file, an output): a traceback from the first stat before."""
    shown = short_path(e.filename or "a path")
    click.echo(f"seedsnap: error: {shown}: file name too long; use a shorter path", err=True)
    sys.exit(exit_code)


def _no_space(e: OSError, exit_code: int) -> NoReturn:
    """Exit ``exit_code`` for a full disk under the output (a file seedsnap writes turns a
    full disk into a SeedsnapError), in one line."""
    click.echo(
        f"seedsnap: error: cannot write {e.filename or 'the output'}: no space left "
        "on the device; free some space and run it again",
        err=True,
    )
    if e.filename is None:
        # What stdout still buffers would fail again at the interpreter's last flush: an
        # "Exception ignored" traceback and exit 120 after the line (`seedsnap show S >/dev/full`).
        _quiet_stdout()
    sys.exit(exit_code)


class _Stopped(Exception):
    """The command was interrupted (Ctrl-C, SIGTERM) or its output went away: ``signum``."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.signum = signum


class _Interrupted(SystemExit):
    """The exit, 128 + ``signum``, of a command that Ctrl-C or SIGTERM stopped; ``run``, the
    process's entry point, ends the process by the signal itself instead."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


_TERMINATED: list[int] = []  # SIGTERM came (in this command): the interrupt is SIGTERM's


def _on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM raised where Ctrl-C would be, so that the same clean-ups run (the temporary
    snapshot directory removed, the load's transaction rolled back)."""
    _TERMINATED.append(signum)
    raise KeyboardInterrupt


def _stop_for(e: BaseException | None) -> _Stopped | None:
    """How to end for an interrupt or SIGTERM, also when a driver turned it into its own
    error (DuckDB's "Query interrupted"); None for any other exception."""
    while e is not None:
        if (
            isinstance(e, KeyboardInterrupt)
            or type(e).__name__ == "InterruptException"
            or (isinstance(e, RuntimeError) and "Query interrupted" in str(e))
        ):
            if _TERMINATED:
                return _Stopped("seedsnap: terminated (SIGTERM)", signal.SIGTERM)
            return _Stopped("seedsnap: interrupted", signal.SIGINT)
        e = e.__cause__ or e.__context__
    return None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: its reader is gone, and the interpreter's last flush would
    otherwise print a BrokenPipeError (the recipe of Python's signal documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        pass


@contextlib.contextmanager
def _stops() -> Iterator[None]:
    """Raise _Stopped for an interrupt, SIGTERM or a closed output pipe in the block."""
    try:
        yield
    except BrokenPipeError:
        raise _Stopped("", signal.SIGPIPE) from None
    except (Exception, KeyboardInterrupt) as e:
        stop = _stop_for(e)
        if stop is None:
            raise
        raise stop from None


def _end(stop: _Stopped) -> NoReturn:
    """Exit for ``stop``: 141 without a word for a closed pipe, else its line and 128 + the
    signal, which the process's entry point turns into the signal itself."""
    if stop.signum == signal.SIGPIPE:
        _quiet_stdout()
        sys.exit(128 + signal.SIGPIPE)
    click.echo(str(stop), err=True)
    raise _Interrupted(stop.signum)


class _Cli(click.Group):
    """The seedsnap group: click's own usage errors (an unknown option, a missing argument)
    are one line too, where click prints usage, a hint and the error on three. An interrupt
    or SIGTERM ends a command with one line and 130 or 143, never with the 1 by which
    check, diff and verify report findings (``run`` then ends the process by the signal,
    which a shell reports as the same 130 or 143); a closed output pipe ends it with 141,
    as it would a program that SIGPIPE stops (a full disk is an error of the command's own,
    ``one_line_errors``)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The group's --help and --version print while click parses, before invoke; click's
        # main would end a closed pipe there with a plain 1 (`seedsnap --help | true`).
        with _stops():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _stops():
            return super().invoke(ctx)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        _TERMINATED.clear()
        # Signals reach the main thread alone; a SIGTERM the parent ignored (a supervisor's
        # way to keep its children running) stays ignored, as Ctrl-C ignored stays in Python.
        own_sigterm = threading.current_thread() is threading.main_thread() and (
            signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
        )
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if own_sigterm else None
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()  # a closed pipe or a full disk is this command's failure
        except _Stopped as e:
            _end(e)
        except BrokenPipeError:
            _end(_Stopped("", signal.SIGPIPE))
        except OSError as e:  # --help and --version print outside any command
            if e.errno != errno.ENOSPC:
                raise
            _no_space(e, 1)
        except click.exceptions.NoArgsIsHelpError as e:  # plain `seedsnap`: the help, as is
            e.show()
            sys.exit(e.exit_code)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx is not None else "seedsnap"
            message = one_line(e.format_message()).rstrip(".")
            click.echo(f"seedsnap: error: {message}; see `{where} --help`", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort as e:  # while click itself prompted: Ctrl-C, or Ctrl-D
            stop = _stop_for(e)
            if stop is not None:
                _end(stop)
            click.echo("seedsnap: aborted (no answer)", err=True)
            sys.exit(1)
        finally:
            if own_sigterm:
                signal.signal(signal.SIGTERM, previous)
        sys.exit(rv if isinstance(rv, int) else 0)  # --help and --version end with their code


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seedsnap")
def main() -> None:
    """Deterministic seed data for the Mentara database, as Parquet snapshots.

    Errors are one line on stderr and exit 1; check, diff and verify exit 2 on errors
    instead, because their 1 means "found violations" or "found differences". A mistyped
    option or argument exits 2. Stopped from outside, a command cleans up and never exits 1:
    Ctrl-C and SIGTERM end it by that signal (a shell's $? is 130 and 143), a closed output
    pipe with 141.
    """


def run() -> None:
    """The seedsnap process (its console script, ``python -m seedsnap``): ``main``, ended by
    the signal that stopped its command, if one did."""
    stopped_by: list[int] = []
    # Registered before the command runs, so called after every clean-up it registers (last
    # in, first out) and after the interpreter joined its threads: where CPython itself ends
    # by SIGINT after an uncaught KeyboardInterrupt. Not in main: a test's CliRunner, a worker
    # thread or a program calling it would die with it.
    atexit.register(end_by_signal, stopped_by)
    _line_buffered_stdout()
    try:
        main()
    except _Interrupted as e:
        stopped_by.append(e.signum)
        raise
    except SystemExit:
        _settled()
        raise


def _settled() -> None:
    """The command is over and its exit status decided: a first Ctrl-C or SIGTERM while the
    interpreter winds down (exit hooks, joining idle worker threads) is let pass, where it
    printed a KeyboardInterrupt traceback from an exit hook or ended a completed load by
    SIGINT; a second one ends the process by the signal, as it would have."""
    if threading.current_thread() is not threading.main_thread():
        return

    def late(signum: int, frame: object) -> None:
        signal.signal(signum, signal.SIG_DFL)  # the next one does what it always did

    for s in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(s) is not signal.SIG_IGN:
            signal.signal(s, late)


def _line_buffered_stdout() -> None:
    """Give an unbuffered stdout a line buffer over the same descriptor.

    Unbuffered (PYTHONUNBUFFERED, set in many CI images), a write that a closing pipe cuts
    short is dropped without an error (python/cpython#85393) and the command ends as if its
    report had been read; a buffered stdout writes on into the error (141). Line buffering
    keeps the output as prompt, and the descriptor stays the interpreter's.
    """
    if isinstance(getattr(sys.stdout, "buffer", None), io.FileIO):
        sys.stdout = open(  # noqa: SIM115 - the process's stdout from here on
            sys.stdout.fileno(),
            "w",
            encoding=sys.stdout.encoding,
            errors=sys.stdout.errors,
            buffering=1,  # by line
            closefd=False,
        )


# A snapshot directory is checked by the snapshot reader alone, which refuses a file, a
# missing or an unreadable directory in one line with its fix and the command's own exit
# status (click's checks made them usage errors, exit 2, of `show` too). Still a click.Path,
# for the shell's path completion.
_SNAPSHOT_PATH = click.Path(path_type=str, readable=False)


@main.command()
@click.argument("dialect_arg", metavar="[DIALECT]", required=False)
@click.option(
    "--dialect",
    # A plain string, not click.Choice: render() rejects an unknown dialect with a one-line
    # ConfigError, where click would print a three-line usage error.
    default=None,
    help="Target database dialect: postgres, duckdb or sqlite (default postgres; postgresql "
    "names it too). It may also be given as the argument.",
)
@one_line_errors()
def schema(dialect_arg: str | None, dialect: str | None) -> None:
    """Print the DDL of the Mentara schema for DIALECT.

    Example: seedsnap schema --dialect postgres | psql -d mentara
    """
    from seedsnap.errors import ConfigError
    from seedsnap.schema import MENTARA, render

    # The URL scheme's spelling (postgresql://) names the same dialect.
    given = {"postgres" if d == "postgresql" else d for d in (dialect_arg, dialect) if d}
    if len(given) > 1:
        raise ConfigError(
            f"two dialects given, {dialect_arg!r} and --dialect {dialect!r}", "give one"
        )
    click.echo(render(MENTARA, given.pop() if given else "postgres"), nl=False)


@main.command()
@click.argument("directory", metavar="DIRECTORY", type=_SNAPSHOT_PATH)
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

    Exits 0, or 1 on any error (DIRECTORY is not a snapshot, an unknown --format value), 2 on
    a mistyped option.

    Example: seedsnap show snapshots/mentara-medium --format json
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


def _config_options(fn: F) -> F:
    """The options that resolve a build configuration (shared by build and config)."""
    options = [
        click.option("--mode", default=None, help="light, medium (default) or heavy."),
        click.option("--scale", default=None, type=float, help="Population multiplier (1.0)."),
        click.option("--seed", default=None, type=int, help="Root seed of all randomness."),
        click.option(
            "--anchor",
            default=None,
            help="The fixed 'now', ISO-8601 (UTC unless given), 1980 to 2099.",
        ),
        click.option(
            "--min",
            "minimums",
            multiple=True,
            metavar="ENTITY.REQ=N",
            help="Override a minimum, e.g. --min client.posts=7 (repeatable). Some hold for "
            "fewer entities (client.completed_assessments: clients with the tenure for it; "
            "therapist.client_relationships: therapists with the tenure for it; the "
            "_if_has_therapist ones: clients in therapy); "
            "`seedsnap config` says which.",
        ),
        click.option(
            "--config",
            "config_file",
            default=None,
            help="A seedsnap.toml (default: ./seedsnap.toml if present).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _resolve(
    mode: str | None,
    scale: float | None,
    seed: int | None,
    anchor: str | None,
    minimums: tuple[str, ...],
    config_file: str | None,
) -> Config:
    from seedsnap.config import parse_min_options, resolve

    return resolve(mode, seed, scale, anchor, parse_min_options(minimums), config_file)


@main.command()
@_config_options
@click.option("--out", required=True, help="Directory of the snapshot to write.")
@click.option(
    "--jobs",
    default=0,
    type=int,
    help="Run up to N generators and enrichers at once, each as soon as the steps it must "
    "follow are done; 0 (default): one per CPU core, at most 4.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--no-check", is_flag=True, help="Skip `seedsnap check` after writing.")
@one_line_errors()
def build(
    mode: str | None,
    scale: float | None,
    seed: int | None,
    anchor: str | None,
    minimums: tuple[str, ...],
    config_file: str | None,
    out: str,
    jobs: int,
    quiet: bool,
    no_check: bool,
) -> None:
    """Generate the Mentara seed data and write it as a snapshot to OUT, then check it.

    The same options give byte-identical files on any machine, in any time zone.

    Example: seedsnap build --mode medium --out snapshots/mentara-medium
    """
    import time

    from seedsnap.build import BuildCheckFailed, default_jobs
    from seedsnap.build import build as run_build
    from seedsnap.config import shown
    from seedsnap.errors import ConfigError

    if jobs < 0:
        raise ConfigError(f"--jobs must be 0 or more, got {jobs}", "use --jobs 0 (one per core)")
    if not out.strip():
        # An empty path is the current directory to the OS: refused as such, it named "."
        # (an unset variable, `--out "$OUT"`, reads better said as it is).
        raise ConfigError("--out is empty", "give the directory to write the snapshot to")
    jobs = jobs or default_jobs()
    config = _resolve(mode, scale, seed, anchor, minimums, config_file)
    show = not quiet and sys.stderr.isatty()
    started = time.perf_counter()  # reporting only; nothing built depends on it
    total = 0

    def step(name: str, made: dict[str, Any]) -> None:
        nonlocal total
        rows = sum(f.height for f in made.values())
        total += rows
        if show:
            click.echo(f"  {name:<28} {rows:>10,} rows", err=True)

    try:
        manifest, report = run_build(config, out, jobs=jobs, on_step=step, run_check=not no_check)
    except BuildCheckFailed as e:
        click.echo(e.report.to_text(), nl=False, err=True)
        raise
    elapsed = time.perf_counter() - started
    rows = manifest["totals"]["rows"]
    click.echo(
        f"built {out}: mode {config.mode}, scale {config.scale:g}, seed {config.seed}, "
        f"{manifest['totals']['tables']} tables, {rows:,} rows in {elapsed:.2f} s"
    )
    # What the command line did not say (a ./seedsnap.toml read by default, a SEEDSNAP_
    # variable left set) is named, so a build is not quietly other than the one typed.
    # A value is shown as it was given (a toml's clients = 30 at --scale 1.5 is 30).
    unseen: dict[str, list[str]] = {}
    for key, value, origin in config.overrides():
        kind, _, where = origin.partition(" ")
        if kind == "file":
            unseen.setdefault(f"from {where}", []).append(f"{key}={shown(value)}")
        elif kind == "env":
            unseen.setdefault("from the environment", []).append(f"{where}={shown(value)}")
    if unseen:
        click.echo(
            "; ".join(f"{head}: {', '.join(items)}" for head, items in unseen.items())
            + " (`seedsnap config` shows every setting and its source)"
        )
    if report is not None:
        click.echo(f"check: {report.rules_run} rules, 0 violations")
    from seedsnap.build import short_of_tenure

    short = short_of_tenure(out, config)
    if short:
        click.echo(short, err=True)


@main.command("config")
@_config_options
@click.option("--format", "fmt", default="text", help="text or json.")
@one_line_errors()
def config_cmd(
    mode: str | None,
    scale: float | None,
    seed: int | None,
    anchor: str | None,
    minimums: tuple[str, ...],
    config_file: str | None,
    fmt: str,
) -> None:
    """Print the resolved build configuration and where each value came from.

    Sources, later wins: default < mode < seedsnap.toml < SEEDSNAP_* environment < options.

    Example: SEEDSNAP_MIN_CLIENT_POSTS=7 seedsnap config --mode light
    """
    import json

    from seedsnap.errors import ConfigError

    config = _resolve(mode, scale, seed, anchor, minimums, config_file)
    if fmt == "json":
        doc = config.to_dict() | {"sources": dict(sorted(config.sources.items()))}
        click.echo(json.dumps(doc, indent=2, sort_keys=True))
        return
    if fmt != "text":
        raise ConfigError(f"unknown --format {fmt!r}", "use text or json")
    rows = config.describe()
    width, value_width = (max(len(r[i]) for r in rows) for i in (0, 1))
    for key, value, source in rows:
        click.echo(f"{key:<{width}}  {value:<{value_width}}  {source}")


@main.command()
@click.option(
    "--what",
    default="all",
    show_default=True,
    help="enrichers, tables or all (both diagrams, one after the other: paste each into "
    "Mermaid on its own).",
)
@one_line_errors()
def graph(what: str) -> None:
    """Print the enricher tiers and the table dependency graph as Mermaid.

    Enrichers: grouped by tier, an arrow from an enricher to each one that must run after
    it, labelled with the tables that order them. Tables: an arrow from a table to each
    table it references (dotted: itself).

    Example: seedsnap graph --what enrichers
    """
    from seedsnap.errors import ConfigError
    from seedsnap.graph import enricher_graph, table_graph

    if what not in ("enrichers", "tables", "all"):
        raise ConfigError(f"unknown --what {what!r}", "use enrichers, tables or all")
    if what in ("enrichers", "all"):
        click.echo(enricher_graph(), nl=False)
    if what == "all":
        click.echo()
    if what in ("tables", "all"):
        click.echo(table_graph(), nl=False)


_keys_option = click.option(
    "--keys",
    "keys_given",
    # A plain string, not click.IntRange: "all" is a value too, and a bad one is a one-line
    # error with check's and verify's status for errors (2), like a bad --format.
    default="1",
    show_default=True,
    metavar="N|all",
    help="Offending keys listed per broken rule, sorted: a number, or all for every one.",
)


@main.command()
@click.argument("directory", metavar="DIRECTORY", type=_SNAPSHOT_PATH)
@click.option(
    "--format", "fmt", default="text", show_default=True, help="text (one line per rule) or json."
)
@_keys_option
@one_line_errors(2)
def check(directory: str, fmt: str, keys_given: str) -> None:
    """Check the snapshot in DIRECTORY: keys, foreign keys, enums, domain rules, minimums.

    Prints one line per broken rule (rule, table, first key, count, detail); with --keys N,
    up to N offending keys of each (--keys all: every one), the further ones on indented
    lines beneath it, and in JSON a "keys" list per rule. Exits 1 when any rule is broken, 0
    when the snapshot is clean, 2 when it cannot be checked.

    Example: seedsnap check snapshots/mentara-light --format json --keys 10
    """
    from seedsnap.check import check as run_check
    from seedsnap.check import parse_keys
    from seedsnap.errors import ConfigError

    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown --format {fmt!r}", "use text or json")
    report = run_check(directory, keys=parse_keys(keys_given))
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if not report.ok:
        sys.exit(1)


_db_option = click.option(
    "--db",
    "url",
    default=None,
    help="postgresql://…, duckdb:///path or sqlite:///path; default $SEEDSNAP_DB, else "
    "duckdb:///seedsnap.duckdb. Three slashes make the path relative to the current directory, "
    "four (duckdb:////abs/path) absolute.",
)


@main.command("diff")
@click.argument("snapshot_dir", metavar="SNAPSHOT", type=_SNAPSHOT_PATH)
@click.argument("other", metavar="[OTHER_SNAPSHOT]", required=False)
@_db_option
@click.option("--table", "tables", multiple=True, metavar="T", help="Only table T (repeatable).")
@click.option("--details", is_flag=True, help="List differing keys and the columns that differ.")
@click.option(
    "--limit", default=20, type=int, show_default=True, help="Keys listed per table and kind."
)
@click.option(
    "--format", "fmt", default="text", show_default=True, help="text (a summary), json or csv."
)
@one_line_errors(2)
def diff_cmd(
    snapshot_dir: str,
    other: str | None,
    url: str | None,
    tables: tuple[str, ...],
    details: bool,
    limit: int,
    fmt: str,
) -> None:
    """Compare a database (--db) or OTHER_SNAPSHOT with SNAPSHOT, row by row by primary key.

    Per table: rows missing from the target, extra in it, changed (same key, other content)
    and equal; and any unique or foreign key of the model the database lacks. Never writes:
    a DuckDB or SQLite file is opened read-only, and must exist. Exits 0 when equal, 1 when
    different, 2 on error, as diff(1).

    Example: seedsnap diff snapshots/mentara-light --db postgresql://localhost/mentara --details
    """
    from seedsnap import loaders
    from seedsnap.diff import check_format, diff
    from seedsnap.errors import ConfigError

    check_format(fmt, details)
    if url is not None and other is not None:
        raise ConfigError("give --db URL or OTHER_SNAPSHOT, not both", "drop one of them")
    target = other
    if target is None:
        # --db (or $SEEDSNAP_DB) names a database: a bare path must not pass for a snapshot.
        target = loaders.target(loaders.resolve_url(url)).url
    report = diff(snapshot_dir, target, tables=tables, limit=limit)
    click.echo(report.render(fmt, details), nl=False)
    sys.exit(report.exit_code)


@main.command("verify")
@_config_options
@_db_option
@click.option("--rule", "only", multiple=True, metavar="ID", help="Only rule ID (repeatable).")
@click.option("--format", "fmt", default="text", show_default=True, help="text, json or csv.")
@_keys_option
@one_line_errors(2)
def verify_cmd(
    mode: str | None,
    scale: float | None,
    seed: int | None,
    anchor: str | None,
    minimums: tuple[str, ...],
    config_file: str | None,
    url: str | None,
    only: tuple[str, ...],
    fmt: str,
    keys_given: str,
) -> None:
    """Run the rules of `seedsnap check` (keys, domain rules, minimums) on a live database.

    The anchor and minimums come from the options, as for `build` (give the --mode the
    database was seeded with; medium when not given). The database is only read: a DuckDB or
    SQLite file is opened read-only, and must exist. With --keys N, up to N offending keys of
    each broken rule are listed as `check` lists them (in CSV, a row per key). Exits 1 when
    any rule is broken, 0 when none is, 2 when it cannot verify.

    Example: seedsnap verify --db postgresql://localhost/mentara --mode light
    """
    from seedsnap.check import parse_keys
    from seedsnap.errors import ConfigError
    from seedsnap.loaders import resolve_url
    from seedsnap.verify import FORMATS, render, verify

    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", "use text, json or csv")
    keys = parse_keys(keys_given)  # before any database is opened, as a bad --format
    config = _resolve(mode, scale, seed, anchor, minimums, config_file)
    report = verify(resolve_url(url), config, only=only or None, keys=keys)
    click.echo(render(report, fmt), nl=False)
    guessed = fmt == "text" and config.sources.get("mode") == "default"
    if guessed and any(v.rule.startswith("min:") for v in report.violations):
        # A light database verified without --mode is held to medium's minimums.
        click.echo(
            f"note: these are mode {config.mode}'s minimums (no --mode given); verify a "
            "database seeded in another mode with that --mode",
            err=True,
        )
    if not report.ok:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------
# load


@main.command("load")
@click.argument("snapshot_dir", metavar="SNAPSHOT", type=_SNAPSHOT_PATH)
@_db_option
@click.option("--create-schema", is_flag=True, help="Create the model's tables if there are none.")
@click.option(
    "--replace", is_flag=True, help="Empty the model's tables (only those) first; asks to confirm."
)
@click.option("--yes", "-y", is_flag=True, help="Confirm --replace without asking.")
@click.option(
    "--skip-conflicts",
    is_flag=True,
    help="Skip rows that collide on a unique key, and the rows that depend on them.",
)
@click.option("--audit", is_flag=True, help="Only report what would be inserted; writes nothing.")
@click.option("--format", "fmt", default="text", show_default=True, help="text or json.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Log every step on stderr.")
@one_line_errors()
def load_cmd(
    snapshot_dir: str,
    url: str | None,
    create_schema: bool,
    replace: bool,
    yes: bool,
    skip_conflicts: bool,
    audit: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Load SNAPSHOT into a database, inserting only the rows it lacks; all or nothing.

    The snapshot's hashes and the database's tables, columns, types and enum values are
    checked before anything is written; rows already there (by primary key) are left as they
    are. SEED_FORCE=true means --replace (still confirmed), SEED_VERBOSE=true --verbose and
    SEED_AUDIT=true --audit, as in the upstream seeder. Exits 0 when loaded (or audited), 1 on
    any error, and then nothing was written. An audit reports every conflicting row and exits
    1 after its report when a load would stop on them.

    Example: seedsnap load snapshots/mentara-medium --db postgresql://localhost/mentara
    """
    import json

    from seedsnap.errors import AuditConflicts, ConfigError
    from seedsnap.loaders import LoadOptions, load
    from seedsnap.schema import MENTARA

    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown --format {fmt!r}", "use text or json")
    options = LoadOptions(
        create_schema=create_schema,
        replace=replace,
        confirmed=yes,
        skip_conflicts=skip_conflicts,
        audit=audit,
        verbose=verbose,
    )

    def confirm(where: str, asked_by: str) -> bool:
        return click.confirm(
            f"{asked_by} empties the {len(MENTARA.tables)} tables of the Mentara model in "
            f"{where}, then loads {snapshot_dir}. Continue?",
            err=True,
        )

    def log(message: str) -> None:
        click.echo(f"seedsnap: {message}", err=True)

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    with _LoadProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = load(
            snapshot_dir,
            url,
            options,
            confirm=confirm if interactive else None,
            progress=progress,
            log=log,
        )
    # A load is committed by now: a Ctrl-C or SIGTERM while its report prints cannot undo
    # it, and ending "interrupted" (130) would tell the user it was rolled back. Held till
    # the report is out, it is then said for what it is (a second one still stops at once).
    hold: contextlib.AbstractContextManager[list[int]] = (
        contextlib.nullcontext([]) if report.audit else held()
    )
    with hold as came:
        # Audit mode (--audit, SEED_AUDIT=true) also prints `seedsnap diff`'s report: what the
        # database lacks, has in excess, or holds differently. Read-only as well.
        audit_diff = _audit_diff(snapshot_dir, url, create_schema) if report.audit else None
        if fmt == "json":
            doc = report.to_dict()
            if audit_diff is not None:
                doc["diff"] = audit_diff.to_dict()
            click.echo(json.dumps(doc, indent=2))
        else:
            click.echo(report.to_text(), nl=False)
            if audit_diff is not None:
                click.echo()
                click.echo(audit_diff.to_text(), nl=False)
        sys.stdout.flush()
    if report.committed_through_signal:
        click.echo(
            "seedsnap: interrupted while committing; the commit was let finish: the load is "
            "complete",
            err=True,
        )
    elif came:
        click.echo(
            "seedsnap: interrupted after the load was committed: the load is complete", err=True
        )
    if report.stops:
        # The audit is complete (it went on past them); its status says the load would fail.
        conflicts = [s for s in report.skips if s.conflict]
        first = conflicts[0]
        raise AuditConflicts(first.table, first.key, first.reason, len(conflicts))


def _audit_diff(snapshot_dir: str, url: str | None, create_schema: bool) -> Any:
    """The diff report of a load audit; None for a database that has no tables yet."""
    from seedsnap.diff import diff
    from seedsnap.errors import DriftError
    from seedsnap.loaders import resolve_url

    try:
        return diff(snapshot_dir, resolve_url(url))
    except DriftError:
        if create_schema:
            return None  # the load report already says every row would be inserted
        raise


class _LoadProgress:
    """A rich progress line on stderr for `load`, or nothing when disabled.

    The display starts with the first planning step, so the --replace prompt (asked before
    anything is planned) is printed on a plain terminal, not under a live display.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __enter__(self) -> Callable[[str, str, int], None] | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        tasks: dict[str, Any] = {}
        seen: dict[str, set[str]] = {}

        def update(phase: str, table: str, rows: int) -> None:
            if self.bar is None:
                self.bar = Progress(
                    TextColumn("{task.description:<40}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                self.bar.start()
            step = "planning" if phase == "plan" else "writing"
            if step not in tasks:
                tasks[step] = self.bar.add_task(step, total=len(_tables()))
                seen[step] = set()
            if phase in ("plan", "write"):
                self.bar.update(tasks[step], description=f"{step} {table} ({rows:,} rows)")
            if phase != "write" and table not in seen[step]:
                seen[step].add(table)
                self.bar.advance(tasks[step])

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _tables() -> list[str]:
    from seedsnap.schema import MENTARA

    return MENTARA.table_names
