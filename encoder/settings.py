"""What every encoder of one job must agree on, stored in the plan (``JobPlan.settings_json``).

The first encoder to register a job fixes these; the others read them back from the
authoritative plan, so a chunk re-encoded anywhere produces the same bytes: the target's row
format version and collation setting, the sql_mode casts follow, the default time zone for
TIMESTAMP values, the ``now`` used for ``CURRENT_TIMESTAMP`` defaults, the seed of AUTO_RANDOM
shards, how CSV / TiCDC files are read, and the post-restore policies.

Public API: ``JobSettings``, ``SETTINGS_VERSION``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from encoder.config import CheckMode
from encoder.source import CSVConfig, TiCDCConfig

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class JobSettings:
    """See the module docstring. ``now`` is ISO 8601 with an offset."""

    row_format_version: int = 2
    new_collation: bool = True
    sql_mode: str = ""
    time_zone: str = "UTC"
    now: str = "1970-01-01T00:00:00+00:00"
    seed: int = 0
    checksum: CheckMode = CheckMode.REQUIRED
    analyze: CheckMode = CheckMode.OPTIONAL
    read_block_size: int = 64 << 10
    csv: CSVConfig = field(default_factory=CSVConfig)
    ticdc: TiCDCConfig = field(default_factory=TiCDCConfig)

    @property
    def now_datetime(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.now)

    def chunk_seed(self, chunk_key: str) -> int:
        """The AUTO_RANDOM seed of one chunk: the same on every encoder, different per chunk."""
        digest = hashlib.sha256(f"{self.seed}:{chunk_key}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SETTINGS_VERSION,
            "row_format_version": self.row_format_version,
            "new_collation": self.new_collation,
            "sql_mode": self.sql_mode,
            "time_zone": self.time_zone,
            "now": self.now,
            "seed": self.seed,
            "checksum": self.checksum.value,
            "analyze": self.analyze.value,
            "read_block_size": self.read_block_size,
            "csv": dataclasses.asdict(self.csv),
            "ticdc": dataclasses.asdict(self.ticdc),
        }

    def identity(self) -> str:
        """The settings that define *what* is imported (not when): part of the job id."""
        d = self.to_json()
        del d["now"], d["seed"]
        return json.dumps(d, sort_keys=True)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> JobSettings:
        d = json.loads(text)
        if d.get("version") != SETTINGS_VERSION:
            raise ValueError(f"unsupported job settings version {d.get('version')!r}")
        return cls(
            row_format_version=int(d["row_format_version"]),
            new_collation=bool(d["new_collation"]),
            sql_mode=str(d["sql_mode"]),
            time_zone=str(d["time_zone"]),
            now=str(d["now"]),
            seed=int(d["seed"]),
            checksum=CheckMode(d["checksum"]),
            analyze=CheckMode(d["analyze"]),
            read_block_size=int(d["read_block_size"]),
            csv=CSVConfig(**d["csv"]),
            ticdc=TiCDCConfig(**d["ticdc"]),
        )
