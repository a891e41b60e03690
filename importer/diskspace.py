"""Free-disk check of the import dir against ``min-available-ratio``.

Public API: ``DiskGuard``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from importer.errors import DiskFull

Usage = Callable[[Path], tuple[int, int]]


def _disk_usage(path: Path) -> tuple[int, int]:
    usage = shutil.disk_usage(path)
    return usage.free, usage.total


class DiskGuard:
    """Raises ``DiskFull`` when free / total of ``path`` is below ``min_ratio``."""

    def __init__(self, path: Path, min_ratio: float, usage: Usage = _disk_usage) -> None:
        self.path = path
        self.min_ratio = min_ratio
        self._usage = usage

    def usage(self) -> tuple[int, int]:
        """(available, capacity) bytes of the file system holding ``path``."""
        return self._usage(self.path)

    def check(self) -> None:
        if self.min_ratio <= 0:
            return
        available, capacity = self._usage(self.path)
        if capacity <= 0 or available / capacity < self.min_ratio:
            raise DiskFull(str(self.path), available, capacity, self.min_ratio)
