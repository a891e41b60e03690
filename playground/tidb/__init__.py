"""TiDB stand-in: the MySQL-protocol SQL port, the DDL catalog and the status HTTP API."""
