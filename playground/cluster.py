"""``Cluster``: PD + N TiKV stores + TiDB in one process, for tests and local trials.

In-process API (tests and the ``playground`` CLI use it)::

    from playground.cluster import Cluster, ClusterConfig
    cfg = ClusterConfig(data_dir=Path(...), host="127.0.0.1", pd_port=0, store_count=3,
                        sql_port=0, status_port=0, faults="", seed=0)   # 0 = pick free ports
    with Cluster(cfg) as cluster:           # start() on enter, stop() on exit
        cluster.pd_addr          # "127.0.0.1:PORT": PD gRPC and PD HTTP API (one port, like cmux)
        cluster.store_addrs      # {store_id: "127.0.0.1:PORT"} (ImportSST + Tikv per store)
        cluster.sql_addr, cluster.status_addr   # TiDB MySQL port and status API
        cluster.cluster_id
        cluster.regions()        # [metapb.Region] in key order (encoded keys)
        cluster.leader_of(region_id)            # metapb.Peer
        cluster.read_all(start=b"", end=b"", ts=None)   # [(raw_key, value)] read via KvScan
        cluster.import_mode(store_id)           # import_sstpb.SwitchMode value of that store
        cluster.paused_schedulers()             # {name: paused_until_unix_seconds}
        cluster.schedule_config()               # PD schedule config incl. TTL overrides
        cluster.tso()                           # a fresh PD timestamp (int)
        cluster.staged_count(store_id)          # SSTs written but not yet ingested on a store
        cluster.stored_entries(store_id, start=b"", end=b"")  # MVCC entries a store holds
        cluster.wait_scatter(region_id)         # until its scatter operator finished
        cluster.tidb.catalog / .executor        # TiDB's TableInfos; ANALYZE counts (.analyzed)
        cluster.faults.stop_store(id) / .start_store(id)   # stopped store: UNAVAILABLE
        cluster.faults.transfer_leader(region_id, store_id)
        cluster.faults.split(raw_key)           # split now (epoch bump)
        cluster.faults.split_before_next_ingest(raw_key=None)  # next ingest: EpochNotMatch
        cluster.faults.inject(kind, count=1, rpc="ingest")     # scripted region errors
        cluster.faults.set_rates("not-leader=0.05,...")        # same spec as --faults

More ``ClusterConfig`` fields: ``store_ports``, ``replicas`` (3), ``row_format_version`` (2),
``new_collation`` (True), ``staged_ttl_seconds`` (600), ``import_mode_timeout_seconds`` (600),
``scatter_delay`` ((0.05, 0.2) s), ``tls`` (``TlsFiles(ca, cert, key)``: gRPC on the stores,
gRPC + HTTPS on the PD port).

Fault kinds: not-leader, epoch-not-match, server-busy, region-not-found, key-not-in-region,
store-not-match, disk-full, split-before-ingest, leader-transfer (see ``playground.faults``
for which RPC families each hits). Everything (regions, epochs, peers, leaders, TSO, catalog,
store data) lives under ``data_dir`` and is restored by a new ``Cluster`` on the same
directory; SSTs written but never ingested are dropped at start-up.
"""

from __future__ import annotations

import os
import struct
import threading
import time
from types import TracebackType
from typing import Any

import grpc
import structlog

from playground.config import ClusterConfig
from playground.errors import ConfigError, PlaygroundError, UnknownStore
from playground.faults import Faults
from playground.metastore import MetaStore
from playground.pd.http_api import PDHttpApi
from playground.pd.operators import Operators
from playground.pd.schedule import ScheduleState
from playground.pd.server import PDServer
from playground.pd.service import PDService, StoreView
from playground.pd.tso import TsoAllocator
from playground.raft import Raft, Replica
from playground.reader import KvReader
from playground.regions import RegionManager
from playground.tidb.server import TidbServer
from playground.tidb.variables import ServerSettings
from playground.tikv.engine import StoreEngine
from playground.tikv.server import StoreServer
from playground.tikv.staging import Staging
from playground.tikv.write_batch import BatchCache
from protos import metapb_pb2, pdpb_pb2
from tidbkv.codec import encode_bytes

__all__ = ["Cluster", "ClusterConfig"]

log = structlog.get_logger("playground")

_CLUSTER_ID_KEY = b"cluster-id"
_STORE_COUNT_KEY = b"store-count"
JANITOR_INTERVAL_SECONDS = 1.0


class Cluster:
    """A running playground; see the module docstring for the API."""

    def __init__(self, config: ClusterConfig) -> None:
        self.config = config
        self._started = False
        self._meta: MetaStore | None = None
        self._regions: RegionManager | None = None
        self._raft: Raft | None = None
        self._tso: TsoAllocator | None = None
        self._schedule: ScheduleState | None = None
        self._operators: Operators | None = None
        self._stores: dict[int, StoreServer] = {}
        self._replicas: dict[int, Replica] = {}
        self._pd: PDServer | None = None
        self._reader: KvReader | None = None
        self._tidb: TidbServer | None = None
        self._janitor_stop = threading.Event()
        self._janitor: threading.Thread | None = None
        self.cluster_id = 0
        self.faults = Faults(self, "", config.seed)

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._started:
            return
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self._started = True
        log.info("cluster started", pd=self.pd_addr, stores=len(self._stores))

    def _start(self) -> None:
        cfg = self.config
        data = cfg.data_dir
        data.mkdir(parents=True, exist_ok=True)
        meta = self._meta = MetaStore(data / "pd")
        self.cluster_id = self._cluster_id(meta)
        self._check_store_count(meta)
        regions = self._regions = RegionManager(meta)
        store_ids = list(range(1, cfg.store_count + 1))
        regions.bootstrap(store_ids, cfg.replica_count)
        for sid in store_ids:
            root = data / f"tikv-{sid}"
            self._replicas[sid] = Replica(sid, StoreEngine(root / "db"), Staging())
        raft = self._raft = Raft(regions, self._replicas)
        self.faults.set_rates(cfg.faults)
        tls = cfg.tls.load() if cfg.tls is not None else None
        batches = BatchCache()
        for i, sid in enumerate(store_ids):
            port = cfg.store_ports[i] if cfg.store_ports else 0
            server = StoreServer(
                sid,
                raft,
                self.faults,
                cfg.host,
                port,
                cfg.import_mode_timeout_seconds,
                batches,
                tls,
            )
            self._stores[sid] = server
            server.start()
        self._tso = TsoAllocator(meta)
        self._schedule = ScheduleState(meta)
        self._operators = Operators(raft, self._up_stores, cfg.seed, cfg.scatter_delay)
        service = PDService(
            self.cluster_id, raft, self._tso, self._operators, self._store_views, self._pd_url
        )
        http_api = PDHttpApi(
            self.cluster_id,
            self._schedule,
            regions,
            self._store_views,
            self._pd_url,
            cfg.replica_count,
        )
        self._pd = PDServer(service, http_api, cfg.host, cfg.pd_port, tls)
        self._pd.start()
        creds = None
        if tls is not None:
            creds = grpc.ssl_channel_credentials(tls[0], tls[2], tls[1])
        self._reader = KvReader(
            regions,
            lambda sid: self._stores[sid].address,
            lambda sid: self._stores[sid].coprocessor,
            creds,
        )
        self._janitor = threading.Thread(target=self._janitor_loop, name="janitor", daemon=True)
        self._janitor.start()
        self._start_tidb()

    def _start_tidb(self) -> None:
        """Starts the TiDB stand-in (SQL port and status API)."""
        cfg = self.config
        assert self._reader is not None
        self._tidb = TidbServer(
            cfg.data_dir / "tidb",
            self._reader,
            ServerSettings(cfg.row_format_version, cfg.new_collation),
            cfg.host,
            cfg.sql_port,
            cfg.status_port,
            self.pd_addr,
        )

    def stop(self) -> None:
        """Stops every server and closes every database (idempotent)."""
        self._janitor_stop.set()
        if self._janitor is not None:
            self._janitor.join()
            self._janitor = None
        if self._tidb is not None:
            self._tidb.close()
            self._tidb = None
        if self._operators is not None:
            self._operators.close()
        if self._pd is not None:
            self._pd.close()
            self._pd = None
        for server in self._stores.values():
            server.close()
        self._stores.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        for replica in self._replicas.values():
            replica.engine.close()
        self._replicas.clear()
        if self._meta is not None:
            self._meta.close()
            self._meta = None
        if self._started:
            log.info("cluster stopped")
        self._started = False

    def _cluster_id(self, meta: MetaStore) -> int:
        raw = meta.get(_CLUSTER_ID_KEY)
        if raw is not None:
            return int(raw)
        cid = struct.unpack(">Q", os.urandom(8))[0] >> 1 or 1
        meta.put(_CLUSTER_ID_KEY, str(cid).encode())
        return cid

    def _check_store_count(self, meta: MetaStore) -> None:
        raw = meta.get(_STORE_COUNT_KEY)
        if raw is not None and int(raw) > self.config.store_count:
            raise ConfigError(
                "store_count",
                self.config.store_count,
                f"data dir holds {int(raw)} stores; cannot restart with fewer",
            )
        meta.put(_STORE_COUNT_KEY, str(self.config.store_count).encode())

    def _janitor_loop(self) -> None:
        while not self._janitor_stop.wait(JANITOR_INTERVAL_SECONDS):
            for replica in list(self._replicas.values()):
                dropped = replica.staging.expire(self.config.staged_ttl_seconds)
                if dropped:
                    log.info("staged ssts dropped", store_id=replica.store_id, count=dropped)

    # -- views used by PD ------------------------------------------------------------------

    def _pd_url(self) -> str:
        scheme = "https" if self.config.tls is not None else "http"
        return f"{scheme}://{self.pd_addr}"

    def _store_views(self) -> list[StoreView]:
        return [
            StoreView(sid, s.address, not s.stopped, str(self.config.data_dir))
            for sid, s in sorted(self._stores.items())
        ]

    def _up_stores(self) -> list[int]:
        return [sid for sid, s in sorted(self._stores.items()) if not s.stopped]

    def _require(self) -> tuple[Raft, KvReader]:
        if self._raft is None or self._reader is None:
            raise PlaygroundError("cluster is not running")
        return self._raft, self._reader

    # -- addresses -------------------------------------------------------------------------

    @property
    def pd_addr(self) -> str:
        if self._pd is None:
            raise PlaygroundError("cluster is not running")
        return self._pd.address

    @property
    def store_addrs(self) -> dict[int, str]:
        return {sid: s.address for sid, s in sorted(self._stores.items())}

    @property
    def sql_addr(self) -> str:
        if self._tidb is None:
            raise PlaygroundError("TiDB is not running")
        return self._tidb.sql_addr

    @property
    def status_addr(self) -> str:
        if self._tidb is None:
            raise PlaygroundError("TiDB is not running")
        return self._tidb.status_addr

    # -- inspection ------------------------------------------------------------------------

    def regions(self) -> list[metapb_pb2.Region]:
        raft, _ = self._require()
        return raft.regions.all()

    def leader_of(self, region_id: int) -> metapb_pb2.Peer:
        raft, _ = self._require()
        peer = raft.regions.leader_of(region_id)
        if peer is None:
            raise PlaygroundError(f"region {region_id} not found")
        return peer

    def read_all(
        self, start: bytes = b"", end: bytes = b"", ts: int | None = None
    ) -> list[tuple[bytes, bytes]]:
        """Visible ``(raw_key, value)`` pairs in ``[start, end)``, read via KvScan."""
        _, reader = self._require()
        return list(reader.scan(start, end, ts))

    @property
    def reader(self) -> KvReader:
        return self._require()[1]

    def import_mode(self, store_id: int) -> int:
        if store_id not in self._stores:
            raise UnknownStore(store_id)
        return self._stores[store_id].mode.get()

    def paused_schedulers(self) -> dict[str, float]:
        if self._schedule is None:
            raise PlaygroundError("cluster is not running")
        return self._schedule.paused()

    def schedule_config(self) -> dict[str, Any]:
        if self._schedule is None:
            raise PlaygroundError("cluster is not running")
        return self._schedule.config()

    @property
    def tidb(self) -> TidbServer:
        """The TiDB stand-in (its ``catalog`` and ``executor``), for tests."""
        if self._tidb is None:
            raise PlaygroundError("TiDB is not running")
        return self._tidb

    def tso(self) -> int:
        if self._tso is None:
            raise PlaygroundError("cluster is not running")
        return self._tso.now()

    def staged_count(self, store_id: int) -> int:
        if store_id not in self._replicas:
            raise UnknownStore(store_id)
        return self._replicas[store_id].staging.count()

    def stored_entries(self, store_id: int, start: bytes = b"", end: bytes = b"") -> int:
        """How many MVCC entries (all versions, both CFs) store ``store_id`` holds in a raw range."""
        if store_id not in self._replicas:
            raise UnknownStore(store_id)
        enc_start = encode_bytes(start) if start else b""
        enc_end = encode_bytes(end) if end else b""
        return len(self._replicas[store_id].engine.range_keys(enc_start, enc_end))

    def wait_scatter(self, region_id: int, timeout: float = 5.0) -> bool:
        """Waits until the region's scatter operator is no longer RUNNING; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            op = self._operators.get(region_id) if self._operators else None
            if op is None or op.status != pdpb_pb2.RUNNING:
                return True
            time.sleep(0.01)
        return False

    # -- ClusterActions (used by ``faults``) -----------------------------------------------

    def stop_store(self, store_id: int) -> None:
        if store_id not in self._stores:
            raise UnknownStore(store_id)
        self._stores[store_id].set_stopped(True)
        log.info("store stopped", store_id=store_id)

    def start_store(self, store_id: int) -> None:
        if store_id not in self._stores:
            raise UnknownStore(store_id)
        self._stores[store_id].set_stopped(False)
        log.info("store started", store_id=store_id)

    def transfer_leader(self, region_id: int, store_id: int) -> None:
        raft, _ = self._require()
        raft.transfer_leader(region_id, store_id)

    def split_at(self, raw_key: bytes) -> list[metapb_pb2.Region]:
        raft, _ = self._require()
        enc = encode_bytes(raw_key)
        with raft.lock:
            region = raft.regions.locate(enc)
            if region.start_key == enc:
                return [region]
            return raft.split(region.id, [enc])
