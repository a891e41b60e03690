"""The coordination state machine: task order, leases, exactly-once results, failures, and
resume from the meta DB — with a controllable clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.coordinator import Coordinator, LeaseOutcome
from importer.errors import InvalidRequest, JobError, JobNotFound, TaskNotFound
from importer.jobmodel import Checksum, JobState, TableState, TaskKind, TaskState
from importer.jobstore import JobStore
from importer.metadb import MetaDB
from protos import coordinator_pb2 as cpb


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def plan(chunks_per_table: tuple[int, ...] = (2, 1)) -> cpb.JobPlan:
    p = cpb.JobPlan(source_dir="/dump")
    for ti, n in enumerate(chunks_per_table):
        t = p.tables.add(db="db", name=f"t{ti}", schema_file=f"db.t{ti}-schema.sql")
        for ci in range(n):
            t.chunks.add(
                path=f"db.t{ti}.{ci:03d}.sql",
                offset=0,
                end_offset=1000,
                prev_rowid_max=ci * 10,
                rowid_max=ci * 10 + 10,
                engine_id=ci // 2,
                file_type="sql",
            )
    return p


def make(tmp_path: Path, clock: Clock, *, ttl: float = 10.0, retries: int = 2) -> Coordinator:
    return Coordinator(
        JobStore(MetaDB(tmp_path)), lease_ttl_s=ttl, max_task_retries=retries, clock=clock
    )


def lease(c: Coordinator, worker: str = "w1") -> LeaseOutcome:
    return c.lease("job", worker)


def task_of(out: LeaseOutcome):  # type: ignore[no-untyped-def]
    assert out.lease is not None, out
    return out.lease


CK = [Checksum(0x1111, 10, 300), Checksum(0x2222, 5, 150), Checksum(0x4444, 7, 210)]


def run_schema(c: Coordinator) -> None:
    t = task_of(lease(c))
    assert t.kind is TaskKind.SCHEMA
    assert c.complete("job", t.task_id, "w1") == (True, "")


def test_first_register_creates_later_ones_join_with_the_authoritative_plan(
    tmp_path: Path,
) -> None:
    c = make(tmp_path, Clock())
    created, p = c.register("job", plan(), "w1")
    assert created and len(p.tables) == 2
    created2, p2 = c.register("job", plan((9,)), "w2")
    assert not created2 and p2 == plan()


@pytest.mark.parametrize(
    ("job_id", "mutate"),
    [
        ("", lambda p: None),
        ("x" * 129, lambda p: None),
        ("job", lambda p: setattr(p.tables[0], "name", "")),
        ("job", lambda p: setattr(p.tables[0].chunks[0], "end_offset", -1)),
        ("job", lambda p: setattr(p.tables[0].chunks[0], "path", "")),
        ("job", lambda p: setattr(p.tables[1], "name", "t0")),
    ],
)
def test_invalid_plans_are_rejected(tmp_path: Path, job_id: str, mutate) -> None:  # type: ignore[no-untyped-def]
    c = make(tmp_path, Clock())
    p = plan()
    mutate(p)
    with pytest.raises(InvalidRequest):
        c.register(job_id, p, "w1")


def test_schema_first_and_everything_else_waits_for_it(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan(), "w1")
    first = task_of(lease(c))
    assert first.kind is TaskKind.SCHEMA and first.attempt == 0
    waiting = lease(c, "w2")
    assert waiting.lease is None and waiting.retry_after_ms > 0
    c.complete("job", first.task_id, "w1")
    assert task_of(lease(c, "w2")).kind is TaskKind.CHUNK


def test_chunks_then_finalize_with_summed_checksum_and_max_row_id(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((2, 1)), "w1")
    run_schema(c)
    a, b, d = task_of(lease(c)), task_of(lease(c, "w2")), task_of(lease(c, "w3"))
    assert [(t.table_index, t.chunk_index) for t in (a, b, d)] == [(0, 0), (0, 1), (1, 0)]
    c.complete("job", a.task_id, "w1", checksum=CK[0], rows=10, source_bytes=1000, max_row_id=10)
    assert lease(c).retry_after_ms  # table 0 still has a chunk running
    c.complete("job", b.task_id, "w2", checksum=CK[1], rows=5, source_bytes=1000, max_row_id=25)
    fin = task_of(lease(c))
    assert fin.kind is TaskKind.FINALIZE and fin.table_index == 0
    assert fin.expected == CK[0].merge(CK[1])
    assert fin.max_row_id == 25 and fin.rows == 15 and fin.engine_ids == (0,)
    accepted, err = c.complete("job", fin.task_id, "w1", remote=CK[0].merge(CK[1]))
    assert accepted and not err
    status = c.status("job")
    assert status.tables[0].state is TableState.VERIFIED
    assert status.tables[1].state is TableState.WRITING
    c.complete("job", d.task_id, "w3", checksum=CK[2], rows=7, source_bytes=1000)
    fin1 = task_of(lease(c))
    c.complete("job", fin1.task_id, "w1", remote=CK[2])
    assert lease(c).done
    assert c.status("job").state is JobState.DONE


def test_completing_a_chunk_twice_never_double_counts(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    assert c.complete("job", t.task_id, "w1", checksum=CK[0], rows=10)[0]
    assert c.complete("job", t.task_id, "w2", checksum=CK[0], rows=10) == (False, "")
    assert c.complete("job", t.task_id, "w1", checksum=CK[1], rows=99) == (False, "")
    summary = c.status("job").tables[0]
    assert summary.checksum == CK[0] and summary.rows == 10
    assert task_of(lease(c)).expected == CK[0]


def test_expired_lease_goes_to_another_worker_with_attempt_incremented(tmp_path: Path) -> None:
    clock = Clock()
    c = make(tmp_path, clock, ttl=10)
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    t = task_of(lease(c, "w1"))
    clock.now += 5
    assert c.heartbeat("job", "w1", [t.lease_id]) == []  # renewed until now + 10
    clock.now += 9
    assert lease(c, "w2").retry_after_ms  # still held by w1
    clock.now += 2
    again = task_of(lease(c, "w2"))
    assert again.task_id == t.task_id and again.attempt == 1 and again.lease_id != t.lease_id
    assert c.heartbeat("job", "w1", [t.lease_id]) == [t.lease_id]
    # The slow first worker finishing first still counts once; the second is not accepted.
    assert c.complete("job", t.task_id, "w1", checksum=CK[0])[0]
    assert not c.complete("job", t.task_id, "w2", checksum=CK[0])[0]
    assert c.heartbeat("job", "w2", [again.lease_id]) == [again.lease_id]


def test_non_fatal_failure_retries_until_the_cap_then_fails_the_job(tmp_path: Path) -> None:
    c = make(tmp_path, Clock(), retries=2)
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    for attempt in range(2):
        t = task_of(lease(c))
        assert t.attempt == attempt
        assert not c.fail("job", t.task_id, "w1", "connection reset", fatal=False)
    t = task_of(lease(c))
    assert c.fail("job", t.task_id, "w1", "connection reset", fatal=False)
    out = lease(c)
    assert "failed 3 times" in out.failed and "db.t0.000.sql" in out.failed


def test_fatal_failure_fails_the_job_naming_table_and_file(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((2,)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    other = task_of(lease(c, "w2"))
    assert c.fail("job", t.task_id, "w1", "syntax error at offset 17", fatal=True)
    out = lease(c)
    assert "`db`.`t0`" in out.failed and "db.t0.000.sql" in out.failed
    assert "syntax error at offset 17" in out.failed
    assert c.heartbeat("job", "w2", [other.lease_id]) == [other.lease_id]
    status = c.status("job")
    assert status.state is JobState.FAILED and status.tables[0].state is TableState.FAILED


def test_finalize_checksum_mismatch_is_rejected_and_fails_table_and_job(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1, 1)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    c.complete("job", t.task_id, "w1", checksum=CK[0])
    fin = task_of(lease(c))
    assert fin.kind is TaskKind.FINALIZE  # ready finalizes come before further chunks
    accepted, error = c.complete("job", fin.task_id, "w1", remote=Checksum(0x1111, 10, 299))
    assert not accepted
    assert "`db`.`t0`" in error and "bytes=300" in error and "bytes=299" in error
    status = c.status("job")
    assert status.tables[0].state is TableState.FAILED
    assert status.tables[0].remote == Checksum(0x1111, 10, 299)
    assert status.state is JobState.FAILED and lease(c).failed == error


def test_only_a_failed_job_is_forgotten_and_the_forgetting_survives_a_restart(
    tmp_path: Path,
) -> None:
    clock = Clock()
    c = make(tmp_path, clock)
    c.register("job", plan((1,)), "w1")
    with pytest.raises(JobError, match="only a failed job"):
        c.forget("job", "w1")
    run_schema(c)
    t = task_of(lease(c))
    c.fail("job", t.task_id, "w1", "bad row at offset 5", fatal=True)
    assert "bad row at offset 5" in c.forget("job", "w1")
    with pytest.raises(JobNotFound):
        c.status("job")
    del c

    c2 = make(tmp_path, clock)
    with pytest.raises(JobNotFound):
        c2.status("job")
    # The same job id starts afresh: a new SCHEMA task, no failures carried over.
    assert c2.register("job", plan((1,)), "w2")[0]
    assert task_of(lease(c2, "w2")).kind is TaskKind.SCHEMA
    assert c2.status("job").state is JobState.RUNNING


def test_completion_without_required_checksum_is_invalid(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    with pytest.raises(InvalidRequest):
        c.complete("job", t.task_id, "w1")


def test_unknown_job_and_task_are_reported(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    with pytest.raises(JobNotFound):
        c.lease("nope", "w1")
    c.register("job", plan(), "w1")
    with pytest.raises(TaskNotFound):
        c.complete("job", "chunk/9/9", "w1")


def test_table_without_chunks_gets_a_finalize_right_after_schema(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((0,)), "w1")
    run_schema(c)
    fin = task_of(lease(c))
    assert fin.kind is TaskKind.FINALIZE and fin.expected == Checksum()


def test_restart_resumes_results_leases_and_counters(tmp_path: Path) -> None:
    clock = Clock()
    c = make(tmp_path, clock)
    c.register("job", plan((3,)), "w1")
    run_schema(c)
    a = task_of(lease(c))
    b = task_of(lease(c, "w2"))
    c.complete("job", a.task_id, "w1", checksum=CK[0], rows=10, max_row_id=(1 << 62))
    del c

    c2 = make(tmp_path, clock)
    assert not c2.register("job", plan((1,)), "w3")[0]
    status = c2.status("job").tables[0]
    assert status.chunks_done == 1 and status.chunks_running == 1 and status.checksum == CK[0]
    # w2's lease survived the restart and can be renewed.
    assert c2.heartbeat("job", "w2", [b.lease_id]) == []
    nxt = task_of(lease(c2, "w3"))
    assert nxt.task_id not in (a.task_id, b.task_id) and nxt.lease_id > b.lease_id
    assert not c2.complete("job", a.task_id, "w1", checksum=CK[0])[0]
    c2.complete("job", b.task_id, "w2", checksum=CK[1])
    c2.complete("job", nxt.task_id, "w3", checksum=CK[2])
    fin = task_of(lease(c2))
    assert fin.expected == CK[0].merge(CK[1]).merge(CK[2]) and fin.max_row_id == 1 << 62


def test_checksums_with_the_top_bit_set_survive_persistence(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    big = Checksum(0xFFFF_0000_1234_5678, 1, 2)
    c.complete("job", t.task_id, "w1", checksum=big)
    c2 = make(tmp_path, Clock())
    assert c2.status("job").tables[0].checksum == big


def test_status_states_progress_pending_writing_importing(tmp_path: Path) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1,)), "w1")
    assert c.status("job").tables[0].state is TableState.PENDING
    assert c.status("job").schema_state is TaskState.PENDING
    run_schema(c)
    t = task_of(lease(c))
    assert c.status("job").tables[0].state is TableState.WRITING
    c.complete("job", t.task_id, "w1", checksum=CK[0])
    assert c.status("job").tables[0].state is TableState.IMPORTING


def test_unverified_finalize_is_accepted_without_comparing_and_reported_imported(
    tmp_path: Path,
) -> None:
    c = make(tmp_path, Clock())
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    t = task_of(lease(c))
    c.complete("job", t.task_id, "w1", checksum=CK[0])
    fin = task_of(lease(c))
    assert c.complete("job", fin.task_id, "w1", unverified=True) == (True, "")
    status = c.status("job")
    assert status.tables[0].state is TableState.IMPORTED
    assert lease(c).done and c.status("job").state is JobState.DONE
    # The verdict survives a restart.
    assert make(tmp_path, Clock()).status("job").tables[0].state is TableState.IMPORTED


def test_table_times_span_first_lease_to_finalize_completion_and_persist(tmp_path: Path) -> None:
    clock = Clock()
    c = make(tmp_path, clock)
    c.register("job", plan((2,)), "w1")
    run_schema(c)
    assert c.status("job").tables[0].started == 0.0
    start = clock.now
    a = task_of(lease(c))
    clock.now += 5
    b = task_of(lease(c, "w2"))
    c.complete("job", a.task_id, "w1", checksum=CK[0])
    c.complete("job", b.task_id, "w2", checksum=CK[1])
    clock.now += 7
    fin = task_of(lease(c))
    assert c.status("job").tables[0].finished == 0.0
    clock.now += 3
    c.complete("job", fin.task_id, "w1", remote=CK[0].merge(CK[1]))
    summary = make(tmp_path, clock).status("job").tables[0]
    assert (summary.started, summary.finished) == (start, start + 15)


def test_meta_db_from_before_the_time_columns_is_upgraded(tmp_path: Path) -> None:
    meta = MetaDB(tmp_path)
    with meta.transaction() as cur:
        cur.execute(
            "CREATE TABLE tasks (job_id TEXT NOT NULL, seq INTEGER NOT NULL, task_id TEXT NOT NULL,"
            " kind INTEGER NOT NULL, table_index INTEGER NOT NULL, chunk_index INTEGER NOT NULL,"
            " state TEXT NOT NULL, worker TEXT NOT NULL, lease_id INTEGER NOT NULL,"
            " lease_expiry REAL NOT NULL, handouts INTEGER NOT NULL, failures INTEGER NOT NULL,"
            " last_error TEXT NOT NULL, has_result INTEGER NOT NULL, checksum INTEGER NOT NULL,"
            " kvs INTEGER NOT NULL, bytes INTEGER NOT NULL, rows INTEGER NOT NULL,"
            " source_bytes INTEGER NOT NULL, max_row_id INTEGER NOT NULL,"
            " has_remote INTEGER NOT NULL, remote_checksum INTEGER NOT NULL,"
            " remote_kvs INTEGER NOT NULL, remote_bytes INTEGER NOT NULL,"
            " PRIMARY KEY (job_id, task_id))"
        )
    c = Coordinator(JobStore(meta), lease_ttl_s=10, max_task_retries=1, clock=Clock())
    c.register("job", plan((1,)), "w1")
    run_schema(c)
    assert task_of(lease(c)).kind is TaskKind.CHUNK
