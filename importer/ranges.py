"""Cutting an engine's key space into region-sized ranges (the split plan).

One pass over the engine in key order accumulates ``len(key) + len(value)`` and the pair count,
and starts a new range when either reaches ``region-split-size`` / ``region-split-keys``. Every
range start after the first is a split key; the engine's first key and the key just past its
last one are split candidates too, so the imported data gets regions of its own.

Public API: ``KeyRange``, ``RangePlan``, ``plan_ranges``, ``next_key``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyRange:
    """Raw keys ``[start, end)``; ``end == b""`` is unbounded."""

    start: bytes
    end: bytes


@dataclass(frozen=True)
class RangePlan:
    ranges: tuple[KeyRange, ...]
    kvs: int
    size: int

    @property
    def split_keys(self) -> list[bytes]:
        """Every range boundary: first key, each later range start, and the end bound."""
        if not self.ranges:
            return []
        keys = [r.start for r in self.ranges]
        keys.append(self.ranges[-1].end)
        return keys


def next_key(key: bytes) -> bytes:
    """The smallest key greater than ``key``."""
    return key + b"\x00"


def plan_ranges(pairs: Iterable[tuple[bytes, bytes]], max_bytes: int, max_keys: int) -> RangePlan:
    """Cuts the sorted ``pairs`` into ranges of at most ``max_bytes`` / ``max_keys`` each."""
    starts: list[bytes] = []
    size = 0
    count = 0
    total_kvs = 0
    total_bytes = 0
    last = b""
    for key, value in pairs:
        n = len(key) + len(value)
        if not starts or size + n > max_bytes or count >= max_keys:
            starts.append(bytes(key))
            total_bytes += size
            size = 0
            count = 0
        size += n
        count += 1
        total_kvs += 1
        last = key
    total_bytes += size
    if not starts:
        return RangePlan((), 0, 0)
    ends = [*starts[1:], next_key(bytes(last))]
    return RangePlan(
        tuple(KeyRange(s, e) for s, e in zip(starts, ends, strict=True)), total_kvs, total_bytes
    )
