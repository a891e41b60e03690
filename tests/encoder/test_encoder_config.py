"""The encoder's configuration: Lightning key names, defaults for a local playground, layering
defaults < TOML < flags, unknown keys rejected by dotted name, every key documented."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from encoder.cli import overrides_from_args, parse_args
from encoder.config import (
    CheckMode,
    CronSection,
    EncoderConfig,
    ImporterSection,
    LightningSection,
    PostRestoreSection,
    TidbSection,
    load_config,
    parse_duration,
)
from encoder.source import ConfigError, MydumperConfig

SAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "encoder.toml"


def test_defaults_point_at_a_local_playground() -> None:
    cfg = load_config()
    assert cfg.importer.addr == "127.0.0.1:8287"
    assert (cfg.tidb.sql_addr, cfg.tidb.status_addr) == ("127.0.0.1:4000", "127.0.0.1:10080")
    assert cfg.tidb.pd_addr == "" and cfg.tidb.user == "root"
    assert cfg.post_restore == PostRestoreSection(CheckMode.REQUIRED, CheckMode.OPTIONAL)
    assert cfg.lightning.workers >= 1
    assert "STRICT_TRANS_TABLES" in cfg.tidb.sql_mode


def test_sample_config_documents_every_key_with_its_default() -> None:
    text = SAMPLE.read_text()
    doc = tomllib.loads(text)
    assert EncoderConfig.from_dict(doc) == EncoderConfig(
        mydumper=MydumperConfig(data_source_dir="/data/dump")
    )
    for section, cls in (
        ("lightning", LightningSection),
        ("tikv-importer", ImporterSection),
        ("tidb", TidbSection),
        ("post-restore", PostRestoreSection),
        ("cron", CronSection),
    ):
        for f in dataclasses.fields(cls):
            assert f.name.replace("_", "-") in doc[section], f"{section}.{f.name} undocumented"


def test_file_overrides_defaults_and_flags_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "encoder.toml"
    path.write_text(
        '[tidb]\nhost = "tidb.example"\nport = 4001\n[tikv-importer]\naddr = "imp:1"\n'
        "[lightning]\nregion-concurrency = 3\n[post-restore]\nchecksum = false\n"
        '[cron]\nlog-progress = "1m30s"\n[mydumper]\nfilter = ["a.*"]\n'
    )
    args = parse_args(
        ["--config", str(path), "--tidb", "db2:4002", "--workers", "5", "-f", "b.*", "-f", "!b.x"]
    )
    cfg = load_config(args.config, overrides_from_args(args))
    assert (cfg.tidb.host, cfg.tidb.port) == ("db2", 4002)
    assert cfg.importer.addr == "imp:1"
    assert cfg.lightning.workers == 5
    assert cfg.post_restore.checksum is CheckMode.OFF
    assert cfg.cron.log_progress == 90.0
    assert cfg.mydumper.filter == ("b.*", "!b.x")


def test_status_and_pd_flags_set_their_keys() -> None:
    args = parse_args(["--tidb-status", "st:10081", "--pd", "pd:2379", "--user", "u"])
    cfg = load_config(None, overrides_from_args(args))
    assert cfg.tidb.status_addr == "st:10081" and cfg.tidb.pd_addr == "pd:2379"
    assert cfg.tidb.user == "u"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[tidb]\nprot = 1\n", "tidb.prot"),
        ('[lightning]\nlevel = "loud"\n', "lightning.level"),
        ('[post-restore]\nchecksum = "maybe"\n', "post-restore.checksum"),
        ('[tikv-importer]\naddr = "nohost"\n', "tikv-importer.addr"),
        ("[tikv-importer]\nmax-kv-pairs = 0\n", "tikv-importer.max-kv-pairs"),
        ('[cron]\nlog-progress = "soon"\n', "cron.log-progress"),
        ('[mydumper.csv]\nseparatr = ","\n', "mydumper.csv.separatr"),
        ("[backend]\nx = 1\n", "backend"),
        ('[tidb]\nport = "4000"\n', "tidb.port"),
    ],
)
def test_bad_keys_and_values_are_rejected_by_dotted_name(
    tmp_path: Path, toml: str, key: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.key == key


def test_bad_flags_are_rejected() -> None:
    for argv in (["--importer", "nope"], ["--workers", "0"], ["--tidb", "h:99999"]):
        with pytest.raises(ConfigError):
            overrides_from_args(parse_args(argv))


@pytest.mark.parametrize(
    ("text", "seconds"), [("5m", 300.0), ("250ms", 0.25), ("1h30m", 5400.0), (2, 2.0)]
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration("k", text) == seconds


def test_missing_dump_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from encoder.cli import main

    assert main([]) == 2
    assert "mydumper.data-source-dir" in capsys.readouterr().err
