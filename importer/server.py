"""Assembles the importer daemon: storage, services, gRPC server and status server.

One gRPC port serves ``import_kvpb.ImportKV`` and ``flashload.coordinator.v1.Coordinator``
(mutual TLS when ``[security]`` is set); the optional status address serves ``/metrics``,
``/api/status`` and the status page.

Public API: ``ImporterServer``, ``split_host_port``.
"""

from __future__ import annotations

import time
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import structlog

from importer.cluster import ClusterFactory
from importer.clustermode import ClusterModeGuard
from importer.config import Config
from importer.coordinator import Coordinator
from importer.coordservice import CoordinatorService
from importer.diskspace import DiskGuard
from importer.engine import EngineOptions
from importer.errors import ConfigError
from importer.grpccluster import grpc_cluster_factory
from importer.importjob import ImportSettings
from importer.importmanager import ImportManager
from importer.jobstore import JobStore
from importer.kvservice import VERSION, ImportKVService
from importer.mappedpages import MappedPages
from importer.membudget import MemoryBudget
from importer.metadb import MetaDB
from importer.metrics import Metrics
from importer.registry import ENGINES_DIR, EngineRegistry
from importer.retry import RetryPolicies
from importer.statuspage import StatusServer
from importer.throttle import RateLimiter, StoreSlots
from importer.tls import TlsFiles
from protos import coordinator_pb2_grpc, import_kvpb_pb2_grpc

log = structlog.get_logger("importer.server")

# How long stop() waits for running imports to notice the shutdown and leave their engines
# closed (they check between regions and at every back-off wait).
IMPORT_ABORT_TIMEOUT_S = 60.0


def split_host_port(address: str, key: str) -> tuple[str, int]:
    """``"host:port"`` / ``":port"`` (all interfaces) / ``"[::1]:port"`` -> (host, port)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ConfigError(key, f"expected HOST:PORT, got {address!r}")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


class ImporterServer:
    """The running daemon; ``start`` binds, ``stop`` shuts everything down."""

    def __init__(
        self,
        config: Config,
        *,
        cluster_factory: ClusterFactory | None = None,
        retry_policies: RetryPolicies | None = None,
        clock: Any = time.time,
    ) -> None:
        self.config = config
        imp = config.import_
        sec = config.security
        self.tls = TlsFiles.load(sec.ca_path, sec.cert_path, sec.key_path) if sec.enabled else None
        self.metrics = Metrics()
        data_dir = Path(imp.import_dir)
        self.meta = MetaDB(data_dir)
        self.disk = DiskGuard(data_dir, imp.min_available_ratio)
        self.budget = MemoryBudget(
            config.engine.memory_budget, mapped=MappedPages(data_dir / ENGINES_DIR)
        )
        self.registry = EngineRegistry(
            data_dir,
            self.meta,
            EngineOptions(
                write_buffer_size=config.engine.write_buffer_size,
                max_file_size=config.engine.max_file_size,
                block_cache_size=config.engine.block_cache_size,
                compression=config.engine.compression,
            ),
            max_open_engines=imp.max_open_engines,
            disk=self.disk,
            budget=self.budget,
        )
        self.coordinator = Coordinator(
            JobStore(self.meta),
            lease_ttl_s=config.coordinator.lease_ttl,
            max_task_retries=config.coordinator.max_task_retries,
            clock=clock,
        )
        factory = cluster_factory or grpc_cluster_factory(
            self.tls, self.metrics, timeout_s=config.pd.timeout, window=imp.stream_channel_window
        )
        self.imports = ImportManager(
            self.registry,
            factory,
            ImportSettings(
                region_split_size=imp.region_split_size,
                region_split_keys=imp.region_split_keys,
                num_import_jobs=imp.num_import_jobs,
                send_kv_size=imp.send_kv_size,
                scatter_wait_s=imp.scatter_wait,
                policies=retry_policies or RetryPolicies(),
            ),
            self.metrics,
            default_pd=config.pd.addr,
            modes=ClusterModeGuard(
                switch_interval_s=imp.switch_mode_interval,
                pause_ttl_s=imp.scheduler_pause_ttl,
                pause_scope=imp.pause_pd_scheduler_scope,
            ),
            limiter=RateLimiter(imp.upload_speed_limit),
            slots=StoreSlots(imp.store_concurrency),
        )
        self.metrics.add_gauge_source("engines", "Engines by state.", ["state"], self._engine_gauge)
        self.metrics.add_gauge_source(
            "job_chunks",
            "Chunks of each job: total and done.",
            ["job_id", "kind"],
            self._job_gauge,
        )
        self._grpc: grpc.Server | None = None
        self._status: StatusServer | None = None
        self._stopped = False
        self.address = ""

    # ------------------------------------------------------------------------------ gauges

    def _engine_gauge(self) -> list[tuple[tuple[str, ...], float]]:
        return [((s.value,), float(n)) for s, n in self.registry.count_by_state().items()]

    def _job_gauge(self) -> list[tuple[tuple[str, ...], float]]:
        rows: list[tuple[tuple[str, ...], float]] = []
        for job_id in self.coordinator.job_ids():
            summary = self.coordinator.status(job_id)
            rows.append(((job_id, "total"), float(sum(t.chunks_total for t in summary.tables))))
            rows.append(((job_id, "done"), float(sum(t.chunks_done for t in summary.tables))))
        return rows

    def status_snapshot(self) -> dict[str, Any]:
        """What ``/api/status`` returns."""
        jobs = []
        for job_id in self.coordinator.job_ids():
            s = self.coordinator.status(job_id)
            jobs.append(
                {
                    "job_id": s.job_id,
                    "state": s.state.value,
                    "error": s.error,
                    "schema_state": s.schema_state.value,
                    "tables": [
                        {
                            "db": t.db,
                            "name": t.name,
                            "state": t.state.value,
                            "chunks_total": t.chunks_total,
                            "chunks_done": t.chunks_done,
                            "chunks_running": t.chunks_running,
                            "rows": t.rows,
                            "source_bytes": t.source_bytes,
                            "total_source_bytes": t.total_source_bytes,
                            "error": t.error,
                        }
                        for t in s.tables
                    ],
                }
            )
        engines = [
            {
                "uuid": e.uuid_text,
                "state": e.state.value,
                "kvs": e.kvs,
                "bytes": e.bytes,
                "imports": e.imports,
            }
            for e in self.registry.list()
        ]
        return {"version": VERSION, "jobs": jobs, "engines": engines}

    # --------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        cfg = self.config
        host, port = split_host_port(cfg.server.addr, "server.addr")
        limit = cfg.server.max_message_size
        server = grpc.server(
            futures.ThreadPoolExecutor(
                max_workers=cfg.server.grpc_concurrency, thread_name_prefix="grpc"
            ),
            options=[
                ("grpc.max_receive_message_length", limit),
                ("grpc.max_send_message_length", limit),
                ("grpc.so_reuseport", 0),
            ],
            maximum_concurrent_rpcs=None,
        )
        import_kvpb_pb2_grpc.add_ImportKVServicer_to_server(
            ImportKVService(
                self.registry,
                self.imports,
                self.metrics,
            ),
            server,
        )
        coordinator_pb2_grpc.add_CoordinatorServicer_to_server(
            CoordinatorService(self.coordinator, self.metrics, self.disk), server
        )
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if self.tls is not None:
            bound = server.add_secure_port(bind, self.tls.server_credentials())
        else:
            bound = server.add_insecure_port(bind)
        if not bound:
            raise ConfigError("server.addr", f"cannot listen on {cfg.server.addr}")
        server.start()
        self.budget.start(self.registry.live_engines)
        self._grpc = server
        self.address = f"{host}:{bound}"
        if cfg.status_server_address:
            shost, sport = split_host_port(cfg.status_server_address, "status-server-address")
            self._status = StatusServer(
                shost,
                sport,
                self.metrics.exposition,
                self.status_snapshot,
                self.tls.server_ssl_context() if self.tls else None,
            )
            self._status.start()
        log.info(
            "importer started",
            addr=self.address,
            status_addr=self.status_address,
            data_dir=cfg.import_.import_dir,
            tls=self.tls is not None,
            version=VERSION,
        )

    @property
    def status_address(self) -> str:
        return self._status.address if self._status is not None else ""

    def wait(self) -> None:
        if self._grpc is not None:
            self._grpc.wait_for_termination()

    def stop(self, grace: float = 2.0) -> None:
        """Stops serving, aborts running imports, closes storage; calling it again does nothing."""
        if self._stopped:
            return
        self._stopped = True
        if self._grpc is not None:
            stopped = self._grpc.stop(grace)
            if not self.imports.shutdown(IMPORT_ABORT_TIMEOUT_S):
                log.warning("imports still running at shutdown")
            stopped.wait()
            self._grpc = None
        if self._status is not None:
            self._status.stop()
            self._status = None
        self.imports.close()
        self.budget.stop()
        self.registry.shutdown()
        self.meta.close()
        log.info("importer stopped", addr=self.address)
