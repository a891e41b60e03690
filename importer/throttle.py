"""Upload throttles: a byte-rate limit shared by all imports and per-store concurrency slots.

Public API: ``RateLimiter``, ``StoreSlots``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager


class RateLimiter:
    """Token bucket of ``rate`` bytes per second (0 = unlimited), one second of burst."""

    def __init__(
        self,
        rate: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(rate)
        self._stamp = clock()

    def acquire(self, nbytes: int) -> None:
        """Blocks until ``nbytes`` may be sent."""
        if self.rate <= 0 or nbytes <= 0:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.rate), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= nbytes
            debt = -self._tokens
        if debt > 0:
            self._sleep(debt / self.rate)


class StoreSlots:
    """At most ``per_store`` concurrent region jobs touching each store."""

    def __init__(self, per_store: int) -> None:
        self._per_store = per_store
        self._lock = threading.Lock()
        self._sems: dict[int, threading.Semaphore] = {}

    def _sem(self, store_id: int) -> threading.Semaphore:
        with self._lock:
            sem = self._sems.get(store_id)
            if sem is None:
                sem = self._sems[store_id] = threading.Semaphore(self._per_store)
            return sem

    @contextmanager
    def hold(self, store_ids: Iterable[int]) -> Iterator[None]:
        """Holds one slot on every store (acquired in id order, so jobs never deadlock)."""
        sems = [self._sem(s) for s in sorted(set(store_ids))]
        taken: list[threading.Semaphore] = []
        try:
            for sem in sems:
                sem.acquire()
                taken.append(sem)
            yield
        finally:
            for sem in reversed(taken):
                sem.release()
