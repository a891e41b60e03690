"""A thin gRPC client for a playground cluster: PD lookups, Write to every peer, Ingest."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import grpc

from protos import (
    import_sstpb_pb2,
    import_sstpb_pb2_grpc,
    kvrpcpb_pb2,
    metapb_pb2,
    pdpb_pb2,
    pdpb_pb2_grpc,
    tikvpb_pb2_grpc,
)
from tidbkv.codec import encode_bytes


class ClusterRpc:
    """Stubs for PD and every store of a running cluster."""

    def __init__(self, pd_addr: str, cluster_id: int, store_addrs: dict[int, str]) -> None:
        self.cluster_id = cluster_id
        self._channels = [grpc.insecure_channel(pd_addr)]
        self.pd = pdpb_pb2_grpc.PDStub(self._channels[0])
        self.importers: dict[int, Any] = {}
        self.kv: dict[int, Any] = {}
        for sid, addr in store_addrs.items():
            ch = grpc.insecure_channel(addr)
            self._channels.append(ch)
            self.importers[sid] = import_sstpb_pb2_grpc.ImportSSTStub(ch)
            self.kv[sid] = tikvpb_pb2_grpc.TikvStub(ch)

    def close(self) -> None:
        for ch in self._channels:
            ch.close()

    @property
    def header(self) -> pdpb_pb2.RequestHeader:
        return pdpb_pb2.RequestHeader(cluster_id=self.cluster_id)

    def region_of(self, raw_key: bytes) -> tuple[metapb_pb2.Region, metapb_pb2.Peer]:
        resp = self.pd.GetRegion(
            pdpb_pb2.GetRegionRequest(header=self.header, region_key=encode_bytes(raw_key))
        )
        return resp.region, resp.leader

    @staticmethod
    def context(region: metapb_pb2.Region, peer: metapb_pb2.Peer) -> kvrpcpb_pb2.Context:
        ctx = kvrpcpb_pb2.Context(region_id=region.id)
        ctx.region_epoch.CopyFrom(region.region_epoch)
        ctx.peer.CopyFrom(peer)
        return ctx

    @staticmethod
    def meta_for(
        region: metapb_pb2.Region, pairs: Sequence[tuple[bytes, bytes]]
    ) -> import_sstpb_pb2.SSTMeta:
        meta = import_sstpb_pb2.SSTMeta(uuid=uuid.uuid4().bytes, region_id=region.id)
        meta.region_epoch.CopyFrom(region.region_epoch)
        meta.range.start = encode_bytes(pairs[0][0])
        meta.range.end = encode_bytes(pairs[-1][0])
        return meta

    def write_one(
        self,
        store_id: int,
        meta: import_sstpb_pb2.SSTMeta,
        pairs: Sequence[tuple[bytes, bytes]],
        commit_ts: int,
        batch_size: int = 1000,
    ) -> import_sstpb_pb2.WriteResponse:
        def requests() -> Iterator[import_sstpb_pb2.WriteRequest]:
            yield import_sstpb_pb2.WriteRequest(meta=meta)
            for i in range(0, len(pairs), batch_size):
                batch = import_sstpb_pb2.WriteBatch(commit_ts=commit_ts)
                for k, v in pairs[i : i + batch_size]:
                    batch.pairs.add(key=k, value=v)
                yield import_sstpb_pb2.WriteRequest(batch=batch)

        return self.importers[store_id].Write(requests())

    def write(
        self,
        region: metapb_pb2.Region,
        leader: metapb_pb2.Peer,
        pairs: Sequence[tuple[bytes, bytes]],
        commit_ts: int,
        meta: import_sstpb_pb2.SSTMeta | None = None,
    ) -> list[import_sstpb_pb2.SSTMeta]:
        """Writes ``pairs`` to every peer; returns the leader's metas."""
        meta = meta or self.meta_for(region, pairs)
        out: list[import_sstpb_pb2.SSTMeta] = []
        for peer in region.peers:
            resp = self.write_one(peer.store_id, meta, pairs, commit_ts)
            if peer.store_id == leader.store_id:
                out = list(resp.metas)
        return out

    def ingest(
        self,
        region: metapb_pb2.Region,
        peer: metapb_pb2.Peer,
        metas: Sequence[import_sstpb_pb2.SSTMeta],
    ) -> import_sstpb_pb2.IngestResponse:
        req = import_sstpb_pb2.MultiIngestRequest(context=self.context(region, peer), ssts=metas)
        return self.importers[peer.store_id].MultiIngest(req)

    def write_and_ingest(
        self, pairs: Sequence[tuple[bytes, bytes]], commit_ts: int
    ) -> import_sstpb_pb2.IngestResponse:
        region, leader = self.region_of(pairs[0][0])
        metas = self.write(region, leader, pairs, commit_ts)
        return self.ingest(region, leader, metas)

    def tso(self) -> int:
        def one() -> Iterator[pdpb_pb2.TsoRequest]:
            yield pdpb_pb2.TsoRequest(header=self.header, count=1)

        resp = next(iter(self.pd.Tso(one())))
        return int((resp.timestamp.physical << 18) | resp.timestamp.logical)
