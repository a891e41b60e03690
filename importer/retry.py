"""Retry: one predicate, one loop, capped exponential backoff, limits as named constants.

The limits follow Lightning's local backend (``pkg/lightning/backend/local``,
``br/pkg/restore/split``): a region job is re-queued with back-off ``min(2^n, 30)`` s and
fails after 30 attempts; split passes retry 8 times from 1 s doubling to 4 s; scatter 3 times
from 1 s; a new region is awaited in PD for 64 polls and a scatter operator for 64 polls
(about once per second, the first ones sooner).

Public API: ``RetryPolicy``, ``RetryPolicies``, ``is_retryable``, ``retrying`` and the
constants below.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from importer.errors import ClusterError, RegionError, RegionErrorKind

T = TypeVar("T")

# Region write + ingest jobs (Lightning MaxWriteAndIngestRetryTimes, back-off min(2^n, 30) s).
MAX_WRITE_INGEST_ATTEMPTS = 30
WRITE_INGEST_BASE_DELAY_S = 1.0
WRITE_INGEST_MAX_DELAY_S = 30.0
# Ingest retried on ServerIsBusy without re-writing (the SSTs are still staged on the peers).
MAX_INGEST_BUSY_ATTEMPTS = 5
# Split passes (Lightning SplitRetryTimes, split back-off 1 s doubling to 4 s).
SPLIT_RETRY_TIMES = 8
SPLIT_BASE_DELAY_S = 1.0
SPLIT_MAX_DELAY_S = 4.0
# Scatter requests (3 attempts, 1 s doubling).
SCATTER_RETRY_TIMES = 3
SCATTER_BASE_DELAY_S = 1.0
SCATTER_MAX_DELAY_S = 4.0
# Waiting for a split region to appear in PD (SplitCheckMaxRetryTimes, about once per second;
# the first polls come sooner so small imports do not idle).
SPLIT_CHECK_MAX_RETRY_TIMES = 64
SPLIT_CHECK_FIRST_INTERVAL_S = 0.05
SPLIT_CHECK_INTERVAL_S = 1.0
# Waiting for scatter operators (ScatterWaitMaxRetryTimes, same polling shape).
SCATTER_WAIT_MAX_RETRY_TIMES = 64
SCATTER_WAIT_FIRST_INTERVAL_S = 0.05
SCATTER_WAIT_INTERVAL_S = 1.0
# PD calls (GetRegion, ScanRegions, Tso) when PD is briefly unavailable.
PD_RETRY_TIMES = 10
PD_BASE_DELAY_S = 0.1
PD_MAX_DELAY_S = 2.0


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` tries; delay before try n+1 = min(base * 2^(n-1), cap)."""

    max_attempts: int
    base_delay_s: float
    max_delay_s: float

    def delay(self, attempt: int) -> float:
        """The pause after the ``attempt``-th failure (1-based)."""
        return min(self.base_delay_s * float(1 << max(attempt - 1, 0)), self.max_delay_s)


def _policy(attempts: int, base: float, cap: float) -> RetryPolicy:
    return RetryPolicy(attempts, base, cap)


@dataclass(frozen=True)
class RetryPolicies:
    """Every retry policy of an import; tests shrink the delays."""

    write_ingest: RetryPolicy = field(
        default_factory=lambda: _policy(
            MAX_WRITE_INGEST_ATTEMPTS, WRITE_INGEST_BASE_DELAY_S, WRITE_INGEST_MAX_DELAY_S
        )
    )
    ingest_busy: RetryPolicy = field(
        default_factory=lambda: _policy(
            MAX_INGEST_BUSY_ATTEMPTS, WRITE_INGEST_BASE_DELAY_S, WRITE_INGEST_MAX_DELAY_S
        )
    )
    split: RetryPolicy = field(
        default_factory=lambda: _policy(SPLIT_RETRY_TIMES, SPLIT_BASE_DELAY_S, SPLIT_MAX_DELAY_S)
    )
    scatter: RetryPolicy = field(
        default_factory=lambda: _policy(
            SCATTER_RETRY_TIMES, SCATTER_BASE_DELAY_S, SCATTER_MAX_DELAY_S
        )
    )
    wait_split: RetryPolicy = field(
        default_factory=lambda: _policy(
            SPLIT_CHECK_MAX_RETRY_TIMES, SPLIT_CHECK_FIRST_INTERVAL_S, SPLIT_CHECK_INTERVAL_S
        )
    )
    wait_scatter: RetryPolicy = field(
        default_factory=lambda: _policy(
            SCATTER_WAIT_MAX_RETRY_TIMES, SCATTER_WAIT_FIRST_INTERVAL_S, SCATTER_WAIT_INTERVAL_S
        )
    )
    pd: RetryPolicy = field(
        default_factory=lambda: _policy(PD_RETRY_TIMES, PD_BASE_DELAY_S, PD_MAX_DELAY_S)
    )

    @classmethod
    def fast(cls, scale: float = 0.001) -> RetryPolicies:
        """The same attempt limits with every delay multiplied by ``scale`` (for tests)."""
        base = cls()
        return cls(
            **{
                name: RetryPolicy(p.max_attempts, p.base_delay_s * scale, p.max_delay_s * scale)
                for name, p in vars(base).items()
            }
        )


def is_retryable(exc: BaseException) -> bool:
    """The retry predicate: cluster errors are retryable, except a full disk."""
    if isinstance(exc, RegionError):
        return exc.kind is not RegionErrorKind.DISK_FULL
    return isinstance(exc, ClusterError)


def retrying(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    predicate: Callable[[BaseException], bool] = is_retryable,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[BaseException, int], None] | None = None,
) -> T:
    """Calls ``fn`` until it succeeds, the error is not retryable, or attempts run out."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except Exception as exc:
            if attempt >= policy.max_attempts or not predicate(exc):
                raise
            if on_retry is not None:
                on_retry(exc, attempt)
            sleep(policy.delay(attempt))
