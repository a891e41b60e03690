"""Index keys and values of a table's indexes (``tablecodec.GenIndexKey`` /
``GenIndexValuePortal``, ``table/tables/index.go``).

Index values come in three layouts, chosen as ``GenIndexValuePortal`` does:

* **old** (int handle, nothing to restore, not global): a distinct (unique, no NULL) index
  stores ``BE64(handle)``; any other index stores ``b"0"``.
* **version 0** (``genIndexValueVersion0``; int-handle and CommonHandleVersion-0 tables when
  an index column needs restored data, a distinct index of a v0 clustered table, or a global
  index)::

      tailLen | [0x7F len16 commonHandle] | [0x7E encode_int(pid)] | [row-v2 of all index
      columns] | tail (BE64 int handle if distinct, else zero padding up to 10 bytes)

* **version 1** (``GenIndexValueForClusteredIndexVersion1``; every CommonHandleVersion-1
  table)::

      0x00 0x7D 0x01 | [0x7F len16 commonHandle if distinct] | [0x7E pid if global]
      | [row-v2 restored data: non-PK index columns needing it (the value, or for ``*_bin``
        collations the trailing-space count as uint) + the PK columns needing it (value, or
        trailing-space count as int)]

A column "needs restored data" when new collation is on and it is a non-binary string whose
collation is not ``*_bin`` (or is ``*_bin`` on a VARCHAR), and not ``utf8mb4_0900_bin``.

Values passed to these functions are the datums of the index columns in index order, taken
from the row (``index_values_of``); prefix index columns are truncated here.

Public API: ``need_restored_data``, ``index_need_restored_data``, ``truncate_index_value``,
``truncate_index_values``, ``index_values_of``, ``is_distinct``, ``gen_index_key``,
``gen_index_value``, ``gen_index_kv``, ``try_get_handle_restored_data``,
``encode_handle_in_unique_index_value``, ``IndexValueSegments``, ``split_index_value``,
``get_index_version``, ``decode_index_kv``, ``decode_handle_in_index_value``,
``decode_handle_in_unique_index_value``, ``decode_index_handle``, ``index_kv_is_unique``,
``COMMON_HANDLE_FLAG``, ``PARTITION_ID_FLAG``, ``INDEX_VERSION_FLAG``, ``RESTORE_DATA_FLAG``,
``MAX_OLD_ENCODE_VALUE_LEN``, ``UNCOMMIT_INDEX_KV_FLAG``.

Under TiDB's names: ``GenIndexKey`` (with a ``TableInfo``) → ``gen_index_key``;
``GenIndexValuePortal`` → ``gen_index_value_portal`` (= ``gen_index_value``);
``GenIndexValueForClusteredIndexVersion1`` → ``gen_index_value_for_clustered_index_version1``;
``genIndexValueVersion0`` → ``gen_index_value_version0``; ``EncodeHandleInUniqueIndexValue`` →
``encode_handle_in_unique_index_value``; ``DecodeHandleInUniqueIndexValue`` /
``decodeHandleInIndexValue`` / ``DecodeIndexHandle`` → ``decode_handle_in_unique_index_value``
/ ``decode_handle_in_index_value`` / ``decode_index_handle``; ``SplitIndexValue`` /
``SplitIndexValueForClusteredIndexVersion1`` → ``split_index_value`` (both layouts);
``TruncateIndexValue(s)`` → ``truncate_index_value(s)``; ``types.NeedRestoredData`` →
``need_restored_data``; ``tables.NeedRestoredData`` → ``index_need_restored_data``;
``TryGetHandleRestoredDataWrapper`` → ``try_get_handle_restored_data_wrapper``;
``TryGetCommonPkColumnRestoredIds`` → ``try_get_common_pk_column_restored_ids``;
``IndexKVIsUnique`` → ``index_kv_is_unique``. A ``kv.Handle`` is an ``int`` (``IntHandle``) or
the encoded ``bytes`` of a ``CommonHandle``.
"""

from __future__ import annotations

import datetime as _dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from tidbkv import mysqltypes as m
from tidbkv.codec import INT_HANDLE_FLAG, decode_int, decode_one, encode_int
from tidbkv.collate import is_bin_collation, tail_space_count
from tidbkv.datum import Datum, Kind
from tidbkv.errors import DecodeError
from tidbkv.keys import Handle, cut_index_key, decode_key_head
from tidbkv.keys import gen_index_key as _gen_key
from tidbkv.rowcodec import decode_row, encode_row, unflatten
from tidbkv.schema import ColumnInfo, FieldType, IndexColumn, IndexInfo, TableInfo

COMMON_HANDLE_FLAG = 0x7F
PARTITION_ID_FLAG = 0x7E
INDEX_VERSION_FLAG = 0x7D
RESTORE_DATA_FLAG = 0x80
MAX_OLD_ENCODE_VALUE_LEN = 9
UNCOMMIT_INDEX_KV_FLAG = 0x31
_BE64 = struct.Struct(">Q")


def need_restored_data(ft: FieldType, new_collation: bool = True) -> bool:
    """``types.NeedRestoredData``."""
    if not new_collation or ft.tp not in m.STRING_TYPES or ft.collate == "binary":
        return False
    if ft.collate == "utf8mb4_0900_bin":
        return False
    is_varchar = ft.tp in (m.TYPE_VARCHAR, m.TYPE_VAR_STRING)
    return not (is_bin_collation(ft.collate) and not is_varchar)


def index_need_restored_data(
    table: TableInfo, index: IndexInfo, new_collation: bool = True
) -> bool:
    """``tables.NeedRestoredData``: any index column needs restored data."""
    return any(
        need_restored_data(table.columns[ic.offset].field_type, new_collation)
        for ic in index.columns
    )


def truncate_index_value(d: Datum, index_col: IndexColumn, table_col: ColumnInfo) -> Datum:
    """Prefix-index truncation (``tablecodec.TruncateIndexValue``): to ``length`` characters,
    or bytes for binary / ascii charsets."""
    length = index_col.length
    if length == m.UNSPECIFIED_LENGTH or d.kind not in (Kind.STRING, Kind.BYTES):
        return d
    v = bytes(d.value)
    charset = table_col.field_type.charset
    if charset in ("binary", "ascii") or table_col.field_type.collate == "binary":
        if len(v) > length:
            return Datum(d.kind, v[:length], d.collation)
        return d
    text = v.decode("utf-8", "surrogateescape")
    if len(text) > length:
        return Datum(d.kind, text[:length].encode("utf-8", "surrogateescape"), d.collation)
    return d


def truncate_index_values(
    table: TableInfo, index: IndexInfo, values: Sequence[Datum]
) -> list[Datum]:
    """``tablecodec.TruncateIndexValues`` (returns a new list)."""
    return [
        truncate_index_value(v, ic, table.columns[ic.offset])
        for v, ic in zip(values, index.columns, strict=True)
    ]


def index_values_of(index: IndexInfo, row: Sequence[Datum]) -> list[Datum]:
    """The index columns' datums of a row given in table column order (by offset)."""
    return [row[ic.offset] for ic in index.columns]


def is_distinct(index: IndexInfo, values: Sequence[Datum]) -> bool:
    """A unique index without NULL values keeps the handle in the value, not the key."""
    return index.unique and all(v.kind != Kind.NULL for v in values)


def gen_index_key(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: Handle,
    *,
    physical_table_id: int | None = None,
    time_zone: _dt.tzinfo | None = None,
    new_collation: bool = True,
) -> tuple[bytes, bool]:
    """``(key, distinct)`` as ``tablecodec.GenIndexKey``: distinct rule, prefix truncation,
    handle suffix when not distinct. Global indexes use the logical table ID."""
    distinct = is_distinct(index, values)
    truncated = truncate_index_values(table, index, values)
    tid = table.id if index.is_global or physical_table_id is None else physical_table_id
    key = _gen_key(
        tid,
        index.id,
        truncated,
        handle,
        distinct=distinct,
        time_zone=time_zone,
        new_collation=new_collation,
    )
    return key, distinct


def encode_handle_in_unique_index_value(handle: Handle, untouched: bool = False) -> bytes:
    """``EncodeHandleInUniqueIndexValue``: BE64 of an int handle (no sign flip), or
    ``untouched-flag || 0x7F || len16 || common handle``."""
    if isinstance(handle, int):
        return _BE64.pack(handle & 0xFFFFFFFFFFFFFFFF)
    return bytes((1 if untouched else 0,)) + _common_handle_segment(handle)


def _common_handle_segment(handle: bytes) -> bytes:
    return bytes((COMMON_HANDLE_FLAG,)) + len(handle).to_bytes(2, "big") + bytes(handle)


def _partition_segment(pid: int) -> bytes:
    return bytes((PARTITION_ID_FLAG,)) + encode_int(pid)


def try_get_handle_restored_data(
    table: TableInfo, row: Sequence[Datum], index: IndexInfo, new_collation: bool = True
) -> list[Datum]:
    """``tables.TryGetHandleRestoredDataWrapper``: restored data of the clustered PK columns
    (values truncated to the longer of the PK and index prefix; ``*_bin`` → trailing-space
    count as a signed int)."""
    if not new_collation or not table.is_common_handle or table.common_handle_version == 0:
        return []
    pk = table.primary_index
    if pk is None:
        return []
    out = []
    for pk_col in pk.columns:
        col = table.columns[pk_col.offset]
        if not need_restored_data(col.field_type, new_collation):
            continue
        d = row[col.offset]
        target = pk_col
        for ic in index.columns:
            if ic.offset == pk_col.offset:
                target = _max_index_len(pk_col, ic)
                break
        d = truncate_index_value(d, target, col)
        if is_bin_collation(col.field_type.collate):
            d = Datum.int64(tail_space_count(bytes(d.value)))
        out.append(d)
    return out


def _max_index_len(a: IndexColumn, b: IndexColumn) -> IndexColumn:
    if a.length == m.UNSPECIFIED_LENGTH:
        return a
    if b.length == m.UNSPECIFIED_LENGTH:
        return b
    return a if a.length > b.length else b


def _pk_restored_col_ids(table: TableInfo, new_collation: bool) -> list[int]:
    pk = table.primary_index
    if pk is None:
        return []
    return [
        table.columns[ic.offset].id
        for ic in pk.columns
        if need_restored_data(table.columns[ic.offset].field_type, new_collation)
    ]


def gen_index_value(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: Handle,
    *,
    distinct: bool,
    new_collation: bool = True,
    time_zone: _dt.tzinfo | None = None,
    partition_id: int = 0,
    handle_restored_data: Sequence[Datum] = (),
    untouched: bool = False,
) -> bytes:
    """The index value, in the layout ``GenIndexValuePortal`` picks for this table.

    ``values`` are the (prefix-truncated) index column datums; ``handle_restored_data`` is
    ``try_get_handle_restored_data`` for clustered v1 tables. ``untouched`` only exists in
    TiDB's transaction memory and is never imported.
    """
    need_restore = index_need_restored_data(table, index, new_collation)
    if table.is_common_handle and table.common_handle_version == 1:
        return _gen_v1(table, index, values, handle, distinct, need_restore, new_collation, time_zone,
                       partition_id, handle_restored_data, untouched)  # fmt: skip
    return _gen_v0(
        table, index, values, handle, distinct, need_restore, time_zone, partition_id, untouched
    )


def _gen_v1(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: Handle,
    distinct: bool,
    need_restore: bool,
    new_collation: bool,
    tz: _dt.tzinfo | None,
    partition_id: int,
    handle_restored: Sequence[Datum],
    untouched: bool,
) -> bytes:
    out = bytearray((0, INDEX_VERSION_FLAG, 1))
    if distinct:
        if not isinstance(handle, bytes):
            raise DecodeError("index value", b"", "clustered index needs a common handle")
        out += _common_handle_segment(handle)
    if index.is_global:
        out += _partition_segment(partition_id)
    if need_restore or handle_restored:
        ids: list[int] = []
        data: list[Datum] = []
        for ic, v in zip(index.columns, values, strict=True):
            col = table.columns[ic.offset]
            if col.field_type.flag & m.PRI_KEY_FLAG:
                continue
            if need_restored_data(col.field_type, new_collation):
                ids.append(col.id)
                if is_bin_collation(col.field_type.collate):
                    # a NULL's GetString() is "": 0 trailing spaces
                    raw = b"" if v.value is None else bytes(v.value)
                    data.append(Datum.uint64(tail_space_count(raw)))
                else:
                    data.append(v)
        if handle_restored:
            ids.extend(_pk_restored_col_ids(table, new_collation))
            data.extend(handle_restored)
        out += encode_row(ids, data, tz)
    if untouched:
        out.append(UNCOMMIT_INDEX_KV_FLAG)
        out[0] = 1
    return bytes(out)


def _gen_v0(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: Handle,
    distinct: bool,
    need_restore: bool,
    tz: _dt.tzinfo | None,
    partition_id: int,
    untouched: bool,
) -> bytes:
    out = bytearray((0,))
    new_encode = False
    if not isinstance(handle, int) and distinct:
        out += _common_handle_segment(handle)
        new_encode = True
    if index.is_global:
        out += _partition_segment(partition_id)
        new_encode = True
    if need_restore:
        ids = [table.columns[ic.offset].id for ic in index.columns]
        out += encode_row(ids, list(values), tz)
        new_encode = True
    if new_encode:
        tail = 0
        if isinstance(handle, int) and distinct:
            tail += 8
            out += _BE64.pack(handle & 0xFFFFFFFFFFFFFFFF)
        elif len(out) < 10:
            pad = 10 - len(out)
            tail += pad
            out += bytes(pad)
        if untouched:
            tail += 1
            out.append(UNCOMMIT_INDEX_KV_FLAG)
        out[0] = tail
        return bytes(out)
    old = bytearray()
    if distinct:
        old += encode_handle_in_unique_index_value(handle, untouched)
    if untouched:
        old.append(UNCOMMIT_INDEX_KV_FLAG)
    return bytes(old) if old else b"0"


def gen_index_kv(
    table: TableInfo,
    index: IndexInfo,
    row: Sequence[Datum],
    handle: Handle,
    *,
    physical_table_id: int | None = None,
    new_collation: bool = True,
    time_zone: _dt.tzinfo | None = None,
) -> tuple[bytes, bytes]:
    """``(key, value)`` of one index entry for a row given in table column order, as
    ``index.create`` writes it for an INSERT."""
    values = index_values_of(index, row)
    key, distinct = gen_index_key(
        table,
        index,
        values,
        handle,
        physical_table_id=physical_table_id,
        time_zone=time_zone,
        new_collation=new_collation,
    )
    truncated = truncate_index_values(table, index, values)
    restored = try_get_handle_restored_data(table, row, index, new_collation)
    pid = physical_table_id if physical_table_id is not None else table.id
    value = gen_index_value(
        table,
        index,
        truncated,
        handle,
        distinct=distinct,
        new_collation=new_collation,
        time_zone=time_zone,
        partition_id=pid,
        handle_restored_data=restored,
    )
    return key, value


# --------------------------------------------------------------------------------------------
# decoding


@dataclass(frozen=True)
class IndexValueSegments:
    """``tablecodec.SplitIndexValue``: the parts of an index value (missing ones are None)."""

    common_handle: bytes | None = None
    partition_id: int | None = None
    restored_values: bytes | None = None
    int_handle: int | None = None
    version: int = 0


def get_index_version(value: bytes) -> int:
    """``tablecodec.getIndexVersion``: 1 for a version-1 value longer than 9 bytes (tail
    length 0 or 1, then ``0x7D``), else 0. A short value is read as the old layout even when
    its bytes look like a version marker (an 8-byte handle may start ``01 7d 01``)."""
    if len(value) <= MAX_OLD_ENCODE_VALUE_LEN:
        return 0
    if value[0] in (0, 1) and value[1] == INDEX_VERSION_FLAG:
        return value[2]
    return 0


def split_index_value(value: bytes) -> IndexValueSegments:
    """Splits any layout into its segments."""
    version = get_index_version(value)
    if version == 0 and len(value) <= MAX_OLD_ENCODE_VALUE_LEN:
        ih = value[:8]
        return IndexValueSegments(int_handle=_signed(_BE64.unpack(ih)[0]) if len(ih) == 8 else None)
    tail_len = value[0]
    body_end = len(value) - tail_len
    tail = value[body_end:]
    body = value[3:body_end] if version == 1 else value[1:body_end]
    int_handle = None
    if version == 0 and len(tail) >= 8:
        int_handle = _signed(_BE64.unpack(tail[:8])[0])
    common = None
    pid = None
    if body and body[0] == COMMON_HANDLE_FLAG:
        n = int.from_bytes(body[1:3], "big")
        common = bytes(body[3 : 3 + n])
        body = body[3 + n :]
    if body and body[0] == PARTITION_ID_FLAG:
        pid = decode_int(body[1:9])[0]
        body = body[9:]
    restored = bytes(body) if body and body[0] == RESTORE_DATA_FLAG else None
    return IndexValueSegments(common, pid, restored, int_handle, version)


def _signed(u: int) -> int:
    return u - (1 << 64) if u >= 1 << 63 else u


def decode_index_kv(
    table: TableInfo, key: bytes, value: bytes, time_zone: _dt.tzinfo | None = None
) -> tuple[int, list[Datum], Handle | None]:
    """``(index_id, column datums, handle)`` of an index KV, with strings restored to their
    original values where the value carries restored data (otherwise from the key)."""
    _, index_id, _ = decode_key_head(key)
    index = next((i for i in table.indices if i.id == index_id), None)
    if index is None:
        raise DecodeError("index key", key, f"no index {index_id} in table {table.name}")
    cols = [table.columns[ic.offset] for ic in index.columns]
    parts, suffix = cut_index_key(key, len(cols))
    segs = split_index_value(value)
    restored: dict[int, Datum] = {}
    if segs.restored_values is not None:
        fts = {c.id: c.field_type for c in table.columns}
        # version 1 stores bin-collation strings as trailing-space counts: signed for PK
        # columns, unsigned for the others
        for c in cols:
            if segs.version == 1 and is_bin_collation(c.field_type.collate):
                pk = bool(c.field_type.flag & m.PRI_KEY_FLAG)
                fts[c.id] = FieldType(m.TYPE_LONGLONG, flag=0 if pk else m.UNSIGNED_FLAG)
        restored = decode_row(segs.restored_values, fts, time_zone)
    out: list[Datum] = []
    for part, col in zip(parts, cols, strict=True):
        raw = decode_one(part)[0]
        r = restored.get(col.id)
        if (
            r is not None
            and r.kind in (Kind.INT64, Kind.UINT64)
            and col.field_type.tp in m.STRING_TYPES
        ):
            out.append(
                Datum(Kind.STRING, bytes(raw.value) + b" " * int(r.value), col.field_type.collate)
            )
        elif r is not None:
            out.append(r)
        else:
            out.append(unflatten(raw, col.field_type, time_zone))
    handle: Handle | None
    if segs.int_handle is not None:
        handle = segs.int_handle
    elif segs.common_handle is not None:
        handle = segs.common_handle
    elif suffix:
        handle = (
            decode_int(suffix[1:])[0]
            if len(suffix) == 9 and suffix[0] == INT_HANDLE_FLAG and not table.is_common_handle
            else bytes(suffix)
        )
    else:
        handle = None
    return index_id, out, handle


# --------------------------------------------------------------------------------------------
# TiDB's names (pkg/tablecodec, pkg/table/tables)


def gen_index_value_for_clustered_index_version1(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: bytes,
    *,
    distinct: bool,
    partition_id: int = 0,
    handle_restored_data: Sequence[Datum] = (),
    new_collation: bool = True,
    time_zone: _dt.tzinfo | None = None,
    untouched: bool = False,
) -> bytes:
    """``tablecodec.GenIndexValueForClusteredIndexVersion1``: the version-1 value whatever
    the table's layout; ``values`` are the prefix-truncated index datums and
    ``handle_restored_data`` ``try_get_handle_restored_data`` of the row."""
    need = index_need_restored_data(table, index, new_collation)
    return _gen_v1(table, index, values, handle, distinct, need, new_collation, time_zone,
                   partition_id, handle_restored_data, untouched)  # fmt: skip


def gen_index_value_version0(
    table: TableInfo,
    index: IndexInfo,
    values: Sequence[Datum],
    handle: Handle,
    *,
    distinct: bool,
    partition_id: int = 0,
    new_collation: bool = True,
    time_zone: _dt.tzinfo | None = None,
    untouched: bool = False,
) -> bytes:
    """``tablecodec.genIndexValueVersion0``: the version-0 value, or the old layout when no
    common handle, global index or restored data is needed."""
    need = index_need_restored_data(table, index, new_collation)
    return _gen_v0(table, index, values, handle, distinct, need, time_zone, partition_id,
                   untouched)  # fmt: skip


def decode_handle_in_index_value(value: bytes) -> Handle:
    """The handle a unique index value holds (``tablecodec.decodeHandleInIndexValue``):
    version 1 → its common handle; a longer value → the int handle tail (tail length >= 8)
    or the common handle after ``0x7F len16``; an old value → its first 8 bytes as int64."""
    if get_index_version(value) == 1:
        segs = split_index_value(value)
        if segs.common_handle is None:
            raise DecodeError("index value", value, "no common handle")
        return segs.common_handle
    if len(value) > MAX_OLD_ENCODE_VALUE_LEN:
        tail_len = value[0]
        if tail_len >= 8:
            return _signed(_BE64.unpack_from(value, len(value) - tail_len)[0])
        n = int.from_bytes(value[2:4], "big")
        return bytes(value[4 : 4 + n])
    if len(value) < 8:
        raise DecodeError("index value", value, "no handle")
    return _signed(_BE64.unpack_from(value)[0])


def decode_handle_in_unique_index_value(data: bytes, is_common_handle: bool) -> Handle:
    """``tablecodec.DecodeHandleInUniqueIndexValue``."""
    if not is_common_handle:
        if len(data) <= MAX_OLD_ENCODE_VALUE_LEN:
            return _signed(_BE64.unpack_from(data)[0])
        return _signed(_BE64.unpack_from(data, len(data) - data[0])[0])
    if get_index_version(data) == 1:
        return decode_handle_in_index_value(data)
    body = data[: len(data) - data[0]]
    n = int.from_bytes(body[2:4], "big")
    return bytes(body[4 : 4 + n])


def decode_index_handle(key: bytes, value: bytes, n_columns: int) -> Handle:
    """``tablecodec.DecodeIndexHandle``: the handle from the key suffix (an int datum alone
    is an int handle, anything else a common handle), else from a unique value."""
    _, suffix = cut_index_key(key, n_columns)
    if suffix:
        if len(suffix) == 9 and suffix[0] == INT_HANDLE_FLAG:
            return decode_int(suffix[1:])[0]
        return bytes(suffix)
    if len(value) >= 8:
        return decode_handle_in_index_value(value)
    raise DecodeError("index kv", key, "no handle in the key or the value")


def index_kv_is_unique(value: bytes) -> bool:
    """``tablecodec.IndexKVIsUnique``: whether the value holds the handle."""
    if len(value) <= MAX_OLD_ENCODE_VALUE_LEN:
        return len(value) == 8
    segs = split_index_value(value)
    return segs.int_handle is not None or segs.common_handle is not None


def try_get_common_pk_column_restored_ids(
    table: TableInfo, new_collation: bool = True
) -> list[int]:
    """``tablecodec.TryGetCommonPkColumnRestoredIds``: IDs of the primary-key columns that
    need restored data, in primary-key order."""
    return _pk_restored_col_ids(table, new_collation)


gen_index_value_portal = gen_index_value
split_index_value_for_clustered_index_version1 = split_index_value
try_get_handle_restored_data_wrapper = try_get_handle_restored_data
