"""The final summary: one line per table (rows, KVs, bytes, time, checksum verdict) and the
exit code.

Built from the coordinator's job status, so it covers the whole job whichever encoders did the
work. A table counts as verified only when the coordinator recorded it so (its ``ADMIN
CHECKSUM TABLE`` equalled the summed chunk checksums).

Exit codes: ``EXIT_OK`` (0) every table verified; ``EXIT_FAILED`` (1) the job failed or did not
finish; ``EXIT_USAGE`` (2) bad command line or configuration; ``EXIT_UNVERIFIED`` (3) imported,
but some table was not verified (``post-restore.checksum`` is ``"off"`` or ``"optional"``).

Public API: ``TableLine``, ``Summary``, ``summarize``, ``human_bytes``, ``human_seconds``, the
``EXIT_*`` codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from encoder.coordclient import describe_checksum
from protos import coordinator_pb2 as cpb

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNVERIFIED = 3


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover


def human_seconds(s: float) -> str:
    if s < 60:
        return f"{s:.1f}s"
    m, sec = divmod(int(s + 0.5), 60)
    if m < 60:
        return f"{m}m{sec:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m"


@dataclass(frozen=True)
class TableLine:
    name: str
    state: str
    rows: int
    kvs: int
    source_bytes: int
    seconds: float | None
    verdict: str

    @property
    def verified(self) -> bool:
        return self.state == "verified"


def _verdict(t: cpb.TableStatus) -> str:
    local = t.checksum
    if t.state == "verified":
        return f"verified {t.remote_checksum.checksum:#018x}"
    remote_set = t.HasField("remote_checksum")
    differs = remote_set and (local.checksum, local.kvs, local.bytes) != (
        t.remote_checksum.checksum,
        t.remote_checksum.kvs,
        t.remote_checksum.bytes,
    )
    if differs:
        prefix = "MISMATCH" if t.state == "failed" else "not verified, mismatch"
        return (
            f"{prefix}: local {describe_checksum(local)} != remote "
            f"{describe_checksum(t.remote_checksum)}"
        )
    if t.state == "imported":
        return "not verified (checksum off)"
    if t.state == "failed":
        return "FAILED"
    return f"not imported ({t.state})"


@dataclass(frozen=True)
class Summary:
    job_id: str
    state: str
    error: str
    tables: tuple[TableLine, ...]
    elapsed: float

    @property
    def all_verified(self) -> bool:
        return self.state == "done" and all(t.verified for t in self.tables)

    @property
    def exit_code(self) -> int:
        if self.all_verified:
            return EXIT_OK
        if self.state == "done":
            return EXIT_UNVERIFIED
        return EXIT_FAILED

    def render(self) -> str:
        headers = ("table", "rows", "KVs", "bytes", "time", "checksum")
        body = [
            (
                t.name,
                f"{t.rows:,}",
                f"{t.kvs:,}",
                human_bytes(t.source_bytes),
                human_seconds(t.seconds) if t.seconds is not None else "-",
                t.verdict,
            )
            for t in self.tables
        ]
        widths = [max(len(r[i]) for r in (headers, *body)) for i in range(5)]
        right = (False, True, True, True, True)

        def line(cells: tuple[str, ...]) -> str:
            parts = [
                c.rjust(w) if r else c.ljust(w)
                for c, w, r in zip(cells[:5], widths, right, strict=True)
            ]
            return "  ".join([*parts, cells[5]])

        out = [line(headers)]
        out += [line(r) for r in body]
        rows = sum(t.rows for t in self.tables)
        kvs = sum(t.kvs for t in self.tables)
        nbytes = sum(t.source_bytes for t in self.tables)
        rate = nbytes / self.elapsed / 1e6 if self.elapsed > 0 else 0.0
        verified = sum(t.verified for t in self.tables)
        out.append(
            f"{len(self.tables)} tables, {rows:,} rows, {kvs:,} KVs, {human_bytes(nbytes)}"
            f" in {human_seconds(self.elapsed)} ({rate:.1f} MB/s):"
            f" {verified}/{len(self.tables)} verified, job {self.state}"
        )
        return "\n".join(out)


def summarize(status: cpb.GetJobStatusResponse, elapsed: float) -> Summary:
    """The summary of a job; its time is the job's span (first lease to last finalize) when
    every table finished, else ``elapsed`` (this encoder's run)."""
    lines = []
    for t in status.tables:
        seconds = t.finished_at - t.started_at if t.started_at and t.finished_at else None
        lines.append(
            TableLine(
                name=f"`{t.db}`.`{t.name}`",
                state=t.state,
                rows=t.rows,
                kvs=t.checksum.kvs,
                source_bytes=t.source_bytes,
                seconds=seconds,
                verdict=_verdict(t),
            )
        )
    starts = [t.started_at for t in status.tables if t.started_at]
    ends = [t.finished_at for t in status.tables]
    if starts and ends and all(ends):
        elapsed = max(ends) - min(starts)
    return Summary(status.job_id, status.state, status.error, tuple(lines), elapsed)
