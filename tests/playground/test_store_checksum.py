"""The checksum coprocessor: a store's sums of visible pairs equal the per-pair checksum of what
a scan at the same ts returns, and ADMIN CHECKSUM rides out stopped stores and read faults."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.cluster import Cluster
from playground.tikv import mvcc
from playground.tikv.engine import StoreEngine
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.checksum import KVChecksum
from tidbkv.codec import encode_bytes

Model = dict[bytes, dict[int, bytes | None]]  # raw key -> {commit ts: value, None = delete}


def _put(engine: StoreEngine, model: Model, raw: bytes, ts: int, value: bytes | None) -> None:
    model.setdefault(raw, {})[ts] = value
    enc = mvcc.encoded(raw)
    if value is None:
        engine.write([(mvcc.WRITE_CF + mvcc.mvcc_key(enc, ts), mvcc.delete_record(ts))])
        return
    entries = [(mvcc.WRITE_CF + mvcc.mvcc_key(enc, ts), mvcc.put_record(ts, value))]
    if len(value) > mvcc.SHORT_VALUE_MAX_LEN:
        entries.append((mvcc.DEFAULT_CF + mvcc.mvcc_key(enc, ts), value))
    engine.write(entries)


def _visible(model: Model, ts: int, lo: bytes = b"", hi: bytes = b"") -> list[tuple[bytes, bytes]]:
    """What a read at ``ts`` must see, from the model alone."""
    out = []
    for raw in sorted(model):
        if raw < lo or (hi and raw >= hi):
            continue
        seen = [t for t in model[raw] if t <= ts]
        value = model[raw][max(seen)] if seen else None
        if value is not None:
            out.append((raw, value))
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[StoreEngine, Model]]:
    eng = StoreEngine(tmp_path / "db")
    model: Model = {}
    for i in range(300):
        _put(eng, model, b"row%05d" % i, 100, b"v%d" % i * (i % 7))
    for i in range(0, 300, 17):  # newer versions, some deleted, some long
        _put(eng, model, b"row%05d" % i, 200, None if i % 2 else b"w" * (250 + i))
    for i in range(5, 300, 41):  # versions newer than some read ts below
        _put(eng, model, b"row%05d" % i, 300, b"late")
    _put(eng, model, b"x" * 30, 100, b"odd length key")
    yield eng, model
    eng.close()


def _sums(pairs: list[tuple[bytes, bytes]]) -> tuple[int, int, int]:
    acc = KVChecksum()
    acc.update_pairs(pairs)
    return acc.as_tuple()


@pytest.mark.parametrize("ts", [50, 100, 150, 250, 350, mvcc.MAX_TS])
@pytest.mark.parametrize("chunk", [1, 3, 16, 8192])
def test_store_checksum_sums_the_visible_pairs(
    store: tuple[StoreEngine, Model], ts: int, chunk: int
) -> None:
    engine, model = store
    assert engine.checksum(b"", b"", ts, chunk).as_tuple() == _sums(_visible(model, ts))


@pytest.mark.parametrize("ts", [100, 250, mvcc.MAX_TS])
def test_scans_return_the_visible_pairs_up_to_the_limit(
    store: tuple[StoreEngine, Model], ts: int
) -> None:
    engine, model = store
    expect = _visible(model, ts)
    assert engine.scan(b"", b"", ts) == expect
    for limit in (1, 7, 250, 10_000):
        assert engine.scan(b"", b"", ts, limit) == expect[:limit]
    assert engine.scan(b"", b"", ts, 5, key_only=True) == [(k, b"") for k, _ in expect[:5]]
    part = _visible(model, ts, b"row00100", b"row00200")
    assert engine.scan(b"row00100", b"row00200", ts) == part


def test_store_checksum_of_a_sub_range(store: tuple[StoreEngine, Model]) -> None:
    engine, model = store
    lo, hi = encode_bytes(b"row00100"), encode_bytes(b"row00200")
    expect = _sums(_visible(model, mvcc.MAX_TS, b"row00100", b"row00200"))
    assert engine.checksum(lo, hi, mvcc.MAX_TS, 16).as_tuple() == expect


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
