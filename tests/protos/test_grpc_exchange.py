"""A real gRPC server and client on 127.0.0.1:0 exchange messages of every service."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest

from protos import (
    coordinator_pb2,
    coordinator_pb2_grpc,
    import_kvpb_pb2,
    import_kvpb_pb2_grpc,
    import_sstpb_pb2,
    import_sstpb_pb2_grpc,
    kvrpcpb_pb2,
    pdpb_pb2,
    pdpb_pb2_grpc,
    tikvpb_pb2_grpc,
)


class ImportKV(import_kvpb_pb2_grpc.ImportKVServicer):
    def OpenEngine(self, request: Any, context: Any) -> Any:
        if len(request.uuid) != 16:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "uuid must be 16 bytes")
        return import_kvpb_pb2.OpenEngineResponse()

    def WriteEngine(self, request_iterator: Iterator[Any], context: Any) -> Any:
        head = next(request_iterator)
        total = sum(len(req.batch.mutations) for req in request_iterator)
        err = import_kvpb_pb2.Error()
        err.engine_not_found.uuid = head.head.uuid
        return import_kvpb_pb2.WriteEngineResponse(error=err if total == 0 else None)


class ImportSST(import_sstpb_pb2_grpc.ImportSSTServicer):
    def Write(self, request_iterator: Iterator[Any], context: Any) -> Any:
        meta = next(request_iterator).meta
        pairs = [p for req in request_iterator for p in req.batch.pairs]
        out = import_sstpb_pb2.SSTMeta()
        out.CopyFrom(meta)
        out.total_kvs = len(pairs)
        out.cf_name = "write"
        return import_sstpb_pb2.WriteResponse(metas=[out])


class Tikv(tikvpb_pb2_grpc.TikvServicer):
    def KvGet(self, request: Any, context: Any) -> Any:
        return kvrpcpb_pb2.GetResponse(value=request.key[::-1], not_found=False)


class PD(pdpb_pb2_grpc.PDServicer):
    def GetMembers(self, request: Any, context: Any) -> Any:
        resp = pdpb_pb2.GetMembersResponse()
        resp.header.cluster_id = 42
        resp.leader.name = "pd-1"
        return resp

    def Tso(self, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        for i, req in enumerate(request_iterator):
            resp = pdpb_pb2.TsoResponse(count=req.count)
            resp.timestamp.physical = 1000 + i
            yield resp


class Coordinator(coordinator_pb2_grpc.CoordinatorServicer):
    def GetJobStatus(self, request: Any, context: Any) -> Any:
        return coordinator_pb2.GetJobStatusResponse(job_id=request.job_id, state="running")


@pytest.fixture(scope="module")
def channel() -> Iterator[grpc.Channel]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    import_kvpb_pb2_grpc.add_ImportKVServicer_to_server(ImportKV(), server)
    import_sstpb_pb2_grpc.add_ImportSSTServicer_to_server(ImportSST(), server)
    tikvpb_pb2_grpc.add_TikvServicer_to_server(Tikv(), server)
    pdpb_pb2_grpc.add_PDServicer_to_server(PD(), server)
    coordinator_pb2_grpc.add_CoordinatorServicer_to_server(Coordinator(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    ch = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield ch
    ch.close()
    server.stop(None)


def test_import_kv_unary_and_client_stream(channel: grpc.Channel) -> None:
    stub = import_kvpb_pb2_grpc.ImportKVStub(channel)
    stub.OpenEngine(import_kvpb_pb2.OpenEngineRequest(uuid=b"u" * 16))
    with pytest.raises(grpc.RpcError) as err:
        stub.OpenEngine(import_kvpb_pb2.OpenEngineRequest(uuid=b"short"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    def stream(n: int) -> Iterator[Any]:
        yield import_kvpb_pb2.WriteEngineRequest(head=import_kvpb_pb2.WriteHead(uuid=b"u" * 16))
        batch = import_kvpb_pb2.WriteBatch(commit_ts=5)
        batch.mutations.add(key=b"k", value=b"v")
        for _ in range(n):
            yield import_kvpb_pb2.WriteEngineRequest(batch=batch)

    assert not stub.WriteEngine(stream(3)).HasField("error")
    assert stub.WriteEngine(stream(0)).error.engine_not_found.uuid == b"u" * 16


def test_import_sst_write_stream(channel: grpc.Channel) -> None:
    stub = import_sstpb_pb2_grpc.ImportSSTStub(channel)
    meta = import_sstpb_pb2.SSTMeta(uuid=b"x" * 16, region_id=9)
    batch = import_sstpb_pb2.WriteBatch(commit_ts=7)
    batch.pairs.add(key=b"a", value=b"1")
    batch.pairs.add(key=b"b", value=b"2")
    reqs = [import_sstpb_pb2.WriteRequest(meta=meta), import_sstpb_pb2.WriteRequest(batch=batch)]
    resp = stub.Write(iter(reqs))
    assert [(m.region_id, m.total_kvs, m.cf_name) for m in resp.metas] == [(9, 2, "write")]


def test_tikv_kv_get(channel: grpc.Channel) -> None:
    resp = tikvpb_pb2_grpc.TikvStub(channel).KvGet(kvrpcpb_pb2.GetRequest(key=b"abc", version=1))
    assert resp.value == b"cba"


def test_pd_unary_and_bidi_stream(channel: grpc.Channel) -> None:
    stub = pdpb_pb2_grpc.PDStub(channel)
    members = stub.GetMembers(pdpb_pb2.GetMembersRequest())
    assert (members.header.cluster_id, members.leader.name) == (42, "pd-1")
    replies = list(stub.Tso(iter([pdpb_pb2.TsoRequest(count=1), pdpb_pb2.TsoRequest(count=3)])))
    assert [(r.count, r.timestamp.physical) for r in replies] == [(1, 1000), (3, 1001)]


def test_coordinator(channel: grpc.Channel) -> None:
    stub = coordinator_pb2_grpc.CoordinatorStub(channel)
    resp = stub.GetJobStatus(coordinator_pb2.GetJobStatusRequest(job_id="j1"))
    assert (resp.job_id, resp.state) == ("j1", "running")
