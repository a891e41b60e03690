"""The path from encoded pairs to the importer: bulk-serialized WriteEngine messages equal
protobuf's, the ImportKV client against a real importer server (errors translated at the
edge), the delivery thread (bounded, retries transient failures, surfaces the rest), and the
retry loop."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from encoder.delivery import Delivery
from encoder.errors import (
    EngineClosed,
    EngineMissing,
    ImporterError,
    ImporterUnavailable,
    LeaseLost,
    TooManyOpenEngines,
)
from encoder.importerlink import open_channel
from encoder.kvclient import ImportKVClient
from encoder.retry import Backoff, retry
from importer.config import load_config
from importer.server import ImporterServer


@pytest.fixture
def importer(tmp_path: Path) -> Iterator[ImporterServer]:
    cfg = load_config(
        None,
        {
            "server.addr": "127.0.0.1:0",
            "import.import-dir": str(tmp_path / "imp"),
            "import.min-available-ratio": 0.0,
            "import.max-open-engines": 2,
        },
    )
    server = ImporterServer(cfg)
    server.start()
    yield server
    server.stop(grace=0.2)


def test_engine_lifecycle_through_the_client_and_translated_errors(
    importer: ImporterServer,
) -> None:
    kv = ImportKVClient(open_channel(importer.address), batch_pairs=3)
    a, b, c = (uuidlib.uuid4() for _ in range(3))
    kv.open(a)
    kv.open(a)  # idempotent while open
    pairs = [(b"t\x80" + bytes([i]), b"v%d" % i) for i in range(10)]
    kv.write(a, pairs)
    kv.write(a, pairs)  # re-delivery is harmless
    info = importer.registry.get(a.bytes)
    assert info is not None and info.kvs == 20
    kv.open(b)
    with pytest.raises(TooManyOpenEngines) as full:
        kv.open(c)
    assert full.value.retryable
    assert kv.close(a)
    with pytest.raises(EngineClosed):
        kv.open(a)
    with pytest.raises(EngineMissing):
        kv.write(a, pairs)  # closed: the importer answers engine_not_found
    with pytest.raises(EngineMissing):
        kv.import_(c, "127.0.0.1:1")  # never opened
    assert not kv.close(c)
    kv.cleanup(a)
    kv.cleanup(a)
    assert importer.registry.get(a.bytes) is None
    assert kv.version(timeout=5)


def test_an_unreachable_importer_is_a_retryable_error() -> None:
    kv = ImportKVClient(open_channel("127.0.0.1:1"))
    with pytest.raises(ImporterUnavailable) as err:
        kv.version(timeout=2)
    assert err.value.retryable and err.value.method == "GetVersion"


class FlakyWriter:
    """Fails the first ``failures`` writes with a retryable error, then records them."""

    def __init__(self, failures: int = 0, fatal: Exception | None = None) -> None:
        self.failures = failures
        self.fatal = fatal
        self.written: list[tuple[uuidlib.UUID, list[tuple[bytes, bytes]]]] = []
        self.gate = threading.Event()
        self.gate.set()

    def write(
        self, uuid: uuidlib.UUID, pairs: Sequence[tuple[bytes, bytes]], commit_ts: int = 0
    ) -> None:
        self.gate.wait()
        if self.fatal is not None:
            raise self.fatal
        if self.failures:
            self.failures -= 1
            raise ImporterUnavailable("WriteEngine", "UNAVAILABLE", "restarting")
        self.written.append((uuid, list(pairs)))


DATA, INDEX = uuidlib.uuid4(), uuidlib.uuid4()


def test_delivery_writes_data_and_index_engines_in_order_through_transient_failures() -> None:
    writer = FlakyWriter(failures=2)
    with Delivery(writer, DATA, INDEX, depth=2) as d:
        for i in range(5):
            d.put([(b"d%d" % i, b"")], [(b"i%d" % i, b"")] if i % 2 else [])
        d.finish()
    assert [(u, p[0][0]) for u, p in writer.written] == [
        (DATA, b"d0"),
        (DATA, b"d1"),
        (INDEX, b"i1"),
        (DATA, b"d2"),
        (DATA, b"d3"),
        (INDEX, b"i3"),
        (DATA, b"d4"),
    ]
    assert d.pairs == 7


def test_a_full_queue_blocks_the_encoder_and_a_delivery_error_reaches_it() -> None:
    writer = FlakyWriter(fatal=ImporterError("WriteEngine", "INVALID_ARGUMENT", "bad key"))
    writer.gate.clear()
    d = Delivery(writer, DATA, INDEX, depth=1)
    d.put([(b"a", b"")], [])  # taken by the thread, which waits at the gate
    d.put([(b"b", b"")], [])  # fills the queue
    blocked = threading.Thread(target=lambda: _swallow(lambda: d.put([(b"c", b"")], [])))
    blocked.start()
    time.sleep(0.3)
    assert blocked.is_alive()  # bounded: the third batch waits
    writer.gate.set()
    blocked.join(5)
    with pytest.raises(ImporterError, match="bad key"):
        d.finish()
    d.close()


def _swallow(fn: Callable[[], None]) -> None:
    with contextlib.suppress(ImporterError):
        fn()


def test_retry_repeats_transient_errors_and_stops_on_others_or_a_lost_lease() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ImporterUnavailable("X", "UNAVAILABLE", "down")
        return "ok"

    slept: list[float] = []
    assert retry(flaky, what="x", sleep=slept.append) == "ok"
    assert slept == [0.1, 0.2]
    with pytest.raises(EngineClosed):
        retry(
            lambda: (_ for _ in ()).throw(EngineClosed("X", "ALREADY_EXISTS", "closed")), what="x"
        )

    def lost() -> None:
        raise LeaseLost("chunk/0/0")

    with pytest.raises(LeaseLost):
        retry(flaky, what="x", check=lost, sleep=slept.append)
    clock = iter([0.0, 0.0, 100.0, 100.0])
    with pytest.raises(ImporterUnavailable):
        retry(
            lambda: (_ for _ in ()).throw(ImporterUnavailable("X", "UNAVAILABLE", "down")),
            what="x",
            limit_s=50,
            sleep=lambda s: None,
            clock=lambda: next(clock),
        )
    b = Backoff(base=1, factor=2, cap=5)
    assert [b.next() for _ in range(5)] == [1, 2, 4, 5, 5]
