"""Every message, field, enum value, RPC and reserved slot of our kvproto subsets is pinned to
pingcap/kvproto and compared with the generated descriptors, so any drift fails.

The tables are exhaustive for what we declare: a declared field (or message, enum, RPC) that is
not listed here fails, as does a listed one whose number, type, label or oneof differs. Adding a
kvproto field means copying its verified facts here first. Omitting kvproto fields is fine.

Sources (field tables read from generated code carry the wire tags, so they are as good as the
.proto; the commit is the stored version that was read):

* metapb   - tikv/client-rust ``src/generated/metapb.rs`` @ e2cd82d6 (prost tags, enum values).
* errorpb  - pingcap/kvproto ``proto/errorpb.proto`` @ bab5b210 (has UndeterminedResult = 22).
* kvrpcpb  - pingcap/kvproto ``proto/kvrpcpb.proto`` @ 62123351 (2025: Context up to
             trace_control_flags = 37, KvPair.commit_ts = 4, APIVersion V1/V1TTL/V2 only,
             keyspace_name/keyspace_id 31/32 plain fields - we declare neither).
* tikvpb   - kvproto ``proto/tikvpb.proto`` service ``Tikv`` (KvGet/KvScan/KvBatchGet lines as
             quoted from kvproto master in a TiKV read-path write-up) and the grpcio stub
             ``METHOD_TIKV_SPLIT_REGION`` (unary, ``/tikvpb.Tikv/SplitRegion``,
             SplitRegionRequest -> SplitRegionResponse).
* import_sstpb - pingcap/kvproto ``proto/import_sstpb.proto`` @ 8a3e84e3 (2025).
* import_kvpb  - pingcap/kvproto ``pkg/import_kvpb/import_kvpb.pb.go`` @ f8ce8345 (struct tags,
             registered names such as ``import_kvpb.KVPair``, the ten ImportKV methods) and
             tikv/client-rust ``src/generated/import_kvpb.rs`` @ 9eb21677 (tags, streaming).
* pdpb     - tikv/client-rust ``src/generated/pdpb.rs`` @ 9eb21677 (all messages below);
             RequestHeader.caller_id/caller_component = 3/4 from vdaas/vald's generated copy of
             kvproto pdpb (2026); ErrorType up to REGIONS_NOT_CONTAIN_ALL_KEY_RANGE = 12 from
             the same copy's enum descriptor; ScatterRegionResponse.failed_regions_id = 3 from
             pingcap/kvproto PR #1298 (merged 2025, used by tikv/pd #10079); service PD lines
             from kvproto ``proto/pdpb.proto`` (@ a16658c8 and the quoted master service block).

Field lines read ``name number [repeated] type [oneof=name]``; types are protobuf scalar names
or full message/enum names; maps would be ``map<K,V>``.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from google.protobuf import descriptor as d
from google.protobuf import descriptor_pb2, descriptor_pool

from protos import (
    errorpb_pb2,
    import_kvpb_pb2,
    import_sstpb_pb2,
    kvrpcpb_pb2,
    metapb_pb2,
    pdpb_pb2,
    tikvpb_pb2,
)

MODULES: dict[str, ModuleType] = {
    "metapb": metapb_pb2,
    "errorpb": errorpb_pb2,
    "kvrpcpb": kvrpcpb_pb2,
    "tikvpb": tikvpb_pb2,
    "import_sstpb": import_sstpb_pb2,
    "import_kvpb": import_kvpb_pb2,
    "pdpb": pdpb_pb2,
}

# --- messages: full name -> field lines ------------------------------------------------------

MESSAGES: dict[str, list[str]] = {
    # metapb (client-rust metapb.rs @ e2cd82d6)
    "metapb.StoreLabel": ["key 1 string", "value 2 string"],
    "metapb.Store": [
        "id 1 uint64",
        "address 2 string",
        "state 3 metapb.StoreState",
        "labels 4 repeated metapb.StoreLabel",
        "version 5 string",
        "peer_address 6 string",
        "status_address 7 string",
        "git_hash 8 string",
        "start_timestamp 9 int64",
        "deploy_path 10 string",
        "last_heartbeat 11 int64",
        "physically_destroyed 12 bool",
        "node_state 13 metapb.NodeState",
    ],
    "metapb.RegionEpoch": ["conf_ver 1 uint64", "version 2 uint64"],
    "metapb.Region": [
        "id 1 uint64",
        "start_key 2 bytes",
        "end_key 3 bytes",
        "region_epoch 4 metapb.RegionEpoch",
        "peers 5 repeated metapb.Peer",
        "is_in_flashback 7 bool",
        "flashback_start_ts 8 uint64",
    ],
    # Field 3 was `bool is_learner` in early kvproto; it is `PeerRole role` now.
    "metapb.Peer": [
        "id 1 uint64",
        "store_id 2 uint64",
        "role 3 metapb.PeerRole",
        "is_witness 4 bool",
    ],
    # errorpb (kvproto errorpb.proto @ bab5b210)
    "errorpb.NotLeader": ["region_id 1 uint64", "leader 2 metapb.Peer"],
    "errorpb.IsWitness": ["region_id 1 uint64"],
    "errorpb.BucketVersionNotMatch": ["version 1 uint64", "keys 2 repeated bytes"],
    "errorpb.DiskFull": ["store_id 1 repeated uint64", "reason 2 string"],
    "errorpb.StoreNotMatch": ["request_store_id 1 uint64", "actual_store_id 2 uint64"],
    "errorpb.RegionNotFound": ["region_id 1 uint64"],
    "errorpb.RegionNotInitialized": ["region_id 1 uint64"],
    "errorpb.KeyNotInRegion": [
        "key 1 bytes",
        "region_id 2 uint64",
        "start_key 3 bytes",
        "end_key 4 bytes",
    ],
    "errorpb.EpochNotMatch": ["current_regions 1 repeated metapb.Region"],
    "errorpb.ServerIsBusy": [
        "reason 1 string",
        "backoff_ms 2 uint64",
        "estimated_wait_ms 3 uint32",
        "applied_index 4 uint64",
    ],
    "errorpb.StaleCommand": [],
    "errorpb.RaftEntryTooLarge": ["region_id 1 uint64", "entry_size 2 uint64"],
    "errorpb.MaxTimestampNotSynced": [],
    "errorpb.ReadIndexNotReady": ["reason 1 string", "region_id 2 uint64"],
    "errorpb.ProposalInMergingMode": ["region_id 1 uint64"],
    "errorpb.DataIsNotReady": ["region_id 1 uint64", "peer_id 2 uint64", "safe_ts 3 uint64"],
    "errorpb.RecoveryInProgress": ["region_id 1 uint64"],
    "errorpb.FlashbackInProgress": ["region_id 1 uint64", "flashback_start_ts 2 uint64"],
    "errorpb.FlashbackNotPrepared": ["region_id 1 uint64"],
    "errorpb.MismatchPeerId": ["request_peer_id 1 uint64", "store_peer_id 2 uint64"],
    "errorpb.UndeterminedResult": ["message 1 string"],
    # Fields 16-18 really are spelled in CamelCase in kvproto.
    "errorpb.Error": [
        "message 1 string",
        "not_leader 2 errorpb.NotLeader",
        "region_not_found 3 errorpb.RegionNotFound",
        "key_not_in_region 4 errorpb.KeyNotInRegion",
        "epoch_not_match 5 errorpb.EpochNotMatch",
        "server_is_busy 6 errorpb.ServerIsBusy",
        "stale_command 7 errorpb.StaleCommand",
        "store_not_match 8 errorpb.StoreNotMatch",
        "raft_entry_too_large 9 errorpb.RaftEntryTooLarge",
        "max_timestamp_not_synced 10 errorpb.MaxTimestampNotSynced",
        "read_index_not_ready 11 errorpb.ReadIndexNotReady",
        "proposal_in_merging_mode 12 errorpb.ProposalInMergingMode",
        "data_is_not_ready 13 errorpb.DataIsNotReady",
        "region_not_initialized 14 errorpb.RegionNotInitialized",
        "disk_full 15 errorpb.DiskFull",
        "RecoveryInProgress 16 errorpb.RecoveryInProgress",
        "FlashbackInProgress 17 errorpb.FlashbackInProgress",
        "FlashbackNotPrepared 18 errorpb.FlashbackNotPrepared",
        "is_witness 19 errorpb.IsWitness",
        "mismatch_peer_id 20 errorpb.MismatchPeerId",
        "bucket_version_not_match 21 errorpb.BucketVersionNotMatch",
        "undetermined_result 22 errorpb.UndeterminedResult",
    ],
    # kvrpcpb (kvproto kvrpcpb.proto @ 62123351)
    "kvrpcpb.ResourceControlContext": [
        "resource_group_name 1 string",
        "override_priority 3 uint64",
    ],
    "kvrpcpb.Context": [
        "region_id 1 uint64",
        "region_epoch 2 metapb.RegionEpoch",
        "peer 3 metapb.Peer",
        "term 5 uint64",
        "priority 6 kvrpcpb.CommandPri",
        "isolation_level 7 kvrpcpb.IsolationLevel",
        "not_fill_cache 8 bool",
        "sync_log 9 bool",
        "record_time_stat 10 bool",
        "record_scan_stat 11 bool",
        "replica_read 12 bool",
        "resolved_locks 13 repeated uint64",
        "max_execution_duration_ms 14 uint64",
        "applied_index 15 uint64",
        "task_id 16 uint64",
        "stale_read 17 bool",
        "resource_group_tag 18 bytes",
        "disk_full_opt 19 kvrpcpb.DiskFullOpt",
        "is_retry_request 20 bool",
        "api_version 21 kvrpcpb.APIVersion",
        "committed_locks 22 repeated uint64",
        "request_source 24 string",
        "txn_source 25 uint64",
        "busy_threshold_ms 27 uint32",
        "resource_control_context 28 kvrpcpb.ResourceControlContext",
        "buckets_version 33 uint64",
        "cluster_id 35 uint64",
    ],
    "kvrpcpb.LockInfo": [
        "primary_lock 1 bytes",
        "lock_version 2 uint64",
        "key 3 bytes",
        "lock_ttl 4 uint64",
        "txn_size 5 uint64",
        "lock_type 6 kvrpcpb.Op",
        "lock_for_update_ts 7 uint64",
        "use_async_commit 8 bool",
        "min_commit_ts 9 uint64",
        "secondaries 10 repeated bytes",
        "duration_to_last_update_ms 11 uint64",
    ],
    "kvrpcpb.WriteConflict": [
        "start_ts 1 uint64",
        "conflict_ts 2 uint64",
        "key 3 bytes",
        "primary 4 bytes",
        "conflict_commit_ts 5 uint64",
        "reason 6 kvrpcpb.WriteConflict.Reason",
    ],
    "kvrpcpb.AlreadyExist": ["key 1 bytes"],
    "kvrpcpb.CommitTsExpired": [
        "start_ts 1 uint64",
        "attempted_commit_ts 2 uint64",
        "key 3 bytes",
        "min_commit_ts 4 uint64",
    ],
    "kvrpcpb.TxnNotFound": ["start_ts 1 uint64", "primary_key 2 bytes"],
    "kvrpcpb.CommitTsTooLarge": ["commit_ts 1 uint64"],
    "kvrpcpb.KeyError": [
        "locked 1 kvrpcpb.LockInfo",
        "retryable 2 string",
        "abort 3 string",
        "conflict 4 kvrpcpb.WriteConflict",
        "already_exist 5 kvrpcpb.AlreadyExist",
        "commit_ts_expired 7 kvrpcpb.CommitTsExpired",
        "txn_not_found 8 kvrpcpb.TxnNotFound",
        "commit_ts_too_large 9 kvrpcpb.CommitTsTooLarge",
    ],
    "kvrpcpb.KvPair": ["error 1 kvrpcpb.KeyError", "key 2 bytes", "value 3 bytes"],
    "kvrpcpb.KeyRange": ["start_key 1 bytes", "end_key 2 bytes"],
    "kvrpcpb.GetRequest": ["context 1 kvrpcpb.Context", "key 2 bytes", "version 3 uint64"],
    "kvrpcpb.GetResponse": [
        "region_error 1 errorpb.Error",
        "error 2 kvrpcpb.KeyError",
        "value 3 bytes",
        "not_found 4 bool",
    ],
    "kvrpcpb.ScanRequest": [
        "context 1 kvrpcpb.Context",
        "start_key 2 bytes",
        "limit 3 uint32",
        "version 4 uint64",
        "key_only 5 bool",
        "reverse 6 bool",
        "end_key 7 bytes",
        "sample_step 8 uint32",
    ],
    "kvrpcpb.ScanResponse": [
        "region_error 1 errorpb.Error",
        "pairs 2 repeated kvrpcpb.KvPair",
        "error 3 kvrpcpb.KeyError",
    ],
    "kvrpcpb.BatchGetRequest": [
        "context 1 kvrpcpb.Context",
        "keys 2 repeated bytes",
        "version 3 uint64",
    ],
    "kvrpcpb.BatchGetResponse": [
        "region_error 1 errorpb.Error",
        "pairs 2 repeated kvrpcpb.KvPair",
        "error 5 kvrpcpb.KeyError",
    ],
    "kvrpcpb.SplitRegionRequest": [
        "context 1 kvrpcpb.Context",
        "split_key 2 bytes",
        "split_keys 3 repeated bytes",
        "is_raw_kv 4 bool",
    ],
    "kvrpcpb.SplitRegionResponse": [
        "region_error 1 errorpb.Error",
        "left 2 metapb.Region",
        "right 3 metapb.Region",
        "regions 4 repeated metapb.Region",
        "errors 100 repeated kvrpcpb.KeyError",
    ],
    # import_sstpb (kvproto import_sstpb.proto @ 8a3e84e3)
    "import_sstpb.SwitchModeRequest": [
        "mode 1 import_sstpb.SwitchMode",
        "ranges 2 repeated import_sstpb.Range",
    ],
    "import_sstpb.SwitchModeResponse": [],
    "import_sstpb.GetModeRequest": [],
    "import_sstpb.GetModeResponse": ["mode 1 import_sstpb.SwitchMode"],
    "import_sstpb.Range": ["start 1 bytes", "end 2 bytes"],
    "import_sstpb.SSTMeta": [
        "uuid 1 bytes",
        "range 2 import_sstpb.Range",
        "crc32 3 uint32",
        "length 4 uint64",
        "cf_name 5 string",
        "region_id 6 uint64",
        "region_epoch 7 metapb.RegionEpoch",
        "end_key_exclusive 8 bool",
        "total_kvs 9 uint64",
        "total_bytes 10 uint64",
        "api_version 11 kvrpcpb.APIVersion",
        "cipher_iv 12 bytes",
    ],
    "import_sstpb.UploadRequest": [
        "meta 1 import_sstpb.SSTMeta oneof=chunk",
        "data 2 bytes oneof=chunk",
    ],
    "import_sstpb.UploadResponse": [],
    "import_sstpb.IngestRequest": ["context 1 kvrpcpb.Context", "sst 2 import_sstpb.SSTMeta"],
    "import_sstpb.MultiIngestRequest": [
        "context 1 kvrpcpb.Context",
        "ssts 2 repeated import_sstpb.SSTMeta",
    ],
    "import_sstpb.IngestResponse": ["error 1 errorpb.Error"],
    "import_sstpb.CompactRequest": [
        "range 1 import_sstpb.Range",
        "output_level 2 int32",
        "context 3 kvrpcpb.Context",
    ],
    "import_sstpb.CompactResponse": [],
    "import_sstpb.Error": ["message 1 string", "store_error 2 errorpb.Error"],
    "import_sstpb.Pair": ["key 1 bytes", "value 2 bytes", "op 3 import_sstpb.Pair.OP"],
    "import_sstpb.WriteBatch": ["commit_ts 1 uint64", "pairs 2 repeated import_sstpb.Pair"],
    "import_sstpb.WriteRequest": [
        "meta 1 import_sstpb.SSTMeta oneof=chunk",
        "batch 2 import_sstpb.WriteBatch oneof=chunk",
        "context 3 kvrpcpb.Context",
    ],
    "import_sstpb.WriteResponse": [
        "error 1 import_sstpb.Error",
        "metas 2 repeated import_sstpb.SSTMeta",
    ],
    # import_kvpb (kvproto pkg/import_kvpb @ f8ce8345, client-rust import_kvpb.rs @ 9eb21677)
    "import_kvpb.SwitchModeRequest": [
        "pd_addr 1 string",
        "request 2 import_sstpb.SwitchModeRequest",
    ],
    "import_kvpb.SwitchModeResponse": [],
    "import_kvpb.OpenEngineRequest": ["uuid 1 bytes", "key_prefix 2 bytes"],
    "import_kvpb.OpenEngineResponse": [],
    "import_kvpb.WriteHead": ["uuid 1 bytes"],
    "import_kvpb.Mutation": ["op 1 import_kvpb.Mutation.OP", "key 2 bytes", "value 3 bytes"],
    "import_kvpb.WriteBatch": [
        "commit_ts 1 uint64",
        "mutations 2 repeated import_kvpb.Mutation",
    ],
    "import_kvpb.WriteEngineRequest": [
        "head 1 import_kvpb.WriteHead oneof=chunk",
        "batch 2 import_kvpb.WriteBatch oneof=chunk",
    ],
    "import_kvpb.KVPair": ["key 1 bytes", "value 2 bytes"],
    "import_kvpb.WriteEngineV3Request": [
        "uuid 1 bytes",
        "commit_ts 2 uint64",
        "pairs 3 repeated import_kvpb.KVPair",
    ],
    "import_kvpb.WriteEngineResponse": ["error 1 import_kvpb.Error"],
    "import_kvpb.CloseEngineRequest": ["uuid 1 bytes"],
    "import_kvpb.CloseEngineResponse": ["error 1 import_kvpb.Error"],
    "import_kvpb.ImportEngineRequest": ["uuid 1 bytes", "pd_addr 2 string"],
    "import_kvpb.ImportEngineResponse": [],
    "import_kvpb.CleanupEngineRequest": ["uuid 1 bytes"],
    "import_kvpb.CleanupEngineResponse": [],
    "import_kvpb.CompactClusterRequest": [
        "pd_addr 1 string",
        "request 2 import_sstpb.CompactRequest",
    ],
    "import_kvpb.CompactClusterResponse": [],
    "import_kvpb.GetVersionRequest": [],
    "import_kvpb.GetVersionResponse": ["version 1 string", "commit 2 string"],
    "import_kvpb.GetMetricsRequest": [],
    "import_kvpb.GetMetricsResponse": ["prometheus 1 string"],
    "import_kvpb.Error": ["engine_not_found 1 import_kvpb.Error.EngineNotFound"],
    "import_kvpb.Error.EngineNotFound": ["uuid 1 bytes"],
    # pdpb (client-rust pdpb.rs @ 9eb21677 unless noted in the module docstring)
    "pdpb.RequestHeader": [
        "cluster_id 1 uint64",
        "sender_id 2 uint64",
        "caller_id 3 string",
        "caller_component 4 string",
    ],
    "pdpb.ResponseHeader": ["cluster_id 1 uint64", "error 2 pdpb.Error"],
    "pdpb.Error": ["type 1 pdpb.ErrorType", "message 2 string"],
    "pdpb.TsoRequest": ["header 1 pdpb.RequestHeader", "count 2 uint32"],
    "pdpb.Timestamp": ["physical 1 int64", "logical 2 int64"],
    "pdpb.TsoResponse": [
        "header 1 pdpb.ResponseHeader",
        "count 2 uint32",
        "timestamp 3 pdpb.Timestamp",
    ],
    "pdpb.Member": [
        "name 1 string",
        "member_id 2 uint64",
        "peer_urls 3 repeated string",
        "client_urls 4 repeated string",
        "leader_priority 5 int32",
        "deploy_path 6 string",
        "binary_version 7 string",
        "git_hash 8 string",
    ],
    "pdpb.GetMembersRequest": ["header 1 pdpb.RequestHeader"],
    "pdpb.GetMembersResponse": [
        "header 1 pdpb.ResponseHeader",
        "members 2 repeated pdpb.Member",
        "leader 3 pdpb.Member",
        "etcd_leader 4 pdpb.Member",
    ],
    "pdpb.TimeInterval": ["start_timestamp 1 uint64", "end_timestamp 2 uint64"],
    "pdpb.StoreStats": [
        "store_id 1 uint64",
        "capacity 2 uint64",
        "available 3 uint64",
        "region_count 4 uint32",
        "sending_snap_count 5 uint32",
        "receiving_snap_count 6 uint32",
        "start_time 7 uint32",
        "applying_snap_count 8 uint32",
        "is_busy 9 bool",
        "used_size 10 uint64",
        "bytes_written 11 uint64",
        "keys_written 12 uint64",
        "bytes_read 13 uint64",
        "keys_read 14 uint64",
        "interval 15 pdpb.TimeInterval",
    ],
    "pdpb.GetStoreRequest": ["header 1 pdpb.RequestHeader", "store_id 2 uint64"],
    "pdpb.GetStoreResponse": [
        "header 1 pdpb.ResponseHeader",
        "store 2 metapb.Store",
        "stats 3 pdpb.StoreStats",
    ],
    "pdpb.GetAllStoresRequest": [
        "header 1 pdpb.RequestHeader",
        "exclude_tombstone_stores 2 bool",
    ],
    "pdpb.GetAllStoresResponse": [
        "header 1 pdpb.ResponseHeader",
        "stores 2 repeated metapb.Store",
    ],
    "pdpb.PeerStats": ["peer 1 metapb.Peer", "down_seconds 2 uint64"],
    "pdpb.GetRegionRequest": [
        "header 1 pdpb.RequestHeader",
        "region_key 2 bytes",
        "need_buckets 3 bool",
    ],
    # Field 4 (the old `slaves`) is gone; 7 is `metapb.Buckets buckets`, not declared by us.
    "pdpb.GetRegionResponse": [
        "header 1 pdpb.ResponseHeader",
        "region 2 metapb.Region",
        "leader 3 metapb.Peer",
        "down_peers 5 repeated pdpb.PeerStats",
        "pending_peers 6 repeated metapb.Peer",
    ],
    "pdpb.GetRegionByIDRequest": [
        "header 1 pdpb.RequestHeader",
        "region_id 2 uint64",
        "need_buckets 3 bool",
    ],
    "pdpb.ScanRegionsRequest": [
        "header 1 pdpb.RequestHeader",
        "start_key 2 bytes",
        "limit 3 int32",
        "end_key 4 bytes",
    ],
    "pdpb.Region": [
        "region 1 metapb.Region",
        "leader 2 metapb.Peer",
        "down_peers 3 repeated pdpb.PeerStats",
        "pending_peers 4 repeated metapb.Peer",
    ],
    "pdpb.ScanRegionsResponse": [
        "header 1 pdpb.ResponseHeader",
        "region_metas 2 repeated metapb.Region",
        "leaders 3 repeated metapb.Peer",
        "regions 4 repeated pdpb.Region",
    ],
    "pdpb.AskBatchSplitRequest": [
        "header 1 pdpb.RequestHeader",
        "region 2 metapb.Region",
        "split_count 3 uint32",
    ],
    "pdpb.SplitID": ["new_region_id 1 uint64", "new_peer_ids 2 repeated uint64"],
    "pdpb.AskBatchSplitResponse": ["header 1 pdpb.ResponseHeader", "ids 2 repeated pdpb.SplitID"],
    "pdpb.ReportBatchSplitRequest": [
        "header 1 pdpb.RequestHeader",
        "regions 2 repeated metapb.Region",
    ],
    "pdpb.ReportBatchSplitResponse": ["header 1 pdpb.ResponseHeader"],
    "pdpb.ScatterRegionRequest": [
        "header 1 pdpb.RequestHeader",
        "region_id 2 uint64",
        "region 3 metapb.Region",
        "leader 4 metapb.Peer",
        "group 5 string",
        "regions_id 6 repeated uint64",
        "retry_limit 7 uint64",
        "skip_store_limit 8 bool",
    ],
    "pdpb.ScatterRegionResponse": [
        "header 1 pdpb.ResponseHeader",
        "finished_percentage 2 uint64",
        "failed_regions_id 3 repeated uint64",
    ],
    "pdpb.GetOperatorRequest": ["header 1 pdpb.RequestHeader", "region_id 2 uint64"],
    "pdpb.GetOperatorResponse": [
        "header 1 pdpb.ResponseHeader",
        "region_id 2 uint64",
        "desc 3 bytes",
        "status 4 pdpb.OperatorStatus",
        "kind 5 bytes",
    ],
    "pdpb.SplitRegionsRequest": [
        "header 1 pdpb.RequestHeader",
        "split_keys 2 repeated bytes",
        "retry_limit 3 uint64",
    ],
    "pdpb.SplitRegionsResponse": [
        "header 1 pdpb.ResponseHeader",
        "finished_percentage 2 uint64",
        "regions_id 3 repeated uint64",
    ],
}

# --- enums: full name -> "Name=number ..." ---------------------------------------------------

ENUMS: dict[str, str] = {
    "metapb.StoreState": "Up=0 Offline=1 Tombstone=2",
    "metapb.NodeState": "Preparing=0 Serving=1 Removing=2 Removed=3",
    "metapb.PeerRole": "Voter=0 Learner=1 IncomingVoter=2 DemotingVoter=3",
    "kvrpcpb.CommandPri": "Normal=0 Low=1 High=2",
    "kvrpcpb.IsolationLevel": "SI=0 RC=1 RCCheckTS=2",
    "kvrpcpb.DiskFullOpt": "NotAllowedOnFull=0 AllowedOnAlmostFull=1 AllowedOnAlreadyFull=2",
    "kvrpcpb.APIVersion": "V1=0 V1TTL=1 V2=2",
    "kvrpcpb.Op": ("Put=0 Del=1 Lock=2 Rollback=3 Insert=4 PessimisticLock=5 CheckNotExists=6"),
    "kvrpcpb.WriteConflict.Reason": (
        "Unknown=0 Optimistic=1 PessimisticRetry=2 SelfRolledBack=3 RcCheckTs=4"
        " LazyUniquenessCheck=5 NotLockedKeyConflict=6"
    ),
    "import_sstpb.SwitchMode": "Normal=0 Import=1",
    "import_sstpb.Pair.OP": "Put=0 Delete=1",
    "import_kvpb.Mutation.OP": "Put=0",
    "pdpb.ErrorType": (
        "OK=0 UNKNOWN=1 NOT_BOOTSTRAPPED=2 STORE_TOMBSTONE=3 ALREADY_BOOTSTRAPPED=4"
        " INCOMPATIBLE_VERSION=5 REGION_NOT_FOUND=6 GLOBAL_CONFIG_NOT_FOUND=7"
        " DUPLICATED_ENTRY=8 ENTRY_NOT_FOUND=9 INVALID_VALUE=10 DATA_COMPACTED=11"
        " REGIONS_NOT_CONTAIN_ALL_KEY_RANGE=12"
    ),
    "pdpb.OperatorStatus": "SUCCESS=0 TIMEOUT=1 CANCEL=2 REPLACE=3 RUNNING=4",
}

# --- services: full name -> "Method(in) -> out" lines ----------------------------------------

SERVICES: dict[str, list[str]] = {
    "tikvpb.Tikv": [
        "KvGet(kvrpcpb.GetRequest) -> kvrpcpb.GetResponse",
        "KvScan(kvrpcpb.ScanRequest) -> kvrpcpb.ScanResponse",
        "KvBatchGet(kvrpcpb.BatchGetRequest) -> kvrpcpb.BatchGetResponse",
        "SplitRegion(kvrpcpb.SplitRegionRequest) -> kvrpcpb.SplitRegionResponse",
    ],
    "import_sstpb.ImportSST": [
        "SwitchMode(import_sstpb.SwitchModeRequest) -> import_sstpb.SwitchModeResponse",
        "GetMode(import_sstpb.GetModeRequest) -> import_sstpb.GetModeResponse",
        "Upload(stream import_sstpb.UploadRequest) -> import_sstpb.UploadResponse",
        "Ingest(import_sstpb.IngestRequest) -> import_sstpb.IngestResponse",
        "Compact(import_sstpb.CompactRequest) -> import_sstpb.CompactResponse",
        "Write(stream import_sstpb.WriteRequest) -> import_sstpb.WriteResponse",
        "MultiIngest(import_sstpb.MultiIngestRequest) -> import_sstpb.IngestResponse",
    ],
    "import_kvpb.ImportKV": [
        "SwitchMode(import_kvpb.SwitchModeRequest) -> import_kvpb.SwitchModeResponse",
        "OpenEngine(import_kvpb.OpenEngineRequest) -> import_kvpb.OpenEngineResponse",
        "WriteEngine(stream import_kvpb.WriteEngineRequest) -> import_kvpb.WriteEngineResponse",
        "WriteEngineV3(import_kvpb.WriteEngineV3Request) -> import_kvpb.WriteEngineResponse",
        "CloseEngine(import_kvpb.CloseEngineRequest) -> import_kvpb.CloseEngineResponse",
        "ImportEngine(import_kvpb.ImportEngineRequest) -> import_kvpb.ImportEngineResponse",
        "CleanupEngine(import_kvpb.CleanupEngineRequest) -> import_kvpb.CleanupEngineResponse",
        "CompactCluster(import_kvpb.CompactClusterRequest) -> import_kvpb.CompactClusterResponse",
        "GetVersion(import_kvpb.GetVersionRequest) -> import_kvpb.GetVersionResponse",
        "GetMetrics(import_kvpb.GetMetricsRequest) -> import_kvpb.GetMetricsResponse",
    ],
    "pdpb.PD": [
        "GetMembers(pdpb.GetMembersRequest) -> pdpb.GetMembersResponse",
        "Tso(stream pdpb.TsoRequest) -> stream pdpb.TsoResponse",
        "GetStore(pdpb.GetStoreRequest) -> pdpb.GetStoreResponse",
        "GetAllStores(pdpb.GetAllStoresRequest) -> pdpb.GetAllStoresResponse",
        "GetRegion(pdpb.GetRegionRequest) -> pdpb.GetRegionResponse",
        "GetRegionByID(pdpb.GetRegionByIDRequest) -> pdpb.GetRegionResponse",
        "ScanRegions(pdpb.ScanRegionsRequest) -> pdpb.ScanRegionsResponse",
        "AskBatchSplit(pdpb.AskBatchSplitRequest) -> pdpb.AskBatchSplitResponse",
        "ReportBatchSplit(pdpb.ReportBatchSplitRequest) -> pdpb.ReportBatchSplitResponse",
        "ScatterRegion(pdpb.ScatterRegionRequest) -> pdpb.ScatterRegionResponse",
        "GetOperator(pdpb.GetOperatorRequest) -> pdpb.GetOperatorResponse",
        "SplitRegions(pdpb.SplitRegionsRequest) -> pdpb.SplitRegionsResponse",
    ],
}

# --- numbers / names kvproto reserves or no longer uses: our `reserved` may only name these ---

KVPROTO_RESERVED: dict[str, tuple[set[int], set[str]]] = {
    "kvrpcpb.Context": ({4, 26}, {"read_quorum"}),
    "kvrpcpb.GetResponse": ({5}, set()),
    "kvrpcpb.BatchGetResponse": ({3}, set()),
    "errorpb.Error": (set(), {"stale_epoch"}),
    "pdpb.GetRegionResponse": ({4}, set()),  # ex-`slaves`, absent from current kvproto
}

# --- helpers -------------------------------------------------------------------------------

_SCALAR_NAMES = {
    getattr(d.FieldDescriptor, f"TYPE_{n.upper()}"): n
    for n in (
        "double",
        "float",
        "int64",
        "uint64",
        "int32",
        "fixed64",
        "fixed32",
        "bool",
        "string",
        "bytes",
        "uint32",
        "sfixed32",
        "sfixed64",
        "sint32",
        "sint64",
    )
}


def _type_name(fd: d.FieldDescriptor) -> str:
    if fd.message_type is not None:
        if fd.message_type.GetOptions().map_entry:
            key, val = (fd.message_type.fields_by_name[n] for n in ("key", "value"))
            return f"map<{_type_name(key)},{_type_name(val)}>"
        return str(fd.message_type.full_name)
    if fd.enum_type is not None:
        return str(fd.enum_type.full_name)
    return _SCALAR_NAMES[fd.type]


def _describe(fd: d.FieldDescriptor) -> str:
    """The field as one fact line: ``name number [repeated] type [oneof=name]``."""
    parts = [fd.name, str(fd.number)]
    is_map = fd.message_type is not None and fd.message_type.GetOptions().map_entry
    if fd.is_repeated and not is_map:
        parts.append("repeated")
    parts.append(_type_name(fd))
    if fd.containing_oneof is not None:
        parts.append(f"oneof={fd.containing_oneof.name}")
    return " ".join(parts)


def _walk(desc: d.Descriptor) -> list[d.Descriptor]:
    out = [desc]
    for nested in desc.nested_types:
        if not nested.GetOptions().map_entry:
            out.extend(_walk(nested))
    return out


def _declared_messages() -> dict[str, d.Descriptor]:
    return {
        m.full_name: m
        for mod in MODULES.values()
        for top in mod.DESCRIPTOR.message_types_by_name.values()
        for m in _walk(top)
    }


def _declared_enums() -> dict[str, d.EnumDescriptor]:
    out: dict[str, d.EnumDescriptor] = {}
    for mod in MODULES.values():
        out.update({e.full_name: e for e in mod.DESCRIPTOR.enum_types_by_name.values()})
    for m in _declared_messages().values():
        out.update({e.full_name: e for e in m.enum_types})
    return out


def _declared_services() -> dict[str, d.ServiceDescriptor]:
    return {
        s.full_name: s for mod in MODULES.values() for s in mod.DESCRIPTOR.services_by_name.values()
    }


def _method_line(m: d.MethodDescriptor) -> str:
    cs = "stream " if m.client_streaming else ""
    ss = "stream " if m.server_streaming else ""
    return f"{m.name}({cs}{m.input_type.full_name}) -> {ss}{m.output_type.full_name}"


# --- tests ---------------------------------------------------------------------------------


def test_each_module_declares_its_kvproto_package() -> None:
    assert {name: mod.DESCRIPTOR.package for name, mod in MODULES.items()} == {
        name: name for name in MODULES
    }


def test_every_declared_message_is_a_pinned_kvproto_message() -> None:
    assert sorted(_declared_messages()) == sorted(MESSAGES)


@pytest.mark.parametrize("full_name", sorted(MESSAGES))
def test_message_fields_match_kvproto(full_name: str) -> None:
    desc = _declared_messages()[full_name]
    assert sorted(_describe(f) for f in desc.fields) == sorted(MESSAGES[full_name])


def test_every_declared_enum_is_a_pinned_kvproto_enum() -> None:
    assert sorted(_declared_enums()) == sorted(ENUMS)


@pytest.mark.parametrize("full_name", sorted(ENUMS))
def test_enum_values_match_kvproto(full_name: str) -> None:
    enum = _declared_enums()[full_name]
    assert " ".join(f"{v.name}={v.number}" for v in enum.values) == ENUMS[full_name]


def test_every_declared_service_is_a_pinned_kvproto_service() -> None:
    assert sorted(_declared_services()) == sorted(SERVICES)


@pytest.mark.parametrize("full_name", sorted(SERVICES))
def test_rpcs_match_kvproto_names_types_and_streaming(full_name: str) -> None:
    service = _declared_services()[full_name]
    assert sorted(_method_line(m) for m in service.methods) == sorted(SERVICES[full_name])


def test_reserved_declarations_only_name_slots_kvproto_leaves_unused() -> None:
    for full_name, desc in _declared_messages().items():
        proto = descriptor_pb2.DescriptorProto()
        desc.CopyToProto(proto)
        numbers = {n for r in proto.reserved_range for n in range(r.start, r.end)}
        names = set(proto.reserved_name)
        allowed_numbers, allowed_names = KVPROTO_RESERVED.get(full_name, (set(), set()))
        assert numbers <= allowed_numbers, full_name
        assert names <= allowed_names, full_name
        pinned_numbers = {int(line.split()[1]) for line in MESSAGES[full_name]}
        assert not (allowed_numbers & pinned_numbers), full_name


def _old_layouts_proto() -> descriptor_pb2.FileDescriptorProto:
    """Layouts kvproto used to have (Peer.is_learner) or that we dropped (a map field)."""
    f = descriptor_pb2.FileDescriptorProto(name="old_layouts.proto", package="old", syntax="proto3")
    peer = f.message_type.add(name="Peer")
    peer.field.add(name="id", number=1, type=d.FieldDescriptor.TYPE_UINT64, label=1)
    peer.field.add(name="store_id", number=2, type=d.FieldDescriptor.TYPE_UINT64, label=1)
    peer.field.add(name="is_learner", number=3, type=d.FieldDescriptor.TYPE_BOOL, label=1)
    member = f.message_type.add(name="Member")
    member.field.add(name="name", number=1, type=d.FieldDescriptor.TYPE_STRING, label=1)
    resp = f.message_type.add(name="GetMembersResponse")
    entry = resp.nested_type.add(name="TsoAllocatorLeadersEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=d.FieldDescriptor.TYPE_STRING, label=1)
    entry.field.add(
        name="value",
        number=2,
        type=d.FieldDescriptor.TYPE_MESSAGE,
        type_name=".old.Member",
        label=1,
    )
    resp.field.add(
        name="tso_allocator_leaders",
        number=5,
        type=d.FieldDescriptor.TYPE_MESSAGE,
        type_name=".old.GetMembersResponse.TsoAllocatorLeadersEntry",
        label=3,
    )
    return f


def test_fact_lines_tell_historic_layouts_apart() -> None:
    """Peer field 3 as the old ``bool is_learner`` and a map field render as distinct facts."""
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_old_layouts_proto())
    old_peer = pool.FindMessageTypeByName("old.Peer")
    old = {_describe(f) for f in old_peer.fields}
    assert old - set(MESSAGES["metapb.Peer"]) == {"is_learner 3 bool"}
    leaders = pool.FindMessageTypeByName("old.GetMembersResponse").fields_by_name[
        "tso_allocator_leaders"
    ]
    assert _describe(leaders) == "tso_allocator_leaders 5 map<string,old.Member>"
