"""`seedsnap diff`: how a database, or another snapshot, differs from a snapshot, row by row.

Rows are matched by primary key. Per table a row is *missing* (in the snapshot, not in the
target), *extra* (in the target only), *changed* (same key, some other column differs) or
*equal*. Nothing is ever written: a database is read in one read-only transaction (on
PostgreSQL ``REPEATABLE READ, READ ONLY``, so every table is read at the same instant).

Values are compared exactly, in the model's polars dtypes on both sides (the loaders'
``read_table`` and ``Snapshot.frame`` both produce them): timestamps to the millisecond,
``numeric(10,2)`` as scaled integers, ``text[]`` element by element, JSON as values (key
order, spacing and number spelling do not count; the texts are compared first and only those
that differ are parsed, see ``_same_json``), NULL equal only to NULL (never to ``""`` or
``[]``), and floating-point values bit for bit apart from NaN (``0.0`` and ``-0.0`` differ, as
they do in the content hash).

The comparison is whole-column work in polars: when the target's rows come back in the
snapshot's key order (a database just loaded, or another snapshot) the columns are compared
position by position; otherwise the two sides are joined on the primary key first. A diff
holds the table being compared, and from PostgreSQL the tables received ahead of it (while
fewer than ``_AHEAD_BYTES`` are held another is fetched, so the budget can be passed by one
table; measured in bench/diff.py against a raw ``COPY … TO STDOUT``).

A snapshot is verified as it is read: every file's bytes against the manifest when it is
opened, and every table compared against its content hash, on a thread beside the
comparison (``_Verifier``), so a file rewritten together with its ``file_sha256`` is refused;
the report is only given once every table compared has been verified.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections import deque
from collections.abc import Collection, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import polars as pl

from seedsnap.errors import ConfigError, DriftError, migrate_fix
from seedsnap.loaders.common import MissingKeys, drift, missing_keys
from seedsnap.schema import MENTARA, Schema, Table
from seedsnap.schema.model import FLOAT, JSONB, TEXT, TIMESTAMP, Column
from seedsnap.snapshot import same_json_value, sort_rows

if TYPE_CHECKING:
    from seedsnap.snapshot import Snapshot

FORMATS = ("text", "json", "csv")
DEFAULT_LIMIT = 20

# Internal column names; the model's camelCase names cannot collide with them.
_THEIRS = "__seedsnap_theirs__"
_IN_OURS = "__seedsnap_in_ours__"
_IN_THEIRS = "__seedsnap_in_theirs__"
_KEY = "__seedsnap_key__"
_DIFF = "__seedsnap_diff__"
# How far (bytes received, not yet compared) a PostgreSQL diff reads ahead of its comparing.
_AHEAD_BYTES = 192 << 20
_MISSING, _EXTRA, _BOTH, _CHANGED = (
    f"__seedsnap_{k}__" for k in ("missing", "extra", "both", "changed")
)


@dataclass(frozen=True)
class ChangedRow:
    """A row present on both sides whose ``columns`` differ."""

    key: str
    columns: tuple[str, ...]


@dataclass
class TableDiff:
    """One table's counts, and up to ``limit`` keys of each kind of difference."""

    table: str
    missing: int = 0
    extra: int = 0
    changed: int = 0
    equal: int = 0
    missing_keys: list[str] = field(default_factory=list)
    extra_keys: list[str] = field(default_factory=list)
    changed_rows: list[ChangedRow] = field(default_factory=list)
    # Per column, how many changed rows differ in it.
    changed_columns: dict[str, int] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        return bool(self.missing or self.extra or self.changed)

    def counts(self) -> dict[str, int]:
        return {
            "missing": self.missing,
            "extra": self.extra,
            "changed": self.changed,
            "equal": self.equal,
        }


@dataclass
class DiffReport:
    """The outcome of a diff: per table, in load order, what differs."""

    snapshot: str
    target: str
    kind: str  # postgres, duckdb, sqlite or snapshot
    tables: list[TableDiff] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    # How the database's schema differs without stopping the comparison: the model's unique
    # keys it lacks (the app could store a value twice) and its foreign keys (the app could
    # keep a row whose parent is gone).
    keys: MissingKeys = field(default_factory=MissingKeys)

    @property
    def schema(self) -> list[str]:
        return self.keys.problems

    @property
    def equal(self) -> bool:
        return not self.schema and not any(t.differs for t in self.tables)

    @property
    def exit_code(self) -> int:
        """0 when equal, 1 when different, as diff(1)."""
        return 0 if self.equal else 1

    def totals(self) -> dict[str, int]:
        keys = ("missing", "extra", "changed", "equal")
        return {k: sum(getattr(t, k) for t in self.tables) for k in keys}

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        tables = []
        for t in self.tables:
            entry: dict[str, Any] = {"table": t.table, **t.counts()}
            if details:
                entry["missing_keys"] = t.missing_keys
                entry["extra_keys"] = t.extra_keys
                entry["changed_rows"] = [
                    {"key": r.key, "columns": list(r.columns)} for r in t.changed_rows
                ]
                entry["changed_columns"] = t.changed_columns
            tables.append(entry)
        doc: dict[str, Any] = {
            "snapshot": self.snapshot,
            "target": self.target,
            "kind": self.kind,
            "equal": self.equal,
            "schema": self.schema,
            "tables": tables,
            "totals": self.totals(),
        }
        if details:
            doc["limit"] = self.limit
        return doc

    def to_json(self, details: bool = False) -> str:
        return json.dumps(self.to_dict(details), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """One row per table: ``table,missing,extra,changed,equal``."""
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["table", "missing", "extra", "changed", "equal"])
        for t in self.tables:
            out.writerow([t.table, t.missing, t.extra, t.changed, t.equal])
        return buf.getvalue()

    def to_text(self, details: bool = False) -> str:
        """A summary table (differing tables marked ``*``), the details, then a verdict line."""
        width = max([len(t.table) for t in self.tables] + [len("total")])
        lines = [
            f"  {'table':<{width}}  {'missing':>9}  {'extra':>9}  {'changed':>9}  {'equal':>9}"
        ]
        for t in self.tables:
            mark = "*" if t.differs else " "
            lines.append(
                f"{mark} {t.table:<{width}}  {t.missing:>9,}  {t.extra:>9,}  {t.changed:>9,}"
                f"  {t.equal:>9,}"
            )
        tot = self.totals()
        lines.append(
            f"  {'total':<{width}}  {tot['missing']:>9,}  {tot['extra']:>9,}"
            f"  {tot['changed']:>9,}  {tot['equal']:>9,}"
        )
        if details:
            for t in self.tables:
                if t.differs:
                    lines += ["", *self._table_details(t)]
        differing = sum(t.differs for t in self.tables)
        if self.schema:
            lines += ["", *(f"schema: {problem}" for problem in self.schema)]
        lines.append("")
        head = f"snapshot {self.snapshot} vs {self.kind} {self.target}"
        if not differing:
            verdict = f"equal ({tot['equal']:,} rows in {_count(len(self.tables), 'table')})"
        else:
            verdict = (
                f"{differing} of {_count(len(self.tables), 'table')} differ"
                f"{'s' if differing == 1 else ''} ({tot['missing']:,}"
                f" missing, {tot['extra']:,} extra, {tot['changed']:,} changed)"
            )
        if self.schema:
            kinds = [
                _count(len(found), kind)
                for found, kind in (
                    (self.keys.unique, "unique key"),
                    (self.keys.foreign, "foreign key"),
                )
                if found
            ]
            lacks = f"the database lacks {' and '.join(kinds)} of the model"
            verdict = (
                f"rows {verdict}, but {lacks}" if not differing else f"{verdict}, and {lacks}"
            ) + " (listed above)"
        lines.append(f"{head}: {verdict}")
        return "\n".join(lines) + "\n"

    def _table_details(self, t: TableDiff) -> list[str]:
        lines = [f"{t.table}: {t.missing:,} missing, {t.extra:,} extra, {t.changed:,} changed"]

        def more(shown: int, total: int, what: str) -> None:
            if total > shown:
                lines.append(f"  … and {total - shown:,} more {what} (raise --limit)")

        lines += [f"  missing  {k}" for k in t.missing_keys]
        more(len(t.missing_keys), t.missing, "missing")
        lines += [f"  extra    {k}" for k in t.extra_keys]
        more(len(t.extra_keys), t.extra, "extra")
        lines += [f"  changed  {r.key}  {', '.join(r.columns)}" for r in t.changed_rows]
        more(len(t.changed_rows), t.changed, "changed")
        if t.changed_columns:
            counts = ", ".join(f"{c} ({n:,})" for c, n in t.changed_columns.items())
            lines.append(f"  changed columns: {counts}")
        return lines

    def render(self, fmt: str = "text", details: bool = False) -> str:
        """The report as ``text``, ``json`` or ``csv`` (csv has no details)."""
        check_format(fmt, details)
        if fmt == "json":
            return self.to_json(details)
        if fmt == "csv":
            return self.to_csv()
        return self.to_text(details)


def check_format(fmt: str, details: bool = False) -> None:
    """A ConfigError for an unknown format, or for details asked of csv."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", "use text, json or csv")
    if fmt == "csv" and details:
        raise ConfigError(
            "csv has one row of counts per table and no room for --details",
            "use --format json or text for the keys",
        )


# ---------------------------------------------------------------------------------------------
# Comparing two frames


def _same(column: Column, ours: pl.Expr, theirs: pl.Expr) -> pl.Expr:
    """Whether the two values are the same (NULL is the same only as NULL)."""
    same = ours.eq_missing(theirs)
    if column.type == FLOAT:
        # eq_missing holds NaN = NaN (wanted) and 0.0 = -0.0 (not: their bits and the content
        # hash differ); 1/x tells the zeros apart (inf vs -inf) and equals 1/y whenever x is y.
        same = same & (1.0 / ours).eq_missing(1.0 / theirs)
    return same


def _same_json(paired: pl.DataFrame, ours: str, theirs: str) -> pl.DataFrame:
    """``paired`` with ``theirs`` set to ``ours`` where the two texts hold the same JSON value.

    Both sides usually spell a value alike (a snapshot stores PostgreSQL's jsonb output form,
    and DuckDB and SQLite keep the text they were given), so the texts are compared first and
    only the pairs that differ as text are parsed and compared as values (key order and
    spacing do not count; text that is not JSON equals nothing but the same text).
    """
    a, b = pl.col(ours), pl.col(theirs)
    odd = paired.select(pl.arg_where(a.is_not_null() & b.is_not_null() & (a != b))).to_series()
    if not odd.len():
        return paired
    mine, other = (paired.get_column(n).gather(odd).to_list() for n in (ours, theirs))
    same = [i for i, x, y in zip(odd.to_list(), mine, other, strict=True) if same_json_value(x, y)]
    if not same:
        return paired
    column = paired.get_column(theirs).clone()
    column.scatter(same, paired.get_column(ours).gather(same))
    return paired.with_columns(column)


def _key_expr(table: Table) -> pl.Expr:
    """A row's primary key as text, ``a,b`` for a composite key (as the load report shows it)."""
    return pl.concat_str(
        [pl.col(c).cast(pl.String) for c in table.primary_key], separator=","
    ).alias(_KEY)


def compare(
    table: Table, ours: pl.DataFrame, theirs: pl.DataFrame, limit: int = DEFAULT_LIMIT
) -> TableDiff:
    """How ``theirs`` differs from ``ours`` (both in ``table``'s dtypes), by primary key.

    Both sides must have unique primary keys, as every target enforces.
    """
    pk = list(table.primary_key)
    values = [c for c in table.columns if c.name not in pk]
    renamed = [pl.col(c.name).alias(c.name + _THEIRS) for c in values]
    if ours.height == theirs.height and not ours.select(pk).equals(theirs.select(pk)):
        # Same number of rows in another order (a database returns rows in its storage
        # order, and an UPDATE moves a row): sorting by key, as the snapshot is sorted, is
        # cheaper than joining every column, and finds the same keys when none is missing.
        # sort_rows is the snapshot's own order, and sorts uuid keys as integers.
        theirs = sort_rows(table, theirs)
    aligned = ours.height == theirs.height and ours.select(pk).equals(theirs.select(pk))
    if aligned:
        # Same keys in the same order: no join needed, compare position by position.
        paired = pl.concat([ours, theirs.select(renamed)], how="horizontal").with_columns(
            pl.lit(True).alias(_IN_OURS), pl.lit(True).alias(_IN_THEIRS)
        )
    else:
        paired = ours.with_columns(pl.lit(True).alias(_IN_OURS)).join(
            theirs.select(*pk, *renamed, pl.lit(True).alias(_IN_THEIRS)),
            on=pk,
            how="full",
            coalesce=True,
        )
    for c in values:
        if c.type == JSONB:
            paired = _same_json(paired, c.name, c.name + _THEIRS)
    if aligned and values:
        # Same keys in the same order: the per-column counts alone tell an equal table (the
        # usual case) without building the per-row flags.
        counts = paired.select(
            (~_same(c, pl.col(c.name), pl.col(c.name + _THEIRS))).sum().alias(c.name)
            for c in values
        ).row(0)
        if not any(counts):
            return TableDiff(table.name, equal=ours.height)
    in_ours = pl.col(_IN_OURS).is_not_null()
    in_theirs = pl.col(_IN_THEIRS).is_not_null()
    both = in_ours & in_theirs
    differs = [
        (both & ~_same(c, pl.col(c.name), pl.col(c.name + _THEIRS))).alias(c.name) for c in values
    ]
    flags = paired.select(
        *pk,
        (in_ours & ~in_theirs).alias(_MISSING),
        (in_theirs & ~in_ours).alias(_EXTRA),
        both.alias(_BOTH),
        pl.struct(differs).alias(_DIFF) if differs else pl.lit(None).alias(_DIFF),
    ).with_columns(
        pl.any_horizontal(pl.col(_DIFF).struct.field(c.name) for c in values).alias(_CHANGED)
        if differs
        else pl.lit(False).alias(_CHANGED)
    )
    sums = flags.select(
        pl.col(_MISSING, _EXTRA, _CHANGED, _BOTH).sum(),
        *(pl.col(_DIFF).struct.field(c.name).sum() for c in values),
    ).row(0, named=True)
    out = TableDiff(
        table.name,
        missing=int(sums[_MISSING]),
        extra=int(sums[_EXTRA]),
        changed=int(sums[_CHANGED]),
        equal=int(sums[_BOTH]) - int(sums[_CHANGED]),
    )
    out.changed_columns = {c.name: int(sums[c.name]) for c in values if sums[c.name]}
    if not limit:
        return out

    def first(flag: str) -> pl.DataFrame:
        """The first ``limit`` flagged rows by key text (key text only for flagged rows)."""
        rows = flags.filter(pl.col(flag)).with_columns(_key_expr(table))
        return rows.bottom_k(limit, by=_KEY).sort(_KEY)

    if out.missing:
        out.missing_keys = first(_MISSING).get_column(_KEY).to_list()
    if out.extra:
        out.extra_keys = first(_EXTRA).get_column(_KEY).to_list()
    if out.changed:
        names = pl.concat_list(
            pl.when(pl.col(_DIFF).struct.field(c.name)).then(pl.lit(c.name)) for c in values
        ).list.drop_nulls()
        out.changed_rows = [
            ChangedRow(key, tuple(cols))
            for key, cols in first(_CHANGED).select(_KEY, names).iter_rows()
        ]
    return out


# ---------------------------------------------------------------------------------------------
# Sources


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def is_url(target: str) -> bool:
    """Whether ``target`` names a database (``scheme://…``) rather than a snapshot path."""
    return "://" in target


def select_tables(schema: Schema, tables: Collection[str] | None) -> list[str]:
    """The tables to diff, in load order; an unknown name is a ConfigError."""
    if not tables:
        return list(schema.load_order)
    unknown = sorted(set(tables) - set(schema.table_names))
    if unknown:
        by_lower = {t.lower(): t for t in schema.table_names}
        meant = [
            m for t in unknown for m in difflib.get_close_matches(t.lower(), list(by_lower), n=1)
        ]
        examples = [by_lower[m] for m in meant] or schema.table_names[:3]
        raise ConfigError(
            f"unknown table(s) {', '.join(unknown)}",
            f"use the model's table names, e.g. {', '.join(examples)}",
        )
    return [t for t in schema.load_order if t in set(tables)]


class ReadOnlyDatabase:
    """A database opened for reading only: ``with ReadOnlyDatabase(url) as db: db.read(t)``.

    The transaction is read-only where the database has such a thing (PostgreSQL: ``REPEATABLE
    READ, READ ONLY``; SQLite: ``PRAGMA query_only``), and is rolled back on exit whatever
    happened, so nothing can be committed. A DuckDB or SQLite file must already exist (it is
    never created) and is opened read-only, so a file the user may only read will do and, for
    DuckDB, other read-only connections may hold it at the same time.
    """

    def __init__(self, url: str) -> None:
        from seedsnap.loaders import target

        self.target = target(url)
        self.url = url
        self.module: ModuleType = self.target.module
        self.conn: Any = None

    def __enter__(self) -> ReadOnlyDatabase:
        if self.target.dialect == "postgres":
            self.conn = self.module.connect(self.url)
        else:
            self.conn = self.module.connect(self.url, create=False, read_only=True)
        try:
            if self.target.dialect == "sqlite":
                self.conn.execute("PRAGMA query_only = ON")
            self.module.begin(self.conn, write=False)
        except BaseException:
            self.module.close(self.conn)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.module.rollback(self.conn)
        finally:
            self.module.close(self.conn)

    def require(
        self, schema: Schema, names: Sequence[str], against: str = "the snapshot's schema"
    ) -> MissingKeys:
        """Raise DriftError unless every table and column of ``names`` is there, as typed;
        return the model's unique and foreign keys of those tables that the database lacks,
        which reading does not need (``missing_keys``)."""
        catalog = self.module.read_catalog(self.conn)
        problems = drift(schema, catalog, names, None, self.module.expected_type)
        if problems:
            if not any(t in catalog for t in schema.table_names):
                raise DriftError.no_tables(
                    len(schema.tables),
                    "check the --db URL, or load a snapshot into it first (`seedsnap load "
                    "SNAPSHOT --db URL --create-schema`)",
                    against,
                )
            raise DriftError(problems, migrate_fix(self.target.dialect), against)
        return missing_keys(schema, catalog, names, self.target.dialect)

    def read(self, table: Table) -> pl.DataFrame:
        """Every row of ``table`` in the model's dtypes."""
        frame: pl.DataFrame = self.module.read_table(self.conn, table)
        return frame

    def frames(self, tables: Sequence[Table]) -> Generator[tuple[Table, pl.DataFrame]]:
        """Every row of each of ``tables``, in turn.

        On PostgreSQL a helper thread runs the tables' COPYs back to back, ahead of the
        caller while the bytes received and not yet taken stay under ``_AHEAD_BYTES``, so
        the server is not left idle while a large table is compared: it formats rows on its
        own core while the thread mostly waits on the socket. A second thread decodes each
        table as it arrives, so decoding overlaps with the caller's reading of the snapshot
        and comparing (polars releases the GIL) instead of following them. One COPY runs at
        a time. SQLite connections belong to their thread: read in turn.
        """
        if self.target.dialect != "postgres" or len(tables) < 2:
            for table in tables:
                yield table, self.read(table)
            return
        import threading
        from collections import deque

        decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seedsnap-decode")
        ready: deque[tuple[Future[pl.DataFrame], int] | BaseException] = deque()
        held = 0  # bytes in ``ready`` (an empty table counts as one)
        cond = threading.Condition()
        stop = False

        def room() -> bool:
            return stop or held < _AHEAD_BYTES

        def produce() -> None:
            nonlocal held
            for table in tables:
                with cond:
                    cond.wait_for(room)
                    if stop:
                        return
                try:
                    data = self._copy_out(table)
                    item: tuple[Future[pl.DataFrame], int] | BaseException = (
                        decoder.submit(self._decode, table, data),
                        max(1, len(data)),
                    )
                except BaseException as e:  # handed to the caller, who raises it
                    item = e
                with cond:
                    ready.append(item)
                    held += 0 if isinstance(item, BaseException) else item[1]
                    cond.notify_all()
                if isinstance(item, BaseException):
                    return

        worker = threading.Thread(target=produce, name="seedsnap-diff", daemon=True)
        worker.start()
        try:
            for table in tables:
                with cond:
                    cond.wait_for(lambda: bool(ready))
                    got = ready.popleft()
                    held -= 0 if isinstance(got, BaseException) else got[1]
                    cond.notify_all()
                if isinstance(got, BaseException):
                    raise got
                yield table, got[0].result()
        finally:
            # Stopped early (an error, or the caller gave up): let the COPY in flight end
            # before the transaction is rolled back on the same connection.
            with cond:
                stop = True
                cond.notify_all()
            worker.join()
            decoder.shutdown(wait=True, cancel_futures=True)

    def _decode(self, table: Table, data: bytes) -> pl.DataFrame:
        """``_copy_out``'s bytes as a frame in the model's dtypes.

        JSON columns stay as PostgreSQL wrote them (jsonb's output form, the form a snapshot
        stores): ``compare`` parses only the values whose text differs.
        """
        as_text = [replace(c, type=TEXT) if c.type == JSONB else c for c in table.columns]
        frame: pl.DataFrame = self.module.decode_csv(as_text, data)
        return frame

    def _copy_out(self, table: Table) -> bytes:
        """The bytes of the loader's ``read_table`` COPY for ``table`` (PostgreSQL only)."""
        from psycopg import sql

        # loaders.postgres.read_table's query, whose decode_csv reads the output, except that
        # timestamps become epoch milliseconds through date_part (float8) rather than extract
        # (numeric): the same integers, for a fifth less server time over the whole model.
        # Exact: the float8 seconds of any timestamp before the year 100000 are within 1e-3 ms.
        select = sql.SQL(", ").join(
            sql.SQL("round(date_part('epoch', {}) * 1000)::int8").format(sql.Identifier(c.name))
            if c.type == TIMESTAMP
            else self.module._select_expr(c)
            for c in table.columns
        )
        query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
            select, sql.Identifier(table.name)
        )
        with self.module._errors(f"reading {table.name}"):
            data: bytes = self.module.copy_out(self.conn, query)
        return data


# ---------------------------------------------------------------------------------------------
# The library API


def diff(
    snapshot_path: str | Path,
    target: str | Path,
    *,
    tables: Collection[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    schema: Schema = MENTARA,
) -> DiffReport:
    """How ``target`` (a database URL or another snapshot's path) differs from the snapshot.

    ``tables`` limits the diff to those tables; ``limit`` caps the keys kept per kind of
    difference and table (the counts are always complete). Both snapshots are verified
    against their manifests; a database is only read.
    """
    if limit < 0:
        raise ConfigError(f"--limit must be 0 or more, got {limit}", "use --limit 20")
    names = select_tables(schema, tables)
    ours = _open_snapshot(snapshot_path, schema)
    target = str(target)
    with _Verifier() as verified:
        if not is_url(target):
            theirs = _open_snapshot(target, schema)
            report = DiffReport(str(snapshot_path), target, "snapshot", limit=limit)
            for name in names:
                mine, other = verified(ours, name), verified(theirs, name)
                report.tables.append(compare(schema.table(name), mine, other, limit))
            return report
        with ReadOnlyDatabase(target) as db:
            report = DiffReport(
                str(snapshot_path), db.target.display, db.target.dialect, limit=limit
            )
            report.keys = db.require(schema, names)
            # Closed explicitly so a COPY still in flight ends before the rollback.
            with closing(db.frames([schema.table(n) for n in names])) as frames:
                for name in names:
                    mine = verified(ours, name)  # read while the database side is on its way
                    table, rows = next(frames)
                    report.tables.append(compare(table, mine, rows, limit))
    return report


class _Verifier:
    """Reads tables of snapshots and checks each against its content hash on one thread
    beside the caller. Used as ``verified(snap, table) -> frame``; a mismatch is raised by
    the first call after its check ends, or on leaving the ``with`` block, which waits for
    every check. At most ``_CHECKS_AHEAD`` checks wait (each holds its frame), so a diff
    of two snapshots, which reads faster than it hashes, still holds a few tables at most.
    """

    def __enter__(self) -> _Verifier:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seedsnap-verify")
        self._checks: deque[Future[None]] = deque()
        return self

    def __call__(self, snap: Snapshot, table: str) -> pl.DataFrame:
        from seedsnap.snapshot import check_content

        while self._checks and (self._checks[0].done() or len(self._checks) >= _CHECKS_AHEAD):
            self._checks.popleft().result()  # raises a mismatch
        frame = _frame(snap, table)
        self._checks.append(self._pool.submit(check_content, snap, table, frame))
        return frame

    def __exit__(self, kind: object, *rest: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=kind is not None)
        if kind is None:
            for check in self._checks:
                check.result()  # raises a mismatch


_CHECKS_AHEAD = 2


def _open_snapshot(path: str | Path, schema: Schema) -> Snapshot:
    """The snapshot at ``path`` with every file's bytes checked against the manifest.

    Its frames are read without their content check, which ``_Verifier`` runs beside the
    comparison instead of before it.
    """
    from seedsnap import snapshot

    snap = snapshot.read(path, verify=True, schema=schema)
    snap.verify_content = False
    return snap


def _frame(snap: Snapshot, table: str) -> pl.DataFrame:
    """``table``'s frame, not kept in the snapshot's cache: a diff holds one table at a time."""
    frame = snap.frame(table)
    snap._frames.pop(table, None)
    return frame
