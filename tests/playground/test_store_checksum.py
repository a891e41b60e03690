"""The checksum coprocessor: a store's sums of visible pairs equal the per-pair checksum of what
a scan at the same ts returns, and ADMIN CHECKSUM rides out stopped stores and read faults."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from playground.cluster import Cluster
from playground.tikv import mvcc
from playground.tikv.engine import StoreEngine
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.checksum import KVChecksum
from tidbkv.codec import encode_bytes


def _put(engine: StoreEngine, raw: bytes, ts: int, value: bytes | None) -> None:
    enc = mvcc.encoded(raw)
    if value is None:
        engine.write([(mvcc.WRITE_CF + mvcc.mvcc_key(enc, ts), mvcc.delete_record(ts))])
        return
    entries = [(mvcc.WRITE_CF + mvcc.mvcc_key(enc, ts), mvcc.put_record(ts, value))]
    if len(value) > mvcc.SHORT_VALUE_MAX_LEN:
        entries.append((mvcc.DEFAULT_CF + mvcc.mvcc_key(enc, ts), value))
    engine.write(entries)


def _expected(engine: StoreEngine, ts: int) -> tuple[int, int, int]:
    acc = KVChecksum()
    acc.update_pairs(engine.scan(b"", b"", ts))
    return acc.as_tuple()


@pytest.fixture
def engine(tmp_path: Path) -> StoreEngine:
    eng = StoreEngine(tmp_path / "db")
    for i in range(300):
        _put(eng, b"row%05d" % i, 100, b"v%d" % i * (i % 7))
    for i in range(0, 300, 17):  # newer versions, some deleted, some long
        _put(eng, b"row%05d" % i, 200, None if i % 2 else b"w" * (250 + i))
    for i in range(5, 300, 41):  # versions newer than the read ts below
        _put(eng, b"row%05d" % i, 300, b"late")
    _put(eng, b"x" * 30, 100, b"odd length key")
    return eng


@pytest.mark.parametrize("ts", [50, 100, 150, 250, 350, mvcc.MAX_TS])
@pytest.mark.parametrize("chunk", [1, 3, 16, 8192])
def test_store_checksum_equals_the_checksum_of_a_scan(
    engine: StoreEngine, ts: int, chunk: int
) -> None:
    assert engine.checksum(b"", b"", ts, chunk).as_tuple() == _expected(engine, ts)


def test_store_checksum_of_a_sub_range(engine: StoreEngine) -> None:
    lo, hi = encode_bytes(b"row00100"), encode_bytes(b"row00200")
    acc = KVChecksum()
    acc.update_pairs(engine.scan(b"row00100", b"row00200", mvcc.MAX_TS))
    assert engine.checksum(lo, hi, mvcc.MAX_TS, 16).as_tuple() == acc.as_tuple()
    engine.close()


def test_checksum_spans_regions_and_waits_for_a_stopped_leader(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    pairs = [(b"cop-%04d" % i, b"value %d" % i) for i in range(400)]
    assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
    cluster.faults.split(b"cop-0100")
    cluster.faults.split(b"cop-0300")
    expect = KVChecksum()
    expect.update_pairs(pairs)
    reader = cluster.reader
    assert reader.checksum(b"cop-", b"cop-~").as_tuple() == expect.as_tuple()
    part = KVChecksum()
    part.update_pairs(pairs[50:250])
    assert reader.checksum(b"cop-0050", b"cop-0250").as_tuple() == part.as_tuple()
    leader = cluster.leader_of(rpc.region_of(b"cop-0200")[0].id).store_id
    cluster.faults.stop_store(leader)
    timer = threading.Timer(0.3, cluster.faults.start_store, [leader])
    timer.start()
    try:
        cluster.faults.inject("not-leader", count=2, rpc="read")
        assert reader.checksum(b"cop-", b"cop-~").as_tuple() == expect.as_tuple()
    finally:
        timer.join()
        cluster.faults.start_store(leader)
