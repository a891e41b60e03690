"""Persistence of coordination jobs in the meta DB (tables ``jobs``, ``tasks``, ``job_tables``).

Unsigned 64-bit checksums are stored as signed SQLite integers (two's complement).

Public API: ``JobStore``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from importer.jobmodel import (
    Checksum,
    ChunkResult,
    JobRecord,
    JobState,
    TaskKind,
    TaskRecord,
    TaskState,
)
from importer.metadb import MetaDB
from protos import coordinator_pb2 as cpb

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS jobs (
        job_id TEXT PRIMARY KEY,
        plan BLOB NOT NULL,
        state TEXT NOT NULL,
        error TEXT NOT NULL DEFAULT '',
        next_lease INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS tasks (
        job_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        task_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        table_index INTEGER NOT NULL,
        chunk_index INTEGER NOT NULL,
        state TEXT NOT NULL,
        worker TEXT NOT NULL,
        lease_id INTEGER NOT NULL,
        lease_expiry REAL NOT NULL,
        handouts INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        has_result INTEGER NOT NULL,
        checksum INTEGER NOT NULL,
        kvs INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        source_bytes INTEGER NOT NULL,
        max_row_id INTEGER NOT NULL,
        has_remote INTEGER NOT NULL,
        remote_checksum INTEGER NOT NULL,
        remote_kvs INTEGER NOT NULL,
        remote_bytes INTEGER NOT NULL,
        started REAL NOT NULL DEFAULT 0,
        finished REAL NOT NULL DEFAULT 0,
        unverified INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, task_id)
    )""",
    """CREATE TABLE IF NOT EXISTS job_tables (
        job_id TEXT NOT NULL,
        table_index INTEGER NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (job_id, table_index)
    )""",
)

# Columns added after the first release, with their definitions: added to older meta DBs.
_ADDED_TASK_COLUMNS = (
    ("started", "REAL NOT NULL DEFAULT 0"),
    ("finished", "REAL NOT NULL DEFAULT 0"),
    ("unverified", "INTEGER NOT NULL DEFAULT 0"),
)
_TASK_COLUMNS = (
    "job_id, seq, task_id, kind, table_index, chunk_index, state, worker, lease_id, "
    "lease_expiry, handouts, failures, last_error, has_result, checksum, kvs, bytes, rows, "
    "source_bytes, max_row_id, has_remote, remote_checksum, remote_kvs, remote_bytes, "
    "started, finished, unverified"
)
_TASK_COLUMN_COUNT = len(_TASK_COLUMNS.split(","))
_U64 = 1 << 64


def _signed(v: int) -> int:
    return v - _U64 if v >= 1 << 63 else v


def _unsigned(v: int) -> int:
    return v + _U64 if v < 0 else v


def _task_row(job_id: str, seq: int, t: TaskRecord) -> tuple[Any, ...]:
    r = t.result
    rc = r.checksum if r else Checksum()
    rem = t.remote or Checksum()
    return (
        job_id,
        seq,
        t.task_id,
        int(t.kind),
        t.table_index,
        t.chunk_index,
        t.state.value,
        t.worker,
        t.lease_id,
        t.lease_expiry,
        t.handouts,
        t.failures,
        t.last_error,
        int(r is not None),
        _signed(rc.checksum),
        rc.kvs,
        rc.bytes,
        r.rows if r else 0,
        r.source_bytes if r else 0,
        r.max_row_id if r else 0,
        int(t.remote is not None),
        _signed(rem.checksum),
        rem.kvs,
        rem.bytes,
        t.started,
        t.finished,
        int(t.unverified),
    )


class JobStore:
    """Write-through persistence of ``JobRecord``s."""

    def __init__(self, meta: MetaDB) -> None:
        self._meta = meta
        meta.ensure_schema(_SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        have = {row[1] for row in self._meta.query("PRAGMA table_info(tasks)")}
        missing = [(n, d) for n, d in _ADDED_TASK_COLUMNS if n not in have]
        if missing:
            with self._meta.transaction() as cur:
                for name, definition in missing:
                    cur.execute(f"ALTER TABLE tasks ADD COLUMN {name} {definition}")

    def create(self, job: JobRecord) -> None:
        with self._meta.transaction() as cur:
            cur.execute(
                "INSERT INTO jobs (job_id, plan, state, error, next_lease) VALUES (?, ?, ?, ?, ?)",
                (
                    job.job_id,
                    job.plan.SerializeToString(),
                    job.state.value,
                    job.error,
                    job.next_lease,
                ),
            )
            marks = ", ".join("?" * _TASK_COLUMN_COUNT)
            cur.executemany(
                f"INSERT INTO tasks ({_TASK_COLUMNS}) VALUES ({marks})",
                [_task_row(job.job_id, i, t) for i, t in enumerate(job.tasks.values())],
            )

    def save(self, job: JobRecord, tasks: Iterable[TaskRecord] = ()) -> None:
        """Persists the job's state and the given tasks in one transaction."""
        with self._meta.transaction() as cur:
            cur.execute(
                "UPDATE jobs SET state = ?, error = ?, next_lease = ? WHERE job_id = ?",
                (job.state.value, job.error, job.next_lease, job.job_id),
            )
            for t in tasks:
                row = _task_row(job.job_id, 0, t)
                cur.execute(
                    "UPDATE tasks SET state = ?, worker = ?, lease_id = ?, lease_expiry = ?,"
                    " handouts = ?, failures = ?, last_error = ?, has_result = ?, checksum = ?,"
                    " kvs = ?, bytes = ?, rows = ?, source_bytes = ?, max_row_id = ?,"
                    " has_remote = ?, remote_checksum = ?, remote_kvs = ?, remote_bytes = ?,"
                    " started = ?, finished = ?, unverified = ?"
                    " WHERE job_id = ? AND task_id = ?",
                    (*row[6:], job.job_id, t.task_id),
                )
            for table_index, error in job.table_errors.items():
                cur.execute(
                    "INSERT OR REPLACE INTO job_tables (job_id, table_index, error)"
                    " VALUES (?, ?, ?)",
                    (job.job_id, table_index, error),
                )

    def delete(self, job_id: str) -> None:
        """Removes the job, its tasks and its table errors in one transaction."""
        with self._meta.transaction() as cur:
            for table in ("tasks", "job_tables", "jobs"):
                cur.execute(f"DELETE FROM {table} WHERE job_id = ?", (job_id,))

    def load_all(self) -> list[JobRecord]:
        jobs: dict[str, JobRecord] = {}
        for job_id, plan, state, error, next_lease in self._meta.query(
            "SELECT job_id, plan, state, error, next_lease FROM jobs"
        ):
            jobs[job_id] = JobRecord(
                job_id,
                cpb.JobPlan.FromString(plan),
                JobState(state),
                error,
                next_lease,
            )
        for row in self._meta.query(f"SELECT {_TASK_COLUMNS} FROM tasks ORDER BY job_id, seq"):
            job = jobs.get(row[0])
            if job is None:
                continue
            (
                _job_id,
                _seq,
                task_id,
                kind,
                table_index,
                chunk_index,
                state,
                worker,
                lease_id,
                lease_expiry,
                handouts,
                failures,
                last_error,
                has_result,
                checksum,
                kvs,
                nbytes,
                rows,
                source_bytes,
                max_row_id,
                has_remote,
                remote_checksum,
                remote_kvs,
                remote_bytes,
                started,
                finished,
                unverified,
            ) = row
            job.tasks[task_id] = TaskRecord(
                task_id=task_id,
                kind=TaskKind(kind),
                table_index=table_index,
                chunk_index=chunk_index,
                state=TaskState(state),
                worker=worker,
                lease_id=lease_id,
                lease_expiry=lease_expiry,
                handouts=handouts,
                failures=failures,
                last_error=last_error,
                result=ChunkResult(
                    Checksum(_unsigned(checksum), kvs, nbytes), rows, source_bytes, max_row_id
                )
                if has_result
                else None,
                remote=Checksum(_unsigned(remote_checksum), remote_kvs, remote_bytes)
                if has_remote
                else None,
                started=started,
                finished=finished,
                unverified=bool(unverified),
            )
        for job_id, table_index, error in self._meta.query(
            "SELECT job_id, table_index, error FROM job_tables"
        ):
            if job_id in jobs:
                jobs[job_id].table_errors[table_index] = error
        return list(jobs.values())
