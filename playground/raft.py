"""The consensus stand-in: region commands applied atomically to the region table and every peer.

Split, leader transfer, peer moves and ingests all run under the region table's lock, so a reader
never sees half of one. A peer move copies the region's data to the new store and deletes it
from the old one, bumping ``conf_ver`` once per added and once per removed peer, as TiKV does.

Every store keeps its regions' data in its own LevelDB (``data_dir/tikv-N/db``), so a region
with three peers has three physical copies, and a store reads only its own copy (as the
leader). An ingest writes one write batch into each peer store's LevelDB; the batches are filled
from the peers' staged SSTs before the lock is taken (peers that received equal bytes share the
encoded entries) and written under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from playground.errors import UnknownRegion, UnknownStore
from playground.regions import RegionManager, copy_region
from playground.tikv.engine import PreparedWrite, StoreEngine
from playground.tikv.staging import Staging
from protos import metapb_pb2

log = structlog.get_logger("playground.raft")


@dataclass(frozen=True)
class Replica:
    """What one store holds: its engine and its staged SSTs."""

    store_id: int
    engine: StoreEngine
    staging: Staging


class Raft:
    """Applies region commands; ``lock`` is the region table's lock."""

    def __init__(self, regions: RegionManager, replicas: Mapping[int, Replica]) -> None:
        self.regions = regions
        self.replicas = dict(replicas)
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

    def apply(self, region_id: int, writes: Mapping[int, PreparedWrite]) -> None:
        """Applies each peer store's prepared write; caller holds ``lock`` and has checked the
        epoch (so the peers are the ones the writes were prepared for)."""
        region = self.regions.get(region_id)
        if region is None:
            raise UnknownRegion(region_id)
        for peer in region.peers:
            writes[peer.store_id].apply()

    def move_peer(self, region_id: int, from_store: int, to_store: int) -> metapb_pb2.Region:
        """Moves the region's peer from one store to another, copying its data."""
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
            source = self.replica(leader).engine
            entries = list(source.export_range(region.start_key, region.end_key))
            self.replica(to_store).engine.write(entries)
            old_engine = self.replica(from_store).engine
            old_engine.write((), old_engine.range_keys(region.start_key, region.end_key))
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
        log.info(
            "peer moved",
            region_id=region_id,
            from_store=from_store,
            to_store=to_store,
            entries=len(entries),
        )
        return new
