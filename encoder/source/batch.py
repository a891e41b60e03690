"""What a chunk reader yields: batches of rows with their offsets, row IDs and context.

Public API: ``RowBatch``, ``Cursor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from encoder.source.session import Session
from tidbkv.literals import Literal


@dataclass(frozen=True)
class Cursor:
    """Where to resume a chunk after a batch: the next byte to read and the context there.

    Pass it back as ``read_chunk(..., cursor=...)`` to continue exactly after the batch (after
    a crash, with the cursor persisted via ``to_json``).
    """

    pos: int
    prev_rowid: int
    header_offset: int | None = None
    session: Session = field(default_factory=Session)
    columns: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "pos": self.pos,
            "prev_rowid": self.prev_rowid,
            "header_offset": self.header_offset,
            "session": self.session.to_json(),
            "columns": None if self.columns is None else list(self.columns),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Cursor:
        cols = d.get("columns")
        return cls(
            pos=int(d["pos"]),
            prev_rowid=int(d["prev_rowid"]),
            header_offset=d.get("header_offset"),
            session=Session.from_json(d.get("session") or {}),
            columns=None if cols is None else tuple(cols),
        )


@dataclass(frozen=True)
class RowBatch:
    """Consecutive rows of one chunk that share a column list and session.

    ``rows[i]`` starts at file offset ``offsets[i]`` (decompressed stream offset for compressed
    files) and has implicit row ID ``first_rowid + i``. ``columns`` is the column list the file
    gives (INSERT column list or CSV header; ``None`` = all table columns in table order).
    ``end_pos`` is the offset just after the last row (progress); ``cursor`` resumes after it.
    ``paths`` names each row's source file when it is not the chunk's own ``path`` (TiCDC
    tables, whose rows come from many files; ``end_pos`` then counts rows).
    """

    rows: list[tuple[Literal, ...]]
    offsets: list[int]
    first_rowid: int
    columns: tuple[str, ...] | None
    session: Session
    end_pos: int
    cursor: Cursor
    paths: list[str] | None = None

    def __len__(self) -> int:
        return len(self.rows)
