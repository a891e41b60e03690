"""Scanning, routing, filtering and config: Lightning's names and rules; nothing is dropped
without a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from encoder.source.config import (
    DEFAULT_FILTER,
    CSVConfig,
    FileRouteRule,
    MydumperConfig,
    TiCDCConfig,
)
from encoder.source.errors import ConfigError, ScanError
from encoder.source.files import Compression, FileType
from encoder.source.filter import TableFilter
from encoder.source.router import DEFAULT_RULES, FileRouter, RouteFailure
from encoder.source.scanner import scan_dump

# -- routing ---------------------------------------------------------------------------------

ROUTES = [
    ("db-schema-create.sql", ("db", "", FileType.SCHEMA_SCHEMA, "", Compression.NONE)),
    ("db.tbl-schema.sql", ("db", "tbl", FileType.TABLE_SCHEMA, "", Compression.NONE)),
    ("db.tbl-schema-view.sql", ("db", "tbl", FileType.VIEW_SCHEMA, "", Compression.NONE)),
    ("db.tbl.sql", ("db", "tbl", FileType.SQL, "", Compression.NONE)),
    ("db.tbl.00001.sql", ("db", "tbl", FileType.SQL, "00001", Compression.NONE)),
    ("db.tbl.000000000.csv", ("db", "tbl", FileType.CSV, "000000000", Compression.NONE)),
    ("db.tbl.00002.sql.gz", ("db", "tbl", FileType.SQL, "00002", Compression.GZIP)),
    ("db.tbl.3.csv.zst", ("db", "tbl", FileType.CSV, "3", Compression.ZSTD)),
    ("db.t.with.dots.7.sql", ("db", "t.with.dots", FileType.SQL, "7", Compression.NONE)),
    ("sub/dir/db.tbl.1.SQL", ("db", "tbl", FileType.SQL, "1", Compression.NONE)),
    ("d%2Eb.t%20x.sql", ("d.b", "t x", FileType.SQL, "", Compression.NONE)),
    ("db-schema-create.sql.gz", ("db", "", FileType.SCHEMA_SCHEMA, "", Compression.GZIP)),
]


@pytest.mark.parametrize(("path", "expected"), ROUTES, ids=[r[0] for r in ROUTES])
def test_default_rules_route_mydumper_and_dumpling_names(path: str, expected: tuple) -> None:
    r = FileRouter(DEFAULT_RULES).route(path)
    assert r is not None
    assert (r.schema, r.table, r.type, r.key, r.compression) == expected


@pytest.mark.parametrize(
    "path", ["db.tbl-schema-trigger.sql", "db.tbl-schema-post.sql", "db.tbl.sql.bak"]
)
def test_default_rules_ignore_triggers_post_files_and_backups(path: str) -> None:
    r = FileRouter(DEFAULT_RULES).route(path)
    assert r is not None and r.type is FileType.IGNORE


def test_default_rules_do_not_match_unknown_files() -> None:
    router = FileRouter(DEFAULT_RULES)
    assert router.route("README") is None
    assert router.route("metadata") is None


def test_invalid_compression_suffix_is_a_route_failure() -> None:
    with pytest.raises(RouteFailure):
        FileRouter(DEFAULT_RULES).route("db.tbl.sql.rar")


def test_custom_rules_expand_templates_and_come_before_defaults() -> None:
    cfg = MydumperConfig(
        files=(
            FileRouteRule(
                pattern=r"(?i)^(?:[^/]*/)*shard_(?P<n>\d+)\.(?P<tbl>\w+)\.(\d+)\.csv$",
                schema="merged",
                table="${tbl}",
                type="csv",
                key="$3",
            ),
            FileRouteRule(path="odd name.dat", schema="x", table="y$", type="sql"),
        ),
        default_file_rules=True,
    )
    router = FileRouter.from_config(cfg)
    r = router.route("a/shard_07.orders.001.csv")
    assert r is not None and (r.schema, r.table, r.type, r.key) == (
        "merged",
        "orders",
        FileType.CSV,
        "001",
    )
    r = router.route("odd name.dat")
    assert r is not None and (r.schema, r.table) == ("x", "y$")
    r = router.route("db.t.sql")
    assert r is not None and r.type is FileType.SQL


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ({"pattern": "(", "type": "sql"}, "mydumper.files[0].pattern"),
        ({"pattern": "a(b)", "schema": "$2", "type": "sql"}, "mydumper.files[0].schema"),
        ({"pattern": "a", "type": "sequel"}, "mydumper.files[0].type"),
    ],
)
def test_invalid_rules_are_config_errors_naming_the_key(rule: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        FileRouter.from_config(MydumperConfig.from_dict({"files": [rule]}))
    assert info.value.key == key


# -- table filter -----------------------------------------------------------------------------

FILTER_CASES = [
    (["*.*"], "db", "t", True),
    (["db.*"], "db", "t", True),
    (["db.*"], "other", "t", False),
    (["*.*", "!db.tmp_*"], "db", "tmp_1", False),
    (["*.*", "!db.tmp_*"], "db", "t", True),
    (["employees.*", "!*.dep*", "*.departments"], "employees", "dept_emp", False),
    (["employees.*", "!*.dep*", "*.departments"], "employees", "departments", True),
    (["employees.*", "!*.dep*", "*.departments"], "else", "departments", True),
    (["!*.Password"], "db", "t", False),
    (["db[0-9].tbl[!a-c]"], "db3", "tbld", True),
    (["db[0-9].tbl[!a-c]"], "db3", "tblb", False),
    (["d?.t"], "db", "t", True),
    (["/^db\\d{2,}$/./^tbl/"], "db01", "tbl9", True),
    (["/^db\\d{2,}$/./^tbl/"], "db1", "tbl9", False),
    (['"db.with.dots".`t``q`'], "db.with.dots", "t`q", True),
    (["db\\.x.*"], "db.x", "t", True),
    (["DB.T"], "db", "t", True),
    (list(DEFAULT_FILTER), "mysql", "user", False),
    (list(DEFAULT_FILTER), "information_schema", "tables", False),
    (list(DEFAULT_FILTER), "app", "user", True),
]


@pytest.mark.parametrize(("rules", "db", "table", "accepted"), FILTER_CASES)
def test_table_filter_last_matching_rule_decides(
    rules: list[str], db: str, table: str, accepted: bool
) -> None:
    assert TableFilter.parse(rules).match_table(db, table) is accepted


def test_table_filter_case_sensitivity_and_schema_matching() -> None:
    assert not TableFilter.parse(["DB.T"], case_sensitive=True).match_table("db", "t")
    f = TableFilter.parse(["*.*", "!db.tmp_*", "!gone.*"])
    assert f.match_schema("db") and not f.match_schema("gone")
    assert not TableFilter.parse(["!db.tmp_*"]).match_schema("db")


def test_table_filter_imports_rules_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "rules.txt").write_text("# comment\n\ndb.*\n!db.x\n")
    f = TableFilter.parse(["@rules.txt"], base_dir=tmp_path)
    assert f.match_table("db", "y") and not f.match_table("db", "x")


@pytest.mark.parametrize("rule", ["db", "db.t.u", "db.t\\n", "db.t?!", "/unterminated.*", '"x.*'])
def test_malformed_filter_rules_are_config_errors(rule: str) -> None:
    with pytest.raises(ConfigError) as info:
        TableFilter.parse([rule])
    assert info.value.key == "mydumper.filter"


# -- config ----------------------------------------------------------------------------------


def test_config_defaults_are_lightnings() -> None:
    cfg = MydumperConfig.from_dict({})
    assert cfg.read_block_size == 64 << 10
    assert cfg.max_region_size == 256 << 20
    assert cfg.batch_size == 100 << 30
    assert cfg.batch_import_ratio == 0.75
    assert cfg.filter == DEFAULT_FILTER
    assert cfg.use_default_rules
    assert cfg.csv == CSVConfig(",", '"', "", True, False, "\\N", True, False)


def test_config_from_dict_parses_sizes_and_nested_tables() -> None:
    cfg = MydumperConfig.from_dict(
        {
            "data-source-dir": "/data",
            "read-block-size": "4KiB",
            "max-region-size": "1GB",
            "strict-format": True,
            "filter": ["db.*"],
            "csv": {"separator": "|", "header": False, "trim-last-separator": True},
            "files": [{"pattern": "x", "schema": "a", "table": "b", "type": "csv"}],
        }
    )
    assert (cfg.read_block_size, cfg.max_region_size) == (4096, 1 << 30)
    assert cfg.csv.separator == "|" and not cfg.csv.header and cfg.csv.trim_last_separator
    assert not cfg.use_default_rules  # files given and default-file-rules unset


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"read-block-sise": 1}, "mydumper.read-block-sise"),
        ({"csv": {"separatr": ","}}, "mydumper.csv.separatr"),
        ({"csv": {"separator": ""}}, "mydumper.csv.separator"),
        ({"csv": {"separator": ",", "delimiter": ","}}, "mydumper.csv.delimiter"),
        ({"no-schema": "yes"}, "mydumper.no-schema"),
        ({"max-region-size": "lots"}, "mydumper.max-region-size"),
        ({"max-region-size": 0}, "mydumper.max-region-size"),
        ({"batch-import-ratio": 1.5}, "mydumper.batch-import-ratio"),
        ({"files": [{"pattern": "a", "path": "b", "type": "sql"}]}, "mydumper.files[0].pattern"),
        ({"files": [{"pattern": "a", "type": "sql", "shema": "x"}]}, "mydumper.files[0].shema"),
    ],
)
def test_bad_config_is_rejected_naming_the_dotted_key(data: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        MydumperConfig.from_dict(data)
    assert info.value.key == key


def test_ticdc_config_uses_ticdc_key_names() -> None:
    cfg = TiCDCConfig.from_dict({"include-commit-ts": True, "binary-encoding-method": "hex"})
    assert cfg.include_commit_ts and cfg.binary_encoding_method == "hex"
    with pytest.raises(ConfigError) as info:
        TiCDCConfig.from_dict({"binary-encoding-method": "rot13"}, prefix="source.ticdc")
    assert info.value.key == "source.ticdc.binary-encoding-method"


# -- scanning ---------------------------------------------------------------------------------


def write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def test_scan_groups_a_mydumper_layout_and_reports_every_other_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "metadata": b"Started dump at: x\n",
            "app-schema-create.sql": b"CREATE DATABASE app;",
            "app.users-schema.sql": b"CREATE TABLE users (id int);",
            "app.users.00002.sql": b"x" * 3,
            "app.users.00001.sql": b"x" * 5,
            "app.users.00010.sql.gz": b"x",
            "app.v-schema.sql": b"CREATE TABLE v (id int);",
            "app.v-schema-view.sql": b"CREATE VIEW v AS SELECT 1;",
            "app.orphan.00001.sql": b"x",
            "app.users-schema-trigger.sql": b"",
            "mysql-schema-create.sql": b"",
            "mysql.user-schema.sql": b"",
            "mysql.user.sql": b"",
            "notes/README": b"",
            "app.users.00003.sql.lz4": b"",
        },
    )
    layout = scan_dump(tmp_path)
    assert [d.name for d in layout.databases] == ["app"]
    users = layout.table("app", "users")
    assert users.schema_file is not None and users.schema_file.path == "app.users-schema.sql"
    assert [f.path for f in users.data_files] == [
        "app.users.00001.sql",
        "app.users.00002.sql",
        "app.users.00010.sql.gz",
    ]
    assert users.total_size == 9
    (view,) = layout.views()
    assert (view.name, view.view_file.path) == ("v", "app.v-schema-view.sql")
    assert view.placeholder_file is not None
    assert layout.metadata_files == ("metadata",)
    skipped = {i.path: i.reason for i in layout.skipped}
    assert skipped == {
        "app.users-schema-trigger.sql": "ignored by a routing rule",
        "mysql-schema-create.sql": "excluded by mydumper.filter",
        "mysql.user-schema.sql": "excluded by mydumper.filter",
        "mysql.user.sql": "excluded by mydumper.filter",
        "notes/README": "matches no routing rule",
    }
    problems = {i.path: i.reason for i in layout.problems}
    assert problems == {
        "app.orphan.00001.sql": "no table schema file for `app`.`orphan`",
        "app.users.00003.sql.lz4": "unsupported compression lz4",
    }


def test_no_schema_creates_tables_from_data_files(tmp_path: Path) -> None:
    write(tmp_path, {"db.t.1.sql": b"", "db.t.2.sql": b"", "db.u.csv": b""})
    layout = scan_dump(tmp_path, MydumperConfig(no_schema=True))
    assert [(t.db, t.name, t.schema_file, len(t.data_files)) for t in layout.tables()] == [
        ("db", "t", None, 2),
        ("db", "u", None, 1),
    ]
    assert layout.problems == ()


def test_names_are_lower_cased_unless_case_sensitive(tmp_path: Path) -> None:
    write(tmp_path, {"DB-schema-create.sql": b"", "DB.Tbl-schema.sql": b"", "DB.Tbl.sql": b""})
    assert [(t.db, t.name) for t in scan_dump(tmp_path).tables()] == [("db", "tbl")]
    cfg = MydumperConfig(case_sensitive=True)
    assert [(t.db, t.name) for t in scan_dump(tmp_path, cfg).tables()] == [("DB", "Tbl")]


def test_scanning_a_missing_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(ScanError):
        scan_dump(tmp_path / "nope")


def test_sample_config_documents_every_key_with_its_default() -> None:
    import dataclasses
    import tomllib

    path = Path(__file__).resolve().parents[2] / "deploy" / "encoder.toml"
    text = path.read_text()
    doc = tomllib.loads(text)
    assert MydumperConfig.from_dict(doc["mydumper"]) == MydumperConfig(data_source_dir="/data/dump")
    assert TiCDCConfig.from_dict(doc["ticdc"]) == TiCDCConfig()
    for cls in (MydumperConfig, CSVConfig, FileRouteRule, TiCDCConfig):
        for f in dataclasses.fields(cls):
            if cls is FileRouteRule and f.name in ("path", "unescape"):
                continue
            assert f.name.replace("_", "-") in text, f"{cls.__name__}.{f.name} undocumented"
