"""One Parquet file from parts encoded on several threads, byte for byte as one writer makes it.

pyarrow's writer encodes and compresses a table's row groups one after another on one
thread: the largest table of a heavy build (Notification, four row groups) is written on
one core at the very end of the build while the other idles. A row group's column chunks
do not depend on where in the file they land (a page header holds no offset), so each row
group can be written alone, as a file of its own, at once on several threads; ``join``
then lays their column chunks end to end and writes the one footer (Thrift compact
protocol, ``FileMetaData``) the single writer would have written: the parts' footers with
their row groups' offsets moved to where the chunks now lie, their ordinals numbered, and
the row counts added up.

The footers are decoded and encoded by a generic Thrift compact codec (field ids and types
only, no Parquet schema), and a part is only joined if its footer encodes back to the very
bytes it was read from and agrees with the first part's on everything but its row group;
``join`` returns None otherwise, and the caller writes the table in one piece.
"""

from __future__ import annotations

import struct
from typing import Any

MAGIC = b"PAR1"

# Thrift compact protocol type codes (TRUE / FALSE carry a boolean field's value).
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(
    13
)
_INTS = (_I16, _I32, _I64)

# Field ids of the Parquet footer (parquet.thrift) that say where a row group lies.
_FILE_NUM_ROWS, _FILE_ROW_GROUPS = 3, 4
_GROUP_COLUMNS, _GROUP_FILE_OFFSET, _GROUP_ORDINAL = 1, 5, 7
_CHUNK_FILE_OFFSET, _CHUNK_META = 2, 3
_CHUNK_INDEX_OFFSETS = (4, 6)  # offset and column index: none, as the page index is off
# ColumnMetaData: data_page_offset, index_page_offset, dictionary_page_offset,
# bloom_filter_offset.
_META_OFFSETS = (9, 10, 11, 14)

# A decoded struct: [field id, type, value] per field, in the order written.
Fields = list[list[Any]]


class _Reader:
    """Thrift compact protocol values read from ``data`` in order."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        b = self.data[self.at]
        self.at += 1
        return b

    def varint(self) -> int:
        shift = value = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    def zigzag(self) -> int:
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def value(self, kind: int) -> Any:
        if kind in (_TRUE, _FALSE):  # an element of a list: one byte
            return self.byte() == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in _INTS:
            return self.zigzag()
        if kind == _DOUBLE:
            self.at += 8
            return self.data[self.at - 8 : self.at]
        if kind == _BINARY:
            n = self.varint()
            self.at += n
            return self.data[self.at - n : self.at]
        if kind in (_LIST, _SET):
            head = self.byte()
            n, element = head >> 4, head & 0x0F
            if n == 15:
                n = self.varint()
            return [element, [self.value(element) for _ in range(n)]]
        if kind == _MAP:
            n = self.varint()
            types = self.byte() if n else 0
            pairs = [(self.value(types >> 4), self.value(types & 0x0F)) for _ in range(n)]
            return [types, pairs]
        if kind == _STRUCT:
            return self.struct()
        raise ValueError(f"unknown Thrift compact type {kind}")

    def struct(self) -> Fields:
        fields: Fields = []
        last = 0
        while (head := self.byte()) != _STOP:
            delta, kind = head >> 4, head & 0x0F
            field = last + delta if delta else self.zigzag()
            value = kind == _TRUE if kind in (_TRUE, _FALSE) else self.value(kind)
            fields.append([field, kind, value])
            last = field
        return fields


def _varint(out: bytearray, v: int) -> None:
    while v > 0x7F:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)


def _zigzag(out: bytearray, v: int) -> None:
    _varint(out, (v << 1) ^ (v >> 63))


def _value(out: bytearray, kind: int, value: Any) -> None:
    if kind in (_TRUE, _FALSE):
        out.append(_TRUE if value else _FALSE)
    elif kind == _BYTE:
        out.append(value)
    elif kind in _INTS:
        _zigzag(out, value)
    elif kind == _DOUBLE:
        out += value
    elif kind == _BINARY:
        _varint(out, len(value))
        out += value
    elif kind in (_LIST, _SET):
        element, items = value
        if len(items) < 15:
            out.append(len(items) << 4 | element)
        else:
            out.append(0xF0 | element)
            _varint(out, len(items))
        for item in items:
            _value(out, element, item)
    elif kind == _MAP:
        types, pairs = value
        _varint(out, len(pairs))
        if pairs:
            out.append(types)
        for k, v in pairs:
            _value(out, types >> 4, k)
            _value(out, types & 0x0F, v)
    elif kind == _STRUCT:
        _struct(out, value)
    else:
        raise ValueError(f"unknown Thrift compact type {kind}")


def _struct(out: bytearray, fields: Fields) -> None:
    last = 0
    for field, kind, value in fields:
        if kind in (_TRUE, _FALSE):
            kind = _TRUE if value else _FALSE
        if 0 < field - last <= 15:
            out.append((field - last) << 4 | kind)
        else:
            out.append(kind)
            _zigzag(out, field)
        if kind not in (_TRUE, _FALSE):
            _value(out, kind, value)
        last = field
    out.append(_STOP)


def encode(fields: Fields) -> bytes:
    """The Thrift compact encoding of a decoded struct."""
    out = bytearray()
    _struct(out, fields)
    return bytes(out)


def decode(data: bytes) -> Fields:
    """The struct Thrift-compact-encoded in ``data`` (and nothing after it)."""
    reader = _Reader(data)
    fields = reader.struct()
    if reader.at != len(data):
        raise ValueError("bytes after the struct")
    return fields


def _field(fields: Fields, field: int) -> list[Any] | None:
    return next((f for f in fields if f[0] == field), None)


def _split(part: memoryview) -> tuple[memoryview, Fields] | None:
    """A one-row-group Parquet file's column chunks and decoded footer (None when the footer
    does not encode back to its own bytes, or holds other than one row group)."""
    size = int.from_bytes(part[-8:-4], "little") if len(part) >= 12 else 0
    if bytes(part[:4]) != MAGIC or bytes(part[-4:]) != MAGIC or len(part) < size + 12:
        return None
    footer = bytes(part[-8 - size : -8])
    try:
        meta = decode(footer)
    except (ValueError, IndexError):
        return None
    groups = _field(meta, _FILE_ROW_GROUPS)
    if encode(meta) != footer or groups is None or len(groups[2][1]) != 1:
        return None
    return part[4 : -8 - size], meta


def _moved(group: Fields, by: int, ordinal: int) -> Fields | None:
    """A row group's footer entry with its offsets moved ``by`` bytes and its ``ordinal``
    (None if it has offsets this module does not know how to move)."""
    for f in group:
        if f[0] == _GROUP_FILE_OFFSET:
            f[2] += by
        elif f[0] == _GROUP_ORDINAL:
            f[2] = ordinal
    columns = _field(group, _GROUP_COLUMNS)
    for chunk in columns[2][1] if columns else []:
        for f in chunk:
            if f[0] in _CHUNK_INDEX_OFFSETS:
                return None
            if f[0] == _CHUNK_FILE_OFFSET and f[2]:  # 0: not set (parquet-cpp writes 0)
                f[2] += by
        meta = _field(chunk, _CHUNK_META)
        for f in meta[2] if meta else []:
            if f[0] in _META_OFFSETS:
                f[2] += by
    return group


def join(parts: list[memoryview]) -> list[bytes | memoryview] | None:
    """The bytes of the one Parquet file whose row groups are those of ``parts`` (each a
    Parquet file of one row group, written with the same schema and settings), in order, as
    pieces to write one after the other; None if a part's footer is not as expected."""
    split = [_split(memoryview(p)) for p in parts]
    if not split or any(s is None for s in split):
        return None
    chunks = [s[0] for s in split if s is not None]
    metas = [s[1] for s in split if s is not None]

    def rest(meta: Fields) -> Fields:
        return [f for f in meta if f[0] not in (_FILE_NUM_ROWS, _FILE_ROW_GROUPS)]

    if any(rest(m) != rest(metas[0]) for m in metas[1:]):
        return None
    groups, at = [], len(MAGIC)
    for ordinal, (chunk, meta) in enumerate(zip(chunks, metas, strict=True)):
        entry = _field(meta, _FILE_ROW_GROUPS)
        assert entry is not None  # _split checked it
        group = _moved(entry[2][1][0], at - len(MAGIC), ordinal)
        if group is None:
            return None
        groups.append(group)
        at += len(chunk)
    merged = []
    for field, kind, value in metas[0]:
        if field == _FILE_NUM_ROWS:
            num_rows = sum(_field(m, _FILE_NUM_ROWS)[2] for m in metas)  # type: ignore[index]
            merged.append([field, kind, num_rows])
        elif field == _FILE_ROW_GROUPS:
            merged.append([field, kind, [value[0], groups]])
        else:
            merged.append([field, kind, value])
    footer = encode(merged)
    return [MAGIC, *chunks, footer, struct.pack("<I", len(footer)), MAGIC]
