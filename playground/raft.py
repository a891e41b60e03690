"""The consensus stand-in: region commands applied to the region table, and the data the
peers apply.

In TiKV every peer of a region applies the same raft log to its own RocksDB, so the peers hold
the same data by construction. The playground keeps that applied data once, in one LevelDB
(``data_dir/kv``), and a store holds a region's data exactly while it has a peer of the region:
a store reads only as the region's leader (checked first), and ``stored_entries(store)`` counts
the entries of the store's regions. So a peer move is a conf change of the region table only
(``conf_ver`` bumped once per added and once per removed peer, as TiKV does), and an ingest is
written once, not once per peer.

Split, leader transfer and peer moves run under the region table's lock, so a reader never sees
half of one. An ingest is checked under the lock (epoch, leader, every peer's staged SST) and
written right after it, as if ordered before any command that changes the region later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from playground.errors import UnknownRegion, UnknownStore
from playground.regions import RegionManager, copy_region
from playground.tikv.engine import StoreEngine
from playground.tikv.staging import Staging
from protos import metapb_pb2

log = structlog.get_logger("playground.raft")


@dataclass(frozen=True)
class Replica:
    """What one store keeps of its own: its staged SSTs."""

    store_id: int
    staging: Staging


class Raft:
    """Applies region commands; ``lock`` is the region table's lock, ``engine`` the applied
    data of every region."""

    def __init__(
        self, regions: RegionManager, replicas: Mapping[int, Replica], engine: StoreEngine
    ) -> None:
        self.regions = regions
        self.replicas = dict(replicas)
        self.engine = engine
        self.lock = regions.lock

    def replica(self, store_id: int) -> Replica:
        try:
            return self.replicas[store_id]
        except KeyError:
            raise UnknownStore(store_id) from None

    def split(self, region_id: int, encoded_keys: list[bytes]) -> list[metapb_pb2.Region]:
        """Batch split (right-derive); see ``RegionManager.split``."""
        with self.lock:
            out = self.regions.split(region_id, encoded_keys)
        log.info("region split", region_id=region_id, keys=len(encoded_keys))
        return out

    def transfer_leader(self, region_id: int, store_id: int) -> None:
        with self.lock:
            self.regions.set_leader(region_id, store_id)
        log.info("leader transferred", region_id=region_id, store_id=store_id)

    def move_peer(self, region_id: int, from_store: int, to_store: int) -> metapb_pb2.Region:
        """Moves the region's peer from one store to another (the data goes with the peer)."""
        with self.lock:
            region = self.regions.get(region_id)
            if region is None:
                raise UnknownRegion(region_id)
            stores = [p.store_id for p in region.peers]
            if from_store not in stores or to_store in stores:
                raise ValueError(f"region {region_id}: cannot move {from_store} -> {to_store}")
            leader = self.regions.leader_store(region_id)
            if leader == from_store:
                leader = next(s for s in stores if s != from_store)
            new = copy_region(region)
            del new.peers[:]
            peer_id = self.regions.alloc_ids(1)[0]
            for p in region.peers:
                if p.store_id == from_store:
                    new.peers.add(id=peer_id, store_id=to_store, role=p.role)
                else:
                    new.peers.add().CopyFrom(p)
            new.region_epoch.conf_ver += 2
            self.regions.set_peers(new, leader)
        log.info("peer moved", region_id=region_id, from_store=from_store, to_store=to_store)
        return new
