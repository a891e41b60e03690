"""Importing an engine through the ClusterClient seam: split, scatter, Write, MultiIngest and
every region error, against the in-memory fake cluster."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from importer.engine import Engine, EngineOptions
from importer.errors import ImportFailed
from importer.importjob import EngineImporter, ImportSettings
from importer.metrics import Metrics
from importer.retry import MAX_WRITE_INGEST_ATTEMPTS, RetryPolicies
from importer.throttle import RateLimiter, StoreSlots
from tests.support.fake_cluster import FakeCluster

UUID = uuid.uuid4().bytes


def row_key(i: int) -> bytes:
    return b"t\x80\x00\x00\x00\x00\x00\x00\x05_r" + (i ^ (1 << 63)).to_bytes(8, "big")


def pairs(n: int, start: int = 0) -> list[tuple[bytes, bytes]]:
    return [(row_key(i), b"value-%08d" % i) for i in range(start, start + n)]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = Engine(tmp_path / "engine", EngineOptions(write_buffer_size=1 << 20), create=True)
    eng.write(pairs(2000))
    yield eng
    eng.close()


def importer_for(
    cluster: FakeCluster, metrics: Metrics | None = None, **overrides: object
) -> EngineImporter:
    settings = dict(
        region_split_size=8 << 10,
        region_split_keys=1_000_000,
        num_import_jobs=4,
        send_kv_size=2 << 10,
        scatter_wait_s=5.0,
        policies=RetryPolicies.fast(),
    )
    settings.update(overrides)
    return EngineImporter(
        cluster,
        ImportSettings(**settings),  # type: ignore[arg-type]
        metrics or Metrics(),
        limiter=RateLimiter(0),
        slots=StoreSlots(2),
    )


def test_import_splits_scatters_and_ingests_every_pair(engine: Engine) -> None:
    cluster = FakeCluster()
    result = importer_for(cluster).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))
    assert result.kvs == 2000
    assert result.ranges > 5 and result.new_regions >= result.ranges - 1
    assert cluster.calls.scatters >= 1
    # Region boundaries now sit at the range starts.
    starts = {r.start for r in cluster.region_views()}
    assert row_key(0) in starts


def test_import_writes_every_peer_and_ingests_once_per_region(engine: Engine) -> None:
    cluster = FakeCluster(store_count=3)
    result = importer_for(cluster).run(UUID, engine)
    assert set(cluster.calls.writes) == {1, 2, 3}
    assert len(set(cluster.calls.writes.values())) == 1  # each store got every region's SST
    assert cluster.calls.ingests == result.regions


def test_import_uses_one_nonzero_commit_ts_from_tso(engine: Engine) -> None:
    cluster = FakeCluster()
    result = importer_for(cluster).run(UUID, engine)
    assert cluster.commit_ts_seen == {result.commit_ts} and result.commit_ts > 0


def test_import_again_is_idempotent(engine: Engine) -> None:
    cluster = FakeCluster()
    importer_for(cluster).run(UUID, engine)
    importer_for(cluster).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))
    assert set(cluster.versions.values()) == {2}
    assert len(cluster.commit_ts_seen) == 2  # a fresh ts per import


def test_small_engine_is_not_split(tmp_path: Path) -> None:
    eng = Engine(tmp_path / "small", EngineOptions(), create=True)
    eng.write(pairs(10))
    cluster = FakeCluster()
    result = importer_for(cluster).run(UUID, eng)
    eng.close()
    assert result.new_regions == 0 and cluster.calls.splits == 0
    assert cluster.data == dict(pairs(10))


def test_empty_engine_imports_nothing(tmp_path: Path) -> None:
    eng = Engine(tmp_path / "empty", EngineOptions(), create=True)
    cluster = FakeCluster()
    result = importer_for(cluster).run(UUID, eng)
    eng.close()
    assert result.kvs == 0 and cluster.calls.ingests == 0


def test_existing_region_boundaries_inside_a_range_are_respected(engine: Engine) -> None:
    cluster = FakeCluster()
    for i in range(5, 2000, 97):
        cluster.split_at(row_key(i))
    importer_for(cluster, region_split_size=1 << 30).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        ("ingest", "not-leader"),
        ("ingest", "epoch-not-match"),
        ("ingest", "server-busy"),
        ("ingest", "region-not-found"),
        ("ingest", "key-not-in-region"),
        ("ingest", "store-not-match"),
        ("ingest", "rpc"),
        ("ingest", "split-before"),
        ("ingest", "leader-transfer"),
        ("ingest", "ingest-then-not-leader"),
        ("write", "not-leader"),
        ("write", "epoch-not-match"),
        ("write", "server-busy"),
        ("write", "region-not-found"),
        ("write", "rpc"),
        ("split", "not-leader"),
        ("split", "epoch-not-match"),
        ("split", "server-busy"),
        ("split", "rpc"),
    ],
)
def test_each_region_error_is_retried_and_data_arrives_intact(
    engine: Engine, method: str, kind: str
) -> None:
    cluster = FakeCluster()
    cluster.inject(method, kind, count=3)
    metrics = Metrics()
    result = importer_for(cluster, metrics).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))
    assert sum(cluster.calls.errors.values()) >= 3
    assert result.retries >= 1
    text = metrics.exposition().decode()
    assert "flashload_importer_region_errors_total" in text


def test_every_error_at_a_meaningful_rate_still_imports_everything(engine: Engine) -> None:
    cluster = FakeCluster(seed=7)
    cluster.set_rates(
        "ingest:not-leader=0.08,ingest:epoch-not-match=0.08,ingest:server-busy=0.08,"
        "ingest:region-not-found=0.05,ingest:key-not-in-region=0.05,"
        "ingest:store-not-match=0.05,ingest:split-before=0.05,ingest:leader-transfer=0.05,"
        "ingest:ingest-then-not-leader=0.03,write:rpc=0.05,write:server-busy=0.05,"
        "split:not-leader=0.1,split:server-busy=0.1"
    )
    result = importer_for(cluster, region_split_size=1 << 10).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))
    assert result.regions >= 60
    assert len(cluster.calls.errors) >= 8
    assert result.retries >= 10


def test_persistent_errors_exhaust_retries_and_fail_the_import(engine: Engine) -> None:
    cluster = FakeCluster()
    cluster.inject("ingest", "region-not-found", count=10_000)
    with pytest.raises(ImportFailed) as info:
        importer_for(cluster).run(UUID, engine)
    assert "region_not_found" in str(info.value)
    assert cluster.calls.ingests >= MAX_WRITE_INGEST_ATTEMPTS


def test_disk_full_is_not_retried(engine: Engine) -> None:
    cluster = FakeCluster()
    cluster.inject("ingest", "disk-full", count=10_000)
    metrics = Metrics()
    with pytest.raises(ImportFailed) as info:
        importer_for(cluster, metrics, num_import_jobs=1).run(UUID, engine)
    assert "disk_full" in str(info.value)
    # No range was retried (ranges already running when the first failure aborted the rest
    # may fail once each, never twice).
    text = metrics.exposition().decode()
    assert 'retries_total{stage="write_ingest"}' not in text
    assert 'retries_total{stage="follow_hint"}' not in text


def test_unreachable_store_makes_writes_retry_until_it_is_back(engine: Engine) -> None:
    cluster = FakeCluster()
    cluster.down_stores.add(2)
    calls = {"n": 0}
    original = cluster.write

    def write(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            cluster.down_stores.clear()
        return original(*args, **kwargs)  # type: ignore[arg-type]

    cluster.write = write  # type: ignore[method-assign]
    importer_for(cluster).run(UUID, engine)
    assert cluster.data == dict(pairs(2000))
    assert calls["n"] > 4
