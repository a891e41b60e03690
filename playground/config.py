"""``ClusterConfig``: what a playground cluster listens on, where it keeps data, how it misbehaves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.errors import ConfigError
from playground.faults import parse_spec

DEFAULT_STAGED_TTL_SECONDS = 600.0
DEFAULT_IMPORT_MODE_TIMEOUT_SECONDS = 600.0
DEFAULT_REPLICAS = 3


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for TLS on the gRPC servers (PD and stores)."""

    ca: Path
    cert: Path
    key: Path

    def load(self) -> tuple[bytes, bytes, bytes]:
        return self.ca.read_bytes(), self.cert.read_bytes(), self.key.read_bytes()


def _port(key: str, value: int) -> None:
    if not 0 <= value <= 65535:
        raise ConfigError(key, value, "port must be within 0..65535 (0 = pick a free port)")


@dataclass(frozen=True)
class ClusterConfig:
    """Everything ``Cluster`` needs; ports 0 pick free ports.

    ``store_ports``: explicit ports for stores 1..N (empty = all free ports).
    ``replicas``: peers per region (capped at ``store_count``).
    ``staged_ttl_seconds``: written-but-never-ingested SSTs are dropped after this long.
    ``scatter_delay``: seconds a scatter operator stays RUNNING (uniform in the range).
    """

    data_dir: Path
    host: str = "127.0.0.1"
    pd_port: int = 0
    store_count: int = 3
    sql_port: int = 0
    status_port: int = 0
    faults: str = ""
    seed: int = 0
    store_ports: tuple[int, ...] = ()
    replicas: int = DEFAULT_REPLICAS
    row_format_version: int = 2
    new_collation: bool = True
    staged_ttl_seconds: float = DEFAULT_STAGED_TTL_SECONDS
    import_mode_timeout_seconds: float = DEFAULT_IMPORT_MODE_TIMEOUT_SECONDS
    scatter_delay: tuple[float, float] = (0.05, 0.2)
    tls: TlsFiles | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.store_count < 1:
            raise ConfigError("store_count", self.store_count, "need at least one store")
        if self.replicas < 1:
            raise ConfigError("replicas", self.replicas, "need at least one replica")
        for key, value in (
            ("pd_port", self.pd_port),
            ("sql_port", self.sql_port),
            ("status_port", self.status_port),
        ):
            _port(key, value)
        if self.store_ports and len(self.store_ports) != self.store_count:
            raise ConfigError("store_ports", self.store_ports, "need one port per store")
        for p in self.store_ports:
            _port("store_ports", p)
        if self.row_format_version not in (1, 2):
            raise ConfigError("row_format_version", self.row_format_version, "must be 1 or 2")
        lo, hi = self.scatter_delay
        if not 0 <= lo <= hi:
            raise ConfigError("scatter_delay", self.scatter_delay, "need 0 <= low <= high")
        parse_spec(self.faults)

    @property
    def replica_count(self) -> int:
        return min(self.replicas, self.store_count)
