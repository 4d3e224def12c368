"""The declarative schema model: tables, columns, keys, indexes and foreign keys.

Everything else in seedsnap (frame dtypes, DDL, load order, checks, diff keys) is derived from
these objects; the Mentara tables themselves are declared in :mod:`seedsnap.schema.mentara`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

# Logical column types. The spelling is the PostgreSQL one Prisma writes; other dialects map it.
TEXT = "TEXT"
TIMESTAMP = "TIMESTAMP(3)"
INTEGER = "INTEGER"
FLOAT = "DOUBLE PRECISION"
DECIMAL = "DECIMAL(10,2)"
JSONB = "JSONB"
BOOLEAN = "BOOLEAN"
TEXT_ARRAY = "TEXT[]"
INTEGER_ARRAY = "INTEGER[]"
ENUM = "ENUM"  # the column's enum type is named by Column.enum
LOGICAL_TYPES = (
    TEXT,
    TIMESTAMP,
    INTEGER,
    FLOAT,
    DECIMAL,
    JSONB,
    BOOLEAN,
    TEXT_ARRAY,
    INTEGER_ARRAY,
    ENUM,
)

# Prisma's identifier limit (PostgreSQL's NAMEDATALEN - 1).
MAX_IDENTIFIER = 63


@dataclass(frozen=True)
class Column:
    """One column: physical name, logical type (or enum name), nullability and DB default."""

    name: str
    type: str
    nullable: bool = False
    default: str | None = None
    enum: str | None = None
    # How the Prisma client fills the value when the app writes a row: "uuid", "cuid" or
    # "updatedAt". The database has no default for these, so a snapshot must carry them.
    client_default: str | None = None

    @property
    def is_array(self) -> bool:
        return self.type in (TEXT_ARRAY, INTEGER_ARRAY)


@dataclass(frozen=True)
class Index:
    """A unique or plain index; ``desc`` names the columns sorted descending."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    desc: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str  # CASCADE | SET NULL | RESTRICT
    on_update: str = "CASCADE"


@dataclass(frozen=True)
class Table:
    """One physical table, in Prisma's column order."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    model: str = ""

    @property
    def pk_name(self) -> str:
        return f"{self.name[: MAX_IDENTIFIER - 5]}_pkey"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def unique_indexes(self) -> list[Index]:
        return [i for i in self.indexes if i.unique]

    @property
    def plain_indexes(self) -> list[Index]:
        return [i for i in self.indexes if not i.unique]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")

    @property
    def self_references(self) -> list[ForeignKey]:
        return [fk for fk in self.foreign_keys if fk.ref_table == self.name]


@dataclass(frozen=True)
class Schema:
    """A whole database model: enums (name -> ordered values) and tables in declaration order."""

    name: str
    enums: dict[str, tuple[str, ...]]
    tables: tuple[Table, ...]
    _by_name: dict[str, Table] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({t.name: t for t in self.tables})

    def table(self, name: str) -> Table:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    @cached_property
    def load_order(self) -> tuple[str, ...]:
        """Tables in foreign-key order: every table after the tables it references.

        Self-references (Comment.parentId, Message.replyToId) are ignored for ordering; rows of
        such a table are ordered parent-first inside the table by the loaders. Ties are broken by
        declaration order, so the order is stable.
        """
        deps = {
            t.name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table != t.name}
            for t in self.tables
        }
        for t in self.tables:
            for fk in t.foreign_keys:
                # Otherwise the table would never be ready and be misreported as a cycle.
                if fk.ref_table not in self._by_name:
                    raise ValueError(f"{t.name}.{fk.name} references unknown table {fk.ref_table}")
        order: list[str] = []
        done: set[str] = set()
        while len(order) < len(self.tables):
            ready = [n for n in self.table_names if n not in done and deps[n] <= done]
            if not ready:
                raise ValueError(f"foreign-key cycle among {_cycle_members(deps, done)}")
            order.append(ready[0])
            done.add(ready[0])
        return tuple(order)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 over a canonical JSON form of the model (what a snapshot was built against)."""
        doc = {
            "enums": {k: list(v) for k, v in self.enums.items()},
            "tables": [
                {
                    "name": t.name,
                    "columns": [[c.name, c.type, c.enum, c.nullable, c.default] for c in t.columns],
                    "pk": list(t.primary_key),
                    "indexes": [
                        [i.name, list(i.columns), i.unique, sorted(i.desc)] for i in t.indexes
                    ],
                    "fks": [
                        [
                            f.name,
                            list(f.columns),
                            f.ref_table,
                            list(f.ref_columns),
                            f.on_delete,
                            f.on_update,
                        ]
                        for f in t.foreign_keys
                    ],
                }
                for t in self.tables
            ],
        }
        blob = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()


def _cycle_members(deps: dict[str, set[str]], done: set[str]) -> list[str]:
    """The unordered tables that lie on a cycle, without the tables merely downstream of one."""
    left = set(deps) - done
    while True:
        # A table no remaining table references only waits on the cycle; it is not part of it.
        referenced = {r for n in left for r in deps[n]}
        downstream = left - referenced
        if not downstream:
            return sorted(left)
        left -= downstream


def prisma_name(table: str, columns: tuple[str, ...] | list[str], suffix: str) -> str:
    """The constraint or index name Prisma gives by default, truncated as Prisma truncates it.

    ``{table}_{col1}_{col2}..._{suffix}``; when the stem would push the name past 63
    characters it is cut so that stem + "_" + suffix is exactly 63 long.
    """
    stem = "_".join([table, *columns])
    limit = MAX_IDENTIFIER - len(suffix) - 1
    return f"{stem[:limit]}_{suffix}"
