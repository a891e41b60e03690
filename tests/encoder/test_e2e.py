"""End to end with real processes: the encoder program imports dumps through an importer
process into the playground, and what TiDB reads back is what the dump holds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.dumpgen import mixed_dump, sbtest_dump
from tests.support.e2e import Stack, summary_lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack.start(tmp_path_factory.mktemp("stack"))
    yield s
    s.stop()


def test_sample_dump_imports_verified_and_reads_back(stack: Stack) -> None:
    result = stack.run_encoder(EXAMPLES, "--workers", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = summary_lines(result.stdout)
    assert set(lines) == {
        "`shop`.`customers`",
        "`shop`.`orders`",
        "`shop`.`page_views`",
        "`shop`.`products`",
    }
    assert all("verified 0x" in line for line in lines.values()), result.stdout
    assert "4/4 verified, job done" in result.stdout
    counts = {
        t: stack.query(f"SELECT COUNT(*) FROM shop.{t}")[0][0]
        for t in ("customers", "orders", "page_views", "products")
    }
    assert counts == {"customers": 300, "orders": 800, "page_views": 1000, "products": 118}
    assert stack.query("SELECT id, email, balance FROM shop.customers WHERE id = 1") == [
        (1, "user1@example.org", Decimal("57973.62"))
    ]
    # The table without a primary key continues its row ids after the imported ones.
    auto = dict(
        (name, value)
        for value, name in stack.query(
            "SELECT AUTO_INCREMENT, TABLE_NAME FROM information_schema.tables"
            " WHERE TABLE_SCHEMA = 'shop'"
        )
    )
    assert auto["page_views"] > 1000 and auto["customers"] >= 301


def test_rerun_of_a_finished_job_reports_it_without_importing_again(stack: Stack) -> None:
    first = stack.run_encoder(EXAMPLES, "--workers", "1")
    assert first.returncode == 0, first.stderr[-3000:]
    again = stack.run_encoder(EXAMPLES, "--workers", "1")
    assert again.returncode == 0, again.stderr[-3000:]
    assert summary_lines(again.stdout) == summary_lines(first.stdout)
    assert stack.query("SELECT COUNT(*) FROM shop.orders")[0][0] == 800


def test_generated_dump_with_many_chunks_and_worker_processes(stack: Stack, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    sbtest_dump(dump, db="gen", tables=2, rows=3000, files=2)
    mixed_dump(dump, db="gen", rows=800)
    cfg = tmp_path / "small-chunks.toml"
    cfg.write_text('[mydumper]\nmax-region-size = "40KiB"\n')
    result = stack.run_encoder(dump, "--workers", "2", "--config", str(cfg))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = summary_lines(result.stdout)
    assert set(lines) == {"`gen`.`sbtest1`", "`gen`.`sbtest2`", "`gen`.`types`"}
    assert all("verified" in line for line in lines.values())
    assert stack.query("SELECT COUNT(*), SUM(k) > 0 FROM gen.sbtest2") == [(3000, 1)]
    assert stack.query("SELECT COUNT(*) FROM gen.types")[0][0] == 800


def test_check_only_reports_every_check_and_writes_nothing(stack: Stack, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    shutil.copytree(EXAMPLES, dump)
    for f in dump.glob("shop*"):
        f.rename(f.with_name(f.name.replace("shop", "checkonly", 1)))
    for f in dump.glob("*-schema-create.sql"):
        f.write_text(f.read_text().replace("`shop`", "`checkonly`"))
    result = stack.run_encoder(dump, "--check-only")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    for name in (
        "TiDB reachable",
        "PD reachable",
        "importer reachable",
        "dump layout",
        "target tables",
        "importer disk space",
        "dump parses",
    ):
        assert f"[ok  ] {name}" in result.stdout
    assert stack.query("SHOW DATABASES LIKE 'checkonly'") == []
