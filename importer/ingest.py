"""Writing one key range of an engine into TiKV: per region, ``Write`` to every peer, then
``MultiIngest`` on the leader, with region-error handling.

For each region overlapping the range (in key order) the pairs inside the region are streamed
to all peers and the leader's SST metas ingested. Errors are handled in two tiers:

* cheap fixes without going back to PD: ``NotLeader`` with a leader hint (use it and re-write,
  never re-ingest — a "retryable" ingest error may have applied, tikv#9496), ``EpochNotMatch``
  whose current regions hold the whole written span with a peer on the old leader's store,
  ``ServerIsBusy`` on ingest (ingest again after a back-off, the SSTs are still staged);
* everything else retryable (RegionNotFound, KeyNotInRegion, StoreNotMatch, stale epochs, RPC
  failures, exhausted cheap fixes): back off and re-locate the rest of the range from PD.

Re-writing is safe: the same keys at the same commit ts produce the same visible data.

Public API: ``RangeIngester``, ``RangeOutcome``, ``MAX_FOLLOW_ATTEMPTS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import structlog

from importer.cluster import ClusterClient, Pair, Region, SSTMeta, range_end_min
from importer.engine import Engine
from importer.errors import ClusterError, ImportAborted, RegionError, RegionErrorKind
from importer.metrics import Metrics
from importer.ranges import KeyRange
from importer.retry import RetryPolicies, is_retryable
from importer.splitter import scan_page
from importer.throttle import RateLimiter, StoreSlots

log = structlog.get_logger("importer.ingest")

# Leader/epoch hints followed for one region before re-locating it through PD.
MAX_FOLLOW_ATTEMPTS = 3


@dataclass(frozen=True)
class RangeOutcome:
    regions: int
    retries: int
    kvs: int
    bytes: int


class _Tally:
    """Pairs streamed during one write attempt (credited only once ingested)."""

    __slots__ = ("bytes", "kvs")

    def __init__(self) -> None:
        self.kvs = 0
        self.bytes = 0


class RangeIngester:
    """Writes and ingests key ranges of one engine at one commit ts."""

    def __init__(
        self,
        engine: Engine,
        cluster: ClusterClient,
        commit_ts: int,
        *,
        policies: RetryPolicies,
        metrics: Metrics,
        limiter: RateLimiter,
        slots: StoreSlots,
        send_kv_size: int,
        abort: Callable[[], bool],
        on_ingested: Callable[[int, int], None] = lambda kvs, nbytes: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._engine = engine
        self._cluster = cluster
        self._ts = commit_ts
        self._policies = policies
        self._metrics = metrics
        self._limiter = limiter
        self._slots = slots
        self._send_kv_size = send_kv_size
        self._abort = abort
        self._on_ingested = on_ingested
        self._sleep = sleep

    def ingest_range(self, rng: KeyRange) -> RangeOutcome:
        """Writes every pair of ``rng`` into the cluster, retrying region by region."""
        policy = self._policies.write_ingest
        start = rng.start
        attempt = 0
        regions = kvs = nbytes = 0
        retries = 0
        while True:
            if self._abort():
                raise ImportAborted("import aborted")
            if self._engine.first_key(start, rng.end) is None:
                break
            try:
                page = scan_page(self._cluster, start, rng.end, self._policies, self._sleep)
                if not page:
                    raise ClusterError(f"no region covers key {start.hex()}")
                for region in page:
                    if not region.contains(start):
                        raise ClusterError(f"regions from PD leave a gap before key {start.hex()}")
                    sub_end = range_end_min(rng.end, region.end)
                    done_kvs, done_bytes, follow = self._write_and_ingest(region, start, sub_end)
                    regions += 1
                    kvs += done_kvs
                    nbytes += done_bytes
                    retries += follow
                    start = sub_end
                    if not start or (rng.end and start >= rng.end):
                        return RangeOutcome(regions, retries, kvs, nbytes)
                    if self._abort():
                        raise ImportAborted("import aborted")
            except ClusterError as exc:
                if not is_retryable(exc):
                    raise
                attempt += 1
                retries += 1
                self._metrics.observe_region_error(exc)
                self._metrics.retries.labels(stage="write_ingest").inc()
                if attempt >= policy.max_attempts:
                    raise
                log.info(
                    "region job retry",
                    attempt=attempt,
                    start=start.hex(),
                    error=str(exc),
                )
                self._sleep(policy.delay(attempt))
        return RangeOutcome(regions, retries, kvs, nbytes)

    # ------------------------------------------------------------------------------ one region

    def _write_and_ingest(self, region: Region, start: bytes, end: bytes) -> tuple[int, int, int]:
        """Returns (kvs, bytes, retries without re-locating) of ``[start, end)`` ∩ engine."""
        first = self._engine.first_key(start, end)
        if first is None:
            return 0, 0, 0
        last = self._engine.last_key(start, end)
        assert last is not None
        follows = 0
        while True:
            tally = _Tally()
            try:
                with self._slots.hold(p.store_id for p in region.peers):
                    metas = self._cluster.write(
                        region, self._ts, first, last, self._batches(start, end, region, tally)
                    )
                    if not metas:
                        raise ClusterError(f"region {region.id}: write returned no SST metas")
                    follows += self._ingest(region, metas)
            except RegionError as exc:
                follows += 1
                self._metrics.observe_region_error(exc)
                hinted = self._follow_hint(region, exc, first, last)
                if hinted is None or follows >= MAX_FOLLOW_ATTEMPTS:
                    raise
                self._metrics.retries.labels(stage="follow_hint").inc()
                log.debug("region hint followed", region_id=region.id, kind=exc.kind.value)
                region = hinted
                continue
            self._metrics.import_regions.inc()
            self._metrics.import_kvs.inc(tally.kvs)
            self._metrics.import_bytes.inc(tally.bytes)
            self._on_ingested(tally.kvs, tally.bytes)
            return tally.kvs, tally.bytes, follows

    def _ingest(self, region: Region, metas: Sequence[SSTMeta]) -> int:
        """Ingests on the leader; returns how many ServerIsBusy answers were waited out."""
        policy = self._policies.ingest_busy
        attempt = 0
        while True:
            try:
                self._cluster.multi_ingest(region, metas)
                return attempt
            except RegionError as exc:
                if exc.kind is not RegionErrorKind.SERVER_IS_BUSY:
                    raise
                attempt += 1
                if attempt >= policy.max_attempts:
                    raise
                self._metrics.observe_region_error(exc)
                self._metrics.retries.labels(stage="ingest_busy").inc()
                self._sleep(policy.delay(attempt))

    def _follow_hint(
        self, region: Region, exc: RegionError, first: bytes, last: bytes
    ) -> Region | None:
        """A corrected region from the error's hints, or None to re-locate through PD."""
        if exc.kind is RegionErrorKind.NOT_LEADER:
            leader = exc.leader
            if leader is not None and leader.id:
                peer = region.peer_on_store(leader.store_id)
                if peer is not None:
                    return region.with_leader(peer)
            return None
        if exc.kind is RegionErrorKind.EPOCH_NOT_MATCH:
            old_store = region.target_peer().store_id
            for current in exc.current_regions:
                if current.contains(first) and current.contains(last):
                    peer = current.peer_on_store(old_store)
                    if peer is not None:
                        return current.with_leader(peer)
            return None
        return None

    def _batches(
        self, start: bytes, end: bytes, region: Region, tally: _Tally
    ) -> Iterator[Sequence[Pair]]:
        limit = self._send_kv_size
        fanout = max(len(region.peers), 1)
        batch: list[Pair] = []
        size = 0
        for key, value in self._engine.iterate(start, end):
            batch.append((key, value))
            size += len(key) + len(value)
            if size >= limit:
                self._limiter.acquire(size * fanout)
                tally.kvs += len(batch)
                tally.bytes += size
                yield batch
                batch = []
                size = 0
        if batch:
            self._limiter.acquire(size * fanout)
            tally.kvs += len(batch)
            tally.bytes += size
            yield batch
