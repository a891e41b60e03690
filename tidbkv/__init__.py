"""tidbkv: TiDB's key/value format as a pure-Python library (no I/O).

Modules (each lists its public API in its own docstring):

* ``tidbkv.mysqltypes`` — MySQL type codes and column flags.
* ``tidbkv.schema`` — ``TableInfo`` / ``ColumnInfo`` / ``IndexInfo`` and their TiDB JSON form.
* ``tidbkv.literals`` — the value types the dump reader yields before casting.
* ``tidbkv.errors`` — the error tree (``TidbKVError``).
* ``tidbkv.datum`` — ``Datum``: a kind tag plus a Python value, the currency of the generic
  codec paths (how each SQL type is represented is tabulated there).
* ``tidbkv.codec`` — memcomparable ints, floats, bytes, decimals, varints, compact bytes, datum
  flags, ``encode_key`` / ``encode_value`` / ``decode_one``.
* ``tidbkv.mydecimal`` — MySQL binary DECIMAL (``decimal_to_bin`` / ``bin_to_decimal``).
* ``tidbkv.mytime`` — DATE/DATETIME/TIMESTAMP (``Time``, packed uint64) and TIME parsing.
* ``tidbkv.json_binary`` — TiDB binary JSON.
* ``tidbkv.collate`` / ``tidbkv.collators`` — collation sort keys (``get_collator(name).key``).
* ``tidbkv.keys`` — table / record / index keys, common handles, meta and region keys.
* ``tidbkv.rowcodec`` — row format v2 (``encode_row``) and v1 (``encode_old_row``),
  ``decode_row``.
* ``tidbkv.index`` — index keys and values in every layout (``gen_index_value``).
* ``tidbkv.cast`` — literal → column type casting with sql_mode semantics (``CastError``).
* ``tidbkv.table`` — ``TableEncoder``: a row of literals → data and index KV pairs.
* ``tidbkv.fastpath`` — the per-table generated encode function behind
  ``TableEncoder.encode``.
* ``tidbkv.decoder`` — ``RowDecoder``: KV pairs → column values.
* ``tidbkv.checksum`` — ``KVChecksum`` (CRC-64/XZ XOR, kvs, bytes).

Finding a TiDB / TiKV function here: names are the Go (or Rust) names in snake_case, in the
module of the same package — ``codec.EncodeCompactBytes`` → ``tidbkv.codec.encode_compact_bytes``,
``tablecodec.DecodeIndexKey`` → ``tidbkv.keys.decode_index_key``, index values
(``GenIndexValuePortal``, ``DecodeHandleInIndexValue`` ...) → ``tidbkv.index``,
``rowcodec.Encoder.Encode`` → ``tidbkv.rowcodec.encode_row``, ``types.MyDecimal.ToBin`` /
``FromBin`` / ``FromString`` → ``tidbkv.mydecimal.to_bin`` / ``from_bin`` / ``from_string``,
``types.ParseTime`` / ``ParseDuration`` / ``Time.ToPackedUint`` → ``tidbkv.mytime.parse_time`` /
``parse_duration`` / ``Time.to_packed_uint``, ``types.ParseBinaryJSONFromString`` →
``tidbkv.json_binary.parse_json_text``, ``collate.GetCollator(name).Key`` →
``tidbkv.collate.get_collator(name).key``. Each module docstring has a "TiDB names" list for
the cases where the name differs. Conventions: Go's ``(rest, value, err)`` returns become
``(value, rest)`` or an exception; errors TiDB returns together with a value (truncation,
overflow) are returned as an error code (``to_bin``, ``from_string``) or carried on the
exception (``TimeParseError.partial``); keys and values are ``bytes``; a handle is an ``int``
or the encoded common-handle ``bytes``.
"""
