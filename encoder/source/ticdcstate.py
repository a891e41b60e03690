"""Materialising a TiCDC table's final state and reading it as rows.

Every ``I``/``U``/``D`` event of every data file is written to a scratch LevelDB (plyvel) under
``key = primary-key values ‖ order`` with ``order = (commit-ts, table version, file, line)``
(commit-ts is 0 when the files carry none, so file order decides; later table versions come
after earlier ones). LevelDB sorts the keys, so a final scan sees all events of one primary key
together and in apply order: the last one wins — an ``I``/``U`` row is emitted, a ``D`` removes
it. Writes are appends (no read-modify-write) and memory is bounded by LevelDB's write buffer
and one write batch, whatever the data size. A table without a primary key is treated as a
multiset of whole rows (inserts minus deletes); an update there is an error.

Rows come out in primary-key byte order, the same on every run, so row IDs are reproducible.

Public API: ``read_ticdc``, ``ticdc_events``.
"""

from __future__ import annotations

import base64
import binascii
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import plyvel
import structlog

from encoder.source.batch import Cursor, RowBatch
from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.chunk import Chunk
from encoder.source.compression import open_stream
from encoder.source.config import TiCDCConfig
from encoder.source.csvformat import CSVFormat
from encoder.source.errors import CDCError, RowIDOverflowError
from encoder.source.session import Session
from encoder.source.ticdcscan import TiCDCTable, load_ticdc_table
from encoder.source.values import unescape_csv
from tidbkv.codec import decode_uvarint, encode_bytes, encode_uvarint
from tidbkv.literals import Literal

log = structlog.get_logger(__name__)

_ORDER = struct.Struct(">QIIQ")  # commit-ts, version index, file index, line number
WRITE_BATCH_EVENTS = 10_000
LEVELDB_WRITE_BUFFER = 16 << 20
_OPS = {b"I": 0, b"U": 1, b"D": 2}

Event = tuple[int, int, int, tuple[bytes | None, ...]]  # offset, op, commit-ts, values


def ticdc_events(
    root: Path, table: TiCDCTable, version_index: int, file_index: int, cfg: TiCDCConfig
) -> Iterator[Event]:
    """The events of one data file: (record offset, op 0=I/1=U/2=D, commit-ts, values)."""
    version = table.versions[version_index]
    f = version.files[file_index]
    columns = version.definition.columns
    binary = [c.is_binary for c in columns]
    fmt = CSVFormat(cfg.csv_config())
    meta = 3 + int(cfg.include_commit_ts) + int(cfg.output_old_value)
    want = meta + len(columns)
    with open_stream(root, f.path, f.compression) as stream:
        buf = BlockBuffer(stream, 1 << 16)
        buf.fill(0)
        p = 0
        first = True
        flags: list[bool] = []
        while True:
            try:
                q = fmt.skip_empty_lines(buf, p)
                if q >= len(buf.data):
                    return
                fields, end = fmt.record(buf, q, flags)
            except NeedMore:
                buf.fill(p)
                p = 0
                continue
            offset = buf.offset(q)
            p = end
            if first and cfg.output_field_header:
                first = False
                continue
            first = False
            if len(fields) != want:
                raise CDCError(f.path, f"expected {want} fields, found {len(fields)}", offset)
            op = _OPS.get(fields[0])
            if op is None:
                raise CDCError(f.path, f"unknown operation {fields[0][:8]!r}", offset)
            commit_ts = 0
            if cfg.include_commit_ts:
                try:
                    commit_ts = int(fields[3])
                except ValueError:
                    raise CDCError(f.path, "commit-ts is not a number", offset) from None
            values: list[bytes | None] = []
            for i in range(len(columns)):
                raw, quoted = fields[meta + i], flags[meta + i]
                value = (unescape_csv(raw) if fmt.escape else raw) if quoted else fmt.convert(raw)
                if not (value is None or isinstance(value, bytes)):  # pragma: no cover
                    raise TypeError("CSV fields are bytes")
                if value is not None and binary[i]:
                    value = _decode_binary(value, cfg.binary_encoding_method, f.path, offset)
                values.append(value)
            yield offset, op, commit_ts, tuple(values)


def _decode_binary(value: bytes, method: str, path: str, offset: int) -> bytes:
    try:
        if method == "hex":
            return binascii.unhexlify(value)
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CDCError(path, f"binary value is not valid {method}", offset) from None


def _key_part(values: tuple[bytes | None, ...]) -> bytes:
    return b"".join(b"\x00" if v is None else b"\x01" + encode_bytes(v) for v in values)


def _encode_value(
    op: int, version: int, file: int, offset: int, values: tuple[bytes | None, ...]
) -> bytes:
    out = [bytes((op,)), encode_uvarint(version), encode_uvarint(file), encode_uvarint(offset)]
    for v in values:
        if v is None:
            out.append(b"\x00")
        else:
            out.append(b"\x01" + encode_uvarint(len(v)) + v)
    return b"".join(out)


def _decode_value(data: bytes) -> tuple[int, int, int, int, tuple[bytes | None, ...]]:
    op = data[0]
    version, rest = decode_uvarint(data[1:])
    file, rest = decode_uvarint(rest)
    offset, rest = decode_uvarint(rest)
    values: list[bytes | None] = []
    while rest:
        if rest[0] == 0:
            values.append(None)
            rest = rest[1:]
        else:
            n, rest = decode_uvarint(rest[1:])
            values.append(rest[:n])
            rest = rest[n:]
    return op, version, file, offset, tuple(values)


def _final_rows(
    root: Path, table: TiCDCTable, cfg: TiCDCConfig, db: plyvel.DB
) -> Iterator[tuple[int, int, int, tuple[bytes | None, ...]]]:
    """Apply all events; yield (version index, file index, offset, values) of surviving rows."""
    pk = table.definition.primary_key
    events = 0
    batch = db.write_batch()
    for vi, version in enumerate(table.versions):
        names = [c.name.lower() for c in version.definition.columns]
        if pk:
            try:
                pk_idx = [names.index(n.lower()) for n in pk]
            except ValueError:
                raise CDCError(
                    version.schema_path, "primary key column missing in this version"
                ) from None
        else:
            prefix = _key_part(tuple(n.encode() for n in names))
        for fi, f in enumerate(version.files):
            for line, (offset, op, ts, values) in enumerate(ticdc_events(root, table, vi, fi, cfg)):
                if pk:
                    key = _key_part(tuple(values[i] for i in pk_idx))
                elif op == 1:
                    raise CDCError(f.path, "UPDATE on a table without a primary key", offset)
                else:
                    key = prefix + _key_part(values)
                batch.put(
                    key + _ORDER.pack(ts, vi, fi, line), _encode_value(op, vi, fi, offset, values)
                )
                events += 1
                if events % WRITE_BATCH_EVENTS == 0:
                    batch.write()
                    batch = db.write_batch()
    batch.write()
    log.info("ticdc events applied", table=f"`{table.db}`.`{table.name}`", events=events)

    group: bytes | None = None
    last: bytes | None = None
    count = 0
    for k, v in db.iterator():
        g = k[: -_ORDER.size]
        if g != group:
            if group is not None and last is not None:
                yield from _emit(last, count, bool(pk), table)
            group, count = g, 0
        last = v
        count += -1 if v[0] == 2 else 1
    if group is not None and last is not None:
        yield from _emit(last, count, bool(pk), table)


def _emit(
    value: bytes, count: int, keyed: bool, table: TiCDCTable
) -> Iterator[tuple[int, int, int, tuple[bytes | None, ...]]]:
    op, vi, fi, offset, values = _decode_value(value)
    if keyed:
        if op != 2:
            yield vi, fi, offset, values
        return
    if count < 0:
        path = table.versions[vi].files[fi].path
        raise CDCError(
            path, "more deletes than inserts of a row (table without primary key)", offset
        )
    for _ in range(count):
        yield vi, fi, offset, values


def read_ticdc(
    root: Path | str,
    chunk: Chunk,
    cfg: TiCDCConfig,
    *,
    work_dir: Path | None = None,
    batch_rows: int = 4096,
    cursor: Cursor | None = None,
) -> Iterator[RowBatch]:
    """The final state of the TiCDC table ``chunk.path`` as row batches (columns per batch are
    the table version's columns the row was written with). ``cursor.pos`` counts rows."""
    root = Path(root)
    table = load_ticdc_table(root, chunk.path)
    skip = cursor.pos if cursor else 0
    next_rowid = (cursor.prev_rowid if cursor else chunk.prev_rowid_max) + 1
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ticdc-state-", dir=work_dir))
    try:
        try:
            db = plyvel.DB(str(tmp), create_if_missing=True, write_buffer_size=LEVELDB_WRITE_BUFFER)
        except plyvel.Error as exc:
            raise CDCError(str(tmp), f"cannot open scratch LevelDB: {exc}") from exc
        try:
            rows: list[tuple[Literal, ...]] = []
            offsets: list[int] = []
            paths: list[str] = []
            columns: tuple[str, ...] | None = None
            emitted = 0
            first_rowid = next_rowid
            for vi, fi, offset, values in _final_rows(root, table, cfg, db):
                emitted += 1
                if emitted <= skip:
                    continue
                cols = table.versions[vi].definition.column_names
                if rows and cols != columns:
                    yield _batch(rows, offsets, paths, first_rowid, columns, emitted - 1, chunk)
                    first_rowid += len(rows)
                    rows, offsets, paths = [], [], []
                columns = cols
                rows.append(values)
                offsets.append(offset)
                paths.append(table.versions[vi].files[fi].path)
                if len(rows) >= batch_rows:
                    yield _batch(rows, offsets, paths, first_rowid, columns, emitted, chunk)
                    first_rowid += len(rows)
                    rows, offsets, paths = [], [], []
            if rows:
                yield _batch(rows, offsets, paths, first_rowid, columns, emitted, chunk)
        except plyvel.Error as exc:
            raise CDCError(str(tmp), f"scratch LevelDB failed: {exc}") from exc
        finally:
            db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info(
        "ticdc table read",
        table=f"`{table.db}`.`{table.name}`",
        rows=emitted,
        elapsed=round(time.monotonic() - started, 3),
    )


def _batch(
    rows: list[tuple[Literal, ...]],
    offsets: list[int],
    paths: list[str],
    first_rowid: int,
    columns: tuple[str, ...] | None,
    emitted: int,
    chunk: Chunk,
) -> RowBatch:
    last = first_rowid + len(rows) - 1
    if last > chunk.rowid_max:
        bad = max(chunk.rowid_max - first_rowid + 1, 0)
        raise RowIDOverflowError(paths[bad], offsets[bad], chunk.rowid_max)
    return RowBatch(
        rows=rows,
        offsets=offsets,
        first_rowid=first_rowid,
        columns=columns,
        session=Session(),
        end_pos=emitted,
        cursor=Cursor(pos=emitted, prev_rowid=last),
        paths=paths,
    )
