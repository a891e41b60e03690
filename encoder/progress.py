"""Progress of the job as this encoder sees it: a bar on a terminal, log events otherwise.

Job-wide figures (chunks completed by any encoder, tables finalized) come from the
coordinator's status; this encoder's chunks in flight are added from its workers' events, so
the bar moves between chunk completions. Shows tables done, rows, bytes, MB/s and the ETA.

Public API: ``ProgressView``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

import structlog

from encoder.events import Event, Progress, TaskError, TaskFinished
from encoder.summary import human_bytes, human_seconds
from protos import coordinator_pb2 as cpb

log = structlog.get_logger("encoder.progress")

BAR_WIDTH = 24
# Redraws of the bar per second at most.
REDRAW_INTERVAL_S = 0.5


@dataclass
class _Inflight:
    rows: int = 0
    source_bytes: int = 0


@dataclass
class ProgressView:
    """Aggregates events and job status; renders on ``tick``."""

    plan: cpb.JobPlan
    out: TextIO
    tty: bool
    log_interval: float
    clock: Callable[[], float] = time.monotonic
    total_bytes: int = 0
    done_bytes: int = 0
    done_rows: int = 0
    tables_done: int = 0
    errors: list[str] = field(default_factory=list)
    _inflight: dict[str, _Inflight] = field(default_factory=dict)
    _started: float = 0.0
    _base_bytes: int | None = None
    _last_draw: float = 0.0
    _last_log: float = 0.0
    _drawn: bool = False

    def __post_init__(self) -> None:
        self.total_bytes = sum(t.total_bytes for t in self.plan.tables)
        self._started = self.clock()
        self._last_log = self._started

    # -- inputs ------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if isinstance(event, Progress):
            f = self._inflight.setdefault(event.task_id, _Inflight())
            f.rows += event.rows
            f.source_bytes += event.source_bytes
        elif isinstance(event, TaskFinished):
            self._inflight.pop(event.task_id, None)
        elif isinstance(event, TaskError):
            self._inflight.pop(event.task_id, None)
            if event.fatal:
                self.errors.append(event.message)

    def on_status(self, status: cpb.GetJobStatusResponse) -> None:
        self.done_bytes = sum(t.source_bytes for t in status.tables)
        self.done_rows = sum(t.rows for t in status.tables)
        self.tables_done = sum(t.state in ("verified", "imported") for t in status.tables)
        if self._base_bytes is None:
            self._base_bytes = self.done_bytes

    # -- figures -----------------------------------------------------------------------

    @property
    def bytes(self) -> int:
        inflight = sum(f.source_bytes for f in self._inflight.values())
        return min(self.total_bytes, self.done_bytes + inflight) if self.total_bytes else 0

    @property
    def rows(self) -> int:
        return self.done_rows + sum(f.rows for f in self._inflight.values())

    def rate(self) -> float:
        """Bytes per second since this encoder started (excluding work done before)."""
        elapsed = self.clock() - self._started
        base = self._base_bytes or 0
        return max(self.bytes - base, 0) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        total = self.total_bytes
        frac = self.bytes / total if total else 1.0
        filled = int(frac * BAR_WIDTH)
        rate = self.rate()
        eta = (total - self.bytes) / rate if rate > 0 else None
        return (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {frac * 100:5.1f}%"
            f"  tables {self.tables_done}/{len(self.plan.tables)}"
            f"  rows {self.rows:,}"
            f"  {human_bytes(self.bytes)}/{human_bytes(total)}"
            f"  {rate / 1e6:.1f} MB/s"
            f"  ETA {human_seconds(eta) if eta is not None else '?'}"
        )

    # -- output ------------------------------------------------------------------------

    def tick(self, force: bool = False) -> None:
        now = self.clock()
        if self.tty:
            if force or now - self._last_draw >= REDRAW_INTERVAL_S:
                self.out.write("\r" + self.line() + "\x1b[K")
                self.out.flush()
                self._last_draw = now
                self._drawn = True
        elif force or now - self._last_log >= self.log_interval:
            self._last_log = now
            log.info(
                "progress",
                tables_done=self.tables_done,
                tables=len(self.plan.tables),
                rows=self.rows,
                bytes=self.bytes,
                total_bytes=self.total_bytes,
                mb_per_s=round(self.rate() / 1e6, 2),
            )

    def close(self) -> None:
        if self.tty and self._drawn:
            self.tick(force=True)
            self.out.write("\n")
            self.out.flush()
