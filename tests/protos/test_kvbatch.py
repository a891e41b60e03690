"""``protos.kvbatch``: hand-serialized WriteEngine and ImportSST.Write batches are protobuf's
own bytes."""

from __future__ import annotations

import uuid as uuidlib

from hypothesis import given, settings
from hypothesis import strategies as st

from protos import import_kvpb_pb2 as pb
from protos import import_sstpb_pb2 as sst
from protos.kvbatch import (
    encode_sst_write_batch,
    encode_write_engine_batch,
    encode_write_engine_head,
)

pairs_strategy = st.lists(
    st.tuples(st.binary(min_size=1, max_size=40), st.binary(max_size=300)), max_size=30
)


def _write_engine(pairs: list[tuple[bytes, bytes]], ts: int) -> bytes:
    batch = pb.WriteBatch(commit_ts=ts)
    for k, v in pairs:
        batch.mutations.add(key=k, value=v)
    return pb.WriteEngineRequest(batch=batch).SerializeToString()


def _sst_write(pairs: list[tuple[bytes, bytes]], ts: int) -> bytes:
    msg = sst.WriteRequest()
    msg.batch.commit_ts = ts
    for k, v in pairs:
        msg.batch.pairs.add(key=k, value=v)
    return msg.SerializeToString()


@settings(max_examples=60, deadline=None)
@given(pairs=pairs_strategy, ts=st.integers(0, 2**64 - 1))
def test_write_engine_batches_equal_protobufs(pairs: list[tuple[bytes, bytes]], ts: int) -> None:
    assert encode_write_engine_batch(pairs, ts) == _write_engine(pairs, ts)


@settings(max_examples=60, deadline=None)
@given(pairs=pairs_strategy, ts=st.integers(0, 2**64 - 1))
def test_sst_write_batches_equal_protobufs(pairs: list[tuple[bytes, bytes]], ts: int) -> None:
    assert encode_sst_write_batch(pairs, ts) == _sst_write(pairs, ts)


def test_large_write_engine_values_and_the_head_serialize_like_protobuf() -> None:
    pairs = [(b"k" * 20000, b"v" * 70000)]
    assert encode_write_engine_batch(pairs, 5) == _write_engine(pairs, 5)
    uid = uuidlib.uuid4().bytes
    head = pb.WriteEngineRequest(head=pb.WriteHead(uuid=uid)).SerializeToString()
    assert encode_write_engine_head(uid) == head


def test_long_sst_keys_and_values_serialize_like_protobuf_and_parse_back() -> None:
    pairs = [(b"k" * 20000, b"v" * 70000), (b"a", b"")]
    data = encode_sst_write_batch(pairs, 7)
    assert data == _sst_write(pairs, 7)
    parsed = sst.WriteRequest.FromString(data)
    assert parsed.WhichOneof("chunk") == "batch"
    assert parsed.batch.commit_ts == 7
    assert [(p.key, p.value, p.op) for p in parsed.batch.pairs] == [
        (b"k" * 20000, b"v" * 70000, sst.Pair.Put),
        (b"a", b"", sst.Pair.Put),
    ]
