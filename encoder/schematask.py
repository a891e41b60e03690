"""The SCHEMA task: create the dump's databases and tables on TiDB, clear stale engines.

Runs every statement of each ``{db}-schema-create.sql`` and ``{db}.{table}-schema.sql`` file
(or the plan's generated ``CREATE`` text) over SQL; "already exists" is fine, so a re-run after
a crash, or tables the user created beforehand, are accepted (the precheck made sure they are
empty). Then it deletes any engine of the plan's tables left in the importer by an earlier,
failed job, so nothing stale is imported with this one: no chunk has run yet, because the
coordinator hands out nothing else before this task completes.

Public API: ``run_schema``, ``plan_engines``.
"""

from __future__ import annotations

import time
import uuid as uuidlib
from functools import partial

import structlog

from encoder.context import WorkerContext
from encoder.engineid import INDEX_ENGINE_ID, engine_uuid
from encoder.leases import Lease
from encoder.retry import retry
from encoder.source import ScanError
from encoder.tidbsql import split_statements
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("encoder.schema")


def plan_engines(table: cpb.TablePlan) -> list[uuidlib.UUID]:
    """Every engine a table of the plan writes: its data engines, then the index engine."""
    ids = sorted({c.engine_id for c in table.chunks})
    return [engine_uuid(table.db, table.name, i) for i in (*ids, INDEX_ENGINE_ID)]


def _statements(ctx: WorkerContext, schema_file: str, schema_sql: str) -> list[str]:
    if schema_sql:
        return split_statements(schema_sql)
    if not schema_file:
        return []
    try:
        text = (ctx.root / schema_file).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise ScanError(schema_file, f"cannot read: {exc.strerror}") from exc
    return split_statements(text)


def run_schema(ctx: WorkerContext, lease: Lease) -> None:
    started = time.monotonic()
    tidb = ctx.tidb
    for db in ctx.plan.databases:
        stmts = _statements(ctx, db.schema_file, db.schema_sql)
        retry(partial(tidb.run_statements, stmts), what="create database", check=lease.check)
    for table in ctx.plan.tables:
        stmts = _statements(ctx, table.schema_file, table.schema_sql)
        if stmts:
            retry(
                partial(tidb.run_statements, stmts, table.db),
                what="create table",
                check=lease.check,
            )
            log.info("table created", table=f"`{table.db}`.`{table.name}`")
    for table in ctx.plan.tables:
        for uid in plan_engines(table):
            lease.check()
            retry(partial(ctx.kv.cleanup, uid), what="clean up engine", check=lease.check)
    log.info(
        "schema created",
        databases=len(ctx.plan.databases),
        tables=len(ctx.plan.tables),
        elapsed=round(time.monotonic() - started, 3),
    )
