"""``SHOW CREATE TABLE`` / ``SHOW CREATE DATABASE`` text in TiDB's format."""

from __future__ import annotations

from playground.tidb.sqltext import quote_ident, quote_string
from tidbkv import mysqltypes as m
from tidbkv.schema import ColumnInfo, FieldType, TableInfo

_INT_NAMES = {
    m.TYPE_TINY: "tinyint",
    m.TYPE_SHORT: "smallint",
    m.TYPE_INT24: "mediumint",
    m.TYPE_LONG: "int",
    m.TYPE_LONGLONG: "bigint",
}
_TEXT_NAMES = {
    m.TYPE_TINY_BLOB: "tinytext",
    m.TYPE_BLOB: "text",
    m.TYPE_MEDIUM_BLOB: "mediumtext",
    m.TYPE_LONG_BLOB: "longtext",
}
_BLOB_NAMES = {
    m.TYPE_TINY_BLOB: "tinyblob",
    m.TYPE_BLOB: "blob",
    m.TYPE_MEDIUM_BLOB: "mediumblob",
    m.TYPE_LONG_BLOB: "longblob",
}


def type_text(ft: FieldType) -> str:
    """The column type as TiDB prints it (``int(11) unsigned``, ``varchar(20)``, ...)."""
    tp = ft.tp
    binary = ft.collate == "binary"
    if tp in _INT_NAMES:
        out = f"{_INT_NAMES[tp]}({ft.flen})"
        if ft.flag & m.UNSIGNED_FLAG:
            out += " unsigned"
        if ft.flag & m.ZEROFILL_FLAG:
            out += " zerofill"
        return out
    if tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE):
        name = "float" if tp == m.TYPE_FLOAT else "double"
        out = f"{name}({ft.flen},{ft.decimal})" if ft.decimal >= 0 and ft.flen > 0 else name
        return out + (" unsigned" if ft.flag & m.UNSIGNED_FLAG else "")
    if tp == m.TYPE_NEWDECIMAL:
        out = f"decimal({ft.flen},{ft.decimal})"
        return out + (" unsigned" if ft.flag & m.UNSIGNED_FLAG else "")
    if tp == m.TYPE_BIT:
        return f"bit({ft.flen})"
    if tp in (m.TYPE_DATETIME, m.TYPE_TIMESTAMP, m.TYPE_DURATION):
        name = {
            m.TYPE_DATETIME: "datetime",
            m.TYPE_TIMESTAMP: "timestamp",
            m.TYPE_DURATION: "time",
        }[tp]
        return f"{name}({ft.decimal})" if ft.decimal > 0 else name
    if tp == m.TYPE_DATE:
        return "date"
    if tp == m.TYPE_YEAR:
        return "year(4)"
    if tp == m.TYPE_STRING:
        return f"{'binary' if binary else 'char'}({ft.flen})"
    if tp in (m.TYPE_VARCHAR, m.TYPE_VAR_STRING):
        return f"{'varbinary' if binary else 'varchar'}({ft.flen})"
    if tp in _TEXT_NAMES:
        return (_BLOB_NAMES if binary else _TEXT_NAMES)[tp]
    if tp == m.TYPE_JSON:
        return "json"
    if tp in (m.TYPE_ENUM, m.TYPE_SET):
        name = "enum" if tp == m.TYPE_ENUM else "set"
        return f"{name}({','.join(quote_string(e) for e in ft.elems)})"
    return m.type_name(tp)


def _default_text(col: ColumnInfo) -> str | None:
    ft = col.field_type
    if col.default is None:
        if ft.flag & (m.NOT_NULL_FLAG | m.AUTO_INCREMENT_FLAG) or col.is_generated:
            return None
        return "NULL"
    if col.default_is_expr:
        return f"({col.default})"
    if col.default == "CURRENT_TIMESTAMP" and ft.tp in (m.TYPE_DATETIME, m.TYPE_TIMESTAMP):
        return "CURRENT_TIMESTAMP" + (f"({ft.decimal})" if ft.decimal > 0 else "")
    if ft.tp == m.TYPE_BIT:
        raw = str(col.default).encode("latin-1")
        return "b'" + bin(int.from_bytes(raw, "big"))[2:] + "'"
    return quote_string(str(col.default))


def _column_line(col: ColumnInfo, table: TableInfo) -> str:
    ft = col.field_type
    parts = [quote_ident(col.name), type_text(ft)]
    if ft.charset not in ("", "binary") and (ft.charset, ft.collate) != (
        table.charset,
        table.collate,
    ):
        if ft.charset != table.charset:
            parts.append(f"CHARACTER SET {ft.charset}")
        parts.append(f"COLLATE {ft.collate}")
    if col.is_generated:
        kind = "STORED" if col.generated_stored else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({col.generated_expr_string}) {kind}")
    if ft.flag & m.NOT_NULL_FLAG:
        parts.append("NOT NULL")
    default = _default_text(col)
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if ft.flag & m.AUTO_INCREMENT_FLAG:
        parts.append("AUTO_INCREMENT")
    if table.auto_random_bits and ft.flag & m.PRI_KEY_FLAG and table.pk_is_handle:
        rand = f"{table.auto_random_bits}"
        if table.auto_random_range_bits and table.auto_random_range_bits != 64:
            rand += f", {table.auto_random_range_bits}"
        parts.append(f"/*T![auto_rand] AUTO_RANDOM({rand}) */")
    if ft.flag & m.ON_UPDATE_NOW_FLAG:
        parts.append("ON UPDATE CURRENT_TIMESTAMP" + (f"({ft.decimal})" if ft.decimal > 0 else ""))
    if col.comment:
        parts.append(f"COMMENT {quote_string(col.comment)}")
    return "  " + " ".join(parts)


def _key_cols(cols: list[tuple[str, int]]) -> str:
    return ",".join(quote_ident(n) + (f"({ln})" if ln >= 0 else "") for n, ln in cols)


def show_create_table(table: TableInfo) -> str:
    lines = [_column_line(c, table) for c in table.columns]
    if table.pk_is_handle and table.handle_column is not None:
        lines.append(
            f"  PRIMARY KEY ({quote_ident(table.handle_column.name)}) "
            "/*T![clustered_index] CLUSTERED */"
        )
    for idx in table.indices:
        cols = _key_cols([(c.name, c.length) for c in idx.columns])
        if idx.primary:
            kind = "CLUSTERED" if table.is_common_handle else "NONCLUSTERED"
            lines.append(f"  PRIMARY KEY ({cols}) /*T![clustered_index] {kind} */")
            continue
        word = "UNIQUE KEY" if idx.unique else "KEY"
        line = f"  {word} {quote_ident(idx.name)} ({cols})"
        if idx.comment:
            line += f" COMMENT {quote_string(idx.comment)}"
        if idx.invisible:
            line += " /*!80000 INVISIBLE */"
        lines.append(line)
    opts = f"ENGINE=InnoDB DEFAULT CHARSET={table.charset} COLLATE={table.collate}"
    if table.auto_inc_id > 1:
        opts += f" AUTO_INCREMENT={table.auto_inc_id}"
    if table.auto_rand_id > 1:
        opts += f" /*T![auto_rand_base] AUTO_RANDOM_BASE={table.auto_rand_id} */"
    if table.shard_row_id_bits:
        opts += f" /*T! SHARD_ROW_ID_BITS={table.shard_row_id_bits} */"
    if table.pre_split_regions:
        opts += f" /*T! PRE_SPLIT_REGIONS={table.pre_split_regions} */"
    if table.comment:
        opts += f" COMMENT={quote_string(table.comment)}"
    body = ",\n".join(lines)
    return f"CREATE TABLE {quote_ident(table.name)} (\n{body}\n) {opts}"


def show_create_database(name: str, charset: str, collate: str) -> str:
    return (
        f"CREATE DATABASE {quote_ident(name)} "
        f"/*!40100 DEFAULT CHARACTER SET {charset} COLLATE {collate} */"
    )
