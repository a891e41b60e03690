"""Protocol buffers and gRPC stubs shared by the encoder, the importer and the playground.

The ``.proto`` sources live in ``protos/proto/``: wire-compatible subsets of pingcap/kvproto
(``metapb``, ``errorpb``, ``kvrpcpb``, ``tikvpb``, ``import_sstpb``, ``import_kvpb``, ``pdpb``)
and flashload's own ``coordinator.proto`` (package ``flashload.coordinator.v1``).

The generated modules next to this file (``*_pb2.py``, ``*_pb2.pyi``, ``*_pb2_grpc.py``) are
committed; regenerate them with ``python -m protos.generate`` after editing a ``.proto``.
``tests/protos/test_generated_fresh.py`` fails when they are stale.

``protos.kvbatch`` (hand-written) serializes the KV write batches of the two hot write paths
(``WriteEngine`` and ``ImportSST.Write``) byte for byte as protobuf would.
"""
