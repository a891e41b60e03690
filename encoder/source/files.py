"""What a dump file is: its type (schema or data format), its compression, and its identity.

Public API: ``FileType``, ``Compression``, ``SourceFile``, ``SUPPORTED_COMPRESSIONS``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FileType(enum.StrEnum):
    """A routed file's role; values are Lightning's ``type`` names in ``[[mydumper.files]]``."""

    SCHEMA_SCHEMA = "schema-schema"
    TABLE_SCHEMA = "table-schema"
    VIEW_SCHEMA = "view-schema"
    SQL = "sql"
    CSV = "csv"
    PARQUET = "parquet"
    IGNORE = "ignore"
    # A table materialised from TiCDC storage-sink output (not a routable `type`).
    TICDC = "ticdc"

    @property
    def is_data(self) -> bool:
        return self in (FileType.SQL, FileType.CSV, FileType.PARQUET, FileType.TICDC)


class Compression(enum.StrEnum):
    """Whole-file compression of a data or schema file (by suffix or by routing rule)."""

    NONE = "none"
    GZIP = "gzip"
    ZSTD = "zstd"
    XZ = "xz"
    LZ4 = "lz4"
    SNAPPY = "snappy"
    LZO = "lzo"

    @classmethod
    def parse(cls, text: str) -> Compression:
        """Lightning's names: ``gz``/``gzip``, ``zst``/``zstd``, ``xz``, ``lz4``, ... ``""``=none."""
        name = text.strip().lower()
        aliases = {"": cls.NONE, "gz": cls.GZIP, "zst": cls.ZSTD}
        if name in aliases:
            return aliases[name]
        try:
            return cls(name)
        except ValueError:
            raise ValueError(f"unknown compression {text!r}") from None


# Codecs this reader can decompress (the rest are reported as problems by the scanner).
SUPPORTED_COMPRESSIONS = frozenset(
    {Compression.NONE, Compression.GZIP, Compression.ZSTD, Compression.XZ}
)


@dataclass(frozen=True)
class SourceFile:
    """One routed file. ``path`` is relative to the dump root with ``/`` separators.

    ``sort_key`` orders a table's data files (compared as strings, like Lightning), ``size`` is
    the on-disk (compressed) size in bytes.
    """

    path: str
    size: int
    type: FileType
    compression: Compression = Compression.NONE
    sort_key: str = ""
    db: str = ""
    table: str = ""
