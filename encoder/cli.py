"""Command line of the ``encoder`` program.

    encoder --dump DIR --importer HOST:PORT [--tidb HOST:PORT] [--tidb-status HOST:PORT]
            [--pd HOST:PORT] [--user U --password P] [--config encoder.toml]
            [-f FILTER ...] [--workers N] [--check-only] [--forget-failed]
            [--log-level L] [--log-file F]

Flags override the config file (``deploy/encoder.toml`` documents every key), which overrides
the defaults (a local playground). Prints the per-table summary on stdout; progress and errors
go to stderr. Exit codes: 0 every table verified, 1 failed, 2 usage or configuration error,
3 imported without verification (see ``encoder.summary``).

Public API: ``main``, ``parse_args``, ``overrides_from_args``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from encoder.config import load_config, split_host_port
from encoder.errors import EncoderError
from encoder.logsetup import LogSettings, configure_logging
from encoder.source import ConfigError
from encoder.summary import EXIT_FAILED, EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="encoder",
        description="Import a mydumper / Dumpling / CSV / TiCDC dump into TiDB through a "
        "flashload importer; several encoders may run against one dump and importer.",
    )
    p.add_argument("--dump", metavar="DIR", help="the dump directory ([mydumper] data-source-dir)")
    p.add_argument("--importer", metavar="HOST:PORT", help="the importer ([tikv-importer] addr)")
    p.add_argument("--tidb", metavar="HOST:PORT", help="TiDB's SQL port ([tidb] host, port)")
    p.add_argument(
        "--tidb-status",
        metavar="HOST:PORT",
        help="TiDB's status API ([tidb] status-host, status-port)",
    )
    p.add_argument("--pd", metavar="HOST:PORT", help="PD ([tidb] pd-addr; default: from TiDB)")
    p.add_argument("--user", help="TiDB user ([tidb] user)")
    p.add_argument("--password", help="TiDB password ([tidb] password)")
    p.add_argument("--config", metavar="FILE", type=Path, help="encoder.toml")
    p.add_argument(
        "-f",
        "--filter",
        metavar="FILTER",
        action="append",
        help="table filter rule, repeatable ([mydumper] filter), e.g. -f 'shop.*' -f '!shop.tmp'",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes ([lightning] region-concurrency; default: CPU count)",
    )
    p.add_argument(
        "--check-only", action="store_true", help="run the prechecks, print a report and exit"
    )
    p.add_argument(
        "--forget-failed",
        action="store_true",
        help="if this dump's job failed earlier, delete its engines and forget it, so that this"
        " run imports the dump from scratch (target tables must still be empty or absent)",
    )
    p.add_argument(
        "--log-level", choices=("debug", "info", "warning", "error"), help="[lightning] level"
    )
    p.add_argument("--log-file", metavar="FILE", help="[lightning] file")
    return p


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    return _parser().parse_args(argv)


def overrides_from_args(args: argparse.Namespace) -> dict[str, object]:
    """Dotted config keys set by the flags."""
    out: dict[str, object] = {}
    if args.dump is not None:
        out["mydumper.data-source-dir"] = args.dump
    if args.importer is not None:
        split_host_port("--importer", args.importer)
        out["tikv-importer.addr"] = args.importer
    if args.tidb is not None:
        host, port = split_host_port("--tidb", args.tidb)
        out["tidb.host"] = host
        out["tidb.port"] = port
    if args.tidb_status is not None:
        host, port = split_host_port("--tidb-status", args.tidb_status)
        out["tidb.status-host"] = host
        out["tidb.status-port"] = port
    if args.pd is not None:
        split_host_port("--pd", args.pd)
        out["tidb.pd-addr"] = args.pd
    if args.user is not None:
        out["tidb.user"] = args.user
    if args.password is not None:
        out["tidb.password"] = args.password
    if args.filter:
        out["mydumper.filter"] = list(args.filter)
    if args.workers is not None:
        if args.workers < 1:
            raise ConfigError("--workers", "must be at least 1")
        out["lightning.region-concurrency"] = args.workers
    if args.log_level is not None:
        out["lightning.level"] = args.log_level
    if args.log_file is not None:
        out["lightning.file"] = args.log_file
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        cfg = load_config(args.config, overrides_from_args(args))
        if not cfg.mydumper.data_source_dir:
            raise ConfigError("mydumper.data-source-dir", "no dump directory (use --dump)")
    except ConfigError as exc:
        print(f"encoder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    tty = sys.stderr.isatty()
    log_settings = LogSettings(
        level=cfg.lightning.level,
        file=cfg.lightning.file,
        console=tty,
        quiet_below_warning=tty and not args.check_only,
    )
    configure_logging(log_settings)
    from encoder.job import run_job  # heavy imports after the configuration is valid

    try:
        return run_job(
            cfg,
            check_only=args.check_only,
            forget_failed=args.forget_failed,
            log_settings=log_settings,
        )
    except EncoderError as exc:
        print(f"encoder: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("encoder: interrupted; run it again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
