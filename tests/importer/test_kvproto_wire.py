"""A client that knows only kvproto's import_kvpb wire format drives a full import.

Requests are hand-encoded from pingcap/kvproto ``proto/import_kvpb.proto`` field numbers
(OpenEngineRequest.uuid = 1; WriteEngineRequest oneof head = 1 / batch = 2; WriteHead.uuid = 1;
WriteBatch.commit_ts = 1, mutations = 2; Mutation op = 1, key = 2, value = 3;
ImportEngineRequest uuid = 1, pd_addr = 2; Error.engine_not_found = 1) and sent on the
``/import_kvpb.ImportKV/<Method>`` paths, so the test does not depend on this repository's
generated classes being right.
"""

from __future__ import annotations

import uuid as uuidlib

import grpc

from tests.importer.conftest import StartServer


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_bytes(number: int, data: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def _identity(b: bytes) -> bytes:
    return b


def test_hand_encoded_kvproto_client_imports_an_engine(start_server: StartServer) -> None:
    h = start_server()
    channel = grpc.insecure_channel(h.server.address)

    def unary(method: str, body: bytes) -> bytes:
        call = channel.unary_unary(
            f"/import_kvpb.ImportKV/{method}",
            request_serializer=_identity,
            response_deserializer=_identity,
        )
        result: bytes = call(body)
        return result

    u = uuidlib.uuid4().bytes
    assert unary("OpenEngine", field_bytes(1, u)) == b""
    pairs = [(b"t\x80\x00\x00\x00\x00\x00\x00\x0b_r%04d" % i, b"value %d" % i) for i in range(300)]
    batch = field_varint(1, 424242) + b"".join(
        field_bytes(2, field_bytes(2, k) + field_bytes(3, v)) for k, v in pairs
    )
    write = channel.stream_unary(
        "/import_kvpb.ImportKV/WriteEngine",
        request_serializer=_identity,
        response_deserializer=_identity,
    )
    # WriteEngineResponse with no error is the empty message.
    assert write(iter([field_bytes(1, field_bytes(1, u)), field_bytes(2, batch)])) == b""
    assert unary("CloseEngine", field_bytes(1, u)) == b""
    assert unary("ImportEngine", field_bytes(1, u) + field_bytes(2, b"pd-wire:2379")) == b""
    assert h.cluster.data == dict(pairs)
    assert h.pd_seen == ["pd-wire:2379"]
    # CloseEngine of an unknown engine: error { engine_not_found { uuid } }.
    other = uuidlib.uuid4().bytes
    assert unary("CloseEngine", field_bytes(1, other)) == field_bytes(
        1, field_bytes(1, field_bytes(1, other))
    )
    version = unary("GetVersion", b"")
    assert version.startswith(varint(1 << 3 | 2))  # field 1: version string
    channel.close()
