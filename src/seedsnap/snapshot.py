"""Write, read and verify snapshots: ``manifest.json`` plus one ``<Table>.parquet`` per table.

Layout of a snapshot directory::

    manifest.json        pretty-printed, sorted keys, trailing newline, no build time, no host
    <Table>.parquet      every table of the model, empty ones too, rows sorted by primary key,
                         JSON values in PostgreSQL's jsonb output form (``stored_json``)

Parquet is written with pyarrow and fixed settings (zstd level 1, which compresses these
tables as well as level 3 in 70 % of the time; dictionary encoding for the columns whose
values repeat, decided from the data; fixed row-group and page sizes, statistics on,
no page index, page CRCs on, ``created_by`` = the pyarrow version, which the manifest records
anyway), so the same frames give byte-identical files in any time zone and with any thread
count. A table of several row groups has them encoded at once, each alone, and joined into
the bytes one writer gives (``parquet_parts``). A write goes to a temporary sibling
directory, is fsynced, and only then renamed into place: a reader never sees a half-written
snapshot.

Canonical content hash (``content_hash``, format "seedsnap-content/2"). The hash is computed
from the data, never from Parquet bytes, so it does not depend on encoding, compression,
chunking, polars or pyarrow versions. SHA-256 is fed, in order:

1. a header: ``seedsnap-content/2\\n`` then compact sorted-key JSON
   ``{"columns": [[name, logical type], ...], "rows": n, "table": name}`` and ``\\n``;
2. for each column in model order, over the rows sorted by primary key (ties, which only a
   broken frame has, broken by every non-list column):

   - validity: one byte per row, 1 = value, 0 = NULL (so NULL differs from "" and from []);
   - values, with NULL slots filled by the type's zero (the validity bytes tell them apart):

     ============================  ==================================================
     TEXT, enums                   int64 LE byte length per row, then the UTF-8 bytes
     JSONB                         as TEXT, after putting every value in the stored
                                   form (``stored_json``: PostgreSQL's jsonb output form)
     INTEGER                       int32 LE
     DOUBLE PRECISION              IEEE-754 binary64 LE; every NaN as 0x7ff8000000000000
     DECIMAL(10,2)                 the scaled integer (value x 100) as int64 LE
     TIMESTAMP(3)                  epoch milliseconds as int64 LE (naive, UTC by convention)
     BOOLEAN                       one byte, 0 or 1
     TEXT[], INTEGER[]             int64 LE element count per row (0 for NULL), then the
                                   flattened elements encoded as a column of the element
                                   type (their own validity bytes, then values)
     ============================  ==================================================

The hash is written ``sha256:<64 hex>``. ``manifest.tables[T].file_sha256`` additionally
pins the exact Parquet bytes, because a flipped byte in Parquet metadata (statistics, the
stored Arrow schema) can leave the decoded content, and so the content hash, unchanged.

Format 1 snapshots (JSON stored and hashed as ``canonical_json``, header
``seedsnap-content/1``) are still read and verified; their JSON is handed out in the stored
form.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from seedsnap import __version__, parquet_parts
from seedsnap.arrays import text_order
from seedsnap.config import Config
from seedsnap.errors import SnapshotError, one_line, short_path
from seedsnap.schema import MENTARA, Schema, Table
from seedsnap.schema.frames import conform, polars_schema
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
from seedsnap.signals import held

FORMAT = "seedsnap"
# 2: JSON columns are stored, and hashed, in PostgreSQL's jsonb output form (``stored_json``).
# Format 1 stored and hashed them in a compact sorted-key form (``canonical_json``, content
# hash "seedsnap-content/1"); it is still read, verified against its own hash, and its JSON
# converted to the stored form.
# 3: the manifest carries a seal, the sha256 of its own canonical content (``seal_of``), so an
# edit anywhere in it (the config, the tool versions) is refused, not only one the table
# hashes catch; format 2 had none and is still read.
FORMAT_VERSION = 3
SEALED_FROM = 3
MANIFEST = "manifest.json"
CONTENT_FORMAT = "seedsnap-content/2"

# Parquet settings are pinned, not left to library defaults, because byte-identical output
# across runs (and across pyarrow releases where possible) depends on every one of them;
# use_dictionary is given per table (_dictionary_columns).
PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 1,
    "write_statistics": True,
    "data_page_size": 1 << 20,
    "dictionary_pagesize_limit": 1 << 20,
    "data_page_version": "1.0",
    "write_batch_size": 1024,
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": True,
    "use_compliant_nested_type": True,
}
ROW_GROUP_SIZE = 131_072
DICTIONARY_PROBE = 16_384
# The fixes of a refused snapshot: each refusal says what to do, not only what is wrong.
REBUILD = "rebuild the snapshot"
REBUILD_HERE = f"{REBUILD} with this version (seedsnap build)"
EDITED = f"the manifest was edited after it was written; {REBUILD}"
CHANGED = f"the file was changed after it was written; {REBUILD}"
UNREADABLE = "make it readable by the user running seedsnap (check its permissions)"

_CANONICAL_NAN = np.uint64(0x7FF8000000000000)
_UNSAFE_NAME_CHARS = set("/\\\"'\x00") | {os.sep} | ({os.altsep} if os.altsep else set())


# ---------------------------------------------------------------------------------------------
# Content hash


def canonical_json(series: pl.Series) -> pl.Series:
    """``series`` of JSON text with every value in canonical form; ValueError on invalid JSON.

    The canonical form is the content hash's (sorted keys, compact, Python's float
    repr): it names a JSON *value*, whatever its spelling. Each distinct value is parsed
    once (JSON columns repeat a small set of shapes), so the Python work is per distinct
    value, not per row; the decoder and encoder are built once (``json.loads``/``dumps`` with
    options build new ones per call, 3x slower).
    """
    return _recode(series, lambda text: _JSON_ENCODER.encode(_JSON_DECODER.decode(text)))


def stored_json(series: pl.Series) -> pl.Series:
    """``series`` of JSON text as a snapshot stores it: PostgreSQL's ``jsonb`` output form.

    That is keys ordered shorter first, then bytewise (duplicates keep the last value),
    ``", "`` and ``": "`` separators, strings escaped as ``json.dumps(ensure_ascii=False)``
    (which is also PostgreSQL's escaping), numbers as Python writes them except that, as
    jsonb, without an exponent and without the sign of a zero (``1e-05`` -> ``0.00001``). A
    stored value loaded into PostgreSQL comes back from a ``jsonb`` column as the very same
    text, so a diff compares JSON columns as plain strings and only re-reads the values that
    differ (a database value spelled otherwise, such as ``1.50``, lands there and is compared
    by value). Same parsing as ``canonical_json``; ValueError on invalid JSON, and on a
    number too large for a float (jsonb keeps it, a float cannot).
    """
    return _recode(series, _jsonb_text, skip=_already_stored(series))


def _already_stored(series: pl.Series) -> pl.Series:
    """Which values are objects that ``stored_json`` would leave exactly as they are.

    Checked by polars over the whole column, so the usual JSON of a build needs no Python
    per value: objects whose values are strings without escapes, integers, short decimals,
    booleans, nulls, arrays of those, or objects of those (one level down). A regular
    expression accepts only spellings Python's encoder reproduces (decimals of at most 15
    significant digits, no trailing zero, no exponent, not -0), and the key order of every
    object is checked once per distinct key layout (objects of one key need no such check,
    the usual shape of a notification's data). Anything else is parsed.
    """
    # One key is always in order: those values need the one regular expression only.
    single = series.str.contains(_SINGLE_STORED).fill_null(False)
    if single.all():
        return single
    others = pl.select(pl.when(~single).then(series)).to_series()
    simple = others.str.contains(_SIMPLE_STORED).fill_null(False)
    if not simple.any():
        return single
    layouts = pl.select(
        pl.when(simple).then(others.str.replace_all(_VALUE_AFTER_KEY, ":"))
    ).to_series()
    good = [x for x in layouts.drop_nulls().unique().to_list() if _keys_in_order(x)]
    return single | (simple & layouts.is_in(good).fill_null(False))


def _keys_in_order(layout: str) -> bool:
    """Whether each object of a key layout (``{"a":, "b": {"c":}}``) is in jsonb key order.

    That is shorter keys first, then bytewise, without duplicates. A layout that does not
    parse (a value the layout expression did not consume whole) is not trusted: its values
    take the parsing path.
    """
    ordered = True

    def check(pairs: list[tuple[str, Any]]) -> None:
        nonlocal ordered
        keys = [k for k, _ in pairs]
        ordered = ordered and keys == sorted(set(keys), key=lambda k: (len(k), k))

    try:
        json.loads(_LAYOUT_VALUE.sub(": 0", layout), object_pairs_hook=check)
    except ValueError:
        return False
    return ordered


_JSON_STRING = r'"[^"\\\x00-\x1f]*"'
_JSON_SCALAR = (
    rf"(?:{_JSON_STRING}|-?[1-9][0-9]{{0,8}}\.(?:[0-9]{{0,5}}[1-9]|0)"
    r"|-?0\.0{0,3}[1-9](?:[0-9]{0,4}[1-9])?|0\.0|0|-?[1-9][0-9]{0,29}|true|false|null)"
)
_JSON_ARRAY = rf"\[(?:{_JSON_SCALAR}(?:, {_JSON_SCALAR})*)?\]"
_JSON_KEY = r'"[A-Za-z0-9_. -]+"'
_JSON_LEAF = rf"(?:{_JSON_SCALAR}|{_JSON_ARRAY})"
_JSON_INNER = rf"\{{(?:{_JSON_KEY}: {_JSON_LEAF}(?:, {_JSON_KEY}: {_JSON_LEAF})*)?\}}"
_JSON_VALUE = rf"(?:{_JSON_LEAF}|{_JSON_INNER})"
_SIMPLE_STORED = rf"^\{{(?:{_JSON_KEY}: {_JSON_VALUE}(?:, {_JSON_KEY}: {_JSON_VALUE})*)?\}}$"
_SINGLE_STORED = rf"^\{{{_JSON_KEY}: {_JSON_LEAF}\}}$"
# A key's value unless it is an object; replacing each by ":" leaves the key layout. The
# regex crate takes the first alternative that matches here, so no alternative may match a
# proper prefix of a value another one matches whole (hence "0" last among decimals).
_VALUE_AFTER_KEY = rf": {_JSON_LEAF}"
_LAYOUT_VALUE = re.compile(r":(?=[,}])")


def _recode(
    series: pl.Series,
    recode: Callable[[str], str],
    skip: pl.Series | None = None,
) -> pl.Series:
    rest = series if skip is None else series.filter(~skip)
    distinct = rest.drop_nulls().unique().to_list()
    mapping: dict[str, str] = {}
    for text in distinct:
        try:
            canon = recode(text)
        except ValueError as e:
            raise ValueError(f"invalid JSON in column {series.name}: {text[:40]!r} ({e})") from None
        if canon != text:
            mapping[text] = canon
    return series.replace(mapping) if mapping else series


def _reject_constant(name: str) -> Any:
    # PostgreSQL's jsonb has no NaN / Infinity; a snapshot holding them could never load.
    raise ValueError(f"{name} is not valid JSON for jsonb")


def _jsonb_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # jsonb's key order: shorter first, then by bytes (UTF-8 keeps code point order, so the
    # strings compare as their bytes do); sorted() is stable and dict() keeps the last
    # duplicate, as jsonb does.
    return dict(sorted(pairs, key=lambda kv: (len(kv[0].encode()), kv[0])))


_JSON_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_JSON_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# Set by _jsonb_float while a text is decoded on this thread (snapshots are written on several).
_odd_float = threading.local()


def _jsonb_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} does not fit a float")
    # Python writes these with an exponent (or the sign of a zero); jsonb does not.
    if not 1e-4 <= abs(value) < 1e16 and (value != 0.0 or math.copysign(1.0, value) < 0):
        _odd_float.seen = True
    return value


_JSONB_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_jsonb_float, object_pairs_hook=_jsonb_object
)
_JSONB_ENCODER = json.JSONEncoder(separators=(", ", ": "), ensure_ascii=False)


def _jsonb_text(text: str) -> str:
    """The JSON ``text`` in jsonb's output form.

    The C encoder writes floats as Python's repr; jsonb writes them as numeric, without an
    exponent and without the sign of a zero. Only a value holding such a float (noticed
    while decoding) takes the slower exact path.
    """
    _odd_float.seen = False
    value = _JSONB_DECODER.decode(text)
    if _odd_float.seen:
        return _jsonb_slow(value)
    return _JSONB_ENCODER.encode(value)


def _jsonb_slow(value: Any) -> str:
    if isinstance(value, dict):
        items = (f"{_JSONB_ENCODER.encode(k)}: {_jsonb_slow(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb_slow(v) for v in value) + "]"
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or value == 0.0:
            text = format(Decimal(text), "f").lstrip("-" if value == 0.0 else "")
        return text
    return _JSONB_ENCODER.encode(value)


def same_json_value(x: str, y: str) -> bool:
    """Whether two JSON texts hold the same value, as jsonb's equality has it.

    Numbers by value (``1.50`` = ``1.5``, ``1e2`` = ``100``), object keys in any order, but a
    number is never a boolean. False when either text is not JSON.
    """
    try:
        a, b = _VALUE_DECODER.decode(x), _VALUE_DECODER.decode(y)
    except ValueError:
        return False
    return _same_value(a, b)


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_value(i, j) for i, j in zip(a, b, strict=True))
    return bool(a == b)


_VALUE_DECODER = json.JSONDecoder(
    parse_float=Decimal, parse_int=Decimal, parse_constant=_reject_constant
)


def _update(h: Any, array: np.ndarray[Any, Any]) -> None:
    h.update(np.ascontiguousarray(array).data)


def _valid_bytes(arr: Any) -> np.ndarray[Any, Any]:
    """The validity bytes of the Arrow array ``arr`` (1 = value), from its bitmap."""
    if not arr.null_count:
        return np.ones(len(arr), dtype=np.uint8)
    bits = np.frombuffer(arr.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, count=arr.offset + len(arr), bitorder="little")[arr.offset :]


def _hash_strings(h: Any, arr: Any) -> None:
    """Feed the values of ``arr`` (an Arrow string array) to ``h``, NULL as ""."""
    if str(arr.type) != "large_string":
        arr = arr.cast("large_string")
    # Buffers: [validity, int64 offsets, data]; honour the array's offset.
    _, offsets_buf, data_buf = arr.buffers()
    n = len(arr)
    offsets = np.frombuffer(offsets_buf, dtype="<i8", count=n + 1, offset=arr.offset * 8)
    lengths = np.diff(offsets)
    valid = _valid_bytes(arr).astype(bool) if arr.null_count else None
    if valid is not None and lengths[~valid].any():
        # A NULL slot spanning bytes (Arrow allows it, and polars exports them after a
        # gather such as the key sort): hashed as "", so its bytes are left out.
        data = np.frombuffer(data_buf, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
        _update(h, np.where(valid, lengths, 0).astype("<i8", copy=False))
        h.update(data[np.repeat(valid, lengths)].data)
        return
    _update(h, lengths.astype("<i8", copy=False))
    if n and data_buf is not None:
        h.update(memoryview(data_buf)[int(offsets[0]) : int(offsets[-1])])


# Logical types hashed straight from an Arrow buffer: Arrow type, LE value type, its size.
_FIXED = {INTEGER: ("int32", "<i4", 4), TIMESTAMP: ("timestamp[ms]", "<i8", 8)}


def _arrow_array(column: Any) -> Any:
    """One Arrow array of a chunked ``column`` (no copy when it is one chunk already)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _hash_column(
    h: Any,
    s: pl.Series,
    kind: str,
    json_form: Callable[[pl.Series], pl.Series],
    arrow: Any,
) -> None:
    """Feed ``s`` (a column of logical type ``kind``) to ``h`` in the canonical form.

    ``arrow`` is ``s`` as an Arrow array (a writer converts its frame once, for the Parquet
    file too): validity, text, JSON already in ``json_form`` (``_as_is``), lists, integers
    and timestamps are hashed from its buffers; the other types through polars.
    """
    valid = _valid_bytes(arrow)
    _update(h, valid)
    fixed = _FIXED.get(kind)
    if fixed is not None and str(arrow.type) == fixed[0]:
        # An empty array may keep an offset past its (trimmed) buffer: read nothing then.
        values = np.frombuffer(
            arrow.buffers()[1] or b"",
            dtype=fixed[1],
            count=len(arrow),
            offset=arrow.offset * fixed[2] if len(arrow) else 0,
        )
        if arrow.null_count:  # the bytes under a NULL are undefined
            values = np.where(valid == 1, values, 0).astype(fixed[1])
        _update(h, values)
        return
    if kind in (TEXT, ENUM):
        _hash_strings(h, arrow)
    elif kind == JSONB:
        if json_form is not _as_is:
            arrow = json_form(s.cast(pl.String)).to_arrow()
        _hash_strings(h, arrow)
    elif kind == INTEGER:
        _update(h, s.cast(pl.Int32).fill_null(0).to_numpy().astype("<i4", copy=False))
    elif kind == FLOAT:
        bits = s.cast(pl.Float64).fill_null(0.0).to_numpy().astype("<f8").view("<u8")
        _update(h, np.where(np.isnan(bits.view("<f8")), _CANONICAL_NAN, bits).astype("<u8"))
    elif kind == DECIMAL:
        scaled = s.cast(pl.Decimal(10, 2)).to_physical().cast(pl.Int64).fill_null(0)
        _update(h, scaled.to_numpy().astype("<i8", copy=False))
    elif kind == TIMESTAMP:
        ms = s.cast(pl.Datetime("ms")).to_physical().fill_null(0)
        _update(h, ms.to_numpy().astype("<i8", copy=False))
    elif kind == BOOLEAN:
        _update(h, s.cast(pl.Boolean).fill_null(False).cast(pl.UInt8).to_numpy())
    elif kind in (TEXT_ARRAY, INTEGER_ARRAY):
        lengths = s.list.len().fill_null(0).cast(pl.Int64).to_numpy()
        _update(h, lengths.astype("<i8", copy=False))
        # The elements of the non-NULL lists, hashed as a column of the element type (by
        # polars: pyarrow's flatten() would import pyarrow.compute, 70 ms, for this alone).
        elements = s.drop_nulls().explode(empty_as_null=False)
        inner = TEXT if kind == TEXT_ARRAY else INTEGER
        _hash_column(h, elements, inner, json_form, elements.to_arrow())
    else:  # pragma: no cover - the model only uses the types above
        raise ValueError(f"no canonical form for logical type {kind}")


def sort_rows(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` sorted by primary key (ties, i.e. duplicate keys, by every non-list column)."""
    pk = list(table.primary_key)
    if frame.height < 2:
        return frame
    order = None
    if len(pk) == 1:
        # Frames read back from a snapshot are already in key order: an O(n) check saves the
        # O(n log n) string sort that would otherwise dominate verify.
        key = pl.col(pk[0])
        if frame.select((key > key.shift(1)).all() & key.is_not_null().all()).item():
            return frame
        # Fixed-width text keys (the uuid and cuid ids) sort as integers, at a fraction of
        # the cost of a string sort; equal keys are caught below.
        if frame.schema[pk[0]] == pl.String:
            order = text_order(frame.get_column(pk[0]))
    if order is not None:
        out = frame.rechunk()[order]  # a gather from one chunk: from several is far slower
    else:
        # One thread: polars' parallel sort of a string key costs about 3x the CPU, and its
        # callers keep the cores busy anyway (a writer writes several tables at a time;
        # verify and diff hash tables beside reading others). The order is the same.
        out = frame.sort(pk, maintain_order=True, multithreaded=False)
    same_as_previous = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in pk)
    if out.select(same_as_previous.any()).item():
        # Only a broken frame has duplicate keys; still sort it independently of input order.
        sortable = [c.name for c in table.columns if not c.is_array]
        out = frame.sort(sortable, maintain_order=True, nulls_last=False, multithreaded=False)
    return out


def content_hash(
    table: Table,
    frame: pl.DataFrame,
    format_version: int = FORMAT_VERSION,
    json_stored: bool = False,
) -> str:
    """``sha256:<hex>`` of the canonical serialisation of ``frame`` as ``table`` (see above).

    ``format_version`` 1 is the hash format-1 snapshots recorded: JSON in ``canonical_json``
    form and the ``seedsnap-content/1`` header. ``json_stored``: the JSON columns are in the
    ``stored_json`` form already (as a snapshot's files hold them), so they are hashed as
    they are; JSON in another spelling then gives another hash.
    """
    legacy = format_version < 2
    frame = sort_rows(table, conform(table, frame))
    json_form = canonical_json if legacy else _as_is if json_stored else stored_json
    return _digest(table, frame, json_form, legacy, frame.to_arrow())


def _digest(
    table: Table,
    frame: pl.DataFrame,
    json_form: Callable[[pl.Series], pl.Series],
    legacy: bool,
    arrow: Any,
) -> str:
    """The content hash of a conformed frame in key order, JSON put in ``json_form``.

    ``legacy``: with format 1's header (``seedsnap-content/1``). ``arrow``: the frame as an
    Arrow table (``frame.to_arrow()``), whose buffers are hashed where they can be.
    """
    h = hashlib.sha256()
    header = {
        "table": table.name,
        "rows": frame.height,
        "columns": [[c.name, c.type] for c in table.columns],
    }
    h.update(f"{'seedsnap-content/1' if legacy else CONTENT_FORMAT}\n".encode())
    h.update(json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    for c in table.columns:
        column = _arrow_array(arrow.column(c.name))
        _hash_column(h, frame.get_column(c.name), c.type, json_form, column)
    return f"sha256:{h.hexdigest()}"


def _as_is(series: pl.Series) -> pl.Series:
    """The JSON form of a prepared frame's column: it is stored already."""
    return series


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return f"sha256:{h.hexdigest()}"


def _cannot_read(path: Path, e: OSError) -> SnapshotError:
    """The one-line error for a snapshot file the OS would not let us read: a permission to
    change (an unreadable file is no corrupt one, and rebuilding would not help), or else
    whatever the OS said, with a rebuild."""
    denied = e.errno in (errno.EACCES, errno.EPERM)
    return SnapshotError(
        str(path), f"cannot read the file ({e.strerror or e})", UNREADABLE if denied else REBUILD
    )


def _readable(path: Path) -> None:
    """Raise ``_cannot_read`` unless ``path`` opens for reading (a decoder would hide why)."""
    try:
        with path.open("rb"):
            pass
    except OSError as e:
        raise _cannot_read(path, e) from None


# ---------------------------------------------------------------------------------------------
# Write


def tool_versions() -> dict[str, str]:
    """Versions of the libraries that shape a snapshot's bytes (recorded in the manifest)."""
    import pyarrow

    return {
        "seedsnap": __version__,
        "polars": pl.__version__,
        "numpy": np.__version__,
        "pyarrow": str(pyarrow.__version__),
    }


# Threads writing a snapshot's tables, as many hashing them beside, and as many encoding the
# row groups of a table of several (``_write_parquet``); any number gives the same bytes.
WRITE_THREADS = min(4, os.cpu_count() or 1)


class _Skipped(Exception):
    """A table not written because another one failed first."""


def store_json(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (of ``table``) with every JSON column in the ``stored_json`` form."""
    json_cols = [c.name for c in table.columns if c.type == JSONB]
    if not json_cols or not frame.height:
        return frame
    return frame.with_columns(stored_json(frame.get_column(c)) for c in json_cols)


def _prepare(table: Table, frame: pl.DataFrame, json_stored: bool = False) -> pl.DataFrame:
    """The frame as stored: conformed, JSON in ``stored_json`` form, rows sorted by key.

    ``json_stored``: the caller put the JSON columns in the stored form already.
    """
    frame = conform(table, frame)
    return sort_rows(table, frame if json_stored else store_json(table, frame)).rechunk()


def _dictionary_columns(frame: pl.DataFrame) -> list[str]:
    """The flat columns worth dictionary encoding: fewer distinct values than half the rows
    among the first ``DICTIONARY_PROBE`` (the frame is in key order, so the data decides).

    A column of (nearly) unique values, such as an id, would only build a dictionary to
    give it up: writing it plain is about a quarter faster for a table like Notification.
    """
    head = frame.head(DICTIONARY_PROBE)
    return [
        name
        for name, dtype in head.schema.items()
        if not dtype.is_nested() and 2 * head.get_column(name).n_unique() < head.height
    ]


def _write_parquet(data: Any, path: Path, parts: Executor | None = None) -> str:
    """Write ``data``, a prepared frame as an Arrow table, with the pinned settings, and
    return the file's sha256 (of the bytes written, not read back).

    With ``parts``, a table of several row groups has them encoded at once there, each
    alone, and joined into the very bytes one writer would give (``parquet_parts``): the
    largest table of a heavy build is written last, when the other cores have nothing
    left to do.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = data.combine_chunks()
    # The probe is counted on a copy from Arrow, whose strings lie in order: the sorted frame's
    # string views point all over its unsorted buffers, which makes counting them slower.
    head = pl.DataFrame(data.slice(0, DICTIONARY_PROBE))
    options = {**PARQUET_OPTIONS, "use_dictionary": _dictionary_columns(head)}

    def encode(table: Any) -> memoryview:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, row_group_size=ROW_GROUP_SIZE, **options)
        return memoryview(sink.getvalue())

    pieces = None
    if parts is not None and data.num_rows > ROW_GROUP_SIZE:
        groups = range(0, data.num_rows, ROW_GROUP_SIZE)
        pieces = parquet_parts.join(
            list(parts.map(encode, (data.slice(i, ROW_GROUP_SIZE) for i in groups)))
        )
    h = hashlib.sha256()
    with path.open("wb") as f:
        for piece in pieces or [encode(data)]:
            h.update(piece)
            f.write(piece)
        f.flush()
        os.fsync(f.fileno())
    return f"sha256:{h.hexdigest()}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal_of(manifest: Mapping[str, Any]) -> str:
    """The seal of ``manifest``: sha256 of its content without the seal, as compact sorted
    JSON (so it does not depend on the file's layout)."""
    body = {k: v for k, v in manifest.items() if k != "seal"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_seal(path: Path, manifest: dict[str, Any]) -> None:
    """A sealed manifest (format SEALED_FROM on) matches its seal: refused otherwise, after
    the checks that name what was edited more precisely."""
    if manifest["format_version"] < SEALED_FROM:
        return
    seal = manifest.get("seal")
    if seal != seal_of(manifest):
        what = "has no seal" if seal is None else "does not match its seal"
        raise SnapshotError(str(path / MANIFEST), f"the manifest {what}", EDITED)


def dump_manifest(manifest: Mapping[str, Any]) -> str:
    """The manifest's canonical text: 2-space indent, sorted keys, trailing newline."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(
    out: str | Path,
    frames: Mapping[str, pl.DataFrame],
    config: Config,
    schema: Schema = MENTARA,
    before_swap: Callable[[Path], None] | None = None,
) -> dict[str, Any]:
    """Write ``frames`` as a snapshot at ``out`` (atomically) and return its manifest.

    Tables missing from ``frames`` are written empty. An existing snapshot at ``out`` is
    replaced only once the new one is complete; a directory that is not a snapshot is refused.
    ``before_swap`` gets the complete temporary snapshot first; if it raises, nothing at
    ``out`` changes (the build uses it to check a snapshot before it replaces the old one).
    """
    with Writer(out, config, schema, before_swap) as w:
        for name, frame in frames.items():
            w.add(name, frame)
    assert w.manifest is not None
    return w.manifest


class Writer:
    """A snapshot written table by table as the frames become ready: ``write`` in steps.

    ``with Writer(out, config) as w: w.add(table, frame) ...``: each added table is prepared,
    hashed and written on a few threads (polars, pyarrow's zstd and hashlib release the
    GIL) while the caller goes on, so a build writes its finished tables while it still
    generates the others. On a clean exit the tables not added are written empty, the
    manifest is assembled in model order (the bytes do not depend on the order of ``add``
    or the number of threads), and the snapshot is moved into place as ``write`` does; on
    an error nothing at ``out`` changes. The manifest is then in ``manifest``.
    """

    def __init__(
        self,
        out: str | Path,
        config: Config,
        schema: Schema = MENTARA,
        before_swap: Callable[[Path], None] | None = None,
    ) -> None:
        self.out = Path(out)
        try:
            os.lstat(self.out)
        except OSError as e:  # a name too long for the file system: a traceback from is_symlink
            if e.errno == errno.ENAMETOOLONG:
                raise SnapshotError(
                    short_path(out),
                    f"cannot be the snapshot's path: {e.strerror}",
                    "choose a shorter path",
                ) from None
        if self.out.is_symlink():
            # The snapshot goes where the link points: renamed into place, it would replace
            # the link itself and leave the link, moved aside, as a stray `.NAME.old-*`.
            self.out = Path(os.path.realpath(self.out))
        self.config = config
        self.schema = schema
        self.before_swap = before_swap
        self.manifest: dict[str, Any] | None = None
        self._futures: dict[str, Future[dict[str, Any]]] = {}
        self._failed = threading.Event()

    def __enter__(self) -> Writer:
        out = self.out
        inside = _enclosing_snapshot(out)
        if inside is not None:
            # Written there, it would be a stranger's directory to that snapshot: its next
            # rebuild would refuse to replace it (or, emptied by hand, take this one with it).
            raise SnapshotError(
                str(out),
                f"is inside the snapshot {inside}",
                "choose an output path outside it (beside it, say)",
            )
        refusal = _not_replaceable(out, self.schema) if out.exists() else None
        if refusal:
            raise SnapshotError(
                str(out),
                f"{refusal}, refusing to replace it",
                "choose another output path, or move it (or those files) away",
            )

        def cannot(e: OSError) -> SnapshotError:
            what = "exists and is not a directory" if e.errno == errno.EEXIST else e.strerror
            where = f" ({e.filename} {what})" if e.filename else ""
            return SnapshotError(
                str(out), f"cannot create the snapshot directory{where}", _fix(out, e)
            )

        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise cannot(e) from None
        # Until the clean-up below is armed, a stop (Ctrl-C) would leave tmp: held till then,
        # and raised again there (a stop beats a failure, as everywhere: never exit 1).
        failed: OSError | None = None
        with held() as came:
            try:
                self.tmp = _make_dir(out.parent, f".{out.name}.tmp-")
            except OSError as e:
                failed = e
        self._claim: int | None = None
        try:
            if came:
                if failed is None and not callable(signal.getsignal(came[0])):
                    shutil.rmtree(self.tmp, ignore_errors=True)  # its default action: ends now
                signal.raise_signal(came[0])
            if failed is not None:
                raise cannot(failed) from None
            self._claim = _claim(self.tmp)
            _remove_abandoned(out, self.tmp)
            self._pool = ThreadPoolExecutor(max_workers=WRITE_THREADS)
            self._hasher = ThreadPoolExecutor(max_workers=WRITE_THREADS)
            self._encoder = ThreadPoolExecutor(max_workers=WRITE_THREADS)  # row groups
        except BaseException:
            if self._claim is not None:
                os.close(self._claim)
            if failed is None:
                shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        return self

    def add(self, name: str, frame: pl.DataFrame, json_stored: bool = False) -> None:
        """Start writing ``frame`` as table ``name`` (each table once).

        ``json_stored``: its JSON columns are in the ``stored_json`` form already (as
        ``build.generate`` hands its tables over), so they are not checked again.
        Raises the first failure of a table already written, so a build stops generating
        soon after its snapshot cannot be written.
        """
        if not hasattr(self, "_pool"):
            raise RuntimeError("Writer.add outside its with block")
        if self._failed.is_set():
            for table in self.schema.tables:  # the first failure in model order found finished
                future = self._futures.get(table.name)
                if future is not None and future.done():
                    error = future.exception()
                    if isinstance(error, OSError):
                        raise _write_error(self.out, error) from error
                    if error is not None and not isinstance(error, _Skipped):
                        raise error
        if name not in self.schema.table_names:
            raise SnapshotError(
                str(self.out),
                f"frames for tables not in the {self.schema.name} model: {[name]}",
                "drop them",
            )
        if name in self._futures:
            raise SnapshotError(str(self.out), f"table {name} was added twice", "add it once")
        table = self.schema.table(name)
        self._futures[name] = self._pool.submit(self._one, table, frame, json_stored)

    def _one(
        self, table: Table, source: pl.DataFrame | None, json_stored: bool = False
    ) -> dict[str, Any]:
        # After a failure, tables not yet started are skipped (the error is re-raised
        # from the failed table, in model order, on exit).
        if self._failed.is_set():
            raise _Skipped
        try:
            return self._write_table(table, source, json_stored)
        except BaseException:
            self._failed.set()
            raise

    def _write_table(
        self, table: Table, source: pl.DataFrame | None, json_stored: bool = False
    ) -> dict[str, Any]:
        try:
            if source is None:
                frame = pl.DataFrame(schema=polars_schema(table))
            else:
                frame = _prepare(table, source, json_stored)
        except (ValueError, pl.exceptions.PolarsError) as e:
            raise SnapshotError(
                str(self.out),
                f"table {table.name} does not fit the model: {one_line(str(e))}",
                "fix the frame (columns and types must match seedsnap.schema)",
            ) from None
        file = f"{table.name}.parquet"
        # The frame is prepared (conformed, JSON stored, in key order): its hash needs none
        # of that again, and runs beside the Parquet encoding (the last table of a build
        # would otherwise hash on one core after its write).
        legacy = FORMAT_VERSION < 2  # a format-1 writer stores JSON in the canonical form
        json_form = canonical_json if legacy else _as_is
        # Converted to Arrow once: the Parquet writer and the hash both read these buffers.
        data = frame.to_arrow().combine_chunks()
        digest = self._hasher.submit(_digest, table, frame, json_form, legacy, data)
        try:
            file_sha256 = _write_parquet(data, self.tmp / file, self._encoder)
        except BaseException:
            digest.cancel()
            raise
        return {
            "file": file,
            "rows": frame.height,
            "columns": table.column_names,
            "content_hash": digest.result(),
            "file_sha256": file_sha256,
        }

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        tmp, out, schema = self.tmp, self.out, self.schema
        try:
            if kind is not None:
                self._failed.set()
                self._pool.shutdown(wait=True, cancel_futures=True)
                return
            for table in schema.tables:
                if table.name not in self._futures:
                    self._futures[table.name] = self._pool.submit(self._one, table, None)
            futures = [self._futures[t.name] for t in schema.tables]
            errors = [f.exception() for f in futures]
            self._pool.shutdown(wait=True)
            first = next((e for e in errors if e is not None and not isinstance(e, _Skipped)), None)
            if first is not None:
                raise first
            entries = [f.result() for f in futures]
            tables = {t.name: e for t, e in zip(schema.tables, entries, strict=True)}
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema": {"name": schema.name, "fingerprint": schema.fingerprint},
                "config": self.config.to_dict(),
                "tables": tables,
                "totals": {
                    "tables": len(tables),
                    "rows": sum(t["rows"] for t in tables.values()),
                },
                "tools": tool_versions(),
            }
            manifest["seal"] = seal_of(manifest)
            with (tmp / MANIFEST).open("w", encoding="utf-8", newline="\n") as f:
                f.write(dump_manifest(manifest))
                f.flush()
                os.fsync(f.fileno())
            _fsync_dir(tmp)
            if self.before_swap is not None:
                self.before_swap(tmp)
            with held():  # the old snapshot is aside between two renames: not a moment to stop
                _swap_into_place(tmp, out)
            self.manifest = manifest
        except OSError as e:
            raise _write_error(out, e) from e
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._hasher.shutdown(wait=True, cancel_futures=True)
            self._encoder.shutdown(wait=True, cancel_futures=True)
            if self.manifest is None:
                shutil.rmtree(tmp, ignore_errors=True)
            if self._claim is not None:
                os.close(self._claim)


# A temporary snapshot directory is held by the build writing it (an flock on the directory,
# which the system lets go of when that process ends, killed or not). One nobody holds, and
# untouched for this long, was left by a build that died: the next build to the same place
# removes it, and an old snapshot a build moved aside and died before removing.
ABANDONED_AFTER_S = 60


def _make_dir(parent: Path, prefix: str) -> Path:
    """A new directory ``parent/prefix<random>``, made as ``mkdir`` makes one (mode 0777 less
    the umask): ``tempfile.mkdtemp`` makes it 0700, and renamed into place that would keep
    a snapshot from whoever else reads it (a CI job, a database server, a colleague)."""
    for _ in range(100):
        path = parent / f"{prefix}{secrets.token_hex(4)}"  # a name, not data: nothing keyed
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(parent / prefix))


def _claim(tmp: Path) -> int | None:
    """Hold ``tmp`` for this build: the open descriptor to close when done, or None where the
    platform or file system has no flock (abandoned directories are then left alone)."""
    try:
        import fcntl
    except ImportError:
        return None
    fd = os.open(tmp, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # just made: nobody else holds it
    except OSError:
        os.close(fd)
        return None
    return fd


def _remove_abandoned(out: Path, mine: Path) -> None:
    """Remove what builds of ``out`` that died left next to it (best effort: never fails).

    Their age is told by the file system's timestamps (against ``mine``, just made), not by
    reading the clock.
    """
    try:
        import fcntl

        now = mine.stat().st_mtime
    except (ImportError, OSError):
        return
    name = glob.escape(out.name)
    for left in [*out.parent.glob(f".{name}.tmp-*"), *out.parent.glob(f".{name}.old-*")]:
        try:
            if left == mine or not left.is_dir() or now - left.stat().st_mtime < ABANDONED_AFTER_S:
                continue
            fd = os.open(left, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a running build holds it (or the file system cannot tell: keep it)
        else:
            shutil.rmtree(left, ignore_errors=True)
        finally:
            os.close(fd)


def _write_error(out: Path, e: OSError) -> SnapshotError:
    """The one-line error for a snapshot that could not be written (the temporary directory
    is removed either way)."""
    return SnapshotError(str(out), f"cannot write the snapshot: {e.strerror or e}", _fix(out, e))


def _fix(out: Path, e: OSError) -> str:
    """What to do about ``e``, met writing the snapshot at ``out``."""
    if e.errno == errno.ENOSPC:
        return f"free some space on the disk of {out.parent} and build again"
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"check that {out.parent} is writable (and {out}, if it exists)"
    return "check the output directory and build again"


# What a file manager leaves in a directory it showed (macOS Finder, Windows Explorer): not a
# user's file, so it does not keep a snapshot from being rebuilt.
FILE_MANAGER_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _enclosing_snapshot(out: Path) -> Path | None:
    """The seedsnap snapshot directory that ``out`` would be written inside, or None."""
    try:
        parents = out.resolve().parents
    except (OSError, RuntimeError):  # a symlink loop: the write says what is wrong
        return None
    for parent in parents:
        manifest = parent / MANIFEST
        try:
            if not manifest.is_file():
                continue
            doc = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("format") == FORMAT:
            return parent
    return None


def _not_replaceable(path: Path, schema: Schema) -> str | None:
    """Why ``path`` may not be replaced by a new snapshot, or None: it must be an empty
    directory or a seedsnap snapshot, holding only a seedsnap manifest and table files
    (anything else in it would be deleted with it)."""
    if not path.is_dir():
        return "exists and is not a directory"
    names = {p.name for p in path.iterdir()}
    if not names:
        return None
    if MANIFEST not in names:
        return "exists and is not a seedsnap snapshot (no manifest.json)"
    try:
        doc = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = None
    if not isinstance(doc, dict) or not {"format_version", "tables"} <= doc.keys():
        return "has a manifest.json that is not a seedsnap manifest"
    ours = {MANIFEST} | {f"{t}.parquet" for t in schema.table_names}
    others = sorted(names - ours - FILE_MANAGER_FILES)
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        return f"is a snapshot that also holds files seedsnap did not write ({shown})"
    return None


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the complete ``tmp`` to ``out``; an old ``out`` is moved aside, then removed.

    POSIX cannot atomically exchange two directories without renameat2, so between the two
    renames ``out`` is briefly absent; at no point does it hold a partial snapshot.
    """
    old: Path | None = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    _fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Read and verify


@dataclass
class Snapshot:
    """A snapshot on disk whose manifest has been validated; frames are read lazily."""

    path: Path
    manifest: dict[str, Any]
    schema: Schema = MENTARA
    verify_content: bool = True
    _frames: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @property
    def table_names(self) -> list[str]:
        """The snapshot's tables in the schema's load (foreign-key) order."""
        return [t for t in self.schema.load_order if t in self.manifest["tables"]]

    @property
    def config(self) -> dict[str, Any]:
        """The resolved build config recorded in the manifest (``Config.to_dict`` form)."""
        config: dict[str, Any] = self.manifest["config"]
        return config

    def _entry(self, table: str) -> dict[str, Any]:
        if table not in self.manifest["tables"]:
            raise SnapshotError(
                str(self.path / MANIFEST),
                f"no table {table!r} in the snapshot",
                f"use one of {', '.join(self.schema.table_names[:3])}, …",
            )
        entry: dict[str, Any] = self.manifest["tables"][table]
        return entry

    def parquet_path(self, table: str) -> Path:
        """Path of ``table``'s Parquet file (derived from the validated table name)."""
        self._entry(table)
        return self.path / f"{table}.parquet"

    def rows(self, table: str) -> int:
        rows: int = self._entry(table)["rows"]
        return rows

    def content_hash(self, table: str) -> str:
        digest: str = self._entry(table)["content_hash"]
        return digest

    def frame(self, table: str) -> pl.DataFrame:
        """``table``'s rows with the model's dtypes; read once, verified against the manifest."""
        if table not in self._frames:
            self._frames[table] = _load_frame(self, table, check_hash=self.verify_content)
        return self._frames[table]

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every table's frame, in load order."""
        return {t: self.frame(t) for t in self.table_names}


def _load_frame(snap: Snapshot, table: str, *, check_hash: bool) -> pl.DataFrame:
    path = snap.parquet_path(table)
    model = snap.schema.table(table)
    entry = snap._entry(table)
    if not path.is_file():
        raise SnapshotError(str(path), "Parquet file is missing", REBUILD)
    _readable(path)
    try:
        raw = pl.read_parquet(path, glob=False)
    except Exception as e:  # any decoder failure (polars, arrow, OS) means a corrupt file
        raise _undecodable(path, e) from None
    if raw.columns != model.column_names:
        raise SnapshotError(str(path), _column_difference(raw.columns, model.column_names), REBUILD)
    # Each column as the writer stores it: a type that merely casts (numbers where text
    # belongs) is a file that seedsnap did not write, whatever hash came with it.
    want = polars_schema(model)
    retyped = [
        f"{c} is {raw.schema[c]}, not {want[c]}" for c in raw.columns if raw.schema[c] != want[c]
    ]
    if retyped:
        raise SnapshotError(
            str(path),
            "column type(s) differ from the model's: " + _first(retyped),
            f"the file was not written by seedsnap; {REBUILD}",
        )
    frame = raw  # of the model's types exactly (above)
    if frame.height != entry["rows"]:
        raise SnapshotError(
            str(path),
            f"has {frame.height} rows, the manifest says {entry['rows']}",
            CHANGED,
        )
    if check_hash:
        check_content(snap, table, frame)
        _check_keys(path, model, frame)
    if snap.manifest["format_version"] < 2:
        # Format 1 stored JSON in the hash's compact form: read it as format 2 stores it.
        frame = store_json(model, frame)
    return frame


def _first(items: list[str], shown: int = 3) -> str:
    """The first ``shown`` of ``items``, and how many more there are."""
    more = f" (+{len(items) - shown} more)" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _column_difference(columns: list[str], model: list[str]) -> str:
    """What differs between a file's ``columns`` and the ``model``'s, by name: the list of
    forty names is no help in finding the one renamed."""
    missing = [c for c in model if c not in columns]
    extra = [c for c in columns if c not in model]
    parts = []
    if missing:
        parts.append(f"column(s) missing: {_first(missing)}")
    if extra:
        parts.append(f"column(s) not in the model: {_first(extra)}")
    if not parts:
        return f"columns are in another order than the model's ({', '.join(model[:3])}, …)"
    return "; ".join(parts)


def _check_keys(path: Path, table: Table, frame: pl.DataFrame) -> None:
    """Refuse a frame in which two rows share a primary key: the writer never makes one, and
    a database would refuse it half way through a load (and `check`'s rules, which take each
    key for one row, cannot run on it)."""
    pk = list(table.primary_key)
    if frame.height < 2 or not pk:
        return
    keys = frame.select(pk)
    dup = keys.filter(keys.is_duplicated())
    if dup.height:
        first = ", ".join(f"{c}={dup.item(0, c)!r}" for c in pk)
        raise SnapshotError(
            str(path),
            f"{dup.height} rows share a primary key ({first} is one)",
            f"the file was not written by seedsnap; {REBUILD}",
        )


def check_content(snap: Snapshot, table: str, frame: pl.DataFrame) -> None:
    """Raise a SnapshotError naming the file unless ``frame``, ``table`` as read from ``snap``,
    has the manifest's content hash. A format-1 frame's JSON may be in either form: its hash
    puts every value in the canonical form first."""
    path = snap.parquet_path(table)
    expected = snap._entry(table)["content_hash"]
    model, version = snap.schema.table(table), snap.manifest["format_version"]
    try:
        # The files hold JSON in the stored form: hashed as it is first, a third faster; put
        # in that form (what the hash is defined on) only when that does not match.
        digest = content_hash(model, frame, version, json_stored=True) if version >= 2 else ""
        if digest == expected:
            return
        if not digest or JSONB in {c.type for c in model.columns}:  # else the same hash again
            digest = content_hash(model, frame, version)
    except ValueError as e:
        raise SnapshotError(
            str(path), f"corrupt content ({one_line(str(e))[:200]})", REBUILD
        ) from None
    if digest != expected:
        raise SnapshotError(
            str(path),
            f"content hash {digest[:19]}… does not match the manifest's {expected[:19]}…",
            CHANGED,
        )


def _not_a_snapshot(path: Path, what: str) -> SnapshotError:
    return SnapshotError(
        str(path),
        f"is not a snapshot directory ({what})",
        "give the directory of a snapshot (`seedsnap build --out DIR` writes one)",
    )


def _load_manifest(path: Path, schema: Schema) -> dict[str, Any]:
    """The parsed manifest after every structural, format and schema check."""
    mpath = path / MANIFEST
    where = str(mpath)
    if not path.is_dir():
        what = "is a file" if path.exists() else "does not exist"
        raise _not_a_snapshot(path, what)
    try:
        text = mpath.read_text(encoding="utf-8")
    except FileNotFoundError:
        # A directory without a single table file is some other directory (a typo, the
        # parent of the snapshot), not a snapshot to rebuild.
        if not any((path / f"{t}.parquet").exists() for t in schema.table_names):
            raise _not_a_snapshot(path, "has no manifest.json") from None
        raise SnapshotError(where, "manifest is missing", REBUILD) from None
    except OSError as e:
        raise _cannot_read(mpath, e) from None
    except UnicodeDecodeError as e:
        raise SnapshotError(
            where, f"cannot read the manifest ({one_line(str(e))})", REBUILD
        ) from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise SnapshotError(where, f"invalid JSON ({e})", REBUILD) from None
    if not isinstance(manifest, dict):
        raise SnapshotError(where, "manifest is not a JSON object", REBUILD)
    if manifest.get("format") != FORMAT:
        raise SnapshotError(
            where,
            f"unknown format {manifest.get('format')!r} (a seedsnap manifest says {FORMAT!r})",
            REBUILD,
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError(where, f"invalid format_version {version!r}", REBUILD)
    if version > FORMAT_VERSION:
        raise SnapshotError(
            where,
            f"format_version {version} was built by a newer seedsnap "
            f"(this one reads up to {FORMAT_VERSION})",
            "upgrade seedsnap",
        )
    for key, kind in (("schema", dict), ("config", dict), ("tables", dict), ("tools", dict)):
        if not isinstance(manifest.get(key), kind):
            raise SnapshotError(
                where, f"malformed manifest: {key!r} missing or not an object", REBUILD
            )
    _check_config(where, manifest["config"])
    fingerprint = manifest["schema"].get("fingerprint")
    if fingerprint != schema.fingerprint:
        raise SnapshotError(
            where,
            f"built for schema fingerprint {str(fingerprint)[:12]}…, "
            f"but this seedsnap's {schema.name} model is {schema.fingerprint[:12]}…",
            REBUILD_HERE,
        )
    tables = manifest["tables"]
    for name, entry in tables.items():
        _check_entry(where, schema, name, entry)
    missing = [t for t in schema.table_names if t not in tables]
    if missing:
        raise SnapshotError(where, f"tables missing from the manifest: {missing}", REBUILD)
    return manifest


def _config_problem(config: dict[str, Any]) -> str | None:
    """What is wrong with a manifest's build config, or None: `check` takes its anchor and
    minimums for its rules, `show` prints the rest, so a value of the wrong type would fail
    there as a bad option of the user's own (`bad anchor time ...; give ...`)."""
    anchor = config.get("anchor")
    try:
        datetime.fromisoformat(str(anchor).replace("Z", "+00:00"))
        ok = isinstance(anchor, str)
    except ValueError:
        ok = False
    if anchor is None:
        return "has no anchor"
    if not ok:
        return f"anchor {anchor!r} is not an ISO-8601 time"
    minimums = config.get("minimums")
    if not isinstance(minimums, dict) or not all(isinstance(v, dict) for v in minimums.values()):
        return "minimums is not an object of objects"
    for entity, reqs in minimums.items():
        for name, n in reqs.items():
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                return f"minimum {entity}.{name} {n!r} is not a whole number of 0 or more"
    kinds: dict[str, tuple[type, ...]] = {"mode": (str,), "seed": (int,), "scale": (int, float)}
    for key, kind in kinds.items():
        value = config.get(key)
        if key in config and (not isinstance(value, kind) or isinstance(value, bool)):
            what = {"mode": "text", "seed": "a whole number"}.get(key, "a number")
            return f"{key} {value!r} is not {what}"
    if not isinstance(config.get("volumes", {}), dict):
        return "volumes is not an object"
    return None


def _check_config(where: str, config: dict[str, Any]) -> None:
    problem = _config_problem(config)
    if problem is not None:
        raise SnapshotError(where, f"malformed manifest: config {problem}", EDITED)


def _check_totals(path: Path, manifest: dict[str, Any]) -> None:
    """The manifest's totals agree with its tables: derived, but `build` prints them and a
    reader may trust them, so an edit that leaves them disagreeing is refused too (after the
    tables' own counts, whose error names the file that was edited)."""
    tables = manifest["tables"]
    totals = manifest.get("totals")
    rows = sum(entry["rows"] for entry in tables.values())
    if totals is not None and totals != {"rows": rows, "tables": len(tables)}:
        raise SnapshotError(
            str(path / MANIFEST),
            f"totals {json.dumps(totals, sort_keys=True)} disagree with the tables "
            f"({rows} rows in {len(tables)} tables)",
            EDITED,
        )


def _check_entry(where: str, schema: Schema, name: str, entry: Any) -> None:
    if not name or set(name) & _UNSAFE_NAME_CHARS or name in (".", ".."):
        raise SnapshotError(
            where, f"unsafe table name {name!r}", f"the manifest was tampered with; {REBUILD}"
        )
    if name not in schema:
        raise SnapshotError(where, f"table {name!r} is not in the {schema.name} model", EDITED)
    if not isinstance(entry, dict):
        raise SnapshotError(where, f"malformed entry for table {name}", EDITED)
    if entry.get("file") != f"{name}.parquet":
        raise SnapshotError(
            where, f"table {name}: file {entry.get('file')!r} is not {name}.parquet", EDITED
        )
    rows = entry.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise SnapshotError(where, f"table {name}: invalid row count {rows!r}", EDITED)
    for key in ("content_hash", "file_sha256"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.startswith("sha256:") or len(value) != 71:
            raise SnapshotError(where, f"table {name}: invalid {key} {value!r}", EDITED)
    model_columns = schema.table(name).column_names
    if entry.get("columns") != model_columns:
        raise SnapshotError(
            where,
            f"table {name}: columns {entry.get('columns')} differ from the model's {model_columns}",
            REBUILD_HERE,
        )


def read(path: str | Path, *, verify: bool = True, schema: Schema = MENTARA) -> Snapshot:
    """Open the snapshot at ``path``.

    Always validates the manifest (format, version, schema fingerprint, table names and
    columns). With ``verify`` (the default) it also checks every file's bytes and row count
    (from the Parquet footer, nothing decoded) against the manifest, and every frame read
    later against its content hash. The function ``verify`` decodes and checks every table
    at once.
    """
    root = Path(path)
    manifest = _load_manifest(root, schema)
    snap = Snapshot(root, manifest, schema, verify_content=verify)
    if verify:
        for table in snap.table_names:
            file = snap.parquet_path(table)
            if not file.is_file():
                raise SnapshotError(str(file), "Parquet file is missing", REBUILD)
            expected = snap._entry(table)["file_sha256"]
            try:
                digest = _file_sha256(file)
            except OSError as e:
                raise _cannot_read(file, e) from None
            if digest != expected:
                raise SnapshotError(
                    str(file),
                    "file bytes do not match the manifest's file_sha256",
                    CHANGED,
                )
            rows = _footer_rows(file)
            if rows != snap.rows(table):
                raise SnapshotError(
                    str(file),
                    f"has {rows} rows, the manifest says {snap.rows(table)}",
                    EDITED,
                )
        _check_totals(root, manifest)
        _check_seal(root, manifest)
    return snap


def _footer_rows(path: Path) -> int:
    """The row count a Parquet file's footer gives (no data page is read)."""
    _readable(path)
    try:
        rows: int = pl.scan_parquet(path, glob=False).select(pl.len()).collect().item()
    except Exception as e:  # any decoder failure (polars, OS) means a corrupt file
        raise _undecodable(path, e) from None
    return rows


def _undecodable(path: Path, e: BaseException) -> SnapshotError:
    return SnapshotError(str(path), f"cannot decode Parquet ({one_line(str(e))[:200]})", REBUILD)


def verify(path: str | Path, schema: Schema = MENTARA) -> dict[str, Any]:
    """Fully verify the snapshot at ``path`` (bytes and decoded content); return its manifest."""
    snap = read(path, verify=True, schema=schema)
    verify_content(snap)
    return snap.manifest


def verify_content(snap: Snapshot) -> None:
    """Decode every table of ``snap`` and check it against its manifest entry (content hash)."""
    for table in snap.table_names:
        # Not via snap.frame: a full verify must not keep every table in memory.
        _load_frame(snap, table, check_hash=True)


def not_of_the_mode(cfg: Mapping[str, Any]) -> list[str]:
    """``volumes.k=v`` and ``minimums.entity.name=n`` of a manifest's configuration that its
    mode (at its scale) does not give: what a seedsnap.toml, SEEDSNAP_MIN_* or --min set,
    a count as given before the scale (``Config.overrides``)."""
    from seedsnap.config import MODE_NAMES, Config, shown

    mode = cfg.get("mode")
    if mode not in MODE_NAMES:
        return []
    try:
        config = Config(
            mode=mode,
            scale=float(cfg.get("scale", 1.0)),
            volumes=dict(cfg.get("volumes", {})),
            minimums={e: dict(reqs) for e, reqs in dict(cfg.get("minimums", {})).items()},
        )
        return [f"{key}={shown(value)}" for key, value, _ in config.overrides()]
    except (TypeError, ValueError, AttributeError, ZeroDivisionError):
        return []  # a manifest of another shape: say nothing


def render_manifest(snap: Snapshot) -> str:
    """A human summary of ``snap``: header lines, then one line per table in load order."""
    m = snap.manifest
    cfg = m["config"]
    lines = [
        f"snapshot  {snap.path}  (format {m['format']} v{m['format_version']}, "
        f"schema {m['schema'].get('name')} {str(m['schema']['fingerprint'])[:12]})",
        "config    "
        + " ".join(f"{k}={cfg[k]}" for k in ("mode", "seed", "scale", "anchor") if k in cfg),
        "tools     " + ", ".join(f"{k} {v}" for k, v in sorted(m["tools"].items())),
        "",
    ]
    changed = not_of_the_mode(cfg)
    if changed:
        # Two builds of one mode and seed differ by these alone: name them beside the config.
        lines.insert(2, "overrides " + ", ".join(changed))
    width = max(len(t) for t in [*snap.table_names, "table"])
    lines.append(f"{'table':<{width}}  {'rows':>9}  {'columns':>7}  content hash")
    for t in snap.table_names:
        e = m["tables"][t]
        lines.append(
            f"{t:<{width}}  {e['rows']:>9,}  {len(e['columns']):>7}  {e['content_hash'][:19]}"
        )
    total = sum(m["tables"][t]["rows"] for t in snap.table_names)
    # Counts grouped as `load`, `diff` and `build` print them (4,436, not 4436).
    lines.append(f"{f'total ({len(snap.table_names)} tables)':<{width}}  {total:>9,}")
    return "\n".join(lines) + "\n"
