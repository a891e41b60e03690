"""The user's whole job, coordinated: check, plan, register or join, run workers, summarize.

    prechecks (TiDB, PD, importer reachable)  ->  target settings (row format, collation, tz)
    -> plan (scan + chunk, deterministic job id)  ->  prechecks (layout, empty targets, disk,
    first rows; ``--check-only`` stops here)  ->  RegisterJob (create or join)
    -> N workers lease and run tasks  ->  progress  ->  summary from the job status, exit code

This module only sequences; talking to TiDB, PD and the importer lives in the client modules,
the work itself in the task modules.

Public API: ``run_job``, ``target_settings``, ``resolve_pd``, ``DEFAULT_PD_ADDR``.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TextIO

import structlog

from encoder.config import EncoderConfig
from encoder.coordclient import CoordinatorClient
from encoder.errors import EncoderError, RemoteError
from encoder.events import TaskError, WorkerExited
from encoder.importerlink import open_channel
from encoder.kvclient import ImportKVClient
from encoder.logsetup import LogSettings
from encoder.pdclient import first_pd_addr, pd_cluster_id
from encoder.planner import build_plan
from encoder.pool import WorkerPool, WorkerSpec
from encoder.precheck import (
    Check,
    PrecheckReport,
    check_call,
    check_disk,
    check_first_rows,
    check_layout,
    check_targets,
)
from encoder.progress import ProgressView
from encoder.retry import retry
from encoder.schematask import plan_engines
from encoder.settings import JobSettings
from encoder.source import SourceError
from encoder.summary import EXIT_FAILED, EXIT_OK, summarize
from encoder.tidbsql import TidbSQL
from encoder.tidbstatus import TidbStatus
from protos import coordinator_pb2 as cpb
from tidbkv import mysqltypes as m

log = structlog.get_logger("encoder.job")

DEFAULT_PD_ADDR = "127.0.0.1:2379"
# How often the parent asks the coordinator for the job-wide status.
STATUS_POLL_S = 1.0


def resolve_pd(cfg: EncoderConfig, status: TidbStatus, tidb_up: bool) -> str:
    """``[tidb] pd-addr`` / ``--pd``, else the first PD TiDB's ``/settings`` names, else the
    playground's default."""
    if cfg.tidb.pd_addr:
        return first_pd_addr(cfg.tidb.pd_addr)
    if tidb_up:
        try:
            addrs = status.pd_addrs()
        except EncoderError:
            addrs = []
        if addrs:
            return first_pd_addr(addrs[0])
    return DEFAULT_PD_ADDR


def target_settings(cfg: EncoderConfig, tidb: TidbSQL) -> JobSettings:
    """The settings the target imposes on encoding (Lightning reads the same variables)."""
    version = tidb.variable("tidb_row_format_version") or "1"
    tz = tidb.variable("time_zone") or "SYSTEM"
    if tz.upper() == "SYSTEM":
        tz = tidb.variable("system_time_zone") or "UTC"
    return JobSettings(
        row_format_version=2 if version.strip() == "2" else 1,
        new_collation=tidb.new_collation_enabled(),
        sql_mode=cfg.tidb.sql_mode,
        time_zone=tz,
        checksum=cfg.post_restore.checksum,
        analyze=cfg.post_restore.analyze,
        read_block_size=cfg.mydumper.read_block_size,
        csv=cfg.mydumper.csv,
        ticdc=cfg.ticdc,
    )


def _visible_column_count(status: TidbStatus, db: str, table: str) -> int:
    info = status.table_info(db, table)
    return sum(1 for c in info.columns if c.state == m.STATE_PUBLIC and not c.hidden)


def run_job(
    cfg: EncoderConfig,
    *,
    check_only: bool = False,
    forget_failed: bool = False,
    log_settings: LogSettings | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Runs (or with ``check_only`` only checks) the import; returns the exit code.

    A job that failed earlier never resumes; with ``forget_failed`` its engines are deleted
    and the importer forgets it, so that this run imports the dump from scratch.
    """
    started = time.monotonic()
    tidb = TidbSQL(cfg.tidb.host, cfg.tidb.port, cfg.tidb.user, cfg.tidb.password)
    status_api = TidbStatus(cfg.tidb.status_addr)
    report = PrecheckReport()

    def tidb_up() -> str:
        version = tidb.version()
        status_api.status()
        return f"{version} at {cfg.tidb.sql_addr}, status API at {cfg.tidb.status_addr}"

    tidb_ok = report.add(check_call("TiDB reachable", tidb_up)).ok
    pd_addr = resolve_pd(cfg, status_api, tidb_ok)
    cluster: list[int] = []

    def pd_up() -> str:
        cluster.append(pd_cluster_id(pd_addr))
        return f"cluster {cluster[0]} at {pd_addr}"

    report.add(check_call("PD reachable", pd_up))
    channel = open_channel(cfg.importer.addr)
    kv = ImportKVClient(channel)
    report.add(
        check_call(
            "importer reachable",
            lambda: f"version {kv.version(timeout=10)} at {cfg.importer.addr}",
        )
    )
    try:
        if not report.ok:
            return _stop(report, check_only, out, err)
        try:
            settings = target_settings(cfg, tidb)
            planned = build_plan(
                cfg.mydumper,
                settings,
                lambda db, t: _visible_column_count(status_api, db, t),
                target=f"pd-cluster-{cluster[0]}",
            )
        except (SourceError, EncoderError) as exc:
            report.add(Check("dump layout", False, str(exc)))
            return _stop(report, check_only, out, err)
        host = socket.gethostname()
        coord = CoordinatorClient(channel, planned.job_id, f"{host}/{os.getpid()}/main")
        existing = retry(coord.status, what="job status")
        if existing is not None and existing.state == "failed":
            report.add(
                _earlier_failure(kv, coord, planned.plan, existing, forget_failed, check_only)
            )
            if forget_failed and not check_only:
                existing = None
        resuming = existing is not None
        report.add(check_layout(planned))
        if cfg.lightning.check_requirements:
            if resuming:
                report.add(Check("target tables", True, f"resuming job {planned.job_id}"))
            else:
                targets = _guard("target tables", lambda: check_targets(tidb, planned))
                if not targets.ok and retry(coord.status, what="job status") is not None:
                    # Another encoder created the job meanwhile and is filling the tables.
                    targets = Check("target tables", True, f"joining job {planned.job_id}")
                report.add(targets)
                report.add(_guard("importer disk space", lambda: check_disk(coord, planned)))
            root = planned.plan.source_dir
            report.add(
                _guard(
                    "dump parses",
                    lambda: check_first_rows(
                        Path(root), planned, JobSettings.loads(planned.plan.settings_json)
                    ),
                )
            )
        if check_only or not report.ok:
            return _stop(report, check_only, out, err)
        created, plan = retry(lambda: coord.register(planned.plan), what="register job")
        log.info(
            "job created" if created else "job joined",
            job_id=planned.job_id,
            tables=len(plan.tables),
            chunks=sum(len(t.chunks) for t in plan.tables),
            bytes=planned.total_bytes,
        )
        spec = WorkerSpec(
            cfg, planned.job_id, plan.SerializeToString(), pd_addr, log_settings or LogSettings()
        )
        pool = WorkerPool(spec, cfg.lightning.workers)
        view = ProgressView(plan, err, tty=err.isatty(), log_interval=cfg.cron.log_progress)
        crashes = _drive(pool, coord, view)
        final = retry(coord.status, what="job status")
        view.close()
        if final is None:
            err.write(f"encoder: job {planned.job_id} vanished from the importer\n")
            return EXIT_FAILED
        summary = summarize(final, time.monotonic() - started)
        out.write(summary.render() + "\n")
        out.flush()
        if final.state == "failed":
            _cleanup_failed(kv, plan, final)
            err.write(f"encoder: import failed: {final.error}\n")
        elif final.state != "done":
            reason = "; ".join(crashes) or "workers stopped before the job finished"
            err.write(f"encoder: import incomplete: {reason}\n")
        return summary.exit_code
    finally:
        tidb.close()
        channel.close()


def _drive(pool: WorkerPool, coord: CoordinatorClient, view: ProgressView) -> list[str]:
    """Runs the workers to the end, feeding the progress view; returns worker crash reasons."""
    crashes: list[str] = []
    pool.start()
    last_poll = 0.0
    try:
        while True:
            event = pool.next_event(timeout=0.2)
            while event is not None:
                view.on_event(event)
                if isinstance(event, WorkerExited) and event.outcome == "crashed":
                    crashes.append(f"worker {event.worker_id} crashed: {event.message}")
                elif isinstance(event, TaskError) and not event.fatal:
                    log.warning("task will be retried", task=event.task_id, error=event.message)
                event = pool.next_event(timeout=0)
            now = time.monotonic()
            if now - last_poll >= STATUS_POLL_S:
                last_poll = now
                try:
                    status = coord.status()
                    if status is not None:
                        view.on_status(status)
                except RemoteError as exc:
                    log.info("job status unavailable", error=str(exc))
            view.tick()
            if not pool.alive():
                event = pool.next_event(timeout=0.2)
                if event is None:
                    break
                view.on_event(event)
    finally:
        pool.terminate()
    return crashes


def _earlier_failure(
    kv: ImportKVClient,
    coord: CoordinatorClient,
    plan: cpb.JobPlan,
    status: cpb.GetJobStatusResponse,
    forget: bool,
    check_only: bool,
) -> Check:
    """The precheck line for a job of this dump that failed earlier (forgetting it if asked)."""
    job_id = status.job_id
    if not forget:
        return Check(
            "earlier run",
            False,
            f"job {job_id} failed: {status.error}; a failed job does not resume: fix the cause,"
            " then run again with --forget-failed to import this dump from scratch",
        )
    if check_only:
        return Check(
            "earlier run",
            True,
            f"job {job_id} failed: {status.error}; it will be forgotten when run without"
            " --check-only",
        )
    _cleanup_failed(kv, plan, None)
    retry(coord.forget, what="forget job")
    log.warning("failed job forgotten", job_id=job_id, error=status.error)
    return Check("earlier run", True, f"job {job_id} had failed ({status.error}); forgotten")


def _cleanup_failed(
    kv: ImportKVClient, plan: cpb.JobPlan, status: cpb.GetJobStatusResponse | None
) -> None:
    """Deletes the engines of a failed job's unfinished tables (all tables without ``status``):
    a failed job never resumes (fixing the dump makes a new job), and open engines count
    against the importer's ``max-open-engines``. Best effort; the next job's SCHEMA task
    cleans up again."""
    finished = (
        set()
        if status is None
        else {(t.db, t.name) for t in status.tables if t.state in ("verified", "imported")}
    )
    for table in plan.tables:
        if (table.db, table.name) in finished:
            continue
        for uid in plan_engines(table):
            try:
                retry(partial(kv.cleanup, uid), what="clean up engine", limit_s=30.0)
            except RemoteError as exc:
                log.warning("engine cleanup failed", uuid=str(uid), error=str(exc))


def _guard(name: str, fn: Callable[[], Check]) -> Check:
    try:
        return fn()
    except EncoderError as exc:
        return Check(name, False, str(exc))


def _stop(report: PrecheckReport, check_only: bool, out: TextIO, err: TextIO) -> int:
    if check_only:
        out.write(report.render() + "\n")
        return EXIT_OK if report.ok else EXIT_FAILED
    err.write(report.render() + "\n")
    err.write("encoder: precheck failed, nothing was imported\n")
    return EXIT_FAILED
