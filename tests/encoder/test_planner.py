"""Planning: the same dump gives the same plan and job id anywhere; a different dump, setting or
cluster gives another; chunks carry what a reader needs; engines follow batch-size; settings
round-trip and fix every per-chunk seed."""

from __future__ import annotations

import dataclasses
import json
import shutil
import uuid
from pathlib import Path

import pytest

from encoder.config import CheckMode
from encoder.engineid import INDEX_ENGINE_ID, engine_uuid, unique_table_name
from encoder.planner import PlannedJob, build_plan
from encoder.settings import JobSettings
from encoder.source import Chunk, CSVConfig, MydumperConfig, ScanError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def no_tables(db: str, table: str) -> int:
    raise AssertionError("schema files give the column counts")


def plan(root: Path, **mydumper: object) -> PlannedJob:
    cfg = MydumperConfig(data_source_dir=str(root), **mydumper)  # type: ignore[arg-type]
    return build_plan(cfg, JobSettings(), no_tables, target="cluster-1", now=lambda: 1e9)


def test_the_sample_dump_plans_every_table_with_reader_ready_chunks() -> None:
    job = plan(EXAMPLES)
    p = job.plan
    assert [(t.db, t.name, len(t.chunks)) for t in p.tables] == [
        ("shop", "customers", 1),
        ("shop", "orders", 2),
        ("shop", "page_views", 1),
        ("shop", "products", 1),
    ]
    assert job.column_counts == (8, 7, 5, 10)
    orders = p.tables[1]
    first, second = (Chunk.from_json(json.loads(c.source_json)) for c in orders.chunks)
    assert first.path == "shop.orders.00000.sql" and first.insert_table == "orders"
    # Row-ID ranges are laid end to end over the table's chunks.
    assert second.prev_rowid_max == first.rowid_max > first.prev_rowid_max == 0
    assert orders.total_bytes == sum(c.end_offset for c in orders.chunks)
    settings = JobSettings.loads(p.settings_json)
    assert settings.now == "2001-09-09T01:46:40+00:00"
    assert settings.seed == int(job.job_id[4:20], 16)


def test_the_job_id_is_the_same_for_a_copy_elsewhere_and_changes_with_content(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(EXAMPLES, copy)
    a = plan(EXAMPLES)
    b = plan(copy)
    assert a.job_id == b.job_id
    other_cluster = build_plan(
        MydumperConfig(data_source_dir=str(copy)), JobSettings(), no_tables, target="cluster-2"
    )
    assert other_cluster.job_id != a.job_id
    strict = build_plan(
        MydumperConfig(data_source_dir=str(copy)),
        JobSettings(checksum=CheckMode.OFF),
        no_tables,
        target="cluster-1",
    )
    assert strict.job_id != a.job_id
    data = copy / "shop.customers.00000.sql"
    text = data.read_bytes()
    data.write_bytes(text.replace(b"user1@example.org", b"user1@example.net"))  # same size
    assert plan(copy).job_id != a.job_id


def test_small_regions_and_batch_size_spread_chunks_over_data_engines() -> None:
    job = plan(EXAMPLES, max_region_size=8 << 10, batch_size=20 << 10)
    orders = job.plan.tables[1]
    assert len(orders.chunks) > 4
    engines = [c.engine_id for c in orders.chunks]
    assert engines == sorted(engines) and engines[0] == 0 and engines[-1] >= 2
    for c in orders.chunks:
        assert c.end_offset - c.offset <= 12 << 10


def test_a_missing_dump_directory_is_a_scan_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError):
        plan(tmp_path / "nope")


def test_settings_round_trip_and_seed_each_chunk_differently() -> None:
    s = JobSettings(
        row_format_version=1,
        new_collation=False,
        sql_mode="",
        time_zone="+08:00",
        now="2024-01-02T03:04:05+00:00",
        seed=99,
        checksum=CheckMode.OPTIONAL,
        analyze=CheckMode.OFF,
        csv=CSVConfig(separator="|", header=False),
    )
    assert JobSettings.loads(s.dumps()) == s
    assert s.chunk_seed("a.sql:0") == JobSettings.loads(s.dumps()).chunk_seed("a.sql:0")
    assert s.chunk_seed("a.sql:0") != s.chunk_seed("a.sql:100")
    assert s.identity() == dataclasses.replace(s, now="x", seed=1).identity()


def test_engine_uuids_are_lightnings_version_5_uuids_of_the_table_tag() -> None:
    import hashlib

    ns = uuid.UUID("d68d6abe-c59e-45d6-ade8-e2b0ceb7bedf")
    tag = "`db`.`t``x`:-1"
    digest = bytearray(hashlib.sha1(ns.bytes + tag.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    assert engine_uuid("db", "t`x", INDEX_ENGINE_ID) == uuid.UUID(bytes=bytes(digest))
    assert unique_table_name("db", "t`x") == "`db`.`t``x`"
    assert engine_uuid("db", "t", 0) != engine_uuid("db", "t", 1)
