"""Opening dump files as byte streams: plain (seekable) or gzip / zstd / xz (decompressed).

``open_stream`` returns a ``ByteStream`` whose ``read`` yields the file's (decompressed) bytes
and whose ``pos`` counts them. Codec failures (corrupt or truncated stream) are translated once,
here, into ``CompressionError`` naming the file and the decompressed offset.

Public API: ``ByteStream``, ``open_stream``.
"""

from __future__ import annotations

import gzip
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

import zstandard

from encoder.source.errors import CompressionError, ScanError
from encoder.source.files import SUPPORTED_COMPRESSIONS, Compression

_CODEC_ERRORS: tuple[type[BaseException], ...] = (
    gzip.BadGzipFile,
    zlib.error,
    EOFError,
    lzma.LZMAError,
    zstandard.ZstdError,
)


class ByteStream:
    """A forward byte stream over one file, with the position of the next byte read."""

    def __init__(
        self, raw: BinaryIO, name: str, compression: Compression, file: BinaryIO | None = None
    ) -> None:
        self._raw = raw
        self._file = file
        self.name = name
        self.compression = compression
        self.pos = 0

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; ``b""`` only at end of file."""
        try:
            data = self._raw.read(size)
        except _CODEC_ERRORS as exc:
            raise CompressionError(
                self.name, self.pos, f"a valid {self.compression.value} stream", str(exc)
            ) from exc
        except OSError as exc:
            raise ScanError(self.name, f"cannot read at offset {self.pos}: {exc.strerror}") from exc
        self.pos += len(data)
        return data

    def skip_to(self, offset: int) -> None:
        """Advance to ``offset`` (seek when plain, read-and-discard when compressed)."""
        if offset < self.pos:
            raise ValueError(f"cannot move back from {self.pos} to {offset}")
        if self.compression is Compression.NONE:
            self._raw.seek(offset)
            self.pos = offset
            return
        while self.pos < offset:
            if not self.read(min(offset - self.pos, 1 << 20)):
                raise CompressionError(self.name, self.pos, f"data up to offset {offset}")

    def close(self) -> None:
        self._raw.close()
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_stream(root: Path, rel_path: str, compression: Compression, offset: int = 0) -> ByteStream:
    """Open ``root/rel_path`` positioned at (decompressed) ``offset``."""
    if compression not in SUPPORTED_COMPRESSIONS:
        raise CompressionError(rel_path, 0, "gzip, zstd, xz or no compression", compression.value)
    path = root / rel_path
    try:
        f = path.open("rb")
    except OSError as exc:
        raise ScanError(rel_path, f"cannot open: {exc.strerror}") from exc
    raw: BinaryIO
    try:
        if compression is Compression.NONE:
            raw = f
        elif compression is Compression.GZIP:
            raw = gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[assignment]
        elif compression is Compression.XZ:
            raw = lzma.LZMAFile(f, mode="rb")  # type: ignore[assignment]  # noqa: SIM115
        else:
            raw = zstandard.ZstdDecompressor().stream_reader(
                f, read_across_frames=True, closefd=True
            )
    except BaseException:
        f.close()
        raise
    stream = ByteStream(raw, rel_path, compression, None if raw is f else f)
    if offset:
        try:
            stream.skip_to(offset)
        except BaseException:
            stream.close()
            raise
    return stream
