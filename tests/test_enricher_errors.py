"""A developer's mistakes in a new enricher are one-line errors, not tracebacks.

Each test writes a toy enricher module as README's "Adding an enricher" says (READS,
WRITES, enrich), registers it in ENRICHERS, runs the CLI and expects exit 1, stderr of one
line ``seedsnap: error: `` naming the enricher and what is wrong, and no snapshot left.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import seedsnap.enrichers
from seedsnap.cli import main
from seedsnap.enrichers import orchestrator

Register = Callable[..., None]

# A valid welcome notification for dev_client_1; the toy enrichers change one thing in it.
HEADER = '''
"""A welcome notification (a toy enricher of the tests)."""

import polars as pl

from seedsnap.context import timestamps


def welcome(ctx, **change):
    at = timestamps([ctx.anchor_ms - 60_000], "createdAt")
    row = {
        "id": ["5b0f6a52-8c1e-4d2a-9f3b-7e6d5c4b3a21"],
        "userId": ["dev_client_1"],
        "title": ["Welcome"],
        "message": ["Glad you are here"],
        "type": ["COMMUNITY_WELCOME"],
        "createdAt": at,
        "updatedAt": at.alias("updatedAt"),
    }
    row.update(change)
    return pl.DataFrame({k: v for k, v in row.items() if v is not None})
'''

DECLARED = """
READS = ("User",)
WRITES = ("Notification",)
"""


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Register]:
    """``register(name, *parts, replace=False)``: write enricher module ``name`` (HEADER and
    ``parts``; none: no module) and list it in ENRICHERS, after the real enrichers (with
    ``replace``, without them)."""
    package = tmp_path / "enrichers"
    package.mkdir()
    monkeypatch.setattr(
        seedsnap.enrichers, "__path__", [*seedsnap.enrichers.__path__, str(package)]
    )
    names: list[str] = []
    real = list(orchestrator.ENRICHERS)

    def add(name: str, *parts: str, replace: bool = False) -> None:
        if parts:
            source = "\n".join(textwrap.dedent(p) for p in (HEADER, *parts))
            (package / f"{name}.py").write_text(source, encoding="utf-8")
            importlib.invalidate_caches()
        if replace:
            real.clear()
        names.append(name)
        monkeypatch.setattr(orchestrator, "ENRICHERS", (*real, *names))

    yield add
    for name in names:
        sys.modules.pop(f"seedsnap.enrichers.{name}", None)
        if hasattr(seedsnap.enrichers, name):
            delattr(seedsnap.enrichers, name)


def build(tmp_path: Path, *more: str) -> Result:
    out = tmp_path / "snaps" / "light"
    return CliRunner().invoke(
        main, ["build", "--mode", "light", "--out", str(out), "--quiet", *more]
    )


def one_line_error(result: Result, tmp_path: Path, *needles: str) -> str:
    """The error line, once it is checked to be the only output, exit 1, naming ``needles``,
    with no snapshot (nor temporary directory) left."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("seedsnap: error: ")
    assert result.stdout == ""
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    snaps = tmp_path / "snaps"
    assert not snaps.exists() or list(snaps.iterdir()) == []
    return result.stderr.rstrip("\n")


def test_a_correct_toy_enricher_is_built_into_the_snapshot(
    tmp_path: Path, register: Register
) -> None:
    """The harness itself: a toy enricher without mistakes runs and its row is written."""
    import polars as pl

    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            assert frames["User"].height
            return {"Notification": welcome(ctx, userId=["dev_therapist_1"])}
        """,
    )
    result = build(tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    rows = pl.read_parquet(tmp_path / "snaps" / "light" / "Notification.parquet")
    assert "5b0f6a52-8c1e-4d2a-9f3b-7e6d5c4b3a21" in rows["id"].to_list()


@pytest.mark.parametrize("jobs", ["1", "3"])
@pytest.mark.parametrize(
    "read", ['frames["Therapist"]', 'frames.get("Therapist")', '"Therapist" in frames and 1']
)
def test_reading_a_table_not_in_reads(
    tmp_path: Path, register: Register, jobs: str, read: str
) -> None:
    """However the step asks for the table: a .get() or an ``in`` would otherwise quietly
    see no table."""
    register(
        "therapist_welcome",
        DECLARED,
        f"""
        def enrich(ctx, frames):
            therapists = {read}
            return {{"Notification": welcome(ctx, userId=therapists["userId"].head(1))}}
        """,
    )
    line = one_line_error(build(tmp_path, "--jobs", jobs), tmp_path)
    assert line == (
        "seedsnap: error: enricher therapist_welcome: reads table Therapist, which is not in "
        "its READS; add 'Therapist' to READS (a step sees only the tables of its READS and "
        "WRITES)"
    )


def test_reading_a_table_the_model_lacks(tmp_path: Path, register: Register) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": welcome(ctx, userId=frames["Therapists"]["userId"])}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path)
    assert "enricher therapist_welcome: reads table 'Therapists', which is not a table" in line
    assert "did you mean 'Therapist'?" in line


def test_returning_a_table_not_in_writes(tmp_path: Path, register: Register) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": welcome(ctx), "Admin": frames["User"].head(0)}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path)
    assert line == (
        "seedsnap: error: enricher therapist_welcome: wrote undeclared tables ['Admin']; "
        "add them to WRITES, or do not return them"
    )


@pytest.mark.parametrize(
    ("returned", "what", "fix"),
    [
        ("None", "None", "return {'Notification': rows}, or {} when it adds nothing"),
        ("welcome(ctx)", "a DataFrame", "return {'Notification': rows}"),
        ("[welcome(ctx)]", "a list", "return {'Notification': rows}"),
    ],
)
def test_returning_something_else_than_a_dict(
    tmp_path: Path, register: Register, returned: str, what: str, fix: str
) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        f"""
        def enrich(ctx, frames):
            return {returned}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path)
    assert line.startswith(
        f"seedsnap: error: enricher therapist_welcome: returned {what}, not a dict of table "
        "name to new rows; "
    )
    assert fix in line


def test_returning_a_lazy_frame(tmp_path: Path, register: Register) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": welcome(ctx).lazy()}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path, "therapist_welcome", "Notification")
    assert line.endswith(
        "returned a LazyFrame for Notification, not a polars DataFrame; collect() it"
    )


ENRICH = """
def enrich(ctx, frames):
    return {"Notification": welcome(ctx)}
"""


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ('WRITES = ("Notification",)\n' + ENRICH, "no READS"),
        ('READS = ("User",)\n' + ENRICH, "no WRITES"),
        (DECLARED, "no function enrich"),
        (DECLARED + "enrich = 3\n", "enrich = 3, not a function"),
    ],
)
@pytest.mark.parametrize("command", ["build", "graph"])
def test_a_module_without_reads_writes_or_enrich(
    tmp_path: Path, register: Register, body: str, missing: str, command: str
) -> None:
    register("therapist_welcome", body)
    result = build(tmp_path) if command == "build" else CliRunner().invoke(main, ["graph"])
    line = one_line_error(result, tmp_path)
    assert line.startswith(
        "seedsnap: error: enricher therapist_welcome: module "
        f"seedsnap.enrichers.therapist_welcome has {missing}; "
    )


@pytest.mark.parametrize("command", ["build", "graph"])
def test_a_misspelt_name_in_the_registry(tmp_path: Path, register: Register, command: str) -> None:
    register("therapist_welcome", DECLARED, ENRICH)
    register("therapist_welcom")  # listed, but no such module
    result = build(tmp_path) if command == "build" else CliRunner().invoke(main, ["graph"])
    line = one_line_error(result, tmp_path)
    assert line == (
        "seedsnap: error: enricher therapist_welcom: is in ENRICHERS but there is no module "
        "seedsnap.enrichers.therapist_welcom; fix the name in ENRICHERS (did you mean "
        "'therapist_welcome'?)"
    )


def test_a_name_with_no_module_near_it(tmp_path: Path, register: Register) -> None:
    register("zzz_quux")
    line = one_line_error(CliRunner().invoke(main, ["graph"]), tmp_path)
    assert line.endswith("create src/seedsnap/enrichers/zzz_quux.py, or fix the name in ENRICHERS")


@pytest.mark.parametrize("command", ["build", "graph"])
def test_a_dependency_cycle(tmp_path: Path, register: Register, command: str) -> None:
    for name, reads, writes in [
        ("cycle_a", "Post", "Comment"),
        ("cycle_b", "Comment", "Report"),
        ("cycle_c", "Report", "Post"),
    ]:
        register(
            name,
            f"""
            READS = ("{reads}",)
            WRITES = ("{writes}",)

            def enrich(ctx, frames):
                return {{}}
            """,
            replace=True,
        )
    assert orchestrator.ENRICHERS == ("cycle_a", "cycle_b", "cycle_c")
    result = build(tmp_path) if command == "build" else CliRunner().invoke(main, ["graph"])
    line = one_line_error(result, tmp_path)
    assert line.startswith("seedsnap: error: enricher dependency cycle: cycle_a -> ")
    for name in ("cycle_a", "cycle_b", "cycle_c"):
        assert name in line
    assert "cycle_b reads Comment that cycle_a writes" in line
    assert "drop a table from the READS of one of them, or merge them into one enricher" in line


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "message=None",
            "returned Notification rows without column message, which is required and has "
            "no default; add message as pl.String (TEXT)",
        ),
        (
            'titel=["Welcome"]',
            "returned Notification rows with columns not in the model: ['titel']; rename or "
            "drop them: titel (did you mean 'title'?)",
        ),
        (
            'createdAt=["2026-02-01 10:00:00"]',
            "returned Notification.createdAt as String, which does not convert to "
            "pl.Datetime('ms') (TIMESTAMP(3)); make it a pl.Datetime('ms') column "
            "(seedsnap.context.timestamps(epoch_ms, 'createdAt') makes one from epoch "
            "milliseconds)",
        ),
        (
            'isRead=["no"]',
            "returned Notification.isRead as String, which does not convert to pl.Boolean "
            "(BOOLEAN); make it a pl.Boolean column",
        ),
    ],
)
def test_rows_that_do_not_fit_the_model(
    tmp_path: Path, register: Register, change: str, expected: str
) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        f"""
        def enrich(ctx, frames):
            return {{"Notification": welcome(ctx, {change})}}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path)
    assert line == f"seedsnap: error: enricher therapist_welcome: {expected}"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (
            'READS = ("User",)\nWRITES = ("Notification")',
            "WRITES is the string 'Notification', not a tuple of table names; write "
            "WRITES = ('Notification',) (the trailing comma makes it a tuple)",
        ),
        (
            'READS = ("User",)\nWRITES = ("Notifications",)',
            "WRITES names 'Notifications', which is not a table of the model; did you mean "
            "'Notification'? (`seedsnap graph --what tables` lists them)",
        ),
        (
            'READS = ["User"]\nWRITES = ("Notification",)',
            "READS is a list, not a tuple of table names; write READS = "
            '("Table", ...), a tuple of the tables it reads',
        ),
        (
            'READS = ("User", 3)\nWRITES = ("Notification",)',
            "READS names 3, which is not a table of the model; use a table of the model",
        ),
        (
            'READS = ("User",)\nWRITES = ()',
            "WRITES is empty; name the tables it adds rows to",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "graph"])
def test_declarations_are_tuples_of_the_models_tables(
    tmp_path: Path, register: Register, declared: str, expected: str, command: str
) -> None:
    register("therapist_welcome", declared, ENRICH)
    result = build(tmp_path) if command == "build" else CliRunner().invoke(main, ["graph"])
    line = one_line_error(result, tmp_path)
    assert line.startswith(f"seedsnap: error: enricher therapist_welcome: {expected}")


def test_rows_that_break_the_check_point_at_the_enrichers_first(
    tmp_path: Path, register: Register
) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": welcome(ctx, userId=["nobody"])}
        """,
    )
    result = build(tmp_path)
    assert result.exit_code == 1
    *report, line = result.stderr.splitlines()
    assert any("Notification" in r for r in report)  # the rules broken are listed above
    assert line.startswith("seedsnap: error: the snapshot built for ")
    assert line.endswith(
        "fails 1 check rule(s) and was not written; a generator or enricher made rows that "
        "break the rules listed above: if you changed or added one, look there; otherwise "
        "this is a seedsnap bug, report it with the options used (--no-check writes it "
        "anyway)"
    )
    assert list((tmp_path / "snaps").iterdir()) == []


def test_any_other_failure_keeps_its_traceback_with_the_enricher_named(
    tmp_path: Path, register: Register
) -> None:
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": welcome(ctx, title=[1 / 0])}
        """,
    )
    result = build(tmp_path, "--jobs", "1")
    assert isinstance(result.exception, ZeroDivisionError)  # a bug: not a one-line error
    assert result.exception.__notes__ == ["(raised in enricher therapist_welcome)"]
    assert list((tmp_path / "snaps").iterdir()) == []


def test_a_misspelt_base_generator_is_named_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedsnap import build as build_module

    monkeypatch.setattr(build_module, "GENERATORS", ("user", *build_module.GENERATORS[1:]))
    line = one_line_error(build(tmp_path), tmp_path)
    assert line == (
        "seedsnap: error: generator user: is in GENERATORS but there is no module "
        "seedsnap.generators.user; fix the name in GENERATORS (did you mean 'users'?)"
    )


def test_an_empty_frame_is_held_to_the_model_too(tmp_path: Path, register: Register) -> None:
    """A step whose columns are wrong fails in a light build, where it may have nothing to
    add, not only at the scale where it first adds rows."""
    register(
        "therapist_welcome",
        DECLARED,
        """
        def enrich(ctx, frames):
            return {"Notification": pl.DataFrame({"titel": []}, schema={"titel": pl.String})}
        """,
    )
    line = one_line_error(build(tmp_path), tmp_path)
    assert line.startswith(
        "seedsnap: error: enricher therapist_welcome: returned Notification rows with columns "
        "not in the model: ['titel']"
    )
