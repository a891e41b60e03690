"""Field numbers, types and RPC shapes pinned to pingcap/kvproto facts.

Source: ../shared/docs/protocol-notes.md (kvproto HEAD b6cdca19), §1.2, §2.2-2.5, §3.2-3.4.
"""

from __future__ import annotations

import pytest
from google.protobuf import descriptor as d

from protos import (
    errorpb_pb2,
    import_kvpb_pb2,
    import_sstpb_pb2,
    kvrpcpb_pb2,
    metapb_pb2,
    pdpb_pb2,
    tikvpb_pb2,
)

F = d.FieldDescriptor
FACTS = [
    # (module, message, field, number, type, repeated)
    (import_kvpb_pb2, "WriteEngineRequest", "head", 1, F.TYPE_MESSAGE, False),
    (import_kvpb_pb2, "WriteEngineRequest", "batch", 2, F.TYPE_MESSAGE, False),
    (import_kvpb_pb2, "WriteBatch", "commit_ts", 1, F.TYPE_UINT64, False),
    (import_kvpb_pb2, "WriteBatch", "mutations", 2, F.TYPE_MESSAGE, True),
    (import_kvpb_pb2, "Mutation", "op", 1, F.TYPE_ENUM, False),
    (import_kvpb_pb2, "Mutation", "key", 2, F.TYPE_BYTES, False),
    (import_kvpb_pb2, "Mutation", "value", 3, F.TYPE_BYTES, False),
    (import_kvpb_pb2, "OpenEngineRequest", "key_prefix", 2, F.TYPE_BYTES, False),
    (import_kvpb_pb2, "ImportEngineRequest", "pd_addr", 2, F.TYPE_STRING, False),
    (import_kvpb_pb2, "WriteEngineV3Request", "pairs", 3, F.TYPE_MESSAGE, True),
    (import_kvpb_pb2, "GetMetricsResponse", "prometheus", 1, F.TYPE_STRING, False),
    (import_kvpb_pb2, "Error", "engine_not_found", 1, F.TYPE_MESSAGE, False),
    (import_sstpb_pb2, "SSTMeta", "region_epoch", 7, F.TYPE_MESSAGE, False),
    (import_sstpb_pb2, "SSTMeta", "total_bytes", 10, F.TYPE_UINT64, False),
    (import_sstpb_pb2, "SSTMeta", "api_version", 11, F.TYPE_ENUM, False),
    (import_sstpb_pb2, "WriteRequest", "context", 3, F.TYPE_MESSAGE, False),
    (import_sstpb_pb2, "Pair", "op", 3, F.TYPE_ENUM, False),
    (import_sstpb_pb2, "WriteResponse", "metas", 2, F.TYPE_MESSAGE, True),
    (import_sstpb_pb2, "MultiIngestRequest", "ssts", 2, F.TYPE_MESSAGE, True),
    (import_sstpb_pb2, "CompactRequest", "output_level", 2, F.TYPE_INT32, False),
    (kvrpcpb_pb2, "Context", "api_version", 21, F.TYPE_ENUM, False),
    (kvrpcpb_pb2, "Context", "request_source", 24, F.TYPE_STRING, False),
    (kvrpcpb_pb2, "Context", "resource_control_context", 28, F.TYPE_MESSAGE, False),
    (kvrpcpb_pb2, "Context", "cluster_id", 35, F.TYPE_UINT64, False),
    (kvrpcpb_pb2, "SplitRegionRequest", "split_keys", 3, F.TYPE_BYTES, True),
    (kvrpcpb_pb2, "SplitRegionRequest", "is_raw_kv", 4, F.TYPE_BOOL, False),
    (kvrpcpb_pb2, "SplitRegionResponse", "regions", 4, F.TYPE_MESSAGE, True),
    (kvrpcpb_pb2, "SplitRegionResponse", "errors", 100, F.TYPE_MESSAGE, True),
    (metapb_pb2, "Peer", "role", 3, F.TYPE_ENUM, False),
    (metapb_pb2, "Store", "node_state", 13, F.TYPE_ENUM, False),
    (metapb_pb2, "Region", "peers", 5, F.TYPE_MESSAGE, True),
    (errorpb_pb2, "Error", "epoch_not_match", 5, F.TYPE_MESSAGE, False),
    (errorpb_pb2, "Error", "RecoveryInProgress", 16, F.TYPE_MESSAGE, False),
    (errorpb_pb2, "Error", "undetermined_result", 22, F.TYPE_MESSAGE, False),
    (errorpb_pb2, "StoreNotMatch", "actual_store_id", 2, F.TYPE_UINT64, False),
    (errorpb_pb2, "ServerIsBusy", "estimated_wait_ms", 3, F.TYPE_UINT32, False),
    (pdpb_pb2, "GetRegionResponse", "pending_peers", 6, F.TYPE_MESSAGE, True),
    (pdpb_pb2, "ScanRegionsRequest", "limit", 3, F.TYPE_INT32, False),
    (pdpb_pb2, "ScanRegionsResponse", "regions", 4, F.TYPE_MESSAGE, True),
    (pdpb_pb2, "ScatterRegionRequest", "regions_id", 6, F.TYPE_UINT64, True),
    (pdpb_pb2, "GetOperatorResponse", "desc", 3, F.TYPE_BYTES, False),
    (pdpb_pb2, "SplitRegionsRequest", "split_keys", 2, F.TYPE_BYTES, True),
    (pdpb_pb2, "Timestamp", "logical", 2, F.TYPE_INT64, False),
]


@pytest.mark.parametrize(
    ("mod", "msg", "field", "number", "ftype", "repeated"),
    FACTS,
    ids=[f"{f[1]}.{f[2]}" for f in FACTS],
)
def test_field_matches_kvproto(mod, msg, field, number, ftype, repeated) -> None:  # type: ignore[no-untyped-def]
    fd = mod.DESCRIPTOR.message_types_by_name[msg].fields_by_name[field]
    assert fd.number == number
    assert fd.type == ftype
    assert fd.is_repeated == repeated


def test_packages_are_kvproto_names() -> None:
    assert {
        m.DESCRIPTOR.package
        for m in (
            errorpb_pb2,
            import_kvpb_pb2,
            import_sstpb_pb2,
            kvrpcpb_pb2,
            metapb_pb2,
            pdpb_pb2,
            tikvpb_pb2,
        )
    } == {"errorpb", "import_kvpb", "import_sstpb", "kvrpcpb", "metapb", "pdpb", "tikvpb"}


def test_streaming_shapes_of_rpcs() -> None:
    def shape(mod, service: str, method: str) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
        m = mod.DESCRIPTOR.services_by_name[service].methods_by_name[method]
        return (m.client_streaming, m.server_streaming)

    assert shape(import_kvpb_pb2, "ImportKV", "WriteEngine") == (True, False)
    assert shape(import_kvpb_pb2, "ImportKV", "WriteEngineV3") == (False, False)
    assert shape(import_sstpb_pb2, "ImportSST", "Write") == (True, False)
    assert shape(import_sstpb_pb2, "ImportSST", "Upload") == (True, False)
    assert shape(pdpb_pb2, "PD", "Tso") == (True, True)
    mi = import_sstpb_pb2.DESCRIPTOR.services_by_name["ImportSST"].methods_by_name["MultiIngest"]
    assert mi.output_type.full_name == "import_sstpb.IngestResponse"
    kvget = tikvpb_pb2.DESCRIPTOR.services_by_name["Tikv"].methods_by_name["KvGet"]
    assert kvget.input_type.full_name == "kvrpcpb.GetRequest"


def test_import_kv_service_has_all_ten_rpcs() -> None:
    methods = import_kvpb_pb2.DESCRIPTOR.services_by_name["ImportKV"].methods_by_name
    assert set(methods) == {
        "SwitchMode",
        "OpenEngine",
        "WriteEngine",
        "WriteEngineV3",
        "CloseEngine",
        "ImportEngine",
        "CleanupEngine",
        "CompactCluster",
        "GetVersion",
        "GetMetrics",
    }
