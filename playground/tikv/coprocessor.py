"""A store's checksum coprocessor, called in-process (TiDB's ``ChecksumRequest`` to a leader).

Real TiDB computes ``ADMIN CHECKSUM TABLE`` by sending each region's leader a coprocessor
checksum request; TiKV walks the region's data in the store and answers with
(crc64_xor, kvs, bytes). The playground's TiDB runs in the same process as its stores, so it
calls this directly instead of through a gRPC round trip: the request gets the checks a read
gets (stopped store, injected read faults, store / region / leader / epoch ``version``), then
the sums are taken over a snapshot of the leader's LevelDB taken under the region lock.
"""

from __future__ import annotations

from collections.abc import Callable

from playground import faults as f
from playground.errors import PlaygroundError
from playground.faults import Faults
from playground.raft import Raft
from playground.tikv.kv_service import leader_region
from protos import errorpb_pb2, kvrpcpb_pb2
from tidbkv.checksum import KVChecksum
from tidbkv.codec import encode_bytes


class StoreUnavailable(PlaygroundError):
    """The store is stopped (what a gRPC call to it would answer with UNAVAILABLE)."""

    def __init__(self, store_id: int) -> None:
        super().__init__(f"store {store_id} is stopped")
        self.store_id = store_id


class Coprocessor:
    """The checksum coprocessor of store ``store_id``."""

    def __init__(
        self, store_id: int, raft: Raft, faults: Faults, stopped: Callable[[], bool]
    ) -> None:
        self.store_id = store_id
        self.raft = raft
        self.faults = faults
        self._stopped = stopped

    def checksum(
        self, ctx: kvrpcpb_pb2.Context, start: bytes, end: bytes, ts: int
    ) -> tuple[KVChecksum | None, errorpb_pb2.Error | None]:
        """Sums over the visible pairs at ``ts`` of raw ``[start, end)`` ∩ the region (end b""
        = +inf), or the region error; raises ``StoreUnavailable`` when the store is stopped."""
        if self._stopped():
            raise StoreUnavailable(self.store_id)
        enc_start = encode_bytes(start)
        enc_end = encode_bytes(end) if end else b""
        with self.raft.lock:
            region, err = leader_region(self.raft, self.faults, self.store_id, ctx, f.READ)
            if err is not None:
                return None, err
            assert region is not None
            snapshot = self.raft.replica(self.store_id).engine.snapshot()
        lo = max(enc_start, region.start_key)
        hi = enc_end
        if region.end_key and (not hi or region.end_key < hi):
            hi = region.end_key
        with snapshot:
            if hi and lo >= hi:
                return KVChecksum(), None
            return snapshot.checksum(lo, hi, ts), None
