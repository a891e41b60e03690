"""TiDB's key layout (``pkg/tablecodec``): table, record (row) and index key prefixes.

* table prefix  ``'t' + encode_int(table_id)`` (9 bytes)
* record prefix ``table prefix + '_r'`` (11 bytes); an int-handle row key appends
  ``encode_int(handle)`` (19 bytes in all)
* index prefix  ``table prefix + '_i' + encode_int(index_id)`` (19 bytes)

* a common-handle row key appends the common handle: ``codec.encode_key`` of the clustered
  primary-key datums (``encode_common_handle``), so its length is not 19
* an index key is ``index prefix + codec.encode_key(index values) [+ handle suffix]``
  (``gen_index_key`` / ``encode_index_seek_key``); see ``tidbkv.index`` for the whole-table
  version that applies prefix truncation and the distinct rule

A handle is an ``int`` (int handle, ``_tidb_rowid``) or ``bytes`` (an encoded common handle).

Public API: ``TABLE_PREFIX``, ``RECORD_PREFIX_SEP``, ``INDEX_PREFIX_SEP``, ``META_PREFIX``,
``table_prefix``, ``record_prefix``, ``index_prefix``, ``encode_row_key_with_handle``,
``encode_row_key``, ``encode_handle``, ``encode_common_handle``, ``decode_common_handle``,
``decode_table_id``, ``decode_row_key_int_handle``, ``decode_record_key``, ``decode_row_key``,
``is_record_key``,
``is_index_key``, ``table_range``, ``record_range``, ``index_range``,
``encode_index_seek_key``, ``gen_index_key``, ``decode_index_key``, ``cut_index_key``,
``decode_key_head``, ``encode_meta_key``, ``encode_hash_data_key``, ``meta_db_key``,
``meta_table_key``, ``encode_region_key``, ``decode_region_key``, ``TEMP_INDEX_PREFIX``,
``INDEX_ID_MASK``, ``encode_keyspace_prefix``, ``is_table_key``, ``check_common_handle``,
``decode_index_id``, ``decode_meta_key``, ``encode_meta_key_prefix``, ``cut_row_key_prefix``,
``cut_index_prefix``, ``cut_common_handle``, ``encode_record_key``, ``truncate_to_row_key_len``,
``get_table_handle_key_range``, ``get_table_index_key_range``, ``index_key_to_temp_index_key``,
``temp_index_key_to_index_key``, ``is_temp_index_key``, ``extract_table_prefix`` and
``check_key_type`` (TiKV ``table.rs`` names; TiKV's ``encode_row_key(table_id, i64)`` is
``encode_row_key_with_handle`` here, since ``encode_row_key`` follows TiDB's
``EncodeRowKey(tableID, encodedHandle)``).

TiDB-named aliases (``tablecodec`` function → here): ``EncodeTablePrefix`` / ``GenTablePrefix``
→ ``encode_table_prefix`` / ``gen_table_prefix`` (= ``table_prefix``), ``GenTableRecordPrefix``
→ ``gen_table_record_prefix`` (= ``record_prefix``), ``GenTableIndexPrefix(tableID)`` →
``gen_table_index_prefix`` (``'t' + id + '_i'``, 11 bytes), ``EncodeTableIndexPrefix`` →
``encode_table_index_prefix`` (= ``index_prefix``), ``EncodeRowKey`` → ``encode_row_key``,
``EncodeRowKeyWithHandle`` → ``encode_row_key_with_handle``, ``EncodeIndexSeekKey`` →
``encode_index_seek_key``, ``DecodeRecordKey`` / ``DecodeRowKey`` / ``DecodeKeyHead`` /
``DecodeIndexKey`` / ``CutIndexKeyNew`` → ``decode_record_key`` / ``decode_row_key`` /
``decode_key_head`` / ``decode_index_key`` / ``cut_index_key``, ``EncodeMetaKey(key, field)`` →
``encode_hash_data_key``, ``IndexKey2TempIndexKey`` / ``TempIndexKey2IndexKey`` →
``index_key2_temp_index_key`` / ``temp_index_key2_index_key``. Whole-table index entries
(``tablecodec.GenIndexKey`` with a ``TableInfo``, ``GenIndexValuePortal``) are in
``tidbkv.index``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

from tidbkv.codec import (
    INT_HANDLE_FLAG,
    cut_columns,
    cut_one,
    decode_bytes,
    decode_int,
    decode_key,
    decode_one,
    decode_uint,
    encode_bytes,
    encode_int,
    encode_key,
    encode_uint,
)
from tidbkv.datum import Datum
from tidbkv.errors import DecodeError

Handle = int | bytes
META_PREFIX = b"m"
TEMP_INDEX_PREFIX = 0x7FFF000000000000
INDEX_ID_MASK = 0xFFFFFFFFFFFF
_HASH_DATA_FLAG = ord("h")
_STRING_DATA_FLAG = ord("s")

TABLE_PREFIX = b"t"
RECORD_PREFIX_SEP = b"_r"
INDEX_PREFIX_SEP = b"_i"
RECORD_ROW_KEY_LEN = 19
PREFIX_LEN = 11


def table_prefix(table_id: int) -> bytes:
    return TABLE_PREFIX + encode_int(table_id)


def record_prefix(table_id: int) -> bytes:
    return TABLE_PREFIX + encode_int(table_id) + RECORD_PREFIX_SEP


def index_prefix(table_id: int, index_id: int) -> bytes:
    return TABLE_PREFIX + encode_int(table_id) + INDEX_PREFIX_SEP + encode_int(index_id)


def encode_row_key_with_handle(table_id: int, handle: int) -> bytes:
    """Row key of an int handle (``tablecodec.EncodeRowKeyWithHandle``)."""
    return TABLE_PREFIX + encode_int(table_id) + RECORD_PREFIX_SEP + encode_int(handle)


def decode_table_id(key: bytes) -> int:
    """Table ID of any ``t``-prefixed key (``tablecodec.DecodeTableID``); an API v2 key's
    4-byte keyspace prefix (``'x'`` / ``'r'`` + 3 bytes) is skipped first.

    Unlike TiDB, which returns 0 for a key that is not a table key, this raises
    ``DecodeError`` (as TiKV's ``decode_table_id`` does).
    """
    if key[:1] != TABLE_PREFIX and key[:1] in (b"x", b"r") and len(key) >= 4:
        key = key[4:]
    if key[:1] != TABLE_PREFIX or len(key) < 9:
        raise DecodeError("table key", key, "not a table key")
    return decode_int(key[1:9])[0]


def extract_table_prefix(key: bytes) -> bytes:
    """The 9-byte ``'t' + table id`` head of a table key (TiKV ``table::extract_table_prefix``);
    ``DecodeError`` when ``key`` is shorter or does not start with ``'t'``."""
    if key[:1] != TABLE_PREFIX or len(key) < 9:
        raise DecodeError("table key", key, "not a table key")
    return key[:9]


def check_key_type(key: bytes, wanted_type: bytes) -> None:
    """TiKV ``table::check_key_type``: ``key`` is ``'t' + 8-byte id + wanted_type`` (
    ``RECORD_PREFIX_SEP`` or ``INDEX_PREFIX_SEP``) followed by anything; otherwise
    ``DecodeError``."""
    if key[:1] != TABLE_PREFIX or len(key) < 11:
        raise DecodeError("table key", key, "record key or index key expected")
    if key[9:11] != wanted_type:
        raise DecodeError("table key", key, f"expected key sep type {wanted_type!r}")


def is_record_key(key: bytes) -> bool:
    """A record key with something after its prefix (``tablecodec.IsRecordKey``: longer
    than 11 bytes, so a bare record prefix is not one)."""
    return len(key) > PREFIX_LEN and key[:1] == TABLE_PREFIX and key[9:11] == RECORD_PREFIX_SEP


def is_index_key(key: bytes) -> bool:
    """An index key (``tablecodec.IsIndexKey``: longer than 11 bytes, ``_i`` after the table
    ID)."""
    return len(key) > PREFIX_LEN and key[:1] == TABLE_PREFIX and key[9:11] == INDEX_PREFIX_SEP


def is_table_key(key: bytes) -> bool:
    """A bare table prefix ``'t' + encode_int(id)`` (``tablecodec.IsTableKey``)."""
    return len(key) == 9 and key[:1] == TABLE_PREFIX


def decode_row_key_int_handle(key: bytes) -> tuple[int, int]:
    """``(table_id, handle)`` of a 19-byte int-handle row key."""
    if len(key) != RECORD_ROW_KEY_LEN or not is_record_key(key):
        raise DecodeError("int-handle row key", key, "not a 19-byte record key")
    return decode_int(key[1:9])[0], decode_int(key[11:])[0]


def table_range(table_id: int) -> tuple[bytes, bytes]:
    """``[start, end)`` raw-key range holding every key of the table (rows and indexes)."""
    return table_prefix(table_id), table_prefix(table_id + 1)


def record_range(table_id: int) -> tuple[bytes, bytes]:
    """``[start, end)`` raw-key range of the table's rows."""
    return record_prefix(table_id), TABLE_PREFIX + encode_int(table_id) + b"_s"


def index_range(table_id: int, index_id: int) -> tuple[bytes, bytes]:
    """``[start, end)`` raw-key range of one index."""
    return index_prefix(table_id, index_id), index_prefix(table_id, index_id + 1)


def encode_handle(handle: Handle) -> bytes:
    """The handle part of a row key: ``encode_int`` of an int handle, a common handle as is."""
    if isinstance(handle, int):
        return encode_int(handle)
    return bytes(handle)


def encode_row_key(table_id: int, encoded_handle: bytes) -> bytes:
    """Row key from an already-encoded handle (``tablecodec.EncodeRowKey``)."""
    return TABLE_PREFIX + encode_int(table_id) + RECORD_PREFIX_SEP + encoded_handle


def encode_common_handle(
    datums: Sequence[Datum], time_zone: _dt.tzinfo | None = None, new_collation: bool = True
) -> bytes:
    """Common handle of clustered primary-key values: ``codec.encode_key(datums)``.

    The caller passes the PK values in PK column order, already prefix-truncated.
    """
    return encode_key(datums, time_zone, new_collation)


def decode_common_handle(handle: bytes) -> list[Datum]:
    """The datums of a common handle (strings come back as their collation sort keys)."""
    return decode_key(handle)


def decode_record_key(key: bytes) -> tuple[int, Handle]:
    """``(table_id, handle)`` of any record key (``tablecodec.DecodeRecordKey``).

    A 19-byte key has an int handle; a longer one a common handle (returned as bytes).
    """
    if not is_record_key(key):
        raise DecodeError("record key", key, "not a record key")
    table_id = decode_int(key[1:9])[0]
    rest = key[PREFIX_LEN:]
    if len(key) == RECORD_ROW_KEY_LEN:
        return table_id, decode_int(rest)[0]
    if len(rest) < 9:
        raise DecodeError("record key", key, "handle too short")
    check_common_handle(rest)
    return table_id, bytes(rest)


def check_common_handle(handle: bytes) -> None:
    """Raises ``DecodeError`` unless ``handle`` is a sequence of flag-prefixed datums
    (``kv.NewCommonHandle``; a 0x00 byte after a datum ends it, as TiDB's padding)."""
    rest = handle
    while rest:
        if rest[0] == 0:
            return
        try:
            _, rest = cut_one(rest)
        except DecodeError as exc:
            raise DecodeError("common handle", handle, exc.reason) from exc


def decode_row_key(key: bytes) -> Handle:
    """The handle of a record key (``tablecodec.DecodeRowKey``): at least 19 bytes; exactly
    19 is an int handle, longer a common handle (whose datums must decode)."""
    if len(key) < RECORD_ROW_KEY_LEN:
        raise DecodeError("row key", key, "shorter than 19 bytes")
    return decode_record_key(key)[1]


def encode_index_seek_key(table_id: int, index_id: int, encoded_values: bytes) -> bytes:
    """``index prefix + encoded values`` (``tablecodec.EncodeIndexSeekKey``)."""
    return index_prefix(table_id, index_id) + encoded_values


def gen_index_key(
    table_id: int,
    index_id: int,
    values: Sequence[Datum],
    handle: Handle | None = None,
    *,
    distinct: bool = False,
    time_zone: _dt.tzinfo | None = None,
    new_collation: bool = True,
) -> bytes:
    """Index key from already-truncated index values (``tablecodec.GenIndexKey`` body).

    When not ``distinct`` (non-unique index, or a unique one with a NULL value) the handle is
    appended: ``0x03 + encode_int(h)`` for an int handle, the common handle bytes otherwise.
    ``tidbkv.index.gen_index_key`` derives ``distinct`` and truncation from the schema.
    """
    key = index_prefix(table_id, index_id) + encode_key(values, time_zone, new_collation)
    if not distinct and handle is not None:
        if isinstance(handle, int):
            key += bytes((INT_HANDLE_FLAG,)) + encode_int(handle)
        else:
            key += bytes(handle)
    return key


def decode_key_head(key: bytes) -> tuple[int, int, bool]:
    """``(table_id, index_id, is_record)`` (``tablecodec.DecodeKeyHead``); index_id is 0 for
    record keys."""
    if key[:1] != TABLE_PREFIX or len(key) < PREFIX_LEN:
        raise DecodeError("key head", key, "not a record or index key")
    if key[9:11] == RECORD_PREFIX_SEP:
        return decode_int(key[1:9])[0], 0, True
    if key[9:11] != INDEX_PREFIX_SEP or len(key) < 19:
        raise DecodeError("key head", key, "not a record or index key")
    return decode_int(key[1:9])[0], decode_int(key[11:19])[0], False


def decode_index_id(key: bytes) -> int:
    """The index ID of an index key (``tablecodec.DecodeIndexID``; no other checks)."""
    if len(key) < 19:
        raise DecodeError("index key", key, "shorter than 19 bytes")
    return decode_int(key[11:19])[0]


def cut_index_key(key: bytes, n_columns: int) -> tuple[list[bytes], bytes]:
    """``([encoded column values], handle suffix)`` of an index key (``CutIndexKeyNew``)."""
    if not is_index_key(key) or len(key) < 19:
        raise DecodeError("index key", key, "not an index key")
    return cut_columns(key[19:], n_columns)


def decode_index_key(
    key: bytes, n_columns: int | None = None
) -> tuple[int, int, list[Datum], Handle | None]:
    """``(table_id, index_id, values, handle)`` of an index key.

    With ``n_columns`` the datums after the first ``n_columns`` are the handle suffix: a single
    int datum → int handle, anything else → common handle bytes; without it every datum is a
    value and the handle is None. Values are raw datums (strings as sort keys).
    """
    table_id, index_id, _ = decode_key_head(key)
    if is_record_key(key):
        raise DecodeError("index key", key, "record key")
    body = key[19:]
    if n_columns is None:
        return table_id, index_id, decode_key(body), None
    cols, rest = cut_columns(body, n_columns)
    values = [decode_one(c)[0] for c in cols]
    handle: Handle | None = None
    if rest:
        if rest[0] == INT_HANDLE_FLAG and len(rest) == 9:
            handle = decode_int(rest[1:])[0]
        else:
            handle = bytes(rest)
    return table_id, index_id, values, handle


def encode_meta_key(key: bytes, flag: int, field: bytes = b"") -> bytes:
    """Meta (schema) key: ``'m' + encode_bytes(key) + encode_uint(flag) [+ encode_bytes(field)]``."""
    out = META_PREFIX + encode_bytes(key) + encode_uint(flag)
    if field:
        out += encode_bytes(field)
    return out


def encode_hash_data_key(key: bytes, field: bytes) -> bytes:
    """Meta hash field key (``structure.EncodeHashDataKey``)."""
    return META_PREFIX + encode_bytes(key) + encode_uint(_HASH_DATA_FLAG) + encode_bytes(field)


def meta_db_key(db_id: int) -> bytes:
    """Meta key of a database's info: hash ``DBs``, field ``DB:<id>``."""
    return encode_hash_data_key(b"DBs", f"DB:{db_id}".encode())


def meta_table_key(db_id: int, table_id: int) -> bytes:
    """Meta key of a table's info: hash ``DB:<db_id>``, field ``Table:<table_id>``."""
    return encode_hash_data_key(f"DB:{db_id}".encode(), f"Table:{table_id}".encode())


def encode_region_key(raw_key: bytes) -> bytes:
    """A raw key in the memcomparable form PD region boundaries use (API v1)."""
    return encode_bytes(raw_key)


def decode_region_key(region_key: bytes) -> bytes:
    """Raw key of a PD region boundary; an empty boundary stays empty."""
    if not region_key:
        return b""
    raw, _ = decode_bytes(region_key)
    return raw


def encode_keyspace_prefix(keyspace_id: int, mode: bytes = b"x") -> bytes:
    """API v2 key prefix: ``'x'`` (txn) or ``'r'`` (raw) + 3-byte big-endian keyspace ID."""
    return mode + keyspace_id.to_bytes(3, "big")


def decode_meta_key(key: bytes) -> tuple[bytes, bytes]:
    """``(key, field)`` of a meta hash key (``tablecodec.DecodeMetaKey``): ``'m' +
    encode_bytes(key) + encode_uint('h') + encode_bytes(field)``."""
    if key[:1] != META_PREFIX:
        raise DecodeError("meta key", key, "invalid encoded hash data key prefix")
    name, rest = decode_bytes(key[1:])
    flag, rest = decode_uint(rest)
    if flag != _HASH_DATA_FLAG:
        raise DecodeError("meta key", key, f"invalid encoded hash data key flag {flag:#x}")
    field, _ = decode_bytes(rest)
    return name, field


def encode_meta_key_prefix(key: bytes) -> bytes:
    """``'m' + encode_bytes(key) + encode_uint('h')`` (``tablecodec.EncodeMetaKeyPrefix``)."""
    return META_PREFIX + encode_bytes(key) + encode_uint(_HASH_DATA_FLAG)


def gen_table_index_prefix(table_id: int, index_id: int | None = None) -> bytes:
    """``'t' + encode_int(table_id) + '_i'`` (``tablecodec.GenTableIndexPrefix``, 11 bytes).

    With ``index_id`` it is ``index_prefix(table_id, index_id)`` (19 bytes), as the earlier
    alias of this name was.
    """
    if index_id is not None:
        return index_prefix(table_id, index_id)
    return TABLE_PREFIX + encode_int(table_id) + INDEX_PREFIX_SEP


def cut_row_key_prefix(key: bytes) -> bytes:
    """A row key without its 11-byte record prefix: the encoded handle
    (``tablecodec.CutRowKeyPrefix``)."""
    return key[PREFIX_LEN:]


def cut_index_prefix(key: bytes) -> bytes:
    """An index key without its 19-byte index prefix (``tablecodec.CutIndexPrefix``)."""
    return key[PREFIX_LEN + 8 :]


def cut_common_handle(key: bytes, n_columns: int) -> tuple[list[bytes], bytes]:
    """``([encoded PK column datums], rest)`` of a common-handle row key
    (``tablecodec.CutCommonHandle``)."""
    return cut_columns(key[PREFIX_LEN:], n_columns)


def encode_record_key(record_prefix_: bytes, handle: Handle) -> bytes:
    """``record prefix + encoded handle`` (``tablecodec.EncodeRecordKey``)."""
    return bytes(record_prefix_) + encode_handle(handle)


def truncate_to_row_key_len(key: bytes) -> bytes:
    """The first 19 bytes of a longer key (``tablecodec.TruncateToRowKeyLen``)."""
    return key[:RECORD_ROW_KEY_LEN] if len(key) > RECORD_ROW_KEY_LEN else key


def get_table_handle_key_range(table_id: int) -> tuple[bytes, bytes]:
    """Row keys of handles MinInt64 and MaxInt64 (``tablecodec.GetTableHandleKeyRange``)."""
    return (
        encode_row_key_with_handle(table_id, -(1 << 63)),
        encode_row_key_with_handle(table_id, (1 << 63) - 1),
    )


def get_table_index_key_range(table_id: int, index_id: int) -> tuple[bytes, bytes]:
    """``(index prefix, index prefix + 0xFF)`` (``tablecodec.GetTableIndexKeyRange``)."""
    prefix = index_prefix(table_id, index_id)
    return prefix, prefix + b"\xff"


def _with_index_id(key: bytes, index_id: int) -> bytes:
    if not is_index_key(key) or len(key) < 19:
        raise DecodeError("index key", key, "not an index key")
    return key[:PREFIX_LEN] + encode_int(index_id) + key[19:]


def index_key_to_temp_index_key(key: bytes) -> bytes:
    """The ADD INDEX temporary index key: index ID OR-ed with ``TEMP_INDEX_PREFIX``
    (``tablecodec.IndexKey2TempIndexKey``, which rewrites in place; this returns a copy)."""
    return _with_index_id(key, TEMP_INDEX_PREFIX | decode_index_id(key))


def temp_index_key_to_index_key(key: bytes) -> bytes:
    """Inverse of ``index_key_to_temp_index_key`` (``tablecodec.TempIndexKey2IndexKey``)."""
    return _with_index_id(key, decode_index_id(key) & INDEX_ID_MASK)


def is_temp_index_key(key: bytes) -> bool:
    """Whether the index ID carries ``TEMP_INDEX_PREFIX`` (``tablecodec.IsTempIndexKey``)."""
    index_id = decode_index_id(key)
    return (TEMP_INDEX_PREFIX | index_id) == index_id


# TiDB's names for the prefix builders (tablecodec.EncodeTablePrefix, GenTablePrefix,
# GenTableRecordPrefix, EncodeTableIndexPrefix, IndexKey2TempIndexKey, TempIndexKey2IndexKey).
encode_table_prefix = table_prefix
gen_table_prefix = table_prefix
gen_table_record_prefix = record_prefix
encode_table_index_prefix = index_prefix
index_key2_temp_index_key = index_key_to_temp_index_key
temp_index_key2_index_key = temp_index_key_to_index_key
