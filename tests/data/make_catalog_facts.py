"""Derive tests/data/mentara_catalog.json from the shared Mentara schema.json.

The facts file holds only what a PostgreSQL catalog shows for a database Prisma created, spelled as
the catalog spells it (format_type, pg_get_expr, pg_constraint actions), so tests can check a
database created from seedsnap's DDL without trusting seedsnap's own model or renderer.

Usage: python tests/data/make_catalog_facts.py [path/to/schema.json] [--check]
(default source: ../shared/mentara/schema.json beside the repository). --check exits 1 when the
committed file differs from what the source yields.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "mentara_catalog.json"
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "mentara" / "schema.json"

# Prisma's DDL spelling -> PostgreSQL's format_type spelling (schema.md §1.1).
FORMAT_TYPE = {
    "TEXT": "text",
    "TIMESTAMP(3)": "timestamp(3) without time zone",
    "INTEGER": "integer",
    "DOUBLE PRECISION": "double precision",
    "DECIMAL(10,2)": "numeric(10,2)",
    "JSONB": "jsonb",
    "BOOLEAN": "boolean",
    "TEXT[]": "text[]",
    "INTEGER[]": "integer[]",
}

# Prisma's referential action names -> pg_constraint's (as information_schema spells them).
ACTIONS = {
    "Cascade": "CASCADE",
    "SetNull": "SET NULL",
    "Restrict": "RESTRICT",
    "NoAction": "NO ACTION",
}


def pg_default(default: str | None, format_type: str) -> str | None:
    """The default as pg_get_expr deparses it: string literals gain an explicit cast."""
    if default is None:
        return None
    if default.startswith("ARRAY[]::"):
        # The cast's type name is deparsed in lower case: ARRAY[]::TEXT[] -> ARRAY[]::text[].
        return "ARRAY[]::" + FORMAT_TYPE[default.removeprefix("ARRAY[]::")]
    if default.startswith("'"):
        return f"{default}::{format_type}"
    # CURRENT_TIMESTAMP, true/false, integers and 0.0 come back exactly as written.
    return default


def index_facts(index: dict[str, Any]) -> dict[str, Any]:
    columns, desc = [], []
    for spec in index["columns"]:
        name, _, order = spec.partition(" ")
        columns.append(name)
        if order == "DESC":
            desc.append(name)
        elif order:
            raise ValueError(f"unexpected sort order in {index['name']}: {spec!r}")
    return {"name": index["name"], "columns": columns, "desc": desc}


def table_facts(model: dict[str, Any], enums: dict[str, list[str]]) -> dict[str, Any]:
    columns = []
    for c in model["columns"]:
        pg_type = c["pg_type"]
        enum = pg_type.strip('"') if pg_type.startswith('"') else None
        if enum is not None and enum not in enums:
            raise ValueError(f"{model['table']}.{c['name']}: unknown enum {enum}")
        # format_type quotes an enum name only when it needs quoting; every Mentara enum is
        # PascalCase, so it always does.
        type_ = pg_type if enum else FORMAT_TYPE[pg_type]
        columns.append(
            {
                "name": c["name"],
                "type": type_,
                "enum": enum,
                "nullable": not c["not_null"],
                "default": pg_default(c["default"], type_),
            }
        )
    return {
        "columns": columns,
        "primary_key": {"name": model["pk"]["name"], "columns": model["pk"]["columns"]},
        "unique_indexes": [index_facts(i) for i in model["uniques"]],
        "indexes": [index_facts(i) for i in model["indexes"]],
        "foreign_keys": [
            {
                "name": f["name"],
                "columns": f["columns"],
                "ref_table": f["ref_table"],
                "ref_columns": f["ref_columns"],
                "on_delete": ACTIONS[f["on_delete"]],
                "on_update": ACTIONS[f["on_update"]],
            }
            for f in model["fks"]
        ],
    }


def derive(source: Path) -> str:
    raw = source.read_bytes()
    doc = json.loads(raw)
    enums = {name: list(values) for name, values in doc["enums"].items()}
    tables = {m["table"]: table_facts(m, enums) for m in doc["models"].values()}
    facts = {
        "source": "shared/mentara/schema.json",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "generated_by": "tests/data/make_catalog_facts.py",
        "totals": {
            "tables": len(tables),
            "columns": sum(len(t["columns"]) for t in tables.values()),
            "enums": len(enums),
            "primary_keys": len(tables),
            "unique_indexes": sum(len(t["unique_indexes"]) for t in tables.values()),
            "plain_indexes": sum(len(t["indexes"]) for t in tables.values()),
            "foreign_keys": sum(len(t["foreign_keys"]) for t in tables.values()),
        },
        "enums": enums,
        "tables": tables,
    }
    return json.dumps(facts, indent=1) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    source = Path(paths[0]) if paths else DEFAULT_SOURCE
    text = derive(source)
    if check:
        if OUT.read_text() != text:
            print(f"{OUT} is stale; rerun python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
