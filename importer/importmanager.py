"""Runs engine imports and cluster-wide requests against the cluster a request names.

``ImportEngine`` carries a ``pd_addr`` (a stock tidb-lightning importer backend sends it); the
configured ``[pd] addr`` is the fallback. Cluster clients are cached per PD address. An import
holds the engine in state ``importing`` (``EngineRegistry.importing``) and the cluster in import
mode (``ClusterModeGuard``) while ``EngineImporter`` runs.

Public API: ``ImportManager``.
"""

from __future__ import annotations

import threading
import time
import uuid as uuidlib

from importer.cluster import ClusterClient, ClusterFactory, ImportMode
from importer.clustermode import ClusterModeGuard
from importer.errors import ClusterError, ImportAborted, InvalidRequest
from importer.importjob import EngineImporter, ImportResult, ImportSettings
from importer.metrics import Metrics
from importer.ranges import next_key
from importer.registry import EngineRegistry, parse_uuid
from importer.throttle import RateLimiter, StoreSlots


class ImportManager:
    """Imports engines of the registry into clusters reached through ``cluster_factory``."""

    def __init__(
        self,
        registry: EngineRegistry,
        cluster_factory: ClusterFactory,
        settings: ImportSettings,
        metrics: Metrics,
        *,
        default_pd: str,
        modes: ClusterModeGuard,
        limiter: RateLimiter,
        slots: StoreSlots,
    ) -> None:
        self._registry = registry
        self._factory = cluster_factory
        self._settings = settings
        self._metrics = metrics
        self._default_pd = default_pd
        self._modes = modes
        self._limiter = limiter
        self._slots = slots
        self._lock = threading.Lock()
        self._clusters: dict[str, ClusterClient] = {}
        self._cancel = threading.Event()
        self._idle = threading.Condition()
        self._running = 0

    def _sleep(self, seconds: float) -> None:
        """Every wait of an import; raises ``ImportAborted`` once shutdown began."""
        if self._cancel.wait(seconds):
            raise ImportAborted("the importer is shutting down")

    def cluster(self, pd_addr: str) -> tuple[str, ClusterClient]:
        """The cached client of ``pd_addr`` (or the configured PD), created on first use."""
        pd = pd_addr.strip() or self._default_pd
        if not pd:
            raise InvalidRequest("pd_addr", "no PD address in the request and no [pd] addr set")
        with self._lock:
            client = self._clusters.get(pd)
            if client is None:
                client = self._factory(pd)
                self._clusters[pd] = client
            return pd, client

    def import_engine(self, raw_uuid: bytes, pd_addr: str) -> ImportResult:
        uid = parse_uuid(raw_uuid)
        if self._cancel.is_set():
            raise ImportAborted("the importer is shutting down")
        with self._idle:
            self._running += 1
        try:
            return self._import(raw_uuid, uid, pd_addr)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _import(self, raw_uuid: bytes, uid: uuidlib.UUID, pd_addr: str) -> ImportResult:
        with self._registry.importing(raw_uuid) as engine:
            pd, cluster = self.cluster(pd_addr)
            first = engine.first_key() or b""
            end = next_key(engine.last_key() or b"")
            with (
                self._modes.active(pd, cluster),
                self._modes.range_paused(cluster, f"flashload-import-{uid}", first, end),
            ):
                importer = EngineImporter(
                    cluster,
                    self._settings,
                    self._metrics,
                    limiter=self._limiter,
                    slots=self._slots,
                    sleep=self._sleep,
                    cancelled=self._cancel.is_set,
                )
                result = importer.run(raw_uuid, engine)
        self._registry.record_imported(raw_uuid, result.kvs, result.bytes)
        return result

    def switch_mode(self, pd_addr: str, mode: ImportMode) -> int:
        """Sends ``SwitchMode`` to every store; returns how many stores accepted it."""
        _, cluster = self.cluster(pd_addr)
        done = 0
        errors: list[str] = []
        for store in cluster.all_stores():
            if store.is_tiflash:
                continue
            try:
                cluster.switch_mode(store, mode)
                done += 1
            except ClusterError as exc:
                errors.append(str(exc))
        if errors and not done:
            raise ClusterError("; ".join(errors))
        return done

    def compact(self, pd_addr: str, request: bytes) -> int:
        """Forwards a serialized ``CompactRequest`` to every store."""
        _, cluster = self.cluster(pd_addr)
        stores = [s for s in cluster.all_stores() if not s.is_tiflash]
        for store in stores:
            cluster.compact(store, request)
        return len(stores)

    def shutdown(self, timeout_s: float) -> bool:
        """Aborts running imports at their next wait or region; True if all ended in time.

        An aborted import leaves its engine closed, ready to be imported again.
        """
        self._cancel.set()
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self) -> None:
        with self._lock:
            for client in self._clusters.values():
                client.close()
            self._clusters.clear()
