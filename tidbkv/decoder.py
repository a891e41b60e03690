"""Decoding stored KV pairs back into column values, for verification and the playground.

``RowDecoder(table, time_zone="UTC")`` turns a record KV into ``{column name: value}`` and
index keys into their values:

* ``decode_record(key, value)`` — every public, non-hidden column; the handle column (int PK)
  and clustered PK columns left out of the value come from the key; columns absent from the
  value read as their origin default (set by ``ALTER TABLE ADD COLUMN ... DEFAULT``) or None.
* ``decode_record_datums(key, value)`` — the same as ``{column id: Datum}``.
* ``decode_handle(key)`` — ``int`` handle or common-handle ``bytes``.
* ``decode_index_key(key)`` — ``(table_id, index_id, values, handle)``; values of strings whose
  collation changes them are the sort-key bytes (the original lives in the index value);
  handle is None for a distinct unique index (it is in the value).
* ``decode_index(key, value)`` — ``(table_id, index_id, values, handle)`` with strings
  restored from the value's restored data and the handle from wherever it is stored.

Python value per column type (``to_python``): integer types and YEAR → ``int``; FLOAT /
DOUBLE → ``float``; DECIMAL → ``decimal.Decimal`` with the column's scale; CHAR / VARCHAR /
TEXT → ``str``; BINARY / VARBINARY / BLOB → ``bytes``; DATE → ``datetime.date``; DATETIME /
TIMESTAMP → ``datetime.datetime`` (TIMESTAMP in the decoder's time zone); zero or impossible
dates → their text (``'0000-00-00'``, ``'0000-00-00 00:00:00'``); TIME →
``datetime.timedelta``; ENUM / SET → ``str``; BIT → ``bytes`` (big-endian, ``(M+7)//8``);
JSON → ``str`` in MySQL's JSON text form.

Public API: ``RowDecoder``, ``to_python``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from tidbkv import mysqltypes as m
from tidbkv.cast import DefaultValueError, origin_default_datum
from tidbkv.codec import INT_HANDLE_FLAG, decode_int, decode_key
from tidbkv.collate import get_collator
from tidbkv.datum import NULL, Datum, Kind
from tidbkv.errors import DecodeError
from tidbkv.index import decode_index_kv
from tidbkv.json_binary import json_to_text
from tidbkv.keys import (
    INDEX_PREFIX_SEP,
    cut_index_key,
    decode_key_head,
    decode_record_key,
)
from tidbkv.mytime import duration_to_timedelta, resolve_time_zone
from tidbkv.rowcodec import decode_row, unflatten
from tidbkv.schema import ColumnInfo, FieldType, IndexInfo, TableInfo


def to_python(d: Datum, ft: FieldType) -> Any:
    """The Python value of a typed datum of a column of type ``ft`` (see module docstring)."""
    k = d.kind
    if k == Kind.NULL:
        return None
    if k in (Kind.INT64, Kind.UINT64):
        return int(d.value)
    if k in (Kind.FLOAT32, Kind.FLOAT64):
        return float(d.value)
    if k == Kind.DECIMAL:
        return d.value
    if k in (Kind.STRING, Kind.BYTES):
        if ft.collate == "binary" or ft.charset == "binary":
            return bytes(d.value)
        return bytes(d.value).decode("utf-8", "replace")
    if k == Kind.TIME:
        t = d.value
        if t.is_valid_calendar_date:
            if ft.tp == m.TYPE_DATE:
                return t.to_date()
            return t.to_datetime()
        if t.is_zero:
            return "0000-00-00" if ft.tp == m.TYPE_DATE else "0000-00-00 00:00:00"
        return str(t)
    if k == Kind.DURATION:
        return duration_to_timedelta(int(d.value))
    if k in (Kind.ENUM, Kind.SET):
        return d.value.name
    if k in (Kind.BIT, Kind.BINARY_LITERAL):
        return bytes(d.value)
    if k == Kind.JSON:
        return json_to_text(d.value)
    raise DecodeError("datum", b"", f"no Python value for kind {k}")


class RowDecoder:
    """Decodes one table's record and index KVs (see module docstring)."""

    def __init__(self, table: TableInfo, time_zone: str | _dt.tzinfo | None = "UTC") -> None:
        self.table = table
        self.tz = resolve_time_zone(time_zone)
        self.columns = [c for c in table.columns if c.state == m.STATE_PUBLIC and not c.hidden]
        self._fts = {c.id: c.field_type for c in table.columns}
        self._by_offset = {c.offset: c for c in table.columns}
        self._handle_col = table.handle_column
        pk = table.primary_index if table.is_common_handle else None
        self._pk_cols: list[ColumnInfo] = (
            [self._by_offset[ic.offset] for ic in pk.columns] if pk else []
        )
        self._defaults: dict[int, Datum] = {}
        self._indices = {i.id: i for i in table.indices}

    # -- records ----------------------------------------------------------------------

    def decode_handle(self, key: bytes) -> int | bytes:
        return decode_record_key(key)[1]

    def _origin_default(self, col: ColumnInfo) -> Datum:
        d = self._defaults.get(col.id)
        if d is None:
            try:
                d = origin_default_datum(col, time_zone=self.tz)
            except (DefaultValueError, ValueError):
                d = NULL
            self._defaults[col.id] = d
        return d

    def decode_record_datums(self, key: bytes, value: bytes) -> dict[int, Datum]:
        """``{column id: typed Datum}`` for every public column."""
        _, handle = decode_record_key(key)
        stored = decode_row(value, self._fts, self.tz)
        out: dict[int, Datum] = {}
        if isinstance(handle, int) and self._handle_col is not None:
            hc = self._handle_col
            hv = handle & 0xFFFFFFFFFFFFFFFF if hc.field_type.unsigned else handle
            out[hc.id] = Datum(Kind.UINT64 if hc.field_type.unsigned else Kind.INT64, hv)
        elif isinstance(handle, bytes) and self._pk_cols:
            for col, raw in zip(self._pk_cols, decode_key(handle), strict=False):
                if col.id not in stored:
                    out[col.id] = unflatten(raw, col.field_type, self.tz)
        for col in self.columns:
            if col.id in out:
                continue
            d = stored.get(col.id)
            out[col.id] = d if d is not None else self._origin_default(col)
        return out

    def decode_record(self, key: bytes, value: bytes) -> dict[str, object]:
        """``{column name: Python value}`` of one row."""
        datums = self.decode_record_datums(key, value)
        return {c.name: to_python(datums[c.id], c.field_type) for c in self.columns}

    # -- indexes ----------------------------------------------------------------------

    def index(self, index_id: int) -> IndexInfo:
        try:
            return self._indices[index_id]
        except KeyError:
            raise DecodeError(
                "index key", b"", f"table {self.table.name} has no index {index_id}"
            ) from None

    def index_value_of(self, raw: Datum, col: ColumnInfo) -> Any:
        """Python value of one index-key datum; collated strings stay sort-key bytes."""
        ft = col.field_type
        if raw.kind == Kind.NULL:
            return None
        if ft.tp in m.STRING_TYPES:
            coll = get_collator(ft.collate)
            if ft.collate == "binary" or coll.key(b"aA") == b"aA":
                return to_python(Datum(Kind.STRING, raw.value, ft.collate), ft)
            return bytes(raw.value)
        return to_python(unflatten(raw, ft, self.tz), ft)

    def decode_index_key(self, key: bytes) -> tuple[int, int, list[Any], int | bytes | None]:
        """``(table_id, index_id, values, handle)`` of an index key of this table."""
        if key[9:11] != INDEX_PREFIX_SEP:
            raise DecodeError("index key", key, "not an index key")
        table_id, index_id, _ = decode_key_head(key)
        idx = self.index(index_id)
        cols = [self._by_offset[ic.offset] for ic in idx.columns]
        parts, rest = cut_index_key(key, len(cols))
        values = []
        for part, col in zip(parts, cols, strict=True):
            values.append(self.index_value_of(decode_key(part)[0], col))
        handle: int | bytes | None = None
        if rest:
            if len(rest) == 9 and rest[0] == INT_HANDLE_FLAG and not self.table.is_common_handle:
                handle = decode_int(rest[1:])[0]
            else:
                handle = bytes(rest)
        return table_id, index_id, values, handle

    def decode_index(
        self, key: bytes, value: bytes
    ) -> tuple[int, int, list[Any], int | bytes | None]:
        """``(table_id, index_id, values, handle)`` of an index KV, strings restored."""
        table_id, index_id, _ = decode_key_head(key)
        idx = self.index(index_id)
        _, datums, handle = decode_index_kv(self.table, key, value, self.tz)
        cols = [self._by_offset[ic.offset] for ic in idx.columns]
        values = []
        for d, col in zip(datums, cols, strict=True):
            if d.kind == Kind.BYTES and col.field_type.tp in m.STRING_TYPES:
                d = Datum(Kind.STRING, d.value, col.field_type.collate)
            values.append(to_python(d, col.field_type))
        return table_id, index_id, values, handle
