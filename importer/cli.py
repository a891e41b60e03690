"""Command line of the `importer` program."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="importer")
    parser.parse_args(argv)
    print("importer: not yet available", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
