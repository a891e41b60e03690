"""``flashload.coordinator.v1.Coordinator``: the gRPC face of ``importer.coordinator``.

Public API: ``CoordinatorService``, ``summary_to_pb``.
"""

from __future__ import annotations

from typing import Any

import grpc

from importer.coordinator import Coordinator, JobSummary, Lease
from importer.diskspace import DiskGuard
from importer.grpcstatus import rpc
from importer.jobmodel import Checksum
from importer.metrics import Metrics
from protos import coordinator_pb2 as cpb
from protos import coordinator_pb2_grpc


def _task_pb(lease: Lease) -> cpb.Task:
    task = cpb.Task(
        task_id=lease.task_id,
        kind=lease.kind.name,
        table_index=max(lease.table_index, 0),
        chunk_index=max(lease.chunk_index, 0),
        lease_id=lease.lease_id,
        lease_ttl_ms=lease.ttl_ms,
        max_row_id=lease.max_row_id,
        attempt=lease.attempt,
        engine_ids=list(lease.engine_ids),
        rows=lease.rows,
    )
    if lease.expected is not None:
        task.expected_checksum.CopyFrom(lease.expected.to_pb())
    return task


def summary_to_pb(summary: JobSummary) -> cpb.GetJobStatusResponse:
    resp = cpb.GetJobStatusResponse(
        job_id=summary.job_id,
        state=summary.state.value,
        error=summary.error,
        schema_state=summary.schema_state.value,
    )
    for t in summary.tables:
        status = resp.tables.add(
            db=t.db,
            name=t.name,
            state=t.state.value,
            chunks_total=t.chunks_total,
            chunks_done=t.chunks_done,
            chunks_running=t.chunks_running,
            rows=t.rows,
            source_bytes=t.source_bytes,
            total_source_bytes=t.total_source_bytes,
            error=t.error,
            started_at=t.started,
            finished_at=t.finished,
        )
        status.checksum.CopyFrom(t.checksum.to_pb())
        if t.remote is not None:
            status.remote_checksum.CopyFrom(t.remote.to_pb())
    return resp


class CoordinatorService(coordinator_pb2_grpc.CoordinatorServicer):  # type: ignore[misc]
    def __init__(
        self, coordinator: Coordinator, metrics: Metrics, disk: DiskGuard | None = None
    ) -> None:
        self.coordinator = coordinator
        self.metrics = metrics
        self.disk = disk

    @rpc("RegisterJob")
    def RegisterJob(self, request: Any, context: grpc.ServicerContext) -> Any:
        created, plan = self.coordinator.register(request.job_id, request.plan, request.worker_id)
        return cpb.RegisterJobResponse(job_id=request.job_id, created=created, plan=plan)

    @rpc("LeaseTask")
    def LeaseTask(self, request: Any, context: grpc.ServicerContext) -> Any:
        outcome = self.coordinator.lease(request.job_id, request.worker_id)
        if outcome.lease is not None:
            return cpb.LeaseTaskResponse(task=_task_pb(outcome.lease))
        if outcome.failed:
            return cpb.LeaseTaskResponse(job_failed=outcome.failed)
        if outcome.done:
            return cpb.LeaseTaskResponse(job_done=True)
        return cpb.LeaseTaskResponse(retry_after_ms=outcome.retry_after_ms)

    @rpc("Heartbeat")
    def Heartbeat(self, request: Any, context: grpc.ServicerContext) -> Any:
        lost = self.coordinator.heartbeat(request.job_id, request.worker_id, request.lease_ids)
        return cpb.HeartbeatResponse(lost_lease_ids=lost)

    @rpc("CompleteTask")
    def CompleteTask(self, request: Any, context: grpc.ServicerContext) -> Any:
        accepted, error = self.coordinator.complete(
            request.job_id,
            request.task_id,
            request.worker_id,
            checksum=Checksum.from_pb(request.checksum) if request.HasField("checksum") else None,
            rows=request.rows,
            source_bytes=request.source_bytes,
            max_row_id=request.max_row_id,
            remote=Checksum.from_pb(request.remote_checksum)
            if request.HasField("remote_checksum")
            else None,
            unverified=request.unverified,
        )
        return cpb.CompleteTaskResponse(accepted=accepted, error=error)

    @rpc("FailTask")
    def FailTask(self, request: Any, context: grpc.ServicerContext) -> Any:
        failed = self.coordinator.fail(
            request.job_id, request.task_id, request.worker_id, request.error, request.fatal
        )
        return cpb.FailTaskResponse(job_failed=failed)

    @rpc("GetJobStatus")
    def GetJobStatus(self, request: Any, context: grpc.ServicerContext) -> Any:
        return summary_to_pb(self.coordinator.status(request.job_id))

    @rpc("ForgetJob")
    def ForgetJob(self, request: Any, context: grpc.ServicerContext) -> Any:
        error = self.coordinator.forget(request.job_id, request.worker_id)
        return cpb.ForgetJobResponse(error=error)

    @rpc("GetCapacity")
    def GetCapacity(self, request: Any, context: grpc.ServicerContext) -> Any:
        if self.disk is None:
            return cpb.GetCapacityResponse()
        available, capacity = self.disk.usage()
        return cpb.GetCapacityResponse(
            available_bytes=available,
            capacity_bytes=capacity,
            min_available_ratio=self.disk.min_ratio,
        )
