"""TiCDC storage-sink table definitions (``schema.json``) and the CREATE TABLE they imply.

A definition lists the table's columns with ``ColumnName``, ``ColumnType`` (upper-case type
name, ``UNSIGNED`` appended), ``ColumnLength`` or ``ColumnPrecision``, ``ColumnScale``,
``ColumnNullable`` (``"false"`` = NOT NULL), ``ColumnIsPk`` and, in newer TiCDC,
``ColumnDefault``. Binary string columns (type containing ``BLOB`` or ``BINARY``) carry
base64/hex text in the CSV files.

``schema.json`` does not record ENUM/SET elements, secondary indexes, charsets or the order of
a composite primary key; the generated DDL uses VARCHAR(255) for ENUM/SET (listed in
``lossy_columns``) and primary key columns in column order.

Public API: ``TiCDCColumn``, ``TableDefinition``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from encoder.source.errors import CDCError

_INT_TYPES = {"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT"}
_LENGTH_TYPES = {"CHAR", "VARCHAR", "BINARY", "VARBINARY", "BIT"}
_FRACTION_TYPES = {"TIME", "DATETIME", "TIMESTAMP"}
_DEFAULT_KEYWORDS = ("CURRENT_TIMESTAMP", "NOW()", "LOCALTIME", "LOCALTIMESTAMP")


def _quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _quote_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class TiCDCColumn:
    """One ``TableColumns`` entry."""

    name: str
    type: str
    length: str = ""
    scale: str = ""
    nullable: bool = True
    is_pk: bool = False
    default: Any = None

    @property
    def base_type(self) -> str:
        return self.type.replace(" UNSIGNED", "").strip()

    @property
    def unsigned(self) -> bool:
        return self.type.endswith(" UNSIGNED")

    @property
    def is_binary(self) -> bool:
        """Binary strings: their CSV values are base64 or hex encoded."""
        return "BLOB" in self.type or "BINARY" in self.type

    def sql_type(self) -> str:
        base = self.base_type
        if base in _INT_TYPES:
            text = base
        elif base in _LENGTH_TYPES:
            text = f"{base}({self.length})" if self.length else base
        elif base in ("DECIMAL", "NUMERIC"):
            text = f"DECIMAL({self.length or 10},{self.scale or 0})"
        elif base in ("FLOAT", "DOUBLE"):
            text = base
        elif base in _FRACTION_TYPES:
            text = f"{base}({self.scale})" if self.scale and self.scale != "0" else base
        elif base in ("ENUM", "SET"):
            text = "VARCHAR(255)"
        else:  # TEXT/BLOB families, DATE, YEAR, JSON ...
            text = base
        return text + (" UNSIGNED" if self.unsigned else "")

    @classmethod
    def from_json(cls, d: Mapping[str, Any], where: str) -> TiCDCColumn:
        name, tp = d.get("ColumnName"), d.get("ColumnType")
        if not isinstance(name, str) or not isinstance(tp, str):
            raise CDCError(where, "a column without ColumnName/ColumnType")
        return cls(
            name=name,
            type=tp.strip().upper(),
            length=str(d.get("ColumnLength") or d.get("ColumnPrecision") or ""),
            scale=str(d.get("ColumnScale") or ""),
            nullable=str(d.get("ColumnNullable", "true")).lower() != "false",
            is_pk=str(d.get("ColumnIsPk", "false")).lower() == "true",
            default=d.get("ColumnDefault"),
        )


@dataclass(frozen=True)
class TableDefinition:
    """A parsed ``schema.json``: the table's columns at one table version."""

    schema: str
    table: str
    table_version: int
    columns: tuple[TiCDCColumn, ...]
    query: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.is_pk)

    @property
    def lossy_columns(self) -> tuple[str, ...]:
        """Columns whose exact type ``schema.json`` cannot express (ENUM/SET elements)."""
        return tuple(c.name for c in self.columns if c.base_type in ("ENUM", "SET"))

    @classmethod
    def from_json_bytes(cls, data: bytes, where: str) -> TableDefinition:
        try:
            d = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CDCError(where, f"invalid JSON: {exc}") from exc
        if not isinstance(d, Mapping):
            raise CDCError(where, "schema file is not a JSON object")
        cols = d.get("TableColumns") or []
        if not isinstance(cols, list):
            raise CDCError(where, "TableColumns is not a list")
        columns = tuple(TiCDCColumn.from_json(c, where) for c in cols if isinstance(c, Mapping))
        total = d.get("TableColumnsTotal")
        if total is not None and str(total) != str(len(columns)):
            raise CDCError(where, f"TableColumnsTotal {total} but {len(columns)} columns")
        version = d.get("TableVersion", 0)
        if isinstance(version, bool) or not isinstance(version, int | str):
            raise CDCError(where, "TableVersion is not a number")
        return cls(
            schema=str(d.get("Schema", "")),
            table=str(d.get("Table", "")),
            table_version=int(version),
            columns=columns,
            query=str(d.get("Query", "") or ""),
        )

    def create_table_sql(self) -> str:
        """``CREATE TABLE IF NOT EXISTS `db`.`t` (...)`` for this definition."""
        if not self.columns:
            raise CDCError(f"{self.schema}/{self.table}", "schema.json has no columns")
        lines = []
        for c in self.columns:
            line = f"  {_quote_ident(c.name)} {c.sql_type()}"
            if not c.nullable:
                line += " NOT NULL"
            if c.default is not None:
                text = str(c.default)
                keyword = text.upper().startswith(_DEFAULT_KEYWORDS)
                line += f" DEFAULT {text if keyword else _quote_string(text)}"
            lines.append(line)
        if self.primary_key:
            lines.append(f"  PRIMARY KEY ({', '.join(_quote_ident(n) for n in self.primary_key)})")
        body = ",\n".join(lines)
        return (
            f"CREATE TABLE IF NOT EXISTS {_quote_ident(self.schema)}.{_quote_ident(self.table)} "
            f"(\n{body}\n)"
        )
