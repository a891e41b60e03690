"""encoder: the stateless worker that turns dump files into TiDB key-values and streams them.

Dump scanning and routing, chunking, the SQL/CSV readers, row -> KV encoding through
``tidbkv``, the importer client, TiDB access and table finalization.
"""
