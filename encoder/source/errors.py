"""The dump reader's errors: typed, carrying the file, byte offset and what went wrong.

Every error derives from ``SourceError`` (itself an ``encoder.errors.EncoderError``). Parse
errors are ``DumpError(path, offset, expected, found)`` and render like
``expected ',' or ')' at offset 1234 in db.t.001.sql, found 'x'`` so an operator can open the
file at the byte. ``path`` is the file's path relative to the dump root.

Public API: ``SourceError``, ``ConfigError``, ``ScanError``, ``DumpError``,
``ColumnCountError``, ``RowIDOverflowError``, ``CompressionError``, ``CDCError``.
"""

from __future__ import annotations

from encoder.errors import EncoderError

# How much of the offending input a message quotes.
FOUND_PREVIEW_BYTES = 24


def preview(data: bytes | bytearray | memoryview, limit: int = FOUND_PREVIEW_BYTES) -> str:
    """A short printable rendering of raw input for error messages (``'end of file'`` if empty)."""
    raw = bytes(data[:limit])
    if not raw:
        return "end of file"
    text = raw.decode("utf-8", errors="backslashreplace")
    text = text.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    suffix = "..." if len(data) > limit else ""
    return f"'{text}{suffix}'"


class SourceError(EncoderError):
    """Base of every dump-reader error."""


class ConfigError(SourceError, ValueError):
    """A configuration value is invalid; ``key`` is the dotted key (``mydumper.csv.separator``)."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


class ScanError(SourceError):
    """The dump directory cannot be scanned or its files are inconsistent."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DumpError(SourceError):
    """Malformed input at a byte offset of a data file.

    ``offset`` is in the file's (decompressed) byte stream; ``found`` is a short rendering of the
    bytes at that offset (``"end of file"`` when truncated).
    """

    def __init__(self, path: str, offset: int, expected: str, found: str = "") -> None:
        msg = f"expected {expected} at offset {offset} in {path}"
        if found:
            msg += f", found {found}"
        super().__init__(msg)
        self.path = path
        self.offset = offset
        self.expected = expected
        self.found = found


class ColumnCountError(DumpError):
    """A row has a different number of values than its column list or table."""

    def __init__(self, path: str, offset: int, expected_count: int, found_count: int) -> None:
        super().__init__(path, offset, f"{expected_count} values", f"{found_count} values")
        self.expected_count = expected_count
        self.found_count = found_count


class RowIDOverflowError(DumpError):
    """A chunk holds more rows than its planned row-ID range (the plan's estimate was too low)."""

    def __init__(self, path: str, offset: int, rowid_max: int) -> None:
        super().__init__(path, offset, f"at most {rowid_max} as row ID", "more rows")
        self.rowid_max = rowid_max


class CompressionError(DumpError):
    """A compressed file is corrupt, truncated, or uses an unsupported codec."""


class CDCError(SourceError):
    """TiCDC storage-sink output is inconsistent (missing schema, bad operation, key clash)."""

    def __init__(self, path: str, reason: str, offset: int | None = None) -> None:
        where = f"{path}" if offset is None else f"{path} at offset {offset}"
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.offset = offset
