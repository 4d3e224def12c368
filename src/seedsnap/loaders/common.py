"""What every loader shares: options, the report, catalog drift, and planning the rows to insert.

Planning is done here, in polars, once for all targets: the keys already in the database are
read back (one column set per table), the snapshot rows whose primary key is absent are the
candidates, candidates that would collide with an existing row on another unique key are
conflicts, and rows that reference a skipped row (transitively, self-references included) are
skipped with it. The per-target modules only read catalogs and keys and write the planned rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from seedsnap.errors import ConfigError, ConflictError, DatabaseError, one_line
from seedsnap.schema.ddl import add_foreign_key, create_index
from seedsnap.schema.frames import empty_frame
from seedsnap.schema.model import Column, Schema, Table

Progress = Callable[[str, str, int], None]
"""``progress(phase, table, rows)``: phase is "plan", "write" or "done"; for a live display."""

Log = Callable[[str], None]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")
# The upstream seeder's environment names for load's flags.
SEED_ENV = {"replace": "SEED_FORCE", "verbose": "SEED_VERBOSE", "audit": "SEED_AUDIT"}


@dataclass(frozen=True)
class LoadOptions:
    """How a load behaves; the CLI flags map one to one onto these fields."""

    create_schema: bool = False
    replace: bool = False
    # --yes, or the interactive confirmation of --replace was given.
    confirmed: bool = False
    skip_conflicts: bool = False
    audit: bool = False
    verbose: bool = False
    # The flags (replace, verbose, audit) that only a SEED_ variable turned on, each with the
    # NAME=value that did: an error about one names that, which the user set, not the flag,
    # which they did not type.
    from_env: tuple[tuple[str, str], ...] = ()
    # Below this many rows into an empty table, per-row index upkeep is cheaper than dropping
    # and rebuilding the table's secondary indexes and foreign keys (PostgreSQL only).
    bulk_min_rows: int = 10_000


DEFAULT_URL = "duckdb:///seedsnap.duckdb"
"""The database of a command given neither --db nor $SEEDSNAP_DB."""

FILE_KINDS = {"duckdb": "DuckDB", "sqlite": "SQLite"}
"""The dialects whose database is one file, named by ``scheme:///path``."""


def slashes_hint(url: str, path: Path) -> str:
    """For ``scheme:///dir/file``: how to write the absolute path the user may have meant.

    Three slashes then a path is relative to the current directory (SQLAlchemy's convention),
    which surprises whoever wrote ``duckdb:///tmp/x.duckdb`` for /tmp/x.duckdb.
    """
    if path.is_absolute() or len(path.parts) < 2:
        return ""
    scheme = url.partition("://")[0]
    return (
        " (three slashes make the path relative to the current directory: for "
        f"/{path.as_posix()} write {scheme}:////{path.as_posix()})"
    )


def check_database_file(
    url: str,
    path: Path,
    dialect: str,
    *,
    create: bool,
    missing_fix: str = "give the path of an existing database",
) -> None:
    """Refuse a file database that is missing (unless ``create``) or whose directory is, and
    a file of the other engine (a SQLite file given as DuckDB's, or the reverse)."""
    if not create and not path.exists():
        # A newcomer who left out --db does not know which file was meant (true also of the
        # same path given on purpose).
        default = url == DEFAULT_URL
        which = (
            " (the default, used when neither --db nor $SEEDSNAP_DB is given)" if default else ""
        )
        raise DatabaseError(
            f"no {FILE_KINDS[dialect]} database at {path}{which}",
            missing_fix + slashes_hint(url, path),
        )
    if not path.parent.is_dir():
        if path.parent.exists():
            raise DatabaseError(
                f"cannot create {path}: {path.parent} is a file, not a directory",
                "give the path of a file in a directory",
            )
        raise DatabaseError(
            f"cannot create {path}: directory {path.parent} does not exist",
            "create it first" + slashes_hint(url, path),
        )
    other = _file_kind(path)
    if other is not None and other != dialect:
        # DuckDB opens a SQLite file through its sqlite extension, which it would download.
        raise DatabaseError(
            f"{path} is a {FILE_KINDS[other]} database, not a {FILE_KINDS[dialect]} one",
            f"write {other}://{url.partition('://')[2]}",
        )


def _file_kind(path: Path) -> str | None:
    """The dialect whose file ``path`` is, by its header; None if neither or unreadable."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError:  # a directory or an unreadable file: the driver says what is wrong
        return None
    if head == b"SQLite format 3\x00":
        return "sqlite"
    return "duckdb" if head[8:12] == b"DUCK" else None


def database_files(path: Path) -> list[Path]:
    """A file database and the side files its engine may create next to it."""
    return [path] + [
        path.with_name(path.name + suffix) for suffix in (".wal", "-journal", "-wal", "-shm")
    ]


def options_from_env(options: LoadOptions, env: Mapping[str, str] | None = None) -> LoadOptions:
    """``options`` with the upstream seeder's SEED_FORCE / SEED_VERBOSE / SEED_AUDIT applied.

    A value that is neither true nor false (``SEED_AUDIT=ture``) is refused: read as false, a
    misspelt audit would write.
    """
    env = os.environ if env is None else env
    on: dict[str, str] = {}  # flag -> the NAME=value that set it
    for option, name in SEED_ENV.items():
        value = env.get(name, "").strip().lower()
        if value in _TRUE:
            on[option] = f"{name}={env[name].strip()}"
        elif value not in _FALSE:
            raise ConfigError(
                f"{name}={env[name]!r} is neither true nor false",
                f"set {name} to true or false (1/0, yes/no, on/off), or unset it",
            )
    return replace(
        options,
        replace=options.replace or "replace" in on,
        verbose=options.verbose or "verbose" in on,
        audit=options.audit or "audit" in on,
        from_env=tuple((o, set_by) for o, set_by in on.items() if not getattr(options, o)),
    )


def flag(options: LoadOptions, name: str) -> str:
    """How an error names the flag ``name``: the SEED_ variable that set it, if one did."""
    return dict(options.from_env).get(name, f"--{name}")


# ---------------------------------------------------------------------------------------------
# Catalog and drift


@dataclass(frozen=True)
class DbColumn:
    """A column as the target database has it; ``type`` is spelled as the loader's type map."""

    name: str
    type: str
    nullable: bool
    has_default: bool
    # The labels of an enum (or CHECK IN list) column; None when the column accepts any text.
    enum_values: tuple[str, ...] | None = None
    # Its place in the table's primary key, from 1; 0 when it is not part of it.
    key: int = 0


# A foreign key as a catalog holds it: its (column, referenced column) pairs and the table
# they reference.
ForeignShape = tuple[frozenset[tuple[str, str]], str]


@dataclass
class Catalog(Mapping[str, dict[str, DbColumn]]):
    """Table name -> column name -> column, for the tables of the database's target schema.

    ``unique`` holds, per table, the column sets of its unique indexes and constraints other
    than the primary key. Partial and expression indexes are left out: they do not make the
    columns themselves unique. ``foreign`` holds, per table, its foreign keys as the pairs
    (column, referenced column) and the referenced table: the pairs count, not their order.
    """

    tables: dict[str, dict[str, DbColumn]] = field(default_factory=dict)
    unique: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    foreign: dict[str, set[ForeignShape]] = field(default_factory=dict)

    def __getitem__(self, table: str) -> dict[str, DbColumn]:
        return self.tables[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def add_unique(self, table: str, columns: Iterable[str]) -> None:
        self.unique.setdefault(table, set()).add(frozenset(columns))

    def add_foreign(
        self, table: str, columns: Iterable[str], ref_table: str, ref_columns: Iterable[str]
    ) -> None:
        self.foreign.setdefault(table, set()).add(
            (frozenset(zip(columns, ref_columns, strict=True)), ref_table)
        )


class SnapshotSide(Protocol):
    """The snapshot as planning reads it: row counts, a few columns, or whole frames."""

    def rows(self, table: str) -> int: ...

    def columns(self, table: str, columns: Sequence[str]) -> pl.DataFrame: ...

    def frame(self, table: str) -> pl.DataFrame: ...


class DatabaseSide(Protocol):
    """The target as planning reads it.

    ``probe`` keeps the rows of ``frame`` that match (``anti=False``) or match no
    (``anti=True``) row of ``table`` on all of ``frame``'s columns; ``holds_exactly`` may
    answer True only when the table's primary keys are exactly those of ``keys`` (a shortcut
    for a reload; False means "don't know").
    """

    def has_rows(self, table: Table) -> bool: ...

    def holds_exactly(self, table: Table, keys: pl.DataFrame) -> bool: ...

    def probe(self, table: Table, frame: pl.DataFrame, *, anti: bool) -> pl.DataFrame: ...


def key_digest(keys: pl.DataFrame) -> str:
    """sha256 hex of the text keys in byte order, each value as ``<characters>:<value>``.

    The length prefix makes the concatenation unambiguous whatever the keys contain; the
    PostgreSQL loader computes the same digest server-side to compare key sets cheaply.
    """
    import hashlib

    cols = keys.columns
    parts: list[pl.Expr] = []
    for c in cols:
        parts += [pl.col(c).str.len_chars().cast(pl.String), pl.lit(":"), pl.col(c)]
    if len(cols) > 1 or not keys.select((pl.col(cols[0]) > pl.col(cols[0]).shift(1)).all()).item():
        keys = keys.sort(cols)  # snapshot frames come sorted; this is for any other caller
    text = keys.select(pl.concat_str(parts).str.join("")).item() or ""
    return hashlib.sha256(text.encode()).hexdigest()


def probe_by_reading(
    read_table: Callable[[Table, Sequence[str]], pl.DataFrame],
    table: Table,
    frame: pl.DataFrame,
    *,
    anti: bool,
) -> pl.DataFrame:
    """``DatabaseSide.probe`` done by reading the columns back and joining in polars."""
    cols = frame.columns
    theirs = read_table(table, cols).unique()
    how: Any = "anti" if anti else "semi"
    return frame.join(theirs, on=cols, how=how, maintain_order="left")


def drift(
    schema: Schema,
    catalog: Catalog,
    tables: Sequence[str],
    snap: SnapshotSide | None,
    expected_type: Callable[[Column], str],
) -> list[str]:
    """Every way the database differs from what loading ``tables`` needs, table by table.

    Without ``snap`` (as diff and verify ask, which only read the tables), only what reading
    needs: the tables and columns, their types, and the primary keys rows are matched by. A
    load also needs the model's unique keys: its conflicts are the rows they would refuse
    (diff reports a missing one as a difference, ``missing_unique_keys``; verify's unique
    rules find the duplicates a missing one let in).
    """
    problems: list[str] = []
    for name in tables:
        table = schema.table(name)
        have = catalog.get(name)
        if have is None:
            problems.append(f"table {name} is missing")
            continue
        rows = snap.rows(name) if snap is not None else 0
        for c in table.columns:
            db = have.get(c.name)
            if db is None:
                problems.append(f"{name}.{c.name} is missing")
                continue
            want = expected_type(c)
            if db.type != want:
                problems.append(f"{name}.{c.name} is {db.type}, expected {want}")
                continue
            if snap is not None and rows and not db.nullable and c.nullable:
                nulls = snap.columns(name, [c.name]).get_column(c.name).null_count()
                if nulls:
                    problems.append(
                        f"{name}.{c.name} is NOT NULL but the snapshot has {nulls} NULLs"
                    )
            if snap is not None and rows and db.enum_values is not None:
                values = snap.columns(name, [c.name]).get_column(c.name)
                used = values.drop_nulls().unique().sort().to_list()
                unknown = [v for v in used if v not in set(db.enum_values)]
                if unknown:
                    problems.append(f"{name}.{c.name} does not know enum value(s) {unknown}")
        for db in have.values() if snap is not None else ():
            if db.name not in set(table.column_names) and not db.nullable and not db.has_default:
                problems.append(
                    f"{name}.{db.name} is NOT NULL without a default and not in the snapshot"
                )
        problems += key_problems(table, have)
        if snap is not None:
            problems += unique_problems(table, have, catalog.unique.get(name, set()))
    return problems


@dataclass
class MissingKeys:
    """The model's keys a database lacks although it has their tables and columns, as
    ``unique_problems`` and ``foreign_key_problems`` state them."""

    unique: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.unique + self.foreign


def missing_keys(
    schema: Schema, catalog: Catalog, tables: Sequence[str], dialect: str
) -> MissingKeys:
    """The model's unique and foreign keys of ``tables`` the database lacks, for a database
    that has every one of those tables."""
    found = MissingKeys()
    for name in tables:
        table, have = schema.table(name), catalog[name]
        found.unique += unique_problems(table, have, catalog.unique.get(name, set()))
        found.foreign += foreign_key_problems(
            table, have, catalog.foreign.get(name, set()), dialect
        )
    return found


def key_problems(table: Table, have: Mapping[str, DbColumn]) -> list[str]:
    """How the database's primary key of ``table`` (its columns ``have``) differs from the
    model's: load and diff match rows by it, and without it a row could be there twice. The
    columns count, not their order; a key column the table lacks is reported already."""
    key = [db.name for db in sorted(have.values(), key=lambda d: d.key) if db.key]
    if set(key) == set(table.primary_key) or not set(table.primary_key) <= set(have):
        return []
    want = ", ".join(table.primary_key)
    if not key:
        return [f"{table.name} has no primary key, the model's is ({want})"]
    return [f"{table.name}'s primary key is ({', '.join(key)}), the model's is ({want})"]


def unique_problems(
    table: Table, have: Mapping[str, DbColumn], unique: Collection[frozenset[str]]
) -> list[str]:
    """Each unique key of the model's ``table`` that the database's unique column sets
    ``unique`` lack, with the statement that adds it.

    A database without one could hold a value twice: the app looks rows up by these keys (a
    login by email), and load's conflicts are the rows they would refuse. The columns count,
    not their order; a unique index beyond the model's is no drift; a key on the primary
    key's columns is the primary key's business (``key_problems``), and a key column the
    table lacks is reported already.
    """
    problems = []
    for index in table.unique_indexes:
        columns = frozenset(index.columns)
        if columns == set(table.primary_key) or columns in unique or not columns <= set(have):
            continue
        problems.append(
            f"{table.name} has no unique index on ({', '.join(index.columns)}), the model has "
            f"one (add it, once no value is there twice: {create_index(table, index)})"
        )
    return problems


def foreign_key_problems(
    table: Table, have: Mapping[str, DbColumn], foreign: Collection[ForeignShape], dialect: str
) -> list[str]:
    """Each foreign key of the model's ``table`` that the database's ``foreign`` keys lack,
    with how to add it.

    A database without one lets the app keep a row whose parent is gone (a post of a deleted
    user); neither load nor diff depends on it, so only diff reports it. The column pairs
    count, not their order, nor the key's name or actions. DuckDB's DDL leaves out a
    self-reference (DuckDB cannot declare one), so there it is no drift; a key column the
    table lacks is reported already.
    """
    problems = []
    for fk in table.foreign_keys:
        shape = (frozenset(zip(fk.columns, fk.ref_columns, strict=True)), fk.ref_table)
        if shape in foreign or not set(fk.columns) <= set(have):
            continue
        if dialect == "duckdb" and fk.ref_table == table.name:
            continue
        if dialect == "postgres":
            fix = f"add it, once every row has its {fk.ref_table}: {add_foreign_key(table, fk)}"
        else:
            fix = (
                f"{dialect} adds one only with the table: make it again as "
                f"`seedsnap schema --dialect {dialect}` writes it"
            )
        problems.append(
            f"{table.name} has no foreign key ({', '.join(fk.columns)}) to {fk.ref_table}"
            f"({', '.join(fk.ref_columns)}), the model has one ({fix})"
        )
    return problems


def in_model_types(
    table: Table,
    cols: Sequence[Column],
    raw: pl.DataFrame,
    convert: Callable[[Column, pl.Series], pl.Series],
    fix: str,
) -> pl.DataFrame:
    """``raw``'s columns ``cols`` (as a file database returns them) converted by ``convert``
    to the model's dtypes; a value that has none is a DatabaseError naming it (``unreadable``)
    and saying ``fix``."""
    from seedsnap.schema.frames import dtype

    out = []
    for c in cols:
        s = raw.get_column(c.name)
        try:
            out.append(convert(c, s).alias(c.name))
        except (pl.exceptions.PolarsError, ValueError) as e:
            raise unreadable(table, c, s, partial(convert, c), fix, e) from None
    return pl.DataFrame(out, schema={c.name: dtype(c) for c in cols})


def unreadable(
    table: Table,
    column: Column,
    raw: pl.Series,
    convert: Callable[[pl.Series], pl.Series],
    fix: str,
    error: BaseException,
) -> DatabaseError:
    """The error for a file database's column whose values ``convert`` refused with ``error``
    (a hand-edited timestamp, JSON that is not JSON): names the first value refused, found by
    halving ``raw``, or, where no single value fails alone, gives ``error`` itself.
    """

    def fails(part: pl.Series) -> bool:
        try:
            convert(part)
        except (pl.exceptions.PolarsError, ValueError):
            return True
        return False

    lo, hi = 0, raw.len()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fails(raw.slice(lo, mid - lo)):
            hi = mid
        else:
            lo = mid
    if raw.len() and raw[lo] is not None and fails(raw.slice(lo, 1)):
        what = shown(raw[lo])
    else:  # the column fails as a whole, not by one value of it
        what = f"values ({one_line(str(error))[:120]})"
    return value_error(table, column, what, fix)


def shown(value: object) -> str:
    """``value`` as an error message quotes it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def value_error(table: Table, column: Column, what: str, fix: str) -> DatabaseError:
    """The error for ``what`` (a value, shown) that ``column`` of a database holds and seedsnap
    cannot read as the column's type."""
    return DatabaseError(
        f"reading {table.name}: {table.name}.{column.name} holds {what}, which seedsnap "
        f"cannot read as {column.type}",
        fix,
    )


# ---------------------------------------------------------------------------------------------
# Plans and reports


@dataclass(frozen=True)
class Skip:
    """A snapshot row left out: a unique-key conflict, or a row depending on a skipped row.

    ``conflict``: the row itself conflicts (``reason`` names the key and value), rather than
    depending on a row that does."""

    table: str
    key: str
    reason: str
    conflict: bool = False


@dataclass
class TablePlan:
    """What loading one table will do; ``rows`` are the rows to insert."""

    table: Table
    in_snapshot: int
    rows: pl.DataFrame
    present: int
    skipped: int
    empty_before: bool


@dataclass(frozen=True)
class TableReport:
    table: str
    snapshot: int
    inserted: int
    present: int
    skipped: int


@dataclass
class LoadReport:
    """The outcome of a load (or, with ``audit``, of what a load would do)."""

    target: str
    dialect: str
    snapshot: str
    audit: bool = False
    replaced: bool = False  # the model's tables were emptied first (in an audit: would be)
    created_schema: bool = False
    tables: list[TableReport] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    # An audit without --skip-conflicts that found conflicts: the load it stands for would
    # stop on them (its counts are those of a load with --skip-conflicts).
    stops: bool = False
    # Ctrl-C or SIGTERM came while the load committed: the commit was let finish.
    committed_through_signal: bool = False

    def totals(self) -> dict[str, int]:
        keys = ("snapshot", "inserted", "present", "skipped")
        return {k: sum(int(getattr(t, k)) for t in self.tables) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "dialect": self.dialect,
            "snapshot": self.snapshot,
            "audit": self.audit,
            "replaced": self.replaced,
            "created_schema": self.created_schema,
            "tables": [vars(t) for t in self.tables],
            "totals": self.totals(),
            "skipped_rows": [vars(s) for s in self.skips],
            "load_would_stop_on_conflicts": self.stops,
            "seconds": round(self.seconds, 3),
        }

    def to_text(self, max_skips: int = 20) -> str:
        verb = "would insert" if self.audit else "inserted"
        width = max([len(t.table) for t in self.tables] + [len("total")])
        head = f"{'table':<{width}}  {'snapshot':>9}  {verb:>12}  {'present':>9}  {'skipped':>8}"
        lines = [head]
        for t in self.tables:
            lines.append(
                f"{t.table:<{width}}  {t.snapshot:>9,}  {t.inserted:>12,}  {t.present:>9,}"
                f"  {t.skipped:>8,}"
            )
        tot = self.totals()
        lines.append(
            f"{'total':<{width}}  {tot['snapshot']:>9,}  {tot['inserted']:>12,}"
            f"  {tot['present']:>9,}  {tot['skipped']:>8,}"
        )
        verb_skip = "would skip" if self.audit else "skipped"
        for s in self.skips[:max_skips]:
            lines.append(f"{verb_skip} {s.table} {s.key}: {s.reason}")
        if len(self.skips) > max_skips:
            lines.append(f"… and {len(self.skips) - max_skips} more skipped rows (--format json)")
        if self.stops:
            lines.append(
                "a load would stop on the conflicts; with --skip-conflicts it would skip these "
                "rows and insert the rest, as counted"
            )
        if tot["present"]:
            lines.append(
                f"{tot['present']:,} rows were there already and are left as they are "
                "(`seedsnap diff` shows any that differ; --replace restores them)"
            )
        mode = "audit (read-only): " if self.audit else ""
        done = "would be inserted" if self.audit else "inserted"
        # An audit of --replace counts every row as one to insert: it says why.
        emptied = "would be" if self.audit else "were"
        extra = f"; the model's tables {emptied} emptied first" if self.replaced else ""
        lines.append(
            f"{mode}{tot['inserted']:,} rows {done} into {self.target} "
            f"({self.dialect}) in {self.seconds:.2f} s{extra}"
        )
        return "\n".join(lines) + "\n"


def key_text(table: Table, frame: pl.DataFrame) -> pl.Series:
    """Each row's primary key as text (``a,b`` for a composite key), for reports."""
    return frame.select(
        pl.concat_str([pl.col(c).cast(pl.String) for c in table.primary_key], separator=",")
    ).to_series()


@dataclass(frozen=True)
class Conflict:
    table: str
    key: str
    columns: tuple[str, ...]
    value: str


def conflicts(table: Table, candidates: pl.DataFrame, db: DatabaseSide) -> list[Conflict]:
    """Candidates equal to an existing row on a unique key other than the primary key.

    NULLs never collide (PostgreSQL, DuckDB and SQLite all treat them as distinct in unique
    indexes), so rows with a NULL in the key are not probed. A candidate is absent by primary
    key, so any existing row equal on another unique key is a different row.
    """
    found: list[Conflict] = []
    for index in table.unique_indexes:
        cols = list(index.columns)
        if tuple(cols) == tuple(table.primary_key) or not candidates.height:
            continue
        probe = candidates.select(cols).drop_nulls().unique(maintain_order=True)
        if not probe.height:
            continue
        taken = db.probe(table, probe, anti=False)
        if not taken.height:
            continue
        ours = candidates.join(taken, on=cols, how="semi", maintain_order="left")
        keys = key_text(table, ours)
        values = ours.select(
            pl.concat_str([pl.col(c).cast(pl.String) for c in cols], separator=",")
        ).to_series()
        found.extend(
            Conflict(table.name, k, tuple(cols), v)
            for k, v in zip(keys.to_list(), values.to_list(), strict=True)
        )
    return found


def parent_first(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` reordered so a row comes after the rows of ``frame`` it references itself.

    Only self-referencing tables (Comment.parentId, Message.replyToId) change. A row's depth is
    one more than its parent's; depths are settled level by level with joins (a thread is a
    few levels deep), so this is whole-column work, and the sort is stable.
    """
    refs = table.self_references
    if not refs or frame.height < 2:
        return frame
    depth = pl.Series("__depth", [0] * frame.height, dtype=pl.Int64)
    for _ in range(frame.height):
        new = pl.Series("__depth", [0] * frame.height, dtype=pl.Int64)
        for fk in refs:
            col, ref = fk.columns[0], fk.ref_columns[0]
            parents = frame.select(pl.col(ref).alias(col)).with_columns(depth.alias("__parent"))
            up = (
                frame.select(col)
                .join(parents, on=col, how="left", maintain_order="left")
                .get_column("__parent")
            )
            new = pl.select(pl.max_horizontal(new, up.fill_null(-1) + 1)).to_series()
        if new.equals(depth, check_names=False) or new.max() >= frame.height:  # type: ignore[operator]
            # Settled, or a cycle (a broken snapshot): the database will name the bad row.
            break
        depth = new.alias("__depth")
    return frame.with_columns(depth).sort("__depth", maintain_order=True).drop("__depth")


def plan_tables(
    schema: Schema,
    tables: Sequence[str],
    snap: SnapshotSide,
    db: DatabaseSide,
    skip_conflicts: bool,
    progress: Progress | None = None,
) -> tuple[list[TablePlan], list[Skip]]:
    """Plan ``tables`` in load order; raise ConflictError on a conflict unless ``skip_conflicts``.

    Only what is needed is read: a table's keys when the database table has rows, its full
    frame only when some of its rows are missing, other unique keys only for those rows.
    """
    plans: list[TablePlan] = []
    skips: list[Skip] = []
    # Per table, the referenced-column values of skipped rows, to find their dependants.
    skipped_refs: dict[str, pl.DataFrame] = {}
    for name in [t for t in schema.load_order if t in set(tables)]:
        table = schema.table(name)
        n = snap.rows(name)
        if progress is not None:
            progress("plan", name, n)
        pk = list(table.primary_key)
        empty = n == 0 or not db.has_rows(table)
        found: list[Conflict] = []
        if empty:
            candidates = snap.frame(name)
        else:
            wanted = snap.columns(name, pk)
            if db.holds_exactly(table, wanted):
                candidates = empty_frame(table)
            else:
                # The frame is decoded on another thread while the database compares keys.
                with ThreadPoolExecutor(1, thread_name_prefix="seedsnap-read") as pool:
                    whole = pool.submit(snap.frame, name)
                    absent = db.probe(table, wanted, anti=True)
                    frame = whole.result()
                candidates = frame.join(absent, on=pk, how="semi", maintain_order="left")
            found = conflicts(table, candidates, db)
        if found and not skip_conflicts:
            first = found[0]
            count = len({c.key for c in found})
            raise ConflictError(name, first.key, ",".join(first.columns), first.value, count)
        if found or any(fk.ref_table in skipped_refs for fk in table.foreign_keys):
            rows, table_skips = _leave_out(schema, table, candidates, found, skipped_refs)
        else:
            rows, table_skips = candidates, []
        skips.extend(table_skips)
        plans.append(TablePlan(table, n, rows, n - candidates.height, len(table_skips), empty))
    return plans, skips


def _leave_out(
    schema: Schema,
    table: Table,
    candidates: pl.DataFrame,
    found: list[Conflict],
    skipped_refs: dict[str, pl.DataFrame],
) -> tuple[pl.DataFrame, list[Skip]]:
    """``candidates`` without the conflicting rows and the rows depending on skipped rows.

    Dependants are rows referencing a skipped row of a parent table, then rows of this table
    referencing those, until no new row is found (a reply to a skipped comment, and so on).
    Records this table's skipped rows in ``skipped_refs`` for the tables after it.
    """
    name = table.name
    # One skip per row, naming every key it conflicts on (a community whose name and slug
    # are both taken is one row left out).
    reasons: dict[str, list[str]] = {}
    for c in found:
        reasons.setdefault(c.key, []).append(f"{','.join(c.columns)}={c.value!r}")
    skips = [
        Skip(name, key, f"conflict on {'; '.join(on)}", conflict=True)
        for key, on in reasons.items()
    ]
    keys = key_text(table, candidates)
    dropped = keys.is_in(pl.Series(list(reasons), dtype=pl.String).implode())
    for fk in table.foreign_keys:
        if fk.ref_table == name or fk.ref_table not in skipped_refs:
            continue
        hit = _references(candidates, fk.columns, fk.ref_columns, skipped_refs[fk.ref_table])
        new = hit & ~dropped
        skips.extend(
            Skip(name, k, f"depends on skipped {fk.ref_table} row")
            for k in keys.filter(new).to_list()
        )
        dropped = dropped | hit
    while table.self_references and dropped.any():
        own = candidates.filter(dropped)
        hit = pl.Series([False] * candidates.height, dtype=pl.Boolean)
        for fk in table.self_references:
            targets = own.select(list(fk.ref_columns))
            hit = hit | _references(candidates, fk.columns, fk.ref_columns, targets)
        new = hit & ~dropped
        if not new.any():
            break
        skips.extend(
            Skip(name, k, f"depends on skipped {name} row") for k in keys.filter(new).to_list()
        )
        dropped = dropped | new
    if dropped.any():
        referenced = {
            c for t in schema.tables for fk in t.foreign_keys if fk.ref_table == name
            for c in fk.ref_columns
        }  # fmt: skip
        skipped_refs[name] = candidates.filter(dropped).select(
            sorted(referenced | set(table.primary_key))
        )
    return candidates.filter(~dropped), skips


def _references(
    rows: pl.DataFrame,
    columns: Sequence[str],
    ref_columns: Sequence[str],
    targets: pl.DataFrame,
) -> pl.Series:
    """For each row, whether its foreign key ``columns`` equal some ``targets`` row."""
    if not rows.height or not targets.height:
        return pl.Series([False] * rows.height, dtype=pl.Boolean)
    t = targets.select([pl.col(r).alias(c) for c, r in zip(columns, ref_columns, strict=True)])
    marked = rows.select(list(columns)).join(
        t.unique().with_columns(pl.lit(True).alias("__hit")),
        on=list(columns),
        how="left",
        maintain_order="left",
    )
    return marked.get_column("__hit").fill_null(False)


def require_confirmation(options: LoadOptions) -> None:
    """--replace without --yes or an interactive confirmation is refused."""
    if options.replace and not options.confirmed and not options.audit:
        raise ConfigError(
            f"{flag(options, 'replace')} empties the model's tables and needs confirmation",
            "add --yes, or run it in a terminal and answer the prompt",
        )
