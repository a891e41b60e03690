"""PD's timestamp oracle: ``physical_ms << 18 | logical``, strictly increasing across restarts.

Like PD, the allocator persists a physical-time high-water mark a few seconds ahead of the last
timestamp it handed out, and starts above it after a restart, so a timestamp never goes back.
"""

from __future__ import annotations

import threading
import time

from playground.metastore import MetaStore

LOGICAL_BITS = 18
MAX_LOGICAL = 1 << LOGICAL_BITS
# How far ahead of the current physical time the saved window reaches (PD: 3 s).
SAVE_WINDOW_MS = 3000
_KEY = b"tso-window"


def compose(physical_ms: int, logical: int) -> int:
    return (physical_ms << LOGICAL_BITS) | logical


def _now_ms() -> int:
    return int(time.time() * 1000)


class TsoAllocator:
    """Hands out batches of timestamps; ``allocate(n)`` returns the largest of the batch."""

    def __init__(self, meta: MetaStore) -> None:
        self._meta = meta
        self._lock = threading.Lock()
        raw = meta.get(_KEY)
        saved = int(raw) if raw is not None else 0
        self._physical = max(_now_ms(), saved + 1)
        self._logical = 0
        self._saved = 0
        self._save(self._physical)

    def _save(self, physical: int) -> None:
        if physical >= self._saved:
            self._saved = physical + SAVE_WINDOW_MS
            self._meta.put(_KEY, str(self._saved).encode())

    def allocate(self, count: int = 1) -> tuple[int, int]:
        """``count`` timestamps; returns ``(physical, logical)`` of the last one, as PD does."""
        if count < 1 or count >= MAX_LOGICAL:
            raise ValueError(f"tso count {count} out of range")
        with self._lock:
            now = _now_ms()
            if now > self._physical:
                self._physical = now
                self._logical = 0
            if self._logical + count >= MAX_LOGICAL:
                self._physical += 1
                self._logical = 0
            self._logical += count
            self._save(self._physical)
            return self._physical, self._logical

    def now(self) -> int:
        """One timestamp as a single integer."""
        physical, logical = self.allocate(1)
        return compose(physical, logical)
