"""The PostgreSQL DDL seedsnap renders creates the catalog Prisma creates for Mentara.

Expected facts come from tests/data/mentara_catalog.json (derived from the shared schema.json by
tests/data/make_catalog_facts.py), never from seedsnap's own model, so a wrong model and a wrong
renderer cannot agree with each other and pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
FACTS: dict[str, Any] = json.loads((DATA / "mentara_catalog.json").read_text())

# pg_constraint.confdeltype / confupdtype codes, spelled as information_schema spells them.
ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

LABEL = {"unique_indexes": "unique index", "indexes": "index"}

COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       CASE WHEN t.typtype = 'e' THEN t.typname END, NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind = 'r'
ORDER BY c.relname, a.attnum
"""

# One row per index key column; indoption and indkey are int2vectors, subscripted from 0.
INDEXES_SQL = """
SELECT tc.relname, ic.relname, i.indisprimary, i.indisunique, a.attname,
       (i.indoption[k.pos] & 1) = 1 AS is_desc, k.pos,
       EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid) AS is_constraint
FROM pg_index i
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
JOIN pg_class ic ON ic.oid = i.indexrelid
CROSS JOIN LATERAL generate_series(0, i.indnkeyatts - 1) AS k(pos)
JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = i.indkey[k.pos]
ORDER BY tc.relname, ic.relname, k.pos
"""

PK_SQL = """
SELECT tc.relname, con.conname, a.attname
FROM pg_constraint con
JOIN pg_class tc ON tc.oid = con.conrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
WHERE con.contype = 'p'
ORDER BY tc.relname, k.ord
"""

FK_SQL = """
SELECT tc.relname, con.conname, a.attname, rc.relname, ra.attname,
       con.confdeltype, con.confupdtype
FROM pg_constraint con
JOIN pg_class tc ON tc.oid = con.conrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
JOIN pg_class rc ON rc.oid = con.confrelid
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
JOIN pg_attribute ra ON ra.attrelid = rc.oid AND ra.attnum = k.refnum
WHERE con.contype = 'f'
ORDER BY tc.relname, con.conname, k.ord
"""

ENUMS_SQL = """
SELECT t.typname, e.enumlabel
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
JOIN pg_enum e ON e.enumtypid = t.oid
ORDER BY t.typname, e.enumsortorder
"""

OTHER_CONSTRAINTS_SQL = """
SELECT tc.relname, con.conname, con.contype
FROM pg_constraint con
JOIN pg_class tc ON tc.oid = con.conrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace AND n.nspname = 'public'
WHERE con.contype NOT IN ('p', 'f')
ORDER BY 1, 2
"""


def read_catalog(url: str) -> dict[str, Any]:
    """The public schema's catalog, in the shape of mentara_catalog.json (enums and tables)."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        cat: dict[str, Any] = {
            t: {
                "columns": [],
                "primary_key": None,
                "unique_indexes": {},
                "indexes": {},
                "foreign_keys": {},
                "other_constraints": [],
            }
            for t in tables
        }
        for table, name, type_, enum, nullable, default in conn.execute(COLUMNS_SQL):
            cat[table]["columns"].append(
                {
                    "name": name,
                    "type": type_,
                    "enum": enum,
                    "nullable": nullable,
                    "default": default,
                }
            )
        for table, name, column in conn.execute(PK_SQL):
            pk = cat[table]["primary_key"] or {"name": name, "columns": []}
            pk["columns"].append(column)
            cat[table]["primary_key"] = pk
        for table, name, primary, unique, column, desc, _, is_con in conn.execute(INDEXES_SQL):
            if primary:
                continue  # the PK's own index; the PK is read from pg_constraint
            kind = "unique_indexes" if unique else "indexes"
            idx = cat[table][kind].setdefault(
                name, {"name": name, "columns": [], "desc": [], "constraint": is_con}
            )
            idx["columns"].append(column)
            if desc:
                idx["desc"].append(column)
        for table, name, col, ref_table, ref_col, on_del, on_upd in conn.execute(FK_SQL):
            fk = cat[table]["foreign_keys"].setdefault(
                name,
                {
                    "name": name,
                    "columns": [],
                    "ref_table": ref_table,
                    "ref_columns": [],
                    "on_delete": ACTION[on_del],
                    "on_update": ACTION[on_upd],
                },
            )
            fk["columns"].append(col)
            fk["ref_columns"].append(ref_col)
        for table, name, contype in conn.execute(OTHER_CONSTRAINTS_SQL):
            cat[table]["other_constraints"].append(f"{name} ({contype})")
        enums: dict[str, list[str]] = {}
        for typname, label in conn.execute(ENUMS_SQL):
            enums.setdefault(typname, []).append(label)
    return {"enums": enums, "tables": cat}


def differences(facts: dict[str, Any], cat: dict[str, Any]) -> list[str]:
    """Every way the catalog differs from the facts, first differing table/column first."""
    out: list[str] = []
    exp_enums, got_enums = facts["enums"], cat["enums"]
    for name in sorted(exp_enums.keys() | got_enums.keys()):
        if exp_enums.get(name) != got_enums.get(name):
            out.append(f"enum {name}: expected {exp_enums.get(name)}, got {got_enums.get(name)}")
    exp_tables, got_tables = facts["tables"], cat["tables"]
    for t in sorted(exp_tables.keys() - got_tables.keys()):
        out.append(f"table {t}: missing from the database")
    for t in sorted(got_tables.keys() - exp_tables.keys()):
        out.append(f"table {t}: in the database but not in the facts")
    for t in exp_tables:  # in the facts' (Prisma's) table order
        if t not in got_tables:
            continue
        exp, got = exp_tables[t], got_tables[t]
        exp_cols, got_cols = exp["columns"], got["columns"]
        for pos in range(max(len(exp_cols), len(got_cols))):
            e = exp_cols[pos] if pos < len(exp_cols) else None
            g = got_cols[pos] if pos < len(got_cols) else None
            if e != g:
                where = (e or g or {}).get("name")
                out.append(f"column {t}.{where} (position {pos + 1}): expected {e}, got {g}")
        if exp["primary_key"] != got["primary_key"]:
            out.append(
                f"primary key of {t}: expected {exp['primary_key']}, got {got['primary_key']}"
            )
        for kind in ("unique_indexes", "indexes"):
            exp_idx = {i["name"]: i for i in exp[kind]}
            got_idx = {
                name: {k: v for k, v in i.items() if k != "constraint"}
                for name, i in got[kind].items()
            }
            for name in sorted(exp_idx.keys() | got_idx.keys()):
                if exp_idx.get(name) != got_idx.get(name):
                    out.append(
                        f"{LABEL[kind]} {t}.{name}: expected {exp_idx.get(name)}, "
                        f"got {got_idx.get(name)}"
                    )
            # Prisma creates unique keys as CREATE UNIQUE INDEX, not as table constraints.
            for name, i in got[kind].items():
                if i["constraint"]:
                    out.append(
                        f"{LABEL[kind]} {t}.{name}: backed by a constraint, not a bare index"
                    )
        exp_fk = {f["name"]: f for f in exp["foreign_keys"]}
        got_fk = got["foreign_keys"]
        for name in sorted(exp_fk.keys() | got_fk.keys()):
            if exp_fk.get(name) != got_fk.get(name):
                out.append(
                    f"foreign key {t}.{name}: expected {exp_fk.get(name)}, got {got_fk.get(name)}"
                )
        for extra in got["other_constraints"]:
            out.append(f"constraint {t}.{extra}: not in the facts")
    return out


def figures(cat: dict[str, Any]) -> dict[str, int]:
    """What the catalog holds, counted the way the facts' totals are."""
    tables = cat["tables"].values()
    return {
        "tables": len(cat["tables"]),
        "columns": sum(len(t["columns"]) for t in tables),
        "enums": len(cat["enums"]),
        "enum_values": sum(len(v) for v in cat["enums"].values()),
        "primary_keys": sum(t["primary_key"] is not None for t in tables),
        "unique_indexes": sum(len(t["unique_indexes"]) for t in tables),
        "plain_indexes": sum(len(t["indexes"]) for t in tables),
        "desc_index_columns": sum(len(i["desc"]) for t in tables for i in [*t["indexes"].values()]),
        "foreign_keys": sum(len(t["foreign_keys"]) for t in tables),
    }


def assert_catalog_matches(url: str, how: str) -> dict[str, int]:
    cat = read_catalog(url)
    problems = differences(FACTS, cat)
    counts = figures(cat)
    assert not problems, (
        f"{how}: {len(problems)} difference(s); first: {problems[0]}\n" + "\n".join(problems[:20])
    )
    expected = dict(FACTS["totals"])
    assert {k: counts[k] for k in expected} == expected
    print(f"\n{how}: catalog equals the facts: {counts}")
    return counts


def test_facts_totals_are_the_documented_ones() -> None:
    # schema.md's headline totals; guards the facts file itself against a bad regeneration.
    assert FACTS["totals"] == {
        "tables": 42,
        "columns": 459,
        "enums": 17,
        "primary_keys": 42,
        "unique_indexes": 31,
        "plain_indexes": 161,
        "foreign_keys": 67,
    }


@pytest.mark.postgres
def test_rendered_postgres_ddl_creates_the_prisma_catalog(pg_url: str) -> None:
    import psycopg

    from seedsnap.schema import MENTARA, render

    ddl = render(MENTARA, "postgres")
    with psycopg.connect(pg_url) as conn:
        # The script is static DDL from the model (no values), run as one multi-statement batch.
        conn.execute(ddl.encode())
    counts = assert_catalog_matches(pg_url, "render(MENTARA, 'postgres')")
    assert counts["desc_index_columns"] == 2  # the two Notification (…, createdAt DESC) indexes


@pytest.mark.postgres
def test_cli_schema_piped_through_psql_creates_the_same_catalog(pg_url: str) -> None:
    psql = shutil.which("psql")
    assert psql, "psql is not on PATH; install postgresql-client"
    # The console script pip installed beside this interpreter: what a user types.
    seedsnap = Path(sys.executable).with_name("seedsnap")
    assert seedsnap.exists(), f"{seedsnap} missing; run make setup"
    cli = subprocess.run(
        [str(seedsnap), "schema", "--dialect", "postgres"], capture_output=True, check=True
    )
    applied = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg_url],
        input=cli.stdout,
        capture_output=True,
    )
    assert applied.returncode == 0, applied.stderr.decode()
    assert applied.stderr == b"", applied.stderr.decode()
    assert_catalog_matches(pg_url, "seedsnap schema --dialect postgres | psql")


@pytest.mark.postgres
def test_a_catalog_difference_is_reported_by_table_and_column(pg_url: str) -> None:
    """The comparison itself can fail, and names the first differing table and column."""
    import psycopg

    from seedsnap.schema import MENTARA, render

    with psycopg.connect(pg_url) as conn:
        conn.execute(render(MENTARA, "postgres").encode())
        conn.execute('ALTER TABLE "Meeting" ALTER COLUMN "duration" DROP DEFAULT')
        conn.execute('DROP INDEX "Notification_userId_type_createdAt_idx"')
        conn.execute(
            'CREATE INDEX "Notification_userId_type_createdAt_idx" '
            'ON "Notification"("userId", "type", "createdAt")'
        )
        conn.execute('ALTER TABLE "Post" DROP CONSTRAINT "Post_roomId_fkey"')
        conn.execute("ALTER TYPE \"ReportStatus\" ADD VALUE 'ESCALATED'")
    problems = differences(FACTS, read_catalog(pg_url))
    assert len(problems) == 4, problems
    assert problems[0].startswith("enum ReportStatus:")
    joined = "\n".join(problems)
    assert "column Meeting.duration (position 6)" in joined
    assert "index Notification.Notification_userId_type_createdAt_idx" in joined
    assert "foreign key Post.Post_roomId_fkey" in joined


def test_facts_file_is_derived_from_the_shared_schema() -> None:
    script = DATA / "make_catalog_facts.py"
    source = Path(__file__).resolve().parents[2] / "shared" / "mentara" / "schema.json"
    if not source.exists():
        # The facts are committed so CI never needs shared/; this only guards their provenance.
        pytest.skip(f"{source} not present; nothing to re-derive from")
    run = subprocess.run(
        [sys.executable, str(script), str(source), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
