"""structlog configuration of the encoder: JSON lines (files, pipes) or console (a terminal).

With the progress bar on a terminal, events below WARNING are not printed to it (they would
tear the bar); set ``[lightning] file`` to keep every event.

Public API: ``LogSettings``, ``configure_logging``.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TextIO

import structlog


@dataclass(frozen=True)
class LogSettings:
    """Where and how much to log; picklable for worker processes."""

    level: str = "info"
    file: str = ""
    console: bool = False
    quiet_below_warning: bool = False


def configure_logging(settings: LogSettings) -> None:
    """Routes every structlog event to stderr (or ``settings.file``)."""
    stream: TextIO = (
        open(settings.file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        if settings.file
        else sys.stderr
    )
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer(colors=False)
        if settings.console and not settings.file
        else structlog.processors.JSONRenderer()
    )
    level = settings.level
    if settings.quiet_below_warning and not settings.file and level in ("debug", "info"):
        level = "warning"
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
