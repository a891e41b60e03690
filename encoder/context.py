"""Everything a worker's tasks share: the job, its settings, the clients, a TableInfo cache.

Public API: ``WorkerContext``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from encoder.config import EncoderConfig
from encoder.coordclient import CoordinatorClient
from encoder.events import EventSink
from encoder.kvclient import ImportKVClient
from encoder.retry import retry
from encoder.settings import JobSettings
from encoder.tidbsql import TidbSQL
from encoder.tidbstatus import TidbStatus
from protos import coordinator_pb2 as cpb
from tidbkv.schema import TableInfo


@dataclass
class WorkerContext:
    """One worker's view of the job and its connections (not shared between processes)."""

    worker_id: str
    plan: cpb.JobPlan
    settings: JobSettings
    config: EncoderConfig
    kv: ImportKVClient
    coord: CoordinatorClient
    tidb: TidbSQL
    status: TidbStatus
    pd_addr: str
    events: EventSink
    _tables: dict[tuple[str, str], TableInfo] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root(self) -> Path:
        return Path(self.config.mydumper.data_source_dir)

    @property
    def job_id(self) -> str:
        return self.coord.job_id

    def table_info(self, db: str, table: str) -> TableInfo:
        """The target table's TableInfo from TiDB's status API (cached once read)."""
        key = (db, table)
        with self._lock:
            cached = self._tables.get(key)
        if cached is not None:
            return cached
        info = retry(lambda: self.status.table_info(db, table), what="read table schema")
        with self._lock:
            self._tables[key] = info
        return info
