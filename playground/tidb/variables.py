"""System variables the TiDB stand-in reports (SHOW VARIABLES, ``@@name``, mysql.tidb)."""

from __future__ import annotations

import re
from dataclasses import dataclass

TIDB_RELEASE = "v8.5.0"
SERVER_VERSION = f"8.0.11-TiDB-{TIDB_RELEASE}-flashload-playground"
VERSION_COMMENT = "TiDB Server (Apache License 2.0) Community Edition, MySQL 8.0 compatible"


def tidb_version_text() -> str:
    """What ``SELECT tidb_version()`` returns."""
    return (
        f"Release Version: {TIDB_RELEASE}\n"
        "Edition: Community\n"
        "Git Commit Hash: flashload-playground\n"
        "Git Branch: heads/refs/tags/" + TIDB_RELEASE + "\n"
        "UTC Build Time: 2025-01-01 00:00:00\n"
        "GoVersion: go1.23\n"
        "Race Enabled: false\n"
        "Check Table Before Drop: false\n"
        "Store: tikv"
    )


@dataclass(frozen=True)
class ServerSettings:
    """Cluster-wide settings the variables reflect."""

    row_format_version: int = 2
    new_collation: bool = True


def global_variables(settings: ServerSettings) -> dict[str, str]:
    return {
        "version": SERVER_VERSION,
        "version_comment": VERSION_COMMENT,
        "tidb_row_format_version": str(settings.row_format_version),
        "new_collation_enabled": "True" if settings.new_collation else "False",
        "tidb_enable_clustered_index": "INT_ONLY",
        "default_collation_for_utf8mb4": "utf8mb4_bin",
        "character_set_server": "utf8mb4",
        "collation_server": "utf8mb4_bin",
        "character_set_database": "utf8mb4",
        "collation_database": "utf8mb4_bin",
        "character_set_client": "utf8mb4",
        "character_set_connection": "utf8mb4",
        "character_set_results": "utf8mb4",
        "collation_connection": "utf8mb4_bin",
        "autocommit": "ON",
        "sql_mode": (
            "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
            "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
        ),
        "time_zone": "SYSTEM",
        "system_time_zone": "UTC",
        "max_allowed_packet": "67108864",
        "lower_case_table_names": "2",
        "tx_isolation": "REPEATABLE-READ",
        "transaction_isolation": "REPEATABLE-READ",
        "tidb_txn_mode": "pessimistic",
        "tidb_gc_life_time": "10m0s",
        "tidb_gc_enable": "ON",
        "tidb_distsql_scan_concurrency": "15",
        "tidb_build_stats_concurrency": "2",
        "tidb_index_serial_scan_concurrency": "1",
        "tidb_checksum_table_concurrency": "4",
        "tidb_backoff_weight": "2",
        "tidb_enable_foreign_key": "ON",
        "foreign_key_checks": "ON",
        "tidb_opt_write_row_id": "OFF",
        "tidb_enable_global_index": "ON",
        "tidb_server_memory_limit": "80%",
        "interactive_timeout": "28800",
        "wait_timeout": "28800",
        "net_write_timeout": "60",
        "net_read_timeout": "30",
    }


def like_regex(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern as a case-insensitive regex (``%``, ``_``, backslash escapes)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.I | re.S)
