"""The seam between import logic and the cluster: value types and the ``ClusterClient`` Protocol.

All keys crossing this seam are *raw* TiDB keys (``b""`` = unbounded); the gRPC
implementation (``importer.grpccluster``) encodes them for PD and decodes region boundaries.
Region errors come back as ``importer.errors.RegionError``; transport failures as
``RpcFailure``; PD header errors as ``PdError``. Tests drive split/ingest logic through an
in-memory implementation of the same Protocol.

Public API: ``Peer``, ``RegionEpoch``, ``Region``, ``Store``, ``ImportMode``, ``SSTMeta``,
``ClusterClient``, ``ClusterFactory``, ``range_end_min``, ``key_in_range``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol

from protos import import_sstpb_pb2

# The SST descriptions TiKV's Write returns and MultiIngest takes; opaque to the import logic.
SSTMeta = import_sstpb_pb2.SSTMeta
Pair = tuple[bytes, bytes]


class ImportMode(Enum):
    NORMAL = 0
    IMPORT = 1


@dataclass(frozen=True)
class Peer:
    id: int
    store_id: int
    is_learner: bool = False


@dataclass(frozen=True)
class RegionEpoch:
    conf_ver: int
    version: int


@dataclass(frozen=True)
class Region:
    """A region with raw-key boundaries ``[start, end)``; ``end == b""`` means unbounded."""

    id: int
    start: bytes
    end: bytes
    epoch: RegionEpoch
    peers: tuple[Peer, ...]
    leader: Peer | None = None

    def contains(self, key: bytes) -> bool:
        return key_in_range(key, self.start, self.end)

    def target_peer(self) -> Peer:
        """The leader, or the first peer when the leader is unknown."""
        if self.leader is not None and self.leader.id:
            return self.leader
        return self.peers[0]

    def with_leader(self, leader: Peer | None) -> Region:
        return replace(self, leader=leader)

    def peer_on_store(self, store_id: int) -> Peer | None:
        for peer in self.peers:
            if peer.store_id == store_id:
                return peer
        return None


@dataclass(frozen=True)
class Store:
    id: int
    address: str
    peer_address: str = ""
    state: str = "Up"
    is_tiflash: bool = False

    @property
    def grpc_address(self) -> str:
        """Where to dial: ``peer_address`` when set (TiFlash), else ``address``."""
        return self.peer_address or self.address


def key_in_range(key: bytes, start: bytes, end: bytes) -> bool:
    """``start <= key < end`` with ``end == b""`` unbounded."""
    return key >= start and (not end or key < end)


def range_end_min(a: bytes, b: bytes) -> bytes:
    """The smaller of two exclusive ends where ``b""`` is +infinity."""
    if not a:
        return b
    if not b:
        return a
    return min(a, b)


class ClusterClient(Protocol):
    """Everything the importer asks of PD and the TiKV stores."""

    def tso(self) -> int:
        """A fresh, non-zero timestamp from PD's TSO."""
        ...

    def get_region(self, key: bytes) -> Region | None:
        """The region containing raw ``key``."""
        ...

    def get_region_by_id(self, region_id: int) -> Region | None: ...

    def scan_regions(self, start: bytes, end: bytes, limit: int) -> list[Region]:
        """Up to ``limit`` regions overlapping ``[start, end)``, in key order."""
        ...

    def get_store(self, store_id: int) -> Store: ...

    def all_stores(self) -> list[Store]:
        """Every store that is not a tombstone."""
        ...

    def split_region(self, region: Region, keys: Sequence[bytes]) -> list[Region]:
        """Batch-splits ``region`` at raw ``keys`` (sorted) through its leader.

        Returns every resulting region (the original id included).
        """
        ...

    def scatter_regions(self, region_ids: Sequence[int]) -> list[int]:
        """Asks PD to scatter the regions; returns the ids PD could not scatter."""
        ...

    def scatter_finished(self, region_id: int) -> bool:
        """False while PD's scatter operator for the region is still running."""
        ...

    def write(
        self,
        region: Region,
        commit_ts: int,
        first_key: bytes,
        last_key: bytes,
        batches: Iterable[Sequence[Pair]],
    ) -> list[SSTMeta]:
        """Streams ``batches`` with ``ImportSST.Write`` to every peer of ``region``.

        ``first_key``/``last_key`` are the smallest and largest raw key of all batches.
        Returns the SST metas of the leader's stream (the first peer's if the leader is
        unknown). Any peer failing raises.
        """
        ...

    def multi_ingest(self, region: Region, metas: Sequence[SSTMeta]) -> None:
        """``ImportSST.MultiIngest`` of ``metas`` on the region's leader."""
        ...

    def switch_mode(self, store: Store, mode: ImportMode) -> None: ...

    def compact(self, store: Store, request: bytes) -> None:
        """Forwards a serialized ``import_sstpb.CompactRequest`` to one store."""
        ...

    def list_schedulers(self) -> list[str]:
        """Names of PD's schedulers (PD HTTP API)."""
        ...

    def pause_scheduler(self, name: str, delay_s: int) -> None:
        """Pauses a PD scheduler for ``delay_s`` seconds; 0 resumes it."""
        ...

    def set_schedule_deny_rule(self, rule_id: str, start: bytes, end: bytes, ttl_s: int) -> None:
        """A PD region-label rule ``schedule=deny`` over raw ``[start, end)`` for ``ttl_s``:
        PD schedules no region of the range while it lasts."""
        ...

    def delete_label_rule(self, rule_id: str) -> None: ...

    def close(self) -> None: ...


# Builds a cluster client for a PD address (the request's pd_addr or the configured one).
ClusterFactory = Callable[[str], ClusterClient]
