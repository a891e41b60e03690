"""The coordination state machine: jobs, leased tasks, checksums, persisted write-through.

Task order: the SCHEMA task first (everything else waits for it); then a FINALIZE task as
soon as all chunks of its table are complete (so engines are imported and freed early); else
the next pending CHUNK in plan order (tables complete one after another, keeping the number of
open engines small). Expired leases return to the pool when anyone asks for work or
heartbeats. Every change is persisted before the answer leaves, so a restarted importer
resumes with the same tasks, leases and results. The rules are documented for encoders in
``protos/proto/coordinator.proto``.

Public API: ``Coordinator``, ``Lease``, ``LeaseOutcome``, ``TableSummary``, ``JobSummary``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog

from importer.errors import InvalidRequest, JobError, JobNotFound, TaskNotFound
from importer.jobmodel import (
    Checksum,
    ChunkResult,
    JobRecord,
    JobState,
    TableState,
    TaskKind,
    TaskRecord,
    TaskState,
    chunk_task_id,
    finalize_task_id,
    schema_task_id,
)
from importer.jobstore import JobStore
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("importer.coordinator")

MAX_JOB_ID_LEN = 128
# How long LeaseTask asks an encoder to wait when every remaining task is leased or blocked.
RETRY_AFTER_MS = 500


@dataclass(frozen=True)
class Lease:
    """A task handed to a worker."""

    task_id: str
    kind: TaskKind
    table_index: int
    chunk_index: int
    lease_id: int
    ttl_ms: int
    attempt: int
    expected: Checksum | None = None
    max_row_id: int = 0
    engine_ids: tuple[int, ...] = ()
    rows: int = 0


@dataclass(frozen=True)
class LeaseOutcome:
    """Exactly one of: a lease, a wait hint, done, failed."""

    lease: Lease | None = None
    retry_after_ms: int = 0
    done: bool = False
    failed: str = ""


@dataclass(frozen=True)
class TableSummary:
    db: str
    name: str
    state: TableState
    chunks_total: int
    chunks_done: int
    chunks_running: int
    rows: int
    source_bytes: int
    total_source_bytes: int
    checksum: Checksum
    remote: Checksum | None
    error: str
    started: float = 0.0
    finished: float = 0.0


@dataclass(frozen=True)
class JobSummary:
    job_id: str
    state: JobState
    error: str
    schema_state: TaskState
    tables: tuple[TableSummary, ...]


def _validate_plan(job_id: str, plan: cpb.JobPlan) -> None:
    if not job_id or len(job_id) > MAX_JOB_ID_LEN:
        raise InvalidRequest("job_id", f"must be 1-{MAX_JOB_ID_LEN} characters")
    seen: set[tuple[str, str]] = set()
    for ti, table in enumerate(plan.tables):
        if not table.db or not table.name:
            raise InvalidRequest(f"plan.tables[{ti}]", "db and name are required")
        if (table.db, table.name) in seen:
            raise InvalidRequest(f"plan.tables[{ti}]", f"duplicate table {table.db}.{table.name}")
        seen.add((table.db, table.name))
        for ci, chunk in enumerate(table.chunks):
            where = f"plan.tables[{ti}].chunks[{ci}]"
            if not chunk.path:
                raise InvalidRequest(where, "path is required")
            if chunk.offset < 0 or chunk.end_offset < chunk.offset:
                raise InvalidRequest(where, "need 0 <= offset <= end_offset")


def _new_job(job_id: str, plan: cpb.JobPlan) -> JobRecord:
    job = JobRecord(job_id, plan)
    job.tasks[schema_task_id()] = TaskRecord(schema_task_id(), TaskKind.SCHEMA)
    for ti, table in enumerate(plan.tables):
        for ci in range(len(table.chunks)):
            tid = chunk_task_id(ti, ci)
            job.tasks[tid] = TaskRecord(tid, TaskKind.CHUNK, ti, ci)
        fid = finalize_task_id(ti)
        job.tasks[fid] = TaskRecord(fid, TaskKind.FINALIZE, ti)
    return job


def _table_name(job: JobRecord, table_index: int) -> str:
    t = job.plan.tables[table_index]
    return f"`{t.db}`.`{t.name}`"


def describe_task(job: JobRecord, task: TaskRecord) -> str:
    """Where a task works, for error messages: table and file."""
    if task.kind is TaskKind.SCHEMA:
        return "schema"
    table = _table_name(job, task.table_index)
    if task.kind is TaskKind.FINALIZE:
        return f"table {table} finalize"
    chunk = job.plan.tables[task.table_index].chunks[task.chunk_index]
    return f"table {table} file {chunk.path} bytes {chunk.offset}-{chunk.end_offset}"


class Coordinator:
    """Hands out and tracks the tasks of every registered job."""

    def __init__(
        self,
        store: JobStore,
        *,
        lease_ttl_s: float,
        max_task_retries: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._ttl = lease_ttl_s
        self._max_retries = max_task_retries
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: dict[str, JobRecord] = {j.job_id: j for j in store.load_all()}
        if self._jobs:
            log.info("jobs restored", jobs=len(self._jobs))

    # --------------------------------------------------------------------------- requests

    def register(self, job_id: str, plan: cpb.JobPlan, worker: str) -> tuple[bool, cpb.JobPlan]:
        """Creates the job, or joins it; returns (created, authoritative plan)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                log.info("job joined", job_id=job_id, worker=worker)
                return False, job.plan
            _validate_plan(job_id, plan)
            job = _new_job(job_id, plan)
            self._store.create(job)
            self._jobs[job_id] = job
        log.info(
            "job registered",
            job_id=job_id,
            worker=worker,
            tables=len(plan.tables),
            chunks=sum(len(t.chunks) for t in plan.tables),
        )
        return True, job.plan

    def lease(self, job_id: str, worker: str) -> LeaseOutcome:
        with self._lock:
            job = self._job(job_id)
            if job.state is JobState.FAILED:
                return LeaseOutcome(failed=job.error)
            if job.state is JobState.DONE:
                return LeaseOutcome(done=True)
            now = self._clock()
            changed = self._expire(job, now)
            task = self._next_task(job)
            if task is None:
                if changed:
                    self._store.save(job, changed)
                if all(t.state is TaskState.DONE for t in job.tasks.values()):
                    job.state = JobState.DONE
                    self._store.save(job)
                    log.info("job done", job_id=job_id)
                    return LeaseOutcome(done=True)
                return LeaseOutcome(retry_after_ms=RETRY_AFTER_MS)
            attempt = task.handouts
            task.state = TaskState.LEASED
            task.worker = worker
            task.lease_id = job.next_lease
            task.lease_expiry = now + self._ttl
            task.handouts += 1
            if not task.started:
                task.started = now
            job.next_lease += 1
            self._store.save(job, [*changed, task])
            lease = self._lease_of(job, task, attempt)
        log.info(
            "task leased",
            job_id=job_id,
            task=task.task_id,
            worker=worker,
            lease_id=lease.lease_id,
            attempt=attempt,
        )
        return LeaseOutcome(lease=lease)

    def heartbeat(self, job_id: str, worker: str, lease_ids: Sequence[int]) -> list[int]:
        """Renews the worker's leases; returns the ids it no longer holds."""
        with self._lock:
            job = self._job(job_id)
            now = self._clock()
            changed = self._expire(job, now)
            held = {
                t.lease_id: t
                for t in job.tasks.values()
                if t.state is TaskState.LEASED and t.worker == worker
            }
            lost: list[int] = []
            for lease_id in lease_ids:
                task = held.get(lease_id)
                if task is None or job.state is not JobState.RUNNING:
                    lost.append(lease_id)
                    continue
                task.lease_expiry = now + self._ttl
                changed.append(task)
            if changed:
                self._store.save(job, changed)
        return lost

    def complete(
        self,
        job_id: str,
        task_id: str,
        worker: str,
        *,
        checksum: Checksum | None = None,
        rows: int = 0,
        source_bytes: int = 0,
        max_row_id: int = 0,
        remote: Checksum | None = None,
        unverified: bool = False,
    ) -> tuple[bool, str]:
        """Records a task's result; returns (accepted, rejection reason).

        A FINALIZE completion needs ``remote`` unless ``unverified`` (the encoder did not
        compare checksums); it is then accepted as is and the table counts as imported.
        """
        with self._lock:
            job = self._job(job_id)
            task = self._task(job, task_id)
            if task.state is TaskState.DONE:
                log.info("task completed again", job_id=job_id, task=task_id, worker=worker)
                return False, ""
            if job.state is JobState.FAILED:
                return False, f"job failed: {job.error}"
            if task.state is TaskState.FAILED:
                return False, f"task failed: {task.last_error}"
            if task.kind is TaskKind.CHUNK:
                if checksum is None:
                    raise InvalidRequest("checksum", "a CHUNK completion needs the chunk checksum")
                task.result = ChunkResult(checksum, rows, source_bytes, max_row_id)
            elif task.kind is TaskKind.FINALIZE:
                if remote is None and not unverified:
                    raise InvalidRequest(
                        "remote_checksum", "a FINALIZE completion needs the remote checksum"
                    )
                task.remote = remote
                task.unverified = unverified
                expected = self._expected(job, task.table_index)
                if remote is not None and not unverified and remote != expected:
                    reason = (
                        f"table {_table_name(job, task.table_index)}: checksum mismatch:"
                        f" local {expected.describe()} != remote {remote.describe()}"
                    )
                    task.state = TaskState.FAILED
                    task.last_error = reason
                    self._fail_job(job, reason, task.table_index)
                    self._store.save(job, [task])
                    log.error("checksum mismatch", job_id=job_id, error=reason)
                    return False, reason
            task.state = TaskState.DONE
            task.worker = worker
            task.lease_expiry = 0.0
            task.finished = self._clock()
            self._store.save(job, [task])
        log.info("task completed", job_id=job_id, task=task_id, worker=worker)
        return True, ""

    def fail(self, job_id: str, task_id: str, worker: str, error: str, fatal: bool) -> bool:
        """Records a task failure; returns True if the job is now failed."""
        with self._lock:
            job = self._job(job_id)
            task = self._task(job, task_id)
            if task.state is TaskState.DONE or job.state is not JobState.RUNNING:
                return job.state is JobState.FAILED
            task.failures += 1
            task.last_error = error
            where = describe_task(job, task)
            if not fatal and task.failures > self._max_retries:
                fatal = True
                error = f"failed {task.failures} times, last: {error}"
            if fatal:
                task.state = TaskState.FAILED
                self._fail_job(job, f"{where}: {error}", task.table_index)
            else:
                task.state = TaskState.PENDING
                task.worker = ""
                task.lease_expiry = 0.0
            self._store.save(job, [task])
        log.warning(
            "task failed", job_id=job_id, task=task_id, worker=worker, fatal=fatal, error=error
        )
        return fatal

    def forget(self, job_id: str, worker: str) -> str:
        """Forgets a failed job so that its dump can be imported again; returns its error.

        Only a failed job: a running one has encoders working on it, and a done one is the
        record that the import succeeded.
        """
        with self._lock:
            job = self._job(job_id)
            if job.state is not JobState.FAILED:
                raise JobError(
                    job_id, f"only a failed job can be forgotten; it is {job.state.value}"
                )
            self._store.delete(job_id)
            del self._jobs[job_id]
        log.warning("job forgotten", job_id=job_id, worker=worker, error=job.error)
        return job.error

    def status(self, job_id: str) -> JobSummary:
        with self._lock:
            job = self._job(job_id)
            return self._summary(job)

    def job_ids(self) -> list[str]:
        with self._lock:
            return list(self._jobs)

    # ---------------------------------------------------------------------------- internal

    def _job(self, job_id: str) -> JobRecord:
        job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFound(job_id)
        return job

    def _task(self, job: JobRecord, task_id: str) -> TaskRecord:
        task = job.tasks.get(task_id)
        if task is None:
            raise TaskNotFound(job.job_id, task_id)
        return task

    def _expire(self, job: JobRecord, now: float) -> list[TaskRecord]:
        expired = []
        for task in job.tasks.values():
            if task.state is TaskState.LEASED and task.lease_expiry <= now:
                task.state = TaskState.PENDING
                log.warning(
                    "lease expired", job_id=job.job_id, task=task.task_id, worker=task.worker
                )
                task.worker = ""
                expired.append(task)
        return expired

    def _next_task(self, job: JobRecord) -> TaskRecord | None:
        schema = job.tasks[schema_task_id()]
        if schema.state is not TaskState.DONE:
            return schema if schema.state is TaskState.PENDING else None
        for ti in range(len(job.plan.tables)):
            fin = job.tasks[finalize_task_id(ti)]
            if fin.state is TaskState.PENDING and all(
                c.state is TaskState.DONE for c in job.chunks_of(ti)
            ):
                return fin
        for task in job.tasks.values():
            if task.kind is TaskKind.CHUNK and task.state is TaskState.PENDING:
                return task
        return None

    def _expected(self, job: JobRecord, table_index: int) -> Checksum:
        total = Checksum()
        for chunk in job.chunks_of(table_index):
            if chunk.result is not None:
                total = total.merge(chunk.result.checksum)
        return total

    def _lease_of(self, job: JobRecord, task: TaskRecord, attempt: int) -> Lease:
        ttl_ms = int(self._ttl * 1000)
        if task.kind is not TaskKind.FINALIZE:
            return Lease(
                task.task_id,
                task.kind,
                task.table_index,
                task.chunk_index,
                task.lease_id,
                ttl_ms,
                attempt,
            )
        chunks = job.chunks_of(task.table_index)
        results = [c.result for c in chunks if c.result is not None]
        plan = job.plan.tables[task.table_index]
        return Lease(
            task.task_id,
            task.kind,
            task.table_index,
            -1,
            task.lease_id,
            ttl_ms,
            attempt,
            expected=self._expected(job, task.table_index),
            max_row_id=max((r.max_row_id for r in results), default=0),
            engine_ids=tuple(sorted({c.engine_id for c in plan.chunks})),
            rows=sum(r.rows for r in results),
        )

    def _fail_job(self, job: JobRecord, error: str, table_index: int) -> None:
        if table_index >= 0:
            job.table_errors[table_index] = error
        if job.state is JobState.RUNNING:
            job.state = JobState.FAILED
            job.error = error
            for task in job.tasks.values():
                if task.state is TaskState.LEASED:
                    task.state = TaskState.PENDING
                    task.worker = ""
            log.error("job failed", job_id=job.job_id, error=error)

    def _summary(self, job: JobRecord) -> JobSummary:
        tables = []
        for ti, plan in enumerate(job.plan.tables):
            chunks = job.chunks_of(ti)
            done = [c for c in chunks if c.state is TaskState.DONE]
            fin = job.tasks[finalize_task_id(ti)]
            error = job.table_errors.get(ti, "")
            if error:
                state = TableState.FAILED
            elif fin.state is TaskState.DONE:
                state = TableState.IMPORTED if fin.unverified else TableState.VERIFIED
            elif len(done) == len(chunks):
                state = TableState.IMPORTING
            elif done or any(c.state is TaskState.LEASED for c in chunks):
                state = TableState.WRITING
            else:
                state = TableState.PENDING
            results = [c.result for c in done if c.result is not None]
            total_source = plan.total_bytes or sum(c.end_offset - c.offset for c in plan.chunks)
            tables.append(
                TableSummary(
                    db=plan.db,
                    name=plan.name,
                    state=state,
                    chunks_total=len(chunks),
                    chunks_done=len(done),
                    chunks_running=sum(c.state is TaskState.LEASED for c in chunks),
                    rows=sum(r.rows for r in results),
                    source_bytes=sum(r.source_bytes for r in results),
                    total_source_bytes=total_source,
                    checksum=self._expected(job, ti),
                    remote=fin.remote,
                    error=error,
                    started=min((t.started for t in (*chunks, fin) if t.started), default=0.0),
                    finished=fin.finished if fin.state is TaskState.DONE else 0.0,
                )
            )
        return JobSummary(
            job.job_id, job.state, job.error, job.tasks[schema_task_id()].state, tuple(tables)
        )
