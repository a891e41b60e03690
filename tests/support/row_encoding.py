"""Encodes table rows into TiDB KV pairs with tidbkv (int-handle tables), for tests that
need real data in a cluster: casting literals, row format v2 values, record and index keys."""

from __future__ import annotations

from collections.abc import Sequence

from tidbkv import keys
from tidbkv.cast import DEFAULT_SQL_MODE, SQLMode, cast_value
from tidbkv.index import gen_index_kv
from tidbkv.literals import Literal
from tidbkv.rowcodec import encode_row
from tidbkv.schema import TableInfo


def encode_rows(
    table: TableInfo,
    rows: Sequence[Sequence[Literal]],
    first_row_id: int = 1,
    sql_mode: SQLMode = DEFAULT_SQL_MODE,
) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    """``(data KVs, index KVs)`` of ``rows`` (one literal per column, table order), each sorted.

    The handle is the integer PK when ``pk_is_handle``, else a row id counted from
    ``first_row_id``. Common-handle tables are not supported here.
    """
    if table.is_common_handle:
        raise ValueError("common-handle tables are not supported by this helper")
    cols = sorted(table.columns, key=lambda c: c.offset)
    handle_col = table.handle_column
    data: list[tuple[bytes, bytes]] = []
    index: list[tuple[bytes, bytes]] = []
    for n, row in enumerate(rows):
        datums = [
            cast_value(v, c, time_zone="UTC", sql_mode=sql_mode)
            for v, c in zip(row, cols, strict=True)
        ]
        if handle_col is not None:
            handle = int(datums[handle_col.offset].value)  # type: ignore[arg-type]
        else:
            handle = first_row_id + n
        stored = [(c.id, d) for c, d in zip(cols, datums, strict=True) if c is not handle_col]
        value = encode_row([cid for cid, _ in stored], [d for _, d in stored])
        data.append((keys.encode_row_key_with_handle(table.id, handle), value))
        for idx in table.indices:
            index.append(gen_index_kv(table, idx, datums, handle))
    return sorted(data), sorted(index)
