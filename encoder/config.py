"""The encoder's typed configuration: defaults < TOML file (``--config``) < command-line flags.

Sections and keys follow ``tidb-lightning.toml`` where the meaning is the same (``[lightning]``,
``[tikv-importer]``, ``[tidb]``, ``[post-restore]``, ``[cron]``, ``[mydumper]`` with
``[mydumper.csv]`` / ``[[mydumper.files]]``) plus ``[ticdc]``; ``deploy/encoder.toml``
documents every key. Unknown keys are rejected naming the dotted key. Defaults point at a
local playground: TiDB 127.0.0.1:4000 (status 10080), importer 127.0.0.1:8287, PD from TiDB's
``/settings`` (else 127.0.0.1:2379).

``load_config(path, overrides)`` applies ``overrides`` (dotted keys, e.g.
``{"tidb.port": 4001}``) over the file before validating, so flags win.

Public API: ``EncoderConfig`` and its sections, ``CheckMode``, ``load_config``,
``parse_duration``, ``split_host_port``, ``DEFAULT_SQL_MODE``.
"""

from __future__ import annotations

import enum
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from encoder.source import ConfigError, MydumperConfig, TiCDCConfig

# TiDB's own default sql_mode: strict, so values that do not fit are errors, not silently
# clamped. (Lightning's default "ONLY_FULL_GROUP_BY,NO_AUTO_CREATE_USER" is not strict.)
DEFAULT_SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
)
_LOG_LEVELS = ("debug", "info", "warning", "error")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class CheckMode(enum.StrEnum):
    """``[post-restore] checksum`` / ``analyze``: fail on error, warn on error, or skip."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    OFF = "off"


def parse_duration(key: str, value: object) -> float:
    """Seconds from a number or a string like ``"5m"``, ``"1m30s"``, ``"250ms"``."""
    if isinstance(value, bool):
        raise ConfigError(key, f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise ConfigError(key, f"must not be negative, got {value!r}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        parts = _DURATION.findall(text)
        if parts and "".join(n + u for n, u in parts) == text:
            return sum(float(n) * _DURATION_UNITS[u] for n, u in parts)
    raise ConfigError(key, f"expected a duration like '5m' or '30s', got {value!r}")


def split_host_port(key: str, text: str) -> tuple[str, int]:
    """``"host:port"`` / ``"[::1]:port"`` -> (host, port); ``ConfigError`` naming ``key``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(key, f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


class _Section:
    """Pops typed values out of one TOML table, remembering which keys were consumed."""

    def __init__(self, data: object, prefix: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(prefix, f"expected a table, got {type(data).__name__}")
        self.data = dict(data)
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def pop(self, name: str, default: object) -> object:
        return self.data.pop(name, default)

    def string(self, name: str, default: str) -> str:
        v = self.data.pop(name, default)
        if not isinstance(v, str):
            raise ConfigError(self.key(name), f"expected a string, got {v!r}")
        return v

    def integer(self, name: str, default: int, minimum: int = 0) -> int:
        v = self.data.pop(name, default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ConfigError(self.key(name), f"expected an integer, got {v!r}")
        if v < minimum:
            raise ConfigError(self.key(name), f"must be at least {minimum}, got {v}")
        return v

    def boolean(self, name: str, default: bool) -> bool:
        v = self.data.pop(name, default)
        if not isinstance(v, bool):
            raise ConfigError(self.key(name), f"expected true or false, got {v!r}")
        return v

    def duration(self, name: str, default: float) -> float:
        return parse_duration(self.key(name), self.data.pop(name, default))

    def mode(self, name: str, default: CheckMode) -> CheckMode:
        v = self.data.pop(name, default)
        if isinstance(v, bool):
            return CheckMode.REQUIRED if v else CheckMode.OFF
        try:
            return CheckMode(str(v).lower())
        except ValueError:
            raise ConfigError(
                self.key(name), f"expected 'required', 'optional' or 'off', got {v!r}"
            ) from None

    def finish(self) -> None:
        for name in sorted(self.data):
            raise ConfigError(self.key(name), "unknown key")


@dataclass(frozen=True)
class LightningSection:
    """``[lightning]``: worker processes, logging, prechecks."""

    region_concurrency: int = 0  # 0 = one worker per CPU
    finalize_concurrency: int = 1
    level: str = "info"
    file: str = ""
    check_requirements: bool = True

    @property
    def workers(self) -> int:
        return self.region_concurrency or os.cpu_count() or 1


@dataclass(frozen=True)
class ImporterSection:
    """``[tikv-importer]``: where the importer is and how KV pairs are batched to it."""

    addr: str = "127.0.0.1:8287"
    max_kv_pairs: int = 4096
    send_kv_pairs: int = 2048
    queue_batches: int = 8


@dataclass(frozen=True)
class TidbSection:
    """``[tidb]``: the target cluster."""

    host: str = "127.0.0.1"
    port: int = 4000
    status_host: str = ""
    status_port: int = 10080
    user: str = "root"
    password: str = ""
    pd_addr: str = ""
    sql_mode: str = DEFAULT_SQL_MODE

    @property
    def sql_addr(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def status_addr(self) -> str:
        return f"{self.status_host or self.host}:{self.status_port}"


@dataclass(frozen=True)
class PostRestoreSection:
    """``[post-restore]``: verification and statistics after each table is imported."""

    checksum: CheckMode = CheckMode.REQUIRED
    analyze: CheckMode = CheckMode.OPTIONAL


@dataclass(frozen=True)
class CronSection:
    """``[cron]``: periodic work."""

    log_progress: float = 300.0


@dataclass(frozen=True)
class EncoderConfig:
    """The whole configuration."""

    lightning: LightningSection = field(default_factory=LightningSection)
    importer: ImporterSection = field(default_factory=ImporterSection)
    tidb: TidbSection = field(default_factory=TidbSection)
    post_restore: PostRestoreSection = field(default_factory=PostRestoreSection)
    cron: CronSection = field(default_factory=CronSection)
    mydumper: MydumperConfig = field(default_factory=MydumperConfig)
    ticdc: TiCDCConfig = field(default_factory=TiCDCConfig)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EncoderConfig:
        top = dict(data)
        lt = _Section(top.pop("lightning", {}), "lightning")
        lightning = LightningSection(
            region_concurrency=lt.integer("region-concurrency", 0),
            finalize_concurrency=lt.integer("finalize-concurrency", 1),
            level=lt.string("level", "info").lower(),
            file=lt.string("file", ""),
            check_requirements=lt.boolean("check-requirements", True),
        )
        lt.finish()
        if lightning.level not in _LOG_LEVELS:
            raise ConfigError("lightning.level", f"must be one of {', '.join(_LOG_LEVELS)}")

        im = _Section(top.pop("tikv-importer", {}), "tikv-importer")
        importer = ImporterSection(
            addr=im.string("addr", "127.0.0.1:8287"),
            max_kv_pairs=im.integer("max-kv-pairs", 4096, minimum=1),
            send_kv_pairs=im.integer("send-kv-pairs", 2048, minimum=1),
            queue_batches=im.integer("queue-batches", 8, minimum=1),
        )
        im.finish()
        split_host_port("tikv-importer.addr", importer.addr)

        td = _Section(top.pop("tidb", {}), "tidb")
        tidb = TidbSection(
            host=td.string("host", "127.0.0.1"),
            port=td.integer("port", 4000, minimum=1),
            status_host=td.string("status-host", ""),
            status_port=td.integer("status-port", 10080, minimum=1),
            user=td.string("user", "root"),
            password=td.string("password", ""),
            pd_addr=td.string("pd-addr", ""),
            sql_mode=td.string("sql-mode", DEFAULT_SQL_MODE),
        )
        td.finish()
        if tidb.pd_addr:
            split_host_port("tidb.pd-addr", tidb.pd_addr.split(",")[0].strip())

        pr = _Section(top.pop("post-restore", {}), "post-restore")
        post = PostRestoreSection(
            checksum=pr.mode("checksum", CheckMode.REQUIRED),
            analyze=pr.mode("analyze", CheckMode.OPTIONAL),
        )
        pr.finish()

        cr = _Section(top.pop("cron", {}), "cron")
        cron = CronSection(log_progress=cr.duration("log-progress", 300.0))
        cr.finish()
        if cron.log_progress <= 0:
            raise ConfigError("cron.log-progress", "must be positive")

        mydumper = MydumperConfig.from_dict(top.pop("mydumper", {}))
        ticdc = TiCDCConfig.from_dict(top.pop("ticdc", {}))
        for name in sorted(top):
            raise ConfigError(name, "unknown key")
        return cls(lightning, importer, tidb, post, cron, mydumper, ticdc)


def _set_dotted(data: dict[str, Any], dotted: str, value: object) -> None:
    *sections, name = dotted.split(".")
    target = data
    for s in sections:
        nxt = target.setdefault(s, {})
        if not isinstance(nxt, dict):
            raise ConfigError(s, "expected a table")
        target = nxt
    target[name] = value


def load_config(
    path: Path | None = None, overrides: Mapping[str, object] | None = None
) -> EncoderConfig:
    """Defaults, then the TOML file at ``path`` (if any), then dotted-key ``overrides``."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(str(path), f"cannot read: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"invalid TOML: {exc}") from exc
    for dotted, value in (overrides or {}).items():
        _set_dotted(data, dotted, value)
    return EncoderConfig.from_dict(data)
