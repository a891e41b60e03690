"""The summary table and exit code (0 only when every table verified), and the progress view
(job-wide figures plus this encoder's chunks in flight; a bar on a terminal)."""

from __future__ import annotations

import io

from encoder.events import Progress, TaskError, TaskFinished
from encoder.progress import ProgressView
from encoder.summary import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNVERIFIED,
    human_bytes,
    human_seconds,
    summarize,
)
from protos import coordinator_pb2 as cpb


def ck(c: int, kvs: int, nbytes: int) -> cpb.KVChecksum:
    return cpb.KVChecksum(checksum=c, kvs=kvs, bytes=nbytes)


def status(
    *tables: tuple[str, str, cpb.KVChecksum | None], state: str = "done"
) -> cpb.GetJobStatusResponse:
    resp = cpb.GetJobStatusResponse(job_id="j", state=state)
    for i, (name, tstate, remote) in enumerate(tables):
        t = resp.tables.add(
            db="db",
            name=name,
            state=tstate,
            rows=100 * (i + 1),
            source_bytes=2_500_000,
            total_source_bytes=2_500_000,
            started_at=1000.0 + i,
            finished_at=1010.0 + i * 5,
        )
        t.checksum.CopyFrom(ck(0xABC, 300, 9000))
        if remote is not None:
            t.remote_checksum.CopyFrom(remote)
    return resp


def test_all_verified_exits_0_with_one_line_per_table() -> None:
    s = summarize(
        status(("a", "verified", ck(0xABC, 300, 9000)), ("b", "verified", ck(0xABC, 300, 9000))),
        3.0,
    )
    assert s.exit_code == EXIT_OK and s.all_verified
    text = s.render()
    lines = text.splitlines()
    assert lines[0].split() == ["table", "rows", "KVs", "bytes", "time", "checksum"]
    assert lines[1].startswith("`db`.`a`") and "100" in lines[1] and "2.5 MB" in lines[1]
    assert "verified 0x0000000000000abc" in lines[2] and "14.0s" in lines[2]
    # The job's time is its span: first lease to last finalize.
    assert "in 15.0s" in lines[3] and "2/2 verified, job done" in lines[3]


def test_a_mismatch_names_both_checksums_and_fails() -> None:
    s = summarize(
        status(
            ("a", "verified", ck(0xABC, 300, 9000)),
            ("b", "failed", ck(0xABD, 299, 8990)),
            state="failed",
        ),
        3.0,
    )
    assert s.exit_code == EXIT_FAILED and not s.all_verified
    line = s.render().splitlines()[2]
    assert "MISMATCH: local (checksum=0x0000000000000abc, kvs=300, bytes=9000)" in line
    assert "remote (checksum=0x0000000000000abd, kvs=299, bytes=8990)" in line


def test_unverified_tables_exit_3_and_unfinished_ones_fail() -> None:
    s = summarize(status(("a", "imported", None)), 1.0)
    assert s.exit_code == EXIT_UNVERIFIED and "not verified (checksum off)" in s.render()
    s = summarize(status(("a", "imported", ck(1, 2, 3))), 1.0)
    assert "not verified, mismatch" in s.render()
    s = summarize(status(("a", "writing", None), state="running"), 1.0)
    assert s.exit_code == EXIT_FAILED and "not imported (writing)" in s.render()


def test_human_units() -> None:
    assert [human_bytes(n) for n in (12, 12_345, 1_060_000_000)] == ["12 B", "12.3 kB", "1.1 GB"]
    assert [human_seconds(s) for s in (0.5, 75, 7300)] == ["0.5s", "1m15s", "2h01m"]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def plan(total: int) -> cpb.JobPlan:
    p = cpb.JobPlan()
    p.tables.add(db="db", name="a", total_bytes=total // 2)
    p.tables.add(db="db", name="b", total_bytes=total - total // 2)
    return p


def test_progress_adds_chunks_in_flight_to_the_jobs_figures_and_draws_a_bar() -> None:
    clock = Clock()
    out = io.StringIO()
    view = ProgressView(plan(10_000_000), out, tty=True, log_interval=60, clock=clock)
    view.on_status(status(("a", "writing", None), state="running"))  # 2.5 MB done already
    view.on_event(Progress("chunk/0/1", 0, 400, 1_000_000, 800))
    view.on_event(Progress("chunk/1/0", 1, 100, 500_000, 200))
    clock.now += 2
    assert view.bytes == 4_000_000 and view.rows == 600
    assert view.rate() == 750_000.0  # only what this run did, per second
    view.tick()
    line = out.getvalue()
    assert line.startswith("\r[") and " 40.0%" in line and "rows 600" in line
    assert "0.8 MB/s" in line and "ETA 8.0s" in line and "tables 0/2" in line
    view.on_event(TaskFinished("chunk", 1, "chunk/1/0", 1.0))
    view.on_event(TaskError("chunk/0/1", "bad row", fatal=True))
    assert view.bytes == 2_500_000 and view.errors == ["bad row"]
    view.close()
    assert out.getvalue().endswith("\n")


def test_without_a_terminal_progress_is_logged_not_drawn() -> None:
    clock = Clock()
    out = io.StringIO()
    view = ProgressView(plan(1000), out, tty=False, log_interval=5, clock=clock)
    view.tick()
    clock.now += 6
    view.tick()
    view.close()
    assert out.getvalue() == ""
