"""``ClusterClient`` over the real protocols: PD (gRPC + HTTP) and TiKV stores (gRPC).

Store addresses come from PD's ``GetStore`` (cached; ``peer_address`` preferred when set) and
are refreshed when a call to a store fails at the transport level.

Public API: ``GrpcCluster``, ``grpc_cluster_factory``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from importer.cluster import ClusterClient, ClusterFactory, ImportMode, Pair, Region, SSTMeta, Store
from importer.errors import RpcFailure
from importer.metrics import Metrics
from importer.pbconvert import encode_key
from importer.pdclient import PdClient
from importer.pdhttp import PdHttp
from importer.storeclient import StoreChannels
from importer.tls import TlsFiles


class GrpcCluster:
    """A PD cluster and its stores."""

    def __init__(
        self,
        pd_addr: str,
        tls: TlsFiles | None,
        metrics: Metrics,
        *,
        timeout_s: float = 30.0,
        window: int = 16,
    ) -> None:
        self.pd = PdClient(pd_addr, tls, metrics, timeout_s=timeout_s)
        first = pd_addr.split(",")[0].strip()
        self.http = PdHttp(first, tls.client_ssl_context() if tls else None)
        self.stores = StoreChannels(tls, metrics, window=window)
        self._lock = threading.Lock()
        self._addresses: dict[int, str] = {}

    def _address(self, store_id: int) -> str:
        with self._lock:
            addr = self._addresses.get(store_id)
        if addr is None:
            addr = self.pd.get_store(store_id).grpc_address
            with self._lock:
                self._addresses[store_id] = addr
        return addr

    def _forget(self, exc: RpcFailure) -> None:
        with self._lock:
            for sid, addr in list(self._addresses.items()):
                if addr == exc.address:
                    del self._addresses[sid]

    # ------------------------------------------------------------------------- ClusterClient

    def tso(self) -> int:
        return self.pd.tso()

    def get_region(self, key: bytes) -> Region | None:
        return self.pd.get_region(key)

    def get_region_by_id(self, region_id: int) -> Region | None:
        return self.pd.get_region_by_id(region_id)

    def scan_regions(self, start: bytes, end: bytes, limit: int) -> list[Region]:
        return self.pd.scan_regions(start, end, limit)

    def get_store(self, store_id: int) -> Store:
        return self.pd.get_store(store_id)

    def all_stores(self) -> list[Store]:
        return self.pd.all_stores()

    def split_region(self, region: Region, keys: Sequence[bytes]) -> list[Region]:
        try:
            address = self._address(region.target_peer().store_id)
            return self.stores.split_region(region, address, keys)
        except RpcFailure as exc:
            self._forget(exc)
            raise

    def scatter_regions(self, region_ids: Sequence[int]) -> list[int]:
        return self.pd.scatter_regions(region_ids)

    def scatter_finished(self, region_id: int) -> bool:
        return self.pd.scatter_finished(region_id)

    def write(
        self,
        region: Region,
        commit_ts: int,
        first_key: bytes,
        last_key: bytes,
        batches: Iterable[Sequence[Pair]],
    ) -> list[SSTMeta]:
        try:
            addresses = {p.store_id: self._address(p.store_id) for p in region.peers}
            return self.stores.write_all(region, addresses, commit_ts, first_key, last_key, batches)
        except RpcFailure as exc:
            self._forget(exc)
            raise

    def multi_ingest(self, region: Region, metas: Sequence[SSTMeta]) -> None:
        try:
            address = self._address(region.target_peer().store_id)
            self.stores.multi_ingest(region, address, metas)
        except RpcFailure as exc:
            self._forget(exc)
            raise

    def switch_mode(self, store: Store, mode: ImportMode) -> None:
        self.stores.switch_mode(store.grpc_address, mode.value)

    def compact(self, store: Store, request: bytes) -> None:
        self.stores.compact(store.grpc_address, request)

    def list_schedulers(self) -> list[str]:
        return self.http.list_schedulers()

    def pause_scheduler(self, name: str, delay_s: int) -> None:
        self.http.pause_scheduler(name, delay_s)

    def set_schedule_deny_rule(self, rule_id: str, start: bytes, end: bytes, ttl_s: int) -> None:
        self.http.set_label_rule(
            {
                "id": rule_id,
                "labels": [{"key": "schedule", "value": "deny", "ttl": f"{int(ttl_s)}s"}],
                "rule_type": "key-range",
                "data": [{"start_key": encode_key(start).hex(), "end_key": encode_key(end).hex()}],
            }
        )

    def delete_label_rule(self, rule_id: str) -> None:
        self.http.delete_label_rule(rule_id)

    def close(self) -> None:
        self.stores.close()
        self.pd.close()


def grpc_cluster_factory(
    tls: TlsFiles | None, metrics: Metrics, *, timeout_s: float, window: int
) -> ClusterFactory:
    def build(pd_addr: str) -> ClusterClient:
        return GrpcCluster(pd_addr, tls, metrics, timeout_s=timeout_s, window=window)

    return build
