"""TiKV stand-ins: per-store MVCC engines, SST staging, and the ImportSST / Tikv gRPC services."""
