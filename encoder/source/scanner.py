"""Scanning a dump directory: walk it, route every file, apply the table filter, group by table.

Files are visited in lexicographic order of their ``/``-separated relative path, so the same
directory always gives the same layout. Nothing is dropped silently: every file is either part
of a database/table/view, or listed in ``DumpLayout.skipped`` / ``DumpLayout.problems`` with a
reason.

Public API: ``scan_dump``.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

import structlog

from encoder.source.config import MydumperConfig
from encoder.source.errors import ScanError
from encoder.source.files import SUPPORTED_COMPRESSIONS, FileType, SourceFile
from encoder.source.filter import TableFilter
from encoder.source.layout import (
    DatabaseSource,
    DumpLayout,
    FileIssue,
    TableSource,
    ViewSource,
)
from encoder.source.router import FileRouter, RouteFailure

log = structlog.get_logger(__name__)

# Top-level bookkeeping files written by mydumper / Dumpling; recognised, never imported.
METADATA_NAMES = frozenset({"metadata"})


def _walk(root: Path) -> list[tuple[str, int]]:
    """(relative posix path, size) of every regular file under ``root``, sorted by path."""
    out: list[tuple[str, int]] = []

    def onerror(exc: OSError) -> None:
        raise ScanError(str(exc.filename or root), f"cannot read directory: {exc.strerror}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames.sort()
        base = Path(dirpath)
        for name in filenames:
            full = base / name
            try:
                st = full.stat()
            except OSError as exc:
                raise ScanError(str(full), f"cannot stat: {exc.strerror}") from exc
            if not full.is_file():
                continue
            out.append((full.relative_to(root).as_posix(), st.st_size))
    out.sort()
    return out


def scan_dump(root: Path | str, config: MydumperConfig | None = None) -> DumpLayout:
    """Scan ``root`` with ``config``'s routing rules, filter and ``no-schema`` setting."""
    cfg = config or MydumperConfig()
    root = Path(root)
    if not root.is_dir():
        raise ScanError(str(root), "not a directory")
    started = time.monotonic()
    router = FileRouter.from_config(cfg)
    table_filter = TableFilter.parse(cfg.filter, cfg.case_sensitive)
    skipped: list[FileIssue] = []
    problems: list[FileIssue] = []
    metadata: list[str] = []
    db_files: dict[str, list[SourceFile]] = defaultdict(list)
    table_files: dict[tuple[str, str], list[SourceFile]] = defaultdict(list)
    view_files: dict[tuple[str, str], list[SourceFile]] = defaultdict(list)
    data_files: dict[tuple[str, str], list[SourceFile]] = defaultdict(list)

    for rel, size in _walk(root):
        if rel in METADATA_NAMES:
            metadata.append(rel)
            continue
        try:
            res = router.route(rel)
        except RouteFailure as exc:
            problems.append(FileIssue(rel, f"routing failed: {exc}"))
            continue
        if res is None:
            skipped.append(FileIssue(rel, "matches no routing rule"))
            continue
        if res.type is FileType.IGNORE:
            skipped.append(FileIssue(rel, "ignored by a routing rule"))
            continue
        db, table = res.schema, res.table
        if not cfg.case_sensitive:
            db, table = db.lower(), table.lower()
        if res.type is FileType.SCHEMA_SCHEMA:
            accepted = table_filter.match_schema(db)
        else:
            accepted = table_filter.match_table(db, table)
        if not accepted:
            skipped.append(FileIssue(rel, "excluded by mydumper.filter"))
            continue
        if res.compression not in SUPPORTED_COMPRESSIONS:
            problems.append(FileIssue(rel, f"unsupported compression {res.compression.value}"))
            continue
        if res.type is FileType.PARQUET:
            problems.append(FileIssue(rel, "parquet data files are not supported"))
            continue
        sf = SourceFile(rel, size, res.type, res.compression, res.key, db, table)
        if res.type is FileType.SCHEMA_SCHEMA:
            db_files[db].append(sf)
        elif res.type is FileType.TABLE_SCHEMA:
            table_files[(db, table)].append(sf)
        elif res.type is FileType.VIEW_SCHEMA:
            view_files[(db, table)].append(sf)
        else:
            data_files[(db, table)].append(sf)

    def single(files: list[SourceFile], what: str) -> SourceFile:
        for extra in files[1:]:
            problems.append(FileIssue(extra.path, f"second {what} (first is {files[0].path})"))
        return files[0]

    dbs: dict[str, SourceFile | None] = {
        d: single(fs, "database schema file") for d, fs in db_files.items()
    }
    tables: dict[tuple[str, str], SourceFile | None] = {
        k: single(fs, "table schema file") for k, fs in table_files.items()
    }
    views: dict[tuple[str, str], SourceFile] = {
        k: single(fs, "view schema file") for k, fs in view_files.items()
    }

    if cfg.no_schema:
        for db, _ in [*tables, *views, *data_files]:
            dbs.setdefault(db, None)
        for key in data_files:
            tables.setdefault(key, None)
    else:
        for (db, name), table_file in list(tables.items()):
            if db not in dbs and table_file is not None:
                problems.append(FileIssue(table_file.path, f"no database schema file for `{db}`"))
                del tables[(db, name)]
        for (db, name), vf in list(views.items()):
            if db not in dbs:
                problems.append(FileIssue(vf.path, f"no database schema file for `{db}`"))
                del views[(db, name)]
        for key, files in list(data_files.items()):
            if key not in tables:
                for f in files:
                    problems.append(
                        FileIssue(f.path, f"no table schema file for `{key[0]}`.`{key[1]}`")
                    )
                del data_files[key]

    view_sources: dict[str, list[ViewSource]] = defaultdict(list)
    for (db, name), vf in sorted(views.items()):
        placeholder = tables.pop((db, name), None)
        for f in data_files.pop((db, name), []):
            problems.append(FileIssue(f.path, f"data file for view `{db}`.`{name}`"))
        view_sources[db].append(ViewSource(db, name, vf, placeholder))

    table_sources: dict[str, list[TableSource]] = defaultdict(list)
    for (db, name), schema_file in sorted(tables.items()):
        files = sorted(data_files.get((db, name), []), key=lambda f: (f.sort_key, f.path))
        table_sources[db].append(TableSource(db, name, schema_file, tuple(files)))

    databases = tuple(
        DatabaseSource(
            db, dbs[db], tuple(table_sources.get(db, [])), tuple(view_sources.get(db, []))
        )
        for db in sorted(dbs)
    )
    layout = DumpLayout(root, databases, tuple(skipped), tuple(problems), tuple(metadata))
    log.info(
        "dump scanned",
        root=str(root),
        databases=len(databases),
        tables=sum(len(d.tables) for d in databases),
        skipped=len(skipped),
        problems=len(problems),
        elapsed=round(time.monotonic() - started, 3),
    )
    return layout
