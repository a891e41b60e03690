"""Fixtures: a running playground cluster per test module and a gRPC client for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.cluster import Cluster, ClusterConfig
from tests.support.tikv_rpc import ClusterRpc


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cfg = ClusterConfig(data_dir=tmp_path_factory.mktemp("cluster"), scatter_delay=(0.02, 0.05))
    with Cluster(cfg) as c:
        yield c


@pytest.fixture(scope="module")
def rpc(cluster: Cluster) -> Iterator[ClusterRpc]:
    client = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
    yield client
    client.close()


def start_cluster(data_dir: Path, **kwargs: object) -> Cluster:
    cluster = Cluster(ClusterConfig(data_dir=data_dir, **kwargs))  # type: ignore[arg-type]
    cluster.start()
    return cluster
