from . import metapb_pb2 as _metapb_pb2
from . import errorpb_pb2 as _errorpb_pb2
from . import kvrpcpb_pb2 as _kvrpcpb_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SwitchMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    Normal: _ClassVar[SwitchMode]
    Import: _ClassVar[SwitchMode]
Normal: SwitchMode
Import: SwitchMode

class SwitchModeRequest(_message.Message):
    __slots__ = ("mode", "ranges")
    MODE_FIELD_NUMBER: _ClassVar[int]
    RANGES_FIELD_NUMBER: _ClassVar[int]
    mode: SwitchMode
    ranges: _containers.RepeatedCompositeFieldContainer[Range]
    def __init__(self, mode: _Optional[_Union[SwitchMode, str]] = ..., ranges: _Optional[_Iterable[_Union[Range, _Mapping]]] = ...) -> None: ...

class SwitchModeResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetModeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetModeResponse(_message.Message):
    __slots__ = ("mode",)
    MODE_FIELD_NUMBER: _ClassVar[int]
    mode: SwitchMode
    def __init__(self, mode: _Optional[_Union[SwitchMode, str]] = ...) -> None: ...

class Range(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: bytes
    end: bytes
    def __init__(self, start: _Optional[bytes] = ..., end: _Optional[bytes] = ...) -> None: ...

class SSTMeta(_message.Message):
    __slots__ = ("uuid", "range", "crc32", "length", "cf_name", "region_id", "region_epoch", "end_key_exclusive", "total_kvs", "total_bytes", "api_version", "cipher_iv")
    UUID_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    CRC32_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    CF_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_EPOCH_FIELD_NUMBER: _ClassVar[int]
    END_KEY_EXCLUSIVE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_KVS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    CIPHER_IV_FIELD_NUMBER: _ClassVar[int]
    uuid: bytes
    range: Range
    crc32: int
    length: int
    cf_name: str
    region_id: int
    region_epoch: _metapb_pb2.RegionEpoch
    end_key_exclusive: bool
    total_kvs: int
    total_bytes: int
    api_version: _kvrpcpb_pb2.APIVersion
    cipher_iv: bytes
    def __init__(self, uuid: _Optional[bytes] = ..., range: _Optional[_Union[Range, _Mapping]] = ..., crc32: _Optional[int] = ..., length: _Optional[int] = ..., cf_name: _Optional[str] = ..., region_id: _Optional[int] = ..., region_epoch: _Optional[_Union[_metapb_pb2.RegionEpoch, _Mapping]] = ..., end_key_exclusive: _Optional[bool] = ..., total_kvs: _Optional[int] = ..., total_bytes: _Optional[int] = ..., api_version: _Optional[_Union[_kvrpcpb_pb2.APIVersion, str]] = ..., cipher_iv: _Optional[bytes] = ...) -> None: ...

class UploadRequest(_message.Message):
    __slots__ = ("meta", "data")
    META_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    meta: SSTMeta
    data: bytes
    def __init__(self, meta: _Optional[_Union[SSTMeta, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class IngestRequest(_message.Message):
    __slots__ = ("context", "sst")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    SST_FIELD_NUMBER: _ClassVar[int]
    context: _kvrpcpb_pb2.Context
    sst: SSTMeta
    def __init__(self, context: _Optional[_Union[_kvrpcpb_pb2.Context, _Mapping]] = ..., sst: _Optional[_Union[SSTMeta, _Mapping]] = ...) -> None: ...

class MultiIngestRequest(_message.Message):
    __slots__ = ("context", "ssts")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    SSTS_FIELD_NUMBER: _ClassVar[int]
    context: _kvrpcpb_pb2.Context
    ssts: _containers.RepeatedCompositeFieldContainer[SSTMeta]
    def __init__(self, context: _Optional[_Union[_kvrpcpb_pb2.Context, _Mapping]] = ..., ssts: _Optional[_Iterable[_Union[SSTMeta, _Mapping]]] = ...) -> None: ...

class IngestResponse(_message.Message):
    __slots__ = ("error",)
    ERROR_FIELD_NUMBER: _ClassVar[int]
    error: _errorpb_pb2.Error
    def __init__(self, error: _Optional[_Union[_errorpb_pb2.Error, _Mapping]] = ...) -> None: ...

class CompactRequest(_message.Message):
    __slots__ = ("range", "output_level", "context")
    RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    range: Range
    output_level: int
    context: _kvrpcpb_pb2.Context
    def __init__(self, range: _Optional[_Union[Range, _Mapping]] = ..., output_level: _Optional[int] = ..., context: _Optional[_Union[_kvrpcpb_pb2.Context, _Mapping]] = ...) -> None: ...

class CompactResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Error(_message.Message):
    __slots__ = ("message", "store_error")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STORE_ERROR_FIELD_NUMBER: _ClassVar[int]
    message: str
    store_error: _errorpb_pb2.Error
    def __init__(self, message: _Optional[str] = ..., store_error: _Optional[_Union[_errorpb_pb2.Error, _Mapping]] = ...) -> None: ...

class Pair(_message.Message):
    __slots__ = ("key", "value", "op")
    class OP(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        Put: _ClassVar[Pair.OP]
        Delete: _ClassVar[Pair.OP]
    Put: Pair.OP
    Delete: Pair.OP
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    OP_FIELD_NUMBER: _ClassVar[int]
    key: bytes
    value: bytes
    op: Pair.OP
    def __init__(self, key: _Optional[bytes] = ..., value: _Optional[bytes] = ..., op: _Optional[_Union[Pair.OP, str]] = ...) -> None: ...

class WriteBatch(_message.Message):
    __slots__ = ("commit_ts", "pairs")
    COMMIT_TS_FIELD_NUMBER: _ClassVar[int]
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    commit_ts: int
    pairs: _containers.RepeatedCompositeFieldContainer[Pair]
    def __init__(self, commit_ts: _Optional[int] = ..., pairs: _Optional[_Iterable[_Union[Pair, _Mapping]]] = ...) -> None: ...

class WriteRequest(_message.Message):
    __slots__ = ("meta", "batch", "context")
    META_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    meta: SSTMeta
    batch: WriteBatch
    context: _kvrpcpb_pb2.Context
    def __init__(self, meta: _Optional[_Union[SSTMeta, _Mapping]] = ..., batch: _Optional[_Union[WriteBatch, _Mapping]] = ..., context: _Optional[_Union[_kvrpcpb_pb2.Context, _Mapping]] = ...) -> None: ...

class WriteResponse(_message.Message):
    __slots__ = ("error", "metas")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METAS_FIELD_NUMBER: _ClassVar[int]
    error: Error
    metas: _containers.RepeatedCompositeFieldContainer[SSTMeta]
    def __init__(self, error: _Optional[_Union[Error, _Mapping]] = ..., metas: _Optional[_Iterable[_Union[SSTMeta, _Mapping]]] = ...) -> None: ...
