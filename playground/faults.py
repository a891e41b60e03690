"""Fault injection: random region errors per RPC (``--faults``) and scripted faults for tests.

Rate spec: ``"not-leader=0.05,epoch-not-match=0.05,server-busy=0.05,split-before-ingest=0.02,
leader-transfer=0.02"``. Every kind draws from its own ``random.Random`` seeded from
``(seed, kind)``, so a run is reproducible under ``--seed`` for the same sequence of RPCs.

RPC families a fault can target: ``ingest`` (Ingest / MultiIngest), ``write`` (ImportSST Write),
``split`` (Tikv SplitRegion) and ``read`` (KvGet / KvBatchGet / KvScan). Random rates apply to:

=====================  =========================
kind                   families (rates)
=====================  =========================
not-leader             ingest, split
epoch-not-match        ingest, split
server-busy            ingest, split, write
region-not-found       ingest
key-not-in-region      ingest
store-not-match        ingest
disk-full              ingest (DiskFull naming the store)
split-before-ingest    ingest (a real split: the ingest then fails with EpochNotMatch)
leader-transfer        ingest, split (a real transfer: the RPC then fails with NotLeader)
=====================  =========================

Reads are never hit by random rates (tools read back through them); scripted ``inject`` can
target any family.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from playground.errors import ConfigError
from protos import metapb_pb2

NOT_LEADER = "not-leader"
EPOCH_NOT_MATCH = "epoch-not-match"
SERVER_BUSY = "server-busy"
REGION_NOT_FOUND = "region-not-found"
KEY_NOT_IN_REGION = "key-not-in-region"
STORE_NOT_MATCH = "store-not-match"
DISK_FULL = "disk-full"
SPLIT_BEFORE_INGEST = "split-before-ingest"
LEADER_TRANSFER = "leader-transfer"

INGEST = "ingest"
WRITE = "write"
SPLIT = "split"
READ = "read"
FAMILIES = (INGEST, WRITE, SPLIT, READ)

# Order matters: when several kinds fire on one RPC the first listed wins.
RATE_TARGETS: dict[str, frozenset[str]] = {
    SPLIT_BEFORE_INGEST: frozenset({INGEST}),
    LEADER_TRANSFER: frozenset({INGEST, SPLIT}),
    NOT_LEADER: frozenset({INGEST, SPLIT}),
    EPOCH_NOT_MATCH: frozenset({INGEST, SPLIT}),
    SERVER_BUSY: frozenset({INGEST, SPLIT, WRITE}),
    REGION_NOT_FOUND: frozenset({INGEST}),
    KEY_NOT_IN_REGION: frozenset({INGEST}),
    STORE_NOT_MATCH: frozenset({INGEST}),
    DISK_FULL: frozenset({INGEST}),
}
KINDS = tuple(RATE_TARGETS)


def parse_spec(spec: str) -> dict[str, float]:
    """``"kind=p,kind=p"`` -> ``{kind: p}``; unknown kinds and p outside [0, 1] are rejected."""
    rates: dict[str, float] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kind, sep, value = part.partition("=")
        kind = kind.strip()
        if not sep:
            raise ConfigError("faults", part, "expected kind=probability")
        if kind not in RATE_TARGETS:
            raise ConfigError("faults", kind, f"unknown fault kind (known: {', '.join(KINDS)})")
        try:
            p = float(value)
        except ValueError:
            raise ConfigError("faults", part, "probability is not a number") from None
        if not 0.0 <= p <= 1.0:
            raise ConfigError("faults", part, "probability must be within [0, 1]")
        rates[kind] = p
    return rates


class ClusterActions(Protocol):
    """What scripted faults do to the cluster (implemented by ``Cluster``)."""

    def stop_store(self, store_id: int) -> None: ...

    def start_store(self, store_id: int) -> None: ...

    def transfer_leader(self, region_id: int, store_id: int) -> None: ...

    def split_at(self, raw_key: bytes) -> list[metapb_pb2.Region]: ...


@dataclass
class _Scripted:
    kind: str
    family: str
    remaining: int


class Faults:
    """Random and scripted faults; the services ask ``draw(family)`` once per RPC."""

    def __init__(self, actions: ClusterActions, spec: str = "", seed: int = 0) -> None:
        self._actions = actions
        self._seed = seed
        self._lock = threading.Lock()
        self._rates: dict[str, float] = {}
        self._rngs: dict[str, random.Random] = {}
        self._scripted: deque[_Scripted] = deque()
        self._split_next_ingest: list[bytes | None] = []
        self.set_rates(spec)

    # -- configuration ---------------------------------------------------------------------

    def set_rates(self, spec: str) -> None:
        """Replaces the random rates (same syntax as ``--faults``); reseeds every stream."""
        rates = parse_spec(spec)
        with self._lock:
            self._rates = rates
            self._rngs = {k: random.Random(f"{self._seed}:{k}") for k in KINDS}

    def rates(self) -> dict[str, float]:
        with self._lock:
            return dict(self._rates)

    def inject(self, kind: str, count: int = 1, rpc: str = INGEST) -> None:
        """The next ``count`` RPCs of family ``rpc`` (default ingest) get region error ``kind``."""
        if kind not in RATE_TARGETS:
            raise ConfigError("kind", kind, f"unknown fault kind (known: {', '.join(KINDS)})")
        if rpc not in FAMILIES:
            raise ConfigError("rpc", rpc, f"unknown RPC family (known: {', '.join(FAMILIES)})")
        if count < 1:
            raise ConfigError("count", count, "must be at least 1")
        with self._lock:
            self._scripted.append(_Scripted(kind, rpc, count))

    def split_before_next_ingest(self, raw_key: bytes | None = None) -> None:
        """The next ingest finds its region split (at ``raw_key``, or inside the SST's range)."""
        with self._lock:
            self._split_next_ingest.append(raw_key)

    def clear(self) -> None:
        """Drops scripted faults and rates."""
        with self._lock:
            self._scripted.clear()
            self._split_next_ingest.clear()
            self._rates = {}

    # -- scripted cluster actions ----------------------------------------------------------

    def stop_store(self, store_id: int) -> None:
        """RPCs to the store fail with UNAVAILABLE until ``start_store``."""
        self._actions.stop_store(store_id)

    def start_store(self, store_id: int) -> None:
        self._actions.start_store(store_id)

    def transfer_leader(self, region_id: int, store_id: int) -> None:
        self._actions.transfer_leader(region_id, store_id)

    def split(self, raw_key: bytes) -> list[metapb_pb2.Region]:
        """Splits the region holding ``raw_key`` at it now (epoch bump); returns the pieces."""
        return self._actions.split_at(raw_key)

    # -- used by the services --------------------------------------------------------------

    def draw(self, family: str) -> str | None:
        """The fault kind this RPC of ``family`` suffers, if any (scripted first, then rates)."""
        with self._lock:
            for item in self._scripted:
                if item.family == family:
                    item.remaining -= 1
                    if item.remaining <= 0:
                        self._scripted.remove(item)
                    return item.kind
            hit: str | None = None
            for kind, families in RATE_TARGETS.items():
                p = self._rates.get(kind, 0.0)
                if p <= 0.0 or family not in families:
                    continue
                # Every eligible stream draws, so one kind's rate never shifts another's sequence.
                if self._rngs[kind].random() < p and hit is None:
                    hit = kind
            return hit

    def take_pending_split(self) -> tuple[bool, bytes | None]:
        """Whether a scripted split-before-ingest is pending (and its key); consumes it."""
        with self._lock:
            if not self._split_next_ingest:
                return False, None
            return True, self._split_next_ingest.pop(0)
