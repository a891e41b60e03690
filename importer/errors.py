"""The importer's error tree: every error it raises derives from ``ImporterError``.

Errors carry fields (uuid, key, region id, store address, ...) and render a short message from
them. Foreign errors (``grpc.RpcError``, plyvel, sqlite) are translated once, where they occur,
with ``raise ... from exc``. ``importer.kvservice`` maps the tree to gRPC status codes.

Public API: ``ImporterError`` and its subclasses below.
"""

from __future__ import annotations

import uuid as uuidlib
from enum import Enum

from importer.cluster import Peer, Region


def _uuid_text(raw: bytes) -> str:
    try:
        return str(uuidlib.UUID(bytes=raw))
    except ValueError:
        return raw[:32].hex()


class ImporterError(Exception):
    """Base of every importer error."""


class ConfigError(ImporterError):
    """A configuration key is unknown or its value is invalid."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"config {key}: {reason}")
        self.key = key
        self.reason = reason


# ---------------------------------------------------------------------------------- requests


class InvalidRequest(ImporterError):
    """A request is malformed (bad uuid, stream out of order, empty key, ...)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"invalid {field}: {reason}")
        self.field = field
        self.reason = reason


# ----------------------------------------------------------------------------------- engines


class EngineError(ImporterError):
    """Something about one engine; carries its 16-byte uuid."""

    def __init__(self, uuid: bytes, message: str) -> None:
        super().__init__(message)
        self.uuid = uuid

    @property
    def uuid_text(self) -> str:
        return _uuid_text(self.uuid)


class EngineNotFound(EngineError):
    """No engine with this uuid exists (or, for writes, none is open)."""

    def __init__(self, uuid: bytes) -> None:
        super().__init__(uuid, f"EngineNotFound({_uuid_text(uuid)})")


class EngineInUse(EngineError):
    """The engine's state forbids the operation right now (writing, importing, open)."""

    def __init__(self, uuid: bytes, state: str, operation: str) -> None:
        super().__init__(uuid, f"EngineInUse({_uuid_text(uuid)}): cannot {operation} while {state}")
        self.state = state
        self.operation = operation


class EngineClosed(EngineError):
    """OpenEngine on an engine that is already closed (tikv-importer's ``FileExists``)."""

    def __init__(self, uuid: bytes, state: str) -> None:
        super().__init__(uuid, f"FileExists({_uuid_text(uuid)}): engine is already {state}")
        self.state = state


class TooManyOpenEngines(ImporterError):
    """``max-open-engines`` engines are open already."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"ResourceTemporarilyUnavailable: too many open engines (max-open-engines={limit})"
        )
        self.limit = limit


class DiskFull(ImporterError):
    """Free space of the import dir is below ``min-available-ratio``."""

    def __init__(self, path: str, available: int, capacity: int, min_ratio: float) -> None:
        ratio = available / capacity if capacity else 0.0
        super().__init__(
            f"DiskFull({path}): {available} of {capacity} bytes free ({ratio:.3f}), "
            f"below min-available-ratio {min_ratio}"
        )
        self.path = path
        self.available = available
        self.capacity = capacity
        self.min_ratio = min_ratio


class StorageError(ImporterError):
    """The local storage (LevelDB engine or meta DB) failed."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"storage error at {path}: {reason}")
        self.path = path
        self.reason = reason


# ----------------------------------------------------------------------------------- cluster


class RegionErrorKind(Enum):
    """The ``errorpb.Error`` variants the import logic tells apart."""

    NOT_LEADER = "not_leader"
    EPOCH_NOT_MATCH = "epoch_not_match"
    SERVER_IS_BUSY = "server_is_busy"
    REGION_NOT_FOUND = "region_not_found"
    KEY_NOT_IN_REGION = "key_not_in_region"
    STORE_NOT_MATCH = "store_not_match"
    STALE_COMMAND = "stale_command"
    DISK_FULL = "disk_full"
    OTHER = "other"


class ClusterError(ImporterError):
    """Talking to PD or TiKV failed."""


class RegionError(ClusterError):
    """TiKV answered with a region error (``errorpb.Error``)."""

    def __init__(
        self,
        kind: RegionErrorKind,
        region_id: int,
        message: str = "",
        *,
        leader: Peer | None = None,
        current_regions: tuple[Region, ...] = (),
    ) -> None:
        super().__init__(f"region {region_id}: {kind.value} {message}".rstrip())
        self.kind = kind
        self.region_id = region_id
        self.message = message
        self.leader = leader
        self.current_regions = current_regions


class RpcFailure(ClusterError):
    """A gRPC call to PD or a store failed at the transport level."""

    def __init__(self, address: str, method: str, code: str, details: str) -> None:
        super().__init__(f"{method} to {address} failed: {code} {details}".rstrip())
        self.address = address
        self.method = method
        self.code = code
        self.details = details


class PdError(ClusterError):
    """PD answered with an error in its response header, or an unusable answer."""

    def __init__(self, method: str, error_type: str, message: str) -> None:
        super().__init__(f"PD {method}: {error_type} {message}".rstrip())
        self.method = method
        self.error_type = error_type
        self.message = message


class ImportFailed(ImporterError):
    """Importing an engine gave up after its retry limits."""

    def __init__(self, uuid: bytes, reason: str) -> None:
        super().__init__(f"ImportJobFailed({_uuid_text(uuid)}): {reason}")
        self.uuid = uuid
        self.reason = reason


class ImportAborted(ImporterError):
    """Another range of the same import failed; this range stopped early."""


# ------------------------------------------------------------------------------ coordination


class JobError(ImporterError):
    """A coordination request refers to something that does not exist or is not allowed."""

    def __init__(self, job_id: str, reason: str) -> None:
        super().__init__(f"job {job_id!r}: {reason}")
        self.job_id = job_id
        self.reason = reason


class JobNotFound(JobError):
    def __init__(self, job_id: str) -> None:
        super().__init__(job_id, "no such job")


class TaskNotFound(JobError):
    def __init__(self, job_id: str, task_id: str) -> None:
        super().__init__(job_id, f"no such task {task_id!r}")
        self.task_id = task_id
