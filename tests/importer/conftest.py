"""Fixtures: an importer server on 127.0.0.1:0 backed by the in-memory fake cluster."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from importer.cluster import ClusterClient
from importer.config import load_config
from importer.retry import RetryPolicies
from importer.server import ImporterServer
from protos import coordinator_pb2_grpc, import_kvpb_pb2_grpc
from tests.support.fake_cluster import FakeCluster


class Harness:
    """A started server, its fake cluster and stubs."""

    def __init__(self, server: ImporterServer, cluster: FakeCluster, pd_seen: list[str]) -> None:
        self.server = server
        self.cluster = cluster
        self.pd_seen = pd_seen
        self.channel = grpc.insecure_channel(server.address)
        self.kv: Any = import_kvpb_pb2_grpc.ImportKVStub(self.channel)
        self.coord: Any = coordinator_pb2_grpc.CoordinatorStub(self.channel)

    def close(self) -> None:
        self.channel.close()
        self.server.stop(grace=0.5)


StartServer = Callable[..., Harness]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers (default: fresh data dir, fake cluster); stops them all afterwards."""
    started: list[Harness] = []

    def start(
        *,
        data_dir: Path | None = None,
        cluster: FakeCluster | None = None,
        clock: Any = None,
        **overrides: object,
    ) -> Harness:
        fake = cluster or FakeCluster()
        seen: list[str] = []

        def factory(pd: str) -> ClusterClient:
            seen.append(pd)
            return fake

        settings: dict[str, object] = {
            "server.addr": "127.0.0.1:0",
            "import.import-dir": str(data_dir or tmp_path / "importer"),
            "import.region-split-size": "4KiB",
            "import.send-kv-size": "1KiB",
            "import.switch-mode-interval": "50ms",
            "import.scheduler-pause-ttl": "1s",
            "import.min-available-ratio": 0.0,
            "pd.addr": "pd-default:2379",
        }
        settings.update(overrides)
        config = load_config(None, settings)
        kwargs: dict[str, Any] = {
            "cluster_factory": factory,
            "retry_policies": RetryPolicies.fast(),
        }
        if clock is not None:
            kwargs["clock"] = clock
        server = ImporterServer(config, **kwargs)
        server.start()
        harness = Harness(server, fake, seen)
        started.append(harness)
        return harness

    yield start
    for harness in reversed(started):
        harness.close()
