"""MySQL column type codes and column flag bits, as TiDB's ``pkg/parser/mysql`` defines them.

Public API: the ``TYPE_*`` codes, the ``*_FLAG`` bits, ``STATE_PUBLIC``, ``UNSPECIFIED_LENGTH``,
``INTEGER_TYPES``, ``STRING_TYPES``, ``BLOB_TYPES``, ``TIME_TYPES``, ``type_name``.
"""

from __future__ import annotations

TYPE_UNSPECIFIED = 0
TYPE_TINY = 1
TYPE_SHORT = 2
TYPE_LONG = 3
TYPE_FLOAT = 4
TYPE_DOUBLE = 5
TYPE_NULL = 6
TYPE_TIMESTAMP = 7
TYPE_LONGLONG = 8
TYPE_INT24 = 9
TYPE_DATE = 10
TYPE_DURATION = 11
TYPE_DATETIME = 12
TYPE_YEAR = 13
TYPE_NEWDATE = 14
TYPE_VARCHAR = 15
TYPE_BIT = 16
TYPE_TIEDB_VECTOR_FLOAT32 = 225
TYPE_JSON = 245
TYPE_NEWDECIMAL = 246
TYPE_ENUM = 247
TYPE_SET = 248
TYPE_TINY_BLOB = 249
TYPE_MEDIUM_BLOB = 250
TYPE_LONG_BLOB = 251
TYPE_BLOB = 252
TYPE_VAR_STRING = 253
TYPE_STRING = 254
TYPE_GEOMETRY = 255

NOT_NULL_FLAG = 1
PRI_KEY_FLAG = 2
UNIQUE_KEY_FLAG = 4
MULTIPLE_KEY_FLAG = 8
BLOB_FLAG = 16
UNSIGNED_FLAG = 32
ZEROFILL_FLAG = 64
BINARY_FLAG = 128
ENUM_FLAG = 256
AUTO_INCREMENT_FLAG = 512
TIMESTAMP_FLAG = 1024
SET_FLAG = 2048
NO_DEFAULT_VALUE_FLAG = 4096
ON_UPDATE_NOW_FLAG = 8192
PART_KEY_FLAG = 16384
NUM_FLAG = 32768

# model.SchemaState: StatePublic.
STATE_PUBLIC = 5
# types.UnspecifiedLength.
UNSPECIFIED_LENGTH = -1

INTEGER_TYPES = frozenset({TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_LONG, TYPE_LONGLONG})
BLOB_TYPES = frozenset({TYPE_TINY_BLOB, TYPE_MEDIUM_BLOB, TYPE_LONG_BLOB, TYPE_BLOB})
STRING_TYPES = frozenset({TYPE_VARCHAR, TYPE_VAR_STRING, TYPE_STRING}) | BLOB_TYPES
TIME_TYPES = frozenset({TYPE_DATE, TYPE_DATETIME, TYPE_TIMESTAMP, TYPE_NEWDATE})

_NAMES = {
    TYPE_TINY: "tinyint",
    TYPE_SHORT: "smallint",
    TYPE_INT24: "mediumint",
    TYPE_LONG: "int",
    TYPE_LONGLONG: "bigint",
    TYPE_FLOAT: "float",
    TYPE_DOUBLE: "double",
    TYPE_NEWDECIMAL: "decimal",
    TYPE_BIT: "bit",
    TYPE_DATE: "date",
    TYPE_DATETIME: "datetime",
    TYPE_TIMESTAMP: "timestamp",
    TYPE_DURATION: "time",
    TYPE_YEAR: "year",
    TYPE_VARCHAR: "varchar",
    TYPE_VAR_STRING: "varchar",
    TYPE_STRING: "char",
    TYPE_TINY_BLOB: "tinytext",
    TYPE_BLOB: "text",
    TYPE_MEDIUM_BLOB: "mediumtext",
    TYPE_LONG_BLOB: "longtext",
    TYPE_JSON: "json",
    TYPE_ENUM: "enum",
    TYPE_SET: "set",
    TYPE_GEOMETRY: "geometry",
    TYPE_NULL: "null",
}


def type_name(tp: int) -> str:
    """Lower-case SQL name of a type code (``"bigint"``, ``"varchar"``, ...); text names for blobs."""
    return _NAMES.get(tp, f"type#{tp}")
