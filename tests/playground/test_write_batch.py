"""Write batches: bulk wire decoding equals the real messages; encoded batches hold exactly the
MVCC entries TiKV's SST writer makes; peers sending equal bytes share one encoding."""

from __future__ import annotations

import threading
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.tikv import mvcc, wire
from playground.tikv.write_batch import BatchCache, EncodedBatch, encode_batch, encode_request
from protos import import_sstpb_pb2
from tidbkv.codec import encode_bytes

_pairs = st.lists(
    st.tuples(st.binary(max_size=24), st.binary(max_size=300), st.sampled_from([0, 0, 0, 1])),
    max_size=40,
)


def _request(ts: int, pairs: list[tuple[bytes, bytes, int]]) -> bytes:
    req = import_sstpb_pb2.WriteRequest()
    req.batch.commit_ts = ts
    for k, v, op in pairs:
        req.batch.pairs.add(key=k, value=v, op=op)  # type: ignore[arg-type]
    return req.SerializeToString()


@settings(max_examples=150, deadline=None)
@given(_pairs, st.integers(0, 2**64 - 1))
def test_decoded_columns_equal_the_parsed_pairs(
    pairs: list[tuple[bytes, bytes, int]], ts: int
) -> None:
    batch = wire.decode_request(_request(ts, pairs)).batch
    assert batch is not None
    assert batch.commit_ts == ts
    assert batch.keys == [k for k, _, _ in pairs]
    assert batch.values == [v for _, v, _ in pairs]
    ops = [op for _, _, op in pairs]
    assert batch.ops == (ops if any(ops) else None)


def test_meta_and_empty_requests_decode_as_such() -> None:
    meta = import_sstpb_pb2.SSTMeta(uuid=b"u" * 16, region_id=7)
    got = wire.decode_request(import_sstpb_pb2.WriteRequest(meta=meta).SerializeToString())
    assert got.meta == meta and got.batch is None
    assert wire.decode_request(b"") == wire.RawRequest(None, None)


@settings(max_examples=100, deadline=None)
@given(_pairs, st.integers(1, 2**64 - 1))
def test_encoded_batches_hold_tikv_mvcc_entries(
    pairs: list[tuple[bytes, bytes, int]], ts: int
) -> None:
    uniq = sorted({k: (v, op) for k, v, op in pairs}.items())
    batch = wire.decode_request(_request(ts, [(k, v, op) for k, (v, op) in uniq])).batch
    assert batch is not None
    enc = encode_batch(batch)
    assert enc.error is None
    if not uniq:
        assert enc.kvs == 0 and not any(enc.entries)  # an empty batch stages nothing
        return
    write, default = [], []
    for key, (value, op) in uniq:
        mkey = mvcc.mvcc_key(encode_bytes(key), ts)
        if op:
            write.append((mvcc.WRITE_CF + mkey, mvcc.delete_record(ts)))
            continue
        write.append((mvcc.WRITE_CF + mkey, mvcc.put_record(ts, value)))
        if len(value) > mvcc.SHORT_VALUE_MAX_LEN:
            default.append((mvcc.DEFAULT_CF + mkey, value))
    wk, wr, dk, dv = enc.entries
    assert list(zip(wk, wr, strict=True)) == write
    assert list(zip(dk, dv, strict=True)) == default
    assert enc.kvs == len(uniq)
    assert enc.size == sum(len(k) + len(v) for k, (v, _) in uniq)
    assert enc.long_kvs == len(default)
    limit = mvcc.SHORT_VALUE_MAX_LEN
    assert enc.long_size == sum(len(k) + len(v) for k, (v, op) in uniq if not op and len(v) > limit)
    assert (enc.first_key, enc.last_key) == (uniq[0][0], uniq[-1][0])
    assert enc.first_encoded == encode_bytes(uniq[0][0])
    assert enc.last_encoded == encode_bytes(uniq[-1][0])


def test_encoded_requests_carry_the_request_crc_and_length() -> None:
    data = _request(9, [(b"k", b"v", 0)])
    enc = encode_request(data)
    assert (enc.request_crc, enc.request_len) == (zlib.crc32(data), len(data))
    meta = import_sstpb_pb2.WriteRequest(meta=import_sstpb_pb2.SSTMeta(uuid=b"u" * 16))
    assert encode_request(meta.SerializeToString()).error == "InvalidChunk: expected a batch"


def test_batch_errors_name_the_offending_key() -> None:
    zero = wire.decode_request(_request(0, [(b"a", b"v", 0)])).batch
    assert zero is not None and encode_batch(zero).error == "InvalidChunk: commit_ts is 0"
    unsorted = wire.decode_request(_request(5, [(b"a", b"v", 0), (b"c", b"", 0), (b"b", b"", 0)]))
    assert unsorted.batch is not None
    assert encode_batch(unsorted.batch).error == (
        f"Keys must be added in strict ascending order: {b'b'.hex()}"
    )


def test_peers_sending_equal_bytes_share_one_encoding() -> None:
    cache = BatchCache()
    calls: list[bytes] = []
    gate = threading.Event()

    def compute(data: bytes) -> EncodedBatch:
        calls.append(data)
        gate.wait(5)
        return EncodedBatch(None, kvs=len(data))

    data = b"x" * 100
    results: list[EncodedBatch] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.encoded(b"u", 1, data, compute)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 3 and all(r is results[0] for r in results)
    other = cache.encoded(b"u", 1, b"y" * 100, compute)  # other bytes under the same name
    assert other.kvs == 100 and len(calls) == 2
    assert cache.encoded(b"u", 2, data, compute) is not results[0]
