"""The encoder's error tree: every error the encoder package raises derives from ``EncoderError``.

Sub-trees live with their modules (``encoder.source.errors`` for the dump reader, whose
``ConfigError`` is also the encoder's configuration error); the errors of the import run are
here. Foreign errors (``grpc.RpcError``, ``pymysql.Error``, ``urllib`` errors) are translated
once, where the encoder talks to the importer, TiDB or PD, with ``raise ... from exc``; they
carry fields, not prose.

Public API: ``EncoderError``, ``RemoteError``, ``ImporterError``, ``ImporterUnavailable``,
``EngineBusy``, ``EngineClosed``, ``EngineMissing``, ``TooManyOpenEngines``, ``ImportAborted``,
``TidbError``, ``PDError``, ``EncodeError``, ``ChecksumMismatch``, ``LeaseLost``,
``JobFailed``, ``PrecheckFailed``.
"""

from __future__ import annotations


class EncoderError(Exception):
    """Base of every error raised by the encoder package."""


class RemoteError(EncoderError):
    """A server the encoder talks to failed a request.

    ``retryable`` errors are transient (server unreachable, busy, restarting); the task loop
    waits and repeats the request instead of failing the task.
    """

    retryable = False


# ----------------------------------------------------------------------------------- importer


class ImporterError(RemoteError):
    """The importer refused or failed a request; ``method`` is the RPC, ``code`` the gRPC code."""

    def __init__(self, method: str, code: str, message: str) -> None:
        super().__init__(f"importer {method}: {code}: {message}")
        self.method = method
        self.code = code
        self.message = message


class ImporterUnavailable(ImporterError):
    """The importer cannot be reached (down, restarting, network)."""

    retryable = True


class EngineBusy(ImporterError):
    """The engine is being written or imported right now (``EngineInUse``); retry shortly."""

    retryable = True


class TooManyOpenEngines(ImporterError):
    """The importer has ``max-open-engines`` open (or is short of disk); retry later."""

    retryable = True


class ImportAborted(ImporterError):
    """An engine import failed or was interrupted; importing again is safe."""

    retryable = True


class EngineClosed(ImporterError):
    """The engine was already closed: the work that wanted to write into it is stale."""


class EngineMissing(ImporterError):
    """The importer does not know the engine (never opened, or cleaned up)."""

    def __init__(self, method: str, uuid: str) -> None:
        super().__init__(method, "NOT_FOUND", f"engine {uuid} not found")
        self.uuid = uuid


# --------------------------------------------------------------------------------- TiDB / PD


class TidbError(RemoteError):
    """A TiDB request failed; ``code`` is the MySQL error number (0 for transport errors),
    ``what`` the operation (a statement or an HTTP path)."""

    def __init__(self, what: str, code: int, message: str, *, retryable: bool = False) -> None:
        super().__init__(f"TiDB {what}: {message}" + (f" (error {code})" if code else ""))
        self.what = what
        self.code = code
        self.message = message
        self.retryable = retryable


class PDError(RemoteError):
    """PD cannot be reached or answered an error."""

    def __init__(self, addr: str, message: str) -> None:
        super().__init__(f"PD {addr}: {message}")
        self.addr = addr
        self.message = message
        self.retryable = True


# ------------------------------------------------------------------------------------ import


class EncodeError(EncoderError):
    """A value of the dump cannot be stored in its column (a cast failed).

    Names the table, column, value, why, and where the row starts: file and byte offset.
    """

    def __init__(
        self, table: str, column: str, value: object, reason: str, path: str, offset: int
    ) -> None:
        shown = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value
        text = repr(shown)
        if len(text) > 80:
            text = text[:77] + "..."
        super().__init__(
            f"table {table} column {column!r}: {reason} for value {text}"
            f" in {path} at offset {offset}"
        )
        self.table = table
        self.column = column
        self.value = value
        self.reason = reason
        self.path = path
        self.offset = offset


class ChecksumMismatch(EncoderError):
    """The cluster's checksum of a table differs from the one computed while encoding."""

    def __init__(self, table: str, local: str, remote: str) -> None:
        super().__init__(f"table {table}: checksum mismatch: local {local} != remote {remote}")
        self.table = table
        self.local = local
        self.remote = remote


class LeaseLost(EncoderError):
    """The coordinator took a task back (lease expired, job failed): stop working on it."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"lease of task {task_id} lost")
        self.task_id = task_id


class JobFailed(EncoderError):
    """The import job failed; ``message`` is the coordinator's error (where and why)."""

    def __init__(self, job_id: str, message: str) -> None:
        super().__init__(f"import failed: {message}")
        self.job_id = job_id
        self.message = message


class PrecheckFailed(EncoderError):
    """A requirement checked before the import is not met; ``failures`` lists each one."""

    def __init__(self, failures: list[str]) -> None:
        super().__init__("precheck failed: " + "; ".join(failures))
        self.failures = failures
