"""TiDB's table model (``model.TableInfo``) and its JSON form from TiDB's status API.

``GET /schema/{db}/{table}`` on TiDB's status port returns a ``TableInfo`` JSON object; the
encoder reads it to learn table, column and index IDs and column types, and the playground
serves the same JSON for the tables it creates. JSON keys are TiDB's (``cols``, ``index_info``,
``pk_is_handle``, ``type.Tp`` ...). Keys this model does not interpret are kept in ``extra`` so
``TableInfo.from_json(d).to_json()`` preserves them.

Public API: ``FieldType``, ``ColumnInfo``, ``IndexColumn``, ``IndexInfo``, ``TableInfo``
(``from_json`` / ``to_json`` on each), ``SchemaError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tidbkv import mysqltypes as m


class SchemaError(ValueError):
    """A TableInfo JSON document is malformed (missing or mistyped key)."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what}: bad or missing key {key!r}")
        self.what = what
        self.key = key


def _ci(name: str) -> dict[str, str]:
    return {"O": name, "L": name.lower()}


def _name(d: Mapping[str, Any], key: str, what: str) -> str:
    v = d.get(key)
    if isinstance(v, Mapping) and isinstance(v.get("O"), str):
        return str(v["O"])
    if isinstance(v, str):
        return v
    raise SchemaError(what, key)


def _int(d: Mapping[str, Any], key: str, what: str, default: int | None = None) -> int:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int):
        raise SchemaError(what, key)
    return v


@dataclass(frozen=True)
class FieldType:
    """A column type: MySQL type code, flags, length, decimals, charset, collation, elements."""

    tp: int
    flag: int = 0
    flen: int = m.UNSPECIFIED_LENGTH
    decimal: int = m.UNSPECIFIED_LENGTH
    charset: str = ""
    collate: str = ""
    elems: tuple[str, ...] = ()
    elems_is_binary_lit: tuple[bool, ...] = ()
    array: bool = False

    @property
    def unsigned(self) -> bool:
        return bool(self.flag & m.UNSIGNED_FLAG)

    @property
    def not_null(self) -> bool:
        return bool(self.flag & m.NOT_NULL_FLAG)

    @property
    def is_binary_string(self) -> bool:
        """True for BINARY/VARBINARY/BLOB: string types whose collation is ``binary``."""
        return self.tp in m.STRING_TYPES and self.collate == "binary"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FieldType:
        what = "FieldType"
        elems = d.get("Elems") or ()
        bin_lit = d.get("ElemsIsBinaryLit") or ()
        return cls(
            tp=_int(d, "Tp", what),
            flag=_int(d, "Flag", what, 0),
            flen=_int(d, "Flen", what, m.UNSPECIFIED_LENGTH),
            decimal=_int(d, "Decimal", what, m.UNSPECIFIED_LENGTH),
            charset=str(d.get("Charset") or ""),
            collate=str(d.get("Collate") or ""),
            elems=tuple(str(e) for e in elems),
            elems_is_binary_lit=tuple(bool(b) for b in bin_lit),
            array=bool(d.get("Array", False)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "Tp": self.tp,
            "Flag": self.flag,
            "Flen": self.flen,
            "Decimal": self.decimal,
            "Charset": self.charset,
            "Collate": self.collate,
            "Elems": list(self.elems) if self.elems else None,
            "ElemsIsBinaryLit": list(self.elems_is_binary_lit)
            if self.elems_is_binary_lit
            else None,
            "Array": self.array,
        }


_COLUMN_KEYS = frozenset(
    {
        "id",
        "name",
        "offset",
        "type",
        "default",
        "default_bit",
        "default_is_expr",
        "origin_default",
        "origin_default_bit",
        "generated_expr_string",
        "generated_stored",
        "state",
        "hidden",
        "comment",
        "version",
    }
)


@dataclass(frozen=True)
class ColumnInfo:
    """One column: id (used in row values), name, offset (position in the table), type, defaults."""

    id: int
    name: str
    offset: int
    field_type: FieldType
    # TiDB keeps defaults as strings (or null); "default_bit" holds BIT defaults.
    default: Any = None
    default_bit: Any = None
    default_is_expr: bool = False
    origin_default: Any = None
    origin_default_bit: Any = None
    generated_expr_string: str = ""
    generated_stored: bool = False
    state: int = m.STATE_PUBLIC
    hidden: bool = False
    comment: str = ""
    version: int = 2
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_generated(self) -> bool:
        return bool(self.generated_expr_string)

    @property
    def is_virtual_generated(self) -> bool:
        return bool(self.generated_expr_string) and not self.generated_stored

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ColumnInfo:
        what = "ColumnInfo"
        t = d.get("type")
        if not isinstance(t, Mapping):
            raise SchemaError(what, "type")
        return cls(
            id=_int(d, "id", what),
            name=_name(d, "name", what),
            offset=_int(d, "offset", what),
            field_type=FieldType.from_json(t),
            default=d.get("default"),
            default_bit=d.get("default_bit"),
            default_is_expr=bool(d.get("default_is_expr", False)),
            origin_default=d.get("origin_default"),
            origin_default_bit=d.get("origin_default_bit"),
            generated_expr_string=str(d.get("generated_expr_string") or ""),
            generated_stored=bool(d.get("generated_stored", False)),
            state=_int(d, "state", what, m.STATE_PUBLIC),
            hidden=bool(d.get("hidden", False)),
            comment=str(d.get("comment") or ""),
            version=_int(d, "version", what, 2),
            extra={k: v for k, v in d.items() if k not in _COLUMN_KEYS},
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        out.update(
            {
                "id": self.id,
                "name": _ci(self.name),
                "offset": self.offset,
                "origin_default": self.origin_default,
                "origin_default_bit": self.origin_default_bit,
                "default": self.default,
                "default_bit": self.default_bit,
                "default_is_expr": self.default_is_expr,
                "generated_expr_string": self.generated_expr_string,
                "generated_stored": self.generated_stored,
                "type": self.field_type.to_json(),
                "state": self.state,
                "comment": self.comment,
                "hidden": self.hidden,
                "version": self.version,
            }
        )
        return out


@dataclass(frozen=True)
class IndexColumn:
    """A column of an index: name, offset of the table column, prefix length (-1 = whole)."""

    name: str
    offset: int
    length: int = m.UNSPECIFIED_LENGTH

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> IndexColumn:
        what = "IndexColumn"
        return cls(
            name=_name(d, "name", what),
            offset=_int(d, "offset", what),
            length=_int(d, "length", what, m.UNSPECIFIED_LENGTH),
        )

    def to_json(self) -> dict[str, Any]:
        return {"name": _ci(self.name), "offset": self.offset, "length": self.length}


_INDEX_KEYS = frozenset(
    {
        "id",
        "idx_name",
        "tbl_name",
        "idx_cols",
        "state",
        "comment",
        "index_type",
        "is_unique",
        "is_primary",
        "is_invisible",
        "is_global",
    }
)


@dataclass(frozen=True)
class IndexInfo:
    """An index: id (used in index keys), columns, unique / primary."""

    id: int
    name: str
    table_name: str
    columns: tuple[IndexColumn, ...]
    unique: bool = False
    primary: bool = False
    state: int = m.STATE_PUBLIC
    comment: str = ""
    # model.IndexTypeBtree.
    index_type: int = 1
    invisible: bool = False
    is_global: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> IndexInfo:
        what = "IndexInfo"
        cols = d.get("idx_cols")
        if not isinstance(cols, list):
            raise SchemaError(what, "idx_cols")
        return cls(
            id=_int(d, "id", what),
            name=_name(d, "idx_name", what),
            table_name=_name(d, "tbl_name", what) if d.get("tbl_name") else "",
            columns=tuple(IndexColumn.from_json(c) for c in cols),
            unique=bool(d.get("is_unique", False)),
            primary=bool(d.get("is_primary", False)),
            state=_int(d, "state", what, m.STATE_PUBLIC),
            comment=str(d.get("comment") or ""),
            index_type=_int(d, "index_type", what, 1),
            invisible=bool(d.get("is_invisible", False)),
            is_global=bool(d.get("is_global", False)),
            extra={k: v for k, v in d.items() if k not in _INDEX_KEYS},
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        out.update(
            {
                "id": self.id,
                "idx_name": _ci(self.name),
                "tbl_name": _ci(self.table_name),
                "idx_cols": [c.to_json() for c in self.columns],
                "state": self.state,
                "comment": self.comment,
                "index_type": self.index_type,
                "is_unique": self.unique,
                "is_primary": self.primary,
                "is_invisible": self.invisible,
                "is_global": self.is_global,
            }
        )
        return out


_TABLE_KEYS = frozenset(
    {
        "id",
        "name",
        "charset",
        "collate",
        "cols",
        "index_info",
        "state",
        "pk_is_handle",
        "is_common_handle",
        "common_handle_version",
        "comment",
        "auto_inc_id",
        "auto_rand_id",
        "max_col_id",
        "max_idx_id",
        "ShardRowIDBits",
        "max_shard_row_id_bits",
        "auto_random_bits",
        "auto_random_range_bits",
        "pre_split_regions",
        "partition",
        "version",
    }
)


@dataclass(frozen=True)
class TableInfo:
    """A table: id (key prefix), columns in schema order, indexes, and how rows are keyed.

    ``pk_is_handle``: a single integer primary key is the row handle (no ``_tidb_rowid``).
    ``is_common_handle``: a clustered non-integer / composite primary key is the handle.
    Neither: rows are keyed by the hidden ``_tidb_rowid``.
    """

    id: int
    name: str
    columns: tuple[ColumnInfo, ...]
    indices: tuple[IndexInfo, ...] = ()
    pk_is_handle: bool = False
    is_common_handle: bool = False
    common_handle_version: int = 0
    charset: str = "utf8mb4"
    collate: str = "utf8mb4_bin"
    comment: str = ""
    state: int = m.STATE_PUBLIC
    auto_inc_id: int = 0
    auto_rand_id: int = 0
    auto_random_bits: int = 0
    auto_random_range_bits: int = 0
    shard_row_id_bits: int = 0
    max_shard_row_id_bits: int = 0
    pre_split_regions: int = 0
    max_col_id: int = 0
    max_idx_id: int = 0
    version: int = 5
    partition: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def column(self, name: str) -> ColumnInfo:
        """The column named ``name`` (case-insensitive); KeyError if there is none."""
        low = name.lower()
        for c in self.columns:
            if c.name.lower() == low:
                return c
        raise KeyError(name)

    @property
    def primary_index(self) -> IndexInfo | None:
        """The PRIMARY KEY index entry, if the table lists one in ``index_info``."""
        for idx in self.indices:
            if idx.primary:
                return idx
        return None

    @property
    def handle_column(self) -> ColumnInfo | None:
        """The integer PK column that is the handle when ``pk_is_handle``, else None."""
        if not self.pk_is_handle:
            return None
        for c in self.columns:
            if c.field_type.flag & m.PRI_KEY_FLAG:
                return c
        return None

    @property
    def has_implicit_row_id(self) -> bool:
        """True when rows are keyed by ``_tidb_rowid``."""
        return not self.pk_is_handle and not self.is_common_handle

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TableInfo:
        what = "TableInfo"
        cols = d.get("cols")
        if not isinstance(cols, list):
            raise SchemaError(what, "cols")
        idxs = d.get("index_info") or []
        if not isinstance(idxs, list):
            raise SchemaError(what, "index_info")
        part = d.get("partition")
        return cls(
            id=_int(d, "id", what),
            name=_name(d, "name", what),
            columns=tuple(ColumnInfo.from_json(c) for c in cols),
            indices=tuple(IndexInfo.from_json(i) for i in idxs),
            pk_is_handle=bool(d.get("pk_is_handle", False)),
            is_common_handle=bool(d.get("is_common_handle", False)),
            common_handle_version=_int(d, "common_handle_version", what, 0),
            charset=str(d.get("charset") or ""),
            collate=str(d.get("collate") or ""),
            comment=str(d.get("comment") or ""),
            state=_int(d, "state", what, m.STATE_PUBLIC),
            auto_inc_id=_int(d, "auto_inc_id", what, 0),
            auto_rand_id=_int(d, "auto_rand_id", what, 0),
            auto_random_bits=_int(d, "auto_random_bits", what, 0),
            auto_random_range_bits=_int(d, "auto_random_range_bits", what, 0),
            shard_row_id_bits=_int(d, "ShardRowIDBits", what, 0),
            max_shard_row_id_bits=_int(d, "max_shard_row_id_bits", what, 0),
            pre_split_regions=_int(d, "pre_split_regions", what, 0),
            max_col_id=_int(d, "max_col_id", what, 0),
            max_idx_id=_int(d, "max_idx_id", what, 0),
            version=_int(d, "version", what, 5),
            partition=part if isinstance(part, Mapping) else None,
            extra={k: v for k, v in d.items() if k not in _TABLE_KEYS},
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        out.update(
            {
                "id": self.id,
                "name": _ci(self.name),
                "charset": self.charset,
                "collate": self.collate,
                "cols": [c.to_json() for c in self.columns],
                "index_info": [i.to_json() for i in self.indices],
                "state": self.state,
                "pk_is_handle": self.pk_is_handle,
                "is_common_handle": self.is_common_handle,
                "common_handle_version": self.common_handle_version,
                "comment": self.comment,
                "auto_inc_id": self.auto_inc_id,
                "auto_rand_id": self.auto_rand_id,
                "max_col_id": self.max_col_id,
                "max_idx_id": self.max_idx_id,
                "ShardRowIDBits": self.shard_row_id_bits,
                "max_shard_row_id_bits": self.max_shard_row_id_bits,
                "auto_random_bits": self.auto_random_bits,
                "auto_random_range_bits": self.auto_random_range_bits,
                "pre_split_regions": self.pre_split_regions,
                "partition": dict(self.partition) if self.partition is not None else None,
                "version": self.version,
            }
        )
        return out
