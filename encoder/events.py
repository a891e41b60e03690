"""What workers tell the process that shows progress: small picklable events.

Workers (threads or processes) ``emit`` events into an ``EventSink``; the parent drains them
to update the progress bar and to print a task error once.

Public API: ``Progress``, ``TaskFinished``, ``TaskError``, ``WorkerExited``, ``Event``,
``EventSink``, ``QueueSink``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Progress:
    """Rows and source bytes of a chunk encoded and queued for delivery since the last event."""

    task_id: str
    table_index: int
    rows: int
    source_bytes: int
    kvs: int


@dataclass(frozen=True)
class TaskFinished:
    """A task ended (kind: "schema", "chunk", "finalize"); ``completed`` is False when it was
    abandoned or failed."""

    kind: str
    table_index: int
    task_id: str
    seconds: float
    completed: bool = True


@dataclass(frozen=True)
class TaskError:
    """A task failed; ``fatal`` failures fail the job."""

    task_id: str
    message: str
    fatal: bool


@dataclass(frozen=True)
class WorkerExited:
    """A worker left its loop: ``outcome`` is "done", "failed" or "crashed"."""

    worker_id: str
    outcome: str
    message: str = ""


Event = Progress | TaskFinished | TaskError | WorkerExited


class EventSink(Protocol):
    def emit(self, event: Event) -> None: ...


class QueueSink:
    """Emits into anything with ``put`` (``queue.Queue``, ``multiprocessing.Queue``)."""

    def __init__(self, q: Any) -> None:
        self._q = q

    def emit(self, event: Event) -> None:
        self._q.put(event)
