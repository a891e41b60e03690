"""The README's quickstart command: it starts a playground and an importer, imports the bundled
sample dump with verified checksums, prints the summary, and leaves no process behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_quickstart_imports_the_sample_dump_verified_and_cleans_up(tmp_path: Path) -> None:
    env = dict(os.environ, FLASHLOAD_VENV=sys.prefix, FLASHLOAD_HOME=str(tmp_path / "qs"))
    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / "quickstart.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("`shop`.")]
    assert len(lines) == 4 and all("verified 0x" in line for line in lines), result.stdout
    assert "4/4 verified, job done" in result.stdout
    assert "every table imported and verified" in result.stderr
    for name in ("playground.pid", "importer.pid"):
        pid = int((tmp_path / "qs" / name).read_text())
        assert not alive(pid), f"{name} {pid} still running"
