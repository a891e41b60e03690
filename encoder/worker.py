"""The task loop of one worker: lease a task, run it under a kept-alive lease, report it.

    loop: LeaseTask -> task | wait | done | failed
          run SCHEMA / CHUNK / FINALIZE while the heartbeat thread renews the lease
          CompleteTask with the result, or FailTask

Failure policy: bad input (the reader's errors, casts, a table the codec cannot encode, DDL
TiDB rejects) is *fatal*: it fails the job, and every encoder stops with that message. A lost
lease means someone else owns the task now: drop it silently. Transient remote failures are
retried inside the task; anything else is reported non-fatal, so the coordinator hands the task
out again (and fails the job after ``max-task-retries``).

Public API: ``Worker``, ``WorkerOutcome``, ``is_fatal``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass

import structlog

from encoder.chunktask import run_chunk
from encoder.context import WorkerContext
from encoder.errors import (
    ChecksumMismatch,
    EncodeError,
    EncoderError,
    JobFailed,
    LeaseLost,
    RemoteError,
    TidbError,
)
from encoder.events import TaskError, TaskFinished
from encoder.finalize import run_finalize
from encoder.leases import Lease, LeaseKeeper
from encoder.retry import retry
from encoder.schematask import run_schema
from encoder.source import SourceError
from encoder.tidbsql import TidbSQL
from protos import coordinator_pb2 as cpb
from tidbkv.errors import TidbKVError

log = structlog.get_logger("encoder.worker")

_KIND_NAMES = {cpb.SCHEMA: "schema", cpb.CHUNK: "chunk", cpb.FINALIZE: "finalize"}


@dataclass(frozen=True)
class WorkerOutcome:
    """How the loop ended: the job is ``done``, or ``failed`` with the job's error."""

    done: bool
    error: str = ""


def is_fatal(exc: BaseException, kind: int) -> bool:
    """Errors that no retry can fix: bad input, and DDL that TiDB rejects."""
    if isinstance(exc, SourceError | EncodeError | TidbKVError):
        return True
    return kind == cpb.SCHEMA and isinstance(exc, TidbError) and not exc.retryable


class Worker:
    """Runs tasks of one job until it is done or failed.

    FINALIZE tasks (engine imports and the checksum: work for the importer and the cluster,
    little for the encoder) run in up to ``background_finalizes`` threads while the loop goes
    on encoding chunks, so encoding the next table overlaps importing the last one; each
    background finalize has its own TiDB session.
    """

    def __init__(self, ctx: WorkerContext, background_finalizes: int = 1) -> None:
        self.ctx = ctx
        self.keeper = LeaseKeeper(ctx.coord)
        self._slots = (
            threading.BoundedSemaphore(background_finalizes) if background_finalizes > 0 else None
        )
        self._threads: list[threading.Thread] = []

    def run(self) -> WorkerOutcome:
        coord = self.ctx.coord
        try:
            while True:
                result = retry(coord.lease, what="lease task")
                if result.done:
                    return WorkerOutcome(done=True)
                if result.failed:
                    return WorkerOutcome(done=False, error=result.failed)
                if result.task is None:
                    time.sleep(result.retry_after_s)
                    continue
                task = result.task
                slots = self._slots
                if task.kind == cpb.FINALIZE and slots is not None and slots.acquire(False):
                    self._start_background(task)
                else:
                    self._run_task(task, self.ctx)
        finally:
            for t in self._threads:
                t.join()
            self.keeper.stop()

    def _start_background(self, task: cpb.Task) -> None:
        cfg = self.ctx.config.tidb
        ctx = dataclasses.replace(
            self.ctx, tidb=TidbSQL(cfg.host, cfg.port, cfg.user, cfg.password)
        )

        def run() -> None:
            try:
                self._run_task(task, ctx)
            finally:
                ctx.tidb.close()
                assert self._slots is not None
                self._slots.release()

        t = threading.Thread(target=run, name=f"finalize-{task.table_index}", daemon=True)
        self._threads = [x for x in self._threads if x.is_alive()] + [t]
        t.start()

    def _run_task(self, task: cpb.Task, ctx: WorkerContext) -> None:
        kind = _KIND_NAMES.get(task.kind, "?")
        lease = self.keeper.hold(task)
        started = time.monotonic()
        log.info("task started", task=task.task_id, attempt=task.attempt)
        completed = False
        try:
            self._dispatch(lease, ctx)
            completed = True
        except LeaseLost:
            log.warning("task abandoned", task=task.task_id, reason="lease lost")
        except (ChecksumMismatch, JobFailed) as exc:
            # The coordinator already failed the job; the next lease says so.
            ctx.events.emit(TaskError(task.task_id, str(exc), True))
            log.error("task failed", task=task.task_id, error=str(exc))
        except Exception as exc:
            self._report(lease, kind, exc, ctx)
        finally:
            self.keeper.release(lease)
            seconds = time.monotonic() - started
            ctx.events.emit(TaskFinished(kind, task.table_index, task.task_id, seconds, completed))
        if completed:
            log.info("task completed", task=task.task_id, elapsed=round(seconds, 3))

    def _report(self, lease: Lease, kind: str, exc: Exception, ctx: WorkerContext) -> None:
        task = lease.task
        fatal = is_fatal(exc, task.kind)
        message = str(exc) if isinstance(exc, EncoderError | TidbKVError) else repr(exc)
        if lease.lost.is_set() and not fatal:
            log.warning("task abandoned", task=task.task_id, reason="lease lost", error=message)
            return
        if isinstance(exc, EncoderError | TidbKVError):
            log.error("task failed", task=task.task_id, kind=kind, fatal=fatal, error=message)
        else:
            log.exception("task crashed", task=task.task_id, kind=kind)
        ctx.events.emit(TaskError(task.task_id, message, fatal))
        try:
            retry(lambda: ctx.coord.fail(task, message, fatal), what="fail task")
        except RemoteError as err:
            log.error("cannot report task failure", task=task.task_id, error=str(err))

    def _dispatch(self, lease: Lease, ctx: WorkerContext) -> None:
        task = lease.task
        coord = ctx.coord
        if task.kind == cpb.SCHEMA:
            run_schema(ctx, lease)
            retry(lambda: coord.complete_schema(task), what="complete task")
        elif task.kind == cpb.CHUNK:
            r = run_chunk(ctx, lease)
            _accepted, error = retry(
                lambda: coord.complete_chunk(
                    task, r.checksum, r.rows, r.source_bytes, r.max_row_id
                ),
                what="complete task",
            )
            if error:
                raise JobFailed(ctx.job_id, error)
        elif task.kind == cpb.FINALIZE:
            run_finalize(ctx, lease)
        else:
            raise EncoderError(f"unknown task kind {task.kind} of task {task.task_id}")
