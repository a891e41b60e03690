"""Retrying transient failures: one predicate, one loop, capped exponential backoff.

A request is repeated while it fails with a retryable ``RemoteError`` (the importer or TiDB is
unreachable or restarting, an engine is busy, an import was interrupted) and the total time
spent stays under the limit; anything else propagates at once. ``check`` runs before every
attempt so a task whose lease was lost stops waiting.

Public API: ``is_retryable``, ``retry``, ``Backoff`` and the limits below.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from encoder.errors import RemoteError

log = structlog.get_logger("encoder.retry")

T = TypeVar("T")

# First wait, growth factor and longest wait between attempts.
BACKOFF_BASE_S = 0.1
BACKOFF_FACTOR = 2.0
BACKOFF_CAP_S = 5.0
# How long a server may stay unreachable (or an engine busy) before the request fails.
OUTAGE_LIMIT_S = 900.0
# Retries are logged as warnings (visible on a terminal) once a request waited this long.
WARN_AFTER_S = 20.0


def is_retryable(exc: BaseException) -> bool:
    """True for transient remote failures worth repeating."""
    return isinstance(exc, RemoteError) and exc.retryable


@dataclass
class Backoff:
    """Wait times ``base, base*factor, ...`` capped at ``cap``."""

    base: float = BACKOFF_BASE_S
    factor: float = BACKOFF_FACTOR
    cap: float = BACKOFF_CAP_S
    attempt: int = 0

    def next(self) -> float:
        wait = min(self.cap, self.base * self.factor**self.attempt)
        self.attempt += 1
        return wait


def retry(
    fn: Callable[[], T],
    *,
    what: str,
    limit_s: float = OUTAGE_LIMIT_S,
    check: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    backoff: Backoff | None = None,
) -> T:
    """``fn()``, repeated on retryable errors until it succeeds or ``limit_s`` has passed."""
    started = clock()
    waits = backoff or Backoff()
    while True:
        if check is not None:
            check()
        try:
            return fn()
        except RemoteError as exc:
            if not is_retryable(exc) or clock() - started >= limit_s:
                raise
            wait = waits.next()
            emit = log.warning if clock() - started >= WARN_AFTER_S else log.info
            emit("retrying", what=what, attempt=waits.attempt, wait=wait, error=str(exc))
            sleep(wait)
