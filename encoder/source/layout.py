"""The scanned shape of a dump: databases, tables, views, and the files that were not imported.

Public API: ``TableSource``, ``ViewSource``, ``DatabaseSource``, ``FileIssue``, ``DumpLayout``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from encoder.source.files import SourceFile


@dataclass(frozen=True)
class TableSource:
    """A table to import: its ``CREATE TABLE`` file (``None`` with ``no-schema``) and its data
    files ordered by sort key (string comparison, then path)."""

    db: str
    name: str
    schema_file: SourceFile | None
    data_files: tuple[SourceFile, ...]

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.data_files)


@dataclass(frozen=True)
class ViewSource:
    """A view: its ``CREATE VIEW`` file and mydumper's placeholder ``CREATE TABLE`` file."""

    db: str
    name: str
    view_file: SourceFile
    placeholder_file: SourceFile | None


@dataclass(frozen=True)
class DatabaseSource:
    """A database: its ``CREATE DATABASE`` file (``None`` with ``no-schema``), tables and views
    sorted by name."""

    name: str
    schema_file: SourceFile | None
    tables: tuple[TableSource, ...]
    views: tuple[ViewSource, ...]


@dataclass(frozen=True)
class FileIssue:
    """A file that is not imported, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class DumpLayout:
    """Everything a scan found.

    ``skipped`` files are deliberately not imported (an ``ignore`` rule, the table filter, the
    ``metadata`` file, or no routing rule matched, like a README). ``problems`` are files that
    look like they should be imported but cannot be (a data file without its table's schema
    file, an unsupported compression, an invalid routed name): an import should refuse to start
    while there are problems, as Lightning does.
    """

    root: Path
    databases: tuple[DatabaseSource, ...]
    skipped: tuple[FileIssue, ...]
    problems: tuple[FileIssue, ...]
    metadata_files: tuple[str, ...] = ()

    def tables(self) -> Iterator[TableSource]:
        for db in self.databases:
            yield from db.tables

    def views(self) -> Iterator[ViewSource]:
        for db in self.databases:
            yield from db.views

    def table(self, db: str, name: str) -> TableSource:
        """The table named ``db``.``name`` (exact names as scanned); ``KeyError`` if absent."""
        for t in self.tables():
            if t.db == db and t.name == name:
                return t
        raise KeyError(f"`{db}`.`{name}`")
