"""Small pieces with timing behaviour: back-off policy, the retry loop, the upload rate limit,
per-store slots and the import-mode keep-alive."""

from __future__ import annotations

import threading
import time

import pytest

from importer.cluster import ImportMode
from importer.clustermode import ClusterModeGuard
from importer.errors import ClusterError, RegionError, RegionErrorKind, RpcFailure
from importer.retry import (
    MAX_WRITE_INGEST_ATTEMPTS,
    WRITE_INGEST_MAX_DELAY_S,
    RetryPolicies,
    RetryPolicy,
    is_retryable,
    retrying,
)
from importer.throttle import RateLimiter, StoreSlots
from tests.support.fake_cluster import FakeCluster


def test_backoff_doubles_and_is_capped() -> None:
    p = RetryPolicy(10, 1.0, 30.0)
    assert [p.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    default = RetryPolicies().write_ingest
    assert default.max_attempts == MAX_WRITE_INGEST_ATTEMPTS == 30
    assert default.delay(100) == WRITE_INGEST_MAX_DELAY_S


def test_fast_policies_keep_attempt_limits_and_shrink_delays() -> None:
    fast, slow = RetryPolicies.fast(0.001), RetryPolicies()
    assert fast.split.max_attempts == slow.split.max_attempts
    assert fast.split.delay(3) == pytest.approx(slow.split.delay(3) * 0.001)


def test_retry_predicate() -> None:
    assert is_retryable(RegionError(RegionErrorKind.NOT_LEADER, 1))
    assert is_retryable(RpcFailure("a", "Write", "UNAVAILABLE", ""))
    assert not is_retryable(RegionError(RegionErrorKind.DISK_FULL, 1))
    assert not is_retryable(ValueError("bug"))


def test_retrying_sleeps_between_attempts_and_gives_up_at_the_limit() -> None:
    sleeps: list[float] = []
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise ClusterError("transient")
        return "ok"

    assert retrying(flaky, RetryPolicy(5, 0.5, 1.0), sleep=sleeps.append) == "ok"
    assert sleeps == [0.5, 1.0]

    def always() -> None:
        raise ClusterError("down")

    sleeps.clear()
    with pytest.raises(ClusterError):
        retrying(always, RetryPolicy(4, 0.1, 10), sleep=sleeps.append)
    assert len(sleeps) == 3


def test_retrying_does_not_retry_a_non_retryable_error() -> None:
    sleeps: list[float] = []

    def broken() -> None:
        raise RegionError(RegionErrorKind.DISK_FULL, 7)

    with pytest.raises(RegionError):
        retrying(broken, RetryPolicy(5, 0.1, 1), sleep=sleeps.append)
    assert sleeps == []


def test_rate_limiter_makes_callers_wait_for_their_bytes() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    lim = RateLimiter(1000, clock=lambda: now[0], sleep=sleep)
    lim.acquire(1000)  # the one-second burst
    assert slept == []
    lim.acquire(500)
    assert slept == [pytest.approx(0.5)]
    now[0] += 10
    lim.acquire(800)  # tokens refilled (capped at one second's worth)
    assert len(slept) == 1
    RateLimiter(0, sleep=sleep).acquire(10**9)  # 0 = unlimited
    assert len(slept) == 1


def test_store_slots_bound_concurrency_per_store() -> None:
    slots = StoreSlots(1)
    inside = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with slots.hold([1, 2]):
            inside.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    inside.wait(5)
    entered = threading.Event()

    def contender() -> None:
        with slots.hold([2, 3]):
            entered.set()

    c = threading.Thread(target=contender)
    c.start()
    assert not entered.wait(0.2)  # store 2 is busy
    with slots.hold([3]):  # other stores are free
        pass
    release.set()
    assert entered.wait(5)
    t.join()
    c.join()


def test_import_mode_is_kept_alive_and_released_by_the_last_user() -> None:
    cluster = FakeCluster(store_count=2)
    guard = ClusterModeGuard(switch_interval_s=0.05, pause_ttl_s=0.3, pause_scope="global")
    with guard.active("pd", cluster):
        with guard.active("pd", cluster):
            time.sleep(0.35)
        assert all(cluster.modes[s] is ImportMode.IMPORT for s in (1, 2))
        assert cluster.schedulers["balance-region-scheduler"] > 0
    imports = [c for c in cluster.mode_calls if c[1] is ImportMode.IMPORT]
    assert len(imports) >= 2 * 4  # first switch plus re-sends, for both stores
    assert cluster.mode_calls[-2:] == [(1, ImportMode.NORMAL), (2, ImportMode.NORMAL)]
    pauses = [c for c in cluster.pause_calls if c == ("balance-region-scheduler", 1)]
    assert len(pauses) >= 2  # renewed every ttl/3
    assert cluster.schedulers["balance-region-scheduler"] == 0


def test_switch_mode_failures_are_not_fatal() -> None:
    cluster = FakeCluster()

    def broken(store: object, mode: ImportMode) -> None:
        raise RpcFailure("store", "SwitchMode", "UNAVAILABLE", "")

    cluster.switch_mode = broken  # type: ignore[method-assign]
    guard = ClusterModeGuard(switch_interval_s=10, pause_ttl_s=10, pause_scope="off")
    with guard.active("pd", cluster):
        pass
