"""The playground's error tree: every failure it raises carries fields, not prose."""

from __future__ import annotations


class PlaygroundError(Exception):
    """Base of every error the playground raises."""


class ConfigError(PlaygroundError):
    """A configuration value (CLI flag, fault spec, config field) is invalid."""

    def __init__(self, key: str, value: object, reason: str) -> None:
        super().__init__(f"{key}={value!r}: {reason}")
        self.key = key
        self.value = value
        self.reason = reason


class UnknownRegion(PlaygroundError):
    """A region id the cluster does not know."""

    def __init__(self, region_id: int) -> None:
        super().__init__(f"region {region_id} not found")
        self.region_id = region_id


class UnknownStore(PlaygroundError):
    """A store id the cluster does not have."""

    def __init__(self, store_id: int) -> None:
        super().__init__(f"store {store_id} not found")
        self.store_id = store_id


class InvalidSplit(PlaygroundError):
    """Split keys that cannot split a region (empty, outside it, unsorted, equal to its start)."""

    def __init__(self, region_id: int, key: bytes, reason: str) -> None:
        super().__init__(f"region {region_id}: split key {key.hex()}: {reason}")
        self.region_id = region_id
        self.key = key
        self.reason = reason


class ReadFailed(PlaygroundError):
    """Reading through the stores failed after every retry."""

    def __init__(self, key: bytes, reason: str) -> None:
        super().__init__(f"read at key {key.hex()} failed: {reason}")
        self.key = key
        self.reason = reason
