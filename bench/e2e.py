"""End-to-end benchmark: a generated sbtest dump imported by flashload into the playground,
and the same dump loaded into MariaDB with the ``mysql`` client and with ``myloader``.

    python bench/e2e.py                      # 128 MiB dump, quick
    python bench/e2e.py --size 1GiB          # the reference size (4 tables, ~5.3M rows)
    python bench/e2e.py --skip-mariadb       # flashload only

Every program runs as its own process: ``playground up`` (PD + 3 TiKV stores + TiDB),
``importer serve`` and ``encoder`` (``--workers``, default the CPU count). Prints MB/s of dump,
rows/s, wall time by stage (from the encoder's log: plan, encode + deliver, engine imports,
checksums), the peak RSS of the encoder (all its processes together) and of the importer
(checked against the importer's 500 MB limit), CPU seconds per process and per MB of dump,
then the MariaDB loads of the same files (private server: 4 GiB buffer pool, default
durability) and the ratios. Work files go to ``--work-dir`` (default ``bench/out/e2e``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.config import parse_size  # noqa: E402
from tests.support.dumpgen import sbtest_dump  # noqa: E402
from tests.support.mariadb import start_mariadb  # noqa: E402

BYTES_PER_ROW = 200  # an sbtest row in a mydumper file
FILE_BYTES = 40 << 20  # mydumper-like data files per table
BIN = Path(sys.executable).parent
IMPORTER_RSS_LIMIT_MB = 500  # issue 6: whatever the engine size


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ processes


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += [int(x) for x in (task / "children").read_text().split()]
    return kids


def _tree(pid: int) -> list[int]:
    out = [pid]
    for kid in _children(pid):
        out += _tree(kid)
    return out


@dataclass
class RssMonitor:
    """Samples the summed RSS of a process tree; remembers the peak and the CPU seconds each
    process of the tree used (last sample)."""

    pid: int
    peak: int = 0
    samples: list[int] = field(default_factory=list)
    cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def start(self) -> RssMonitor:
        threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._stop.is_set():
            pids = _tree(self.pid)
            total = sum(_status(p).get("VmRSS", 0) for p in pids)
            for p in pids:
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu[p] = (int(fields[11]) + int(fields[12])) / tick
            self.peak = max(self.peak, total)
            self.samples.append(total)
            time.sleep(0.25)

    def stop(self) -> None:
        self._stop.set()


def wait_line(path: Path, needle: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if needle in line:
                    return line
        time.sleep(0.1)
    raise TimeoutError(f"{needle!r} not in {path}")


@contextlib.contextmanager
def background(cmd: list[str], out: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(out, "wb") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# ------------------------------------------------------------------------------ flashload


def _events(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


def _ts(event: dict[str, Any]) -> float:
    return dt.datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()


def stages(encoder_log: Path, started: float) -> dict[str, float]:
    ev = _events(encoder_log)

    def first(name: str) -> float | None:
        return next((_ts(e) for e in ev if e.get("event") == name), None)

    chunks = [e for e in ev if e.get("event") == "chunk encoded"]
    out: dict[str, float] = {}
    created = first("job created") or first("job joined")
    if created:
        out["plan + prechecks"] = created - started
    schema = first("schema created")
    if schema and created:
        out["schema"] = schema - created
    if chunks and schema:
        out["encode + deliver (schema -> last chunk)"] = _ts(chunks[-1]) - schema
        out["  read (sum over chunks)"] = sum(e["read_s"] for e in chunks)
        out["  encode (sum over chunks)"] = sum(e["encode_s"] for e in chunks)
        out["  deliver (sum over chunks)"] = sum(e["deliver_s"] for e in chunks)
    imports = [e for e in ev if e.get("event") == "engine imported"]
    out["engine imports (sum)"] = sum(e["elapsed"] for e in imports)
    sums = [e for e in ev if e.get("event") == "table checksummed"]
    out["ADMIN CHECKSUM (sum)"] = sum(e["elapsed"] for e in sums)
    finals = [e for e in ev if e.get("event") == "table finalized"]
    if finals and chunks:
        out["tail: last chunk -> last table finalized"] = _ts(finals[-1]) - _ts(chunks[-1])
    return out


def run_flashload(dump: Path, work: Path, workers: int) -> dict[str, Any]:
    pg_dir = work / "playground"
    shutil.rmtree(pg_dir, ignore_errors=True)
    shutil.rmtree(work / "importer", ignore_errors=True)
    pg_cmd = [str(BIN / "playground"), "up", "--data-dir", str(pg_dir), "--pd-port", "0"]
    pg_cmd += ["--store-port", "0", "--sql-port", "0", "--status-port", "0"]
    with background(pg_cmd, work / "playground.out") as playground:
        pg_mon = RssMonitor(playground.pid).start()
        wait_line(work / "playground.out", "ready")
        addrs = dict(
            line.split()[:2]
            for line in (work / "playground.out").read_text().splitlines()
            if len(line.split()) == 2
        )
        imp_cmd = [str(BIN / "importer"), "serve", "--listen", "127.0.0.1:0"]
        imp_cmd += ["--data-dir", str(work / "importer"), "--pd", addrs["pd"]]
        imp_cmd += ["--log-format", "json"]
        with background(imp_cmd, work / "importer.log") as importer:
            addr = json.loads(wait_line(work / "importer.log", '"importer started"'))["addr"]
            imp_mon = RssMonitor(importer.pid).start()
            enc_log = work / "encoder.log"
            enc_log.unlink(missing_ok=True)
            cmd = [str(BIN / "encoder"), "--dump", str(dump), "--importer", addr]
            cmd += ["--tidb", addrs["tidb"], "--tidb-status", addrs["tidb-status"]]
            cmd += ["--pd", addrs["pd"], "--workers", str(workers), "--log-file", str(enc_log)]
            log(f"flashload: encoder --workers {workers} into the playground")
            started = time.time()
            t0 = time.monotonic()
            with open(work / "encoder.out", "wb") as out:
                enc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            enc_mon = RssMonitor(enc.pid).start()
            rc = enc.wait()
            wall = time.monotonic() - t0
            time.sleep(0.5)  # a last sample of every process
            enc_mon.stop()
            imp_mon.stop()
            pg_mon.stop()
            summary = (work / "encoder.out").read_text()
            if rc != 0:
                raise SystemExit(f"encoder exited with {rc}:\n{summary[-3000:]}")
            return {
                "wall": wall,
                "stages": stages(enc_log, started),
                "encoder_peak_rss": enc_mon.peak,
                "importer_peak_rss": max(imp_mon.peak, _status(importer.pid).get("VmHWM", 0)),
                "summary": summary,
                "encoder_rss_samples": enc_mon.samples,
                "importer_rss_samples": imp_mon.samples,
                "cpu": {
                    "encoder (all processes)": enc_mon.cpu_seconds,
                    "importer": imp_mon.cpu_seconds,
                    "playground (PD + 3 TiKV + TiDB, one process)": pg_mon.cpu_seconds,
                },
            }


# ------------------------------------------------------------------------------ MariaDB


def run_mariadb(dump: Path, threads: int) -> dict[str, float]:
    results: dict[str, float] = {}
    server = start_mariadb(["--innodb-buffer-pool-size=4G", "--innodb-log-file-size=96M"])
    try:
        mysql = shutil.which("mariadb") or shutil.which("mysql")
        if mysql:
            files = sorted(dump.glob("*-schema-create.sql"))
            files += sorted(dump.glob("*-schema.sql"))
            files += sorted(p for p in dump.glob("*.sql") if "-schema" not in p.name)
            db = files[0].name.split("-schema-create")[0]
            log("MariaDB: cat schema data | mysql")
            t0 = time.monotonic()
            cat = subprocess.Popen(["cat", *map(str, files)], stdout=subprocess.PIPE)
            subprocess.run(
                [mysql, "-S", server.socket_path, "-u", "root", "--database=mysql"],
                stdin=cat.stdout,
                check=True,
            )
            cat.wait()
            results["mysql client"] = time.monotonic() - t0
            server.execute(f"DROP DATABASE `{db}`")
        myloader = shutil.which("myloader")
        if myloader:
            log(f"MariaDB: myloader -t {threads}")
            t0 = time.monotonic()
            done = subprocess.run(
                [
                    myloader,
                    "-S",
                    server.socket_path,
                    "-u",
                    "root",
                    "-d",
                    str(dump),
                    "-o",
                    "-t",
                    str(threads),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"myloader failed: {done.stderr[-2000:]}")
            results[f"myloader -t {threads}"] = time.monotonic() - t0
    finally:
        server.stop()
    return results


# ------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="128MiB", help="dump size (4 sbtest tables)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / "out" / "e2e")
    parser.add_argument("--skip-mariadb", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    args = parser.parse_args()
    size = parse_size(args.size)
    work: Path = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    dump = work / "dump"
    rows_per_table = size // 4 // BYTES_PER_ROW
    files = max(1, size // 4 // FILE_BYTES)
    marker = dump / f".generated-{size}"
    if not marker.exists():
        shutil.rmtree(dump, ignore_errors=True)
        log(f"generating a {args.size} sbtest dump: 4 tables x {rows_per_table} rows")
        sbtest_dump(dump, db="sbtest", tables=4, rows=rows_per_table, files=files)
        marker.write_text("")
    if not (dump / "metadata").exists():  # dumps generated before the file was written
        (dump / "metadata").write_text("Started dump at: 2024-01-01 00:00:00\n")
    nbytes = sum(p.stat().st_size for p in dump.glob("*.sql"))
    rows = rows_per_table * 4
    nfiles = len(list(dump.glob("*.sql")))
    fl = run_flashload(dump, work, args.workers)

    cpus = os.cpu_count()
    print(f"\nflashload end to end, {cpus}-core machine")
    print(f"dump: {nbytes / 1e6:,.1f} MB, {rows:,} rows, {nfiles} files (4 sbtest tables)")
    print(f"workers: {args.workers}")
    print(fl["summary"].rstrip())
    wall = fl["wall"]
    print(f"\nwall {wall:.1f} s   {nbytes / wall / 1e6:.1f} MB/s   {rows / wall:,.0f} rows/s")
    print("stages (s):")
    for name, value in fl["stages"].items():
        print(f"  {name:<44} {value:8.1f}")
    print(
        f"peak RSS: encoder (all processes) {fl['encoder_peak_rss'] / 2**20:.0f} MiB,"
        f" importer {fl['importer_peak_rss'] / 2**20:.0f} MiB"
    )
    print("CPU seconds (user + system):")
    for name, secs in fl["cpu"].items():
        print(
            f"  {name:<44} {secs:8.1f}  ({secs / wall * 100:.0f}% of one core,"
            f" {secs / (nbytes / 1e6):.3f} CPU-s/MB)"
        )
    for who in ("encoder", "importer"):
        samples = fl[f"{who}_rss_samples"]
        if len(samples) >= 8:
            q = len(samples) // 4
            print(
                f"{who} RSS by quarter of the run (MiB): "
                + " / ".join(f"{max(samples[i * q : (i + 1) * q]) / 2**20:.0f}" for i in range(4))
            )
    peak_mb = fl["importer_peak_rss"] / 1e6
    verdict = "ok" if peak_mb < IMPORTER_RSS_LIMIT_MB else "OVER"
    print(f"importer peak RSS {peak_mb:.0f} MB: {verdict} (limit {IMPORTER_RSS_LIMIT_MB} MB)")
    sys.stdout.flush()
    mdb = {} if args.skip_mariadb else run_mariadb(dump, threads=args.workers)
    if mdb:
        print("\nMariaDB, same dump:")
        for name, secs in mdb.items():
            rate = nbytes / secs / 1e6
            print(
                f"  {name:<14} {secs:7.1f} s  {rate:6.1f} MB/s"
                f"   flashload / {name} = {secs / wall:.2f}x"
            )
    if not args.keep:
        for sub in ("playground", "importer"):
            shutil.rmtree(work / sub, ignore_errors=True)


if __name__ == "__main__":
    main()
