"""A CHUNK task: read a chunk, cast and encode its rows, deliver the KV pairs, sum the checksum.

reader (``encoder.source.read_chunk``, fast path from the table's ``RowShape``) -> one
``TableEncoder`` per column list / time zone (generated fast path) -> ``Delivery`` (bounded
queue, WriteEngine streams in a thread). Data KVs go to the chunk's data engine, index KVs to
the table's index engine (Lightning's uuids). Row ``i`` of a batch gets the implicit row ID
``batch.first_rowid + i``; ``now`` and the AUTO_RANDOM seed come from the job settings, so a
chunk re-encoded on any encoder yields the same bytes and re-delivery is idempotent.

A value that cannot be cast raises ``EncodeError`` naming the table, column, value, file and
the row's offset; a malformed file raises the reader's ``DumpError`` (file and offset).

Public API: ``ChunkResult``, ``run_chunk``, ``max_row_id``.
"""

from __future__ import annotations

import json
import time
import uuid as uuidlib
from dataclasses import dataclass
from functools import partial

import structlog

from encoder.context import WorkerContext
from encoder.delivery import Delivery
from encoder.engineid import INDEX_ENGINE_ID, engine_uuid, unique_table_name
from encoder.errors import EncodeError
from encoder.events import Progress
from encoder.leases import Lease
from encoder.retry import retry
from encoder.source import (
    UNBOUNDED_END,
    Chunk,
    ColumnCountError,
    Compression,
    FileType,
    ReadOptions,
    RowBatch,
    RowShape,
    read_chunk,
)
from tidbkv import mysqltypes as m
from tidbkv.cast import CastError, DefaultValueError
from tidbkv.checksum import KVChecksum
from tidbkv.schema import TableInfo
from tidbkv.table import AutoIDs, TableEncoder
from tidbkv.table import ColumnCountError as RowLengthError

log = structlog.get_logger("encoder.chunk")


@dataclass(frozen=True)
class ChunkResult:
    """What a completed chunk reports."""

    checksum: KVChecksum
    rows: int
    source_bytes: int
    max_row_id: int


def max_row_id(table: TableInfo, ids: AutoIDs) -> int:
    """The value the table's allocator must be rebased past: the AUTO_RANDOM incremental part
    for AUTO_RANDOM tables, else the largest ``_tidb_rowid`` / AUTO_INCREMENT value."""
    if table.auto_random_bits > 0:
        return ids.auto_random
    return max(ids.row_id, ids.auto_increment)


def _visible_columns(table: TableInfo) -> tuple[list[str], RowShape]:
    cols = [c for c in table.columns if c.state == m.STATE_PUBLIC and not c.hidden]
    names = [c.name for c in cols]
    return names, RowShape.from_field_types(names, [c.field_type for c in cols])


class _Encoders:
    """One ``TableEncoder`` per (column list, time zone) seen in the chunk."""

    def __init__(self, ctx: WorkerContext, table: TableInfo, seed: int) -> None:
        self._ctx = ctx
        self._table = table
        self._seed = seed
        self._cache: dict[tuple[tuple[str, ...] | None, str], TableEncoder] = {}

    def get(self, batch: RowBatch) -> TableEncoder:
        s = self._ctx.settings
        tz = batch.session.time_zone or s.time_zone
        key = (batch.columns, tz)
        enc = self._cache.get(key)
        if enc is None:
            enc = TableEncoder(
                self._table,
                row_format_version=s.row_format_version,
                new_collation=s.new_collation,
                time_zone=tz,
                sql_mode=s.sql_mode,
                column_names=batch.columns,
                auto_random_seed=self._seed,
                now=s.now_datetime,
            )
            self._cache[key] = enc
        return enc

    def auto_ids(self) -> AutoIDs:
        out = AutoIDs()
        for enc in self._cache.values():
            ids = enc.auto_ids
            out.row_id = max(out.row_id, ids.row_id)
            out.auto_increment = max(out.auto_increment, ids.auto_increment)
            out.auto_random = max(out.auto_random, ids.auto_random)
        return out


def _row_error(exc: Exception, table: str, batch: RowBatch, i: int, path: str) -> Exception:
    offset = batch.offsets[i] if i < len(batch.offsets) else -1
    where = batch.paths[i] if batch.paths else path
    if isinstance(exc, CastError):
        reason = exc.reason + (f" ({exc.detail})" if exc.detail else "")
        return EncodeError(table, exc.column, exc.value, reason, where, offset)
    if isinstance(exc, DefaultValueError):
        return EncodeError(table, exc.column, exc.default, "cannot evaluate default", where, offset)
    if isinstance(exc, RowLengthError):
        return ColumnCountError(where, offset, exc.expected, exc.got)
    return exc


def _open_engines(ctx: WorkerContext, lease: Lease, *uuids: uuidlib.UUID) -> None:
    for uid in uuids:
        retry(partial(ctx.kv.open, uid), what="open engine", check=lease.check)


def run_chunk(ctx: WorkerContext, lease: Lease) -> ChunkResult:
    """Encodes and delivers the chunk of ``lease.task``; returns what to complete it with."""
    task = lease.task
    tp = ctx.plan.tables[task.table_index]
    cp = tp.chunks[task.chunk_index]
    chunk = Chunk.from_json(json.loads(cp.source_json))
    table_name = unique_table_name(tp.db, tp.name)
    info = ctx.table_info(tp.db, tp.name)
    names, shape = _visible_columns(info)
    settings = ctx.settings
    opts = ReadOptions(
        shape=shape,
        column_count=len(names),
        csv=settings.csv,
        ticdc=settings.ticdc,
        read_block_size=settings.read_block_size,
        batch_rows=ctx.config.importer.max_kv_pairs,
    )
    data_engine = engine_uuid(tp.db, tp.name, cp.engine_id)
    index_engine = engine_uuid(tp.db, tp.name, INDEX_ENGINE_ID)
    _open_engines(ctx, lease, data_engine, index_engine)

    encoders = _Encoders(ctx, info, settings.chunk_seed(chunk.key))
    checksum = KVChecksum()
    bounded = (
        chunk.end_offset != UNBOUNDED_END
        and chunk.compression is Compression.NONE
        and chunk.file_type is not FileType.TICDC
    )
    started = time.perf_counter()
    read_s = encode_s = 0.0
    rows = 0
    pos = chunk.offset
    commit_ts = int(settings.now_datetime.timestamp() * 1000) << 18
    with Delivery(
        ctx.kv,
        data_engine,
        index_engine,
        commit_ts=commit_ts,
        depth=ctx.config.importer.queue_batches,
        check=lease.check,
    ) as delivery:
        batches = iter(read_chunk(ctx.root, chunk, opts))
        while True:
            t0 = time.perf_counter()
            batch = next(batches, None)
            t1 = time.perf_counter()
            read_s += t1 - t0
            if batch is None:
                break
            lease.check()
            data, index = _encode_batch(encoders.get(batch), batch, table_name, chunk.path)
            checksum.update_pairs(data)
            checksum.update_pairs(index)
            encode_s += time.perf_counter() - t1
            delivery.put(data, index)
            rows += len(batch)
            advanced = batch.end_pos - pos if bounded else 0
            pos = batch.end_pos
            ctx.events.emit(
                Progress(
                    task.task_id, task.table_index, len(batch), advanced, len(data) + len(index)
                )
            )
        wait_started = time.perf_counter()
        delivery.finish()
        wait_s = time.perf_counter() - wait_started
    source_bytes = cp.end_offset - cp.offset if bounded else cp.file_size
    if not bounded:
        ctx.events.emit(Progress(task.task_id, task.table_index, 0, source_bytes, 0))
    ids = encoders.auto_ids()
    log.info(
        "chunk encoded",
        table=table_name,
        path=chunk.path,
        offset=chunk.offset,
        rows=rows,
        kvs=checksum.kvs,
        read_s=round(read_s, 3),
        encode_s=round(encode_s, 3),
        deliver_s=round(delivery.deliver_seconds, 3),
        wait_s=round(wait_s, 3),
        elapsed=round(time.perf_counter() - started, 3),
    )
    return ChunkResult(checksum, rows, source_bytes, max_row_id(info, ids))


def _encode_batch(
    enc: TableEncoder, batch: RowBatch, table: str, path: str
) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    data: list[tuple[bytes, bytes]] = []
    index: list[tuple[bytes, bytes]] = []
    add_data = data.extend
    add_index = index.extend
    encode = enc.encode
    row_id = batch.first_rowid
    try:
        for row in batch.rows:
            d, x = encode(row, row_id)
            add_data(d)
            add_index(x)
            row_id += 1
    except (CastError, DefaultValueError, RowLengthError) as exc:
        raise _row_error(exc, table, batch, row_id - batch.first_rowid, path) from exc
    return data, index
