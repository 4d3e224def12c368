"""Loading a snapshot into a database: the URL picks the loader, ``load`` is the library API.

``load(snapshot, url, options)`` verifies the snapshot, connects, compares the database with
the snapshot (drift stops the load before any write), plans the missing rows in polars
(:mod:`seedsnap.loaders.common`) and has the target's module write them in one transaction.
Targets: ``postgresql://…`` (:mod:`.postgres`), ``duckdb:///path`` (:mod:`.duckdb`),
``sqlite:///path`` (:mod:`.sqlite`); ``connect``/``read_catalog``/``read_table`` of each
module are what ``seedsnap diff`` reuses.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from seedsnap.config import refuse_misspelt
from seedsnap.errors import ConfigError, DriftError, migrate_fix
from seedsnap.loaders.common import (
    DEFAULT_URL,
    FILE_KINDS,
    LoadOptions,
    LoadReport,
    Log,
    Progress,
    TableReport,
    check_database_file,
    database_files,
    drift,
    flag,
    options_from_env,
    plan_tables,
    probe_by_reading,
    require_confirmation,
)
from seedsnap.schema import MENTARA, Schema, Table
from seedsnap.signals import held

__all__ = [
    "DEFAULT_URL",
    "LoadOptions",
    "LoadReport",
    "Target",
    "connect",
    "load",
    "resolve_url",
    "target",
]

SCHEMES = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
}


@dataclass(frozen=True)
class Target:
    """A parsed database URL: the loader module's name and how to show the URL safely."""

    url: str
    dialect: str

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"seedsnap.loaders.{self.dialect}")

    @property
    def display(self) -> str:
        shown: str = self.module.describe_url(self.url)
        return shown


def resolve_url(url: str | None, env: Mapping[str, str] | None = None) -> str:
    """``url``, else $SEEDSNAP_DB, else the embedded DuckDB file ./seedsnap.duckdb."""
    env = os.environ if env is None else env
    if url is not None and not url.strip():
        # `--db "$DATABASE_URL"` with the variable unset: not a wish for the default file.
        raise ConfigError(
            "--db is empty",
            f"give a database URL, or leave --db out to use $SEEDSNAP_DB, else {DEFAULT_URL}",
        )
    if not url:
        refuse_misspelt(env)  # a misspelt SEEDSNAP_DB would load into the default file
    return url or env.get("SEEDSNAP_DB") or DEFAULT_URL


def without_password(url: str) -> str:
    """``url`` as given, its password (if any, in the user part or as a ``password=`` query
    parameter) left out: for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    userinfo, at, hostport = rest[:end].rpartition("@")
    user = f"{userinfo.partition(':')[0]}@" if at else ""
    tail, hash_, fragment = rest[end:].partition("#")
    path, ask, query = tail.partition("?")
    if ask:
        kept = [p for p in query.split("&") if p.partition("=")[0].lower() != "password"]
        path += "?" + "&".join(kept) if kept else ""
    return f"{scheme}://{user}{hostport}{path}{hash_}{fragment}"


def target(url: str) -> Target:
    """The loader for ``url``; a ConfigError for anything else."""
    scheme, sep, rest = url.partition("://")
    dialect = SCHEMES.get(scheme.lower()) if sep else None
    if dialect is None:
        shown = without_password(url)
        fix = "use postgresql://user@host/db, duckdb:///path/file.duckdb or sqlite:///path/file.db"
        base, plus, _ = scheme.partition("+")
        if sep and plus and base.lower() in SCHEMES:
            # SQLAlchemy's dialect+driver: the driver is seedsnap's to pick.
            fix = f"write {base}://{shown.partition('://')[2]} (seedsnap picks the driver)"
        raise ConfigError(f"unsupported database URL {shown!r}", fix)
    if dialect == "postgres":
        try:
            urlsplit(url)  # what every later step parses the URL with
        except ValueError as e:  # an unclosed [ of an IPv6 address, …
            raise ConfigError(
                f"bad {scheme} URL {url.split('@')[-1]!r}: {e}",
                "write the URL as postgresql://user:password@host:port/database "
                "(an IPv6 host in brackets: postgresql://user@[::1]:5432/database)",
            ) from None
    if dialect in ("duckdb", "sqlite") and not rest.startswith("/"):
        raise ConfigError(
            f"bad {scheme} URL {url!r}: the path must follow three slashes",
            f"write {scheme}:///relative/file or {scheme}:////absolute/file",
        )
    return Target(url, dialect)


def connect(url: str) -> tuple[ModuleType, Any]:
    """(loader module, open connection) for ``url``; the caller closes it with module.close."""
    t = target(url)
    module = t.module
    return module, module.connect(url)


class _Snapshot:
    """The snapshot side of planning: whole frames, or just a few columns straight from Parquet."""

    def __init__(self, snap: Any, schema: Schema) -> None:
        self.snap = snap
        self.schema = schema

    def rows(self, table: str) -> int:
        rows: int = self.snap.rows(table)
        return rows

    def columns(self, table: str, columns: Sequence[str]) -> pl.DataFrame:
        from seedsnap.errors import SnapshotError
        from seedsnap.schema.frames import dtype

        path = self.snap.parquet_path(table)
        model = self.schema.table(table)
        try:
            raw = pl.read_parquet(path, columns=list(columns), glob=False)
            return raw.cast({c: dtype(model.column(c)) for c in columns})
        except Exception as e:  # any decoder failure means a corrupt or foreign file
            raise SnapshotError(
                str(path), f"cannot read columns {list(columns)} ({e})", "rebuild the snapshot"
            ) from None

    def frame(self, table: str) -> pl.DataFrame:
        frame: pl.DataFrame = self.snap.frame(table)
        return frame


class _Database:
    """The database side of planning, over one loader module and its open connection."""

    def __init__(self, module: ModuleType, conn: Any, *, emptied: bool, read_only: bool) -> None:
        self.module, self.conn, self.emptied, self.read_only = module, conn, emptied, read_only

    def has_rows(self, table: Table) -> bool:
        return False if self.emptied else bool(self.module.has_rows(self.conn, table))

    def holds_exactly(self, table: Table, keys: pl.DataFrame) -> bool:
        if not hasattr(self.module, "holds_exactly"):
            return False
        return bool(self.module.holds_exactly(self.conn, table, keys))

    def probe(self, table: Table, frame: pl.DataFrame, *, anti: bool) -> pl.DataFrame:
        if self.read_only or not hasattr(self.module, "probe"):
            # A read-only transaction may not create the temporary table a probe uses.
            def read(t: Table, cols: Sequence[str]) -> pl.DataFrame:
                out: pl.DataFrame = self.module.read_table(self.conn, t, cols)
                return out

            return probe_by_reading(read, table, frame, anti=anti)
        found: pl.DataFrame = self.module.probe(self.conn, table, frame, anti=anti)
        return found


def load(
    snapshot_path: str | Path,
    url: str | None = None,
    options: LoadOptions | None = None,
    *,
    env: Mapping[str, str] | None = None,
    confirm: Callable[[str, str], bool] | None = None,
    progress: Progress | None = None,
    log: Log | None = None,
    schema: Schema = MENTARA,
) -> LoadReport:
    """Insert the snapshot's rows the database lacks; all or nothing; return the report.

    ``confirm(description, asked_by)`` is asked before --replace (``asked_by``: the flag, or
    the SEED_FORCE=… that set it) empties anything, when ``options`` is
    not already confirmed; ``progress`` and ``log`` receive what a display or --verbose shows.
    """
    from seedsnap import snapshot

    started = time.perf_counter()
    opts = options_from_env(options or LoadOptions(), env)
    tgt = target(resolve_url(url, env))
    say = log if opts.verbose else None
    # Every file's bytes and row count are checked against the manifest before the database
    # is touched, so a corrupt snapshot never gets half way. Each table decoded to insert its
    # rows is checked against its content hash too (a file edited together with its
    # file_sha256 is refused); tables with nothing to insert are only read for their keys,
    # so a reload does not hash a million rows it will not insert.
    snap = snapshot.read(snapshot_path, verify=True, schema=schema)
    source = _Snapshot(snap, schema)
    tables = list(snap.table_names)
    if say is not None:
        say(f"snapshot {snapshot_path}: {len(tables)} tables, file hashes and row counts verified")

    module = tgt.module
    report = LoadReport(tgt.display, tgt.dialect, str(snapshot_path), audit=opts.audit)
    # An audit reports the load it stands for: with --replace, into emptied tables.
    report.replaced = opts.replace and opts.audit
    create = opts.create_schema and not opts.audit
    # A file database this load creates is removed again if the load fails: a failed load
    # leaves nothing behind, not even an empty file (nor the engine's side files).
    path: Path | None = None
    if tgt.dialect in FILE_KINDS:
        path = module.path_of(tgt.url)
        missing_fix = (
            f"{flag(opts, 'audit')} creates nothing: give an existing database, or load "
            f"without {flag(opts, 'audit')}"
            if opts.audit
            else "add --create-schema to create it, or give the path of an existing database"
        )
        check_database_file(tgt.url, path, tgt.dialect, create=create, missing_fix=missing_fix)
    fresh = path is not None and not path.exists()
    # A connection that fails made nothing of ours: a file there now is another load's (one
    # that holds the database's lock), and is left alone.
    if opts.audit and path is not None:
        # An audit writes nothing: a file it may only read, or that other readers hold, will do.
        conn = module.connect(tgt.url, create=False, read_only=True)
    else:
        conn = module.connect(tgt.url, create=create)
    made = _identity(path) if fresh and path is not None else None
    try:
        try:
            if opts.replace and not opts.audit and not opts.confirmed:
                if confirm is None:
                    require_confirmation(opts)
                elif not confirm(module.describe(conn), flag(opts, "replace")):
                    raise ConfigError(
                        f"{flag(opts, 'replace')} was not confirmed", "nothing was changed"
                    )
            module.begin(conn, write=not opts.audit)
            try:
                _run(module, conn, schema, tables, source, opts, report, progress, say)
            except BaseException:
                module.rollback(conn)
                raise
            if opts.audit:
                module.rollback(conn)
            else:
                with held() as came:
                    module.commit(conn)
                report.committed_through_signal = bool(came)
        finally:
            module.close(conn)
    except BaseException:
        if made is not None and path is not None:
            _remove_if_unused(module, tgt.url, path, made)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, or None when it is not there."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _remove_if_unused(module: ModuleType, url: str, path: Path, made: tuple[int, int]) -> None:
    """Remove the database file this failed load created (and its side files), unless it was
    replaced since or holds tables another load committed meanwhile (SQLite lets two
    connections share a file)."""
    if _identity(path) != made:
        return
    with contextlib.suppress(Exception):
        conn = module.connect(url, create=False)
        try:
            if module.read_catalog(conn):
                return
        finally:
            module.close(conn)
    for f in database_files(path):
        with contextlib.suppress(OSError):
            f.unlink()


def _run(
    module: ModuleType,
    conn: Any,
    schema: Schema,
    tables: list[str],
    source: _Snapshot,
    opts: LoadOptions,
    report: LoadReport,
    progress: Progress | None,
    say: Log | None,
) -> None:
    catalog = module.read_catalog(conn)
    present = [t for t in schema.table_names if t in catalog]
    assume_empty = False
    if opts.create_schema and not present:
        if opts.audit:
            # Nothing is created in audit mode: report the load into the empty schema.
            assume_empty = True
        else:
            module.create_schema(conn, schema)
            report.created_schema = True
            catalog = module.read_catalog(conn)
            if say is not None:
                say(f"created the {schema.name} schema ({len(schema.tables)} tables)")
    elif opts.create_schema and len(present) < len(schema.tables):
        lacking = [t for t in schema.table_names if t not in catalog]
        raise DriftError(
            [f"--create-schema needs an empty database, but only some tables exist "
             f"(missing: {', '.join(lacking[:5])}{'…' if len(lacking) > 5 else ''})"],
            f"create the missing tables (`seedsnap schema --dialect {module.DIALECT}` prints "
            "the DDL), or load into a database without any of them",
        )  # fmt: skip
    if not assume_empty:
        problems = drift(schema, catalog, tables, source, module.expected_type)
        if problems:
            if say is not None:
                # The error is one line with the first few; --verbose lists every one.
                for problem in problems:
                    say(f"drift: {problem}")
            if not present and not opts.create_schema:
                # None of the model's tables: the one case --create-schema is made for.
                raise DriftError.no_tables(len(schema.tables), "add --create-schema to create them")
            raise DriftError(problems, migrate_fix(module.DIALECT))
    if not opts.audit:
        module.lock(conn, tables)
        if opts.replace:
            emptied = [t for t in reversed(schema.load_order) if t in catalog]
            module.empty(conn, emptied, flag(opts, "replace"))
            report.replaced = True
            if say is not None:
                say(f"emptied the {len(present)} tables of the {schema.name} model")
    db = _Database(
        module,
        conn,
        emptied=assume_empty or (opts.replace and opts.audit),
        read_only=opts.audit,
    )
    t0 = time.perf_counter()
    # An audit goes on past a conflict, as --skip-conflicts would, so that it reports every
    # conflicting row (and what depends on it) rather than stopping at the first.
    skip = opts.skip_conflicts or opts.audit
    plans, skips = plan_tables(schema, tables, source, db, skip, progress)
    t1 = time.perf_counter()
    report.skips = skips
    report.stops = opts.audit and not opts.skip_conflicts and bool(skips)
    report.tables = [
        TableReport(p.table.name, p.in_snapshot, p.rows.height, p.present, p.skipped) for p in plans
    ]
    if say is not None:
        todo = sum(p.rows.height for p in plans)
        say(f"planned {todo:,} rows to insert, {len(skips)} skipped, in {t1 - t0:.2f} s")
    if not opts.audit:
        module.write(conn, plans, opts, progress, say)
        if say is not None:
            say(f"wrote them in {time.perf_counter() - t1:.2f} s")
