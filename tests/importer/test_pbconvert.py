"""kvproto messages -> cluster value types: region errors, memcomparable region boundaries."""

from __future__ import annotations

import pytest

from importer.cluster import Peer, Region, RegionEpoch
from importer.errors import PdError, RegionErrorKind
from importer.pbconvert import (
    context_for,
    decode_key,
    encode_key,
    region_error_from_pb,
    region_from_pb,
    store_from_pb,
)
from protos import errorpb_pb2, metapb_pb2


def test_region_boundaries_are_decoded_to_raw_keys() -> None:
    # tidb-kv-format.md §9: this encoded region key is the raw record key of table 33,
    # handle 163673.
    encoded = bytes.fromhex("7480000000000000ff215f728000000000ff027f590000000000fa")
    raw = decode_key(encoded)
    assert raw == b"t\x80\x00\x00\x00\x00\x00\x00\x21_r\x80\x00\x00\x00\x00\x02\x7f\x59"
    assert encode_key(raw) == encoded
    assert decode_key(b"") == b"" and encode_key(b"") == b""


@pytest.mark.parametrize("bad", [b"\x01\x02", encode_key(b"abc") + b"\x00"])
def test_undecodable_region_keys_are_pd_errors(bad: bytes) -> None:
    with pytest.raises(PdError):
        decode_key(bad)


def test_region_and_store_conversion() -> None:
    r = metapb_pb2.Region(id=7, start_key=encode_key(b"a"), end_key=b"")
    r.region_epoch.conf_ver, r.region_epoch.version = 3, 9
    r.peers.add(id=11, store_id=1)
    r.peers.add(id=12, store_id=2, role=metapb_pb2.Learner)
    region = region_from_pb(r, metapb_pb2.Peer(id=11, store_id=1))
    assert region == Region(
        7, b"a", b"", RegionEpoch(3, 9), (Peer(11, 1), Peer(12, 2, True)), Peer(11, 1)
    )
    assert region_from_pb(r, metapb_pb2.Peer()).leader is None  # id 0 = unknown
    ctx = context_for(region, Peer(12, 2, True))
    assert (ctx.region_id, ctx.region_epoch.version, ctx.peer.store_id) == (7, 9, 2)
    store = metapb_pb2.Store(id=4, address="a:1", peer_address="b:2")
    store.labels.add(key="engine", value="tiflash")
    s = store_from_pb(store)
    assert s.grpc_address == "b:2" and s.is_tiflash and s.state == "Up"


def test_every_region_error_variant_is_classified() -> None:
    cases = {
        "not_leader": RegionErrorKind.NOT_LEADER,
        "epoch_not_match": RegionErrorKind.EPOCH_NOT_MATCH,
        "server_is_busy": RegionErrorKind.SERVER_IS_BUSY,
        "region_not_found": RegionErrorKind.REGION_NOT_FOUND,
        "key_not_in_region": RegionErrorKind.KEY_NOT_IN_REGION,
        "store_not_match": RegionErrorKind.STORE_NOT_MATCH,
        "stale_command": RegionErrorKind.STALE_COMMAND,
        "disk_full": RegionErrorKind.DISK_FULL,
        "raft_entry_too_large": RegionErrorKind.OTHER,
    }
    for field, kind in cases.items():
        err = errorpb_pb2.Error(message="m")
        getattr(err, field).SetInParent()
        assert region_error_from_pb(err, 5).kind is kind, field


def test_not_leader_and_epoch_not_match_carry_their_hints() -> None:
    err = errorpb_pb2.Error()
    err.not_leader.leader.id, err.not_leader.leader.store_id = 21, 3
    assert region_error_from_pb(err, 1).leader == Peer(21, 3)
    err = errorpb_pb2.Error()
    err.not_leader.region_id = 1  # no leader known
    assert region_error_from_pb(err, 1).leader is None
    err = errorpb_pb2.Error()
    cur = err.epoch_not_match.current_regions.add(id=2, start_key=b"", end_key=encode_key(b"m"))
    cur.peers.add(id=5, store_id=1)
    (region,) = region_error_from_pb(err, 1).current_regions
    assert (region.id, region.end, region.peers) == (2, b"m", (Peer(5, 1),))
