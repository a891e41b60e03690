"""Pages of engine table files that LevelDB has mapped into the process.

LevelDB reads its table files through ``mmap`` (the first thousand files of a process), so
every page an import or a compaction reads stays in the process's resident set until the file
is closed: importing a 300 MB engine would add 300 MB to the RSS. ``MappedPages`` measures the
process's file-backed resident memory above what it was at start (shared libraries), and
``page_out`` asks the kernel to reclaim the pages of every mapping of a file under the engines
directory (``madvise(MADV_PAGEOUT)``, Linux 5.4+). That advice never changes memory contents:
a page read again is simply read from the file again. On other systems both are no-ops.

Public API: ``MappedPages``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from pathlib import Path

_MADV_PAGEOUT = 21
_STATUS = Path("/proc/self/status")
_MAPS = Path("/proc/self/maps")


def _load_madvise() -> Callable[[int, int, int], int] | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):  # pragma: no cover - not a POSIX libc
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    fn.restype = ctypes.c_int
    madvise: Callable[[int, int, int], int] = fn
    return madvise


_MADVISE = _load_madvise()


def _resident_file_bytes() -> int:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("RssFile:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):  # pragma: no cover - no procfs
        pass
    return 0


class MappedPages:
    """File pages of the engines under ``root`` resident in this process."""

    def __init__(self, root: Path) -> None:
        self.root = str(root.resolve()) + "/"
        self._baseline = _resident_file_bytes()
        self.page_outs = 0

    def resident(self) -> int:
        """Approximate bytes of engine file pages resident now (file-backed RSS grown since
        this object was made)."""
        return max(0, _resident_file_bytes() - self._baseline)

    def _ranges(self) -> Iterator[tuple[int, int]]:
        try:
            lines = _MAPS.read_text().splitlines()
        except OSError:  # pragma: no cover - no procfs
            return
        for line in lines:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith(self.root):
                start, _, end = fields[0].partition("-")
                yield int(start, 16), int(end, 16)

    def page_out(self) -> int:
        """Asks the kernel to drop the resident pages of every engine file mapping; returns
        how many mappings were advised."""
        if _MADVISE is None:  # pragma: no cover - not a POSIX libc
            return 0
        count = 0
        for start, end in self._ranges():
            # A mapping LevelDB closed meanwhile fails (ENOMEM) or, reused, only gets advice
            # that never alters memory contents.
            _MADVISE(start, end - start, _MADV_PAGEOUT)
            count += 1
        self.page_outs += 1
        return count
