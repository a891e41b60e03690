"""Scanning TiCDC storage-sink output: tables, their versions, schema files and data files.

Layout (TiCDC "Replicate Data to Storage Services"): data files
``{schema}/{table}/{table-version}/[{partition}/][{date}/]CDC{num}.csv[.gz|.zst]``; table
definitions either per version, ``{schema}/{table}/{table-version}/schema.json`` (v6.5), or
in ``{schema}/{table}/meta/schema_{table-version}_{checksum}.json`` (newer); plus ``metadata``
(checkpoint), ``CDC.index`` files and database-level ``{schema}/meta/...`` definitions. A data
version without its own definition uses the newest definition at or before it.

Public API: ``TiCDCVersion``, ``TiCDCTable``, ``TiCDCLayout``, ``scan_ticdc``,
``load_ticdc_table``, ``is_ticdc_output``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.chunker import COMPRESSION_RATIO_BOUND
from encoder.source.compression import open_stream
from encoder.source.config import MydumperConfig
from encoder.source.errors import CDCError
from encoder.source.files import SUPPORTED_COMPRESSIONS, Compression, FileType, SourceFile
from encoder.source.filter import TableFilter
from encoder.source.layout import FileIssue
from encoder.source.scanner import _walk
from encoder.source.ticdcschema import TableDefinition

_DATA = re.compile(
    r"^(?P<schema>[^/]+)/(?P<table>[^/]+)/(?P<version>\d+)/(?P<mid>(?:[^/]+/)*)"
    r"CDC(?P<num>\d+)\.(?P<ext>[A-Za-z]+)(?:\.(?P<comp>\w+))?$"
)
_VERSION_SCHEMA = re.compile(r"^(?P<schema>[^/]+)/(?P<table>[^/]+)/(?P<version>\d+)/schema\.json$")
_META_SCHEMA = re.compile(
    r"^(?P<schema>[^/]+)/(?P<table>[^/]+)/meta/schema_(?P<version>\d+)_\d+\.json$"
)
_DB_SCHEMA = re.compile(r"^(?P<schema>[^/]+)/meta/schema_\d+_\d+\.json$")


_SortKey = tuple[tuple[tuple[int, str], ...], int]


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(part), "") if part.isdigit() else (0, part) for part in text.split("/") if part
    )


@dataclass(frozen=True)
class TiCDCVersion:
    """One table version: its definition and its data files in apply order."""

    version: int
    definition: TableDefinition
    schema_path: str
    files: tuple[SourceFile, ...]


@dataclass(frozen=True)
class TiCDCTable:
    """A replicated table: versions in ascending order (the last one is the final schema)."""

    db: str
    name: str
    versions: tuple[TiCDCVersion, ...]

    @property
    def path(self) -> str:
        """The table's directory relative to the root (the chunk ``path``)."""
        return f"{self.db}/{self.name}"

    @property
    def definition(self) -> TableDefinition:
        return self.versions[-1].definition

    @property
    def total_size(self) -> int:
        return sum(f.size for v in self.versions for f in v.files)

    def create_table_sql(self) -> str:
        return self.definition.create_table_sql()

    def chunk(self, start_rowid: int = 0) -> Chunk:
        """The whole table as one chunk; row IDs reserved by the CSV rule (bytes / columns)."""
        ncols = max(len(self.definition.columns), 1)
        size = 0
        for v in self.versions:
            for f in v.files:
                ratio = COMPRESSION_RATIO_BOUND.get(f.compression, 1)
                size += f.size * ratio
        return Chunk(
            db=self.db,
            table=self.name,
            path=self.path,
            file_type=FileType.TICDC,
            compression=Compression.NONE,
            offset=0,
            end_offset=UNBOUNDED_END,
            prev_rowid_max=start_rowid,
            rowid_max=start_rowid + -(-size // ncols),
            file_size=self.total_size,
        )


@dataclass(frozen=True)
class TiCDCLayout:
    root: Path
    tables: tuple[TiCDCTable, ...]
    checkpoint_ts: int | None
    skipped: tuple[FileIssue, ...]
    problems: tuple[FileIssue, ...]

    def table(self, db: str, name: str) -> TiCDCTable:
        for t in self.tables:
            if t.db == db and t.name == name:
                return t
        raise KeyError(f"`{db}`.`{name}`")


def is_ticdc_output(root: Path | str) -> bool:
    """Whether ``root`` looks like TiCDC storage-sink output (a CDC data file or definition)."""
    for rel, _ in _walk(Path(root)):
        if _DATA.match(rel) or _VERSION_SCHEMA.match(rel) or _META_SCHEMA.match(rel):
            return True
    return False


def _read_definition(root: Path, rel: str) -> TableDefinition:
    with open_stream(root, rel, Compression.NONE) as stream:
        data = stream.read(1 << 26)
    return TableDefinition.from_json_bytes(data, rel)


def scan_ticdc(
    root: Path | str, config: MydumperConfig | None = None, only: tuple[str, str] | None = None
) -> TiCDCLayout:
    """Scan TiCDC output under ``root`` (filtered by ``mydumper.filter``); ``only`` restricts
    the scan to one ``(schema, table)``."""
    cfg = config or MydumperConfig()
    root = Path(root)
    table_filter = TableFilter.parse(cfg.filter, cfg.case_sensitive)
    skipped: list[FileIssue] = []
    problems: list[FileIssue] = []
    definitions: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    data: dict[tuple[str, str], dict[int, list[tuple[_SortKey, SourceFile]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    checkpoint: int | None = None
    base = root / only[0] / only[1] if only else root
    for rel_sub, size in _walk(base) if base.is_dir() else []:
        rel = f"{only[0]}/{only[1]}/{rel_sub}" if only else rel_sub
        if rel == "metadata":
            checkpoint = _checkpoint(root / rel)
            continue
        if rel.endswith("/CDC.index") or rel == "CDC.index":
            skipped.append(FileIssue(rel, "TiCDC index file"))
            continue
        if _DB_SCHEMA.match(rel):
            skipped.append(FileIssue(rel, "database definition"))
            continue
        m = _VERSION_SCHEMA.match(rel) or _META_SCHEMA.match(rel)
        if m is not None:
            key = (m["schema"], m["table"])
            if table_filter.match_table(*key):
                definitions[key][int(m["version"])] = rel
            else:
                skipped.append(FileIssue(rel, "excluded by mydumper.filter"))
            continue
        m = _DATA.match(rel)
        if m is None:
            skipped.append(FileIssue(rel, "matches no TiCDC path"))
            continue
        key = (m["schema"], m["table"])
        if not table_filter.match_table(*key):
            skipped.append(FileIssue(rel, "excluded by mydumper.filter"))
            continue
        if m["ext"].lower() != "csv":
            problems.append(FileIssue(rel, f"unsupported TiCDC protocol file .{m['ext']}"))
            continue
        try:
            comp = Compression.parse(m["comp"] or "")
        except ValueError as exc:
            problems.append(FileIssue(rel, str(exc)))
            continue
        if comp not in SUPPORTED_COMPRESSIONS:
            problems.append(FileIssue(rel, f"unsupported compression {comp.value}"))
            continue
        sort = (_natural(m["mid"]), int(m["num"]))
        sf = SourceFile(rel, size, FileType.CSV, comp, m["num"], key[0], key[1])
        data[key][int(m["version"])].append((sort, sf))

    tables: list[TiCDCTable] = []
    for key in sorted(set(definitions) | set(data)):
        defs = definitions.get(key, {})
        versions: list[TiCDCVersion] = []
        for version in sorted(set(defs) | set(data.get(key, {}))):
            known = [v for v in defs if v <= version]
            files = data.get(key, {}).get(version, [])
            if not known:
                for _, f in files:
                    problems.append(FileIssue(f.path, "no table definition for this version"))
                continue
            schema_path = defs[max(known)]
            try:
                definition = _read_definition(root, schema_path)
            except CDCError as exc:
                problems.append(FileIssue(schema_path, exc.reason))
                continue
            ordered = tuple(f for _, f in sorted(files, key=lambda x: x[0]))
            versions.append(TiCDCVersion(version, definition, schema_path, ordered))
        if versions:
            tables.append(TiCDCTable(key[0], key[1], tuple(versions)))
    return TiCDCLayout(root, tuple(tables), checkpoint, tuple(skipped), tuple(problems))


def load_ticdc_table(root: Path | str, path: str) -> TiCDCTable:
    """The table whose directory is ``path`` (``schema/table``), rescanned from disk (no
    filter: the plan that named it was already filtered)."""
    schema, _, table = path.partition("/")
    everything = MydumperConfig(filter=("*.*",), case_sensitive=True)
    layout = scan_ticdc(root, everything, only=(schema, table))
    if layout.problems:
        issue = layout.problems[0]
        raise CDCError(issue.path, issue.reason)
    try:
        return layout.table(schema, table)
    except KeyError:
        raise CDCError(path, "no TiCDC table here") from None


def _checkpoint(path: Path) -> int | None:
    try:
        value = json.loads(path.read_bytes()).get("checkpoint-ts")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None
