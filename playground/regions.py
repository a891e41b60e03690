"""The region table: every region's range, epoch, peers and leader, in key order, persisted.

PD and the TiKV stand-ins share this one table (there is no heartbeat lag to model). Region
boundaries are memcomparable-encoded keys, as in real PD; ``b""`` is -inf as a start and +inf as
an end. Callers get copies of the protobuf messages, never the table's own objects.
"""

from __future__ import annotations

import bisect
import struct
import threading
from collections.abc import Iterable

from playground.errors import InvalidSplit, UnknownRegion
from playground.metastore import MetaStore
from protos import metapb_pb2, pdpb_pb2

_REGION_PREFIX = b"region/"
_ID_KEY = b"alloc-id"
# Ids below this are left for store ids, so a peer id never looks like a store id.
FIRST_ALLOC_ID = 1000


def _region_key(region_id: int) -> bytes:
    return _REGION_PREFIX + struct.pack(">Q", region_id)


def contains(region: metapb_pb2.Region, encoded_key: bytes) -> bool:
    """True when ``encoded_key`` lies in ``[start_key, end_key)`` of ``region``."""
    return encoded_key >= region.start_key and (not region.end_key or encoded_key < region.end_key)


def copy_region(region: metapb_pb2.Region) -> metapb_pb2.Region:
    out = metapb_pb2.Region()
    out.CopyFrom(region)
    return out


class RegionManager:
    """Regions by id and by start key; ``lock`` guards every read-modify-write."""

    def __init__(self, meta: MetaStore) -> None:
        self.lock = threading.RLock()
        self._meta = meta
        self._regions: dict[int, metapb_pb2.Region] = {}
        self._leaders: dict[int, int] = {}
        self._starts: list[bytes] = []
        self._ids: list[int] = []
        for _, raw in meta.scan_prefix(_REGION_PREFIX):
            rec = pdpb_pb2.Region.FromString(raw)
            self._regions[rec.region.id] = rec.region
            self._leaders[rec.region.id] = rec.leader.store_id
        for region in sorted(self._regions.values(), key=lambda r: r.start_key):
            self._starts.append(region.start_key)
            self._ids.append(region.id)

    # -- ids -------------------------------------------------------------------------------

    def alloc_ids(self, count: int) -> list[int]:
        first = self._meta.next_counter(_ID_KEY, count, start=FIRST_ALLOC_ID)
        return list(range(first, first + count))

    # -- bootstrap -------------------------------------------------------------------------

    def bootstrap(self, store_ids: list[int], replicas: int) -> bool:
        """Creates the single region covering all keys if the table is empty; True if it did."""
        with self.lock:
            if self._regions:
                return False
            chosen = store_ids[:replicas]
            ids = self.alloc_ids(1 + len(chosen))
            region = metapb_pb2.Region(id=ids[0])
            region.region_epoch.conf_ver = 1
            region.region_epoch.version = 1
            for peer_id, store_id in zip(ids[1:], chosen, strict=True):
                region.peers.add(id=peer_id, store_id=store_id)
            self._put([(region, chosen[0])])
            return True

    # -- reads -----------------------------------------------------------------------------

    def get(self, region_id: int) -> metapb_pb2.Region | None:
        with self.lock:
            region = self._regions.get(region_id)
            return copy_region(region) if region is not None else None

    def leader_of(self, region_id: int) -> metapb_pb2.Peer | None:
        """The leader peer of the region (None if the region is unknown)."""
        with self.lock:
            region = self._regions.get(region_id)
            if region is None:
                return None
            store_id = self._leaders[region_id]
            for peer in region.peers:
                if peer.store_id == store_id:
                    out = metapb_pb2.Peer()
                    out.CopyFrom(peer)
                    return out
            return None

    def leader_store(self, region_id: int) -> int:
        with self.lock:
            if region_id not in self._leaders:
                raise UnknownRegion(region_id)
            return self._leaders[region_id]

    def locate(self, encoded_key: bytes) -> metapb_pb2.Region:
        """The region containing ``encoded_key``."""
        with self.lock:
            i = bisect.bisect_right(self._starts, encoded_key) - 1
            return copy_region(self._regions[self._ids[max(i, 0)]])

    def scan(self, start: bytes, end: bytes = b"", limit: int = 0) -> list[metapb_pb2.Region]:
        """Regions intersecting ``[start, end)`` in key order, at most ``limit`` (0 = all)."""
        with self.lock:
            i = max(bisect.bisect_right(self._starts, start) - 1, 0)
            out: list[metapb_pb2.Region] = []
            while i < len(self._ids):
                region = self._regions[self._ids[i]]
                if end and region.start_key >= end:
                    break
                out.append(copy_region(region))
                if limit > 0 and len(out) >= limit:
                    break
                i += 1
            return out

    def all(self) -> list[metapb_pb2.Region]:
        return self.scan(b"")

    def neighbours(self, region_id: int, count: int, left: bool) -> list[metapb_pb2.Region]:
        """Up to ``count`` regions next to ``region_id`` on the left (or right), nearest first."""
        with self.lock:
            region = self._regions[region_id]
            i = bisect.bisect_left(self._starts, region.start_key)
            step = -1 if left else 1
            out: list[metapb_pb2.Region] = []
            j = i + step
            while 0 <= j < len(self._ids) and len(out) < count:
                out.append(copy_region(self._regions[self._ids[j]]))
                j += step
            return out

    def leader_counts(self) -> dict[int, int]:
        with self.lock:
            counts: dict[int, int] = {}
            for store_id in self._leaders.values():
                counts[store_id] = counts.get(store_id, 0) + 1
            return counts

    def peer_counts(self) -> dict[int, int]:
        with self.lock:
            counts: dict[int, int] = {}
            for region in self._regions.values():
                for peer in region.peers:
                    counts[peer.store_id] = counts.get(peer.store_id, 0) + 1
            return counts

    # -- mutations (callers hold ``lock`` across check-and-mutate) -------------------------

    def split(self, region_id: int, split_keys: list[bytes]) -> list[metapb_pb2.Region]:
        """Batch split with right-derive, as TiKV does by default.

        New regions (fresh ids and peer ids) take ``[start, k1), [k1, k2), ...``; the original id
        keeps the right-most piece ``[kn, end)``. Every resulting region gets the original
        epoch with ``version + n``. Returns all regions in key order (the original last).
        """
        with self.lock:
            region = self._regions.get(region_id)
            if region is None:
                raise UnknownRegion(region_id)
            prev = region.start_key
            for key in split_keys:
                if not key:
                    raise InvalidSplit(region_id, key, "split key should not be empty")
                if not contains(region, key):
                    raise InvalidSplit(region_id, key, "key not in region")
                if key <= prev:
                    raise InvalidSplit(region_id, key, "keys must be ascending and after start")
                prev = key
            derived = copy_region(region)
            derived.region_epoch.version += len(split_keys)
            bounds = [region.start_key, *split_keys]
            leader = self._leaders[region_id]
            out: list[tuple[metapb_pb2.Region, int]] = []
            for i in range(len(split_keys)):
                ids = self.alloc_ids(1 + len(region.peers))
                new = metapb_pb2.Region(id=ids[0], start_key=bounds[i], end_key=bounds[i + 1])
                new.region_epoch.CopyFrom(derived.region_epoch)
                for peer, peer_id in zip(region.peers, ids[1:], strict=True):
                    new.peers.add(id=peer_id, store_id=peer.store_id, role=peer.role)
                out.append((new, leader))
            derived.start_key = split_keys[-1]
            out.append((derived, leader))
            self._put(out)
            return [copy_region(r) for r, _ in out]

    def set_leader(self, region_id: int, store_id: int) -> None:
        with self.lock:
            region = self._regions.get(region_id)
            if region is None:
                raise UnknownRegion(region_id)
            if not any(p.store_id == store_id for p in region.peers):
                raise ValueError(f"region {region_id} has no peer on store {store_id}")
            self._put([(region, store_id)])

    def set_peers(self, region: metapb_pb2.Region, leader_store: int) -> None:
        """Replaces a region's peers / epoch (a conf change); range must be unchanged."""
        with self.lock:
            old = self._regions.get(region.id)
            if old is None:
                raise UnknownRegion(region.id)
            if old.start_key != region.start_key or old.end_key != region.end_key:
                raise ValueError(f"region {region.id}: a conf change cannot move the range")
            self._put([(copy_region(region), leader_store)])

    def _put(self, entries: Iterable[tuple[metapb_pb2.Region, int]]) -> None:
        puts: dict[bytes, bytes] = {}
        for region, leader in entries:
            is_new = region.id not in self._regions
            old_start = None if is_new else self._regions[region.id].start_key
            if old_start is not None and old_start != region.start_key:
                i = bisect.bisect_left(self._starts, old_start)
                while self._ids[i] != region.id:
                    i += 1
                del self._starts[i]
                del self._ids[i]
            if is_new or old_start != region.start_key:
                i = bisect.bisect_left(self._starts, region.start_key)
                self._starts.insert(i, region.start_key)
                self._ids.insert(i, region.id)
            self._regions[region.id] = region
            self._leaders[region.id] = leader
            rec = pdpb_pb2.Region(region=region)
            for peer in region.peers:
                if peer.store_id == leader:
                    rec.leader.CopyFrom(peer)
            puts[_region_key(region.id)] = rec.SerializeToString()
        self._meta.write(puts)
