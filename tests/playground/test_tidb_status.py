"""TiDB's status API through an HTTP client: /status, /schema, /schema/{db}[/{table}], /settings."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pymysql
import pytest

from playground.cluster import Cluster
from tidbkv.schema import TableInfo


def get(cluster: Cluster, path: str) -> Any:
    with urllib.request.urlopen(f"http://{cluster.status_addr}{path}", timeout=5) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def schema(cluster: Cluster) -> None:
    host, port = cluster.sql_addr.rsplit(":", 1)
    conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
    with conn.cursor() as c:
        c.execute("CREATE DATABASE st")
        c.execute(
            "CREATE TABLE st.users (id bigint unsigned NOT NULL AUTO_INCREMENT, "
            "email varchar(64) NOT NULL, age tinyint DEFAULT 18, bio text, "
            "PRIMARY KEY (id), UNIQUE KEY ue (email)) AUTO_INCREMENT=7"
        )
        c.execute("CREATE TABLE st.tags (name varchar(8) PRIMARY KEY, n int)")
    conn.close()


def test_status_reports_the_version(cluster: Cluster) -> None:
    assert get(cluster, "/status")["version"] == "8.0.11-TiDB-v8.5.0-flashload-playground"


def test_schema_lists_databases(cluster: Cluster, schema: None) -> None:
    names = {d["db_name"]["O"] for d in get(cluster, "/schema")}
    assert {"st", "test"} <= names


def test_table_info_json_uses_tidb_field_names(cluster: Cluster, schema: None) -> None:
    doc = get(cluster, "/schema/st/users")
    assert doc["name"] == {"O": "users", "L": "users"}
    assert doc["pk_is_handle"] is True and doc["is_common_handle"] is False
    assert doc["auto_inc_id"] == 7
    cols = doc["cols"]
    assert [c["name"]["O"] for c in cols] == ["id", "email", "age", "bio"]
    assert [(c["id"], c["offset"]) for c in cols] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert cols[0]["type"]["Tp"] == 8 and cols[0]["type"]["Flag"] & 32
    assert cols[2]["default"] == "18"
    assert cols[1]["type"]["Charset"] == "utf8mb4" and cols[1]["type"]["Collate"] == "utf8mb4_bin"
    (ue,) = doc["index_info"]
    assert ue["idx_name"]["O"] == "ue" and ue["is_unique"] and not ue["is_primary"]
    assert ue["idx_cols"] == [{"name": {"O": "email", "L": "email"}, "offset": 1, "length": -1}]
    info = TableInfo.from_json(doc)
    assert info == cluster.tidb.catalog.table("st", "users")


def test_schema_of_a_database_lists_its_tables(cluster: Cluster, schema: None) -> None:
    docs = get(cluster, "/schema/st")
    assert sorted(d["name"]["O"] for d in docs) == ["tags", "users"]
    tags = next(d for d in docs if d["name"]["O"] == "tags")
    assert tags["pk_is_handle"] is False
    assert tags["index_info"][0]["is_primary"] is True
    by_id = get(cluster, f"/schema?table_id={tags['id']}")
    assert by_id["name"]["O"] == "tags"
    assert get(cluster, f"/db-table/{tags['id']}")["db_info"]["db_name"]["O"] == "st"


@pytest.mark.parametrize("path", ["/schema/nodb", "/schema/st/nosuch", "/schema?table_id=1"])
def test_unknown_schema_objects_are_400(cluster: Cluster, schema: None, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        get(cluster, path)
    assert info.value.code == 400


def test_settings_tell_the_sql_port_and_pd(cluster: Cluster) -> None:
    doc = get(cluster, "/settings")
    assert f"{doc['host']}:{doc['port']}" == cluster.sql_addr
    assert doc["path"] == cluster.pd_addr
    assert doc["status"]["status-port"] == int(cluster.status_addr.rsplit(":", 1)[1])
