"""PD operators: ``scatter-region`` balances a region's peers and leader across stores.

A scatter finishes after a short delay (as a real operator takes a while); until then
``GetOperator`` reports RUNNING, afterwards SUCCESS (or CANCEL if the region vanished). Moving a
peer copies the region's data to the new store and deletes it from the old one.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog

from playground.raft import Raft
from protos import pdpb_pb2

log = structlog.get_logger("playground.pd")

SCATTER_DESC = b"scatter-region"
SCATTER_KIND = b"admin,region"
DELAY_RANGE_SECONDS = (0.05, 0.2)


@dataclass
class Operator:
    desc: bytes
    kind: bytes
    status: Any


class Operators:
    """Running and finished operators by region id."""

    def __init__(
        self,
        raft: Raft,
        available_stores: Callable[[], list[int]],
        seed: int = 0,
        delay_range: tuple[float, float] = DELAY_RANGE_SECONDS,
    ) -> None:
        self._raft = raft
        self._available = available_stores
        self._rng = random.Random(f"{seed}:scatter")
        self._delay = delay_range
        self._lock = threading.Lock()
        self._ops: dict[int, Operator] = {}
        self._timers: list[threading.Timer] = []
        self._closed = False

    def get(self, region_id: int) -> Operator | None:
        with self._lock:
            return self._ops.get(region_id)

    def scatter(self, region_id: int) -> bool:
        """Starts a scatter; False if the region is unknown. A running scatter is kept."""
        if self._raft.regions.get(region_id) is None:
            return False
        with self._lock:
            if self._closed:
                return False
            op = self._ops.get(region_id)
            if op is not None and op.status == pdpb_pb2.RUNNING:
                return True
            self._ops[region_id] = Operator(SCATTER_DESC, SCATTER_KIND, pdpb_pb2.RUNNING)
            delay = self._rng.uniform(*self._delay)
            timer = threading.Timer(delay, self._run, args=(region_id,))
            timer.daemon = True
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()
        return True

    def _run(self, region_id: int) -> None:
        status: Any = pdpb_pb2.SUCCESS
        try:
            if not self._scatter_now(region_id):
                status = pdpb_pb2.CANCEL
        except Exception:
            log.exception("scatter failed", region_id=region_id)
            status = pdpb_pb2.CANCEL
        with self._lock:
            op = self._ops.get(region_id)
            if op is not None:
                op.status = status

    def _scatter_now(self, region_id: int) -> bool:
        raft = self._raft
        with raft.lock:
            if self._closed:
                return False
            region = raft.regions.get(region_id)
            if region is None:
                return False
            current = [p.store_id for p in region.peers]
            candidates = sorted(set(self._available()) | set(current))
            peers = raft.regions.peer_counts()
            for s in current:
                peers[s] -= 1
            order = sorted(
                candidates,
                key=lambda s: (peers.get(s, 0), s not in current, self._rng.random()),
            )
            target = order[: len(current)]
            adds = [s for s in target if s not in current]
            removes = [s for s in current if s not in target]
            for src, dst in zip(removes, adds, strict=True):
                raft.move_peer(region_id, src, dst)
            leaders = raft.regions.leader_counts()
            leader = raft.regions.leader_store(region_id)
            leaders[leader] -= 1
            best = min(target, key=lambda s: (leaders.get(s, 0), s != leader, self._rng.random()))
            if best != leader:
                raft.transfer_leader(region_id, best)
        log.info("region scattered", region_id=region_id, moved=len(adds), leader=best)
        return True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            timers = list(self._timers)
        for t in timers:
            t.cancel()
        for t in timers:
            if t.is_alive():
                t.join()
