"""DuckDB and SQLite DDL applied to real in-process databases: catalog and enforced constraints.

Expected structure comes from tests/data/mentara_catalog.json (PostgreSQL facts derived from the
shared schema.json), mapped to each engine's nearest type; the committed loaders/<dialect>/
schema.sql files must equal what the code renders.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from seedsnap.schema import DIALECTS, MENTARA, render

ROOT = Path(__file__).resolve().parents[1]
FACTS: dict[str, Any] = json.loads((ROOT / "tests" / "data" / "mentara_catalog.json").read_text())
TABLES: dict[str, Any] = FACTS["tables"]

# PostgreSQL type (format_type spelling) -> the nearest type each engine reports back.
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "timestamp(3) without time zone": "TIMESTAMP",
    "integer": "INTEGER",
    "double precision": "DOUBLE",
    "numeric(10,2)": "DECIMAL(10,2)",
    "jsonb": "JSON",
    "boolean": "BOOLEAN",
    "text[]": "VARCHAR[]",
    "integer[]": "INTEGER[]",
}
SQLITE_TYPES = {
    "text": "TEXT",
    "timestamp(3) without time zone": "TEXT",  # ISO-8601 text keeps the milliseconds
    "integer": "INTEGER",
    "double precision": "REAL",
    "numeric(10,2)": "TEXT",  # exact decimal text; REAL would round
    "jsonb": "TEXT",
    "boolean": "INTEGER",
    "text[]": "TEXT",  # JSON array text
    "integer[]": "TEXT",
}


def _duckdb_type(col: dict[str, Any]) -> str:
    if col["enum"]:
        labels = ", ".join(f"'{v}'" for v in FACTS["enums"][col["enum"]])
        return f"ENUM({labels})"
    return DUCKDB_TYPES[col["type"]]


def _sqlite_type(col: dict[str, Any]) -> str:
    return "TEXT" if col["enum"] else SQLITE_TYPES[col["type"]]


def _first_difference(what: str, expected: dict[str, Any], got: dict[str, Any]) -> str | None:
    """Names the first table (facts order) and item whose expected and actual values differ."""
    for table in [*expected, *sorted(got.keys() - expected.keys())]:
        e, g = expected.get(table), got.get(table)
        if e == g:
            continue
        if isinstance(e, list) and isinstance(g, list):
            for pos in range(max(len(e), len(g))):
                ei = e[pos] if pos < len(e) else None
                gi = g[pos] if pos < len(g) else None
                if ei != gi:
                    return f"{what} of {table}, item {pos + 1}: expected {ei}, got {gi}"
        return f"{what} of {table}: expected {e}, got {g}"
    return None


# --- DuckDB ---------------------------------------------------------------------------------


@pytest.fixture
def duck(tmp_path: Path) -> Any:
    import duckdb

    con = duckdb.connect(str(tmp_path / "mentara.duckdb"))
    con.execute(render(MENTARA, "duckdb"))
    yield con
    con.close()


def _duck_rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = con.execute(sql).fetchall()
    return rows


def test_duckdb_columns_types_and_nullability(duck: Any) -> None:
    got: dict[str, list[tuple[Any, ...]]] = {}
    for table, name, type_, nullable, has_default in _duck_rows(
        duck,
        "SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL "
        "FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY table_name, column_index",
    ):
        got.setdefault(table, []).append((name, type_, nullable, has_default))
    expected = {
        t: [
            (c["name"], _duckdb_type(c), c["nullable"], c["default"] is not None)
            for c in f["columns"]
        ]
        for t, f in TABLES.items()
    }
    assert (diff := _first_difference("columns", expected, got)) is None, diff
    assert len(got) == 42
    assert sum(map(len, got.values())) == 459


def test_duckdb_keys(duck: Any) -> None:
    pks: dict[str, list[str]] = {}
    fks: dict[str, list[tuple[Any, ...]]] = {}
    for table, kind, cols, ref_table, ref_cols in _duck_rows(
        duck,
        "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
        "referenced_column_names FROM duckdb_constraints() "
        "WHERE database_name = current_database() "
        "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') ORDER BY ALL",
    ):
        if kind == "PRIMARY KEY":
            pks[table] = list(cols)
        else:
            fks.setdefault(table, []).append((tuple(cols), ref_table, tuple(ref_cols)))
    assert (
        diff := _first_difference(
            "primary key", {t: f["primary_key"]["columns"] for t, f in TABLES.items()}, pks
        )
    ) is None, diff

    # DuckDB has no referential actions and refuses a self-reference in CREATE TABLE; the two
    # self-references (Comment.parentId, Message.replyToId) are checked by `seedsnap check`.
    expected_fks = {
        t: sorted(
            (tuple(k["columns"]), k["ref_table"], tuple(k["ref_columns"]))
            for k in f["foreign_keys"]
            if k["ref_table"] != t
        )
        for t, f in TABLES.items()
    }
    expected_fks = {t: v for t, v in expected_fks.items() if v}
    got_fks = {t: sorted(v) for t, v in fks.items()}
    assert (diff := _first_difference("foreign keys", expected_fks, got_fks)) is None, diff
    assert sum(map(len, got_fks.values())) == 65  # 67 minus the two self-references

    uniques: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, table, unique, expressions in _duck_rows(
        duck,
        "SELECT index_name, table_name, is_unique, expressions FROM duckdb_indexes() "
        "WHERE database_name = current_database() ORDER BY table_name, index_name",
    ):
        assert unique, f"{table}.{name}: DuckDB gets only unique indexes"
        # expressions is the text of a list of SQL expressions; a column whose name is a
        # keyword comes back quoted twice ('"name"'). Mentara column names hold no comma.
        cols = tuple(e.strip("'").strip('"') for e in expressions.strip("[]").split(", "))
        uniques.setdefault(table, []).append((name, cols))
    # A unique index on exactly the primary key (Prisma's `@id @unique`) is the PK's twin.
    expected_uniques = {
        t: sorted(
            (i["name"], tuple(i["columns"]))
            for i in f["unique_indexes"]
            if i["columns"] != f["primary_key"]["columns"]
        )
        for t, f in TABLES.items()
    }
    expected_uniques = {t: v for t, v in expected_uniques.items() if v}
    assert (diff := _first_difference("unique indexes", expected_uniques, uniques)) is None, diff
    assert sum(map(len, uniques.values())) == 25  # 31 minus 6 on the primary key itself


def _duck_user(con: Any, id_: str, email: str) -> None:
    con.execute(
        'INSERT INTO "User" ("id", "email", "firstName", "lastName", "updatedAt") '
        "VALUES (?, ?, 'A', 'B', TIMESTAMP '2024-01-01 00:00:00')",
        [id_, email],
    )


def test_duckdb_rejects_a_duplicate_unique_key(duck: Any) -> None:
    import duckdb

    _duck_user(duck, "u1", "a@example.com")
    _duck_user(duck, "u2", "b@example.com")  # control: a distinct email is accepted
    with pytest.raises(duckdb.ConstraintException, match="email"):
        _duck_user(duck, "u3", "a@example.com")
    assert duck.execute('SELECT count(*) FROM "User"').fetchone() == (2,)


def test_duckdb_rejects_a_dangling_foreign_key(duck: Any) -> None:
    import duckdb

    _duck_user(duck, "u1", "a@example.com")
    insert = 'INSERT INTO "Client" ("userId") VALUES (?)'
    duck.execute(insert, ["u1"])  # control: an existing user is accepted
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        duck.execute(insert, ["nobody"])


def test_duckdb_rejects_a_value_outside_the_enum(duck: Any) -> None:
    import duckdb

    insert = 'INSERT INTO "Conversation" ("id", "type", "updatedAt") VALUES (?, ?, TIMESTAMP \'2024-01-01\')'
    duck.execute(insert, ["c1", "GROUP"])
    with pytest.raises(duckdb.ConversionException, match="BROADCAST"):
        duck.execute(insert, ["c2", "BROADCAST"])
    assert duck.execute('SELECT "type"::TEXT FROM "Conversation"').fetchall() == [("GROUP",)]


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture
def lite(tmp_path: Path) -> Any:
    con = sqlite3.connect(tmp_path / "mentara.sqlite")
    # One transaction: in autocommit each of the ~240 statements would be its own fsync.
    con.executescript("BEGIN;\n" + render(MENTARA, "sqlite") + "COMMIT;\n")
    con.execute("PRAGMA foreign_keys = ON")
    yield con
    con.close()


def _tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def test_sqlite_columns_types_nullability_and_primary_keys(lite: sqlite3.Connection) -> None:
    got: dict[str, list[tuple[Any, ...]]] = {}
    pks: dict[str, list[str]] = {}
    for table in _tables(lite):
        info = lite.execute(f"PRAGMA table_info({table!r})").fetchall()
        got[table] = [
            (name, type_, not notnull, dflt is not None)
            for _, name, type_, notnull, dflt, _ in info
        ]
        pks[table] = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    expected = {
        t: [
            (c["name"], _sqlite_type(c), c["nullable"], c["default"] is not None)
            for c in f["columns"]
        ]
        for t, f in TABLES.items()
    }
    assert (diff := _first_difference("columns", expected, got)) is None, diff
    assert (
        diff := _first_difference(
            "primary key", {t: f["primary_key"]["columns"] for t, f in TABLES.items()}, pks
        )
    ) is None, diff
    assert len(got) == 42
    assert sum(map(len, got.values())) == 459


def test_sqlite_indexes_and_foreign_keys(lite: sqlite3.Connection) -> None:
    indexes: dict[str, list[tuple[Any, ...]]] = {}
    fks: dict[str, list[tuple[Any, ...]]] = {}
    for table in _tables(lite):
        for _, name, unique, origin, _ in lite.execute(f"PRAGMA index_list({table!r})"):
            if origin == "pk":
                continue
            assert origin == "c", f"{table}.{name}: expected a CREATE INDEX, got origin {origin}"
            keys = [r for r in lite.execute(f"PRAGMA index_xinfo({name!r})") if r[5]]
            cols = tuple(r[2] for r in keys)
            desc = tuple(r[2] for r in keys if r[3])
            indexes.setdefault(table, []).append((name, bool(unique), cols, desc))
        by_id: dict[int, list[Any]] = {}
        for id_, _, ref, col, ref_col, on_update, on_delete, _ in lite.execute(
            f"PRAGMA foreign_key_list({table!r})"
        ):
            fk = by_id.setdefault(id_, [(), ref, (), on_delete, on_update])
            fk[0] += (col,)
            fk[2] += (ref_col,)
        if by_id:
            fks[table] = sorted(tuple(v) for v in by_id.values())
    expected_idx = {
        t: sorted(
            [(i["name"], True, tuple(i["columns"]), tuple(i["desc"])) for i in f["unique_indexes"]]
            + [(i["name"], False, tuple(i["columns"]), tuple(i["desc"])) for i in f["indexes"]]
        )
        for t, f in TABLES.items()
    }
    expected_idx = {t: v for t, v in expected_idx.items() if v}
    got_idx = {t: sorted(v) for t, v in indexes.items()}
    assert (diff := _first_difference("indexes", expected_idx, got_idx)) is None, diff
    expected_fks = {
        t: sorted(
            (
                tuple(k["columns"]),
                k["ref_table"],
                tuple(k["ref_columns"]),
                k["on_delete"],
                k["on_update"],
            )
            for k in f["foreign_keys"]
        )
        for t, f in TABLES.items()
        if f["foreign_keys"]
    }
    assert (diff := _first_difference("foreign keys", expected_fks, fks)) is None, diff
    counted = [sum(u for _, u, _, _ in v) for v in got_idx.values()]
    assert sum(counted) == 31
    assert sum(map(len, got_idx.values())) - sum(counted) == 161
    assert sum(len(d) for v in got_idx.values() for *_, d in v) == 2
    assert sum(map(len, fks.values())) == 67


def _lite_user(con: sqlite3.Connection, id_: str, email: str) -> None:
    con.execute(
        'INSERT INTO "User" ("id", "email", "firstName", "lastName", "updatedAt") '
        "VALUES (?, ?, 'A', 'B', '2024-01-01 00:00:00.000')",
        (id_, email),
    )


def test_sqlite_rejects_a_dangling_foreign_key(lite: sqlite3.Connection) -> None:
    _lite_user(lite, "u1", "a@example.com")
    insert = 'INSERT INTO "Client" ("userId") VALUES (?)'
    lite.execute(insert, ("u1",))  # control: an existing user is accepted
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        lite.execute(insert, ("nobody",))
    # ON DELETE CASCADE is declared and enforced, unlike in DuckDB.
    lite.execute('DELETE FROM "User" WHERE "id" = \'u1\'')
    assert lite.execute('SELECT count(*) FROM "Client"').fetchone() == (0,)


def test_sqlite_rejects_a_value_outside_the_enum(lite: sqlite3.Connection) -> None:
    insert = 'INSERT INTO "Conversation" ("id", "type", "updatedAt") VALUES (?, ?, \'2024-01-01\')'
    lite.execute(insert, ("c1", "GROUP"))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        lite.execute(insert, ("c2", "BROADCAST"))
    assert lite.execute('SELECT "type" FROM "Conversation"').fetchall() == [("GROUP",)]


def test_sqlite_defaults_fill_a_minimal_row(lite: sqlite3.Connection) -> None:
    lite.execute(
        'INSERT INTO "Conversation" ("id", "updatedAt") VALUES (\'c1\', \'2024-01-01 00:00:00.000\')'
    )
    type_, is_active, created = lite.execute(
        'SELECT "type", "isActive", "createdAt" FROM "Conversation"'
    ).fetchone()
    assert type_ == "DIRECT"
    assert is_active == 1
    # CURRENT_TIMESTAMP becomes ISO-8601 text with milliseconds, like the snapshot's timestamps.
    assert len(created) == 23 and created[10] == " " and created[19] == "."


# --- committed DDL ----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_committed_ddl_matches_the_code(dialect: str) -> None:
    path = ROOT / "loaders" / dialect / "schema.sql"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing; run `make ddl` and commit it"
    assert path.read_text() == render(MENTARA, dialect), (
        f"{path.relative_to(ROOT)} differs from what the code renders; run `make ddl` and commit it"
    )


# --- load order -------------------------------------------------------------------------------

SELF_REFERENCES = {("Comment", ("parentId",)), ("Message", ("replyToId",))}


def test_load_order_puts_every_table_after_the_tables_it_references() -> None:
    order = MENTARA.load_order
    assert sorted(order) == sorted(TABLES) and len(order) == 42
    position = {t: i for i, t in enumerate(order)}
    checked = 0
    # The references come from the facts file, not from the model the order is computed from.
    for table, facts in TABLES.items():
        for fk in facts["foreign_keys"]:
            if (table, tuple(fk["columns"])) in SELF_REFERENCES:
                continue
            assert position[fk["ref_table"]] < position[table], (
                f"{table}.{fk['name']} references {fk['ref_table']}, which loads later"
            )
            checked += 1
    assert checked == 65


def test_the_only_self_references_are_comment_parent_and_message_reply() -> None:
    from_facts = {
        (t, tuple(fk["columns"]))
        for t, f in TABLES.items()
        for fk in f["foreign_keys"]
        if fk["ref_table"] == t
    }
    from_model = {(t.name, fk.columns) for t in MENTARA.tables for fk in t.self_references}
    assert from_facts == from_model == SELF_REFERENCES


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_embedded_ddl_creates_tables_in_load_order(dialect: str) -> None:
    ddl = render(MENTARA, dialect)
    created = [line.split('"')[1] for line in ddl.splitlines() if line.startswith("CREATE TABLE")]
    assert tuple(created) == MENTARA.load_order


def _schema(tables: dict[str, list[str]]) -> Any:
    """A toy schema: table name -> referenced tables, declared in the dict's order."""
    from seedsnap.schema import Column, ForeignKey, Schema, Table

    return Schema(
        "toy",
        {},
        tuple(
            Table(
                name,
                (Column("id", "TEXT"), *(Column(f"{r}Id", "TEXT") for r in refs)),
                ("id",),
                foreign_keys=tuple(
                    ForeignKey(f"{name}_{r}Id_fkey", (f"{r}Id",), r, ("id",), "CASCADE")
                    for r in refs
                ),
            )
            for name, refs in tables.items()
        ),
    )


def test_load_order_breaks_ties_by_declaration_order() -> None:
    assert _schema({"C": [], "B": [], "A": []}).load_order == ("C", "B", "A")
    toy = {"Post": ["User", "Room"], "User": [], "Room": [], "Like": ["Post", "User"]}
    assert _schema(toy).load_order == ("User", "Room", "Post", "Like")
    # A self-reference does not hold its own table back.
    assert _schema({"Comment": ["Comment", "Post"], "Post": []}).load_order == ("Post", "Comment")


def test_load_order_is_stable_across_processes_and_hash_seeds() -> None:
    import os
    import subprocess
    import sys

    script = "from seedsnap.schema import MENTARA; print(','.join(MENTARA.load_order))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {",".join(MENTARA.load_order)}


def test_a_foreign_key_cycle_raises_and_names_only_the_cycle() -> None:
    toy = _schema({"Root": [], "A": ["Root", "B"], "B": ["A"], "Leaf": ["A"]})
    with pytest.raises(ValueError, match=r"foreign-key cycle among \['A', 'B'\]$"):
        _ = toy.load_order
    with pytest.raises(ValueError, match=r"cycle among \['X', 'Y', 'Z'\]"):
        _ = _schema({"X": ["Z"], "Y": ["X"], "Z": ["Y"]}).load_order


def test_a_reference_to_an_unknown_table_is_named_not_called_a_cycle() -> None:
    with pytest.raises(ValueError, match=r"Post\.Post_RoomId_fkey references unknown table Room$"):
        _ = _schema({"User": [], "Post": ["User", "Room"]}).load_order
