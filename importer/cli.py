"""Command line of the ``importer`` program: ``importer serve``.

    importer serve --listen :8287 [--data-dir DIR] [--pd HOST:PORT]
                   [--status-addr HOST:PORT] [--config importer.toml]

Flags override the config file (``deploy/importer.toml`` documents every key), which overrides
the defaults. SIGINT / SIGTERM stop the server gracefully.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import structlog

from importer.config import load_config
from importer.errors import ImporterError
from importer.logsetup import configure_logging
from importer.membudget import limit_malloc_arenas

log = structlog.get_logger("importer.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="importer", description="flashload's import daemon (tikv-importer compatible)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the import daemon")
    serve.add_argument("--listen", metavar="HOST:PORT", help="gRPC address ([server] addr)")
    serve.add_argument("--data-dir", metavar="DIR", help="engines and state ([import] import-dir)")
    serve.add_argument("--pd", metavar="HOST:PORT", help="default PD address ([pd] addr)")
    serve.add_argument("--status-addr", metavar="HOST:PORT", help="metrics and status page address")
    serve.add_argument("--config", metavar="FILE", type=Path, help="importer.toml")
    serve.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    serve.add_argument("--log-format", choices=("auto", "console", "json"))
    return parser


def _serve(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    for flag, key in (
        ("listen", "server.addr"),
        ("data_dir", "import.import-dir"),
        ("pd", "pd.addr"),
        ("status_addr", "status-server-address"),
        ("log_level", "log-level"),
        ("log_format", "log-format"),
    ):
        value = getattr(args, flag)
        if value is not None:
            overrides[key] = value
    config = load_config(args.config, overrides)
    configure_logging(config.log_level, config.log_format, config.log_file)

    # Before gRPC and LevelDB start their threads: fewer arenas keep the RSS down.
    limit_malloc_arenas()
    from importer.server import ImporterServer  # heavy imports after config validation

    server = ImporterServer(config)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("signal received", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server.start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
    except ImporterError as exc:
        print(f"importer: {exc}", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse enforces a command


if __name__ == "__main__":
    sys.exit(main())
