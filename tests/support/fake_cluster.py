"""An in-memory ``importer.cluster.ClusterClient`` with TiKV's region checks and fault injection.

Regions carry epochs, peers and leaders; ``split_region`` bumps versions like TiKV; ``write``
stages pairs per peer store under an SST uuid; ``multi_ingest`` checks leader, epoch, range and
that every peer holds the SST, then applies the pairs. Faults are scripted per method
(``inject``) or drawn at seeded rates (``set_rates``); some are *real* (a split or a leader
transfer right before an ingest) so the retry logic meets genuine stale epochs and leaders.
"""

from __future__ import annotations

import random
import threading
import uuid as uuidlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from importer.cluster import ImportMode, Pair, Peer, Region, RegionEpoch, SSTMeta, Store
from importer.errors import RegionError, RegionErrorKind, RpcFailure
from protos import import_sstpb_pb2, metapb_pb2

KINDS = {
    "not-leader": RegionErrorKind.NOT_LEADER,
    "epoch-not-match": RegionErrorKind.EPOCH_NOT_MATCH,
    "server-busy": RegionErrorKind.SERVER_IS_BUSY,
    "region-not-found": RegionErrorKind.REGION_NOT_FOUND,
    "key-not-in-region": RegionErrorKind.KEY_NOT_IN_REGION,
    "store-not-match": RegionErrorKind.STORE_NOT_MATCH,
    "disk-full": RegionErrorKind.DISK_FULL,
}


@dataclass
class _Region:
    id: int
    start: bytes
    end: bytes
    conf_ver: int
    version: int
    peers: list[Peer]
    leader: Peer

    def view(self) -> Region:
        return Region(
            self.id,
            self.start,
            self.end,
            RegionEpoch(self.conf_ver, self.version),
            tuple(self.peers),
            self.leader,
        )

    def contains(self, key: bytes) -> bool:
        return key >= self.start and (not self.end or key < self.end)


@dataclass
class _Staged:
    region_id: int
    epoch: tuple[int, int]
    commit_ts: int
    pairs: list[Pair]


@dataclass
class CallLog:
    writes: Counter[int] = field(default_factory=Counter)  # store id -> Write streams
    ingests: int = 0
    splits: int = 0
    scatters: int = 0
    errors: Counter[str] = field(default_factory=Counter)


class FakeCluster:
    """A PD + TiKV stand-in for unit tests of the import logic."""

    def __init__(self, store_count: int = 3, *, seed: int = 0, scatter_polls: int = 1) -> None:
        self._lock = threading.RLock()
        self.stores = {i: Store(i, f"store-{i}:20160") for i in range(1, store_count + 1)}
        self._next_id = 1000
        peers = [Peer(self._alloc(), sid) for sid in self.stores]
        self._regions: list[_Region] = [_Region(1, b"", b"", 1, 1, peers, peers[0])]
        self.data: dict[bytes, bytes] = {}
        self.versions: Counter[bytes] = Counter()  # key -> how many ingests wrote it
        self.commit_ts_seen: set[int] = set()
        self._staged: dict[tuple[int, bytes], _Staged] = {}
        self._ts = 400_000_000_000
        self.modes: dict[int, ImportMode] = defaultdict(lambda: ImportMode.NORMAL)
        self.mode_calls: list[tuple[int, ImportMode]] = []
        self.schedulers = {
            "balance-leader-scheduler": 0,
            "balance-region-scheduler": 0,
            "balance-hot-region-scheduler": 0,
            "label-scheduler": 0,
        }
        self.pause_calls: list[tuple[str, int]] = []
        self.label_rules: dict[str, tuple[bytes, bytes, int]] = {}
        self.label_rule_sets: list[str] = []
        self.calls = CallLog()
        self._scripted: dict[str, list[str]] = defaultdict(list)
        self._rates: dict[str, float] = {}
        self._rng = random.Random(seed)
        self._scatter_polls = scatter_polls
        self._scatter_pending: dict[int, int] = {}
        self.down_stores: set[int] = set()
        self.closed = False

    # ---------------------------------------------------------------------------- test controls

    def _alloc(self) -> int:
        self._next_id += 1
        return self._next_id

    def inject(self, method: str, kind: str, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` ("write", "ingest", "split") fail with
        ``kind`` ("not-leader", ..., "split-before", "leader-transfer", "rpc",
        "ingest-then-not-leader")."""
        with self._lock:
            self._scripted[method].extend([kind] * count)

    def set_rates(self, spec: str) -> None:
        """``"ingest:not-leader=0.05,write:server-busy=0.02,..."``."""
        with self._lock:
            for part in filter(None, (p.strip() for p in spec.split(","))):
                name, _, rate = part.partition("=")
                self._rates[name] = float(rate)

    def split_at(self, key: bytes) -> None:
        """An external split (like PD's split checker) at raw ``key``."""
        with self._lock:
            self._split_one(self._find(key), key)

    def transfer_leader(self, region_id: int) -> None:
        with self._lock:
            r = self._by_id(region_id)
            assert r is not None
            idx = r.peers.index(r.leader)
            r.leader = r.peers[(idx + 1) % len(r.peers)]

    def region_views(self) -> list[Region]:
        with self._lock:
            return [r.view() for r in sorted(self._regions, key=lambda r: r.start)]

    # ------------------------------------------------------------------------------- internals

    def _find(self, key: bytes) -> _Region:
        for r in self._regions:
            if r.contains(key):
                return r
        raise AssertionError("regions do not cover the key space")

    def _by_id(self, region_id: int) -> _Region | None:
        for r in self._regions:
            if r.id == region_id:
                return r
        return None

    def _split_one(self, r: _Region, key: bytes) -> _Region:
        assert r.contains(key) and key != r.start
        new = _Region(
            self._alloc(),
            r.start,
            key,
            r.conf_ver,
            r.version + 1,
            [Peer(self._alloc(), p.store_id) for p in r.peers],
            r.leader,
        )
        new.leader = next(p for p in new.peers if p.store_id == r.leader.store_id)
        r.start = key
        r.version += 1
        self._regions.append(new)
        return new

    def _fault(self, method: str, region: _Region | None) -> str | None:
        queue = self._scripted.get(method)
        if queue:
            return queue.pop(0)
        for name, rate in self._rates.items():
            m, _, kind = name.partition(":")
            if m == method and self._rng.random() < rate:
                return kind
        return None

    def _raise(self, kind: str, region: _Region) -> None:
        self.calls.errors[kind] += 1
        if kind == "rpc":
            raise RpcFailure(f"store-{region.leader.store_id}", "ImportSST", "UNAVAILABLE", "")
        rk = KINDS[kind]
        leader = region.leader if rk is RegionErrorKind.NOT_LEADER else None
        current = (region.view(),) if rk is RegionErrorKind.EPOCH_NOT_MATCH else ()
        raise RegionError(rk, region.id, f"injected {kind}", leader=leader, current_regions=current)

    def _check_region(self, region: Region, first: bytes, last: bytes) -> _Region:
        r = self._by_id(region.id)
        if r is None:
            raise RegionError(RegionErrorKind.REGION_NOT_FOUND, region.id)
        if (r.conf_ver, r.version) != (region.epoch.conf_ver, region.epoch.version):
            overlapping = tuple(
                x.view()
                for x in self._regions
                if (not x.end or x.end > region.start) and (not region.end or x.start < region.end)
            )
            raise RegionError(
                RegionErrorKind.EPOCH_NOT_MATCH, region.id, current_regions=overlapping
            )
        if not (r.contains(first) and r.contains(last)):
            raise RegionError(RegionErrorKind.KEY_NOT_IN_REGION, region.id)
        return r

    # ------------------------------------------------------------------------- ClusterClient

    def tso(self) -> int:
        with self._lock:
            self._ts += 1 << 18
            return self._ts

    def get_region(self, key: bytes) -> Region | None:
        with self._lock:
            return self._find(key).view()

    def get_region_by_id(self, region_id: int) -> Region | None:
        with self._lock:
            r = self._by_id(region_id)
            return r.view() if r else None

    def scan_regions(self, start: bytes, end: bytes, limit: int) -> list[Region]:
        with self._lock:
            out = [
                r.view()
                for r in sorted(self._regions, key=lambda r: r.start)
                if (not r.end or r.end > start) and (not end or r.start < end)
            ]
            return out[:limit] if limit > 0 else out

    def get_store(self, store_id: int) -> Store:
        return self.stores[store_id]

    def all_stores(self) -> list[Store]:
        return list(self.stores.values())

    def split_region(self, region: Region, keys: Sequence[bytes]) -> list[Region]:
        with self._lock:
            self.calls.splits += 1
            r = self._by_id(region.id)
            fault = self._fault("split", r)
            if fault and r is not None:
                self._raise(fault, r)
            if r is None:
                raise RegionError(RegionErrorKind.REGION_NOT_FOUND, region.id)
            if (r.conf_ver, r.version) != (region.epoch.conf_ver, region.epoch.version):
                raise RegionError(
                    RegionErrorKind.EPOCH_NOT_MATCH, region.id, current_regions=(r.view(),)
                )
            if region.target_peer().id != r.leader.id:
                raise RegionError(RegionErrorKind.NOT_LEADER, region.id, leader=r.leader)
            assert list(keys) == sorted(keys)
            out = []
            for key in keys:
                if not r.contains(key) or key == r.start:
                    raise RegionError(RegionErrorKind.KEY_NOT_IN_REGION, region.id)
                out.append(self._split_one(r, key))
            out.append(r)
            return [x.view() for x in out]

    def scatter_regions(self, region_ids: Sequence[int]) -> list[int]:
        with self._lock:
            self.calls.scatters += 1
            for rid in region_ids:
                self._scatter_pending[rid] = self._scatter_polls
            return []

    def scatter_finished(self, region_id: int) -> bool:
        with self._lock:
            left = self._scatter_pending.get(region_id, 0)
            if left <= 0:
                return True
            self._scatter_pending[region_id] = left - 1
            return False

    def write(
        self,
        region: Region,
        commit_ts: int,
        first_key: bytes,
        last_key: bytes,
        batches: Iterable[Sequence[Pair]],
    ) -> list[SSTMeta]:
        assert commit_ts > 0
        pairs: list[Pair] = []
        for batch in batches:  # consume the stream like a server would
            pairs.extend((bytes(k), bytes(v)) for k, v in batch)
        assert pairs and pairs[0][0] == first_key and pairs[-1][0] == last_key
        assert [k for k, _ in pairs] == sorted(k for k, _ in pairs)
        with self._lock:
            r = self._by_id(region.id)
            fault = self._fault("write", r)
            if r is not None and fault:
                self._raise(fault, r)
            r = self._check_region(region, first_key, last_key)
            for peer in region.peers:
                if peer.store_id in self.down_stores:
                    raise RpcFailure(f"store-{peer.store_id}", "Write", "UNAVAILABLE", "down")
            sst = uuidlib.uuid4().bytes
            for peer in region.peers:
                self.calls.writes[peer.store_id] += 1
                self._staged[(peer.store_id, sst)] = _Staged(
                    region.id, (r.conf_ver, r.version), commit_ts, pairs
                )
            meta = import_sstpb_pb2.SSTMeta(
                uuid=sst, region_id=region.id, cf_name="write", total_kvs=len(pairs)
            )
            meta.region_epoch.CopyFrom(
                metapb_pb2.RegionEpoch(conf_ver=r.conf_ver, version=r.version)
            )
            meta.range.start = first_key
            meta.range.end = last_key
            return [meta]

    def multi_ingest(self, region: Region, metas: Sequence[SSTMeta]) -> None:
        with self._lock:
            self.calls.ingests += 1
            r = self._by_id(region.id)
            fault = self._fault("ingest", r)
            then_fail = False
            if r is not None and fault:
                if fault == "split-before":
                    mid = self._midpoint(r, metas)
                    if mid is not None:
                        self._split_one(r, mid)
                        self.calls.errors[fault] += 1
                elif fault == "leader-transfer":
                    self.transfer_leader(r.id)
                    self.calls.errors[fault] += 1
                elif fault == "ingest-then-not-leader":
                    then_fail = True
                else:
                    self._raise(fault, r)
            first = min(m.range.start for m in metas)
            last = max(m.range.end for m in metas)
            r = self._check_region(region, first, last)
            if region.target_peer().id != r.leader.id:
                self.calls.errors["not-leader(real)"] += 1
                raise RegionError(RegionErrorKind.NOT_LEADER, region.id, leader=r.leader)
            for meta in metas:
                for peer in r.peers:
                    if (peer.store_id, meta.uuid) not in self._staged:
                        raise RegionError(RegionErrorKind.OTHER, r.id, "sst not staged on peer")
            for meta in metas:
                staged = self._staged[(r.leader.store_id, meta.uuid)]
                self.commit_ts_seen.add(staged.commit_ts)
                for k, v in staged.pairs:
                    self.data[k] = v
                    self.versions[k] += 1
                for peer in r.peers:
                    del self._staged[(peer.store_id, meta.uuid)]
            if then_fail:
                self.calls.errors["ingest-then-not-leader"] += 1
                raise RegionError(RegionErrorKind.NOT_LEADER, r.id, leader=r.leader)

    def _midpoint(self, r: _Region, metas: Sequence[SSTMeta]) -> bytes | None:
        staged = self._staged.get((r.leader.store_id, metas[0].uuid))
        if staged is None or len(staged.pairs) < 2:
            return None
        key = staged.pairs[len(staged.pairs) // 2][0]
        return key if key != r.start and r.contains(key) else None

    def switch_mode(self, store: Store, mode: ImportMode) -> None:
        with self._lock:
            self.modes[store.id] = mode
            self.mode_calls.append((store.id, mode))

    def compact(self, store: Store, request: bytes) -> None:
        return None

    def list_schedulers(self) -> list[str]:
        return list(self.schedulers)

    def pause_scheduler(self, name: str, delay_s: int) -> None:
        with self._lock:
            self.schedulers[name] = delay_s
            self.pause_calls.append((name, delay_s))

    def set_schedule_deny_rule(self, rule_id: str, start: bytes, end: bytes, ttl_s: int) -> None:
        with self._lock:
            self.label_rules[rule_id] = (start, end, ttl_s)
            self.label_rule_sets.append(rule_id)

    def delete_label_rule(self, rule_id: str) -> None:
        with self._lock:
            self.label_rules.pop(rule_id, None)

    def close(self) -> None:
        self.closed = True
