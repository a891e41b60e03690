"""``errorpb.Error`` values shaped as TiKV shapes them, and the request-context check.

``check_context`` runs TiKV's order of checks on a request's ``kvrpcpb.Context``: store id
(StoreNotMatch), region known on this store (RegionNotFound), leadership (NotLeader with the
leader), epoch (EpochNotMatch with the current region and the regions split from it).
"""

from __future__ import annotations

from playground.regions import RegionManager, contains
from protos import errorpb_pb2, kvrpcpb_pb2, metapb_pb2


def not_leader(region_id: int, leader: metapb_pb2.Peer | None) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message=f"peer is not leader for region {region_id}")
    err.not_leader.region_id = region_id
    if leader is not None:
        err.not_leader.leader.CopyFrom(leader)
    return err


def epoch_not_match(
    current: list[metapb_pb2.Region], sent: metapb_pb2.RegionEpoch | None = None
) -> errorpb_pb2.Error:
    region = current[0] if current else None
    msg = "epoch not match"
    if region is not None and sent is not None:
        e = region.region_epoch
        msg = (
            f"current epoch of region {region.id} is conf_ver: {e.conf_ver} version: "
            f"{e.version}, but you sent conf_ver: {sent.conf_ver} version: {sent.version}"
        )
    err = errorpb_pb2.Error(message=msg)
    err.epoch_not_match.SetInParent()
    for r in current:
        err.epoch_not_match.current_regions.add().CopyFrom(r)
    return err


def server_is_busy(reason: str, backoff_ms: int = 100) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message="server is busy")
    err.server_is_busy.reason = reason
    err.server_is_busy.backoff_ms = backoff_ms
    return err


def region_not_found(region_id: int) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message=f"region {region_id} is missing")
    err.region_not_found.region_id = region_id
    return err


def key_not_in_region(key: bytes, region: metapb_pb2.Region) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message=f"key {key.hex()} is not in region {region.id}")
    kn = err.key_not_in_region
    kn.key = key
    kn.region_id = region.id
    kn.start_key = region.start_key
    kn.end_key = region.end_key
    return err


def store_not_match(requested: int, actual: int) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message=f"store not match, request {requested}, actual {actual}")
    err.store_not_match.request_store_id = requested
    err.store_not_match.actual_store_id = actual
    return err


def disk_full(store_ids: list[int], reason: str) -> errorpb_pb2.Error:
    err = errorpb_pb2.Error(message=f"disk full on stores {store_ids}")
    err.disk_full.store_id.extend(store_ids)
    err.disk_full.reason = reason
    return err


def message(text: str) -> errorpb_pb2.Error:
    """A region error carrying only a message (what TiKV sends for other failures)."""
    return errorpb_pb2.Error(message=text)


def current_regions(
    regions: RegionManager, region: metapb_pb2.Region, sent: metapb_pb2.RegionEpoch
) -> list[metapb_pb2.Region]:
    """The region plus the regions split off it since ``sent`` (left of it: right-derive)."""
    out = [region]
    behind = region.region_epoch.version - sent.version
    if behind > 0:
        out.extend(regions.neighbours(region.id, behind, left=True))
    return out


def check_context(
    regions: RegionManager,
    store_id: int,
    ctx: kvrpcpb_pb2.Context,
    check_conf_ver: bool,
) -> tuple[metapb_pb2.Region | None, errorpb_pb2.Error | None]:
    """The region a request addresses on this store, or the region error TiKV would return."""
    if ctx.HasField("peer") and ctx.peer.store_id and ctx.peer.store_id != store_id:
        return None, store_not_match(ctx.peer.store_id, store_id)
    region = regions.get(ctx.region_id)
    if region is None or not any(p.store_id == store_id for p in region.peers):
        return None, region_not_found(ctx.region_id)
    leader = regions.leader_of(region.id)
    if leader is None or leader.store_id != store_id:
        return None, not_leader(region.id, leader)
    sent = ctx.region_epoch
    cur = region.region_epoch
    if sent.version != cur.version or (check_conf_ver and sent.conf_ver != cur.conf_ver):
        return None, epoch_not_match(current_regions(regions, region, sent), sent)
    return region, None


def key_error(
    region: metapb_pb2.Region, encoded_key: bytes, raw_key: bytes
) -> errorpb_pb2.Error | None:
    """KeyNotInRegion (with the raw key) unless ``encoded_key`` lies in ``region``."""
    if contains(region, encoded_key):
        return None
    return key_not_in_region(raw_key, region)
