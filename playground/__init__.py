"""playground: a single-process PD + TiKV + TiDB stand-in for tests and local trials.

It speaks the real protocols (pdpb, import_sstpb, tikvpb, the MySQL protocol and TiDB's
status API) with real semantics. Production code never imports it.
"""
