"""The import rules of ../shared/docs/architecture.md, enforced by walking every module's AST.

tidbkv: stdlib + crcmod only; protos: grpc + protobuf; encoder and importer never import each
other; the importer uses only tidbkv's checksum and key codec; production code never imports
playground.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = {"tidbkv", "protos", "encoder", "importer", "playground"}

# Which internal packages each package may import (besides itself).
ALLOWED_INTERNAL = {
    "tidbkv": set(),
    "protos": set(),
    "encoder": {"tidbkv", "protos"},
    "importer": {"tidbkv", "protos"},
    "playground": {"tidbkv", "protos"},
}
# The importer may only use these tidbkv modules ("checksum, key codec only").
IMPORTER_TIDBKV_MODULES = {"tidbkv.checksum", "tidbkv.codec", "tidbkv.keys", "tidbkv.errors"}
# Third-party top-level modules allowed in the pure packages (stdlib is always allowed).
ALLOWED_THIRD_PARTY = {
    "tidbkv": {"crcmod"},
    "protos": {"grpc", "google", "grpc_tools"},
}


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> list[str]:
    """Absolute dotted names of everything a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    mod = _module_name(path, root)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            if node.module is None or node.level:
                out.extend(f"{prefix}.{a.name}" if prefix else a.name for a in node.names)
            else:
                out.extend(
                    f"{prefix}.{a.name}" if prefix in INTERNAL else prefix for a in node.names
                )
    return out


def violations(package: str, root: Path = ROOT) -> list[str]:
    """Every import in ``root/package`` that breaks the rules, as "file imports name"."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for name in imports_of(path, root):
            top = name.split(".")[0]
            where = f"{path.relative_to(root).as_posix()} imports {name}"
            if top in INTERNAL and top != package and top not in ALLOWED_INTERNAL[package]:
                found.append(where)
            elif package == "importer" and top == "tidbkv":
                if not any(name == m or name.startswith(m + ".") for m in IMPORTER_TIDBKV_MODULES):
                    found.append(where)
            elif (
                package in ALLOWED_THIRD_PARTY
                and top not in INTERNAL
                and top not in sys.stdlib_module_names
                and top not in ALLOWED_THIRD_PARTY[package]
                and top != "__future__"
            ):
                found.append(where)
    return found


@pytest.mark.parametrize("package", sorted(INTERNAL))
def test_package_respects_the_import_rules(package: str) -> None:
    assert violations(package) == []


def test_the_checker_catches_forbidden_imports(tmp_path: Path) -> None:
    for pkg, text in {
        "encoder": "from importer import engine\nfrom .. import playground\nfrom . import ok\n",
        "importer": "from tidbkv.rowcodec import encode_row\nfrom tidbkv.checksum import KVChecksum\n",
        "tidbkv": "import grpc\nimport crcmod\nimport json\n",
    }.items():
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "probe.py").write_text(text)
    assert violations("encoder", tmp_path) == [
        "encoder/probe.py imports importer.engine",
        "encoder/probe.py imports playground",
    ]
    assert violations("importer", tmp_path) == ["importer/probe.py imports tidbkv.rowcodec"]
    assert violations("tidbkv", tmp_path) == ["tidbkv/probe.py imports grpc"]
