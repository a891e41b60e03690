"""``ImportSST.Write`` request bytes decoded into columns: keys, values, ops of a batch.

Reading ``pair.key`` off thousands of parsed ``Pair`` messages costs a Python wrapper per pair
and per field. Instead the request is parsed with private message types that share the
kvproto wire format (field numbers and wire types) but keep the pairs as raw bytes; the raw
pairs are joined and parsed once more as one message whose repeated fields collect every
pair's key, value and op in order (protobuf merges concatenated messages by appending repeated
fields). Pairs are taken to be written as protobuf serializers write them (each field at most
once); then the columns line up exactly when there are as many keys and values as pairs and no
op. Anything else (an empty key or value, which proto3 leaves out, a Delete) shows in the
counts and is decoded pair by pair with the real ``import_sstpb.Pair``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from protos import import_sstpb_pb2

_F = descriptor_pb2.FieldDescriptorProto


def _message_classes() -> tuple[Any, Any]:
    """(RawWriteRequest, PairColumns), built from a descriptor (no generated module)."""
    fd = descriptor_pb2.FileDescriptorProto(
        name="playground/write_columns.proto", package="playground.wire", syntax="proto2"
    )
    req = fd.message_type.add(name="RawWriteRequest")  # import_sstpb.WriteRequest
    req.field.add(name="meta", number=1, type=_F.TYPE_BYTES, label=_F.LABEL_OPTIONAL)
    req.field.add(
        name="batch",
        number=2,
        type=_F.TYPE_MESSAGE,
        type_name=".playground.wire.RawWriteBatch",
        label=_F.LABEL_OPTIONAL,
    )
    batch = fd.message_type.add(name="RawWriteBatch")  # import_sstpb.WriteBatch
    batch.field.add(name="commit_ts", number=1, type=_F.TYPE_UINT64, label=_F.LABEL_OPTIONAL)
    batch.field.add(name="pairs", number=2, type=_F.TYPE_BYTES, label=_F.LABEL_REPEATED)
    cols = fd.message_type.add(name="PairColumns")  # import_sstpb.Pair, many merged
    cols.field.add(name="key", number=1, type=_F.TYPE_BYTES, label=_F.LABEL_REPEATED)
    cols.field.add(name="value", number=2, type=_F.TYPE_BYTES, label=_F.LABEL_REPEATED)
    cols.field.add(name="op", number=3, type=_F.TYPE_INT64, label=_F.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    get = message_factory.GetMessageClass
    return (
        get(pool.FindMessageTypeByName("playground.wire.RawWriteRequest")),
        get(pool.FindMessageTypeByName("playground.wire.PairColumns")),
    )


_RawWriteRequest, _PairColumns = _message_classes()


@dataclass(frozen=True)
class BatchColumns:
    """One ``WriteBatch``: commit ts and its pairs as parallel lists (ops: 0 Put, 1 Delete)."""

    commit_ts: int
    keys: list[bytes]
    values: list[bytes]
    ops: list[int] | None  # None: every pair is a Put


@dataclass(frozen=True)
class RawRequest:
    """What a ``WriteRequest`` carries: meta (parsed) or batch (as columns)."""

    meta: import_sstpb_pb2.SSTMeta | None
    batch: BatchColumns | None


def _columns(commit_ts: int, raw_pairs: Any) -> BatchColumns:
    count = len(raw_pairs)
    cols = _PairColumns.FromString(b"".join(raw_pairs))
    keys = list(cols.key)
    values = list(cols.value)
    if len(keys) == count and len(values) == count and not cols.op:
        return BatchColumns(commit_ts, keys, values, None)
    pairs = [import_sstpb_pb2.Pair.FromString(p) for p in raw_pairs]
    ops = [int(p.op) for p in pairs]
    return BatchColumns(
        commit_ts, [p.key for p in pairs], [p.value for p in pairs], ops if any(ops) else None
    )


def decode_request(data: bytes) -> RawRequest:
    """The meta or the batch of a serialized ``WriteRequest`` (as its ``chunk`` oneof)."""
    raw = _RawWriteRequest.FromString(data)
    if raw.HasField("meta"):
        # A meta (once per stream) is parsed for real; so is the oneof when both are sent.
        req = import_sstpb_pb2.WriteRequest.FromString(data)
        if req.HasField("meta"):
            return RawRequest(req.meta, None)
    if raw.HasField("batch"):
        return RawRequest(None, _columns(raw.batch.commit_ts, raw.batch.pairs))
    return RawRequest(None, None)
