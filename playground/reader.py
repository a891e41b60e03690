"""Reads the cluster's data back: KvScan on each region's leader, and checksums from each
region leader's coprocessor (in-process, as TiDB's checksum requests reach TiKV's).

Region errors and unavailable stores are retried (re-locating the region each time) within a
deadline; ``cluster.read_all`` and the TiDB stand-in read through this.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc

from playground.errors import ReadFailed
from playground.regions import RegionManager
from playground.tikv.coprocessor import Coprocessor, StoreUnavailable
from protos import kvrpcpb_pb2, metapb_pb2, tikvpb_pb2_grpc
from tidbkv.checksum import KVChecksum
from tidbkv.codec import decode_bytes, encode_bytes

PAGE_SIZE = 4096
READ_DEADLINE_SECONDS = 30.0
BACKOFF_SECONDS = (0.005, 0.2)
MAX_TS = (1 << 64) - 1


class KvReader:
    """Scans raw key ranges at a ts through the stores' Tikv service."""

    def __init__(
        self,
        regions: RegionManager,
        address_of: Callable[[int], str],
        coprocessor_of: Callable[[int], Coprocessor],
        channel_credentials: Any = None,
    ) -> None:
        self._regions = regions
        self._address_of = address_of
        self._coprocessor_of = coprocessor_of
        self._creds = channel_credentials
        self._lock = threading.Lock()
        self._stubs: dict[str, tuple[grpc.Channel, Any]] = {}

    def _stub(self, store_id: int) -> Any:
        addr = self._address_of(store_id)
        with self._lock:
            entry = self._stubs.get(addr)
            if entry is None:
                if self._creds is not None:
                    channel = grpc.secure_channel(addr, self._creds)
                else:
                    channel = grpc.insecure_channel(addr)
                entry = (channel, tikvpb_pb2_grpc.TikvStub(channel))
                self._stubs[addr] = entry
            return entry[1]

    def scan(
        self, start: bytes = b"", end: bytes = b"", ts: int | None = None
    ) -> Iterator[tuple[bytes, bytes]]:
        """``(raw_key, value)`` pairs visible at ``ts`` (latest if None) in ``[start, end)``."""
        version = MAX_TS if ts is None else ts
        cur = start
        while not end or cur < end:
            page, next_start = self._scan_page(cur, end, version)
            yield from page
            if next_start is None:
                return
            cur = next_start

    def checksum(self, start: bytes, end: bytes, ts: int | None = None) -> KVChecksum:
        """Checksum of the pairs visible at ``ts`` (latest if None) in raw ``[start, end)``,
        summed over each region leader's coprocessor."""
        version = MAX_TS if ts is None else ts
        acc = KVChecksum()
        cur = start
        while not end or cur < end:
            part, next_start = self._checksum_region(cur, end, version)
            acc.merge(part)
            if next_start is None:
                break
            cur = next_start
        return acc

    def _checksum_region(
        self, cur: bytes, end: bytes, version: int
    ) -> tuple[KVChecksum, bytes | None]:
        deadline = time.monotonic() + READ_DEADLINE_SECONDS
        delay = BACKOFF_SECONDS[0]
        reason = ""
        while time.monotonic() < deadline:
            region, leader = self._locate(cur)
            ctx = kvrpcpb_pb2.Context(region_id=region.id, peer=leader)
            ctx.region_epoch.CopyFrom(region.region_epoch)
            try:
                part, err = self._coprocessor_of(leader.store_id).checksum(ctx, cur, end, version)
            except StoreUnavailable:
                reason = f"store {leader.store_id} unavailable"
            else:
                if err is None:
                    assert part is not None
                    return part, self._next_start(cur, region)
                reason = err.message
            time.sleep(delay)
            delay = min(delay * 2, BACKOFF_SECONDS[1])
        raise ReadFailed(cur, reason or "deadline exceeded")

    def _locate(self, cur: bytes) -> tuple[metapb_pb2.Region, metapb_pb2.Peer]:
        with self._regions.lock:
            region = self._regions.locate(encode_bytes(cur))
            leader = self._regions.leader_of(region.id)
        if leader is None:
            raise ReadFailed(cur, f"region {region.id} has no leader")
        return region, leader

    @staticmethod
    def _next_start(cur: bytes, region: metapb_pb2.Region) -> bytes | None:
        """The raw key after ``region`` (None when it is the last region)."""
        if not region.end_key:
            return None
        try:
            return decode_bytes(region.end_key)[0]
        except ValueError as exc:
            raise ReadFailed(cur, "region end key is not memcomparable") from exc

    def _scan_page(
        self, cur: bytes, end: bytes, version: int
    ) -> tuple[list[tuple[bytes, bytes]], bytes | None]:
        deadline = time.monotonic() + READ_DEADLINE_SECONDS
        delay = BACKOFF_SECONDS[0]
        reason = ""
        while time.monotonic() < deadline:
            region, leader = self._locate(cur)
            req = kvrpcpb_pb2.ScanRequest(
                start_key=cur, end_key=end, limit=PAGE_SIZE, version=version
            )
            req.context.region_id = region.id
            req.context.region_epoch.CopyFrom(region.region_epoch)
            req.context.peer.CopyFrom(leader)
            try:
                resp = self._stub(leader.store_id).KvScan(req, timeout=READ_DEADLINE_SECONDS)
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.UNAVAILABLE:
                    raise ReadFailed(cur, f"KvScan: {exc.code().name} {exc.details()}") from exc
                reason = f"store {leader.store_id} unavailable"
            else:
                if not resp.HasField("region_error"):
                    pairs = [(p.key, p.value) for p in resp.pairs]
                    if len(pairs) >= PAGE_SIZE:
                        return pairs, pairs[-1][0] + b"\x00"
                    return pairs, self._next_start(cur, region)
                reason = resp.region_error.message
            time.sleep(delay)
            delay = min(delay * 2, BACKOFF_SECONDS[1])
        raise ReadFailed(cur, reason or "deadline exceeded")

    def close(self) -> None:
        with self._lock:
            for channel, _ in self._stubs.values():
                channel.close()
            self._stubs.clear()
