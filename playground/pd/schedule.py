"""PD's scheduling state as its HTTP API exposes it: schedulers (pausable) and schedule config.

``POST /pd/api/v1/schedulers/{name}`` with ``{"delay": s}`` pauses until now + s (0 resumes;
``all`` means every scheduler). ``POST /pd/api/v1/config/schedule?ttlSecond=N`` overrides keys
for N seconds; without a TTL the change is permanent (persisted).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from playground.metastore import MetaStore

SCHEDULERS = (
    "balance-hot-region-scheduler",
    "balance-leader-scheduler",
    "balance-region-scheduler",
    "evict-slow-store-scheduler",
)
DEFAULT_SCHEDULE_CONFIG: dict[str, Any] = {
    "max-snapshot-count": 64,
    "max-pending-peer-count": 64,
    "max-merge-region-size": 20,
    "max-merge-region-keys": 200000,
    "split-merge-interval": "1h0m0s",
    "patrol-region-interval": "10ms",
    "max-store-down-time": "30m0s",
    "leader-schedule-limit": 4,
    "leader-schedule-policy": "count",
    "region-schedule-limit": 2048,
    "replica-schedule-limit": 64,
    "merge-schedule-limit": 8,
    "hot-region-schedule-limit": 4,
    "hot-region-cache-hits-threshold": 3,
    "tolerant-size-ratio": 0,
    "low-space-ratio": 0.8,
    "high-space-ratio": 0.7,
    "enable-remove-down-replica": "true",
    "enable-replace-offline-replica": "true",
    "enable-make-up-replica": "true",
    "enable-remove-extra-replica": "true",
    "enable-location-replacement": "true",
    "enable-cross-table-merge": "true",
    "enable-one-way-merge": "false",
}
_CONFIG_KEY = b"schedule-config"


class UnknownScheduler(KeyError):
    """A scheduler name PD does not run."""


class UnknownConfigItem(KeyError):
    """A schedule config key PD does not have."""


class ScheduleState:
    """Paused schedulers and the schedule config (with TTL overrides)."""

    def __init__(self, meta: MetaStore) -> None:
        self._meta = meta
        self._lock = threading.Lock()
        self._paused: dict[str, float] = {}
        raw = meta.get(_CONFIG_KEY)
        self._config: dict[str, Any] = dict(DEFAULT_SCHEDULE_CONFIG)
        if raw is not None:
            self._config.update(json.loads(raw))
        self._ttl: dict[str, tuple[Any, float]] = {}
        self._label_rules: dict[str, dict[str, Any]] = {}

    def schedulers(self, paused_only: bool = False) -> list[str]:
        now = time.time()
        with self._lock:
            if paused_only:
                return [n for n in SCHEDULERS if self._paused.get(n, 0.0) > now]
            return list(SCHEDULERS)

    def pause(self, name: str, delay_seconds: int) -> None:
        """Pauses ``name`` (or ``all``) for ``delay_seconds``; 0 resumes."""
        names = list(SCHEDULERS) if name == "all" else [name]
        if name != "all" and name not in SCHEDULERS:
            raise UnknownScheduler(name)
        until = time.time() + delay_seconds
        with self._lock:
            for n in names:
                if delay_seconds > 0:
                    self._paused[n] = until
                else:
                    self._paused.pop(n, None)

    def paused(self) -> dict[str, float]:
        """``{name: paused_until_unix_seconds}`` of schedulers paused right now."""
        now = time.time()
        with self._lock:
            return {n: t for n, t in self._paused.items() if t > now}

    def set_label_rule(self, rule: dict[str, Any]) -> None:
        """Stores a region label rule (``pause-pd-scheduler-scope = "table"``) by its id."""
        with self._lock:
            self._label_rules[str(rule["id"])] = rule

    def delete_label_rule(self, rule_id: str) -> bool:
        with self._lock:
            return self._label_rules.pop(rule_id, None) is not None

    def label_rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._label_rules.values())

    def config(self) -> dict[str, Any]:
        now = time.time()
        with self._lock:
            out = dict(self._config)
            for k, (v, until) in self._ttl.items():
                if until > now:
                    out[k] = v
            return out

    def update_config(self, values: dict[str, Any], ttl_seconds: float | None) -> None:
        for k in values:
            if k not in DEFAULT_SCHEDULE_CONFIG:
                raise UnknownConfigItem(k)
        with self._lock:
            if ttl_seconds is not None and ttl_seconds > 0:
                until = time.time() + ttl_seconds
                for k, v in values.items():
                    self._ttl[k] = (v, until)
                return
            for k, v in values.items():
                self._ttl.pop(k, None)
                self._config[k] = v
            changed = {k: v for k, v in self._config.items() if DEFAULT_SCHEDULE_CONFIG[k] != v}
            self._meta.put(_CONFIG_KEY, json.dumps(changed).encode())
