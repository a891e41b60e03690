"""TiDB's key layout (``pkg/tablecodec``): table, record (row) and index key prefixes.

* table prefix  ``'t' + encode_int(table_id)`` (9 bytes)
* record prefix ``table prefix + '_r'`` (11 bytes); an int-handle row key appends
  ``encode_int(handle)`` (19 bytes in all)
* index prefix  ``table prefix + '_i' + encode_int(index_id)`` (19 bytes)

Public API: ``TABLE_PREFIX``, ``RECORD_PREFIX_SEP``, ``INDEX_PREFIX_SEP``, ``table_prefix``,
``record_prefix``, ``index_prefix``, ``encode_row_key_with_handle``, ``decode_table_id``,
``decode_row_key_int_handle``, ``is_record_key``, ``is_index_key``, ``table_range``,
``record_range``.
"""

from __future__ import annotations

from tidbkv.codec import decode_int, encode_int
from tidbkv.errors import DecodeError

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
    """Table ID of any ``t``-prefixed key."""
    if key[:1] != TABLE_PREFIX or len(key) < 9:
        raise DecodeError("table key", key, "not a table key")
    return decode_int(key[1:9])[0]


def is_record_key(key: bytes) -> bool:
    return len(key) >= PREFIX_LEN and key[:1] == TABLE_PREFIX and key[9:11] == RECORD_PREFIX_SEP


def is_index_key(key: bytes) -> bool:
    return len(key) >= PREFIX_LEN and key[:1] == TABLE_PREFIX and key[9:11] == INDEX_PREFIX_SEP


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
