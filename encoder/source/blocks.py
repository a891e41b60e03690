"""A sliding window over a byte stream, filled block by block, never holding the whole file.

Parsers work on ``buffer.data`` with integer positions; ``buffer.base`` is the file offset of
``data[0]``. When a token or row may continue past the window, the parser raises ``NeedMore``;
the driver calls ``fill(keep_from)`` which drops everything before ``keep_from`` and appends at
least one more block (doubling the request while one row keeps outgrowing the window, so a huge
row costs linear time), then re-parses from its restart point.

Public API: ``BlockBuffer``, ``NeedMore``, ``MAX_ROW_BYTES``.
"""

from __future__ import annotations

from encoder.source.compression import ByteStream
from encoder.source.errors import DumpError

# Largest row (or statement header, or single token) the reader will buffer. TiDB cannot store
# a larger entry (txn-entry-size-limit is at most 120 MiB), so a bigger "row" means a broken file.
MAX_ROW_BYTES = 128 << 20


class NeedMore(Exception):
    """The parser reached the end of the window before the end of a token or row."""


class BlockBuffer:
    """The window ``data`` over ``stream``, starting at file offset ``base``."""

    def __init__(self, stream: ByteStream, block_size: int) -> None:
        self.stream: ByteStream | None = stream
        self.name = stream.name
        self.block_size = block_size
        self.base = stream.pos
        self.data = b""
        self.eof = False
        self._want = block_size

    @classmethod
    def of_bytes(cls, data: bytes, name: str, base: int = 0) -> BlockBuffer:
        """A complete in-memory window (``eof`` already reached), e.g. a comment's text."""
        buf = cls.__new__(cls)
        buf.stream = None
        buf.name = name
        buf.block_size = len(data)
        buf.base = base
        buf.data = data
        buf.eof = True
        buf._want = 0
        return buf

    def fill(self, keep_from: int) -> None:
        """Drop ``data[:keep_from]`` and read more; sets ``eof`` when the stream is exhausted.

        Call only after ``NeedMore`` (or to prime the buffer): if nothing was consumed since the
        last fill the request doubles, bounding re-parsing of a long row to linear time.
        """
        if self.eof or self.stream is None:
            self.eof = True
            return
        if keep_from == 0 and self.data:
            self._want = min(self._want * 2, MAX_ROW_BYTES)
        else:
            self._want = self.block_size
        if len(self.data) - keep_from >= MAX_ROW_BYTES:
            raise DumpError(
                self.name,
                self.base + keep_from,
                f"a row smaller than {MAX_ROW_BYTES >> 20} MiB",
                "a larger row or an unterminated string",
            )
        chunk = self.stream.read(self._want)
        tail = self.data[keep_from:]
        self.base += keep_from
        if not chunk:
            self.eof = True
            self.data = tail
            return
        self.data = tail + chunk if tail else chunk

    def offset(self, pos: int) -> int:
        """File offset of window position ``pos``."""
        return self.base + pos

    def jump(self, offset: int) -> int:
        """Move forward to file ``offset``; returns its window position (refilling if needed)."""
        if offset < self.base:
            raise ValueError(f"cannot move back from {self.base} to {offset}")
        if offset <= self.base + len(self.data):
            return offset - self.base
        if self.stream is None:
            raise ValueError("offset beyond an in-memory window")
        self.stream.skip_to(offset)
        self.base = offset
        self.data = b""
        self.eof = False
        self.fill(0)
        return 0
