"""Running workers: one in a thread of this process, or N worker processes.

Every worker builds its own connections (gRPC channel, TiDB session) from a picklable
``WorkerSpec``, runs ``Worker.run`` and reports through an event queue; its worker id is
``host/pid/index``, so each holds its own leases. Worker processes exit when the parent
process disappears (``kill -9`` of the encoder stops its workers too); their leases then
expire and other encoders, or a restarted one, take the tasks over.

Public API: ``WorkerSpec``, ``WorkerPool``, ``build_context``, ``run_worker``.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import structlog

from encoder.config import EncoderConfig
from encoder.context import WorkerContext
from encoder.coordclient import CoordinatorClient
from encoder.events import EventSink, QueueSink, WorkerExited
from encoder.importerlink import open_channel
from encoder.kvclient import ImportKVClient
from encoder.logsetup import LogSettings, configure_logging
from encoder.settings import JobSettings
from encoder.tidbsql import TidbSQL
from encoder.tidbstatus import TidbStatus
from encoder.worker import Worker
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("encoder.pool")

# How often a worker process checks that its parent is alive.
PARENT_CHECK_S = 1.0


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to start, picklable."""

    config: EncoderConfig
    job_id: str
    plan: bytes
    pd_addr: str
    log: LogSettings
    index: int = 0


def build_context(spec: WorkerSpec, events: EventSink) -> WorkerContext:
    plan = cpb.JobPlan.FromString(spec.plan)
    cfg = spec.config
    channel = open_channel(cfg.importer.addr)
    worker_id = f"{socket.gethostname()}/{os.getpid()}/{spec.index}"
    return WorkerContext(
        worker_id=worker_id,
        plan=plan,
        settings=JobSettings.loads(plan.settings_json),
        config=cfg,
        kv=ImportKVClient(channel, batch_pairs=cfg.importer.send_kv_pairs),
        coord=CoordinatorClient(channel, spec.job_id, worker_id),
        tidb=TidbSQL(cfg.tidb.host, cfg.tidb.port, cfg.tidb.user, cfg.tidb.password),
        status=TidbStatus(cfg.tidb.status_addr),
        pd_addr=spec.pd_addr,
        events=events,
    )


def run_worker(spec: WorkerSpec, events: EventSink) -> None:
    """Runs one worker to the end of the job; always emits ``WorkerExited``."""
    worker_id = f"{socket.gethostname()}/{os.getpid()}/{spec.index}"
    try:
        ctx = build_context(spec, events)
        outcome = Worker(ctx, spec.config.lightning.finalize_concurrency).run()
        ctx.tidb.close()
        events.emit(WorkerExited(worker_id, "done" if outcome.done else "failed", outcome.error))
    except BaseException as exc:
        log.exception("worker crashed", worker=worker_id)
        events.emit(WorkerExited(worker_id, "crashed", repr(exc)))
        if not isinstance(exc, Exception):
            raise


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent:
            os._exit(3)


def _process_main(spec: WorkerSpec, q: Any, parent: int) -> None:
    configure_logging(spec.log)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    run_worker(spec, QueueSink(q))


class WorkerPool:
    """``count`` workers of one job; events arrive on ``events``."""

    def __init__(self, spec: WorkerSpec, count: int) -> None:
        self.count = count
        self._threads: list[threading.Thread] = []
        self._procs: list[Any] = []
        if count <= 1:
            self.events: Any = queue.Queue()
            sink = QueueSink(self.events)
            self._threads.append(
                threading.Thread(target=run_worker, args=(spec, sink), name="worker", daemon=True)
            )
        else:
            mp = multiprocessing.get_context("spawn")
            self.events = mp.Queue()
            for i in range(count):
                s = WorkerSpec(spec.config, spec.job_id, spec.plan, spec.pd_addr, spec.log, i)
                self._procs.append(
                    mp.Process(
                        target=_process_main,
                        args=(s, self.events, os.getpid()),
                        name=f"encoder-worker-{i}",
                        daemon=True,
                    )
                )

    def start(self) -> None:
        for t in self._threads:
            t.start()
        for p in self._procs:
            p.start()
        log.info("workers started", workers=self.count)

    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads) or any(p.is_alive() for p in self._procs)

    def next_event(self, timeout: float) -> Any:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def exit_codes(self) -> list[int | None]:
        return [p.exitcode for p in self._procs]

    def terminate(self) -> None:
        for p in self._procs:
            if p.is_alive():
                p.terminate()
        for p in self._procs:
            p.join(timeout=10)
