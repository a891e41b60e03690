"""Regenerates the Python modules of ``protos/proto/*.proto`` (``python -m protos.generate``).

protoc writes absolute imports (``import metapb_pb2``); they are rewritten to package-relative
ones (``from . import metapb_pb2``) so the modules live inside the ``protos`` package.
``--check`` compares instead of writing and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROTO_DIR = PACKAGE_DIR / "proto"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")

_IMPORT_RE = re.compile(r"^import (\w+_pb2)( as \w+)?$", re.MULTILINE)


def proto_files() -> list[Path]:
    """Every .proto source, sorted by name."""
    return sorted(PROTO_DIR.glob("*.proto"))


def _relative_imports(text: str) -> str:
    return _IMPORT_RE.sub(lambda m: f"from . import {m.group(1)}{m.group(2) or ''}", text)


def generate() -> dict[str, str]:
    """Runs protoc on every source and returns {file name: text} of the generated modules."""
    import grpc_tools
    from grpc_tools import protoc

    well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"
    with tempfile.TemporaryDirectory() as out:
        args = [
            "grpc_tools.protoc",
            f"-I{PROTO_DIR}",
            f"-I{well_known}",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            *(p.name for p in proto_files()),
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        return {
            p.name: _relative_imports(p.read_text(encoding="utf-8"))
            for p in sorted(Path(out).iterdir())
            if p.name.endswith(GENERATED_SUFFIXES)
        }


def committed() -> dict[str, str]:
    """{file name: text} of the generated modules currently in the package."""
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE_DIR.iterdir())
        if p.name.endswith(GENERATED_SUFFIXES)
    }


def stale_files() -> list[str]:
    """Names of generated modules that are missing, extra or differ from a fresh run."""
    fresh, current = generate(), committed()
    return sorted(n for n in fresh.keys() | current.keys() if fresh.get(n) != current.get(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale modules")
    opts = parser.parse_args(argv)
    if opts.check:
        stale = stale_files()
        for name in stale:
            print(f"stale: protos/{name}")
        return 1 if stale else 0
    fresh = generate()
    for old in committed().keys() - fresh.keys():
        (PACKAGE_DIR / old).unlink()
    for name, text in fresh.items():
        (PACKAGE_DIR / name).write_text(text, encoding="utf-8")
    print(f"generated {len(fresh)} modules from {len(proto_files())} .proto files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
