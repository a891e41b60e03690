"""Command line of the `playground` program."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="playground")
    parser.parse_args(argv)
    print("playground: not yet available", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
