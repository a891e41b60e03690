"""The gRPC edge of the error tree: importer errors -> status codes, one wrapper per RPC.

Every servicer method is wrapped by ``rpc``: it counts the call by method and status code,
turns an ``ImporterError`` into a gRPC status with the error's message, and turns anything
unexpected into ``INTERNAL`` (logged with its traceback) so a bad request never kills a worker.

Public API: ``status_of``, ``rpc``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import grpc
import structlog

from importer.errors import (
    ClusterError,
    ConfigError,
    DiskFull,
    EngineClosed,
    EngineInUse,
    EngineNotFound,
    ImportAborted,
    ImporterError,
    ImportFailed,
    InvalidRequest,
    JobError,
    JobNotFound,
    StorageError,
    TaskNotFound,
    TooManyOpenEngines,
)
from importer.metrics import Metrics

log = structlog.get_logger("importer.grpc")

_CODES: tuple[tuple[type[ImporterError], grpc.StatusCode], ...] = (
    (InvalidRequest, grpc.StatusCode.INVALID_ARGUMENT),
    (ConfigError, grpc.StatusCode.INVALID_ARGUMENT),
    (EngineNotFound, grpc.StatusCode.NOT_FOUND),
    (EngineClosed, grpc.StatusCode.ALREADY_EXISTS),
    (EngineInUse, grpc.StatusCode.FAILED_PRECONDITION),
    (TooManyOpenEngines, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (DiskFull, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (StorageError, grpc.StatusCode.INTERNAL),
    (ImportFailed, grpc.StatusCode.ABORTED),
    (ImportAborted, grpc.StatusCode.ABORTED),
    (ClusterError, grpc.StatusCode.UNAVAILABLE),
    (JobNotFound, grpc.StatusCode.NOT_FOUND),
    (TaskNotFound, grpc.StatusCode.NOT_FOUND),
    (JobError, grpc.StatusCode.FAILED_PRECONDITION),
)


def status_of(exc: ImporterError) -> grpc.StatusCode:
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return grpc.StatusCode.UNKNOWN


class _HasMetrics(Protocol):
    metrics: Metrics


F = TypeVar("F", bound=Callable[..., Any])


def rpc(method: str) -> Callable[[F], F]:
    """Wraps a servicer method ``(self, request, context)`` with error translation."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: _HasMetrics, request: Any, context: grpc.ServicerContext) -> Any:
            requests = self.metrics.requests
            started = time.perf_counter()
            try:
                response = fn(self, request, context)
            except ImporterError as exc:
                code = status_of(exc)
                requests.labels(method=method, code=code.name).inc()
                log.warning("request failed", method=method, code=code.name, error=str(exc))
                context.abort(code, str(exc))
            except grpc.RpcError as exc:
                # The client went away mid-stream; nothing to answer.
                requests.labels(method=method, code="CANCELLED").inc()
                log.info("request cancelled", method=method, error=str(exc))
                raise
            except Exception as exc:
                requests.labels(method=method, code="INTERNAL").inc()
                log.exception("request crashed", method=method)
                context.abort(grpc.StatusCode.INTERNAL, f"internal error: {exc!r}")
            finally:
                self.metrics.request_latency.labels(method=method).observe(
                    time.perf_counter() - started
                )
            requests.labels(method=method, code="OK").inc()
            return response

        return cast(F, wrapper)

    return decorate
