"""Translation between kvproto messages and the cluster value types of ``importer.cluster``.

Region boundaries in PD and TiKV answers are memcomparable-encoded raw keys (API v1); they are
decoded here so the import logic sees raw keys only. Empty stays empty (unbounded).

Public API: ``encode_key``, ``decode_key``, ``peer_from_pb``, ``peer_to_pb``,
``region_from_pb``, ``store_from_pb``, ``region_error_from_pb``, ``context_for``.
"""

from __future__ import annotations

from importer.cluster import Peer, Region, RegionEpoch, Store
from importer.errors import PdError, RegionError, RegionErrorKind
from protos import errorpb_pb2, kvrpcpb_pb2, metapb_pb2
from tidbkv.codec import decode_bytes, encode_bytes
from tidbkv.errors import DecodeError

_LEARNER = metapb_pb2.Learner


def encode_key(raw: bytes) -> bytes:
    """Memcomparable form of a raw key; ``b""`` (unbounded) stays ``b""``."""
    return encode_bytes(raw) if raw else b""


def decode_key(encoded: bytes) -> bytes:
    """Raw key of a region boundary; ``b""`` stays ``b""``."""
    if not encoded:
        return b""
    try:
        raw, rest = decode_bytes(encoded)
    except DecodeError as exc:
        raise PdError("decode", "INVALID_VALUE", f"region key {encoded.hex()}: {exc}") from exc
    if rest:
        raise PdError("decode", "INVALID_VALUE", f"region key {encoded.hex()} has trailing bytes")
    return raw


def peer_from_pb(p: metapb_pb2.Peer) -> Peer:
    return Peer(p.id, p.store_id, p.role == _LEARNER)


def peer_to_pb(p: Peer) -> metapb_pb2.Peer:
    peer = metapb_pb2.Peer(id=p.id, store_id=p.store_id)
    if p.is_learner:
        peer.role = _LEARNER
    return peer


def region_from_pb(r: metapb_pb2.Region, leader: metapb_pb2.Peer | None = None) -> Region:
    lead = peer_from_pb(leader) if leader is not None and leader.id else None
    return Region(
        id=r.id,
        start=decode_key(r.start_key),
        end=decode_key(r.end_key),
        epoch=RegionEpoch(r.region_epoch.conf_ver, r.region_epoch.version),
        peers=tuple(peer_from_pb(p) for p in r.peers),
        leader=lead,
    )


def store_from_pb(s: metapb_pb2.Store) -> Store:
    tiflash = any(lbl.key == "engine" and lbl.value == "tiflash" for lbl in s.labels)
    return Store(
        id=s.id,
        address=s.address,
        peer_address=s.peer_address,
        state=metapb_pb2.StoreState.Name(s.state),
        is_tiflash=tiflash,
    )


def context_for(region: Region, peer: Peer) -> kvrpcpb_pb2.Context:
    """A ``kvrpcpb.Context`` addressing ``region`` through ``peer``."""
    ctx = kvrpcpb_pb2.Context(region_id=region.id)
    ctx.region_epoch.conf_ver = region.epoch.conf_ver
    ctx.region_epoch.version = region.epoch.version
    ctx.peer.CopyFrom(peer_to_pb(peer))
    ctx.request_source = "flashload_importer"
    return ctx


_KINDS = (
    ("not_leader", RegionErrorKind.NOT_LEADER),
    ("epoch_not_match", RegionErrorKind.EPOCH_NOT_MATCH),
    ("server_is_busy", RegionErrorKind.SERVER_IS_BUSY),
    ("region_not_found", RegionErrorKind.REGION_NOT_FOUND),
    ("key_not_in_region", RegionErrorKind.KEY_NOT_IN_REGION),
    ("store_not_match", RegionErrorKind.STORE_NOT_MATCH),
    ("stale_command", RegionErrorKind.STALE_COMMAND),
    ("disk_full", RegionErrorKind.DISK_FULL),
)


def region_error_from_pb(err: errorpb_pb2.Error, region_id: int) -> RegionError:
    """The ``RegionError`` for an ``errorpb.Error`` (OTHER when no known variant is set)."""
    kind = next((k for name, k in _KINDS if err.HasField(name)), RegionErrorKind.OTHER)
    leader = None
    current: tuple[Region, ...] = ()
    if kind is RegionErrorKind.NOT_LEADER and err.not_leader.leader.id:
        leader = peer_from_pb(err.not_leader.leader)
    if kind is RegionErrorKind.EPOCH_NOT_MATCH:
        try:
            current = tuple(region_from_pb(r) for r in err.epoch_not_match.current_regions)
        except PdError:
            current = ()
    message = err.message
    if kind is RegionErrorKind.SERVER_IS_BUSY and err.server_is_busy.reason:
        message = message or err.server_is_busy.reason
    return RegionError(kind, region_id, message, leader=leader, current_regions=current)
