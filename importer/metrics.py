"""Prometheus metrics of one importer instance (its own registry, so tests can run several).

Served as text on the status address (``/metrics``) and by ``ImportKV.GetMetrics``.

Public API: ``Metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from importer.errors import RegionError, RpcFailure

NAMESPACE = "flashload_importer"


class _CallbackCollector(Collector):
    """Gauges computed on scrape from a callback returning ``(labels, value)`` rows."""

    def __init__(
        self,
        name: str,
        doc: str,
        labels: list[str],
        source: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    ) -> None:
        self._name, self._doc, self._labels, self._source = name, doc, labels, source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self._name, self._doc, labels=self._labels)
        for labels, value in self._source():
            family.add_metric(list(labels), value)
        yield family


class Metrics:
    """Every metric the importer exports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.write_bytes = Counter(
            "write_bytes",
            "Bytes (key + value) written into engines.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.write_kvs = Counter(
            "write_kvs", "KV pairs written into engines.", namespace=NAMESPACE, registry=r
        )
        self.import_bytes = Counter(
            "import_bytes",
            "Bytes (key + value) ingested into TiKV.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.import_kvs = Counter(
            "import_kvs", "KV pairs ingested into TiKV.", namespace=NAMESPACE, registry=r
        )
        self.import_regions = Counter(
            "import_regions",
            "Region ranges written and ingested.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.imports = Counter(
            "imports", "Engine imports by result.", ["result"], namespace=NAMESPACE, registry=r
        )
        self.import_progress = Gauge(
            "import_progress_ratio",
            "Fraction of the bytes of each running engine import already ingested.",
            ["uuid"],
            namespace=NAMESPACE,
            registry=r,
        )
        self.region_errors = Counter(
            "region_errors",
            "Region and RPC errors met while splitting/writing/ingesting.",
            ["kind"],
            namespace=NAMESPACE,
            registry=r,
        )
        self.retries = Counter(
            "retries", "Retries by import stage.", ["stage"], namespace=NAMESPACE, registry=r
        )
        self.rpc_latency = Histogram(
            "rpc_duration_seconds",
            "Latency of RPCs to PD and TiKV.",
            ["method"],
            namespace=NAMESPACE,
            registry=r,
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120),
        )
        self.request_latency = Histogram(
            "request_duration_seconds",
            "Latency of the importer's own gRPC methods.",
            ["method"],
            namespace=NAMESPACE,
            registry=r,
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300, 3600),
        )
        self.requests = Counter(
            "requests",
            "ImportKV and Coordinator requests by method and status code.",
            ["method", "code"],
            namespace=NAMESPACE,
            registry=r,
        )

    def add_gauge_source(
        self,
        name: str,
        doc: str,
        labels: list[str],
        source: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    ) -> None:
        """Registers a gauge family computed on every scrape (engines by state, jobs...)."""
        self.registry.register(_CallbackCollector(f"{NAMESPACE}_{name}", doc, labels, source))

    def observe_region_error(self, exc: BaseException) -> None:
        if isinstance(exc, RegionError):
            kind = exc.kind.value
        elif isinstance(exc, RpcFailure):
            kind = "rpc"
        else:
            kind = "other"
        self.region_errors.labels(kind=kind).inc()

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return bytes(generate_latest(self.registry))
