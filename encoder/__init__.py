"""encoder: the stateless worker that turns dump files into TiDB key-values and streams them.

``encoder --dump DIR --importer HOST:PORT`` (``encoder.cli``) imports a dump, verified:

* ``encoder.job`` — the sequence: prechecks, plan, register or join the job, workers,
  progress, summary and exit code (``run_job``).
* ``encoder.config`` — layered configuration (tidb-lightning.toml key names).
* ``encoder.planner`` / ``encoder.settings`` — scan + chunk into a ``JobPlan`` with a
  deterministic job id; what every encoder of a job must agree on (``JobSettings``).
* ``encoder.precheck`` — requirements checked before anything is written.
* ``encoder.pool`` / ``encoder.worker`` / ``encoder.leases`` — N workers (thread or processes),
  each leasing tasks from the importer's coordinator with kept-alive leases.
* ``encoder.schematask`` / ``encoder.chunktask`` / ``encoder.finalize`` — the three task kinds:
  DDL; read -> cast -> encode -> deliver with a checksum; close + import engines, rebase,
  ADMIN CHECKSUM, ANALYZE.
* ``encoder.delivery`` — the bounded queue and thread between encoding and gRPC.
* Edges: ``encoder.kvclient`` (ImportKV), ``encoder.coordclient`` (Coordinator),
  ``encoder.importerlink`` (channel, gRPC error translation), ``encoder.tidbsql`` (SQL),
  ``encoder.tidbstatus`` (status API), ``encoder.pdclient`` (PD); ``encoder.engineid``
  (Lightning's engine uuids); ``encoder.retry`` (one retry loop).
* ``encoder.events`` / ``encoder.progress`` / ``encoder.summary`` — what the user sees.
* ``encoder.source`` — the dump reader (scan, route, chunk, SQL/CSV/TiCDC readers).
* ``encoder.errors`` — the error tree.
"""
