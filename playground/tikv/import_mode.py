"""A store's import mode, reverting to Normal when no Import request came within the timeout."""

from __future__ import annotations

import threading
import time

from protos import import_sstpb_pb2

NORMAL = import_sstpb_pb2.Normal
IMPORT = import_sstpb_pb2.Import
# TiKV's import.import-mode-timeout.
DEFAULT_TIMEOUT_SECONDS = 600.0


class ImportModeSwitch:
    """``set`` / ``get`` as ``SwitchMode`` / ``GetMode`` see them."""

    def __init__(self, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._mode: int = NORMAL
        self._since = 0.0

    def set(self, mode: int) -> None:
        with self._lock:
            self._mode = mode
            self._since = time.monotonic()

    def get(self) -> int:
        with self._lock:
            if self._mode == IMPORT and time.monotonic() - self._since > self.timeout_seconds:
                self._mode = NORMAL
            return self._mode
