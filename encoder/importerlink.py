"""The gRPC edge towards the importer: one channel per process, errors translated once here.

``translate(method, exc)`` maps a ``grpc.RpcError`` to the encoder's error tree by status code:
UNAVAILABLE / DEADLINE_EXCEEDED / CANCELLED -> ``ImporterUnavailable`` (the importer
is down or restarting), FAILED_PRECONDITION -> ``EngineBusy`` ("EngineInUse"),
RESOURCE_EXHAUSTED -> ``TooManyOpenEngines`` (or disk full), ABORTED -> ``ImportAborted``,
ALREADY_EXISTS -> ``EngineClosed``,
anything else -> ``ImporterError``.

Public API: ``open_channel``, ``translate``, ``call``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import grpc

from encoder.errors import (
    EngineBusy,
    EngineClosed,
    ImportAborted,
    ImporterError,
    ImporterUnavailable,
    TooManyOpenEngines,
)

T = TypeVar("T")

# Largest message either side sends (the importer accepts 128 MiB by default).
MAX_MESSAGE_BYTES = 128 << 20

_BY_CODE: dict[grpc.StatusCode, type[ImporterError]] = {
    grpc.StatusCode.UNAVAILABLE: ImporterUnavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: ImporterUnavailable,
    grpc.StatusCode.CANCELLED: ImporterUnavailable,
    grpc.StatusCode.FAILED_PRECONDITION: EngineBusy,
    grpc.StatusCode.RESOURCE_EXHAUSTED: TooManyOpenEngines,
    grpc.StatusCode.ABORTED: ImportAborted,
    grpc.StatusCode.ALREADY_EXISTS: EngineClosed,
}


def open_channel(addr: str) -> grpc.Channel:
    """An insecure channel to the importer at ``host:port``."""
    return grpc.insecure_channel(
        addr,
        options=[
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.enable_retries", 0),
        ],
    )


def translate(method: str, exc: grpc.RpcError) -> ImporterError:
    """The encoder error for a failed importer RPC."""
    code = exc.code() if isinstance(exc, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = (exc.details() if isinstance(exc, grpc.Call) else str(exc)) or ""
    cls = _BY_CODE.get(code, ImporterError)
    return cls(method, code.name, details)


def call(method: str, fn: Callable[[], T]) -> T:
    """Runs one RPC, translating its ``grpc.RpcError``."""
    try:
        return fn()
    except grpc.RpcError as exc:
        raise translate(method, exc) from exc
