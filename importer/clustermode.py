"""Cluster settings held while imports run: TiKV import mode and paused PD scheduling.

While at least one import into a cluster is running, every store is in import mode (the
``SwitchMode(Import)`` request is re-sent every ``switch-mode-interval``, below TiKV's 10 min
auto-revert). PD scheduling is paused in one of two scopes (``pause-pd-scheduler-scope``):

* ``table``: per import, a region-label rule ``schedule=deny`` over the engine's key range
  (current Lightning's ``PauseSchedulersByKeyRange``), re-set every TTL/3 and deleted when the
  import ends;
* ``global``: while any import runs, PD's balance/shuffle schedulers are paused with a TTL
  (re-sent every TTL/3) and resumed (``delay: 0``) when the last import ends.

Either way a crashed importer leaves PD paused for at most one TTL; a normal or failed import
undoes everything. Failures of these calls are logged, never fatal, as in Lightning.

Public API: ``ClusterModeGuard``, ``SCHEDULERS_TO_PAUSE``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from importer.cluster import ClusterClient, ImportMode
from importer.errors import ClusterError

log = structlog.get_logger("importer.clustermode")

# The schedulers Lightning pauses (br pdutil: Schedulers), when present.
SCHEDULERS_TO_PAUSE = (
    "balance-leader-scheduler",
    "balance-hot-region-scheduler",
    "balance-region-scheduler",
    "shuffle-leader-scheduler",
    "shuffle-region-scheduler",
    "shuffle-hot-region-scheduler",
)


class _Session:
    """Import mode + paused schedulers of one cluster, with its keep-alive thread."""

    def __init__(
        self, name: str, cluster: ClusterClient, interval_s: float, ttl_s: float, pause: bool
    ) -> None:
        self.name = name
        self.cluster = cluster
        self.users = 0
        self._interval = interval_s
        self._ttl = ttl_s
        self._pause = pause
        self._paused: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep_alive, name="import-mode", daemon=True)

    def start(self) -> None:
        self._switch(ImportMode.IMPORT)
        if self._pause:
            self._pause_schedulers()
        self._thread.start()
        log.info("import mode entered", pd=self.name, paused=self._paused)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._switch(ImportMode.NORMAL)
        for name in self._paused:
            try:
                self.cluster.pause_scheduler(name, 0)
            except ClusterError as exc:
                log.warning("scheduler resume failed", scheduler=name, error=str(exc))
        log.info("import mode left", pd=self.name, resumed=self._paused)

    def _keep_alive(self) -> None:
        repause_every = max(self._ttl / 3.0, 0.001)
        next_switch = time.monotonic() + self._interval
        next_pause = time.monotonic() + repause_every
        while not self._stop.wait(max(0.0, min(next_switch, next_pause) - time.monotonic())):
            now = time.monotonic()
            if now >= next_switch:
                self._switch(ImportMode.IMPORT)
                next_switch = now + self._interval
            if now >= next_pause:
                if self._pause:
                    self._pause_schedulers()
                next_pause = now + repause_every

    def _switch(self, mode: ImportMode) -> None:
        try:
            stores = self.cluster.all_stores()
        except ClusterError as exc:
            log.warning("store listing failed", mode=mode.name, error=str(exc))
            return
        for store in stores:
            if store.is_tiflash:
                continue
            try:
                self.cluster.switch_mode(store, mode)
            except ClusterError as exc:
                log.warning("switch mode failed", store=store.id, mode=mode.name, error=str(exc))

    def _pause_schedulers(self) -> None:
        try:
            present = set(self.cluster.list_schedulers())
        except ClusterError as exc:
            log.warning("scheduler listing failed", error=str(exc))
            return
        for name in SCHEDULERS_TO_PAUSE:
            if name not in present:
                continue
            try:
                self.cluster.pause_scheduler(name, max(int(self._ttl), 1))
            except ClusterError as exc:
                log.warning("scheduler pause failed", scheduler=name, error=str(exc))
                continue
            if name not in self._paused:
                self._paused.append(name)


class _RangePause:
    """A ``schedule=deny`` label rule over one key range, renewed until stopped."""

    def __init__(
        self, cluster: ClusterClient, rule_id: str, start: bytes, end: bytes, ttl_s: float
    ) -> None:
        self._cluster = cluster
        self._rule_id = rule_id
        self._start = start
        self._end = end
        self._ttl = max(int(ttl_s), 1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="range-pause", daemon=True)

    def _set(self) -> None:
        try:
            self._cluster.set_schedule_deny_rule(self._rule_id, self._start, self._end, self._ttl)
        except ClusterError as exc:
            log.warning("range pause failed", rule=self._rule_id, error=str(exc))

    def _renew(self) -> None:
        while not self._stop.wait(max(self._ttl / 3.0, 0.001)):
            self._set()

    def start(self) -> None:
        self._set()
        self._thread.start()
        log.info("range scheduling paused", rule=self._rule_id)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        try:
            self._cluster.delete_label_rule(self._rule_id)
        except ClusterError as exc:
            log.warning("range pause removal failed", rule=self._rule_id, error=str(exc))
            return
        log.info("range scheduling resumed", rule=self._rule_id)


class ClusterModeGuard:
    """Reference-counted import mode per cluster (keyed by PD address), and PD pausing."""

    def __init__(
        self, *, switch_interval_s: float, pause_ttl_s: float, pause_scope: str = "table"
    ) -> None:
        self._interval = switch_interval_s
        self._ttl = pause_ttl_s
        self._pause = pause_scope == "global"
        self._pause_ranges = pause_scope == "table"
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}

    @contextmanager
    def range_paused(
        self, cluster: ClusterClient, rule_id: str, start: bytes, end: bytes
    ) -> Iterator[None]:
        """Holds PD scheduling off ``[start, end)`` (scope "table"; a no-op otherwise)."""
        if not self._pause_ranges:
            yield
            return
        pause = _RangePause(cluster, rule_id, start, end, self._ttl)
        pause.start()
        try:
            yield
        finally:
            pause.stop()

    @contextmanager
    def active(self, name: str, cluster: ClusterClient) -> Iterator[None]:
        """Holds import mode on ``cluster`` for the duration of the block."""
        with self._lock:
            session = self._sessions.get(name)
            if session is None:
                session = _Session(name, cluster, self._interval, self._ttl, self._pause)
                session.start()
                self._sessions[name] = session
            session.users += 1
        try:
            yield
        finally:
            with self._lock:
                session.users -= 1
                if session.users == 0:
                    del self._sessions[name]
                    session.stop()
