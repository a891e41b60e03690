"""The FINALIZE task of one table: close and import its engines, rebase its allocators, verify
its checksum against ``ADMIN CHECKSUM TABLE``, ANALYZE, and clean the engines up.

Order (Lightning's): close + import every data engine, then the index engine (import is
idempotent: a finalize repeated after a crash imports again); rebase AUTO_RANDOM_BASE /
AUTO_INCREMENT past ``Task.max_row_id``; checksum; analyze. The coordinator compares the
remote checksum with the sum of the chunk checksums (``post-restore.checksum = "required"``):
a mismatch fails the job naming the table and both checksums. With ``"optional"`` a mismatch
is logged and the table is completed as unverified; ``"off"`` skips the comparison. Engines
are cleaned up only after the completion was accepted.

Public API: ``FinalizeOutcome``, ``run_finalize``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import structlog

from encoder.config import CheckMode
from encoder.context import WorkerContext
from encoder.coordclient import describe_checksum
from encoder.engineid import INDEX_ENGINE_ID, engine_uuid, unique_table_name
from encoder.errors import ChecksumMismatch, EngineMissing, JobFailed, RemoteError
from encoder.leases import Lease
from encoder.retry import OUTAGE_LIMIT_S, retry
from tidbkv import mysqltypes as m
from tidbkv.checksum import KVChecksum
from tidbkv.schema import TableInfo

log = structlog.get_logger("encoder.finalize")

# An import of a big engine can take hours: wait for it (and retry it) this long at most.
IMPORT_LIMIT_S = 24 * 3600.0


@dataclass(frozen=True)
class FinalizeOutcome:
    remote: KVChecksum | None
    verified: bool


def _rebase(ctx: WorkerContext, db: str, name: str, info: TableInfo, max_id: int) -> None:
    if max_id <= 0:
        return
    if info.pk_is_handle and info.auto_random_bits > 0:
        retry(lambda: ctx.tidb.rebase_auto_random(db, name, max_id + 1), what="rebase auto_random")
        log.info("auto_random rebased", table=unique_table_name(db, name), base=max_id + 1)
        return
    auto_inc = any(c.field_type.flag & m.AUTO_INCREMENT_FLAG for c in info.columns)
    if info.has_implicit_row_id or auto_inc:
        retry(
            lambda: ctx.tidb.rebase_auto_increment(db, name, max_id + 1),
            what="rebase auto_increment",
        )
        log.info("auto_increment rebased", table=unique_table_name(db, name), base=max_id + 1)


def run_finalize(ctx: WorkerContext, lease: Lease) -> FinalizeOutcome:
    task = lease.task
    tp = ctx.plan.tables[task.table_index]
    name = unique_table_name(tp.db, tp.name)
    started = time.monotonic()
    engines = [engine_uuid(tp.db, tp.name, i) for i in (*task.engine_ids, INDEX_ENGINE_ID)]
    for uid in engines:
        retry(partial(ctx.kv.close, uid), what="close engine", check=lease.check)
    for uid in engines:
        t0 = time.monotonic()
        try:
            retry(
                partial(ctx.kv.import_, uid, ctx.pd_addr),
                what="import engine",
                check=lease.check,
                limit_s=IMPORT_LIMIT_S,
            )
        except EngineMissing:
            log.info("engine absent, nothing to import", table=name, uuid=str(uid))
            continue
        log.info(
            "engine imported", table=name, uuid=str(uid), elapsed=round(time.monotonic() - t0, 3)
        )
    info = ctx.table_info(tp.db, tp.name)
    _rebase(ctx, tp.db, tp.name, info, task.max_row_id)

    settings = ctx.settings
    expected = task.expected_checksum
    remote: KVChecksum | None = None
    verified = False
    if settings.checksum is not CheckMode.OFF:
        lease.check()
        t0 = time.monotonic()
        remote = retry(
            lambda: ctx.tidb.checksum_table(tp.db, tp.name),
            what="checksum table",
            limit_s=OUTAGE_LIMIT_S,
        )
        log.info(
            "table checksummed",
            table=name,
            local=describe_checksum(expected),
            remote=describe_checksum(remote),
            elapsed=round(time.monotonic() - t0, 3),
        )
        same = (remote.checksum, remote.kvs, remote.bytes) == (
            expected.checksum,
            expected.kvs,
            expected.bytes,
        )
        verified = same
        if not same and settings.checksum is CheckMode.OPTIONAL:
            log.warning(
                "checksum mismatch ignored",
                table=name,
                local=describe_checksum(expected),
                remote=describe_checksum(remote),
            )
    if settings.analyze is not CheckMode.OFF and (
        verified or settings.checksum is not CheckMode.REQUIRED
    ):
        try:
            retry(lambda: ctx.tidb.analyze(tp.db, tp.name), what="analyze table")
        except RemoteError as exc:
            if settings.analyze is CheckMode.REQUIRED:
                raise
            log.warning("analyze failed", table=name, error=str(exc))
    unverified = not verified
    if settings.checksum is CheckMode.REQUIRED:
        unverified = False
    accepted, error = retry(
        lambda: ctx.coord.complete_finalize(task, remote, unverified), what="complete task"
    )
    if error:
        if remote is not None and not verified:
            raise ChecksumMismatch(name, describe_checksum(expected), describe_checksum(remote))
        raise JobFailed(ctx.job_id, error)
    if accepted:
        for uid in engines:
            try:
                retry(partial(ctx.kv.cleanup, uid), what="clean up engine", limit_s=60.0)
            except RemoteError as exc:
                log.warning("engine cleanup failed", uuid=str(uid), error=str(exc))
    log.info(
        "table finalized",
        table=name,
        verified=verified,
        elapsed=round(time.monotonic() - started, 3),
    )
    return FinalizeOutcome(remote, verified)
