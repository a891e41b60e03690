"""``importer.sstwire``: bulk-serialized ImportSST.Write batches are protobuf's own bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from importer.sstwire import encode_write_batch
from protos import import_sstpb_pb2 as sst

pairs_strategy = st.lists(
    st.tuples(st.binary(min_size=1, max_size=40), st.binary(max_size=300)), max_size=30
)


def _protobuf(pairs: list[tuple[bytes, bytes]], ts: int) -> bytes:
    msg = sst.WriteRequest()
    msg.batch.commit_ts = ts
    for k, v in pairs:
        msg.batch.pairs.add(key=k, value=v)
    return msg.SerializeToString()


@settings(max_examples=60, deadline=None)
@given(pairs=pairs_strategy, ts=st.integers(0, 2**64 - 1))
def test_bulk_serialized_write_batches_equal_protobufs(
    pairs: list[tuple[bytes, bytes]], ts: int
) -> None:
    assert encode_write_batch(pairs, ts) == _protobuf(pairs, ts)


def test_long_keys_and_values_serialize_like_protobuf_and_parse_back() -> None:
    pairs = [(b"k" * 20000, b"v" * 70000), (b"a", b"")]
    data = encode_write_batch(pairs, 7)
    assert data == _protobuf(pairs, 7)
    parsed = sst.WriteRequest.FromString(data)
    assert parsed.WhichOneof("chunk") == "batch"
    assert parsed.batch.commit_ts == 7
    assert [(p.key, p.value, p.op) for p in parsed.batch.pairs] == [
        (b"k" * 20000, b"v" * 70000, sst.Pair.Put),
        (b"a", b"", sst.Pair.Put),
    ]
