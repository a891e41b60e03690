"""Table filter with the TiDB tools' syntax (``mydumper.filter``): ``db.*``, ``!db.tmp_*``.

Each rule is ``schema-pattern.table-pattern``; a pattern is plain identifier characters,
wildcards (``*``, ``?``, ``[a-z]``, ``[!a-z]``), ``\\``-escaped characters, a quoted identifier
(``"a.b"`` or ```a.b```, quotes doubled inside), or a ``/regex/`` (matches if it is found
anywhere in the name). A leading ``!`` excludes. The *last* rule that matches a table decides;
a table no rule matches is rejected. ``@file`` imports one rule per line from a file (blank
lines and ``#`` comments ignored). Matching is case-insensitive unless ``case_sensitive``.

Public API: ``TableFilter`` (``parse``, ``match_table``, ``match_schema``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from encoder.source.errors import ConfigError

_CONFIG_KEY = "mydumper.filter"


@dataclass(frozen=True)
class _Rule:
    positive: bool
    schema: re.Pattern[str]
    table: re.Pattern[str]
    table_matches_all: bool


def _plain_ok(ch: str) -> bool:
    return ch.isalnum() or ch in "$_" or ord(ch) >= 0x80


class _PatternParser:
    """Parses one rule text into (schema regex, table regex)."""

    def __init__(self, text: str, flags: int) -> None:
        self.text = text
        self.i = 0
        self.flags = flags

    def fail(self, reason: str) -> ConfigError:
        return ConfigError(_CONFIG_KEY, f"{reason} in rule {self.text!r}")

    def parse_part(self, terminator: str | None) -> tuple[re.Pattern[str], bool]:
        """One pattern up to ``terminator`` (``.``) or the end; returns (regex, matches-all)."""
        t, n = self.text, len(self.text)
        if self.i < n and t[self.i] == "/":
            end = self.i + 1
            while end < n and t[end] != "/":
                end += 2 if t[end] == "\\" else 1
            if end >= n:
                raise self.fail("unterminated /regex/")
            body = t[self.i + 1 : end].replace("\\/", "/")
            self.i = end + 1
            try:
                return re.compile(body, self.flags), False
            except re.error as exc:
                raise self.fail(f"invalid regex: {exc}") from None
        if self.i < n and t[self.i] in '"`':
            quote = t[self.i]
            j = self.i + 1
            name = []
            while True:
                if j >= n:
                    raise self.fail("unterminated quoted identifier")
                if t[j] == quote:
                    if j + 1 < n and t[j + 1] == quote:
                        name.append(quote)
                        j += 2
                        continue
                    break
                name.append(t[j])
                j += 1
            self.i = j + 1
            return re.compile(r"\A" + re.escape("".join(name)) + r"\Z", self.flags), False
        out: list[str] = []
        only_star = True
        while self.i < n:
            ch = t[self.i]
            if terminator is not None and ch == terminator:
                break
            self.i += 1
            if ch == "*":
                out.append(".*")
                continue
            only_star = False
            if ch == "?":
                out.append(".")
            elif ch == "[":
                close = t.find("]", self.i + 1)
                if close < 0:
                    raise self.fail("unterminated [...]")
                body = t[self.i : close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                self.i = close + 1
            elif ch == "\\":
                if self.i >= n:
                    raise self.fail("dangling '\\'")
                nxt = t[self.i]
                if nxt.isascii() and nxt.isalnum():
                    raise self.fail(f"'\\{nxt}' is not a valid escape")
                out.append(re.escape(nxt))
                self.i += 1
            elif _plain_ok(ch):
                out.append(re.escape(ch))
            else:
                raise self.fail(f"unexpected character {ch!r}")
        if not out:
            raise self.fail("empty pattern")
        return re.compile(r"\A(?:" + "".join(out) + r")\Z", self.flags | re.DOTALL), only_star


class TableFilter:
    """A compiled list of filter rules; see the module docstring for the syntax."""

    def __init__(self, rules: Sequence[_Rule]) -> None:
        self._rules = tuple(rules)

    @classmethod
    def parse(
        cls, rules: Iterable[str], case_sensitive: bool = False, base_dir: Path | None = None
    ) -> TableFilter:
        flags = 0 if case_sensitive else re.IGNORECASE
        compiled: list[_Rule] = []
        for raw in rules:
            line = raw.strip()
            if line.startswith("@"):
                path = Path(line[1:])
                if base_dir is not None and not path.is_absolute():
                    path = base_dir / path
                try:
                    lines = path.read_text(encoding="utf-8").splitlines()
                except OSError as exc:
                    raise ConfigError(
                        _CONFIG_KEY, f"cannot read filter file {path}: {exc}"
                    ) from exc
                for sub in lines:
                    sub = sub.strip()
                    if sub.startswith("@"):
                        raise ConfigError(_CONFIG_KEY, f"filter file {path} cannot import files")
                    if sub and not sub.startswith("#"):
                        compiled.append(cls._parse_rule(sub, flags))
                continue
            if not line or line.startswith("#"):
                continue
            compiled.append(cls._parse_rule(line, flags))
        return cls(compiled)

    @staticmethod
    def _parse_rule(line: str, flags: int) -> _Rule:
        positive = True
        if line.startswith("!"):
            positive = False
            line = line[1:]
        p = _PatternParser(line, flags)
        schema, _ = p.parse_part(".")
        if p.i >= len(line) or line[p.i] != ".":
            raise p.fail("expected '.' between schema and table patterns")
        p.i += 1
        table, matches_all = p.parse_part(None)
        if p.i != len(line):
            raise p.fail("unexpected text after table pattern")
        return _Rule(positive, schema, table, matches_all)

    @staticmethod
    def _hit(pattern: re.Pattern[str], name: str) -> bool:
        # Wildcard and quoted patterns are anchored (\A...\Z); /regex/ matches anywhere.
        return pattern.search(name) is not None

    def match_table(self, schema: str, table: str) -> bool:
        """Whether the table is accepted (the last matching rule decides; none = rejected)."""
        for rule in reversed(self._rules):
            if self._hit(rule.schema, schema) and self._hit(rule.table, table):
                return rule.positive
        return False

    def match_schema(self, schema: str) -> bool:
        """Whether any table of the schema could be accepted (for database-level files)."""
        for rule in reversed(self._rules):
            if not self._hit(rule.schema, schema):
                continue
            if rule.positive:
                return True
            if rule.table_matches_all:
                return False
        return False
