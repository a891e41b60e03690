from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TaskKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_KIND_UNSPECIFIED: _ClassVar[TaskKind]
    SCHEMA: _ClassVar[TaskKind]
    CHUNK: _ClassVar[TaskKind]
    FINALIZE: _ClassVar[TaskKind]
TASK_KIND_UNSPECIFIED: TaskKind
SCHEMA: TaskKind
CHUNK: TaskKind
FINALIZE: TaskKind

class KVChecksum(_message.Message):
    __slots__ = ("checksum", "kvs", "bytes")
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    KVS_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    checksum: int
    kvs: int
    bytes: int
    def __init__(self, checksum: _Optional[int] = ..., kvs: _Optional[int] = ..., bytes: _Optional[int] = ...) -> None: ...

class ChunkPlan(_message.Message):
    __slots__ = ("path", "offset", "end_offset", "prev_rowid_max", "rowid_max", "engine_id", "file_type", "compression", "file_size", "columns", "source_json")
    PATH_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    END_OFFSET_FIELD_NUMBER: _ClassVar[int]
    PREV_ROWID_MAX_FIELD_NUMBER: _ClassVar[int]
    ROWID_MAX_FIELD_NUMBER: _ClassVar[int]
    ENGINE_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPRESSION_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_JSON_FIELD_NUMBER: _ClassVar[int]
    path: str
    offset: int
    end_offset: int
    prev_rowid_max: int
    rowid_max: int
    engine_id: int
    file_type: str
    compression: str
    file_size: int
    columns: _containers.RepeatedScalarFieldContainer[str]
    source_json: str
    def __init__(self, path: _Optional[str] = ..., offset: _Optional[int] = ..., end_offset: _Optional[int] = ..., prev_rowid_max: _Optional[int] = ..., rowid_max: _Optional[int] = ..., engine_id: _Optional[int] = ..., file_type: _Optional[str] = ..., compression: _Optional[str] = ..., file_size: _Optional[int] = ..., columns: _Optional[_Iterable[str]] = ..., source_json: _Optional[str] = ...) -> None: ...

class TablePlan(_message.Message):
    __slots__ = ("db", "name", "schema_file", "schema_sql", "chunks", "total_bytes")
    DB_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FILE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_SQL_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    db: str
    name: str
    schema_file: str
    schema_sql: str
    chunks: _containers.RepeatedCompositeFieldContainer[ChunkPlan]
    total_bytes: int
    def __init__(self, db: _Optional[str] = ..., name: _Optional[str] = ..., schema_file: _Optional[str] = ..., schema_sql: _Optional[str] = ..., chunks: _Optional[_Iterable[_Union[ChunkPlan, _Mapping]]] = ..., total_bytes: _Optional[int] = ...) -> None: ...

class DatabasePlan(_message.Message):
    __slots__ = ("name", "schema_file", "schema_sql")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FILE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_SQL_FIELD_NUMBER: _ClassVar[int]
    name: str
    schema_file: str
    schema_sql: str
    def __init__(self, name: _Optional[str] = ..., schema_file: _Optional[str] = ..., schema_sql: _Optional[str] = ...) -> None: ...

class JobPlan(_message.Message):
    __slots__ = ("source_dir", "databases", "tables", "settings_json")
    SOURCE_DIR_FIELD_NUMBER: _ClassVar[int]
    DATABASES_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_JSON_FIELD_NUMBER: _ClassVar[int]
    source_dir: str
    databases: _containers.RepeatedCompositeFieldContainer[DatabasePlan]
    tables: _containers.RepeatedCompositeFieldContainer[TablePlan]
    settings_json: str
    def __init__(self, source_dir: _Optional[str] = ..., databases: _Optional[_Iterable[_Union[DatabasePlan, _Mapping]]] = ..., tables: _Optional[_Iterable[_Union[TablePlan, _Mapping]]] = ..., settings_json: _Optional[str] = ...) -> None: ...

class RegisterJobRequest(_message.Message):
    __slots__ = ("job_id", "plan", "worker_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    plan: JobPlan
    worker_id: str
    def __init__(self, job_id: _Optional[str] = ..., plan: _Optional[_Union[JobPlan, _Mapping]] = ..., worker_id: _Optional[str] = ...) -> None: ...

class RegisterJobResponse(_message.Message):
    __slots__ = ("job_id", "created", "plan")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    created: bool
    plan: JobPlan
    def __init__(self, job_id: _Optional[str] = ..., created: _Optional[bool] = ..., plan: _Optional[_Union[JobPlan, _Mapping]] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("task_id", "kind", "table_index", "chunk_index", "lease_id", "lease_ttl_ms", "expected_checksum", "max_row_id", "attempt", "engine_ids", "rows")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TABLE_INDEX_FIELD_NUMBER: _ClassVar[int]
    CHUNK_INDEX_FIELD_NUMBER: _ClassVar[int]
    LEASE_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TTL_MS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    MAX_ROW_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_IDS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    kind: TaskKind
    table_index: int
    chunk_index: int
    lease_id: int
    lease_ttl_ms: int
    expected_checksum: KVChecksum
    max_row_id: int
    attempt: int
    engine_ids: _containers.RepeatedScalarFieldContainer[int]
    rows: int
    def __init__(self, task_id: _Optional[str] = ..., kind: _Optional[_Union[TaskKind, str]] = ..., table_index: _Optional[int] = ..., chunk_index: _Optional[int] = ..., lease_id: _Optional[int] = ..., lease_ttl_ms: _Optional[int] = ..., expected_checksum: _Optional[_Union[KVChecksum, _Mapping]] = ..., max_row_id: _Optional[int] = ..., attempt: _Optional[int] = ..., engine_ids: _Optional[_Iterable[int]] = ..., rows: _Optional[int] = ...) -> None: ...

class LeaseTaskRequest(_message.Message):
    __slots__ = ("job_id", "worker_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    worker_id: str
    def __init__(self, job_id: _Optional[str] = ..., worker_id: _Optional[str] = ...) -> None: ...

class LeaseTaskResponse(_message.Message):
    __slots__ = ("task", "retry_after_ms", "job_done", "job_failed")
    TASK_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    JOB_DONE_FIELD_NUMBER: _ClassVar[int]
    JOB_FAILED_FIELD_NUMBER: _ClassVar[int]
    task: Task
    retry_after_ms: int
    job_done: bool
    job_failed: str
    def __init__(self, task: _Optional[_Union[Task, _Mapping]] = ..., retry_after_ms: _Optional[int] = ..., job_done: _Optional[bool] = ..., job_failed: _Optional[str] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("job_id", "worker_id", "lease_ids")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_IDS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    worker_id: str
    lease_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, job_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., lease_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ("lost_lease_ids",)
    LOST_LEASE_IDS_FIELD_NUMBER: _ClassVar[int]
    lost_lease_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, lost_lease_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class CompleteTaskRequest(_message.Message):
    __slots__ = ("job_id", "worker_id", "task_id", "lease_id", "checksum", "rows", "source_bytes", "max_row_id", "remote_checksum", "unverified")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_ID_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_ROW_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    UNVERIFIED_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    worker_id: str
    task_id: str
    lease_id: int
    checksum: KVChecksum
    rows: int
    source_bytes: int
    max_row_id: int
    remote_checksum: KVChecksum
    unverified: bool
    def __init__(self, job_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., task_id: _Optional[str] = ..., lease_id: _Optional[int] = ..., checksum: _Optional[_Union[KVChecksum, _Mapping]] = ..., rows: _Optional[int] = ..., source_bytes: _Optional[int] = ..., max_row_id: _Optional[int] = ..., remote_checksum: _Optional[_Union[KVChecksum, _Mapping]] = ..., unverified: _Optional[bool] = ...) -> None: ...

class CompleteTaskResponse(_message.Message):
    __slots__ = ("accepted", "error")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    error: str
    def __init__(self, accepted: _Optional[bool] = ..., error: _Optional[str] = ...) -> None: ...

class FailTaskRequest(_message.Message):
    __slots__ = ("job_id", "worker_id", "task_id", "lease_id", "error", "fatal")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FATAL_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    worker_id: str
    task_id: str
    lease_id: int
    error: str
    fatal: bool
    def __init__(self, job_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., task_id: _Optional[str] = ..., lease_id: _Optional[int] = ..., error: _Optional[str] = ..., fatal: _Optional[bool] = ...) -> None: ...

class FailTaskResponse(_message.Message):
    __slots__ = ("job_failed",)
    JOB_FAILED_FIELD_NUMBER: _ClassVar[int]
    job_failed: bool
    def __init__(self, job_failed: _Optional[bool] = ...) -> None: ...

class GetJobStatusRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class TableStatus(_message.Message):
    __slots__ = ("db", "name", "state", "chunks_total", "chunks_done", "rows", "source_bytes", "total_source_bytes", "checksum", "remote_checksum", "error", "chunks_running", "started_at", "finished_at")
    DB_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_DONE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_BYTES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SOURCE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_RUNNING_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    db: str
    name: str
    state: str
    chunks_total: int
    chunks_done: int
    rows: int
    source_bytes: int
    total_source_bytes: int
    checksum: KVChecksum
    remote_checksum: KVChecksum
    error: str
    chunks_running: int
    started_at: float
    finished_at: float
    def __init__(self, db: _Optional[str] = ..., name: _Optional[str] = ..., state: _Optional[str] = ..., chunks_total: _Optional[int] = ..., chunks_done: _Optional[int] = ..., rows: _Optional[int] = ..., source_bytes: _Optional[int] = ..., total_source_bytes: _Optional[int] = ..., checksum: _Optional[_Union[KVChecksum, _Mapping]] = ..., remote_checksum: _Optional[_Union[KVChecksum, _Mapping]] = ..., error: _Optional[str] = ..., chunks_running: _Optional[int] = ..., started_at: _Optional[float] = ..., finished_at: _Optional[float] = ...) -> None: ...

class GetJobStatusResponse(_message.Message):
    __slots__ = ("job_id", "state", "tables", "error", "schema_state")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_STATE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    state: str
    tables: _containers.RepeatedCompositeFieldContainer[TableStatus]
    error: str
    schema_state: str
    def __init__(self, job_id: _Optional[str] = ..., state: _Optional[str] = ..., tables: _Optional[_Iterable[_Union[TableStatus, _Mapping]]] = ..., error: _Optional[str] = ..., schema_state: _Optional[str] = ...) -> None: ...

class GetCapacityRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCapacityResponse(_message.Message):
    __slots__ = ("available_bytes", "capacity_bytes", "min_available_ratio")
    AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    MIN_AVAILABLE_RATIO_FIELD_NUMBER: _ClassVar[int]
    available_bytes: int
    capacity_bytes: int
    min_available_ratio: float
    def __init__(self, available_bytes: _Optional[int] = ..., capacity_bytes: _Optional[int] = ..., min_available_ratio: _Optional[float] = ...) -> None: ...

class ForgetJobRequest(_message.Message):
    __slots__ = ("job_id", "worker_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    worker_id: str
    def __init__(self, job_id: _Optional[str] = ..., worker_id: _Optional[str] = ...) -> None: ...

class ForgetJobResponse(_message.Message):
    __slots__ = ("error",)
    ERROR_FIELD_NUMBER: _ClassVar[int]
    error: str
    def __init__(self, error: _Optional[str] = ...) -> None: ...
