"""tidbkv: TiDB's key/value format as a pure-Python library (no I/O).

Modules (each lists its public API in its own docstring):

* ``tidbkv.mysqltypes`` — MySQL type codes and column flags.
* ``tidbkv.schema`` — ``TableInfo`` / ``ColumnInfo`` / ``IndexInfo`` and their TiDB JSON form.
* ``tidbkv.literals`` — the value types the dump reader yields before casting.
* ``tidbkv.errors`` — the error tree (``TidbKVError``).
* ``tidbkv.codec`` — memcomparable ints, bytes, varints, compact bytes.
* ``tidbkv.keys`` — table / record / index key prefixes and int-handle row keys.
* ``tidbkv.checksum`` — ``KVChecksum`` (CRC-64/XZ XOR, kvs, bytes).
"""
