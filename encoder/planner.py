"""Planning a job: scan the dump, cut every table into chunks, assign engines, derive the job id.

Deterministic: the same dump, settings and target cluster give the same plan and the same job
id on every machine, so encoders started anywhere join one job. The id hashes the plan (files,
sizes, chunk ranges, row-ID ranges, engines), the first bytes of every file (to tell apart two
dumps of equal sizes), the settings that change the encoded bytes, and a ``target`` string
(the cluster id), so a fresh cluster gets a fresh job.

Data engines (Lightning's ``batch-size``): a table's chunks go to engine 0 until their bytes
reach ``mydumper.batch-size``, then to engine 1, and so on; index KVs go to engine -1.

Public API: ``PlannedJob``, ``ColumnCounter``, ``build_plan``, ``table_plans``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import structlog

from encoder.settings import JobSettings
from encoder.source import (
    Chunk,
    FileIssue,
    MydumperConfig,
    ScanError,
    count_columns,
    is_ticdc_output,
    plan_chunks,
    scan_dump,
    scan_ticdc,
)
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("encoder.planner")

# Bytes of every file's beginning that go into the job id.
FINGERPRINT_BYTES = 4096

# (db, table) -> number of columns of an existing target table (``no-schema`` dumps).
ColumnCounter = Callable[[str, str], int]


@dataclass(frozen=True)
class PlannedJob:
    """A plan ready to register: its id, the protobuf plan and what the scan refused."""

    job_id: str
    plan: cpb.JobPlan
    problems: tuple[FileIssue, ...]
    skipped: tuple[FileIssue, ...]
    views: tuple[str, ...]
    # Column count of each table of ``plan.tables`` (from its schema), in the same order.
    column_counts: tuple[int, ...]

    @property
    def total_bytes(self) -> int:
        return sum(t.total_bytes for t in self.plan.tables)


def _schema_columns(root: Path, path: str) -> int:
    try:
        text = (root / path).read_bytes()
    except OSError as exc:
        raise ScanError(path, f"cannot read: {exc.strerror}") from exc
    return count_columns(text, path)


def _chunk_pb(chunk: Chunk, engine_id: int) -> cpb.ChunkPlan:
    return cpb.ChunkPlan(
        path=chunk.path,
        offset=chunk.offset,
        end_offset=chunk.end_offset,
        prev_rowid_max=chunk.prev_rowid_max,
        rowid_max=chunk.rowid_max,
        engine_id=engine_id,
        file_type=chunk.file_type.value,
        compression=chunk.compression.value,
        file_size=chunk.file_size,
        columns=list(chunk.columns or ()),
        source_json=json.dumps(chunk.to_json(), sort_keys=True),
    )


def _assign_engines(chunks: list[Chunk], batch_size: int) -> Iterator[tuple[Chunk, int]]:
    engine = 0
    size = 0
    for chunk in chunks:
        if size >= batch_size:
            engine += 1
            size = 0
        span = chunk.end_offset - chunk.offset if chunk.end_offset < (1 << 62) else chunk.file_size
        size += span
        yield chunk, engine


@dataclass(frozen=True)
class _Scanned:
    plan: cpb.JobPlan
    problems: tuple[FileIssue, ...]
    skipped: tuple[FileIssue, ...]
    views: tuple[str, ...]
    column_counts: tuple[int, ...]


def table_plans(root: Path, cfg: MydumperConfig, columns_of: ColumnCounter) -> _Scanned:
    """The plan (without settings), problems, skipped files, views and column counts of the
    dump under ``root``."""
    plan = cpb.JobPlan(source_dir=str(root))
    counts: list[int] = []
    if is_ticdc_output(root):
        cdc = scan_ticdc(root, cfg)
        for db_name in sorted({t.db for t in cdc.tables}):
            plan.databases.add(
                name=db_name, schema_sql=f"CREATE DATABASE IF NOT EXISTS `{db_name}`"
            )
        for t in cdc.tables:
            tp = plan.tables.add(
                db=t.db, name=t.name, schema_sql=t.create_table_sql(), total_bytes=t.total_size
            )
            tp.chunks.append(_chunk_pb(t.chunk(), 0))
            counts.append(len(t.definition.columns))
        return _Scanned(plan, cdc.problems, cdc.skipped, (), tuple(counts))
    layout = scan_dump(root, cfg)
    for db in layout.databases:
        plan.databases.add(
            name=db.name, schema_file=db.schema_file.path if db.schema_file is not None else ""
        )
    for table in layout.tables():
        if table.schema_file is not None:
            ncols = _schema_columns(root, table.schema_file.path)
        else:
            ncols = columns_of(table.db, table.name)
        counts.append(ncols)
        chunks = plan_chunks(root, table, ncols, cfg)
        tp = plan.tables.add(
            db=table.db,
            name=table.name,
            schema_file=table.schema_file.path if table.schema_file is not None else "",
            total_bytes=table.total_size,
        )
        for chunk, engine in _assign_engines(chunks, cfg.batch_size):
            tp.chunks.append(_chunk_pb(chunk, engine))
    views = tuple(f"`{v.db}`.`{v.name}`" for v in layout.views())
    return _Scanned(plan, layout.problems, layout.skipped, views, tuple(counts))


def _fingerprint(root: Path, plan: cpb.JobPlan) -> bytes:
    h = hashlib.sha256()
    paths = sorted(
        {c.path for t in plan.tables for c in t.chunks if c.file_type != "ticdc"}
        | {t.schema_file for t in plan.tables if t.schema_file}
        | {d.schema_file for d in plan.databases if d.schema_file}
    )
    for path in paths:
        h.update(path.encode() + b"\0")
        try:
            with open(root / path, "rb") as f:
                h.update(f.read(FINGERPRINT_BYTES))
        except OSError as exc:
            raise ScanError(path, f"cannot read: {exc.strerror}") from exc
    return h.digest()


def build_plan(
    cfg: MydumperConfig,
    settings: JobSettings,
    columns_of: ColumnCounter,
    target: str,
    now: Callable[[], float] = time.time,
) -> PlannedJob:
    """Scan and chunk the dump at ``cfg.data_source_dir`` into a plan for ``target``.

    ``settings.now`` and ``settings.seed`` are filled here (the registration time and a seed
    derived from the job id); they only matter if this encoder creates the job.
    """
    started = time.monotonic()
    root = Path(cfg.data_source_dir)
    if not root.is_dir():
        raise ScanError(str(root), "not a directory")
    scanned = table_plans(root, cfg, columns_of)
    plan = scanned.plan
    # source_dir differs between machines mounting the same dump: not part of the identity.
    identity = cpb.JobPlan()
    identity.CopyFrom(plan)
    identity.source_dir = ""
    h = hashlib.sha256()
    h.update(target.encode() + b"\0")
    h.update(settings.identity().encode() + b"\0")
    h.update(identity.SerializeToString(deterministic=True))
    h.update(_fingerprint(root, plan))
    job_id = "job-" + h.hexdigest()[:32]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(int(now())))
    final = replace(settings, now=stamp, seed=int(job_id[4:20], 16))
    plan.settings_json = final.dumps()
    log.info(
        "job planned",
        job_id=job_id,
        tables=len(plan.tables),
        chunks=sum(len(t.chunks) for t in plan.tables),
        bytes=sum(t.total_bytes for t in plan.tables),
        elapsed=round(time.monotonic() - started, 3),
    )
    return PlannedJob(
        job_id, plan, scanned.problems, scanned.skipped, scanned.views, scanned.column_counts
    )
