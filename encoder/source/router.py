"""File routing: a path relative to the dump root -> (schema, table, type, key, compression).

Rules are Lightning's ``[[mydumper.files]]``: a regular expression ``pattern`` (or a literal
``path``) matched against the ``/``-separated relative path, and templates (``$1``, ``${1}``,
``${name}``, ``$$``) for schema, table, type, key and compression. The first matching rule wins.
User rules come first; Lightning's default rules (mydumper / Dumpling naming, optional
compression suffix) follow when ``default-file-rules`` is on.

Public API: ``RouteResult``, ``FileRouter`` (``from_config``, ``route``), ``DEFAULT_RULES``.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from encoder.source.config import FILE_TYPES, FileRouteRule, MydumperConfig
from encoder.source.errors import ConfigError
from encoder.source.files import Compression, FileType

# Lightning's default rules (pkg/lightning/mydump/router.go `defaultFileRouteRules`), in order.
DEFAULT_RULES: tuple[FileRouteRule, ...] = (
    FileRouteRule(
        pattern=r"(?i).*(-schema-trigger|-schema-post)\.sql(?:\.(\w*?))?$", type="ignore"
    ),
    FileRouteRule(pattern=r"(?i).*\.(sql|csv|parquet)(\.(\w+))?\.(bak|BAK)$", type="ignore"),
    FileRouteRule(
        pattern=r"(?i)^(?:[^/]*/)*([^/.]+)-schema-create\.sql(?:\.(\w*?))?$",
        schema="$1",
        type="schema-schema",
        compression="$2",
        unescape=True,
    ),
    FileRouteRule(
        pattern=r"(?i)^(?:[^/]*/)*([^/.]+)\.(.*?)-schema\.sql(?:\.(\w*?))?$",
        schema="$1",
        table="$2",
        type="table-schema",
        compression="$3",
        unescape=True,
    ),
    FileRouteRule(
        pattern=r"(?i)^(?:[^/]*/)*([^/.]+)\.(.*?)-schema-view\.sql(?:\.(\w*?))?$",
        schema="$1",
        table="$2",
        type="view-schema",
        compression="$3",
        unescape=True,
    ),
    FileRouteRule(
        pattern=r"(?i)^(?:[^/]*/)*([^/.]+)\.(.*?)(?:\.([0-9]+))?\.(sql|csv|parquet)(?:\.(\w+))?$",
        schema="$1",
        table="$2",
        type="$4",
        key="$3",
        compression="$5",
        unescape=True,
    ),
)

_TEMPLATE_VAR = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")
_GO_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")


class RouteFailure(Exception):
    """A path matched a rule but a captured value is invalid (reported by the scanner)."""


@dataclass(frozen=True)
class RouteResult:
    """Where a file goes. ``table`` is empty for ``schema-schema`` files."""

    schema: str
    table: str
    type: FileType
    key: str = ""
    compression: Compression = Compression.NONE


def _go_to_python_regex(pattern: str) -> str:
    """The few syntax differences that matter: ``(?<name>`` groups and ``\\z``."""
    return _GO_NAMED_GROUP.sub("(?P<", pattern).replace(r"\z", r"\Z")


@dataclass(frozen=True)
class _CompiledRule:
    regex: re.Pattern[str]
    rule: FileRouteRule

    def expand(self, template: str, m: re.Match[str]) -> str:
        def one(v: re.Match[str]) -> str:
            if v.group(0) == "$$":
                return "$"
            name = v.group(1) or v.group(2)
            group: int | str = int(name) if name.isdigit() else name
            try:
                value = m.group(group)
            except IndexError:
                return ""
            return value or ""

        return _TEMPLATE_VAR.sub(one, template)

    def route(self, path: str) -> RouteResult | None:
        m = self.regex.search(path)
        if m is None:
            return None
        r = self.rule
        type_text = self.expand(r.type, m).strip().lower()
        if type_text not in FILE_TYPES:
            raise RouteFailure(f"unknown file type {type_text!r}")
        ftype = FileType(type_text)
        if ftype is FileType.IGNORE:
            return RouteResult("", "", ftype)
        schema = self.expand(r.schema, m)
        table = "" if ftype is FileType.SCHEMA_SCHEMA else self.expand(r.table, m)
        if r.unescape:
            try:
                schema = urllib.parse.unquote(schema, errors="strict")
                table = urllib.parse.unquote(table, errors="strict")
            except UnicodeDecodeError:
                raise RouteFailure("name is not valid %-escaped UTF-8") from None
        if not schema:
            raise RouteFailure("empty schema name")
        if ftype is not FileType.SCHEMA_SCHEMA and not table:
            raise RouteFailure("empty table name")
        try:
            compression = (
                Compression.parse(self.expand(r.compression, m))
                if r.compression
                else Compression.NONE
            )
        except ValueError as exc:
            raise RouteFailure(str(exc)) from None
        key = self.expand(r.key, m) if r.key else ""
        return RouteResult(schema, table, ftype, key, compression)


def _compile(rule: FileRouteRule, where: str) -> _CompiledRule:
    if rule.path:
        literal = re.escape(rule.path)
        quote = {
            k: getattr(rule, k).replace("$", "$$")
            for k in ("schema", "table", "type", "key", "compression")
        }
        rule = FileRouteRule(pattern="^" + literal + "$", unescape=rule.unescape, **quote)
    try:
        regex = re.compile(_go_to_python_regex(rule.pattern))
    except re.error as exc:
        raise ConfigError(f"{where}.pattern", f"invalid regular expression: {exc}") from None
    for field_name in ("schema", "table", "type", "key", "compression"):
        for v in _TEMPLATE_VAR.finditer(getattr(rule, field_name)):
            if v.group(0) == "$$":
                continue
            name = v.group(1) or v.group(2)
            if name.isdigit():
                if int(name) > regex.groups:
                    raise ConfigError(f"{where}.{field_name}", f"capture ${name} out of range")
            elif name not in regex.groupindex:
                raise ConfigError(f"{where}.{field_name}", f"no capture group named {name!r}")
    if not rule.type:
        raise ConfigError(f"{where}.type", "must be set")
    if "$" not in rule.type and rule.type.strip().lower() not in FILE_TYPES:
        raise ConfigError(f"{where}.type", f"unknown file type {rule.type!r}")
    return _CompiledRule(regex, rule)


class FileRouter:
    """An ordered chain of rules; ``route`` returns the first match (or ``None``)."""

    def __init__(self, rules: Sequence[FileRouteRule], where: str = "mydumper.files") -> None:
        self._rules = tuple(_compile(r, f"{where}[{i}]") for i, r in enumerate(rules))

    @classmethod
    def from_config(cls, cfg: MydumperConfig) -> FileRouter:
        rules = list(cfg.files)
        if cfg.use_default_rules:
            rules.extend(DEFAULT_RULES)
        return cls(rules)

    def route(self, path: str) -> RouteResult | None:
        """Route a ``/``-separated relative path; raises ``RouteFailure`` for invalid captures."""
        for rule in self._rules:
            result = rule.route(path)
            if result is not None:
                return result
        return None
