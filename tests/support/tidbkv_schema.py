"""Compact builders for tidbkv ``TableInfo`` objects in tests.

``table(id, cols, indices=..., pk=...)`` assigns column IDs (1, 2, ...) and offsets in order
and marks primary-key columns, the way TiDB's DDL would for the equivalent CREATE TABLE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tidbkv import mysqltypes as m
from tidbkv.schema import ColumnInfo, FieldType, IndexColumn, IndexInfo, TableInfo

_DEFAULT_FLEN = {
    m.TYPE_TINY: 4,
    m.TYPE_SHORT: 6,
    m.TYPE_INT24: 9,
    m.TYPE_LONG: 11,
    m.TYPE_LONGLONG: 20,
    m.TYPE_FLOAT: 12,
    m.TYPE_DOUBLE: 22,
    m.TYPE_DATE: 10,
    m.TYPE_DATETIME: 19,
    m.TYPE_TIMESTAMP: 19,
    m.TYPE_DURATION: 10,
    m.TYPE_YEAR: 4,
    m.TYPE_JSON: 4294967295,
    m.TYPE_BLOB: 65535,
}


def ft(
    tp: int,
    *,
    flen: int | None = None,
    decimal: int = -1,
    unsigned: bool = False,
    not_null: bool = False,
    collate: str | None = None,
    charset: str | None = None,
    elems: Sequence[str] = (),
    flag: int = 0,
) -> FieldType:
    """A FieldType with TiDB-like defaults (strings default to utf8mb4_bin)."""
    if tp in m.STRING_TYPES or tp in (m.TYPE_ENUM, m.TYPE_SET):
        collate = collate or "utf8mb4_bin"
        charset = charset or ("binary" if collate == "binary" else collate.split("_")[0])
    else:
        collate = collate or "binary"
        charset = charset or "binary"
    if unsigned:
        flag |= m.UNSIGNED_FLAG
    if not_null:
        flag |= m.NOT_NULL_FLAG
    if collate == "binary" and tp in m.STRING_TYPES:
        flag |= m.BINARY_FLAG
    return FieldType(
        tp=tp,
        flag=flag,
        flen=flen if flen is not None else _DEFAULT_FLEN.get(tp, -1),
        decimal=decimal,
        charset=charset,
        collate=collate,
        elems=tuple(elems),
    )


def col(name: str, field_type: FieldType, **kw: Any) -> tuple[str, FieldType, dict[str, Any]]:
    """A column spec: name, type and ColumnInfo keyword fields (default, origin_default ...)."""
    return (name, field_type, kw)


def index(
    id: int,
    name: str,
    cols: Sequence[str | tuple[str, int]],
    *,
    unique: bool = False,
    primary: bool = False,
) -> tuple[int, str, Sequence[str | tuple[str, int]], bool, bool]:
    """An index spec; a column is a name or ``(name, prefix length)``."""
    return (id, name, cols, unique, primary)


def table(
    id: int,
    cols: Sequence[tuple[str, FieldType, dict[str, Any]]],
    *,
    indices: Sequence[tuple[int, str, Sequence[str | tuple[str, int]], bool, bool]] = (),
    pk_is_handle: bool = False,
    clustered: bool = False,
    name: str = "t",
    **kw: Any,
) -> TableInfo:
    """A TableInfo. ``pk_is_handle``: the PRIMARY index's single int column is the handle
    (its IndexInfo is dropped, as TiDB does); ``clustered``: common handle, version 1."""
    columns = [
        ColumnInfo(id=i + 1, name=n, offset=i, field_type=f, **extra)
        for i, (n, f, extra) in enumerate(cols)
    ]
    by_name = {c.name: c for c in columns}
    infos: list[IndexInfo] = []
    for iid, iname, icols, unique, primary in indices:
        ics = []
        for spec in icols:
            cname, length = (spec, -1) if isinstance(spec, str) else spec
            c = by_name[cname]
            ics.append(IndexColumn(name=cname, offset=c.offset, length=length))
            if primary:
                flags = c.field_type.flag | m.PRI_KEY_FLAG | m.NOT_NULL_FLAG
                columns[c.offset] = replace(c, field_type=replace(c.field_type, flag=flags))
                by_name[cname] = columns[c.offset]
        if primary and pk_is_handle:
            continue
        infos.append(
            IndexInfo(
                id=iid,
                name=iname,
                table_name=name,
                columns=tuple(ics),
                unique=unique or primary,
                primary=primary,
            )
        )
    return TableInfo(
        id=id,
        name=name,
        columns=tuple(columns),
        indices=tuple(infos),
        pk_is_handle=pk_is_handle,
        is_common_handle=clustered,
        common_handle_version=1 if clustered else 0,
        **kw,
    )
