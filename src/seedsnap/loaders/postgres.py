"""PostgreSQL loader (psycopg 3): COPY of the planned rows, one transaction, locks, bulk path.

Every loader module has this shape: ``connect``, ``describe``, ``read_catalog``,
``expected_type``, ``read_table``, ``has_rows``, ``create_schema``, ``begin``, ``lock``,
``empty``, ``write``, ``commit``, ``rollback``, ``close`` (and optionally ``probe`` and
``holds_exactly``); :mod:`seedsnap.loaders` drives them.

How rows get in (measured in bench/load.py against ``psql \\copy``):

- the rows to insert are computed before anything is sent (``common.plan_tables``), under a
  SHARE ROW EXCLUSIVE lock on every model table, so no other writer can add a row between the
  key comparison and the COPY: each planned row is new, and COPY straight into the table gives
  the result of staging + ``INSERT … ON CONFLICT DO NOTHING`` without the staging round;
- keys are compared cheaply: an unchanged table by a count and a sha256 of its sorted keys
  computed server-side (``holds_exactly``: nothing is sent), a table with gaps by receiving
  its keys as one aggregated string (``probe``), unique keys of the missing rows by sending
  just those to a temporary table;
- rows travel as CSV made by polars (arrays as array literals, timestamps with milliseconds),
  the next table's CSV made on a helper thread while the server works on this one;
- a table that was empty and gets at least ``bulk_min_rows`` rows is loaded the way pg_restore
  does it: its secondary indexes and its own foreign keys are dropped, the rows (already in
  primary-key order, so the kept primary-key index grows at its right edge) are copied with
  FREEZE, then the indexes are rebuilt by sorting and the foreign keys re-added, which
  validates them in one join instead of one trigger call per row. Definitions, names and
  comments are read from the catalog and restored as they were, inside the same transaction.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import polars as pl

from seedsnap.errors import DatabaseError, MissingDriverError, one_line
from seedsnap.loaders.common import (
    Catalog,
    DbColumn,
    LoadOptions,
    Log,
    Progress,
    TablePlan,
    parent_first,
)
from seedsnap.random import name_key
from seedsnap.schema.ddl import render
from seedsnap.schema.model import (
    BOOLEAN,
    DECIMAL,
    ENUM,
    FLOAT,
    INTEGER,
    INTEGER_ARRAY,
    JSONB,
    TEXT,
    TEXT_ARRAY,
    TIMESTAMP,
    Column,
    Schema,
    Table,
)

if TYPE_CHECKING:
    import psycopg

DIALECT = "postgres"

# format_type() spellings of the model's logical types (what Prisma's migrations create).
TYPES: dict[str, str] = {
    TEXT: "text",
    TIMESTAMP: "timestamp(3) without time zone",
    INTEGER: "integer",
    FLOAT: "double precision",
    DECIMAL: "numeric(10,2)",
    JSONB: "jsonb",
    BOOLEAN: "boolean",
    TEXT_ARRAY: "text[]",
    INTEGER_ARRAY: "integer[]",
}

# One advisory lock key for every seedsnap load, so two loads into one database queue up.
LOCK_KEY = int(name_key("seedsnap", "load").astype("int64"))
_CHUNK = 1 << 22
_CONNECT_TIMEOUT = "10"


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise MissingDriverError("psycopg", "psycopg[binary]") from None
    return psycopg


# ---------------------------------------------------------------------------------------------
# Connection


def _split_url(url: str) -> tuple[str, str | None]:
    """(libpq URL, schema): Prisma's ``?schema=`` is not a libpq parameter, so it is taken off."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = [(k, v) for k, v in query if k != "schema"]
    if not any(k == "connect_timeout" for k, _ in rest):
        rest.append(("connect_timeout", _CONNECT_TIMEOUT))
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return _join(scheme, parts.netloc, parts.path, urlencode(rest), parts.fragment), schema


def _join(scheme: str, netloc: str, path: str, query: str = "", fragment: str = "") -> str:
    """A URL from its parts, keeping ``//`` before an empty host: urlunsplit turns libpq's
    postgresql:///db (host from ?host=, PGHOST or the local socket) into postgresql:/db,
    which libpq refuses."""
    url = f"{scheme}://{netloc}{path}"
    return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def connect(url: str, create: bool = True) -> psycopg.Connection[Any]:
    """A connection to ``url`` (``?schema=`` sets the search path, as in Prisma's URLs).

    ``create`` is for the file-based loaders; a PostgreSQL database is never created here.
    """
    pg = _driver()
    from psycopg import sql

    dsn, schema = _split_url(url)
    try:
        conn: Any = pg.connect(dsn, autocommit=False)
    except pg.Error as e:
        raise _connect_error(url, e) from None
    try:
        conn.execute("SET client_encoding TO 'UTF8'")
        if schema:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            found = conn.execute("SELECT current_schema()").fetchone()
        conn.commit()
    except pg.Error as e:
        conn.close()
        raise DatabaseError(f"{describe_url(url)}: {_first_line(e)}") from None
    if schema and found == (None,):
        # Else it reads as a database without tables, and --create-schema has nowhere to go.
        # current_schema() is NULL for a schema that exists but the user may not use, too.
        conn.close()
        raise DatabaseError(
            f"{describe_url(url)} has no schema {schema!r} this user may use (named by "
            "?schema= in the URL)",
            f"create it (CREATE SCHEMA {sql.Identifier(schema).as_string(None)}) or grant "
            "USAGE on it, or fix ?schema= in the URL",
        )
    connection: psycopg.Connection[Any] = conn
    return connection


def describe_url(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username
    return _join("postgresql", f"{user}@{netloc}" if user else netloc, parts.path)


def describe(conn: psycopg.Connection[Any]) -> str:
    """Host, port, database and user of a live connection (shown before --replace)."""
    i = conn.info
    return f"PostgreSQL database {i.dbname!r} on {i.host}:{i.port} as {i.user}"


def _first_line(e: BaseException) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def _connect_error(url: str, e: BaseException) -> DatabaseError:
    text = str(e)
    where = describe_url(url)
    if "password authentication failed" in text or "no password supplied" in text:
        fix = "check the user and password in the URL (or PGPASSWORD / ~/.pgpass)"
    elif "role" in text and "does not exist" in text:
        fix = "use an existing role in the URL, or create it (CREATE ROLE … LOGIN)"
    elif "database" in text and "does not exist" in text:
        fix = "create the database (createdb) or fix its name in the URL"
    elif "resolve host" in text or "could not translate host name" in text:
        fix = "check the host name in the URL"
    elif "invalid port number" in text:
        fix = "fix the port in the URL (1 to 65535)"
    elif "bad value for" in text or ("invalid" in text and "value" in text):
        # libpq: bad value for connect_timeout: 'abc'; invalid sslmode value: "bogus"
        fix = "fix that parameter's value in the URL"
    elif re.search(r"in URI|invalid URI|connection option|dsn|unexpected (character|spaces)", text):
        fix = "write the URL as postgresql://user:password@host:port/database"
    else:
        fix = "check that PostgreSQL is running and reachable at the URL's host and port"
    detail = text.split("failed:")[-1] if "failed:" in text else text
    # libpq quotes the connection string, or a part of it, that it could not parse: never
    # print the password (describe_url shows the rest of the URL).
    detail = re.sub(r':?\s*"?postgres(?:ql)?://[^"\s]*"?', "", detail)
    detail = re.sub(r"password\s*=\s*\S+", "password=…", detail)
    password = re.search(r"://[^/@:]*:([^@]+)@", url)
    if password:  # a quoted part holding it; a bare replace would also eat a short one's text
        detail = re.sub(rf'"[^"]*{re.escape(password.group(1))}[^"]*"', '"…"', detail)
    detail = one_line(detail.replace("FATAL:", "").replace("connection is bad:", ""))
    return DatabaseError(f"cannot connect to {where}: {detail}", fix)


@contextmanager
def _errors(what: str) -> Iterator[None]:
    """Driver errors become a one-line DatabaseError naming ``what`` was being done."""
    psycopg = _driver()
    try:
        yield
    except psycopg.Error as e:
        diag = getattr(e, "diag", None)
        message = (diag.message_primary if diag is not None else None) or _first_line(e)
        detail = diag.message_detail if diag is not None else None
        text = f"{what}: {message}" + (f" ({detail})" if detail else "")
        raise DatabaseError(one_line(text), _fix_for(message)) from None


def _fix_for(message: str) -> str:
    if "foreign key" in message:
        return "the snapshot references rows the database lacks; run seedsnap check on it"
    if "permission denied" in message or "must be owner" in message:
        return "connect as the owner of the tables"
    if "deadlock" in message or "lock timeout" in message or "could not obtain lock" in message:
        return "another session holds the tables; retry when it is done"
    return "see the message; the transaction was rolled back and nothing was written"


# ---------------------------------------------------------------------------------------------
# Catalog and reading


def expected_type(column: Column) -> str:
    """The catalog type a column of the model has in a Prisma-made database."""
    if column.type == ENUM:
        return f"enum {column.enum}"
    return TYPES[column.type]


_CATALOG = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
       t.typtype = 'e', t.typname,
       (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
          FROM pg_enum e WHERE e.enumtypid = t.oid),
       COALESCE((SELECT array_position(k.conkey, a.attnum) FROM pg_constraint k
                  WHERE k.conrelid = c.oid AND k.contype = 'p'), 0)
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = current_schema()::regnamespace
   AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
"""

# The key columns (not the INCLUDE ones) of every valid unique index but the primary key's,
# whether made by CREATE UNIQUE INDEX (as Prisma does) or by a UNIQUE constraint. A partial
# index or one on an expression (attnum 0) does not make its columns unique: left out.
_UNIQUE = """
SELECT c.relname, array_agg(a.attname)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
   AND i.indisunique AND NOT i.indisprimary AND i.indisvalid AND i.indpred IS NULL
   AND k.n <= i.indnkeyatts
 GROUP BY c.relname, i.indexrelid
HAVING bool_and(k.attnum > 0)
"""


# Foreign keys by their columns and the referenced table's, in the constraint's own order.
_FOREIGN = """
SELECT c.relname, array_agg(a.attname ORDER BY k.n), r.relname, array_agg(b.attname ORDER BY k.n)
  FROM pg_constraint f
  JOIN pg_class c ON c.oid = f.conrelid
  JOIN pg_class r ON r.oid = f.confrelid
 CROSS JOIN LATERAL unnest(f.conkey, f.confkey) WITH ORDINALITY AS k(attnum, refnum, n)
  JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum
  JOIN pg_attribute b ON b.attrelid = f.confrelid AND b.attnum = k.refnum
 WHERE f.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
   AND r.relnamespace = c.relnamespace
 GROUP BY f.oid, c.relname, r.relname
"""


def read_catalog(conn: psycopg.Connection[Any]) -> Catalog:
    """Tables, columns, types, nullability, defaults, enum labels, primary keys, unique keys
    and foreign keys of the current schema."""
    catalog = Catalog()
    with _errors("reading the catalog"):
        if conn.execute("SELECT current_schema()").fetchone() == (None,):
            return catalog
        for rel, col, type_, nullable, has_default, is_enum, typname, labels, key in conn.execute(
            _CATALOG
        ):
            catalog.tables.setdefault(rel, {})[col] = DbColumn(
                col,
                f"enum {typname}" if is_enum else type_,
                nullable,
                has_default,
                tuple(labels) if is_enum else None,
                key,
            )
        for rel, columns in conn.execute(_UNIQUE):
            catalog.add_unique(rel, columns)
        for rel, columns, ref, ref_columns in conn.execute(_FOREIGN):
            catalog.add_foreign(rel, columns, ref, ref_columns)
    return catalog


def _select_expr(c: Column, alias: str | None = None) -> Any:
    """How a column is selected for reading back as text that polars parses exactly."""
    from psycopg import sql

    ident = sql.Identifier(alias, c.name) if alias else sql.Identifier(c.name)
    if c.type == TIMESTAMP:
        # Epoch milliseconds: exact, and independent of DateStyle and trailing-zero trimming.
        return sql.SQL("(extract(epoch FROM {}) * 1000)::int8").format(ident)
    if c.type in (TEXT_ARRAY, INTEGER_ARRAY):
        return sql.SQL("to_json({})::text").format(ident)
    return ident


def read_table(
    conn: psycopg.Connection[Any], table: Table, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every row of ``table`` (or just ``columns``) with the model's polars dtypes."""
    from psycopg import sql

    cols = [table.column(c) for c in (columns or table.column_names)]
    query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(_select_expr(c) for c in cols), sql.Identifier(table.name)
    )
    with _errors(f"reading {table.name}"):
        return decode_csv(cols, copy_out(conn, query))


def copy_out(conn: psycopg.Connection[Any], query: Any) -> bytes:
    """Every byte ``query`` (a ``COPY … TO STDOUT``) sends, received through libpq directly.

    psycopg's ``Copy`` iterator costs about a microsecond of Python per row (PostgreSQL sends
    one message per row); draining libpq's buffer in a tight loop of non-blocking
    ``get_copy_data`` calls, waiting on the socket only when it is empty, needs 40% less
    client CPU for the same bytes (measured in bench/diff.py). Uses psycopg's documented
    low-level ``Connection.pgconn``, holding the connection's lock meanwhile. It runs in
    whatever transaction is open and does not start one (every caller has begun one). A
    failed COPY raises psycopg's error for the server's result (message, detail, SQLSTATE);
    an interrupted one is cancelled and its results drained, so the connection can still
    roll back, and the interruption is what propagates.
    """
    import selectors

    from psycopg import DatabaseError as DriverError
    from psycopg import errors, pq

    pg = conn.pgconn
    encoding = conn.info.encoding
    text = query.as_bytes(conn) if hasattr(query, "as_bytes") else str(query).encode()

    def failure(result: Any) -> Exception:
        if result is not None and result.status == pq.ExecStatus.FATAL_ERROR:
            return errors.error_from_result(result, encoding=encoding)
        raw = pg.error_message or b"COPY failed"
        return DriverError(raw.decode(errors="replace").strip())

    with conn.lock, selectors.DefaultSelector() as sel:
        key = sel.register(pg.socket, selectors.EVENT_READ)
        pg.send_query(text)
        sent = settled = False
        try:
            # The connection is non-blocking: push the whole query out, reading meanwhile.
            while pg.flush():
                sel.modify(key.fd, selectors.EVENT_READ | selectors.EVENT_WRITE)
                sel.select()
                pg.consume_input()
            sel.modify(key.fd, selectors.EVENT_READ)
            sent = True
            while True:
                pg.consume_input()
                if not pg.is_busy():
                    break
                sel.select()
            first = pg.get_result()
            if first is None or first.status != pq.ExecStatus.COPY_OUT:
                _drain_results(pg)
                settled = True  # the server said no: nothing to cancel or read
                raise failure(first)
            buf = io.BytesIO()
            write, get = buf.write, pg.get_copy_data
            while True:
                n, data = get(1)
                if n > 0:
                    write(data)
                elif n == 0:
                    sel.select()
                    pg.consume_input()
                else:
                    break
            results = _drain_results(pg)
            settled = True
            bad = [r for r in results if r.status != pq.ExecStatus.COMMAND_OK]
            if n != -1 or bad:
                raise failure(bad[0] if bad else None)
            return buf.getvalue()
        except BaseException:
            if not settled:
                _abandon(conn, sent)
            raise


def _abandon(conn: psycopg.Connection[Any], sent: bool) -> None:
    """After an interruption: cancel the query and read every result it still has.

    Whatever state the COPY was in (queued behind a lock, streaming, finished), what is left
    is read so the connection can roll back; failures here are swallowed so that the
    original exception is the one that propagates. (Interrupted while the query itself
    was still being sent, which only a query of megabytes leaves time for, the server has
    nothing to cancel yet: the drain then waits for the query to run to its end.)
    """
    from psycopg import pq

    pg = conn.pgconn
    if pg.status != pq.ConnStatus.OK:
        return
    if sent:
        # Not cancelled: the drain below waits for the query's end instead.
        with suppress(Exception):
            conn.cancel_safe()
    try:
        while (r := pg.get_result()) is not None:
            if r.status == pq.ExecStatus.COPY_OUT:
                while pg.get_copy_data(0)[0] > 0:
                    pass
    except Exception:  # the original exception matters more; the connection may be closed
        pass


def _drain_results(pg: Any) -> list[Any]:
    results = []
    while (r := pg.get_result()) is not None:
        results.append(r)
    return results


def decode_csv(cols: Sequence[Column], data: bytes) -> pl.DataFrame:
    """PostgreSQL CSV (as ``read_table`` selects it) as a frame with the model's dtypes."""
    from seedsnap.schema.frames import dtype
    from seedsnap.snapshot import stored_json

    names = [c.name for c in cols]
    if not data:
        return pl.DataFrame(schema={c.name: dtype(c) for c in cols})
    # Numbers and epoch milliseconds are parsed by the CSV reader itself; the rest as text.
    parsed = {TIMESTAMP: pl.Int64, INTEGER: pl.Int32, FLOAT: pl.Float64}
    raw = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        new_columns=names,
        schema={c.name: parsed.get(c.type, pl.String) for c in cols},
        infer_schema=False,
    )
    out = []
    for c in cols:
        s = raw.get_column(c.name)
        if c.type == TIMESTAMP:
            s = s.cast(pl.Datetime("ms"))
        elif c.type == BOOLEAN:
            s = s == "t"
        elif c.type == JSONB:
            s = stored_json(s)
        elif c.type in (TEXT_ARRAY, INTEGER_ARRAY):
            s = s.str.json_decode(dtype(c))
        elif c.type not in parsed:
            s = s.cast(dtype(c))
        out.append(s.alias(c.name))
    return pl.DataFrame(out)


_PROBE = "_seedsnap_probe"
# Above this many keys the digest's single aggregated string gets too big to be worth it.
_DIGEST_MAX_ROWS = 2_000_000


_BYTEWISE = """
SELECT bool_and(
         CASE WHEN coll.collname = 'default' OR coll.oid IS NULL
              THEN db.datlocprovider = 'c' AND lower(db.datcollate) IN ('c', 'posix', 'c.utf8', 'c.utf-8')
              ELSE coll.collprovider = 'c' AND lower(coll.collcollate) IN ('c', 'posix', 'c.utf8', 'c.utf-8')
         END)
  FROM pg_attribute a
  LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
 CROSS JOIN pg_database db
 WHERE db.datname = current_database()
   AND a.attrelid = (SELECT oid FROM pg_class
                      WHERE relname = %s AND relnamespace = current_schema()::regnamespace)
   AND a.attname = ANY(%s)
"""


def holds_exactly(conn: psycopg.Connection[Any], table: Table, keys: pl.DataFrame) -> bool:
    """Whether ``table``'s primary keys are exactly ``keys``: one sha256 computed server-side.

    The server reads its keys in byte order (the index's own order when the column's
    collation is bytewise, else sorted with COLLATE "C") and hashes them in ``key_digest``'s
    form; equal digests mean equal key sets, so a reload of an unchanged snapshot sends no
    keys at all. Different digests, or keys that are not text, only mean "don't know": the
    caller then compares row by row.
    """
    from psycopg import sql

    from seedsnap.loaders.common import key_digest

    cols = [table.column(c) for c in keys.columns]
    if any(c.type != TEXT for c in cols) or not 0 < keys.height <= _DIGEST_MAX_ROWS:
        return False
    names = [c.name for c in cols]
    with _errors(f"comparing {table.name} with the snapshot"):
        # A different count settles it without sorting and hashing (a gap to fill, usually).
        counted = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table.name))
        ).fetchone()
        if counted is None or counted[0] != keys.height:
            return False
        row = conn.execute(_BYTEWISE, [table.name, names]).fetchone()
        collate = sql.SQL("") if row and row[0] else sql.SQL(' COLLATE "C"')
        pieces = sql.SQL(" || ").join(
            sql.SQL("length({0})::text || ':' || {0}").format(sql.Identifier(n)) for n in names
        )
        order = sql.SQL(", ").join(
            sql.SQL("{}{}").format(sql.Identifier(n), collate) for n in names
        )
        # The aggregate reads the sorted subquery in order (a wrong order could only make the
        # digests differ, never make different keys look equal).
        query = sql.SQL(
            "SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(k, ''), ''), 'UTF8')),"
            " 'hex') FROM (SELECT {} AS k FROM {} ORDER BY {}) s"
        ).format(pieces, sql.Identifier(table.name), order)
        # The client's digest is computed meanwhile (polars and psycopg both release the GIL).
        with ThreadPoolExecutor(1, thread_name_prefix="seedsnap-digest") as pool:
            ours = pool.submit(key_digest, keys)
            row = conn.execute(query).fetchone()
            digest = ours.result()
    return row is not None and row[0] == keys.height and row[1] == digest


def _read_text_column(conn: psycopg.Connection[Any], table: Table, column: str) -> pl.Series | None:
    """Every value of a text column as one newline-joined string, split by polars.

    Receiving one value instead of a COPY row per key saves a Python round per row. None
    when a value holds a newline (the pieces then outnumber the rows): use another way.
    """
    from psycopg import sql

    row = conn.execute(
        sql.SQL("SELECT count(*), string_agg({}, E'\\n') FROM {}").format(
            sql.Identifier(column), sql.Identifier(table.name)
        )
    ).fetchone()
    if row is None or row[1] is None:
        return pl.Series(column, [], dtype=pl.String)
    values = pl.Series(column, [row[1]]).str.split("\n").explode()
    return values if values.len() == row[0] else None


def _estimated_rows(conn: psycopg.Connection[Any], table: Table) -> float:
    """The planner's row estimate for ``table``, or its exact count if it was never analysed."""
    from psycopg import sql

    row = conn.execute(
        "SELECT reltuples FROM pg_class "
        "WHERE relname = %s AND relnamespace = current_schema()::regnamespace",
        [table.name],
    ).fetchone()
    if row is not None and row[0] >= 0:
        return float(row[0])
    row = conn.execute(
        sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table.name))
    ).fetchone()
    return float(row[0]) if row else 0.0


def probe(
    conn: psycopg.Connection[Any], table: Table, frame: pl.DataFrame, *, anti: bool
) -> pl.DataFrame:
    """Rows of ``frame`` that match (or, with ``anti``, match no) row of ``table``.

    One text column (a primary key, mostly) against a table not much bigger than ``frame``:
    the table's values come back in one string and are joined here. Otherwise ``frame``
    goes to the server in one COPY into a temporary table typed like the target's columns
    and is joined there, so only the answer comes back.
    """
    from psycopg import sql

    if len(frame.columns) == 1 and table.column(frame.columns[0]).type == TEXT:
        column = frame.columns[0]
        with _errors(f"comparing {table.name} with the snapshot"):
            estimate = _estimated_rows(conn, table)
            small = estimate <= min(max(4 * frame.height, 10_000), _DIGEST_MAX_ROWS)
            theirs = _read_text_column(conn, table, column) if small else None
        if theirs is not None:
            how: Any = "anti" if anti else "semi"
            return frame.join(theirs.to_frame(), on=column, how=how, maintain_order="left")

    cols = [table.column(c) for c in frame.columns]
    tmp = sql.Identifier(_PROBE)
    idents = sql.SQL(", ").join(sql.Identifier(c.name) for c in cols)
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{0} = p.{0}").format(sql.Identifier(c.name)) for c in cols
    )
    selected = sql.SQL(", ").join(_select_expr(c, "p") for c in cols)
    with _errors(f"comparing {table.name} with the snapshot"):
        conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(tmp))
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                tmp, idents, sql.Identifier(table.name)
            )
        )
        _copy(conn, table, encode(table, frame), frame.columns, into=_PROBE)
        query = sql.SQL(
            "COPY (SELECT {} FROM {} p WHERE {} EXISTS (SELECT 1 FROM {} t WHERE {})) "
            "TO STDOUT (FORMAT csv)"
        ).format(
            selected,
            tmp,
            sql.SQL("NOT") if anti else sql.SQL(""),
            sql.Identifier(table.name),
            match,
        )
        data = copy_out(conn, query)
    return decode_csv(cols, data)


def has_rows(conn: psycopg.Connection[Any], table: Table) -> bool:
    from psycopg import sql

    with _errors(f"reading {table.name}"):
        row = conn.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table.name))
        ).fetchone()
    return bool(row and row[0])


# ---------------------------------------------------------------------------------------------
# Transaction


def create_schema(conn: psycopg.Connection[Any], schema: Schema) -> None:
    """The model's enums, tables, indexes and foreign keys, as Prisma's migration makes them."""
    with _errors("creating the schema"):
        # The DDL is rendered from the model by seedsnap.schema.ddl, not from user input.
        conn.execute(render(schema, "postgres").encode())


def begin(conn: psycopg.Connection[Any], *, write: bool) -> None:
    """Open the load's transaction; a writing load first takes the seedsnap advisory lock."""
    with _errors("starting the transaction"):
        if write:
            row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY]).fetchone()
            if not (row and row[0]):
                # Said whatever the display: a load that waits silently looks hung.
                print(
                    "seedsnap: another seedsnap load of this database is running; waiting "
                    "for it to finish",
                    file=sys.stderr,
                    flush=True,
                )
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        else:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def lock(conn: psycopg.Connection[Any], tables: Sequence[str]) -> None:
    """Block other writers (not readers) of ``tables`` until the load commits."""
    from psycopg import sql

    if not tables:
        return
    with _errors("locking the tables"):
        conn.execute(
            sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in tables)
            )
        )


def empty(conn: psycopg.Connection[Any], tables: Sequence[str], replace: str = "--replace") -> None:
    """TRUNCATE exactly ``tables`` (no CASCADE: another table referencing them is an error)."""
    from psycopg import sql

    if not tables:
        return
    psycopg = _driver()
    try:
        conn.execute(
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in tables))
        )
    except psycopg.errors.FeatureNotSupported as e:
        raise DatabaseError(
            # PostgreSQL's detail is a sentence ('Table "x" references "User".'): its full
            # stop would run into the fix's semicolon.
            f"{replace} cannot empty the model's tables: "
            f"{str(e.diag.message_detail or e).strip().rstrip('.')}",
            f"that table is not seedsnap's; empty it yourself, or load without {replace}",
        ) from None
    except psycopg.Error as e:
        raise DatabaseError(f"emptying the tables: {_first_line(e)}") from None


def commit(conn: psycopg.Connection[Any]) -> None:
    with _errors("committing"):
        conn.commit()


def rollback(conn: psycopg.Connection[Any]) -> None:
    # If the connection is gone the server rolls the transaction back by itself.
    with suppress(_driver().Error):
        conn.rollback()


def close(conn: psycopg.Connection[Any]) -> None:
    conn.close()


# ---------------------------------------------------------------------------------------------
# Writing


def encode(table: Table, frame: pl.DataFrame) -> bytes:
    """``frame`` (columns of ``table``) as COPY CSV: NULL unquoted-empty, "" an empty string."""
    exprs = []
    for c in (table.column(name) for name in frame.columns):
        e = pl.col(c.name)
        if c.type == TIMESTAMP:
            e = e.dt.to_string("%Y-%m-%d %H:%M:%S%.3f")
        elif c.type == DECIMAL:
            e = e.cast(pl.String)
        elif c.type == TEXT_ARRAY:
            item = pl.element()
            quoted = pl.concat_str(
                pl.lit('"'),
                item.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
                    '"', '\\"', literal=True
                ),
                pl.lit('"'),
            )
            e = _array_literal(e, pl.when(item.is_null()).then(pl.lit("NULL")).otherwise(quoted))
        elif c.type == INTEGER_ARRAY:
            item = pl.element()
            e = _array_literal(
                e, pl.when(item.is_null()).then(pl.lit("NULL")).otherwise(item.cast(pl.String))
            )
        exprs.append(e.alias(c.name))
    buf = io.BytesIO()
    frame.select(exprs).write_csv(buf, include_header=False)
    return buf.getvalue()


def _array_literal(column: pl.Expr, item: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("{"), column.list.eval(item).list.join(","), pl.lit("}"))


def _copy(
    conn: psycopg.Connection[Any],
    table: Table,
    data: bytes,
    columns: Sequence[str] | None = None,
    into: str | None = None,
    freeze: bool = False,
) -> None:
    from psycopg import sql

    query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv{})").format(
        sql.Identifier(into or table.name),
        sql.SQL(", ").join(sql.Identifier(c) for c in (columns or table.column_names)),
        sql.SQL(", FREEZE") if freeze else sql.SQL(""),
    )
    view = memoryview(data)
    with conn.cursor().copy(query) as copy:
        for start in range(0, len(view), _CHUNK):
            copy.write(view[start : start + _CHUNK])


_SECONDARY = """
SELECT n.nspname, ic.relname, pg_get_indexdef(i.indexrelid),
       obj_description(i.indexrelid, 'pg_class')
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
 WHERE i.indrelid = (SELECT oid FROM pg_class
                      WHERE relname = %s AND relnamespace = current_schema()::regnamespace)
   AND NOT i.indisprimary AND i.indisvalid
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
 ORDER BY ic.relname
"""

_OWN_FKS = """
SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint')
  FROM pg_constraint
 WHERE contype = 'f'
   AND conrelid = (SELECT oid FROM pg_class
                    WHERE relname = %s AND relnamespace = current_schema()::regnamespace)
 ORDER BY conname
"""


def _bulk_copy(
    conn: psycopg.Connection[Any], table: Table, data: bytes, freeze: bool, log: Log | None
) -> None:
    """COPY into an empty table with its secondary indexes and foreign keys dropped meanwhile."""
    from psycopg import sql

    t0 = time.perf_counter()
    indexes = conn.execute(_SECONDARY, [table.name]).fetchall()
    fks = conn.execute(_OWN_FKS, [table.name]).fetchall()
    ident = sql.Identifier(table.name)
    for name, _, _ in fks:
        conn.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(ident, sql.Identifier(name))
        )
    for nsp, name, _, _ in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(nsp, name)))
    t1 = time.perf_counter()
    _copy(conn, table, data, freeze=freeze)
    t2 = time.perf_counter()
    for nsp, name, definition, comment in indexes:
        # The definition is the server's own pg_get_indexdef text for the index just dropped.
        conn.execute(definition.encode())
        if comment is not None:
            conn.execute(
                sql.SQL("COMMENT ON INDEX {} IS {}").format(
                    sql.Identifier(nsp, name), sql.Literal(comment)
                )
            )
    t3 = time.perf_counter()
    for name, definition, comment in fks:
        head = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(ident, sql.Identifier(name))
        conn.execute(head.as_bytes(conn) + definition.encode())
        if comment is not None:
            conn.execute(
                sql.SQL("COMMENT ON CONSTRAINT {} ON {} IS {}").format(
                    sql.Identifier(name), ident, sql.Literal(comment)
                )
            )
    t4 = time.perf_counter()
    # No ANALYZE here: it cost about a tenth of a first load, and autovacuum analyses a
    # table this much bigger right after the commit anyway.
    if log is not None:
        log(
            f"{table.name}: bulk path{' (FREEZE)' if freeze else ''}, dropped {len(indexes)} "
            f"indexes and {len(fks)} foreign keys {t1 - t0:.2f} s, COPY {t2 - t1:.2f} s, "
            f"indexes {t3 - t2:.2f} s, foreign keys {t4 - t3:.2f} s"
        )


def _truncate_empty(conn: psycopg.Connection[Any], tables: Sequence[str], log: Log | None) -> bool:
    """TRUNCATE the tables that were empty when planned, so COPY may use FREEZE on them.

    COPY FREEZE (allowed only into a table created or truncated in the same transaction)
    writes the rows already frozen and marks their pages all-visible: no later VACUUM has
    to rewrite them, and the index-only scans of the next load's key comparison need no heap
    visits. The tables are empty and locked against writers since planning, so TRUNCATE
    removes nothing. A table outside that set with a foreign key to one of them makes the
    TRUNCATE fail; then the load goes on without FREEZE.
    """
    from psycopg import sql

    psycopg = _driver()
    try:
        with conn.transaction():
            conn.execute(
                sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in tables))
            )
    except psycopg.errors.FeatureNotSupported:
        if log is not None:
            log("a table outside the load references an empty one: COPY without FREEZE")
        return False
    return True


def write(
    conn: psycopg.Connection[Any],
    plans: Sequence[TablePlan],
    options: LoadOptions,
    progress: Progress | None = None,
    log: Log | None = None,
) -> None:
    """Insert every plan's rows, in plan (foreign-key) order, inside the open transaction."""
    bulk = [p for p in plans if p.empty_before and p.rows.height >= max(options.bulk_min_rows, 1)]
    freeze = False
    if bulk:
        with _errors("configuring the session"):
            # Index rebuilds sort in memory up to this; only ever raised, for this transaction.
            conn.execute(
                "SELECT set_config('maintenance_work_mem', '256MB', true) "
                "WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < 268435456"
            )
        freeze = _truncate_empty(conn, [p.table.name for p in plans if p.empty_before], log)
    todo = [p for p in plans if p.rows.height]
    is_bulk = [any(p is b for b in bulk) for p in todo]

    def encoded(i: int) -> bytes:
        # Bulk tables keep primary-key order (their foreign keys are off while copying);
        # the others put a thread's parents before its replies.
        rows = todo[i].rows if is_bulk[i] else parent_first(todo[i].table, todo[i].rows)
        return encode(todo[i].table, rows)

    # The next table's CSV is made on another thread while the server works on this one
    # (polars and psycopg both release the GIL), so encoding costs no wall-clock time.
    if not todo:
        return
    with ThreadPoolExecutor(1, thread_name_prefix="seedsnap-encode") as pool:
        pending = pool.submit(encoded, 0)
        for i, plan in enumerate(todo):
            name = plan.table.name
            if progress is not None:
                progress("write", name, plan.rows.height)
            t0 = time.perf_counter()
            data = pending.result()
            if i + 1 < len(todo):
                pending = pool.submit(encoded, i + 1)
            with _errors(f"loading {name}"):
                if is_bulk[i]:
                    _bulk_copy(conn, plan.table, data, freeze, log)
                else:
                    _copy(conn, plan.table, data)
                    if log is not None:
                        log(
                            f"{name}: COPY {plan.rows.height:,} rows {time.perf_counter() - t0:.2f} s"
                        )
            del data
            if progress is not None:
                progress("done", name, plan.rows.height)
