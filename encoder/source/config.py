"""Typed, validated configuration of the dump reader: ``[mydumper]``, ``[mydumper.csv]``,
``[[mydumper.files]]`` with tidb-lightning's key names and defaults, and ``TiCDCConfig`` with
TiCDC's ``[sink.csv]`` key names.

Each class has ``from_dict(mapping, prefix)`` that takes the TOML-shaped mapping (dashed keys),
rejects unknown keys naming the dotted key (``mydumper.csv.separatr: unknown key``), checks
types and values, and returns a frozen dataclass. Sizes accept integers (bytes) or strings
with units (``"64KiB"``, ``"256MB"``; K/M/G/T are powers of 1024 like Lightning's ``ByteSize``).

Public API: ``CSVConfig``, ``FileRouteRule``, ``MydumperConfig``, ``TiCDCConfig``,
``parse_size``, ``DEFAULT_FILTER``, constants ``KIB``, ``MIB``, ``GIB``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from encoder.source.errors import ConfigError

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30

# Lightning's default `mydumper.filter`: everything except the system schemas.
DEFAULT_FILTER: tuple[str, ...] = (
    "*.*",
    "!mysql.*",
    "!sys.*",
    "!INFORMATION_SCHEMA.*",
    "!PERFORMANCE_SCHEMA.*",
    "!METRICS_SCHEMA.*",
    "!INSPECTION_SCHEMA.*",
)

FILE_TYPES = ("schema-schema", "table-schema", "view-schema", "sql", "csv", "parquet", "ignore")

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpP]?)([iI]?[bB])?\s*$")
_SIZE_UNITS = {"": 1, "k": KIB, "m": MIB, "g": GIB, "t": GIB << 10, "p": GIB << 20}


def parse_size(key: str, value: object) -> int:
    """Bytes from an int or a string like ``"64KiB"``; raises ``ConfigError`` naming ``key``."""
    if isinstance(value, bool):
        raise ConfigError(key, f"expected a size, got {value!r}")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str):
        m = _SIZE_RE.match(value)
        if m is None:
            raise ConfigError(key, f"expected a size like '64KiB', got {value!r}")
        size = int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower()])
    else:
        raise ConfigError(key, f"expected a size, got {type(value).__name__}")
    if size <= 0:
        raise ConfigError(key, f"must be positive, got {value!r}")
    return size


class _Fields:
    """Pops typed values out of a mapping, remembering which keys were consumed."""

    def __init__(self, data: Mapping[str, Any], prefix: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(prefix, f"expected a table, got {type(data).__name__}")
        self.data = dict(data)
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        return self.data.pop(name)

    def string(self, name: str, default: str) -> str:
        if name not in self.data:
            return default
        v = self.data.pop(name)
        if not isinstance(v, str):
            raise ConfigError(self.key(name), f"expected a string, got {type(v).__name__}")
        return v

    def boolean(self, name: str, default: bool) -> bool:
        if name not in self.data:
            return default
        v = self.data.pop(name)
        if not isinstance(v, bool):
            raise ConfigError(self.key(name), f"expected true or false, got {v!r}")
        return v

    def size(self, name: str, default: int) -> int:
        if name not in self.data:
            return default
        return parse_size(self.key(name), self.data.pop(name))

    def number(self, name: str, default: float) -> float:
        if name not in self.data:
            return default
        v = self.data.pop(name)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(self.key(name), f"expected a number, got {v!r}")
        return float(v)

    def strings(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if name not in self.data:
            return default
        v = self.data.pop(name)
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list | tuple) or not all(isinstance(x, str) for x in v):
            raise ConfigError(self.key(name), "expected a list of strings")
        return tuple(v)

    def finish(self) -> None:
        for name in sorted(self.data):
            raise ConfigError(self.key(name), "unknown key")


@dataclass(frozen=True)
class CSVConfig:
    """``[mydumper.csv]``: how CSV data files are split into fields (Lightning's semantics).

    ``terminator`` empty means any of ``\\r\\n``, ``\\n`` or ``\\r`` ends a line.
    ``trim_last_separator`` drops trailing empty fields (a line ending with the separator).
    """

    separator: str = ","
    delimiter: str = '"'
    terminator: str = ""
    header: bool = True
    not_null: bool = False
    null: str = "\\N"
    backslash_escape: bool = True
    trim_last_separator: bool = False

    def __post_init__(self) -> None:
        key = "mydumper.csv."
        if not self.separator:
            raise ConfigError(key + "separator", "must not be empty")
        if self.delimiter and (
            self.separator.startswith(self.delimiter) or self.delimiter.startswith(self.separator)
        ):
            raise ConfigError(key + "delimiter", "must differ from separator")
        if self.terminator and (
            self.terminator.startswith(self.separator) or self.separator.startswith(self.terminator)
        ):
            raise ConfigError(key + "terminator", "must differ from separator")
        if self.backslash_escape and "\\" in (self.separator + self.delimiter + self.terminator):
            raise ConfigError(key + "backslash-escape", "cannot be used with '\\' in separators")
        for name, text in (("separator", self.separator), ("delimiter", self.delimiter)):
            if "\r" in text or "\n" in text:
                raise ConfigError(key + name, "must not contain a line break")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], prefix: str = "mydumper.csv") -> CSVConfig:
        f = _Fields(data, prefix)
        values = {
            "separator": f.string("separator", ","),
            "delimiter": f.string("delimiter", '"'),
            "terminator": f.string("terminator", ""),
            "header": f.boolean("header", True),
            "not_null": f.boolean("not-null", False),
            "null": f.string("null", "\\N"),
            "backslash_escape": f.boolean("backslash-escape", True),
            "trim_last_separator": f.boolean("trim-last-separator", False),
        }
        f.finish()
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ConfigError as exc:
            raise ConfigError(prefix + exc.key[len("mydumper.csv") :], exc.reason) from None


@dataclass(frozen=True)
class FileRouteRule:
    """One ``[[mydumper.files]]`` rule: a regex (or literal ``path``) with ``$1``/``${name}``
    templates for schema, table, type, key and compression."""

    pattern: str = ""
    path: str = ""
    schema: str = ""
    table: str = ""
    type: str = ""
    key: str = ""
    compression: str = ""
    unescape: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], prefix: str = "mydumper.files") -> FileRouteRule:
        f = _Fields(data, prefix)
        rule = cls(
            pattern=f.string("pattern", ""),
            path=f.string("path", ""),
            schema=f.string("schema", ""),
            table=f.string("table", ""),
            type=f.string("type", ""),
            key=f.string("key", ""),
            compression=f.string("compression", ""),
            unescape=f.boolean("unescape", False),
        )
        f.finish()
        if bool(rule.pattern) == bool(rule.path):
            raise ConfigError(f.key("pattern"), "exactly one of `pattern` and `path` must be set")
        if not rule.type:
            raise ConfigError(f.key("type"), "must be set")
        return rule


@dataclass(frozen=True)
class MydumperConfig:
    """``[mydumper]``: where the dump is, how files are routed, filtered, chunked and read.

    ``max_region_size`` is the chunk size: SQL files and strict-format CSV files larger than it
    are split at row boundaries. ``default_file_rules`` of ``None`` means "true when no
    ``files`` rule is given" (Lightning's default).
    """

    data_source_dir: str = ""
    read_block_size: int = 64 * KIB
    batch_size: int = 100 * GIB
    batch_import_ratio: float = 0.75
    no_schema: bool = False
    character_set: str = "auto"
    case_sensitive: bool = False
    strict_format: bool = False
    max_region_size: int = 256 * MIB
    filter: tuple[str, ...] = DEFAULT_FILTER
    default_file_rules: bool | None = None
    files: tuple[FileRouteRule, ...] = ()
    csv: CSVConfig = field(default_factory=CSVConfig)

    @property
    def use_default_rules(self) -> bool:
        if self.default_file_rules is None:
            return not self.files
        return self.default_file_rules

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], prefix: str = "mydumper") -> MydumperConfig:
        f = _Fields(data, prefix)
        csv = CSVConfig.from_dict(f.raw("csv"), f.key("csv")) if f.has("csv") else CSVConfig()
        files: list[FileRouteRule] = []
        if f.has("files"):
            raw = f.raw("files")
            if not isinstance(raw, list | tuple):
                raise ConfigError(f.key("files"), "expected an array of tables")
            for i, item in enumerate(raw):
                files.append(FileRouteRule.from_dict(item, f"{f.key('files')}[{i}]"))
        default_rules: bool | None = None
        if f.has("default-file-rules"):
            default_rules = f.boolean("default-file-rules", True)
        cfg = cls(
            data_source_dir=f.string("data-source-dir", ""),
            read_block_size=f.size("read-block-size", 64 * KIB),
            batch_size=f.size("batch-size", 100 * GIB),
            batch_import_ratio=f.number("batch-import-ratio", 0.75),
            no_schema=f.boolean("no-schema", False),
            character_set=f.string("character-set", "auto"),
            case_sensitive=f.boolean("case-sensitive", False),
            strict_format=f.boolean("strict-format", False),
            max_region_size=f.size("max-region-size", 256 * MIB),
            filter=f.strings("filter", DEFAULT_FILTER),
            default_file_rules=default_rules,
            files=tuple(files),
            csv=csv,
        )
        f.finish()
        if not 0 <= cfg.batch_import_ratio < 1:
            raise ConfigError(f.key("batch-import-ratio"), "must be in [0, 1)")
        if cfg.character_set.lower() not in ("auto", "binary", "utf8mb4", "utf8", "gbk", "latin1"):
            raise ConfigError(f.key("character-set"), f"unsupported {cfg.character_set!r}")
        return cfg


@dataclass(frozen=True)
class TiCDCConfig:
    """How a TiCDC storage sink wrote its CSV files (TiCDC's ``[sink.csv]`` key names).

    ``terminator`` empty accepts ``\\r\\n``, ``\\n`` and ``\\r`` (TiCDC writes ``\\r\\n`` by
    default). ``binary_encoding_method`` (``base64`` or ``hex``) is how BINARY/VARBINARY/BLOB
    values were encoded.
    """

    delimiter: str = ","
    quote: str = '"'
    null: str = "\\N"
    terminator: str = ""
    include_commit_ts: bool = False
    output_old_value: bool = False
    output_field_header: bool = False
    binary_encoding_method: str = "base64"

    def __post_init__(self) -> None:
        if not self.delimiter:
            raise ConfigError("ticdc.delimiter", "must not be empty")
        if self.binary_encoding_method not in ("base64", "hex"):
            raise ConfigError("ticdc.binary-encoding-method", "must be 'base64' or 'hex'")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], prefix: str = "ticdc") -> TiCDCConfig:
        f = _Fields(data, prefix)
        values = {
            "delimiter": f.string("delimiter", ","),
            "quote": f.string("quote", '"'),
            "null": f.string("null", "\\N"),
            "terminator": f.string("terminator", ""),
            "include_commit_ts": f.boolean("include-commit-ts", False),
            "output_old_value": f.boolean("output-old-value", False),
            "output_field_header": f.boolean("output-field-header", False),
            "binary_encoding_method": f.string("binary-encoding-method", "base64"),
        }
        f.finish()
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ConfigError as exc:
            raise ConfigError(exc.key.replace("ticdc", prefix, 1), exc.reason) from None

    def csv_config(self) -> CSVConfig:
        """The equivalent ``CSVConfig`` for the CSV tokenizer (TiCDC doubles quotes, no escapes)."""
        return CSVConfig(
            separator=self.delimiter,
            delimiter=self.quote,
            terminator=self.terminator,
            header=self.output_field_header,
            not_null=False,
            null=self.null,
            backslash_escape=False,
            trim_last_separator=False,
        )
