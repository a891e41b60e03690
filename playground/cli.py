"""Command line of the ``playground`` program: ``playground up`` runs a local cluster."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import structlog

from playground.cluster import Cluster, ClusterConfig
from playground.config import TlsFiles
from playground.errors import PlaygroundError

DEFAULT_DATA_DIR = Path(".flashload/playground")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground", description="A local PD + TiKV + TiDB stand-in for flashload."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start PD, the TiKV stores and TiDB in this process")
    up.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--pd-port", type=int, default=2379)
    up.add_argument("--stores", type=int, default=3, help="number of TiKV stores")
    up.add_argument(
        "--store-port",
        type=int,
        default=20160,
        help="port of store 1; store N listens on store-port + N - 1 (0 = free ports)",
    )
    up.add_argument("--replicas", type=int, default=3, help="peers per region")
    up.add_argument("--sql-port", type=int, default=4000)
    up.add_argument("--status-port", type=int, default=10080)
    up.add_argument("--faults", default="", help="e.g. not-leader=0.05,server-busy=0.05")
    up.add_argument("--seed", type=int, default=0)
    up.add_argument("--row-format-version", type=int, choices=(1, 2), default=2)
    up.add_argument(
        "--new-collation",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="new collation framework (TiDB >= 6.0 default: enabled)",
    )
    up.add_argument("--ca", type=Path, help="CA PEM for TLS on the gRPC servers")
    up.add_argument("--cert", type=Path, help="certificate PEM for TLS on the gRPC servers")
    up.add_argument("--key", type=Path, help="private key PEM for TLS on the gRPC servers")
    up.add_argument("--log-level", default="warning", choices=("debug", "info", "warning", "error"))
    return parser


def config_from_args(args: argparse.Namespace) -> ClusterConfig:
    tls = None
    given = [p for p in (args.ca, args.cert, args.key) if p is not None]
    if given:
        if len(given) != 3:
            raise PlaygroundError("--ca, --cert and --key must be given together")
        tls = TlsFiles(args.ca, args.cert, args.key)
    ports: tuple[int, ...] = ()
    if args.store_port:
        ports = tuple(args.store_port + i for i in range(args.stores))
    return ClusterConfig(
        data_dir=args.data_dir,
        host=args.host,
        pd_port=args.pd_port,
        store_count=args.stores,
        sql_port=args.sql_port,
        status_port=args.status_port,
        faults=args.faults,
        seed=args.seed,
        store_ports=ports,
        replicas=args.replicas,
        row_format_version=args.row_format_version,
        new_collation=args.new_collation,
        tls=tls,
    )


def endpoint_lines(cluster: Cluster) -> list[str]:
    lines = [f"pd {cluster.pd_addr}"]
    lines += [f"tikv-{sid} {addr}" for sid, addr in cluster.store_addrs.items()]
    lines += [f"tidb {cluster.sql_addr}", f"tidb-status {cluster.status_addr}"]
    return lines


def _up(args: argparse.Namespace) -> int:
    level = getattr(logging, args.log_level.upper())
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    config = config_from_args(args)
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with Cluster(config) as cluster:
        for line in endpoint_lines(cluster):
            print(line, flush=True)
        print("ready", flush=True)
        while not done.wait(0.5):
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            return _up(args)
    except (PlaygroundError, OSError) as exc:
        print(f"playground: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
