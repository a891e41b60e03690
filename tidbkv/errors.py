"""The tidbkv error tree: every error the codec raises derives from ``TidbKVError``.

Public API: ``TidbKVError``, ``DecodeError``.
"""

from __future__ import annotations


class TidbKVError(Exception):
    """Base of every tidbkv error."""


class DecodeError(TidbKVError, ValueError):
    """Bytes are not a valid encoding of what the caller asked to decode."""

    def __init__(self, what: str, data: bytes, reason: str) -> None:
        super().__init__(f"cannot decode {what} from {data[:32].hex()}: {reason}")
        self.what = what
        self.data = data
        self.reason = reason
