"""``ADMIN CHECKSUM TABLE``: CRC64-XOR, KV count and bytes over a table's stored KVs.

Like TiDB's checksum executor it covers the record range and the range of every public index,
and has each region's leader sum the visible version of each key (the stores' checksum
coprocessor); the per-KV CRC is taken over the raw key and value (``tidbkv.checksum``).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.reader import KvReader
from tidbkv import keys
from tidbkv import mysqltypes as m
from tidbkv.checksum import KVChecksum
from tidbkv.schema import TableInfo

COLUMNS = ("Db_name", "Table_name", "Checksum_crc64_xor", "Total_kvs", "Total_bytes")


@dataclass(frozen=True)
class TableChecksum:
    db: str
    table: str
    checksum: int
    kvs: int
    bytes: int

    def row(self) -> tuple[str, str, int, int, int]:
        return (self.db, self.table, self.checksum, self.kvs, self.bytes)


def ranges(table: TableInfo) -> list[tuple[bytes, bytes]]:
    """The raw key ranges ADMIN CHECKSUM covers: rows, then each public index."""
    out = [keys.record_range(table.id)]
    for idx in table.indices:
        if idx.state != m.STATE_PUBLIC:
            continue
        out.append((keys.index_prefix(table.id, idx.id), keys.index_prefix(table.id, idx.id + 1)))
    return out


def checksum_table(
    reader: KvReader, db: str, table: TableInfo, ts: int | None = None
) -> TableChecksum:
    acc = KVChecksum()
    for start, end in ranges(table):
        acc.merge(reader.checksum(start, end, ts))
    return TableChecksum(db, table.name, acc.checksum, acc.kvs, acc.bytes)
