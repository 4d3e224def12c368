"""A Parquet file whose row groups are encoded apart and joined is the one writer's, byte for byte."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from seedsnap import parquet_parts, snapshot

N = 2_500


def _table() -> pa.Table:
    """Every kind of column a snapshot holds: ids, repeated (dictionary) text, NULLs, JSON,
    lists (some NULL or empty), integers, floats, decimals, booleans and timestamps."""
    rows = range(N)
    return pa.table(
        {
            "id": pa.array([f"{i * 7919 % 100_003:08x}-row" for i in rows], pa.large_string()),
            "kind": pa.array([("a", "bb", "ccc")[i % 3] for i in rows], pa.large_string()),
            "note": pa.array([None if i % 5 else f"n{i}" for i in rows], pa.large_string()),
            "data": pa.array([json.dumps({"k": i}) for i in rows], pa.large_string()),
            "tags": pa.array(
                [None if i % 7 == 0 else [f"t{j}" for j in range(i % 4)] for i in rows],
                pa.large_list(pa.large_string()),
            ),
            "n": pa.array([i if i % 11 else None for i in rows], pa.int32()),
            "x": pa.array([i / 3 for i in rows], pa.float64()),
            "amount": pa.array([i * 25 for i in rows], pa.decimal128(10, 2)),
            "ok": pa.array([i % 2 == 0 for i in rows], pa.bool_()),
            "at": pa.array([1_700_000_000_000 + i for i in rows], pa.timestamp("ms")),
        }
    )


def _one_writer(table: pa.Table, size: int) -> bytes:
    sink = pa.BufferOutputStream()
    options = {**snapshot.PARQUET_OPTIONS, "use_dictionary": ["kind"]}
    pq.write_table(table, sink, row_group_size=size, **options)
    return bytes(sink.getvalue().to_pybytes())


@pytest.mark.parametrize("size", [1, 999, 1000, 1250, N - 1])
def test_parts_joined_are_the_one_writers_bytes(size: int) -> None:
    table = _table()
    parts = [_one_writer(table.slice(i, size), size) for i in range(0, N, size)]
    joined = parquet_parts.join([memoryview(p) for p in parts])
    assert joined is not None
    assert b"".join(joined) == _one_writer(table, size)


def test_a_footer_that_does_not_encode_back_is_not_joined() -> None:
    table = _table()
    parts = [_one_writer(table.slice(i, 1000), 1000) for i in range(0, N, 1000)]
    assert parquet_parts.join([memoryview(p) for p in parts]) is not None
    size = int.from_bytes(parts[1][-8:-4], "little")
    # A field id written in the long form (an encoder's choice the codec would not repeat).
    footer = parts[1][-8 - size : -8]
    assert footer[0] == 0x15  # field 1 (version), i32, short form
    long_form = bytes([0x05, 0x02]) + footer[1:]
    odd = parts[1][: -8 - size] + long_form + len(long_form).to_bytes(4, "little") + b"PAR1"
    assert pq.ParquetFile(pa.BufferReader(odd)).metadata.num_rows == 1000  # still readable
    assert parquet_parts.join([memoryview(p) for p in (parts[0], odd, parts[2])]) is None
    assert parquet_parts.join([memoryview(b"PAR1")]) is None
    assert parquet_parts.join([]) is None


def test_parts_of_another_schema_are_not_joined() -> None:
    table = _table()
    parts = [
        _one_writer(table.slice(0, 1000), 1000),
        _one_writer(table.slice(1000, 1000).drop_columns(["ok"]), 1000),
    ]
    assert parquet_parts.join([memoryview(p) for p in parts]) is None


def test_a_table_of_several_row_groups_is_written_as_in_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "ROW_GROUP_SIZE", 1000)
    table = _table()
    alone = snapshot._write_parquet(table, tmp_path / "alone.parquet")
    # The joined parts must be what is written: a join that fell back to the one writer
    # (a pyarrow whose footers this module does not know) gives the same bytes, slower.
    joined: list[object] = []
    real_join = parquet_parts.join
    monkeypatch.setattr(
        parquet_parts, "join", lambda parts: joined.append(real_join(parts)) or joined[-1]
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = snapshot._write_parquet(table, tmp_path / "parts.parquet", pool)
    assert len(joined) == 1 and joined[0] is not None
    assert pq.ParquetFile(tmp_path / "parts.parquet").metadata.num_row_groups == 3
    assert (tmp_path / "parts.parquet").read_bytes() == (tmp_path / "alone.parquet").read_bytes()
    assert parts == alone == snapshot._file_sha256(tmp_path / "alone.parquet")
