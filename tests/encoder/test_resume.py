"""Many encoders and crashes: two encoders on one job, ``kill -9`` of an encoder mid-chunk and
of the importer mid-import — every run ends with the same stores and checksums as one
uninterrupted encoder: nothing lost, nothing doubled."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.dumpgen import mixed_dump, sbtest_dump
from tests.support.e2e import Stack, summary_lines, table_store
from tests.support.importer_process import ImporterProcess

TABLES = (("gen", "sbtest1"), ("gen", "sbtest2"), ("gen", "types"))
SMALL_CHUNKS = '[mydumper]\nmax-region-size = "128KiB"\n'


@dataclass(frozen=True)
class Outcome:
    """What an import left behind: per-table summary verdicts and store contents."""

    verdicts: dict[str, str]
    stores: dict[tuple[str, str], list[tuple[bytes, bytes]]]


def outcome(stack: Stack, stdout: str) -> Outcome:
    lines = summary_lines(stdout)
    verdicts = {name: line.split("verified ")[1] for name, line in lines.items()}
    catalog = stack.cluster.tidb.catalog
    stores = {(db, t): table_store(stack.cluster, catalog.table(db, t).id) for db, t in TABLES}
    return Outcome(verdicts, stores)


def same_as(ref: Outcome, got: Outcome) -> None:
    assert got.verdicts == ref.verdicts
    for key, pairs in ref.stores.items():
        assert len(got.stores[key]) == len(pairs), key
        assert got.stores[key] == pairs, key


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dump")
    sbtest_dump(root, db="gen", tables=2, rows=8000, files=2)
    mixed_dump(root, db="gen", rows=1500)
    return root


@pytest.fixture(scope="module")
def reference(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    stack = Stack.start(tmp_path_factory.mktemp("reference"), encoder_toml=SMALL_CHUNKS)
    try:
        result = stack.run_encoder(dump, "--workers", "1")
        assert result.returncode == 0, result.stderr[-3000:]
        ref = outcome(stack, result.stdout)
    finally:
        stack.stop()
    assert len(ref.verdicts) == 3 and all(len(s) > 1000 for s in ref.stores.values())
    return ref


def finish(stack: Stack, proc: subprocess.Popen[bytes], timeout: float = 240) -> None:
    assert proc.wait(timeout) == 0, (stack.root / "encoder.log").read_text()[-4000:]


def test_two_encoders_share_one_job_with_identical_stores_and_checksums(
    dump: Path, reference: Outcome, tmp_path: Path
) -> None:
    stack = Stack.start(tmp_path, encoder_toml=SMALL_CHUNKS)
    try:
        logs = [tmp_path / "enc-a.log", tmp_path / "enc-b.log"]
        procs = [stack.start_encoder(dump, "--workers", "1", log=log) for log in logs]
        for p, log in zip(procs, logs, strict=True):
            assert p.wait(240) == 0, log.read_text()[-4000:]
        outputs = [log.read_text() for log in logs]
        # Both encoders leased chunks: the work was shared.
        for text in outputs:
            assert '"event": "chunk encoded"' in text
        same_as(reference, outcome(stack, outputs[0]))
        assert summary_lines(outputs[1]) == summary_lines(outputs[0])
    finally:
        stack.stop()


def test_kill_9_of_an_encoder_mid_chunk_then_restart_gives_the_same_result(
    dump: Path, reference: Outcome, tmp_path: Path
) -> None:
    stack = Stack.start(tmp_path, lease_ttl="2s", encoder_toml=SMALL_CHUNKS)
    try:
        proc = stack.start_encoder(dump, "--workers", "2")

        def writing() -> bool:
            engines = stack.importer_status()["engines"]
            return any(e["state"] == "open" and e["kvs"] > 0 for e in engines)

        stack.wait_for(writing)
        proc.kill()
        proc.wait(10)
        time.sleep(1.5)  # the worker processes notice their parent is gone and exit
        rerun = stack.run_encoder(dump, "--workers", "2")
        assert rerun.returncode == 0, rerun.stderr[-4000:]
        assert "lease expired" in stack.importer.tail(10**7)
        same_as(reference, outcome(stack, rerun.stdout))
    finally:
        stack.stop()


def test_kill_9_of_the_importer_mid_import_then_restart_gives_the_same_result(
    dump: Path, reference: Outcome, tmp_path: Path
) -> None:
    stack = Stack.start(tmp_path, lease_ttl="3s", encoder_toml=SMALL_CHUNKS)
    try:
        # Slow the first ingests down (the importer backs off on ServerIsBusy) so the kill
        # lands while an engine is being imported.
        stack.cluster.faults.inject("server-busy", count=3, rpc="ingest")
        proc = stack.start_encoder(dump, "--workers", "1")

        def importing() -> bool:
            return any(e["state"] == "importing" for e in stack.importer_status()["engines"])

        stack.wait_for(importing)
        stack.importer.kill9()
        port = stack.importer.address.rsplit(":", 1)[1]
        restarted = ImporterProcess(
            stack.importer.data_dir,
            stack.cluster.pd_addr,
            stack.root / "importer.log",
            *stack.importer.extra,
            "--listen",
            f"127.0.0.1:{port}",
        )
        restarted.start()
        stack.importer = restarted
        finish(stack, proc)
        log = (stack.root / "encoder.log").read_text()
        assert "ImporterUnavailable" in log or "UNAVAILABLE" in log
        same_as(reference, outcome(stack, log))
    finally:
        stack.stop()
