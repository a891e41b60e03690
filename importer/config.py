"""The importer's typed configuration: defaults < TOML file < command-line flags.

Keys follow ``tikv-importer.toml`` where the meaning is the same; every key is documented in
``deploy/importer.toml``. Unknown keys are rejected with the dotted key named. Sizes accept
``"96MiB"``, ``"512MB"`` (binary units, as TiKV reads them) or plain byte counts; durations
accept ``"5m"``, ``"30s"``, ``"250ms"``, ``"1h"`` or plain seconds.

Public API: ``Config`` and its sections, ``load_config``, ``parse_size``, ``parse_duration``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.errors import ConfigError

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?B)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "K": KIB, "M": MIB, "G": GIB, "T": 1024 * GIB, "P": 1024 * 1024 * GIB}
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_size(value: object, key: str = "size") -> int:
    """Bytes from an int or a string like ``"96MiB"`` / ``"512MB"`` / ``"1024"``."""
    if isinstance(value, bool):
        raise ConfigError(key, f"expected a size, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ConfigError(key, f"size must not be negative, got {value}")
        return value
    if isinstance(value, str):
        m = _SIZE_RE.match(value)
        if m:
            return int(float(m.group(1)) * _SIZE_UNITS[m.group(2).upper()])
    raise ConfigError(key, f"expected a size like '96MiB', got {value!r}")


def parse_duration(value: object, key: str = "duration") -> float:
    """Seconds from a number or a string like ``"5m"`` / ``"1m30s"`` / ``"250ms"``."""
    if isinstance(value, bool):
        raise ConfigError(key, f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise ConfigError(key, f"duration must not be negative, got {value}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        parts = _DURATION_RE.findall(text)
        if parts and "".join(n + u for n, u in parts) == text:
            return sum(float(n) * _DURATION_UNITS[u] for n, u in parts)
    raise ConfigError(key, f"expected a duration like '5m' or '30s', got {value!r}")


def _size(default: int, doc: str = "") -> Any:
    return field(default=default, metadata={"kind": "size", "doc": doc})


def _duration(default: float) -> Any:
    return field(default=default, metadata={"kind": "duration"})


@dataclass(frozen=True)
class ServerConfig:
    addr: str = "127.0.0.1:8287"
    grpc_concurrency: int = 16
    max_message_size: int = _size(128 * MIB)


@dataclass(frozen=True)
class ImportConfig:
    import_dir: str = "/tmp/flashload/import"
    num_import_jobs: int = 8
    store_concurrency: int = 4
    max_open_engines: int = 8
    region_split_size: int = _size(96 * MIB)
    region_split_keys: int = 1_280_000
    upload_speed_limit: int = _size(512 * MIB)
    min_available_ratio: float = 0.05
    stream_channel_window: int = 16
    send_kv_size: int = _size(1 * MIB)
    switch_mode_interval: float = _duration(300.0)
    pause_pd_scheduler_scope: str = "table"
    scheduler_pause_ttl: float = _duration(300.0)
    scatter_wait: float = _duration(180.0)


@dataclass(frozen=True)
class EngineConfig:
    write_buffer_size: int = _size(64 * MIB)
    max_file_size: int = _size(64 * MIB)
    block_cache_size: int = _size(8 * MIB)
    compression: str = "snappy"
    memory_budget: int = _size(192 * MIB)


@dataclass(frozen=True)
class CoordinatorConfig:
    lease_ttl: float = _duration(60.0)
    max_task_retries: int = 3


@dataclass(frozen=True)
class PdConfig:
    addr: str = ""
    timeout: float = _duration(30.0)


@dataclass(frozen=True)
class SecurityConfig:
    ca_path: str = ""
    cert_path: str = ""
    key_path: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.ca_path or self.cert_path or self.key_path)


@dataclass(frozen=True)
class Config:
    log_level: str = "info"
    log_format: str = "auto"
    log_file: str = ""
    status_server_address: str = ""
    server: ServerConfig = field(default_factory=ServerConfig)
    import_: ImportConfig = field(default_factory=ImportConfig, metadata={"toml": "import"})
    engine: EngineConfig = field(default_factory=EngineConfig)
    coordinator: CoordinatorConfig = field(default_factory=CoordinatorConfig)
    pd: PdConfig = field(default_factory=PdConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)

    def with_overrides(self, overrides: Mapping[str, object]) -> Config:
        """A copy with dotted-key overrides applied (``{"import.import-dir": "/d"}``)."""
        nested: dict[str, Any] = {}
        for dotted, value in overrides.items():
            section, _, name = dotted.rpartition(".")
            target = nested.setdefault(section, {}) if section else nested
            target[name] = value
        updated: Config = _apply(self, nested, "")
        return updated


_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_LOG_FORMATS = ("auto", "console", "json")
_COMPRESSIONS = ("snappy", "none")
_PAUSE_SCOPES = ("table", "global", "off")


def _toml_name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("toml", f.name.replace("_", "-")))


def _convert(f: dataclasses.Field[Any], value: object, key: str) -> object:
    kind = f.metadata.get("kind")
    if kind == "size":
        return parse_size(value, key)
    if kind == "duration":
        return parse_duration(value, key)
    expected = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
    if expected == "bool":
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {value!r}")
        return value
    if expected == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected an integer, got {value!r}")
        return value
    if expected == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, f"expected a number, got {value!r}")
        return float(value)
    if expected == "str":
        if not isinstance(value, str):
            raise ConfigError(key, f"expected a string, got {value!r}")
        return value
    raise ConfigError(key, f"unsupported type {expected}")  # pragma: no cover


def _apply(obj: Any, data: Mapping[str, Any], prefix: str) -> Any:
    """A copy of the config dataclass ``obj`` with the TOML table ``data`` applied."""
    fields = {_toml_name(f): f for f in dataclasses.fields(obj)}
    changes: dict[str, object] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        f = fields.get(name)
        if f is None:
            raise ConfigError(key, "unknown key")
        current = getattr(obj, f.name)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise ConfigError(key, "expected a table")
            changes[f.name] = _apply(current, value, f"{key}.")
        else:
            if isinstance(value, Mapping):
                raise ConfigError(key, "unknown table")
            changes[f.name] = _convert(f, value, key)
    return dataclasses.replace(obj, **changes)


def _validate(cfg: Config) -> Config:
    imp = cfg.import_
    positive = {
        "server.grpc-concurrency": cfg.server.grpc_concurrency,
        "server.max-message-size": cfg.server.max_message_size,
        "import.num-import-jobs": imp.num_import_jobs,
        "import.store-concurrency": imp.store_concurrency,
        "import.max-open-engines": imp.max_open_engines,
        "import.region-split-size": imp.region_split_size,
        "import.region-split-keys": imp.region_split_keys,
        "import.stream-channel-window": imp.stream_channel_window,
        "import.send-kv-size": imp.send_kv_size,
        "engine.write-buffer-size": cfg.engine.write_buffer_size,
        "engine.max-file-size": cfg.engine.max_file_size,
        "engine.memory-budget": cfg.engine.memory_budget,
        "coordinator.lease-ttl": cfg.coordinator.lease_ttl,
        "pd.timeout": cfg.pd.timeout,
    }
    for key, value in positive.items():
        if value <= 0:
            raise ConfigError(key, f"must be positive, got {value}")
    if cfg.coordinator.max_task_retries < 0:
        raise ConfigError("coordinator.max-task-retries", "must not be negative")
    if not 0.0 <= imp.min_available_ratio < 1.0:
        raise ConfigError("import.min-available-ratio", "must be in [0, 1)")
    if cfg.log_level.lower() not in _LOG_LEVELS:
        raise ConfigError("log-level", f"must be one of {', '.join(_LOG_LEVELS)}")
    if cfg.log_format not in _LOG_FORMATS:
        raise ConfigError("log-format", f"must be one of {', '.join(_LOG_FORMATS)}")
    if imp.pause_pd_scheduler_scope not in _PAUSE_SCOPES:
        raise ConfigError(
            "import.pause-pd-scheduler-scope", f"must be one of {', '.join(_PAUSE_SCOPES)}"
        )
    if cfg.engine.compression not in _COMPRESSIONS:
        raise ConfigError("engine.compression", f"must be one of {', '.join(_COMPRESSIONS)}")
    if not imp.import_dir:
        raise ConfigError("import.import-dir", "must not be empty")
    sec = cfg.security
    if sec.enabled and not (sec.ca_path and sec.cert_path and sec.key_path):
        raise ConfigError("security", "ca-path, cert-path and key-path must be set together")
    return cfg


def load_config(path: Path | None = None, overrides: Mapping[str, object] | None = None) -> Config:
    """Defaults, then the TOML file at ``path`` (if any), then dotted-key ``overrides``."""
    cfg = Config()
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(str(path), f"cannot read: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"invalid TOML: {exc}") from exc
        cfg = _apply(cfg, data, "")
    assert isinstance(cfg, Config)
    if overrides:
        cfg = cfg.with_overrides(overrides)
    return _validate(cfg)
