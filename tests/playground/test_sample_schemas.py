"""The bundled sample dump's schema files run through the SQL port as the encoder sends them."""

from __future__ import annotations

from pathlib import Path

import pymysql

from playground.cluster import Cluster
from playground.tidb.sqltext import split_statements
from tidbkv import mysqltypes as m

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_sample_schema_files_create_the_tables(cluster: Cluster) -> None:
    host, port = cluster.sql_addr.rsplit(":", 1)
    conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
    with conn.cursor() as cur:
        for path in sorted(EXAMPLES.glob("*-schema-create.sql")):
            for stmt in split_statements(path.read_text()):
                cur.execute(stmt)
        cur.execute("USE shop")
        for path in sorted(EXAMPLES.glob("*.*-schema.sql")):
            for stmt in split_statements(path.read_text()):
                cur.execute(stmt)
        cur.execute("SHOW TABLES")
        assert [r[0] for r in cur.fetchall()] == ["customers", "orders", "page_views", "products"]
    conn.close()
    cat = cluster.tidb.catalog
    customers = cat.table("shop", "customers")
    assert customers.pk_is_handle and customers.auto_inc_id == 301
    assert [(i.id, i.name, i.unique) for i in customers.indices] == [
        (1, "uk_email", True),
        (2, "idx_name", False),
        (3, "idx_country_balance", False),
    ]
    assert customers.column("balance").default == "0.00"
    assert customers.column("name").field_type.collate == "utf8mb4_general_ci"
    orders = cat.table("shop", "orders")
    assert orders.pk_is_handle and orders.column("id").field_type.unsigned
    assert orders.column("placed_at").default == "CURRENT_TIMESTAMP"
    page_views = cat.table("shop", "page_views")
    assert page_views.has_implicit_row_id
    assert page_views.column("duration_ms").field_type.flen == 8
    products = cat.table("shop", "products")
    assert not products.pk_is_handle and not products.is_common_handle
    assert products.indices[0].primary and products.indices[1].columns[0].length == 20
    flags = products.column("flags")
    assert (flags.field_type.tp, flags.default, flags.default_bit) == (m.TYPE_BIT, "\x00", "AA==")
    assert products.column("tags").field_type.elems == ("new", "sale", "eco", "bulk")
