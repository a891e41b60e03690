"""The engines' memory budget: memtable flushes, mapped-page page-outs, flush on close."""

from __future__ import annotations

import os
import platform
import threading
from pathlib import Path

import pytest

from importer.diskspace import DiskGuard
from importer.engine import Engine, EngineOptions
from importer.mappedpages import MappedPages
from importer.membudget import LOW_WATER, MemoryBudget, limit_malloc_arenas
from importer.metadb import MetaDB
from importer.registry import EngineRegistry

MIB = 1 << 20


class FakeEngine:
    """A memtable of ``usage`` bytes that a flush empties."""

    def __init__(self, usage: int) -> None:
        self.usage = usage
        self.flushed = 0

    def memory_usage(self) -> int:
        return self.usage

    def flush(self) -> None:
        self.flushed += 1
        self.usage = 0


class FakeMapped:
    """Mapped table-file pages of ``resident`` bytes that a page-out drops."""

    def __init__(self, resident: int) -> None:
        self.resident_bytes = resident
        self.page_outs = 0
        self.paged_out = threading.Event()

    def resident(self) -> int:
        return self.resident_bytes

    def page_out(self) -> int:
        self.page_outs += 1
        self.resident_bytes = 0
        self.paged_out.set()
        return 1


def _budget(budget: int, mapped: FakeMapped | None = None, check_every: int = 1) -> MemoryBudget:
    return MemoryBudget(budget, mapped=mapped, check_every=check_every, release=lambda: None)


def test_engines_within_budget_are_left_alone() -> None:
    engines = [FakeEngine(30 * MIB), FakeEngine(60 * MIB)]
    mapped = FakeMapped(10 * MIB)
    assert _budget(100 * MIB, mapped).enforce(engines) == 0
    assert [e.flushed for e in engines] == [0, 0]
    assert mapped.page_outs == 0


def test_over_budget_the_largest_memtables_are_flushed_down_to_the_low_water_mark() -> None:
    engines = [FakeEngine(u * MIB) for u in (10, 40, 30, 50)]  # 130 MiB
    budget = _budget(100 * MIB)
    assert budget.enforce(engines) == 2
    assert [e.flushed for e in engines] == [0, 1, 0, 1]  # the 50 and 40 MiB ones
    assert sum(e.usage for e in engines) <= 100 * MIB * LOW_WATER
    assert budget.flushes == 2


def test_mapped_pages_are_paged_out_before_any_memtable_is_flushed() -> None:
    engines = [FakeEngine(60 * MIB), FakeEngine(20 * MIB)]
    mapped = FakeMapped(50 * MIB)
    assert _budget(100 * MIB, mapped).enforce(engines) == 0
    assert mapped.page_outs == 1
    assert [e.flushed for e in engines] == [0, 0]


def test_written_checks_only_every_check_every_bytes() -> None:
    engines = [FakeEngine(200 * MIB)]
    budget = _budget(100 * MIB, check_every=10 * MIB)
    budget.written(4 * MIB, lambda: engines)
    budget.written(4 * MIB, lambda: engines)
    assert engines[0].flushed == 0
    budget.written(4 * MIB, lambda: engines)
    assert engines[0].flushed == 1


def test_the_watcher_enforces_the_budget_without_writes() -> None:
    mapped = FakeMapped(300 * MIB)
    budget = _budget(100 * MIB, mapped)
    budget.start(lambda: [])
    try:
        assert mapped.paged_out.wait(30)  # a deadline for a hung watcher, not a timing check
    finally:
        budget.stop()
    assert mapped.resident_bytes == 0


def test_a_budget_that_holds_the_mapped_pages_pages_nothing_out() -> None:
    mapped = FakeMapped(20 * MIB)
    engines = [FakeEngine(10 * MIB)]
    budget = _budget(100 * MIB, mapped)
    budget.written(MIB, lambda: engines)
    assert (mapped.page_outs, engines[0].flushed) == (0, 0)


# ------------------------------------------------------------------------------ real engines


def _row(i: int) -> tuple[bytes, bytes]:
    return b"t" + i.to_bytes(8, "big"), bytes([i % 251]) * 200


def _fill(engine: Engine, n: int, start: int = 0) -> None:
    for i in range(start, start + n, 1000):
        with engine.batch() as put:
            for j in range(i, min(i + 1000, start + n)):
                put(*_row(j))


def test_flush_frees_the_memtable_and_keeps_every_pair(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "e", EngineOptions(write_buffer_size=64 * MIB), create=True)
    try:
        _fill(engine, 20_000)
        before = engine.memory_usage()
        assert before > 4 * MIB
        engine.flush()
        assert engine.memory_usage() < before / 4
        pairs = list(engine.iterate())
        assert pairs == [_row(i) for i in range(20_000)]
    finally:
        engine.close()
    engine.flush()  # closed: a no-op
    assert engine.memory_usage() == 0


def test_flushes_while_other_threads_write_lose_no_pair(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "e", EngineOptions(write_buffer_size=MIB), create=True)
    errors: list[BaseException] = []

    def write(start: int) -> None:
        try:
            _fill(engine, 15_000, start)
        except BaseException as exc:  # reported below
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(n * 15_000,)) for n in range(2)]
    try:
        for t in writers:
            t.start()
        while any(t.is_alive() for t in writers):
            engine.flush()
        for t in writers:
            t.join()
        assert errors == []
        assert [k for k, _ in engine.iterate()] == [_row(i)[0] for i in range(30_000)]
    finally:
        engine.close()


def test_a_flush_racing_a_close_is_a_no_op(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "e", EngineOptions(), create=True)
    _fill(engine, 5_000)
    closer = threading.Thread(target=engine.close)
    closer.start()
    engine.flush()  # before or after the close: never on a freed handle
    closer.join()
    assert engine.closed
    engine.flush()
    reopened = Engine(tmp_path / "e", EngineOptions(), create=False)
    try:
        assert sum(1 for _ in reopened.iterate()) == 5_000
    finally:
        reopened.close()


def test_registry_keeps_engines_written_at_once_within_the_budget(tmp_path: Path) -> None:
    meta = MetaDB(tmp_path)
    budget = MemoryBudget(4 * MIB, check_every=MIB)
    registry = EngineRegistry(
        tmp_path,
        meta,
        EngineOptions(write_buffer_size=64 * MIB),
        max_open_engines=4,
        disk=DiskGuard(tmp_path, 0),
        budget=budget,
    )
    uuids = [bytes([n]) * 16 for n in range(1, 4)]
    try:
        for u in uuids:
            registry.open(u)
        for round_ in range(6):
            for u in uuids:
                with registry.writing(u) as engine:
                    _fill(engine, 2000, round_ * 2000)
                registry.record_written(u, 2000, 2000 * 209)
        # 3 x 12,000 pairs of 209 bytes = 7.5 MB were written; what stays in memory is the
        # budget plus at most one check's worth (1 MiB) and LevelDB's skiplist overhead.
        usage = sum(e.memory_usage() for e in registry.live_engines())
        assert budget.flushes > 0
        assert usage <= 6 * MIB
        for u in uuids:
            with registry.writing(u) as engine:
                assert sum(1 for _ in engine.iterate()) == 12_000
    finally:
        registry.shutdown()
        meta.close()


def test_closing_an_engine_flushes_its_memtable(tmp_path: Path) -> None:
    meta = MetaDB(tmp_path)
    registry = EngineRegistry(
        tmp_path,
        meta,
        EngineOptions(),
        max_open_engines=2,
        disk=DiskGuard(tmp_path, 0),
        budget=MemoryBudget(256 * MIB),
    )
    uuid = b"\x07" * 16
    try:
        registry.open(uuid)
        with registry.writing(uuid) as engine:
            _fill(engine, 10_000)
        before = engine.memory_usage()
        registry.close(uuid)
        assert engine.memory_usage() < before / 4
        with registry.importing(uuid) as imported:
            assert sum(1 for _ in imported.iterate()) == 10_000
    finally:
        registry.shutdown()
        meta.close()


def _kernel_has_pageout() -> bool:
    parts = platform.release().split(".")
    try:
        return (int(parts[0]), int(parts[1].split("-")[0])) >= (5, 4)
    except (ValueError, IndexError):
        return False


@pytest.mark.skipif(
    not (os.path.exists("/proc/self/maps") and _kernel_has_pageout()),
    reason="needs Linux >= 5.4 (MADV_PAGEOUT) and procfs",
)
def test_pages_an_engine_read_are_resident_until_paged_out(tmp_path: Path) -> None:
    mapped = MappedPages(tmp_path)
    engine = Engine(tmp_path / "e", EngineOptions(compression="none"), create=True)
    try:
        _fill(engine, 100_000)  # ~21 MB
        engine.flush()
        assert sum(1 for _ in engine.iterate()) == 100_000
        read = mapped.resident()
        assert read > 10 * MIB
        assert mapped.page_out() >= 1
        assert mapped.resident() < read / 2
        assert sum(1 for _ in engine.iterate()) == 100_000  # read again from the files
    finally:
        engine.close()


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_glibc_accepts_the_malloc_arena_cap() -> None:
    # 16 arenas = glibc's default on this 2-core machine (8 per core): harmless to the tests.
    assert limit_malloc_arenas(16)
