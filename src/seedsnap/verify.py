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
import difflib
import io
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import polars as pl

from seedsnap.check import CheckReport, rules, run_rules, select
from seedsnap.config import Config
from seedsnap.diff import ReadOnlyDatabase
from seedsnap.errors import ConfigError
from seedsnap.schema import MENTARA, Schema
from seedsnap.schema.ddl import quote

FORMATS = ("text", "json", "csv")


def verify(
    url: str,
    config: Config | Mapping[str, Any],
    *,
    only: Collection[str] | None = None,
    schema: Schema = MENTARA,
) -> CheckReport:
    """Run every rule for ``config`` (its anchor and minimums), or those in ``only``, on ``url``."""
    conf = config.to_dict() if isinstance(config, Config) else dict(config)
    every = rules(conf, schema)
    if only is not None:
        check_rule_ids(only, [r.id for r in every])
    selected = select(every, only)
    sql = "\n".join(r.sql for r in selected)
    # A rule names a table only by its quoted name: read just the tables some rule uses.
    needed = [t for t in schema.table_names if quote(t) in sql]
    with ReadOnlyDatabase(url) as db:
        db.require(schema, needed)
        if db.target.dialect == "postgres":
            return run_rules(db.conn, selected)
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
            return run_rules(con, selected)
        finally:
            con.close()


def check_rule_ids(only: Collection[str], known: Sequence[str]) -> None:
    """A one-line ConfigError for an unknown --rule, naming the closest rule ids."""
    unknown = sorted(set(only) - set(known))
    if not unknown:
        return
    # No command lists the ids (kind:Table.column, kind:constraint, or a domain rule's
    # table.rule), so the error names the nearest ones, or one of each shape, and the count.
    close: list[str] = []
    for name in unknown:
        close += difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    close = list(dict.fromkeys(close))[:4]
    if close:
        near = f"did you mean {', '.join(close)}?"
    else:
        shapes = ("pk:", "fk:", "not_null:", "")
        first = (
            next((k for k in known if k.startswith(p) and (p or ":" not in k)), None)
            for p in shapes
        )
        near = f"rule ids look like {', '.join(k for k in first if k)}"
    raise ConfigError(
        f"unknown rule(s) {', '.join(unknown)}",
        f"{near} ({len(known)} rules exist; a violated rule's id is the report's first column)",
    )


def to_csv(report: CheckReport) -> str:
    """One row per violation: ``rule,table,key,count,detail``."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["rule", "table", "key", "count", "detail"])
    for v in report.to_dict()["violations"]:
        out.writerow([v["rule"], v["table"], v["key"], v["count"], v["detail"]])
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
