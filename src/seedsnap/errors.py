"""SeedsnapError and its subclasses: what went wrong, and how to fix it, in one line.

The CLI prints ``str(error)`` on one line and exits 1; ``check``, ``diff`` and ``verify`` exit 2,
as diff(1) does, because their 1 means "found violations / differences".
Anything that is not a SeedsnapError is a bug and keeps its traceback.
"""

from __future__ import annotations


def one_line(text: str) -> str:
    """``text`` on one line: each line's whitespace collapsed, the lines joined with "; ".

    Driver messages span lines ("Connection refused\n\tIs the server running…?", psycopg's
    DETAIL, DuckDB's caret under the query): run together they read as one garbled sentence.
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "; ".join(line for line in lines if line and line != "^")


def short_path(path: object, most: int = 80) -> str:
    """``path`` as an error shows it: whole up to ``most`` characters, else its first 60 and
    an ellipsis (a name too long for the file system would fill the terminal)."""
    text = str(path)
    return text if len(text) <= most else f"{text[:60]}…"


class SeedsnapError(Exception):
    """Root of every error seedsnap expects; ``fix`` says what the user should do."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}" if self.fix else self.message


class ConfigError(SeedsnapError):
    """A bad option, configuration file or environment variable."""


class EnricherError(SeedsnapError):
    """A generator or enricher that breaks its contract: a registry name with no module, a
    bad READS/WRITES/function, a dependency cycle, a table it did not declare, or rows that
    do not fit the model. ``kind`` is "enricher" or "generator"; ``step`` its registry name
    ("" for a cycle, which has several)."""

    def __init__(self, kind: str, step: str, message: str, fix: str = "") -> None:
        super().__init__(f"{kind} {step}: {message}" if step else f"{kind} {message}", fix)
        self.kind, self.step = kind, step


class SnapshotError(SeedsnapError):
    """A snapshot that is missing, corrupt, tampered with or of an unknown format version."""

    def __init__(self, path: str, message: str, fix: str = "") -> None:
        super().__init__(f"{path}: {message}", fix)
        self.path = path


class MissingDriverError(SeedsnapError):
    """An optional database driver is not installed."""

    def __init__(self, module: str, package: str) -> None:
        super().__init__(f"the {module} driver is not installed", f"pip install '{package}'")


class DatabaseError(SeedsnapError):
    """The target database is unreachable, refuses the login, or fails a statement."""


def migrate_fix(dialect: str) -> str:
    """The fix for a database that drifted from the model: migrate it, with the DDL to use."""
    return (
        "migrate the database to the Mentara schema "
        f"(`seedsnap schema --dialect {dialect}` prints its DDL)"
    )


class DriftError(SeedsnapError):
    """The target database does not match the schema the snapshot was built for (or, for
    ``verify``, which has no snapshot, the model's)."""

    def __init__(
        self,
        problems: list[str],
        fix: str,
        against: str = "the snapshot's schema",
        *,
        message: str | None = None,
    ) -> None:
        head = "; ".join(problems[:5]) + (
            f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        # The fix names only what helps from the command that raised it: --create-schema
        # exists on `load` alone, and only an empty database can be created by it.
        super().__init__(message or f"the database has drifted from {against}: {head}", fix)
        self.problems = problems

    @classmethod
    def no_tables(cls, tables: int, fix: str, against: str = "the snapshot's schema") -> DriftError:
        """A database holding none of the model's ``tables`` tables: one problem, not one per
        table (a wrong --db URL, or a database nothing was loaded into yet). Not "drifted":
        a newcomer's fresh database has not drifted from anything."""
        problem = f"it has none of the model's {tables} tables"
        message = f"the database has none of the model's {tables} tables"
        return cls([problem], fix, against, message=message)


CONFLICT_FIX = "rerun with --skip-conflicts to skip such rows and their dependants, or --replace"


class ConflictError(SeedsnapError):
    """Snapshot rows that would collide with existing rows on a unique key other than the PK."""

    def __init__(self, table: str, key: str, column: str, value: str, count: int) -> None:
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(
            f"{table} row {key} conflicts on {column}={value!r} with a different existing row{more}",
            CONFLICT_FIX,
        )
        self.table, self.key, self.column, self.value, self.count = table, key, column, value, count


class AuditConflicts(SeedsnapError):
    """A load audit found rows a load would stop on (its report lists them)."""

    def __init__(self, table: str, key: str, reason: str, count: int) -> None:
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(
            f"a load would stop: {table} row {key} has a {reason} with a different existing "
            f"row{more}",
            CONFLICT_FIX,
        )


class CheckFailed(SeedsnapError):
    """`check` or `verify` found violations (the report lists them)."""
