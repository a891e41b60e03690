"""Fixtures for the encoder tests: the session-wide private MariaDB server."""

from tests.support.mariadb import mariadb_server

__all__ = ["mariadb_server"]
