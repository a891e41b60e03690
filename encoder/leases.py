"""Keeping leases alive: a heartbeat thread per worker for the tasks it is working on.

Every held lease is renewed with one ``Heartbeat`` every ``ttl / 3``; a lease the coordinator
reports lost (expired, taken over, job failed) is marked so the task notices at its next
``Lease.check()`` and stops. An importer that cannot be reached for a while is not a lost
lease by itself: the coordinator decides, and tells us when it is back.

Public API: ``Lease``, ``LeaseKeeper``.
"""

from __future__ import annotations

import threading

import structlog

from encoder.coordclient import CoordinatorClient
from encoder.errors import LeaseLost, RemoteError
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("encoder.leases")

# Heartbeat period when no lease says otherwise, and the shortest one.
DEFAULT_INTERVAL_S = 5.0
MIN_INTERVAL_S = 0.05


class Lease:
    """One held task; ``check()`` raises ``LeaseLost`` once the coordinator took it back."""

    def __init__(self, task: cpb.Task) -> None:
        self.task = task
        self.lost = threading.Event()

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(self.task.task_id)


class LeaseKeeper:
    """Heartbeats for every held lease of one worker, from a daemon thread."""

    def __init__(self, client: CoordinatorClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._held: dict[int, Lease] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def hold(self, task: cpb.Task) -> Lease:
        lease = Lease(task)
        with self._lock:
            self._held[task.lease_id] = lease
        self._wake.set()
        return lease

    def release(self, lease: Lease) -> None:
        with self._lock:
            self._held.pop(lease.task.lease_id, None)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)

    def _interval(self) -> float:
        with self._lock:
            ttls = [lease.task.lease_ttl_ms for lease in self._held.values()]
        if not ttls:
            return DEFAULT_INTERVAL_S
        return max(MIN_INTERVAL_S, min(ttls) / 3000.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval())
            self._wake.clear()
            if self._stop.is_set():
                return
            with self._lock:
                held = dict(self._held)
            if not held:
                continue
            try:
                lost = self._client.heartbeat(sorted(held))
            except RemoteError as exc:
                log.info("heartbeat failed", error=str(exc))
                continue
            for lease_id in lost:
                lease = held.get(lease_id)
                if lease is not None and not lease.lost.is_set():
                    lease.lost.set()
                    log.warning("lease lost", task=lease.task.task_id, lease_id=lease_id)
