"""Delivering encoded KV pairs: a thread behind a bounded queue, so gRPC overlaps encoding.

The encoding loop ``put``s (data pairs, index pairs) of each batch; the delivery thread writes
them into the chunk's data engine and the table's index engine (one ``WriteEngine`` stream
each), repeating a write the importer could not take (restarting, busy) — re-writing the same
pairs is idempotent. The queue holds at most ``depth`` batches, which bounds memory. The first
error stops delivery; ``put`` and ``finish`` re-raise it in the encoding thread.

Public API: ``Delivery``, ``Writer``.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Sequence
from typing import Protocol

from encoder.retry import retry

Pairs = list[tuple[bytes, bytes]]
_STOP = None
# How often a blocked ``put`` looks at the delivery thread's health.
PUT_POLL_S = 0.5


class Writer(Protocol):
    """What delivery needs from the ImportKV client."""

    def write(
        self, uuid: uuidlib.UUID, pairs: Sequence[tuple[bytes, bytes]], commit_ts: int = 0
    ) -> None: ...


class Delivery:
    """One chunk's delivery thread (a context manager: stops the thread on exit)."""

    def __init__(
        self,
        writer: Writer,
        data_engine: uuidlib.UUID,
        index_engine: uuidlib.UUID,
        *,
        commit_ts: int = 0,
        depth: int = 8,
        check: Callable[[], None] | None = None,
    ) -> None:
        self._writer = writer
        self._engines = (data_engine, index_engine)
        self._commit_ts = commit_ts
        self._check = check
        self._queue: queue.Queue[tuple[Pairs, Pairs] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abort = threading.Event()
        self.deliver_seconds = 0.0
        self.pairs = 0
        self._thread = threading.Thread(target=self._run, name="delivery", daemon=True)
        self._thread.start()

    def __enter__(self) -> Delivery:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, data: Pairs, index: Pairs) -> None:
        """Queues one batch; blocks while the queue is full; raises delivery's error."""
        item = (data, index)
        while True:
            self._raise_if_failed()
            try:
                self._queue.put(item, timeout=PUT_POLL_S)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Waits until every queued pair is written; raises delivery's error."""
        self.put_stop()
        self._thread.join()
        self._raise_if_failed()

    def put_stop(self) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=PUT_POLL_S)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Stops the thread without waiting for queued batches (after an error)."""
        self._abort.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self.put_stop()
        self._thread.join(timeout=30)

    def _write(self, engine: uuidlib.UUID, pairs: Pairs) -> None:
        if pairs:
            retry(
                lambda: self._writer.write(engine, pairs, self._commit_ts),
                what="write engine",
                check=self._check,
            )

    def _run(self) -> None:
        data_engine, index_engine = self._engines
        try:
            while True:
                item = self._queue.get()
                if item is _STOP or self._abort.is_set():
                    return
                data, index = item
                started = time.perf_counter()
                self._write(data_engine, data)
                self._write(index_engine, index)
                self.deliver_seconds += time.perf_counter() - started
                self.pairs += len(data) + len(index)
        except BaseException as exc:
            self._error = exc
