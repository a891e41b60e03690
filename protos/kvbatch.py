"""Hand-serialized KV write batches: the two per-pair hot paths of the pipeline.

The encoder streams every KV pair to the importer in ``import_kvpb.WriteEngineRequest``s and
the importer streams every pair of an engine to TiKV in ``import_sstpb.WriteRequest``s.
Building those messages pair by pair (``mutations.add(...)``) and serializing them costs about
a microsecond per pair in Python; the functions here write the same bytes directly. Both
messages have one shape — ``{batch = 2: {commit_ts = 1, repeated pair = 2: {key, value}}}`` —
and differ only in the key and value field numbers of a pair. Put (op 0) is proto3's default
and not written, nor is an empty value, so the bytes are exactly protobuf's own serialization
(tests compare them) and parse back with any protobuf library.

Public API: ``encode_write_engine_batch``, ``encode_write_engine_head``,
``encode_sst_write_batch``, ``varint``.
"""

from __future__ import annotations

from collections.abc import Sequence


def varint(n: int) -> bytes:
    """Protobuf base-128 varint of a non-negative integer."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


# Varints of every length below this come from a table (keys and values are almost always
# shorter; longer ones are encoded on the spot).
_SMALL = 1 << 14
_VARINTS = [varint(i) for i in range(_SMALL)]
# Field tags: field number << 3 | wire type (0 varint, 2 length-delimited).
_HEAD = b"\x0a"  # WriteEngineRequest.head = 1; WriteHead.uuid = 1
_BATCH = b"\x12"  # WriteEngineRequest.batch = 2; WriteRequest.batch = 2
_COMMIT_TS = b"\x08"  # WriteBatch.commit_ts = 1 (both packages)
_PAIR = b"\x12"  # import_kvpb WriteBatch.mutations = 2; import_sstpb WriteBatch.pairs = 2
_MUTATION_KEY, _MUTATION_VALUE = b"\x12", b"\x1a"  # import_kvpb.Mutation key = 2, value = 3
_SST_PAIR_KEY, _SST_PAIR_VALUE = b"\x0a", b"\x12"  # import_sstpb.Pair key = 1, value = 2


def _batch(
    pairs: Sequence[tuple[bytes, bytes]], commit_ts: int, key_tag: bytes, value_tag: bytes
) -> bytes:
    v = _VARINTS
    parts: list[bytes] = [_COMMIT_TS, varint(commit_ts)] if commit_ts else []
    extend = parts.extend
    for key, value in pairs:
        lk = len(key)
        vk = v[lk] if lk < _SMALL else varint(lk)
        lv = len(value)
        if lv:
            vv = v[lv] if lv < _SMALL else varint(lv)
            body = 2 + len(vk) + lk + len(vv) + lv
            vb = v[body] if body < _SMALL else varint(body)
            extend((_PAIR, vb, key_tag, vk, key, value_tag, vv, value))
        else:  # proto3 leaves an empty bytes field out
            body = 1 + len(vk) + lk
            vb = v[body] if body < _SMALL else varint(body)
            extend((_PAIR, vb, key_tag, vk, key))
    batch = b"".join(parts)
    return _BATCH + varint(len(batch)) + batch


def encode_write_engine_head(uuid: bytes) -> bytes:
    """``import_kvpb.WriteEngineRequest{head: WriteHead{uuid}}`` serialized."""
    head = _HEAD + varint(len(uuid)) + uuid
    return _HEAD + varint(len(head)) + head


def encode_write_engine_batch(pairs: Sequence[tuple[bytes, bytes]], commit_ts: int) -> bytes:
    """``import_kvpb.WriteEngineRequest{batch: WriteBatch{commit_ts, mutations: [Put key
    value]...}}`` serialized."""
    return _batch(pairs, commit_ts, _MUTATION_KEY, _MUTATION_VALUE)


def encode_sst_write_batch(pairs: Sequence[tuple[bytes, bytes]], commit_ts: int) -> bytes:
    """``import_sstpb.WriteRequest{batch: WriteBatch{commit_ts, pairs: [Pair{key, value}]
    ...}}`` serialized."""
    return _batch(pairs, commit_ts, _SST_PAIR_KEY, _SST_PAIR_VALUE)
