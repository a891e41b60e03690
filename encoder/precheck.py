"""Requirements checked before anything is written (and all that ``--check-only`` does).

* TiDB (SQL port and status API), PD and the importer answer;
* the dump scanned without problems (every data file has its schema, known compression, ...);
* every target table is absent or empty (skipped when resuming a job: its tables are ours);
* the importer's data dir has room for the engines (about the dump's size; compressed files
  count ``COMPRESSED_EXPANSION`` times);
* the first rows of every table's first chunk parse with the right number of values.

Each check yields a ``Check`` (name, ok, detail); the ``PrecheckReport`` renders them.

Public API: ``Check``, ``PrecheckReport``, ``check_call``, ``check_layout``, ``check_targets``,
``check_disk``, ``check_first_rows``, ``COMPRESSED_EXPANSION``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from encoder.coordclient import CoordinatorClient
from encoder.errors import EncoderError
from encoder.planner import PlannedJob
from encoder.settings import JobSettings
from encoder.source import Chunk, FileType, ReadOptions, SourceError, read_chunk
from encoder.tidbsql import TableState, TidbSQL

# Engine bytes assumed per byte of a compressed data file.
COMPRESSED_EXPANSION = 4
# Rows read from the start of each table to prove the dump parses.
SAMPLE_ROWS = 8


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class PrecheckReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def failures(self) -> list[str]:
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.ok]

    def render(self) -> str:
        lines = []
        for c in self.checks:
            mark = "ok  " if c.ok else "FAIL"
            lines.append(f"[{mark}] {c.name}: {c.detail}")
        verdict = "all checks passed" if self.ok else f"{len(self.failures())} check(s) failed"
        lines.append(verdict)
        return "\n".join(lines)


def check_call(name: str, fn: Callable[[], str]) -> Check:
    """Runs ``fn`` (which returns a detail line); an ``EncoderError`` becomes a failed check."""
    try:
        return Check(name, True, fn())
    except EncoderError as exc:
        return Check(name, False, str(exc))


def check_layout(job: PlannedJob) -> Check:
    if job.problems:
        shown = "; ".join(f"{p.path}: {p.reason}" for p in job.problems[:10])
        more = f" (and {len(job.problems) - 10} more)" if len(job.problems) > 10 else ""
        return Check("dump layout", False, shown + more)
    detail = f"{len(job.plan.tables)} tables, {sum(len(t.chunks) for t in job.plan.tables)} chunks"
    if job.views:
        detail += f"; views are not imported: {', '.join(job.views)}"
    return Check("dump layout", True, detail)


def check_targets(tidb: TidbSQL, job: PlannedJob) -> Check:
    busy: list[str] = []
    existing = 0
    for t in job.plan.tables:
        state = tidb.table_state(t.db, t.name)
        if state is TableState.NOT_EMPTY:
            busy.append(f"`{t.db}`.`{t.name}`")
        elif state is TableState.EMPTY:
            existing += 1
    if busy:
        return Check(
            "target tables",
            False,
            f"not empty: {', '.join(busy)}; an import needs empty or absent tables: drop or"
            " truncate them (absent tables are created from the dump's schema), or leave them"
            " out with -f '!db.table'",
        )
    return Check(
        "target tables", True, f"{len(job.plan.tables) - existing} absent, {existing} empty"
    )


def estimated_engine_bytes(job: PlannedJob) -> int:
    total = 0
    for t in job.plan.tables:
        for c in t.chunks:
            if c.compression not in ("", "none"):
                total += c.file_size * COMPRESSED_EXPANSION
            elif c.end_offset < (1 << 62):
                total += c.end_offset - c.offset
            else:
                total += c.file_size
    return total


def check_disk(coord: CoordinatorClient, job: PlannedJob) -> Check:
    cap = coord.capacity()
    usable = int(cap.available_bytes - cap.min_available_ratio * cap.capacity_bytes)
    need = estimated_engine_bytes(job)
    detail = f"need about {need / 1e9:.2f} GB, importer has {max(usable, 0) / 1e9:.2f} GB usable"
    return Check("importer disk space", cap.capacity_bytes == 0 or usable >= need, detail)


def check_first_rows(root: Path, job: PlannedJob, settings: JobSettings) -> Check:
    sampled = 0
    for t, ncols in zip(job.plan.tables, job.column_counts, strict=True):
        if not t.chunks or t.chunks[0].file_type == FileType.TICDC.value:
            continue
        chunk = Chunk.from_json(json.loads(t.chunks[0].source_json))
        opts = ReadOptions(
            column_count=ncols,
            csv=settings.csv,
            ticdc=settings.ticdc,
            read_block_size=settings.read_block_size,
            batch_rows=SAMPLE_ROWS,
        )
        batches = read_chunk(root, chunk, opts)
        try:
            next(batches, None)
        except SourceError as exc:
            return Check("dump parses", False, str(exc))
        finally:
            getattr(batches, "close", lambda: None)()
        sampled += 1
    return Check("dump parses", True, f"first rows of {sampled} tables read")
