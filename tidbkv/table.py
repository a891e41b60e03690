"""Per-table row encoder: a row of dump literals → the data and index KV pairs TiDB would write.

``TableEncoder(table, ...)`` is built once per table (per chunk) and ``encode(row, row_id)``
is called per row. It follows Lightning's ``tableKVEncoder.Encode`` / ``BaseKVEncoder`` and
TiDB's ``tables.AddRecord`` / ``index.create``:

* each table column takes its literal from the input (``column_names`` maps input positions to
  columns; None = all public columns in table order), cast with sql_mode semantics
  (``tidbkv.cast``); a column missing from the input, or NULL in a NOT NULL column, takes:
  ``row_id`` for AUTO_INCREMENT, ``shard | row_id`` for AUTO_RANDOM, otherwise its DEFAULT
  (NULL into NOT NULL is an error in strict mode, the type's zero value otherwise);
* the handle is the int primary key (``pk_is_handle``), the common handle of a clustered
  primary key, or ``_tidb_rowid`` = ``row_id`` (with SHARD_ROW_ID_BITS shard bits), unless the
  input has a ``_tidb_rowid`` column;
* the record value is row format v2 (or v1), leaving out the columns TiDB leaves out
  (``CanSkip``); every writable secondary index (and a NONCLUSTERED primary key) yields one
  index KV (``tidbkv.index``).

``encode`` is the specialised fast path (per-column closures, precomputed prefixes and
struct packers; the old index layout built inline); ``encode_generic`` builds the same pairs
through ``Datum`` / ``rowcodec`` / ``index`` and is the reference the fast path is tested
against. Both are deterministic: the same row and ``row_id`` give the same bytes.

Shards: TiDB only requires shard bits to be within range. Lightning draws them from Go's
``math/rand``; here the AUTO_RANDOM shard is ``splitmix64(auto_random_seed)`` (one per
encoder, like Lightning's per-chunk seed) and the SHARD_ROW_ID_BITS shard is
``splitmix64(row_id)``, so re-encoding a chunk reproduces the same keys
(``auto_random_shard`` pins the AUTO_RANDOM shard instead).

Other parameters: ``row_format_version`` (the target's ``tidb_row_format_version``),
``new_collation`` (``mysql.tidb`` ``new_collation_enabled``), ``time_zone`` (the dump
session's ``time_zone``; TIMESTAMP values are converted from it to UTC), ``sql_mode``
(``SQLMode`` or an ``@@sql_mode`` string), ``now`` (aware datetime used for
CURRENT_TIMESTAMP defaults; default: when the encoder is built), ``physical_table_id``
(the partition to write; required for partitioned tables, partition routing is the caller's).

``auto_ids`` tracks the largest ``_tidb_rowid``, AUTO_INCREMENT value and AUTO_RANDOM
incremental part seen, for the AUTO_INCREMENT / AUTO_RANDOM rebase after the import.

Public API: ``TableEncoder``, ``AutoIDs``, ``UnsupportedTableError``, ``ColumnCountError``,
``EXTRA_HANDLE_NAME``, ``splitmix64``.
"""

from __future__ import annotations

import datetime as _dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from tidbkv import mysqltypes as m
from tidbkv.cast import (
    DEFAULT_SQL_MODE,
    CastError,
    ColumnCaster,
    SQLMode,
)
from tidbkv.codec import encode_key
from tidbkv.datum import Datum, Kind
from tidbkv.errors import TidbKVError
from tidbkv.fastpath import ColumnPlan, compile_encoder, zero_datum
from tidbkv.index import (
    gen_index_kv,
    index_need_restored_data,
    need_restored_data,
    truncate_index_values,
)
from tidbkv.keys import index_prefix, record_prefix
from tidbkv.literals import Literal
from tidbkv.mytime import resolve_time_zone
from tidbkv.rowcodec import encode_old_row, encode_row
from tidbkv.schema import ColumnInfo, FieldType, IndexInfo, TableInfo

EXTRA_HANDLE_NAME = "_tidb_rowid"
_U64 = 0xFFFFFFFFFFFFFFFF
_SIGN = 1 << 63
_STATE_DELETE_ONLY = 1
_STATE_DELETE_REORG = 4
_BE64 = struct.Struct(">Q")

KVPairs = list[tuple[bytes, bytes]]


class UnsupportedTableError(TidbKVError, ValueError):
    """The table uses a feature the encoder cannot reproduce (generated columns, ...)."""

    def __init__(self, table: str, reason: str) -> None:
        super().__init__(f"table {table!r}: {reason}")
        self.table = table
        self.reason = reason


class ColumnCountError(TidbKVError, ValueError):
    """A row has a different number of values than the encoder's column list."""

    def __init__(self, table: str, expected: int, got: int) -> None:
        super().__init__(f"table {table!r}: row has {got} values, expected {expected}")
        self.table = table
        self.expected = expected
        self.got = got


@dataclass
class AutoIDs:
    """Largest IDs seen, for rebasing the table's allocators after the import."""

    row_id: int = 0
    auto_increment: int = 0
    auto_random: int = 0


def splitmix64(x: int) -> int:
    """SplitMix64 finaliser: a deterministic 64-bit hash."""
    z = (x + 0x9E3779B97F4A7C15) & _U64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _U64
    return z ^ (z >> 31)


class TableEncoder:
    """Encodes rows of one table into TiDB KV pairs (see module docstring)."""

    def __init__(
        self,
        table: TableInfo,
        *,
        row_format_version: int = 2,
        new_collation: bool = True,
        time_zone: str | _dt.tzinfo | None = "UTC",
        sql_mode: SQLMode | str = DEFAULT_SQL_MODE,
        column_names: Sequence[str] | None = None,
        auto_random_seed: int = 0,
        auto_random_shard: int | None = None,
        now: _dt.datetime | None = None,
        physical_table_id: int | None = None,
    ) -> None:
        if row_format_version not in (1, 2):
            raise ValueError(f"row_format_version must be 1 or 2, not {row_format_version}")
        self.table = table
        self.row_format_version = row_format_version
        self.new_collation = new_collation
        self.tz = resolve_time_zone(time_zone)
        self.sql_mode = SQLMode.parse(sql_mode) if isinstance(sql_mode, str) else sql_mode
        self.now = now or _dt.datetime.now(_dt.UTC)
        self.auto_ids = AutoIDs()
        if table.partition is not None and physical_table_id is None:
            raise UnsupportedTableError(
                table.name, "partitioned table: pass the partition's physical_table_id"
            )
        self.physical_table_id = physical_table_id if physical_table_id is not None else table.id
        self._check_supported()

        self.handle_col_id = table.handle_column.id if table.handle_column is not None else None
        self.pk_index = table.primary_index if table.is_common_handle else None
        self.skipped_pk_ids: set[int] = set()
        if self.pk_index is not None:
            for ic in self.pk_index.columns:
                c = table.columns[ic.offset]
                if ic.length == m.UNSPECIFIED_LENGTH and not need_restored_data(
                    c.field_type, new_collation
                ):
                    self.skipped_pk_ids.add(c.id)
        self.auto_random_col_id: int | None = None
        self._auto_random_shard = 0
        self._auto_random_unsigned = False
        self._auto_random_inc_bits = 0
        if table.auto_random_bits > 0 and table.handle_column is not None:
            hc = table.handle_column
            self.auto_random_col_id = hc.id
            self._auto_random_unsigned = hc.field_type.unsigned
            range_bits = table.auto_random_range_bits or 64
            shard_bits = table.auto_random_bits
            self._auto_random_inc_bits = (
                range_bits - shard_bits - (0 if self._auto_random_unsigned else 1)
            )
            shard = splitmix64(auto_random_seed) if auto_random_shard is None else auto_random_shard
            self._auto_random_shard = shard & ((1 << shard_bits) - 1)
        self._shard_bits = table.shard_row_id_bits if table.has_implicit_row_id else 0

        public = [c for c in table.columns if c.state == m.STATE_PUBLIC]
        visible = [c for c in public if not c.hidden]
        names = [c.name for c in visible] if column_names is None else list(column_names)
        self.column_names = names
        self._n_inputs = len(names)
        positions: dict[str, int] = {}
        self._rowid_pos: int | None = None
        by_lower = {c.name.lower(): c for c in public}
        for i, name in enumerate(names):
            low = name.lower()
            if low == EXTRA_HANDLE_NAME and low not in by_lower:
                if not table.has_implicit_row_id:
                    raise UnsupportedTableError(
                        table.name, "_tidb_rowid given for a table without it"
                    )
                self._rowid_pos = i
                continue
            if low not in by_lower:
                raise UnsupportedTableError(table.name, f"unknown column {name!r}")
            if low in positions:
                raise UnsupportedTableError(table.name, f"column {name!r} listed twice")
            positions[low] = i
        self._cols = [ColumnPlan(self, c, positions.get(c.name.lower())) for c in public]
        self._cols_by_offset: dict[int, ColumnPlan] = {c.offset: c for c in self._cols}
        self._rowid_caster = ColumnCaster(
            ColumnInfo(id=-1, name=EXTRA_HANDLE_NAME, offset=-1, field_type=_bigint_ft()),
            time_zone=self.tz,
            sql_mode=self.sql_mode,
        )
        self._record_prefix = record_prefix(self.physical_table_id)
        self._indexes = [
            i
            for i in table.indices
            if i.state not in (_STATE_DELETE_ONLY, _STATE_DELETE_REORG)
            and not (i.primary and (table.is_common_handle or table.pk_is_handle))
        ]
        self._plan_fast_path()

    # -- setup ----------------------------------------------------------------------------

    def _check_supported(self) -> None:
        t = self.table
        for c in t.columns:
            if c.is_generated and c.generated_stored:
                raise UnsupportedTableError(t.name, f"stored generated column {c.name!r}")
            if c.field_type.tp in (m.TYPE_GEOMETRY, m.TYPE_TIEDB_VECTOR_FLOAT32):
                raise UnsupportedTableError(
                    t.name, f"column {c.name!r} of type {m.type_name(c.field_type.tp)}"
                )
        for i in t.indices:
            for ic in i.columns:
                c = t.columns[ic.offset]
                if c.is_virtual_generated:
                    raise UnsupportedTableError(
                        t.name, f"index {i.name!r} on generated column {c.name!r}"
                    )
                if c.field_type.array:
                    raise UnsupportedTableError(t.name, f"multi-valued index {i.name!r}")
        if t.is_common_handle and t.primary_index is None:
            raise UnsupportedTableError(t.name, "clustered table without a PRIMARY index")

    def _plan_fast_path(self) -> None:
        t = self.table
        self._row_cols = sorted((c for c in self._cols if not c.always_skip), key=lambda c: c.id)
        self._old_row_cols = [c for c in self._cols if not c.always_skip]
        # Indexes the inline old layout covers (int handle, no restored data, not global, no
        # prefix columns) get (prefix, columns, unique, None); the others (..., index info) go
        # through tidbkv.index.
        self._index_plan: list[tuple[bytes, list[ColumnPlan], bool, IndexInfo | None]] = []
        int_handle = not t.is_common_handle
        for idx in self._indexes:
            prefixed = any(ic.length != m.UNSPECIFIED_LENGTH for ic in idx.columns)
            cols = [self._cols_by_offset[ic.offset] for ic in idx.columns]
            fast = (
                int_handle
                and not idx.is_global
                and not prefixed
                and not index_need_restored_data(t, idx, self.new_collation)
            )
            prefix = index_prefix(self.physical_table_id, idx.id)
            self._index_plan.append((prefix, cols, idx.unique, None if fast else idx))
        self._fast = compile_encoder(self)

    def _column_count_error(self, got: int) -> None:
        raise ColumnCountError(self.table.name, self._n_inputs, got)

    # -- per-row value resolution -----------------------------------------------------------

    def _auto_random_value(self, row_id: int) -> int:
        composed = (self._auto_random_shard << self._auto_random_inc_bits) | row_id
        if self._auto_random_unsigned:
            return composed & _U64
        return composed - (1 << 64) if composed >= _SIGN else composed

    def _special(self, c: ColumnPlan, row_id: int, bad_null: bool, lit: Literal) -> Datum:
        """Value of a column that is missing from the input or NULL into NOT NULL."""
        if c.auto_inc:
            return c.caster(row_id)
        if c.auto_random:
            return c.caster(self._auto_random_value(row_id))
        if bad_null:
            if self.sql_mode.strict:
                raise CastError(c.name, lit, CastError.NOT_NULL)
            return zero_datum(c.info, c.caster)
        if c.default_error is not None:
            raise c.default_error
        assert c.default is not None
        return c.default

    def _track(self, c: ColumnPlan, d: Datum) -> None:
        if c.auto_random and d.kind != Kind.NULL:
            mask = (1 << self._auto_random_inc_bits) - 1
            inc = int(d.value) & mask
            if inc > self.auto_ids.auto_random:
                self.auto_ids.auto_random = inc
        if c.auto_inc and d.kind != Kind.NULL:
            v = d.value
            if d.kind in (Kind.FLOAT32, Kind.FLOAT64):
                v = round(v)
            v = int(v)
            if v >= _SIGN:
                v -= 1 << 64
            if v > self.auto_ids.auto_increment:
                self.auto_ids.auto_increment = v

    def _row_id(self, row: Sequence[Literal], row_id: int) -> int:
        if self._rowid_pos is not None:
            d = self._rowid_caster(row[self._rowid_pos])
            if d.kind == Kind.NULL:
                raise CastError(EXTRA_HANDLE_NAME, None, CastError.NOT_NULL)
            value = int(d.value)
            rebase = value
        else:
            value = row_id
            if self._shard_bits:
                s = self._shard_bits
                value |= (splitmix64(row_id) & ((1 << s) - 1)) << (63 - s)
            rebase = row_id
        if rebase > self.auto_ids.row_id:
            self.auto_ids.row_id = rebase
        return value

    def _check_count(self, row: Sequence[Literal]) -> None:
        if len(row) != self._n_inputs:
            raise ColumnCountError(self.table.name, self._n_inputs, len(row))

    def row_datums(self, row: Sequence[Literal], row_id: int) -> list[Datum]:
        """Every public column's final value (table order), as the generic path computes it."""
        self._check_count(row)
        out: list[Datum] = []
        for c in self._cols:
            bad_null = False
            lit: Literal = None
            if c.pos is not None:
                lit = row[c.pos]
                d = c.caster(lit)
                if d.kind != Kind.NULL or not c.not_null:
                    if c.auto_inc or c.auto_random:
                        self._track(c, d)
                    out.append(d)
                    continue
                bad_null = True
            d = self._special(c, row_id, bad_null, lit)
            self._track(c, d)
            out.append(d)
        return out

    def _handle_of(self, datums: Sequence[Datum], handle_rowid: int) -> int | bytes:
        t = self.table
        if t.pk_is_handle and self.handle_col_id is not None:
            hc = self._cols_by_offset[t.handle_column.offset]  # type: ignore[union-attr]
            v = int(datums[hc.offset].value)
            return v - (1 << 64) if v >= _SIGN else v
        if self.pk_index is not None:
            pk_vals = [datums[ic.offset] for ic in self.pk_index.columns]
            pk_vals = truncate_index_values(t, self.pk_index, pk_vals)
            return encode_key(pk_vals, self.tz, self.new_collation)
        return handle_rowid

    # -- generic (reference) path -----------------------------------------------------------

    def encode_generic(self, row: Sequence[Literal], row_id: int) -> tuple[KVPairs, KVPairs]:
        """``(data_pairs, index_pairs)`` through the generic Datum-based codec."""
        datums = self.row_datums(row, row_id)
        rowid = self._row_id(row, row_id) if self.table.has_implicit_row_id else 0
        handle = self._handle_of(datums, rowid)
        ids: list[int] = []
        vals: list[Datum] = []
        for c in self._cols:
            d = datums[c.offset]
            if c.always_skip or (d.kind == Kind.NULL and c.skip_if_null):
                continue
            ids.append(c.id)
            vals.append(d)
        if self.row_format_version == 2:
            value = encode_row(ids, vals, self.tz)
        else:
            value = encode_old_row(ids, vals, self.tz)
        hbytes = _BE64.pack((handle + _SIGN) & _U64) if isinstance(handle, int) else handle
        data = [(self._record_prefix + hbytes, value)]
        index_pairs = [
            gen_index_kv(
                self.table,
                idx,
                datums,
                handle,
                physical_table_id=self.physical_table_id,
                new_collation=self.new_collation,
                time_zone=self.tz,
            )
            for idx in self._indexes
        ]
        return data, index_pairs

    # -- fast path ----------------------------------------------------------------------------

    def encode(self, row: Sequence[Literal], row_id: int) -> tuple[KVPairs, KVPairs]:
        """``(data_pairs, index_pairs)`` for one row; raises ``CastError`` for a bad value."""
        return self._fast(row, row_id)


def _bigint_ft() -> FieldType:
    return FieldType(m.TYPE_LONGLONG, flag=m.NOT_NULL_FLAG, flen=20)
