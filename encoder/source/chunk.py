"""A chunk: a row-aligned byte range of one data file with its row-ID range — the unit of work.

A chunk is identified by ``(path, offset)``. Its rows are those that *start* in
``[offset, end_offset)`` (Lightning's rule: a row that starts before ``end_offset`` belongs to
the chunk even if it ends after it). Row ``i`` (0-based) of the chunk gets the implicit row ID
``prev_rowid_max + 1 + i``; IDs never exceed ``rowid_max``. ``to_json``/``from_json`` give a
stable form for the plan the importer stores.

Public API: ``Chunk``, ``UNBOUNDED_END``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from encoder.source.files import Compression, FileType
from encoder.source.session import Session

# end_offset of a chunk that runs to the end of its file (compressed files, TiCDC tables).
UNBOUNDED_END = (1 << 63) - 1


@dataclass(frozen=True)
class Chunk:
    """One unit of encoding work (see the module docstring).

    ``header_offset`` (SQL) is the offset of the ``INSERT`` statement this chunk starts inside
    (``None`` when the chunk starts between statements); ``session`` holds the ``SET NAMES`` /
    ``TIME_ZONE`` in effect at ``offset``. ``columns`` (CSV) is the header's column list when
    the header line is not inside this chunk. ``insert_table`` (SQL) is the table name INSERT
    statements must name (``None``: not checked, e.g. files routed by custom rules).
    """

    db: str
    table: str
    path: str
    file_type: FileType
    compression: Compression
    offset: int
    end_offset: int
    prev_rowid_max: int
    rowid_max: int
    sort_key: str = ""
    file_size: int = 0
    header_offset: int | None = None
    session: Session = field(default_factory=Session)
    columns: tuple[str, ...] | None = None
    insert_table: str | None = None

    @property
    def key(self) -> str:
        """Lightning's chunk checkpoint key ``path:offset``."""
        return f"{self.path}:{self.offset}"

    def to_json(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "table": self.table,
            "path": self.path,
            "type": self.file_type.value,
            "compression": self.compression.value,
            "offset": self.offset,
            "end_offset": self.end_offset,
            "prev_rowid_max": self.prev_rowid_max,
            "rowid_max": self.rowid_max,
            "sort_key": self.sort_key,
            "file_size": self.file_size,
            "header_offset": self.header_offset,
            "session": self.session.to_json(),
            "columns": None if self.columns is None else list(self.columns),
            "insert_table": self.insert_table,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Chunk:
        cols = d.get("columns")
        return cls(
            db=d["db"],
            table=d["table"],
            path=d["path"],
            file_type=FileType(d["type"]),
            compression=Compression(d["compression"]),
            offset=int(d["offset"]),
            end_offset=int(d["end_offset"]),
            prev_rowid_max=int(d["prev_rowid_max"]),
            rowid_max=int(d["rowid_max"]),
            sort_key=d.get("sort_key", ""),
            file_size=int(d.get("file_size", 0)),
            header_offset=d.get("header_offset"),
            session=Session.from_json(d.get("session") or {}),
            columns=None if cols is None else tuple(cols),
            insert_table=d.get("insert_table"),
        )
