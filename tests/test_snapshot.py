"""Snapshots: canonical content hash, deterministic atomic writes, and readers that refuse bad input."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from seedsnap import snapshot
from seedsnap.arrays import text_order
from seedsnap.cli import main
from seedsnap.config import Config, resolve
from seedsnap.context import Context, timestamps
from seedsnap.errors import SnapshotError
from seedsnap.schema import MENTARA, Column, Table
from seedsnap.schema.frames import literal_default, polars_schema
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
)

# --------------------------------------------------------------------------------------------
# Hand-made frames (a real generator is not needed to test the snapshot format)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    # Resolved in an empty directory with no environment: no stray seedsnap.toml or SEEDSNAP_*.
    here = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("config"))
    try:
        return resolve(env={}, mode="light")
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def ctx(config: Config) -> Context:
    return Context(config)


def _id_table(ctx: Context, table: str) -> str:
    """The table whose ids a key of ``table`` uses (Client.userId -> User.id)."""
    t = ctx.schema.table(table)
    if "id" in t.column_names:
        return table
    (fk,) = [f for f in t.foreign_keys if f.columns == t.primary_key]
    return _id_table(ctx, fk.ref_table)


def make(ctx: Context, table: str, n: int, **columns: Any) -> pl.DataFrame:
    """``n`` valid rows of ``table``: required columns filled, keys and FKs from ctx.ids."""
    t = ctx.schema.table(table)
    refs = {f.columns[0]: f.ref_table for f in t.foreign_keys if len(f.columns) == 1}
    keys = list(range(n))
    data: dict[str, Any] = {}
    for c in t.columns:
        if c.nullable or literal_default(c)[0] or c.name in columns:
            continue
        if c.name in t.primary_key:
            data[c.name] = ctx.ids(_id_table(ctx, table), keys)
        elif c.name in refs:
            data[c.name] = ctx.ids(_id_table(ctx, refs[c.name]), [k % 3 for k in keys])
        elif c.type == TIMESTAMP:
            data[c.name] = timestamps([ctx.anchor_ms - k * 3_600_000 for k in keys], c.name)
        elif c.type == ENUM:
            data[c.name] = [ctx.schema.enums[c.enum or ""][0]] * n
        elif c.type == INTEGER:
            data[c.name] = keys
        elif c.type == FLOAT:
            data[c.name] = [k / 4 for k in keys]
        elif c.type == DECIMAL:
            data[c.name] = [Decimal(f"{k}.25") for k in keys]
        elif c.type == BOOLEAN:
            data[c.name] = [k % 2 == 0 for k in keys]
        elif c.type == JSONB:
            data[c.name] = [json.dumps({"k": k, "a": [1, 2]}) for k in keys]  # not canonical
        else:
            data[c.name] = [f"{c.name} {k}" for k in keys]
    data.update(columns)
    return ctx.frame(table, pl.DataFrame(data))


@pytest.fixture(scope="module")
def frames(ctx: Context) -> dict[str, pl.DataFrame]:
    """A few rows in a few tables, covering every logical type, NULLs, "" and []."""
    return {
        "User": make(ctx, "User", 5, middleName=["", None, "Mid", "", None]),
        "Community": make(ctx, "Community", 3),
        "Post": make(
            ctx,
            "Post",
            4,
            attachmentUrls=pl.Series([["a", "b"], [], None, [""]], dtype=pl.List(pl.String)),
            attachmentSizes=pl.Series([[1, None], None, [], [7]], dtype=pl.List(pl.Int32)),
        ),
        "Payment": make(ctx, "Payment", 3),
        "ClientEngagement": make(
            ctx, "ClientEngagement", 3, averageSessionRating=[4.5, None, float("nan")]
        ),
        "PreAssessment": make(ctx, "PreAssessment", 2),
        "Therapist": make(
            ctx, "Therapist", 3, preferredSessionLength=[[30, 60], None, []], certifications=None
        ),
    }


def _files(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def _edit_manifest(path: Path, edit: Any, reseal: bool = True) -> None:
    """Edit the manifest as a forger who knows the format would: the seal made anew (the
    checks that name what was edited come first; test_an_edit_the_seal_alone_catches)."""
    m = json.loads((path / "manifest.json").read_text())
    edit(m)
    if reseal and "seal" in m:
        m["seal"] = snapshot.seal_of(m)
    (path / "manifest.json").write_text(json.dumps(m))


def _pin_file(path: Path, table: str) -> None:
    """Record the current bytes of ``table``'s file in the manifest (as a forger would)."""
    digest = "sha256:" + hashlib.sha256((path / f"{table}.parquet").read_bytes()).hexdigest()
    _edit_manifest(path, lambda m: m["tables"][table].__setitem__("file_sha256", digest))


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory, frames: dict[str, pl.DataFrame], config: Config
) -> Path:
    out = tmp_path_factory.mktemp("written") / "light"
    snapshot.write(out, frames, config)
    return out


@pytest.fixture
def snap_dir(tmp_path: Path, written: Path) -> Path:
    """A private copy of the module's snapshot, free to break."""
    out = tmp_path / "snaps" / "light"
    shutil.copytree(written, out)
    return out


# --------------------------------------------------------------------------------------------
# Content hash


PROBE = Table(
    "Probe",
    (
        Column("id", TEXT),
        Column("s", TEXT, nullable=True),
        Column("e", ENUM, enum="Role"),
        Column("j", JSONB, nullable=True),
        Column("i", INTEGER, nullable=True),
        Column("f", FLOAT, nullable=True),
        Column("d", DECIMAL, nullable=True),
        Column("t", TIMESTAMP, nullable=True),
        Column("b", BOOLEAN, nullable=True),
        Column("ts", TEXT_ARRAY, nullable=True),
        Column("is", INTEGER_ARRAY, nullable=True),
    ),
    ("id",),
)

PROBE_ROWS = [
    {"id": "b", "s": "", "e": "X", "j": '{"z": 1, "a": [true, null]}', "i": -7, "f": -0.0,
     "d": Decimal("-12.50"), "t": datetime(1969, 12, 31, 23, 59, 59, 999000), "b": False,
     "ts": [], "is": [1, None, 3]},
    {"id": "a", "s": None, "e": "Y", "j": None, "i": None, "f": math.nan,
     "d": None, "t": None, "b": None, "ts": None, "is": None},
    {"id": "é", "s": "héllo", "e": "X", "j": '"x"', "i": 2**31 - 1, "f": 1.5,
     "d": Decimal("99999999.99"), "t": datetime(2026, 2, 22, 12, 0, 0, 5000), "b": True,
     "ts": ["", None, "ü"], "is": []},
]  # fmt: skip


def _probe_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=polars_schema(PROBE))


def _jsonb_text(text: str) -> str:
    """PostgreSQL's jsonb output form, re-implemented: keys shorter first, then by bytes."""

    def ordered(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        return {
            k: v for k, v in sorted(pairs, key=lambda kv: (len(kv[0].encode()), kv[0].encode()))
        }

    value = json.loads(text, object_pairs_hook=ordered)
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def _reference_hash(rows: list[dict[str, Any]], version: int = 2) -> str:
    """The canonical form as documented in seedsnap.snapshot, re-implemented value by value."""

    def canonical(v: str) -> str:
        if version == 2:
            return _jsonb_text(v)
        return json.dumps(json.loads(v), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def enc(h: Any, values: list[Any], kind: str) -> None:
        h.update(bytes(v is not None for v in values))
        if kind in (TEXT, ENUM, JSONB):
            texts = ["" if v is None else canonical(v) if kind == JSONB else v for v in values]
            blobs = [t.encode() for t in texts]
            h.update(b"".join(struct.pack("<q", len(b)) for b in blobs) + b"".join(blobs))
        elif kind == INTEGER:
            h.update(b"".join(struct.pack("<i", v or 0) for v in values))
        elif kind == FLOAT:
            h.update(
                b"".join(
                    struct.pack("<Q", 0x7FF8000000000000)
                    if v is not None and math.isnan(v)
                    else struct.pack("<d", 0.0 if v is None else v)
                    for v in values
                )
            )
        elif kind == DECIMAL:
            h.update(b"".join(struct.pack("<q", int((v or 0) * 100)) for v in values))
        elif kind == TIMESTAMP:
            epoch = datetime(1970, 1, 1)
            ms = [0 if v is None else (v - epoch) // _MS for v in values]
            h.update(b"".join(struct.pack("<q", m) for m in ms))
        elif kind == BOOLEAN:
            h.update(bytes(bool(v) for v in values))
        else:
            h.update(b"".join(struct.pack("<q", len(v or [])) for v in values))
            flat = [x for v in values if v is not None for x in v]
            enc(h, flat, TEXT if kind == TEXT_ARRAY else INTEGER)

    ordered = sorted(rows, key=lambda r: r["id"].encode())
    h = hashlib.sha256(f"seedsnap-content/{version}\n".encode())
    header = {"columns": [[c.name, c.type] for c in PROBE.columns], "rows": len(rows)}
    header["table"] = PROBE.name
    h.update(json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    for c in PROBE.columns:
        enc(h, [r[c.name] for r in ordered], c.type)
    return "sha256:" + h.hexdigest()


_MS = datetime(1970, 1, 1, 0, 0, 0, 1000) - datetime(1970, 1, 1)


@pytest.mark.parametrize("version", [1, 2])
def test_content_hash_is_the_documented_canonical_form(version: int) -> None:
    frame = _probe_frame(PROBE_ROWS)
    assert snapshot.content_hash(PROBE, frame, version) == _reference_hash(PROBE_ROWS, version)


def test_content_hash_ignores_row_order_chunking_and_json_formatting() -> None:
    base = snapshot.content_hash(PROBE, _probe_frame(PROBE_ROWS))
    pieces = [_probe_frame([r]) for r in reversed(PROBE_ROWS)]
    chunked = pl.concat(pieces, rechunk=False)
    assert chunked.n_chunks() == 3
    assert snapshot.content_hash(PROBE, chunked) == base
    respaced = [
        dict(r, j=json.dumps(json.loads(r["j"]), indent=4)) if r["j"] else r for r in PROBE_ROWS
    ]
    assert snapshot.content_hash(PROBE, _probe_frame(respaced)) == base
    # A sliced frame (buffers with a non-zero offset) hashes as its own content.
    wide = _probe_frame([{**PROBE_ROWS[0], "id": "0"}, *PROBE_ROWS])
    assert snapshot.content_hash(PROBE, wide.slice(1)) == base


@pytest.mark.parametrize(
    ("column", "a", "b"),
    [
        ("s", None, ""),
        ("ts", None, []),
        ("ts", [], [""]),
        ("ts", [""], [None]),
        ("is", [None], []),
        ("j", None, "null"),
        ("i", None, 0),
        ("b", None, False),
        ("f", 0.0, -0.0),
        ("d", Decimal("1.00"), Decimal("0.01")),
        ("t", datetime(2026, 1, 1), datetime(2026, 1, 1, 0, 0, 0, 1000)),
        ("s", "ab", "a"),
    ],
)
def test_content_hash_distinguishes(column: str, a: Any, b: Any) -> None:
    def h(value: Any) -> str:
        rows = [dict(PROBE_ROWS[0], **{column: value}), *PROBE_ROWS[1:]]
        return snapshot.content_hash(PROBE, _probe_frame(rows))

    assert h(a) != h(b)


def test_content_hash_does_not_shift_values_between_rows() -> None:
    # "ab" + "" and "a" + "b" concatenate alike; the lengths keep them apart.
    one = [dict(PROBE_ROWS[0], s="ab"), dict(PROBE_ROWS[2], s="")]
    two = [dict(PROBE_ROWS[0], s="a"), dict(PROBE_ROWS[2], s="b")]
    assert snapshot.content_hash(PROBE, _probe_frame(one)) != snapshot.content_hash(
        PROBE, _probe_frame(two)
    )


def test_content_hash_of_a_slice_whose_lists_are_empty(ctx: Context, tmp_path: Path) -> None:
    """A slice holding only empty lists, after a row with elements: its list elements are an
    empty Arrow array with an offset past its buffer, hashed (and written) as a copy's."""
    post = MENTARA.table("Post")
    sizes = pl.Series("attachmentSizes", [[5], [], [], []], dtype=pl.List(pl.Int32))
    # In key order, so the slice reaches the hash as it is (sort_rows keeps sorted frames).
    frame = snapshot.conform(post, make(ctx, "Post", 4)).sort("id").with_columns(sizes)
    part = frame.tail(3)
    copy = pl.DataFrame(part.to_dicts(), schema=part.schema)
    assert snapshot.content_hash(post, part) == snapshot.content_hash(post, copy)
    config = resolve(mode="light", env={})
    with snapshot.Writer(tmp_path / "a", config) as w:
        w.add("Post", part)
    with snapshot.Writer(tmp_path / "b", config) as w:
        w.add("Post", copy)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_content_hash_with_duplicate_keys_is_order_independent() -> None:
    rows = [dict(PROBE_ROWS[0], id="x", s="1"), dict(PROBE_ROWS[0], id="x", s="2")]
    assert snapshot.content_hash(PROBE, _probe_frame(rows)) == snapshot.content_hash(
        PROBE, _probe_frame(rows[::-1])
    )


def test_sort_rows_orders_fixed_width_ids_as_text_and_duplicates_whatever_their_order(
    ctx: Context,
) -> None:
    """Fixed-width ids sort as integers (``arrays.text_order``): the order of a text sort;
    duplicate ids fall back to the sort by every column, independent of the input order."""
    table = MENTARA.table("Comment")
    frame = snapshot.conform(table, make(ctx, "Comment", 300))
    assert (
        frame.height > 100 and text_order(frame["id"]) is not None
    )  # the integer path is the one taken
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=1)
    assert_frame_equal(snapshot.sort_rows(table, shuffled), frame.sort("id"))
    doubled = pl.concat([frame.head(5).with_columns(pl.lit("changed").alias("content")), frame])
    want = snapshot.sort_rows(table, doubled)
    assert want["id"].is_sorted() and want.height == frame.height + 5
    assert_frame_equal(snapshot.sort_rows(table, doubled.reverse()), want)


# --------------------------------------------------------------------------------------------
# Write


def test_write_every_table_with_manifest(
    snap_dir: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    text = (snap_dir / "manifest.json").read_text()
    m = json.loads(text)
    assert text == json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert set(m) == {
        *("format", "format_version", "schema", "config", "tables", "totals", "tools", "seal")
    }
    assert (m["format"], m["format_version"]) == ("seedsnap", 3)
    assert m["seal"] == snapshot.seal_of(m)
    assert m["schema"] == {"name": "mentara", "fingerprint": MENTARA.fingerprint}
    assert m["config"] == config.to_dict()
    assert set(m["tools"]) == {"seedsnap", "polars", "numpy", "pyarrow"}
    assert set(m["tables"]) == set(MENTARA.table_names)
    assert sorted(p.name for p in snap_dir.iterdir()) == sorted(
        ["manifest.json", *(f"{t}.parquet" for t in MENTARA.table_names)]
    )
    assert m["totals"] == {"tables": 42, "rows": sum(f.height for f in frames.values())}
    for name, entry in m["tables"].items():
        table = MENTARA.table(name)
        frame = frames.get(name, pl.DataFrame(schema=polars_schema(table)))
        assert entry["rows"] == frame.height
        assert entry["columns"] == table.column_names
        assert entry["content_hash"] == snapshot.content_hash(table, frame)
    # Nothing about the machine or the moment of the build.
    assert socket.gethostname() not in text
    assert str(snap_dir) not in text and os.environ.get("USER", "\0") not in text


def test_write_is_byte_identical_across_runs_row_orders_and_chunking(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    snapshot.write(tmp_path / "a", frames, config)
    snapshot.write(tmp_path / "b", frames, config)
    shuffled = {
        name: pl.concat([f.slice(1).reverse(), f.slice(0, 1)], rechunk=False)
        for name, f in frames.items()
    }
    assert any(f.n_chunks() > 1 for f in shuffled.values())
    snapshot.write(tmp_path / "c", shuffled, config)
    assert _files(tmp_path / "a") == _files(tmp_path / "b") == _files(tmp_path / "c")


_CHILD = """
import sys
from pathlib import Path
import polars as pl
from seedsnap import snapshot
from seedsnap.config import resolve
frames = {p.stem: pl.read_ipc(p) for p in sorted(Path(sys.argv[1]).glob("*.arrow"))}
snapshot.write(sys.argv[2], frames, resolve(env={}, mode="light"))
"""


def test_write_is_byte_identical_across_time_zones_and_thread_counts(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    src = tmp_path / "frames"
    src.mkdir()
    for name, f in frames.items():
        f.write_ipc(src / f"{name}.arrow")
    snapshot.write(tmp_path / "here", frames, config)
    for tz, threads, out in (("Pacific/Kiritimati", "1", "kiri"), ("America/Denver", "2", "den")):
        env = {**os.environ, "TZ": tz, "POLARS_MAX_THREADS": threads, "PYTHONHASHSEED": threads}
        env = {k: v for k, v in env.items() if not k.startswith("SEEDSNAP_")}
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(src), str(tmp_path / out)],
            check=True,
            env=env,
            cwd=tmp_path,
        )
    assert _files(tmp_path / "here") == _files(tmp_path / "kiri") == _files(tmp_path / "den")


def test_write_stores_sorted_conformed_rows_and_canonical_json(
    snap_dir: Path, frames: dict[str, pl.DataFrame]
) -> None:
    raw = pl.read_parquet(snap_dir / "PreAssessment.parquet")
    assert raw["answers"].to_list() == ['{"a": [1, 2], "k": 0}', '{"a": [1, 2], "k": 1}']
    users = pl.read_parquet(snap_dir / "User.parquet")
    assert users["id"].to_list() == sorted(frames["User"]["id"].to_list())
    assert users.columns == MENTARA.table("User").column_names


def test_write_refuses_unknown_tables_and_bad_frames(tmp_path: Path, config: Config) -> None:
    with pytest.raises(SnapshotError, match="not in the mentara model"):
        snapshot.write(tmp_path / "x", {"Ghost": pl.DataFrame({"id": ["1"]})}, config)
    with pytest.raises(SnapshotError, match="table User does not fit the model"):
        snapshot.write(tmp_path / "x", {"User": pl.DataFrame({"id": ["1"]})}, config)
    bad_json = {"Notification": pl.DataFrame({"id": ["1"], "data": ["{oops"]})}
    with pytest.raises(SnapshotError, match="Notification"):
        snapshot.write(tmp_path / "x", bad_json, config)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_snapshot_intact(
    snap_dir: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    before = _files(snap_dir)
    # WorksheetSubmission is written last: every other table is already in the temporary dir.
    broken = {**frames, "WorksheetSubmission": pl.DataFrame({"id": ["w"], "bogus": [1]})}
    with pytest.raises(SnapshotError, match="WorksheetSubmission"):
        snapshot.write(snap_dir, broken, config)
    assert _files(snap_dir) == before
    assert snapshot.verify(snap_dir)["totals"]["tables"] == 42
    assert [p.name for p in snap_dir.parent.iterdir()] == [snap_dir.name]


def test_a_write_failing_on_io_midway_leaves_nothing_behind(
    snap_dir: Path,
    frames: dict[str, pl.DataFrame],
    config: Config,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _files(snap_dir)
    real = snapshot._write_parquet
    calls = []

    def flaky(data: Any, path: Path, parts: Any = None) -> str:  # the prepared frame in Arrow
        calls.append(path.name)
        if len(calls) == 20:
            raise OSError(28, "No space left on device")
        return real(data, path, parts)

    monkeypatch.setattr(snapshot, "_write_parquet", flaky)
    with pytest.raises(SnapshotError, match="No space left on device"):
        snapshot.write(snap_dir, {"User": frames["User"]}, config)
    # Writes stop at the failure (a few tables may already be in flight on other threads).
    assert 20 <= len(calls) < 20 + snapshot.WRITE_THREADS < 42
    assert _files(snap_dir) == before
    assert [p.name for p in snap_dir.parent.iterdir()] == [snap_dir.name]


def test_write_replaces_a_snapshot_but_not_other_directories(
    snap_dir: Path, ctx: Context, config: Config
) -> None:
    snapshot.write(snap_dir, {"Community": make(ctx, "Community", 7)}, config)
    assert snapshot.read(snap_dir).rows("Community") == 7
    assert snapshot.read(snap_dir).rows("User") == 0
    assert [p.name for p in snap_dir.parent.iterdir()] == [snap_dir.name]
    other = snap_dir.parent / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(SnapshotError, match="not a seedsnap snapshot"):
        snapshot.write(other, {}, config)
    assert (other / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_the_snapshot_directory_has_the_permissions_mkdir_would_give(
    tmp_path: Path, config: Config, umask: int
) -> None:
    # The temporary directory it is written in is private (mkdtemp makes it 0700); renamed
    # into place, it must be as readable as its files, for a CI runner or a database server
    # that reads it as another user.
    old = os.umask(umask)
    try:
        snapshot.write(tmp_path / "snap", {}, config)
        (tmp_path / "plain").mkdir()
    finally:
        os.umask(old)
    mode = (tmp_path / "snap").stat().st_mode & 0o777
    assert mode == (tmp_path / "plain").stat().st_mode & 0o777 == 0o777 & ~umask
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in (tmp_path / "snap").iterdir())


@pytest.mark.parametrize(
    ("files", "why"),
    [
        # A web app's directory: its manifest.json is not seedsnap's.
        ({"manifest.json": '{"name": "pwa"}', "app.js": "code"}, "not a seedsnap manifest"),
        ({"manifest.json": "not json", "app.js": "code"}, "not a seedsnap manifest"),
        # A snapshot the user added a file to: replacing it would delete the file.
        ({"notes.txt": "keep me"}, "holds files seedsnap did not write (notes.txt)"),
    ],
)
def test_write_never_deletes_what_seedsnap_did_not_write(
    snap_dir: Path, config: Config, files: dict[str, str], why: str
) -> None:
    target = snap_dir
    if "manifest.json" in files:
        target = snap_dir.parent / "app"
        target.mkdir()
    for name, text in files.items():
        (target / name).write_text(text)
    before = _files(target)
    with pytest.raises(SnapshotError, match=re.escape(why)):
        snapshot.write(target, {}, config)
    assert _files(target) == before


# --------------------------------------------------------------------------------------------
# Read


def test_read_gives_model_dtypes_in_load_order(
    snap_dir: Path, frames: dict[str, pl.DataFrame]
) -> None:
    snap = snapshot.read(snap_dir)
    assert snap.table_names == list(MENTARA.load_order)
    for name in snap.table_names:
        table = MENTARA.table(name)
        frame = snap.frame(name)
        assert frame.schema == pl.Schema(polars_schema(table))
        assert frame.height == snap.rows(name)
        assert snap.parquet_path(name) == snap_dir / f"{name}.parquet"
    expected = frames["Post"].sort("id")
    assert_frame_equal(snap.frame("Post"), expected)
    assert snap.frame("Post") is snap.frame("Post")  # cached
    assert snap.frame("Post")["attachmentUrls"].to_list() == expected["attachmentUrls"].to_list()
    with pytest.raises(SnapshotError, match="no table 'Ghost'"):
        snap.parquet_path("Ghost")


@pytest.mark.parametrize(
    ("edit", "reseal", "message"),
    [
        (lambda d: d["config"].__setitem__("seed", 7), False, "does not match its seal"),
        (lambda d: d["tools"].__setitem__("seedsnap", "9.9.9"), False, "does not match its seal"),
        (lambda d: d.pop("seal"), False, "has no seal"),
    ],
)
def test_an_edit_the_seal_alone_catches_is_refused(
    snap_dir: Path, edit: Any, reseal: bool, message: str
) -> None:
    """The config or the tool versions edited by hand (the tables' hashes do not cover them),
    or the seal dropped from a sealed format: refused in one line, naming the manifest."""
    _edit_manifest(snap_dir, edit, reseal=reseal)
    with pytest.raises(SnapshotError, match=message) as info:
        snapshot.read(snap_dir)
    assert str(info.value).startswith(str(snap_dir / "manifest.json"))
    assert "rebuild the snapshot" in str(info.value) and "\n" not in str(info.value)


def test_a_format_2_manifest_without_a_seal_is_still_read(snap_dir: Path) -> None:
    _edit_manifest(snap_dir, lambda d: (d.pop("seal"), d.__setitem__("format_version", 2)))
    assert snapshot.read(snap_dir).manifest["format_version"] == 2


def _break(path: Path, how: str) -> None:
    m = path / "manifest.json"
    if how == "no manifest":
        m.unlink()
    elif how == "invalid json":
        m.write_text('{"format": "seedsnap", ')
    elif how == "newer":
        _edit_manifest(path, lambda d: d.__setitem__("format_version", snapshot.FORMAT_VERSION + 1))
    elif how == "unknown format":
        _edit_manifest(path, lambda d: d.__setitem__("format", "parquet-dump"))
    elif how == "missing file":
        (path / "User.parquet").unlink()
    elif how == "ghost table":
        _edit_manifest(path, lambda d: d["tables"].__setitem__("Ghost", d["tables"]["User"]))
    elif how == "traversal":
        _edit_manifest(
            path, lambda d: d["tables"].__setitem__("../../etc/passwd", d["tables"]["User"])
        )
    elif how == "quote":
        _edit_manifest(path, lambda d: d["tables"].__setitem__('User"', d["tables"]["User"]))
    elif how == "file field":
        _edit_manifest(path, lambda d: d["tables"]["User"].__setitem__("file", "../x.parquet"))
    elif how == "fingerprint":
        _edit_manifest(path, lambda d: d["schema"].__setitem__("fingerprint", "ab" * 32))
    elif how == "columns":
        _edit_manifest(path, lambda d: d["tables"]["User"]["columns"].pop())
    elif how == "dropped table":
        _edit_manifest(path, lambda d: d["tables"].pop("Room"))
    elif how == "tables not object":
        _edit_manifest(path, lambda d: d.__setitem__("tables", []))
    elif how == "rows edited":
        _edit_manifest(
            path, lambda d: d["tables"]["User"].__setitem__("rows", 1 + d["tables"]["User"]["rows"])
        )
    elif how == "empty manifest":
        (path / "manifest.json").write_text("{}")
    elif how == "entry not object":
        _edit_manifest(path, lambda d: d["tables"].__setitem__("User", []))
    elif how == "bad row count":
        _edit_manifest(path, lambda d: d["tables"]["User"].__setitem__("rows", "many"))
    elif how == "bad hash":
        _edit_manifest(path, lambda d: d["tables"]["User"].__setitem__("content_hash", "md5:x"))
    elif how == "totals edited":
        _edit_manifest(path, lambda d: d["totals"].__setitem__("rows", 1 + d["totals"]["rows"]))


@pytest.mark.parametrize(
    ("how", "file", "message"),
    [
        ("no manifest", "manifest.json", "manifest is missing"),
        ("invalid json", "manifest.json", "invalid JSON"),
        ("newer", "manifest.json", "built by a newer seedsnap.*upgrade seedsnap"),
        ("unknown format", "manifest.json", "unknown format 'parquet-dump'"),
        ("missing file", "User.parquet", "Parquet file is missing"),
        ("ghost table", "manifest.json", "table 'Ghost' is not in the mentara model"),
        ("traversal", "manifest.json", "unsafe table name '../../etc/passwd'"),
        ("quote", "manifest.json", "unsafe table name"),
        ("file field", "manifest.json", "file '../x.parquet' is not User.parquet"),
        ("fingerprint", "manifest.json", "fingerprint ababababab.*rebuild the snapshot"),
        ("columns", "manifest.json", "table User: columns .* differ from the model"),
        ("dropped table", "manifest.json", r"tables missing from the manifest: \['Room'\]"),
        ("tables not object", "manifest.json", "'tables' missing or not an object"),
        ("rows edited", "User.parquet", r"has \d+ rows, the manifest says \d+"),
        ("empty manifest", "manifest.json", "unknown format None"),
        ("entry not object", "manifest.json", "malformed entry for table User"),
        ("bad row count", "manifest.json", "table User: invalid row count 'many'"),
        ("bad hash", "manifest.json", "table User: invalid content_hash 'md5:x'"),
        ("totals edited", "manifest.json", r"totals .* disagree with the tables \(\d+ rows in 42"),
    ],
)
def test_readers_refuse(snap_dir: Path, how: str, file: str, message: str) -> None:
    _break(snap_dir, how)
    for reader in (snapshot.read, snapshot.verify):
        with pytest.raises(SnapshotError, match=message) as e:
            reader(snap_dir)
        text = str(e.value)
        assert "\n" not in text
        assert text.startswith(str(snap_dir / file))
        # Every refusal says how to fix it too, not only what is wrong.
        assert re.search("rebuild the snapshot|upgrade seedsnap", e.value.fix), text


def test_every_flipped_byte_is_caught(snap_dir: Path) -> None:
    path = snap_dir / "User.parquet"
    data = path.read_bytes()
    positions = sorted({0, 3, len(data) - 1, len(data) - 5, *range(7, len(data), 61)})
    for pos in positions:
        path.write_bytes(data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :])
        with pytest.raises(SnapshotError, match="do not match the manifest") as e:
            snapshot.read(snap_dir)
        assert str(e.value).startswith(str(path)) and "\n" not in str(e.value)
    path.write_bytes(data)
    snapshot.verify(snap_dir)


def test_flipped_bytes_fail_decode_or_content_hash_even_with_a_forged_file_digest(
    snap_dir: Path,
) -> None:
    path = snap_dir / "User.parquet"
    data = path.read_bytes()
    original = snapshot.read(snap_dir).frame("User")
    outcomes: dict[str, int] = {"decode": 0, "hash": 0, "unchanged content": 0}
    for pos in range(0, len(data), len(data) // 60):
        path.write_bytes(data[:pos] + bytes([data[pos] ^ 0x10]) + data[pos + 1 :])
        _pin_file(snap_dir, "User")
        try:
            frame = snapshot.read(snap_dir).frame("User")
        except SnapshotError as e:
            text = str(e)
            assert text.startswith(str(path)) and "\n" not in text
            outcomes["hash" if "content hash" in text else "decode"] += 1
        else:
            # Only a flip in metadata the decoder ignores may pass, and then the data is intact.
            assert_frame_equal(frame, original)
            outcomes["unchanged content"] += 1
    assert outcomes["decode"] > 0
    assert outcomes["decode"] + outcomes["hash"] > outcomes["unchanged content"]


def test_a_file_with_other_content_fails_the_content_hash(
    snap_dir: Path, frames: dict[str, pl.DataFrame], config: Config, tmp_path: Path
) -> None:
    changed = frames["User"].with_columns(pl.col("firstName").str.replace("firstName", "F"))
    other = tmp_path / "other"
    snapshot.write(other, {**frames, "User": changed}, config)
    (snap_dir / "User.parquet").write_bytes((other / "User.parquet").read_bytes())
    _pin_file(snap_dir, "User")
    snap = snapshot.read(snap_dir)  # file digest forged to match
    with pytest.raises(SnapshotError, match=r"User\.parquet: content hash .* does not match"):
        snap.frame("User")
    with pytest.raises(SnapshotError, match=r"User\.parquet: content hash"):
        snapshot.verify(snap_dir)
    # Without verification the reader takes the file as it is.
    assert snapshot.read(snap_dir, verify=False).frame("User")["firstName"][0].startswith("F")


def test_a_truncated_or_reshaped_file_is_refused(
    snap_dir: Path, frames: dict[str, pl.DataFrame]
) -> None:
    path = snap_dir / "Community.parquet"
    data = path.read_bytes()
    path.write_bytes(data[:100])
    _pin_file(snap_dir, "Community")
    with pytest.raises(SnapshotError, match=r"Community\.parquet: cannot decode Parquet"):
        snapshot.verify(snap_dir)
    # Opening it reads each file's footer (its row count), so that alone refuses it.
    with pytest.raises(SnapshotError, match=r"Community\.parquet: cannot decode Parquet"):
        snapshot.read(snap_dir)
    path.write_bytes(data)
    _pin_file(snap_dir, "Community")
    frames["User"].with_columns(extra=pl.lit(1)).write_parquet(snap_dir / "User.parquet")
    _pin_file(snap_dir, "User")
    with pytest.raises(SnapshotError, match=r"User.parquet: column\(s\) not in the model: extra"):
        snapshot.read(snap_dir).frame("User")


# --------------------------------------------------------------------------------------------
# seedsnap show


def test_show_prints_a_summary(snap_dir: Path, config: Config) -> None:
    result = CliRunner().invoke(main, ["show", str(snap_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    m = json.loads((snap_dir / "manifest.json").read_text())
    assert "mode=light" in lines[1] and f"seed={config.seed}" in lines[1]
    assert f"polars {pl.__version__}" in lines[2]
    (user,) = [line for line in lines if line.startswith("User ")]
    assert user.split() == ["User", "5", "29", m["tables"]["User"]["content_hash"][:19]]
    assert lines[-1].split() == ["total", "(42", "tables)", f"{m['totals']['rows']:,}"]
    # As load, diff and build print counts: grouped by thousands.
    medium = snapshot.read(Path(__file__).parent.parent / "snapshots" / "mentara-medium")
    big = snapshot.render_manifest(medium).splitlines()
    rows = medium.manifest["totals"]["rows"]
    assert rows >= 1000 and big[-1].split()[-1] == f"{rows:,}"
    notes = medium.rows("Notification")
    assert notes >= 1000
    assert next(x for x in big if x.startswith("Notification ")).split()[1] == f"{notes:,}"


def test_show_names_the_settings_its_mode_does_not_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config line names mode, seed, scale and anchor only: two snapshots that differ by
    a --min, SEEDSNAP_MIN_* or a seedsnap.toml's [volumes] are told apart by an overrides line."""
    monkeypatch.chdir(tmp_path)
    for mode in ("light", "medium", "heavy"):
        for scale in (1.0, 2.5):
            assert snapshot.not_of_the_mode(resolve(mode=mode, scale=scale, env={}).to_dict()) == []
    (tmp_path / "seedsnap.toml").write_text("[volumes]\nclients = 9\nposts_per_user = 2\n")
    told = resolve(mode="light", scale=1.5, minimums={"client.posts": 4}, env={}).to_dict()
    assert snapshot.not_of_the_mode(told) == [
        "volumes.clients=9",  # as the file gives it, before the scale
        "volumes.posts_per_user=2",
        "minimums.client.posts=4",
    ]
    assert snapshot.not_of_the_mode({"mode": "light", "volumes": {"clients": "x"}}) == []
    assert snapshot.not_of_the_mode({"mode": "huge"}) == []

    args = ["build", "--mode", "light", "--min", "client.posts=4", "--out", "s", "-q", "--no-check"]
    assert CliRunner().invoke(main, args).exit_code == 0
    lines = CliRunner().invoke(main, ["show", "s"]).stdout.splitlines()
    assert lines[1].startswith("config    mode=light ")
    assert (
        lines[2] == "overrides volumes.clients=9, volumes.posts_per_user=2, minimums.client.posts=4"
    )


def test_show_json_is_the_manifest(snap_dir: Path) -> None:
    result = CliRunner().invoke(main, ["show", str(snap_dir), "--format", "json"])
    assert result.exit_code == 0
    assert result.stdout == (snap_dir / "manifest.json").read_text()


def test_show_refuses_a_manifest_whose_row_count_was_edited(snap_dir: Path) -> None:
    from click.testing import CliRunner

    from seedsnap.cli import main

    _break(snap_dir, "rows edited")
    out = CliRunner().invoke(main, ["show", str(snap_dir)])
    assert out.exit_code == 1
    assert "User.parquet: has" in out.output and "the manifest says" in out.output
    assert len(out.output.splitlines()) == 1


@pytest.mark.parametrize("args", [["--format", "xml"], []])
def test_show_errors_are_one_line(snap_dir: Path, args: list[str]) -> None:
    _break(snap_dir, "newer")
    result = CliRunner().invoke(main, ["show", str(snap_dir), *args])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("seedsnap: error: ")
    assert ("--format" in result.stderr) == bool(args)


# --------------------------------------------------------------------------------------------
# With the real generator


def test_a_generated_build_round_trips_byte_identically(tmp_path: Path, config: Config) -> None:
    from seedsnap.build import generate

    built = generate(config)
    first = snapshot.write(tmp_path / "one", built, config)
    second = snapshot.write(tmp_path / "two", generate(config), config)
    assert first == second and first["totals"]["rows"] > 0
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    snap = snapshot.read(tmp_path / "one")
    for name in snap.table_names:
        table = MENTARA.table(name)
        expected = snapshot.sort_rows(table, built[name])
        expected = expected.with_columns(
            snapshot.stored_json(expected.get_column(c.name))
            for c in table.columns
            if c.type == JSONB
        )
        assert_frame_equal(snap.frame(name), expected)


# JSON texts whose jsonb form is easy to get wrong: key order (length first, then bytes),
# duplicate keys, escapes, non-ASCII, and numbers jsonb spells without exponent or -0.
JSON_TEXTS = [
    '{"b": 1, "a": [1, 2.50, {"z": null, "y": "\u00e9"}]}',
    '{"aa":1,"b":2,"ab":{"\u00e9":1,"z":2,"zz":[]},"b":3}',
    '{"t": "tab\\t quote\\" \\\\ / \\u0001 \\u001f \u2028 \u2713"}',
    '[0.1, 0.85, 100.0, 1e-05, 1e+16, -1.5e+16, -2.5e-9, 12345678901234567890]',
    '{"x": -0.0, "re-do": "e-1 e+2 -0.0"}',
    "[]", "{}", '"x"', "1e2", "-0", "true", "null",
]  # fmt: skip


@pytest.mark.postgres
def test_stored_json_is_postgresql_jsonb_text(pg_admin_url: str) -> None:
    import psycopg

    stored = snapshot.stored_json(pl.Series("j", JSON_TEXTS)).to_list()
    with psycopg.connect(pg_admin_url) as conn:
        # A stored value comes back from a jsonb column as the very same text.
        jsonb = [conn.execute("SELECT %s::jsonb::text", [t]).fetchone()[0] for t in stored]  # type: ignore[index]
    assert stored == jsonb
    # The same values: only the spelling changed.
    same = snapshot.same_json_value
    assert all(same(a, b) for a, b in zip(JSON_TEXTS, stored, strict=True))
    assert not same("[1]", "[true]") and not same('{"a": 1}', '{"a": 2}')


def test_a_format_1_snapshot_is_read_with_json_in_the_stored_form(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "v1"
    with monkeypatch.context() as m:
        # What format 1 wrote: JSON in the hash's compact form.
        m.setattr(snapshot, "FORMAT_VERSION", 1)
        m.setattr(snapshot, "stored_json", snapshot.canonical_json)
        snapshot.write(old, frames, config)
    assert pl.read_parquet(old / "PreAssessment.parquet")["answers"][0] == '{"a":[1,2],"k":0}'
    new = tmp_path / "v2"
    snapshot.write(new, frames, config)
    a, b = snapshot.read(old, verify=True), snapshot.read(new, verify=True)
    assert a.manifest["format_version"] == 1
    assert b.manifest["format_version"] == snapshot.FORMAT_VERSION
    for table in a.table_names:  # each verified against its own format's hash
        assert a.frame(table).equals(b.frame(table)), table
    assert snapshot.verify(old)["format_version"] == 1
    assert snapshot.verify(new)["format_version"] == snapshot.FORMAT_VERSION


def test_stored_json_fast_path_agrees_with_parsing_every_value() -> None:
    # Objects of scalars, arrays and objects in many spellings (key order, duplicate keys,
    # separators, numbers): the vectorised check may skip only values that parsing and
    # re-encoding would leave exactly as they are.
    rng = np.random.default_rng(7)
    keys = ["a", "b", "aa", "id", "postId", "é", "x y", "GAD-7", "a.b"]
    scalars = [
        "1", "-1", "0", "-0", "10", "1.5", "1.50", "0.0", "-0.0", "100.0", "1e2",
        "0.0001", "0.00001", "123456789.123456", "1234567890.123456", "0.1234567",
        "3.14159", "-2.5", "1.005", "2.0001", "-3.001", "0.05", "0.102", "10.0",
        "true", "false", "null", '"x"', '""', '"a: 1"', '"q\\"q"',
        '"\\u0001"', '"é ✓"', '"{\\"k\\": 1}"', '"[1, 2]"', "{}", "[]",
    ]  # fmt: skip

    def sep() -> str:
        return ", " if rng.random() < 0.85 else ","

    def value(depth: int) -> str:
        kind = rng.integers(0, 4 if depth < 2 else 1)
        if kind == 1:
            return "[" + sep().join(value(2) for _ in range(rng.integers(0, 4))) + "]"
        if kind == 2:
            return obj(depth + 1)
        return str(scalars[rng.integers(len(scalars))])

    def obj(depth: int) -> str:
        n = int(rng.integers(0, 4))
        picked = rng.choice(len(keys), n, replace=bool(rng.integers(0, 2)))
        if rng.random() < 0.5:  # often in jsonb's key order
            picked = sorted(set(picked), key=lambda k: (len(keys[k].encode()), keys[k]))
        return "{" + sep().join(f'"{keys[k]}": {value(depth)}' for k in picked) + "}"

    texts = [obj(0) for _ in range(4000)]
    series = pl.Series("j", texts)
    fast = snapshot._already_stored(series)
    nested = series.str.contains(r"\{.*\{|\[")
    assert (fast & nested).sum() > 300  # the fast path takes nested values too
    slow = [snapshot._jsonb_slow(snapshot._JSONB_DECODER.decode(t)) for t in texts]
    assert snapshot.stored_json(series).to_list() == slow
    # Everything the fast path skips is already in the stored form.
    assert all(t == s for t, s, f in zip(texts, slow, fast.to_list(), strict=True) if f)
    # Decimals with inner zeros are stored spellings too, nested or not.
    zeros = pl.Series(['{"a": 1.005}', '{"x": {"a": 2.0001}}', '{"b": [-3.001, 10.0]}'])
    assert snapshot._already_stored(zeros).all()


def test_writer_in_any_order_writes_what_write_writes(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    snapshot.write(tmp_path / "all", frames, config)
    with snapshot.Writer(tmp_path / "steps", config) as w:
        for name in reversed(list(frames)):
            w.add(name, frames[name])
    assert w.manifest is not None and w.manifest["totals"]["rows"] > 0
    assert _files(tmp_path / "all") == _files(tmp_path / "steps")


def test_writer_refuses_a_table_twice_and_leaves_nothing_on_error(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    twice = pytest.raises(SnapshotError, match="User was added twice")
    with twice, snapshot.Writer(tmp_path / "x", config) as w:
        w.add("User", frames["User"])
        w.add("User", frames["User"])
    failed = pytest.raises(RuntimeError, match="generation failed")
    with failed, snapshot.Writer(tmp_path / "x", config) as w:
        w.add("User", frames["User"])
        raise RuntimeError("generation failed")
    assert list(tmp_path.iterdir()) == []


def test_writer_add_raises_the_first_failure_without_waiting_for_the_end(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    bad = pl.DataFrame({"id": ["1"]})  # not a User frame
    fails = pytest.raises(SnapshotError, match="table User does not fit the model")
    with fails, snapshot.Writer(tmp_path / "x", config) as w:
        w.add("User", bad)
        w._futures["User"].exception()  # let the failed table finish
        w.add("Post", frames["Post"])  # raises here, before the build goes on
        raise AssertionError("add did not raise")
    assert list(tmp_path.iterdir()) == []


def test_stored_json_refuses_numbers_a_float_cannot_hold() -> None:
    with pytest.raises(ValueError, match="column j"):
        snapshot.stored_json(pl.Series("j", ["[1e400]"]))


def test_a_real_format_1_snapshot_is_verified_and_read_with_json_in_the_stored_form() -> None:
    # tests/data/format1-light is snapshots/mentara-light as format 1 wrote it (commit
    # e48b5c0): compact sorted-key JSON, hashed as seedsnap-content/1.
    path = Path(__file__).parent / "data" / "format1-light"
    old = snapshot.read(path, verify=True)  # every file against its own (v1) content hash
    assert old.manifest["format_version"] == 1
    assert snapshot.verify(path)["format_version"] == 1
    for table in MENTARA.tables:
        raw = pl.read_parquet(path / f"{table.name}.parquet")
        assert raw.height == old.frame(table.name).height
        for c in table.columns:
            if c.type != JSONB:
                continue
            texts = raw[c.name].to_list()
            # The test's own jsonb spelling, not the reader's: values kept, form converted.
            want = [None if t is None else _jsonb_text(t) for t in texts]
            assert old.frame(table.name)[c.name].to_list() == want, (table.name, c.name)
    raw = pl.read_parquet(path / "Therapist.parquet")
    assert raw["treatmentSuccessRates"][0].startswith('{"anxiety":')  # compact on disk


def test_json_object_writes_the_stored_form_nested_values_too() -> None:
    from seedsnap.generators.common import json_list, json_object

    frame = pl.DataFrame(
        {
            "n": [1, -20, None],
            "f": [0.5, 1.0, 0.25],
            "tags": [["a, b: {c}", "d"], [], ["é"]],
            "ints": [[1, 2], [3], []],
            "s": ["x", 'q"q', None],
        }
    )
    out = frame.select(
        json_object(
            "j",
            zeta=pl.col("s"),
            b=pl.col("n"),
            inner={"long_key": pl.col("f"), "k": json_list(pl.col("ints"))},
            tags=json_list(pl.col("tags")),
        )
    )["j"]
    assert out[0] == (
        '{"b": 1, "tags": ["a, b: {c}", "d"], "zeta": "x", "inner": {"k": [1, 2], "long_key": 0.5}}'
    )
    assert snapshot.stored_json(out).equals(out)  # already in the stored form
    # ... and known to be without parsing, unless a string has an escape (parsed, to be safe).
    assert snapshot._already_stored(out).to_list() == [True, False, True]


def test_only_columns_whose_values_repeat_are_dictionary_encoded(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    n = 5000
    frame = pl.DataFrame(
        {
            "id": [f"id-{i:05d}" for i in range(n)],  # unique: plain
            "kind": [("a", "b", "c")[i % 3] for i in range(n)],  # repeats: dictionary
            "tags": [["x"]] * n,  # nested: never
        }
    )
    snapshot._write_parquet(frame.to_arrow(), tmp_path / "t.parquet")
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata.row_group(0)
    dictionary = {
        meta.column(i).path_in_schema.split(".")[0]
        for i in range(meta.num_columns)
        if any("DICTIONARY" in e for e in meta.column(i).encodings)
    }
    assert dictionary == {"kind"}
    assert pl.read_parquet(tmp_path / "t.parquet").equals(frame)


def test_a_failed_parquet_write_stops_its_hash_and_leaves_nothing(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(frame: pl.DataFrame, path: Path, parts: Any = None) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "_write_parquet", disk_full)
    full = pytest.raises(SnapshotError, match="No space left on device")
    with full, snapshot.Writer(tmp_path / "x", config) as w:
        w.add("User", frames["User"])
    assert list(tmp_path.iterdir()) == []
    assert w._pool._shutdown and w._hasher._shutdown and w._encoder._shutdown  # all shut down


def test_long_integers_are_treated_alike_in_every_object_shape() -> None:
    forty = "1" + "0" * 39  # exact as a Python int and in jsonb: kept as written
    ok = pl.Series("j", [f'{{"a": {forty}}}', f'{{"b": 1, "aa": {forty}}}'])
    assert snapshot.stored_json(ok).to_list() == [f'{{"a": {forty}}}', f'{{"b": 1, "aa": {forty}}}']
    huge = "1" + "0" * 4300  # beyond Python's integer parsing: refused, whatever the shape
    for text in (f'{{"a": {huge}}}', f'{{"b": 1, "aa": {huge}}}'):
        with pytest.raises(ValueError, match="invalid JSON"):
            snapshot.stored_json(pl.Series("j", [text]))


def test_a_write_removes_what_a_killed_build_left_but_not_what_a_running_one_holds(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    import fcntl
    import os

    out = tmp_path / "snap[1]"  # glob characters in the name are taken literally
    old = os.stat(tmp_path).st_mtime - 2 * snapshot.ABANDONED_AFTER_S

    def leftover(name: str, age: float) -> Path:
        d = tmp_path / f".{out.name}.tmp-{name}"
        d.mkdir()
        (d / "User.parquet").write_bytes(b"half written")
        os.utime(d, (age, age))
        return d

    dead = leftover("dead", old)  # its build was killed: nobody holds it
    moved = tmp_path / f".{out.name}.old-x"  # an old snapshot moved aside by a killed swap
    moved.mkdir()
    os.utime(moved, (old, old))
    held = leftover("held", old)  # a build still writing it (this test holds its lock)
    fresh = leftover("fresh", os.stat(tmp_path).st_mtime + 10)  # made a moment ago
    other = tmp_path / ".other.tmp-x"  # another snapshot's
    other.mkdir()
    os.utime(other, (old, old))
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        snapshot.write(out, frames, config)
    finally:
        os.close(fd)
    assert not dead.exists() and not moved.exists()
    assert held.exists() and fresh.exists() and other.exists()
    assert (out / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, held.name, fresh.name, other.name]
    )


def test_a_running_writer_holds_its_directory_against_another_build(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config
) -> None:
    import os

    out = tmp_path / "snap"
    with snapshot.Writer(out, config) as first:
        first.add("User", frames["User"])
        old = os.stat(first.tmp).st_mtime - 2 * snapshot.ABANDONED_AFTER_S
        os.utime(first.tmp, (old, old))  # looks abandoned by its age alone
        snapshot.write(out, frames, config)  # another build to the same place, meanwhile
        assert first.tmp.is_dir()
    assert (out / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_json_in_another_spelling_of_the_same_values_keeps_its_content_hash(
    tmp_path: Path,
) -> None:
    """Readers hash a file's JSON as stored first and only when that does not match put it in
    the stored form, as the hash is defined: a Notification file whose JSON is respelled
    (compact, keys reordered) with the same values verifies; other values do not."""
    src = Path(__file__).parent.parent / "snapshots" / "mentara-light"
    notes = snapshot.read(src).frame("Notification")
    assert notes["data"].null_count() < notes.height

    def respelled(values: pl.Series) -> pl.Series:
        texts = [
            None if v is None else json.dumps(dict(reversed(json.loads(v).items())), separators=(",", ":"))
            for v in values.to_list()
        ]  # fmt: skip
        return pl.Series(values.name, texts, dtype=pl.String)

    def rewritten(name: str, data: pl.Series) -> Path:
        copy = tmp_path / name
        shutil.copytree(src, copy)
        pq_path = copy / "Notification.parquet"
        notes.with_columns(data).write_parquet(pq_path)
        manifest = json.loads((copy / "manifest.json").read_text())
        entry = manifest["tables"]["Notification"]
        entry["file_sha256"] = "sha256:" + hashlib.sha256(pq_path.read_bytes()).hexdigest()
        manifest["seal"] = snapshot.seal_of(manifest)
        (copy / "manifest.json").write_text(json.dumps(manifest))
        return copy

    same = rewritten("same", respelled(notes["data"]))
    assert snapshot.read(same).frame("Notification")["data"].to_list() != notes["data"].to_list()
    snapshot.verify(same)  # the same values: the content hash holds
    other = notes["data"].str.replace('"', '"x', literal=True, n=1)
    with pytest.raises(SnapshotError, match=r"Notification\.parquet: content hash"):
        snapshot.verify(rewritten("other", other))


def test_a_write_failure_seen_by_a_later_add_is_one_line_with_its_fix(
    tmp_path: Path, frames: dict[str, pl.DataFrame], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build hands tables over while it generates: the failure of an earlier table is
    raised by a later add, as the same one-line error as at the end (before, a bare OSError
    with its traceback)."""

    def disk_full(frame: pl.DataFrame, path: Path, parts: Any = None) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "_write_parquet", disk_full)
    with pytest.raises(SnapshotError) as err, snapshot.Writer(tmp_path / "x", config) as w:
        w.add("User", frames["User"])
        while not w._failed.is_set():
            time.sleep(0.01)
        w.add("Community", frames["Community"])
    assert "cannot write the snapshot: No space left on device" in str(err.value)
    assert "free some space on the disk of" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_an_output_under_a_file_is_one_line_naming_the_file(tmp_path: Path, config: Config) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(SnapshotError) as err:
        snapshot.write(tmp_path / "file" / "snap", {}, config)
    assert "cannot create the snapshot directory" in str(err.value)
    assert f"({tmp_path / 'file'} exists and is not a directory)" in str(err.value)
    assert "Errno" not in str(err.value)


def test_a_snapshot_a_file_manager_opened_is_still_rebuilt(snap_dir: Path, config: Config) -> None:
    (snap_dir / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    snapshot.write(snap_dir, {}, config)
    assert not (snap_dir / ".DS_Store").exists()
    assert snapshot.read(snap_dir).rows("User") == 0


def test_readers_tell_a_missing_or_foreign_directory_from_a_broken_snapshot(
    tmp_path: Path, snap_dir: Path
) -> None:
    # A path that is not there, a file, or a directory of something else entirely is not "a
    # snapshot to rebuild": the fix is to give the right directory.
    (tmp_path / "file").write_text("x")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    for path, what in [
        (tmp_path / "none", "does not exist"),
        (tmp_path / "file", "is a file"),
        (tmp_path / "other", "has no manifest.json"),
    ]:
        with pytest.raises(SnapshotError) as e:
            snapshot.read(path)
        text = str(e.value)
        assert text.startswith(f"{path}: is not a snapshot directory ({what})"), text
        assert "seedsnap build --out" in e.value.fix and "rebuild" not in text
    # A snapshot that lost its manifest is still one to rebuild.
    (snap_dir / "manifest.json").unlink()
    with pytest.raises(SnapshotError, match="manifest is missing; rebuild the snapshot"):
        snapshot.read(snap_dir)
