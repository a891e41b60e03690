"""Pre-splitting regions at an engine's range boundaries, then scattering them through PD.

Split keys are grouped by the region that strictly contains them (a key equal to a region
start is already split) and sent in batches of at most ``MAX_BATCH_SPLIT_KEYS`` to the region
leader (``SplitRegion`` with ``split_keys``); after a batch the next one continues in the
resulting region with the largest start key. Keys whose split failed are retried after
re-scanning the regions, up to the split policy's attempts. New regions are awaited in PD,
scattered in one batch request, and their scatter operators awaited up to a deadline; scatter
problems are logged, never fatal (the data is still correct, only less spread).

Public API: ``RegionSplitter``, ``SplitResult``, ``MAX_BATCH_SPLIT_KEYS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog

from importer.cluster import ClusterClient, Region
from importer.errors import ClusterError
from importer.metrics import Metrics
from importer.retry import RetryPolicies, is_retryable, retrying

log = structlog.get_logger("importer.splitter")

# Lightning maxBatchSplitKeys.
MAX_BATCH_SPLIT_KEYS = 4096
# ScanRegions page size (Lightning/BR use 128).
SCAN_REGION_LIMIT = 128


@dataclass(frozen=True)
class SplitResult:
    new_regions: tuple[Region, ...]
    split_retries: int
    scatter_unfinished: int


def scan_page(
    cluster: ClusterClient,
    start: bytes,
    end: bytes,
    policies: RetryPolicies,
    sleep: Callable[[float], None],
) -> list[Region]:
    """One ``ScanRegions`` page, retried while PD is unavailable."""

    def scan() -> list[Region]:
        return cluster.scan_regions(start, end, SCAN_REGION_LIMIT)

    return retrying(scan, policies.pd, sleep=sleep)


class RegionSplitter:
    """Splits and scatters regions through a ``ClusterClient``."""

    def __init__(
        self,
        cluster: ClusterClient,
        policies: RetryPolicies,
        metrics: Metrics,
        *,
        scatter_wait_s: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._cluster = cluster
        self._policies = policies
        self._metrics = metrics
        self._scatter_wait_s = scatter_wait_s
        self._sleep = sleep

    def split_and_scatter(self, keys: Sequence[bytes]) -> SplitResult:
        started = time.monotonic()
        new, retries = self._split(sorted({k for k in keys if k}))
        unfinished = 0
        if new:
            self._await_in_pd(new)
            unfinished = self._scatter([r.id for r in new])
        log.info(
            "regions split",
            keys=len(keys),
            new_regions=len(new),
            retries=retries,
            scatter_unfinished=unfinished,
            elapsed=round(time.monotonic() - started, 3),
        )
        return SplitResult(tuple(new), retries, unfinished)

    # ---------------------------------------------------------------------------------- split

    def _scan(self, start: bytes, end: bytes) -> list[Region]:
        out: list[Region] = []
        cursor = start
        while True:
            page = scan_page(self._cluster, cursor, end, self._policies, self._sleep)
            out.extend(page)
            if len(page) < SCAN_REGION_LIMIT or not page[-1].end:
                return out
            cursor = page[-1].end
            if end and cursor >= end:
                return out

    def _split(self, pending: list[bytes]) -> tuple[list[Region], int]:
        new_regions: dict[int, Region] = {}
        policy = self._policies.split
        attempt = 0
        while pending:
            regions = self._scan(pending[0], pending[-1] + b"\x00")
            failed: list[bytes] = []
            groups: list[tuple[Region, list[bytes]]] = []
            i = 0
            for region in regions:
                keys: list[bytes] = []
                while i < len(pending) and (not region.end or pending[i] < region.end):
                    key = pending[i]
                    if key < region.start:
                        failed.append(key)  # a gap in PD's answer; try again later
                    elif key > region.start:
                        keys.append(key)
                    # key == region.start: already a region boundary
                    i += 1
                if keys:
                    groups.append((region, keys))
            failed.extend(pending[i:])  # keys no scanned region covered (PD lagging)
            last_error: Exception | None = None
            for region, keys in groups:
                current = region
                for at in range(0, len(keys), MAX_BATCH_SPLIT_KEYS):
                    batch = keys[at : at + MAX_BATCH_SPLIT_KEYS]
                    try:
                        result = self._cluster.split_region(current, batch)
                    except ClusterError as exc:
                        if not is_retryable(exc):
                            raise
                        self._metrics.observe_region_error(exc)
                        last_error = exc
                        failed.extend(keys[at:])
                        break
                    for r in result:
                        if r.id != region.id:
                            new_regions[r.id] = r
                    current = max(result, key=lambda r: r.start)
            if not failed:
                break
            attempt += 1
            if attempt >= policy.max_attempts:
                raise last_error or ClusterError(
                    f"split keys not covered by any region after {attempt} attempts"
                )
            log.warning("split retry", attempt=attempt, keys=len(failed), error=str(last_error))
            self._metrics.retries.labels(stage="split").inc()
            self._sleep(policy.delay(attempt))
            pending = sorted(set(failed))
        return list(new_regions.values()), attempt

    # -------------------------------------------------------------------------------- scatter

    def _await_in_pd(self, regions: Sequence[Region]) -> None:
        policy = self._policies.wait_split
        for region in regions:
            for attempt in range(1, policy.max_attempts + 1):
                try:
                    if self._cluster.get_region_by_id(region.id) is not None:
                        break
                except ClusterError as exc:
                    log.debug("region lookup failed", region_id=region.id, error=str(exc))
                self._sleep(policy.delay(attempt))
            else:
                log.warning("split region not in PD", region_id=region.id)

    def _scatter(self, region_ids: list[int]) -> int:
        """Scatters and waits; returns how many regions were not confirmed scattered."""
        try:
            failed = retrying(
                lambda: self._cluster.scatter_regions(region_ids),
                self._policies.scatter,
                sleep=self._sleep,
            )
        except ClusterError as exc:
            log.warning("scatter failed", regions=len(region_ids), error=str(exc))
            return len(region_ids)
        if failed:
            log.warning("scatter incomplete", failed=len(failed))
        waiting = [r for r in region_ids if r not in set(failed)]
        deadline = time.monotonic() + self._scatter_wait_s
        policy = self._policies.wait_scatter
        attempt = 0
        while waiting and attempt < policy.max_attempts and time.monotonic() < deadline:
            still: list[int] = []
            for region_id in waiting:
                try:
                    done = self._cluster.scatter_finished(region_id)
                except ClusterError as exc:
                    log.debug("operator lookup failed", region_id=region_id, error=str(exc))
                    done = False
                if not done:
                    still.append(region_id)
            waiting = still
            if waiting:
                attempt += 1
                self._sleep(policy.delay(attempt))
        if waiting:
            log.warning("scatter not finished", regions=len(waiting))
        return len(waiting) + len(failed)
