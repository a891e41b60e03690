"""Config: defaults (tikv-importer's names), TOML layering, flags, validation, and the sample
file documenting every key."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

import pytest

from importer.config import (
    GIB,
    KIB,
    MIB,
    Config,
    ConfigError,
    load_config,
    parse_duration,
    parse_size,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy" / "importer.toml"


def all_keys(obj: Any = None, prefix: str = "") -> dict[str, Any]:
    obj = obj if obj is not None else Config()
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        name = f.metadata.get("toml", f.name.replace("_", "-"))
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.update(all_keys(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96MiB", 96 * MIB),
        ("512MB", 512 * MIB),
        ("1GiB", GIB),
        ("4KiB", 4 * KIB),
        ("100", 100),
        ("1.5KB", 1536),
        (2048, 2048),
    ],
)
def test_sizes_parse(text: object, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("bad", ["", "12XB", "-1", "MiB", True, -5, 1.5])
def test_bad_sizes_are_rejected(bad: object) -> None:
    with pytest.raises(ConfigError):
        parse_size(bad, "import.region-split-size")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5m", 300.0), ("30s", 30.0), ("250ms", 0.25), ("1h", 3600.0), ("1m30s", 90.0), (12, 12.0)],
)
def test_durations_parse(text: object, expected: float) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "5 minutes", "m5", "5x", True, -1])
def test_bad_durations_are_rejected(bad: object) -> None:
    with pytest.raises(ConfigError):
        parse_duration(bad, "import.switch-mode-interval")


def test_defaults_follow_tikv_importer_and_lightning_where_they_share_meaning() -> None:
    cfg = load_config()
    assert cfg.import_.max_open_engines == 8
    assert cfg.import_.min_available_ratio == 0.05
    assert cfg.import_.upload_speed_limit == 512 * MIB
    assert cfg.import_.region_split_size == 96 * MIB  # Lightning's local backend
    assert cfg.import_.region_split_keys == 1_280_000
    assert cfg.import_.switch_mode_interval == 300.0


def test_toml_overrides_defaults_and_flags_override_toml(tmp_path: Path) -> None:
    path = tmp_path / "importer.toml"
    path.write_text(
        '[server]\naddr = "0.0.0.0:9000"\n[import]\nimport-dir = "/from/file"\n'
        'region-split-size = "8MiB"\n[pd]\naddr = "pd-file:2379"\n'
    )
    cfg = load_config(path, {"import.import-dir": "/from/flag"})
    assert cfg.server.addr == "0.0.0.0:9000"
    assert cfg.import_.region_split_size == 8 * MIB
    assert cfg.import_.import_dir == "/from/flag"
    assert cfg.pd.addr == "pd-file:2379"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[import]\nmax-open-engine = 3\n", "import.max-open-engine"),
        ("[imports]\nx = 1\n", "imports"),
        ("unknown-top = 1\n", "unknown-top"),
        ("[security]\nca-path = 'a'\ncert = 'b'\n", "security.cert"),
        ("[import.nested]\nx = 1\n", "import.nested"),
        ("[server]\naddr = 8287\n", "server.addr"),
        ("[import]\nmax-open-engines = 'eight'\n", "import.max-open-engines"),
        ("[import]\nmax-open-engines = 0\n", "import.max-open-engines"),
        ("[import]\nmin-available-ratio = 1.5\n", "import.min-available-ratio"),
        ("[import]\npause-pd-scheduler-scope = 'cluster'\n", "import.pause-pd-scheduler-scope"),
        ("[import]\npause-schedulers = true\n", "import.pause-schedulers"),
        ("[engine]\ncompression = 'zstd'\n", "engine.compression"),
        ("[engine]\nmemory-budget = 0\n", "engine.memory-budget"),
        ("[engine]\nmemory-budget = 'lots'\n", "engine.memory-budget"),
        ("[security]\nca-path = '/ca.pem'\n", "security"),
        ("log-level = 'loud'\n", "log-level"),
    ],
)
def test_bad_keys_and_values_are_rejected_naming_the_dotted_key(
    tmp_path: Path, toml: str, key: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert key in str(info.value)


def test_invalid_toml_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[import\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")


def test_sample_file_documents_every_key_with_its_default() -> None:
    data = flatten(tomllib.loads(SAMPLE.read_text()))
    keys = all_keys()
    assert set(data) == set(keys)
    sampled = load_config(SAMPLE)
    assert all_keys(sampled) == keys  # the listed values are the defaults
    section = ""
    previous = ""
    documented = set()
    for line in SAMPLE.read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]") + "."
        elif " = " in line and not line.startswith("#") and previous.startswith("#"):
            documented.add(section + line.split(" = ")[0])
        previous = line
    assert documented == set(keys)
