"""`seedsnap verify`: the rules of `check` (schema, domain, minimums) over a live database.

Whatever put the rows there (a load, the app, a hand edit), the database is judged by the same
rules as a snapshot, read-only. On PostgreSQL the rules run in the server itself, inside a
``REPEATABLE READ, READ ONLY`` transaction (they are written in the SQL both DuckDB and
PostgreSQL accept, and `check`'s tests hold the two engines to the same findings). DuckDB's
postgres extension is not used: it is not bundled and installing it needs the network.
For DuckDB and SQLite files the tables the rules need are read through the loader's
``read_table`` (the model's dtypes, as a snapshot has them) into an in-memory DuckDB, so the
rules see exactly what `check` sees for a snapshot; SQLite lacks the SQL the rules use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from typing import Any

import polars as pl

from seedsnap.check import CheckReport, rules, run_rules, select
from seedsnap.config import Config
from seedsnap.diff import ReadOnlyDatabase
from seedsnap.errors import ConfigError, DatabaseError
from seedsnap.schema import MENTARA, Schema
from seedsnap.schema.ddl import quote

FORMATS = ("text", "json", "csv")


def verify(
    url: str,
    config: Config | Mapping[str, Any],
    *,
    only: Collection[str] | None = None,
    schema: Schema = MENTARA,
    keys: int | None = 1,
) -> CheckReport:
    """Run every rule for ``config`` (its anchor and minimums), or those in ``only``, on ``url``,
    listing ``keys`` offending keys per broken rule (None: every one)."""
    conf = config.to_dict() if isinstance(config, Config) else dict(config)
    selected = select(rules(conf, schema), only)
    sql = "\n".join(r.sql for r in selected)
    # A rule names a table only by its quoted name: read just the tables some rule uses.
    needed = [t for t in schema.table_names if quote(t) in sql]
    with ReadOnlyDatabase(url) as db:
        db.require(schema, needed, "the model's schema")  # verify reads no snapshot
        if db.target.dialect == "postgres":
            _require_select(db, needed)
            return run_rules(db.conn, selected, keys)
        import duckdb

        con = duckdb.connect()
        try:
            for name in needed:
                frame = db.read(schema.table(name))
                # Microsecond timestamps, as DuckDB reads the snapshot's Parquet in `check`.
                frame = frame.with_columns(pl.col(pl.Datetime).cast(pl.Datetime("us")))
                con.register("__seedsnap_source", frame.to_arrow())
                con.execute(
                    f"CREATE TEMPORARY TABLE {quote(name)} AS SELECT * FROM __seedsnap_source"
                )
                con.unregister("__seedsnap_source")
            return run_rules(con, selected, keys)
        finally:
            con.close()


def _require_select(db: ReadOnlyDatabase, names: Collection[str]) -> None:
    """Raise a DatabaseError naming the tables the role may not read, before any rule runs:
    otherwise the first rule on one of them failed with a dozen rule ids and "check that every
    table and column of the Mentara schema is present", of tables that are all there."""
    rows = db.conn.execute(
        "SELECT t FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, i) "
        "WHERE NOT has_table_privilege(format('%%I', t), 'SELECT') ORDER BY i",
        [list(names)],
    ).fetchall()
    denied = [r[0] for r in rows]
    if denied:
        more = f" (and {len(denied) - 1} more tables)" if len(denied) > 1 else ""
        raise DatabaseError(
            f"reading {denied[0]}: permission denied for table {denied[0]}{more}",
            "connect as the owner of the tables, or as a role granted SELECT on them",
        )


def to_csv(report: CheckReport) -> str:
    """One row per violation: ``rule,table,key,count,detail``; when more than one key was
    asked for, one row per listed key (its own detail), the violation's count on each."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["rule", "table", "key", "count", "detail"])
    for v in report.to_dict()["violations"]:
        listed = v.get("keys") or [{"key": v["key"], "detail": v["detail"]}]
        out.writerows([v["rule"], v["table"], k["key"], v["count"], k["detail"]] for k in listed)
    return buf.getvalue()


def render(report: CheckReport, fmt: str = "text") -> str:
    """The report as ``text`` (as `check` prints it), ``json`` or ``csv``."""
    if fmt == "json":
        return report.to_json()
    if fmt == "csv":
        return to_csv(report)
    if fmt == "text":
        return report.to_text()
    raise ConfigError(f"unknown --format {fmt!r}", "use text, json or csv")
