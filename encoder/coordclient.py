"""Client of the importer's coordination service (``flashload.coordinator.v1.Coordinator``).

One ``CoordinatorClient`` per worker: it knows the job id and its worker id, and turns the
protocol into calls the task loop reads easily. The rules (leases, exactly-once completion,
fatal failures) are documented in ``protos/proto/coordinator.proto``. gRPC failures are
translated by ``encoder.importerlink``.

Public API: ``CoordinatorClient``, ``LeaseResult``, ``checksum_pb``, ``describe_checksum``.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from encoder.errors import ImporterError
from encoder.importerlink import call
from protos import coordinator_pb2 as cpb
from protos import coordinator_pb2_grpc
from tidbkv.checksum import KVChecksum


def checksum_pb(c: KVChecksum) -> cpb.KVChecksum:
    return cpb.KVChecksum(checksum=c.checksum, kvs=c.kvs, bytes=c.bytes)


def describe_checksum(c: cpb.KVChecksum | KVChecksum) -> str:
    return f"(checksum={c.checksum:#018x}, kvs={c.kvs}, bytes={c.bytes})"


@dataclass(frozen=True)
class LeaseResult:
    """Exactly one of: a task, a wait, done, failed (with the job's error)."""

    task: cpb.Task | None = None
    retry_after_s: float = 0.0
    done: bool = False
    failed: str = ""


class CoordinatorClient:
    """The Coordinator RPCs of one worker in one job."""

    def __init__(self, channel: grpc.Channel, job_id: str, worker_id: str) -> None:
        self._stub = coordinator_pb2_grpc.CoordinatorStub(channel)
        self.job_id = job_id
        self.worker_id = worker_id

    def register(self, plan: cpb.JobPlan) -> tuple[bool, cpb.JobPlan]:
        """Creates the job or joins it: (created, the authoritative plan)."""
        req = cpb.RegisterJobRequest(job_id=self.job_id, plan=plan, worker_id=self.worker_id)
        resp = call("RegisterJob", lambda: self._stub.RegisterJob(req))
        return bool(resp.created), resp.plan

    def lease(self) -> LeaseResult:
        req = cpb.LeaseTaskRequest(job_id=self.job_id, worker_id=self.worker_id)
        resp = call("LeaseTask", lambda: self._stub.LeaseTask(req))
        which = resp.WhichOneof("result")
        if which == "task":
            return LeaseResult(task=resp.task)
        if which == "job_done":
            return LeaseResult(done=True)
        if which == "job_failed":
            return LeaseResult(failed=resp.job_failed)
        return LeaseResult(retry_after_s=max(resp.retry_after_ms, 50) / 1000.0)

    def heartbeat(self, lease_ids: list[int]) -> set[int]:
        """Renews leases; returns the ids no longer held."""
        req = cpb.HeartbeatRequest(
            job_id=self.job_id, worker_id=self.worker_id, lease_ids=lease_ids
        )
        resp = call("Heartbeat", lambda: self._stub.Heartbeat(req))
        return set(resp.lost_lease_ids)

    def _complete(self, req: cpb.CompleteTaskRequest) -> tuple[bool, str]:
        resp = call("CompleteTask", lambda: self._stub.CompleteTask(req))
        return bool(resp.accepted), str(resp.error)

    def _request(self, task: cpb.Task) -> cpb.CompleteTaskRequest:
        return cpb.CompleteTaskRequest(
            job_id=self.job_id,
            worker_id=self.worker_id,
            task_id=task.task_id,
            lease_id=task.lease_id,
        )

    def complete_schema(self, task: cpb.Task) -> tuple[bool, str]:
        return self._complete(self._request(task))

    def complete_chunk(
        self, task: cpb.Task, checksum: KVChecksum, rows: int, source_bytes: int, max_row_id: int
    ) -> tuple[bool, str]:
        req = self._request(task)
        req.checksum.CopyFrom(checksum_pb(checksum))
        req.rows = rows
        req.source_bytes = source_bytes
        req.max_row_id = max_row_id
        return self._complete(req)

    def complete_finalize(
        self, task: cpb.Task, remote: KVChecksum | None, unverified: bool
    ) -> tuple[bool, str]:
        req = self._request(task)
        if remote is not None:
            req.remote_checksum.CopyFrom(checksum_pb(remote))
        req.unverified = unverified
        return self._complete(req)

    def fail(self, task: cpb.Task, error: str, fatal: bool) -> bool:
        """Reports a failed task; True if the job is now failed."""
        req = cpb.FailTaskRequest(
            job_id=self.job_id,
            worker_id=self.worker_id,
            task_id=task.task_id,
            lease_id=task.lease_id,
            error=error,
            fatal=fatal,
        )
        resp = call("FailTask", lambda: self._stub.FailTask(req))
        return bool(resp.job_failed)

    def status(self) -> cpb.GetJobStatusResponse | None:
        """The job's status, or None if the importer does not know the job."""
        req = cpb.GetJobStatusRequest(job_id=self.job_id)
        try:
            resp: cpb.GetJobStatusResponse = call(
                "GetJobStatus", lambda: self._stub.GetJobStatus(req)
            )
            return resp
        except ImporterError as exc:
            if exc.code == "NOT_FOUND":
                return None
            raise

    def forget(self) -> str:
        """Makes the importer forget this (failed) job; returns the error it had failed with."""
        req = cpb.ForgetJobRequest(job_id=self.job_id, worker_id=self.worker_id)
        resp: cpb.ForgetJobResponse = call("ForgetJob", lambda: self._stub.ForgetJob(req))
        return resp.error

    def capacity(self) -> cpb.GetCapacityResponse:
        resp: cpb.GetCapacityResponse = call(
            "GetCapacity", lambda: self._stub.GetCapacity(cpb.GetCapacityRequest())
        )
        return resp
