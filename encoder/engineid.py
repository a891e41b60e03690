"""Engine UUIDs, derived exactly as TiDB Lightning derives them (``backend.MakeUUID``).

tag = ``<unique table name>:<engine id>`` where the table name is `` `db`.`tbl` `` (backticks
inside names doubled) and the engine id a signed decimal (``-1`` = the table's index engine,
``0, 1, ...`` = data engines); uuid = RFC 4122 version 5 of the UTF-8 tag in namespace
``d68d6abe-c59e-45d6-ade8-e2b0ceb7bedf``. Every encoder computes the same uuids, so they write
into the same engines and a resumed job finds them again.

Public API: ``INDEX_ENGINE_ID``, ``unique_table_name``, ``engine_uuid``.
"""

from __future__ import annotations

import uuid

LIGHTNING_NAMESPACE = uuid.UUID("d68d6abe-c59e-45d6-ade8-e2b0ceb7bedf")
INDEX_ENGINE_ID = -1


def unique_table_name(db: str, table: str) -> str:
    """Lightning's `` `db`.`tbl` `` with embedded backticks doubled."""
    return "`" + db.replace("`", "``") + "`.`" + table.replace("`", "``") + "`"


def engine_uuid(db: str, table: str, engine_id: int) -> uuid.UUID:
    """The uuid of engine ``engine_id`` of table ``db``.``table``."""
    return uuid.uuid5(LIGHTNING_NAMESPACE, f"{unique_table_name(db, table)}:{engine_id}")
