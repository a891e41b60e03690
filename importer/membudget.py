"""One memory budget for everything the importer's engines hold in memory.

Engines hold memory in two ways:

* memtables: each LevelDB keeps up to ``write-buffer-size`` of pairs in memory (two while one
  is being written out), so N engines written at once hold up to N times that;
* mapped table files: LevelDB reads table files through ``mmap``, so every page an import or
  a compaction reads stays resident (``importer.mappedpages``).

``MemoryBudget`` keeps their sum within ``budget`` bytes. Writers report what they wrote
(``written``); every ``CHECK_EVERY_BYTES`` the sum is taken and, when over budget, mapped pages
are paged out first (cheap: they are read again from the file if needed), then the largest
memtables are flushed to disk (``Engine.flush``) until the sum is at most ``LOW_WATER`` of the
budget. A writer that reaches its check while another thread enforces the budget waits for it,
so writes pause while the budget is restored. A background thread (``start``) looks every
``WATCH_INTERVAL_S`` at the mapped pages, which grow while imports read without any write.
Closing an engine flushes it (``flush_closed``): nothing is written into it any more, and its
memory is free before its import starts reading.

Memory LevelDB frees goes back to the C allocator, which keeps it; ``release_free_memory``
hands it back to the OS (glibc's ``malloc_trim``; a no-op elsewhere) after every flush.

Public API: ``MemoryBudget``, ``Flushable``, ``release_free_memory``, ``limit_malloc_arenas``,
``MALLOC_ARENAS``, ``CHECK_EVERY_BYTES``,
``LOW_WATER``, ``WATCH_INTERVAL_S``, ``Mapped``.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import structlog

log = structlog.get_logger("importer.membudget")

# Bytes written (over all engines) between two looks at the engines' memory.
CHECK_EVERY_BYTES = 4 << 20
# Flushing stops once the engines hold at most this fraction of the budget.
LOW_WATER = 0.5
# How often the background thread looks at the mapped table-file pages.
WATCH_INTERVAL_S = 0.5


class Flushable(Protocol):
    """What the budget needs from an engine."""

    def memory_usage(self) -> int: ...

    def flush(self) -> None: ...


class Mapped(Protocol):
    """What the budget needs from ``importer.mappedpages.MappedPages``."""

    def resident(self) -> int: ...

    def page_out(self) -> int: ...


class _NoMapped:
    def resident(self) -> int:
        return 0

    def page_out(self) -> int:
        return 0


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    trim: Callable[[int], int] = fn
    return trim


_MALLOC_TRIM = _load_malloc_trim()
# glibc's mallopt parameter for the number of malloc arenas.
_M_ARENA_MAX = -8
# Arenas for the importer: glibc's default (8 per core) lets each of gRPC's and LevelDB's
# threads keep its own arena of freed memory, hundreds of MB that malloc_trim cannot return.
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Caps glibc's malloc arenas for threads created from now on (like ``MALLOC_ARENA_MAX``);
    False where that is not possible (not glibc)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))


def release_free_memory() -> None:
    """Returns the C heap's free pages to the OS (glibc ``malloc_trim(0)``)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class MemoryBudget:
    """Keeps the engines' memtables and mapped table-file pages within ``budget`` bytes."""

    def __init__(
        self,
        budget: int,
        *,
        mapped: Mapped | None = None,
        check_every: int = CHECK_EVERY_BYTES,
        release: Callable[[], None] = release_free_memory,
    ) -> None:
        self.budget = budget
        self._mapped: Mapped = mapped or _NoMapped()
        self._check_every = check_every
        self._release = release
        self._lock = threading.Lock()
        self._busy = threading.Lock()
        self._pending = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.flushes = 0

    # ------------------------------------------------------------------------------ writes

    def written(self, nbytes: int, engines: Callable[[], Sequence[Flushable]]) -> None:
        """Counts ``nbytes`` written; every ``check_every`` bytes enforces the budget over
        ``engines()`` (waiting for a check another thread is running)."""
        with self._lock:
            self._pending += nbytes
            if self._pending < self._check_every:
                return
            self._pending = 0
        with self._busy:
            self.enforce(engines())

    def enforce(self, engines: Sequence[Flushable]) -> int:
        """Pages mapped files out, then flushes the largest memtables, while the engines hold
        more than the budget; returns how many memtables were flushed."""
        usage = sorted(((e.memory_usage(), i) for i, e in enumerate(engines)), reverse=True)
        total = sum(u for u, _ in usage)
        if total + self._mapped.resident() <= self.budget:
            return 0
        self._mapped.page_out()
        if total <= self.budget:
            return 0
        started = time.monotonic()
        target = self.budget * LOW_WATER
        flushed = 0
        for size, i in usage:
            if total <= target:
                break
            engines[i].flush()
            total -= size
            flushed += 1
        self.flushes += flushed
        self._release()
        log.info(
            "engine memory flushed",
            engines=flushed,
            before=sum(u for u, _ in usage),
            budget=self.budget,
            elapsed=round(time.monotonic() - started, 3),
        )
        return flushed

    def flush_closed(self, engine: Flushable) -> None:
        """Flushes an engine that was just closed and releases the memory."""
        engine.flush()
        self._release()

    # --------------------------------------------------------------------------- watcher

    def start(self, engines: Callable[[], Sequence[Flushable]]) -> None:
        """Starts the thread that enforces the budget every ``WATCH_INTERVAL_S`` (mapped pages
        grow while imports read, with no write to trigger a check)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._watch, args=(engines,), name="membudget", daemon=True
            )
            self._thread.start()

    def _watch(self, engines: Callable[[], Sequence[Flushable]]) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            if self._busy.acquire(blocking=False):
                try:
                    self.enforce(engines())
                except Exception:  # the next writer's check reports it
                    log.exception("memory budget check failed")
                finally:
                    self._busy.release()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
