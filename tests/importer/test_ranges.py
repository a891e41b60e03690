"""Cutting an engine into region-sized ranges."""

from __future__ import annotations

from pathlib import Path

from importer.engine import Engine, EngineOptions
from importer.ranges import KeyRange, next_key, plan_ranges


def _pairs(n: int, value_len: int = 10) -> list[tuple[bytes, bytes]]:
    return [(b"k%05d" % i, b"v" * value_len) for i in range(n)]


def test_ranges_cut_when_size_limit_would_be_exceeded() -> None:
    pairs = _pairs(10)  # 16 bytes each
    plan = plan_ranges(pairs, max_bytes=48, max_keys=1000)
    assert [r.start for r in plan.ranges] == [b"k00000", b"k00003", b"k00006", b"k00009"]
    assert plan.ranges[-1].end == next_key(b"k00009")
    assert plan.kvs == 10 and plan.size == 160


def test_ranges_cut_by_key_count() -> None:
    plan = plan_ranges(_pairs(7), max_bytes=1 << 30, max_keys=3)
    assert [r.start for r in plan.ranges] == [b"k00000", b"k00003", b"k00006"]


def test_ranges_are_contiguous_and_cover_every_key() -> None:
    pairs = _pairs(100)
    plan = plan_ranges(pairs, max_bytes=100, max_keys=1000)
    for a, b in zip(plan.ranges, plan.ranges[1:], strict=False):
        assert a.end == b.start
    for key, _ in pairs:
        assert sum(r.start <= key < r.end for r in plan.ranges) == 1


def test_oversized_pair_forms_its_own_range() -> None:
    pairs = [(b"a", b"x"), (b"b", b"y" * 1000), (b"c", b"z")]
    plan = plan_ranges(pairs, max_bytes=10, max_keys=100)
    assert plan.ranges == (
        KeyRange(b"a", b"b"),
        KeyRange(b"b", b"c"),
        KeyRange(b"c", b"c\x00"),
    )


def test_empty_engine_has_no_ranges_and_no_split_keys() -> None:
    plan = plan_ranges([], max_bytes=10, max_keys=10)
    assert plan.ranges == () and plan.split_keys == []


def test_split_keys_are_every_boundary_including_both_ends() -> None:
    plan = plan_ranges(_pairs(4), max_bytes=32, max_keys=100)
    assert plan.split_keys == [b"k00000", b"k00002", next_key(b"k00003")]


def test_engine_first_and_last_key_bound_every_range(tmp_path: Path) -> None:
    """Regression: plyvel's reverse iterator misses a lone key right below ``stop``."""
    eng = Engine(tmp_path / "e", EngineOptions(), create=True)
    eng.write([(k, b"1") for k in (b"a", b"b", b"c", b"d")])
    cases = {
        (b"b", b"b\x00"): (b"b", b"b"),
        (b"b", b"c"): (b"b", b"b"),
        (b"b", b"d"): (b"b", b"c"),
        (b"a", b""): (b"a", b"d"),
        (b"", b"a"): (None, None),
        (b"bb", b"c"): (None, None),
        (b"c", b"zz"): (b"c", b"d"),
    }
    for (start, end), expected in cases.items():
        assert (eng.first_key(start, end), eng.last_key(start, end)) == expected, (start, end)
    eng.close()
