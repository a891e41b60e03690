"""PD's HTTP API on the PD gRPC port: versions, stores, schedulers, schedule config with TTL."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from playground.cluster import Cluster


def _get(cluster: Cluster, path: str) -> Any:
    with urllib.request.urlopen(f"http://{cluster.pd_addr}{path}", timeout=5) as resp:
        return json.loads(resp.read())


def _post(cluster: Cluster, path: str, body: Any) -> tuple[int, bytes]:
    req = urllib.request.Request(
        f"http://{cluster.pd_addr}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_versions(cluster: Cluster) -> None:
    assert _get(cluster, "/pd/api/v1/config/cluster-version") == "8.5.0"
    assert _get(cluster, "/pd/api/v1/version")["version"] == "v8.5.0"


def test_stores_list_addresses_versions_and_states(cluster: Cluster) -> None:
    body = _get(cluster, "/pd/api/v1/stores")
    assert body["count"] == 3
    stores = {s["store"]["id"]: s["store"] for s in body["stores"]}
    assert {i: s["address"] for i, s in stores.items()} == cluster.store_addrs
    assert {s["state_name"] for s in stores.values()} == {"Up"}
    assert all(s["version"] == "8.5.0" for s in stores.values())
    cluster.faults.stop_store(2)
    try:
        body = _get(cluster, "/pd/api/v1/stores")
        states = {s["store"]["id"]: s["store"]["state_name"] for s in body["stores"]}
        assert states == {1: "Up", 2: "Disconnected", 3: "Up"}
    finally:
        cluster.faults.start_store(2)


def test_schedulers_pause_and_resume(cluster: Cluster) -> None:
    names = _get(cluster, "/pd/api/v1/schedulers")
    assert "balance-leader-scheduler" in names and "balance-region-scheduler" in names
    status, _ = _post(cluster, "/pd/api/v1/schedulers/balance-leader-scheduler", {"delay": 300})
    assert status == 200
    paused = cluster.paused_schedulers()
    assert set(paused) == {"balance-leader-scheduler"}
    assert 290 < paused["balance-leader-scheduler"] - time.time() <= 300
    assert _get(cluster, "/pd/api/v1/schedulers?status=paused") == ["balance-leader-scheduler"]
    assert _post(cluster, "/pd/api/v1/schedulers/balance-leader-scheduler", {"delay": 0})[0] == 200
    assert cluster.paused_schedulers() == {}


def test_pause_all_and_errors(cluster: Cluster) -> None:
    assert _post(cluster, "/pd/api/v1/schedulers/all", {"delay": 60})[0] == 200
    assert set(cluster.paused_schedulers()) == set(_get(cluster, "/pd/api/v1/schedulers"))
    assert _post(cluster, "/pd/api/v1/schedulers/all", {"delay": 0})[0] == 200
    assert cluster.paused_schedulers() == {}
    assert _post(cluster, "/pd/api/v1/schedulers/balance-leader-scheduler", {})[0] == 400
    assert _post(cluster, "/pd/api/v1/schedulers/no-such-scheduler", {"delay": 1})[0] == 500


def test_schedule_config_ttl_override_expires(cluster: Cluster) -> None:
    base = _get(cluster, "/pd/api/v1/config/schedule")
    assert base["max-merge-region-keys"] == 200000
    status, _ = _post(
        cluster,
        "/pd/api/v1/config/schedule?ttlSecond=1",
        {"max-merge-region-keys": 0, "enable-location-replacement": "false"},
    )
    assert status == 200
    cfg = _get(cluster, "/pd/api/v1/config/schedule")
    assert cfg["max-merge-region-keys"] == 0
    assert cfg["enable-location-replacement"] == "false"
    assert cluster.schedule_config()["max-merge-region-keys"] == 0
    time.sleep(1.1)
    assert _get(cluster, "/pd/api/v1/config/schedule") == base


def test_schedule_config_without_ttl_is_permanent(cluster: Cluster) -> None:
    assert _post(cluster, "/pd/api/v1/config/schedule", {"leader-schedule-limit": 8})[0] == 200
    assert _get(cluster, "/pd/api/v1/config/schedule")["leader-schedule-limit"] == 8
    assert _post(cluster, "/pd/api/v1/config/schedule", {"leader-schedule-limit": 4})[0] == 200
    assert _post(cluster, "/pd/api/v1/config/schedule", {"no-such-key": 1})[0] == 400


def test_unknown_path_is_404(cluster: Cluster) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        _get(cluster, "/pd/api/v1/nothing")
    assert info.value.code == 404


def test_region_label_rules_are_recorded_and_deleted(cluster: Cluster) -> None:
    rule = {
        "id": "lightning-pause-t1",
        "labels": [{"key": "schedule", "value": "deny", "ttl": "300s"}],
        "rule_type": "key-range",
        "data": [{"start_key": "7480000000000000ff6a", "end_key": "7480000000000000ff6b"}],
    }
    assert _post(cluster, "/pd/api/v1/config/region-label/rule", rule)[0] == 200
    assert _get(cluster, "/pd/api/v1/config/region-label/rules") == [rule]
    assert _get(cluster, "/pd/api/v1/config/region-label/rule/lightning-pause-t1") == rule
    req = urllib.request.Request(
        f"http://{cluster.pd_addr}/pd/api/v1/config/region-label/rule/lightning-pause-t1",
        method="DELETE",
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200
    assert _get(cluster, "/pd/api/v1/config/region-label/rules") == []
    assert _post(cluster, "/pd/api/v1/config/region-label/rule", {"labels": []})[0] == 400
