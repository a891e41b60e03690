"""Value types of the coordination service: checksums, tasks, jobs and their states.

Public API: ``Checksum``, ``ChunkResult``, ``TaskKind``, ``TaskState``, ``TableState``,
``JobState``, ``TaskRecord``, ``JobRecord``, ``schema_task_id``, ``chunk_task_id``,
``finalize_task_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from protos import coordinator_pb2 as cpb


@dataclass(frozen=True)
class Checksum:
    """CRC64-XOR checksum, pair count and byte count of a set of KV pairs."""

    checksum: int = 0
    kvs: int = 0
    bytes: int = 0

    def merge(self, other: Checksum) -> Checksum:
        return Checksum(
            self.checksum ^ other.checksum, self.kvs + other.kvs, self.bytes + other.bytes
        )

    def describe(self) -> str:
        return f"(checksum={self.checksum:#018x}, kvs={self.kvs}, bytes={self.bytes})"

    @classmethod
    def from_pb(cls, msg: cpb.KVChecksum) -> Checksum:
        return cls(msg.checksum, msg.kvs, msg.bytes)

    def to_pb(self) -> cpb.KVChecksum:
        return cpb.KVChecksum(checksum=self.checksum, kvs=self.kvs, bytes=self.bytes)


@dataclass(frozen=True)
class ChunkResult:
    checksum: Checksum
    rows: int
    source_bytes: int
    max_row_id: int


class TaskKind(IntEnum):
    SCHEMA = cpb.SCHEMA
    CHUNK = cpb.CHUNK
    FINALIZE = cpb.FINALIZE


class TaskState(StrEnum):
    PENDING = "pending"
    LEASED = "leased"
    DONE = "done"
    FAILED = "failed"


class TableState(StrEnum):
    PENDING = "pending"
    WRITING = "writing"
    IMPORTING = "importing"
    VERIFIED = "verified"
    # Finalized without a checksum comparison (the encoder's checksum policy said so).
    IMPORTED = "imported"
    FAILED = "failed"


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def schema_task_id() -> str:
    return "schema"


def chunk_task_id(table_index: int, chunk_index: int) -> str:
    return f"chunk/{table_index}/{chunk_index}"


def finalize_task_id(table_index: int) -> str:
    return f"finalize/{table_index}"


@dataclass
class TaskRecord:
    """One task and its lease; mutable, persisted after every change."""

    task_id: str
    kind: TaskKind
    table_index: int = -1
    chunk_index: int = -1
    state: TaskState = TaskState.PENDING
    worker: str = ""
    lease_id: int = 0
    lease_expiry: float = 0.0
    handouts: int = 0
    failures: int = 0
    last_error: str = ""
    result: ChunkResult | None = None
    remote: Checksum | None = None
    # Unix seconds of the first lease and of the completion (0 = not yet).
    started: float = 0.0
    finished: float = 0.0
    # FINALIZE completed without comparing checksums.
    unverified: bool = False


@dataclass
class JobRecord:
    """One job: its plan, tasks (in plan order) and failure, if any."""

    job_id: str
    plan: cpb.JobPlan
    state: JobState = JobState.RUNNING
    error: str = ""
    next_lease: int = 1
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    table_errors: dict[int, str] = field(default_factory=dict)

    def chunks_of(self, table_index: int) -> list[TaskRecord]:
        count = len(self.plan.tables[table_index].chunks)
        return [self.tasks[chunk_task_id(table_index, c)] for c in range(count)]
