"""Importing one closed engine: plan ranges, split + scatter, then write + ingest every range.

The steps, each logged with elapsed time:

1. one pass over the engine in key order cuts it into ranges of ``region-split-size`` bytes /
   ``region-split-keys`` pairs (``importer.ranges``);
2. one commit ts from PD's TSO for the whole import (every Write of this import uses it);
3. when there is more than one range, regions are split at the range boundaries and scattered
   (``importer.splitter``);
4. ranges are written and ingested by ``num-import-jobs`` workers (``importer.ingest``); the
   first range that exhausts its retries aborts the others and fails the import.

Public API: ``ImportSettings``, ``ImportResult``, ``EngineImporter``.
"""

from __future__ import annotations

import threading
import time
import uuid as uuidlib
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import structlog

from importer.cluster import ClusterClient
from importer.engine import Engine
from importer.errors import ClusterError, ImportAborted, ImportFailed, PdError
from importer.ingest import RangeIngester, RangeOutcome
from importer.metrics import Metrics
from importer.ranges import KeyRange, plan_ranges
from importer.retry import RetryPolicies, retrying
from importer.splitter import RegionSplitter
from importer.throttle import RateLimiter, StoreSlots

log = structlog.get_logger("importer.importjob")


@dataclass(frozen=True)
class ImportSettings:
    region_split_size: int = 96 << 20
    region_split_keys: int = 1_280_000
    num_import_jobs: int = 8
    send_kv_size: int = 1 << 20
    scatter_wait_s: float = 180.0
    policies: RetryPolicies = field(default_factory=RetryPolicies)


@dataclass(frozen=True)
class ImportResult:
    uuid: bytes
    commit_ts: int
    kvs: int
    bytes: int
    ranges: int
    regions: int
    new_regions: int
    retries: int
    elapsed_s: float


class EngineImporter:
    """Imports engines into the cluster behind one ``ClusterClient``."""

    def __init__(
        self,
        cluster: ClusterClient,
        settings: ImportSettings,
        metrics: Metrics,
        *,
        limiter: RateLimiter,
        slots: StoreSlots,
        sleep: Callable[[float], None] = time.sleep,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self._cancelled = cancelled
        self._cluster = cluster
        self._settings = settings
        self._metrics = metrics
        self._limiter = limiter
        self._slots = slots
        self._sleep = sleep

    def run(self, uuid: bytes, engine: Engine) -> ImportResult:
        uid = str(uuidlib.UUID(bytes=uuid))
        started = time.monotonic()
        s = self._settings
        log.info("engine import started", uuid=uid)
        try:
            plan = plan_ranges(engine.iterate(), s.region_split_size, s.region_split_keys)
            log.info(
                "engine ranges planned",
                uuid=uid,
                ranges=len(plan.ranges),
                kvs=plan.kvs,
                bytes=plan.size,
                elapsed=round(time.monotonic() - started, 3),
            )
            if not plan.ranges:
                result = ImportResult(uuid, 0, 0, 0, 0, 0, 0, 0, time.monotonic() - started)
                log.info("engine import completed", uuid=uid, kvs=0, elapsed=result.elapsed_s)
                return result
            commit_ts = retrying(self._cluster.tso, s.policies.pd, sleep=self._sleep)
            if commit_ts <= 0:
                raise PdError("Tso", "INVALID_VALUE", f"timestamp {commit_ts}")
            new_regions = split_retries = 0
            if len(plan.ranges) > 1:
                splitter = RegionSplitter(
                    self._cluster,
                    s.policies,
                    self._metrics,
                    scatter_wait_s=s.scatter_wait_s,
                    sleep=self._sleep,
                )
                split = splitter.split_and_scatter(plan.split_keys)
                new_regions, split_retries = len(split.new_regions), split.split_retries
            outcomes = self._ingest_all(uuid, engine, commit_ts, plan.ranges, plan.size)
        except (ClusterError, ImportAborted) as exc:
            self._metrics.imports.labels(result="failed").inc()
            log.error(
                "engine import failed",
                uuid=uid,
                error=str(exc),
                elapsed=round(time.monotonic() - started, 3),
            )
            raise ImportFailed(uuid, str(exc)) from exc
        result = ImportResult(
            uuid=uuid,
            commit_ts=commit_ts,
            kvs=sum(o.kvs for o in outcomes),
            bytes=sum(o.bytes for o in outcomes),
            ranges=len(plan.ranges),
            regions=sum(o.regions for o in outcomes),
            new_regions=new_regions,
            retries=split_retries + sum(o.retries for o in outcomes),
            elapsed_s=time.monotonic() - started,
        )
        self._metrics.imports.labels(result="ok").inc()
        log.info(
            "engine import completed",
            uuid=uid,
            kvs=result.kvs,
            bytes=result.bytes,
            regions=result.regions,
            retries=result.retries,
            commit_ts=commit_ts,
            elapsed=round(result.elapsed_s, 3),
        )
        return result

    def _ingest_all(
        self,
        uuid: bytes,
        engine: Engine,
        commit_ts: int,
        ranges: tuple[KeyRange, ...],
        total_bytes: int,
    ) -> list[RangeOutcome]:
        uid = str(uuidlib.UUID(bytes=uuid))
        abort = threading.Event()
        progress_lock = threading.Lock()
        done = [0]
        gauge = self._metrics.import_progress.labels(uuid=uid)
        gauge.set(0.0)

        def on_ingested(kvs: int, nbytes: int) -> None:
            with progress_lock:
                done[0] += nbytes
                gauge.set(min(done[0] / total_bytes, 1.0) if total_bytes else 1.0)

        ingester = RangeIngester(
            engine,
            self._cluster,
            commit_ts,
            policies=self._settings.policies,
            metrics=self._metrics,
            limiter=self._limiter,
            slots=self._slots,
            send_kv_size=self._settings.send_kv_size,
            abort=lambda: abort.is_set() or self._cancelled(),
            on_ingested=on_ingested,
            sleep=self._sleep,
        )
        workers = max(1, min(self._settings.num_import_jobs, len(ranges)))
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix=f"import-{uid[:8]}") as pool:
                futures = [pool.submit(ingester.ingest_range, rng) for rng in ranges]
                finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
                failed = [f for f in finished if f.exception() is not None]
                if failed:
                    abort.set()
                    for f in futures:
                        f.cancel()
                    wait(futures)
                    exc = failed[0].exception()
                    assert exc is not None
                    raise exc
            return [f.result() for f in futures]
        finally:
            self._metrics.import_progress.remove(uid)
