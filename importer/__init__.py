"""importer: the daemon that sorts KV pairs into engines and ingests them into TiKV.

ImportKV (tikv-importer compatible) and Coordinator gRPC services, the LevelDB engine
registry, split/scatter through PD, Write + MultiIngest into TiKV with region-error retries.
"""
