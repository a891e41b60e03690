"""The mysql-mimic session: hands each statement of a COM_QUERY to the ``Executor``.

Statements run in a worker thread (they read the stores over gRPC), so one slow query does not
block the other connections on the event loop.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from mysql_mimic import ResultColumn, ResultSet
from mysql_mimic.charset import CharacterSet
from mysql_mimic.errors import MysqlError
from mysql_mimic.session import BaseSession
from mysql_mimic.types import ColumnType
from mysql_mimic.variables import SYSTEM_VARIABLES, GlobalVariables, SessionVariables

from playground.tidb.executor import Executor, SessionState, SqlError
from playground.tidb.query import QueryResult
from playground.tidb.sqltext import split_statements
from playground.tidb.variables import SERVER_VERSION, VERSION_COMMENT

_IDS = itertools.count(1)


def _variables() -> SessionVariables:
    schema = dict(SYSTEM_VARIABLES)
    schema["version"] = (str, SERVER_VERSION, False)
    schema["version_comment"] = (str, VERSION_COMMENT, False)
    return SessionVariables(GlobalVariables(schema))


def result_set(result: QueryResult) -> ResultSet:
    columns = [
        ResultColumn(
            name=name,
            type=ColumnType(t.tp),
            character_set=CharacterSet.binary if t.binary else CharacterSet.utf8mb4,
        )
        for name, t in zip(result.names, result.types, strict=True)
    ]
    return ResultSet(rows=result.rows, columns=columns)


class TidbSession(BaseSession):  # type: ignore[misc]
    """One client connection."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.state = SessionState(connection_id=next(_IDS))
        self.variables = _variables()
        self.username: str | None = None

    @property
    def database(self) -> str | None:
        return self.state.db

    @database.setter
    def database(self, value: str | None) -> None:
        self.state.db = value or None

    async def init(self, connection: Any) -> None:
        self._connection = connection

    async def close(self) -> None:
        return None

    async def reset(self) -> None:
        self.state.variables.clear()

    async def use(self, database: str) -> None:
        try:
            await asyncio.to_thread(self.executor.use, self.state, database)
        except SqlError as exc:
            raise MysqlError(str(exc), exc.code) from exc
        except Exception as exc:  # translated for the client, once, here
            raise MysqlError(str(exc), 1105) from exc

    async def handle_query(self, sql: str, attrs: dict[str, str]) -> Any:
        if self.username:
            self.state.user = self.username
        result: QueryResult | None = None
        for stmt in split_statements(sql) or [sql]:
            try:
                result = await asyncio.to_thread(self.executor.execute, self.state, stmt)
            except SqlError as exc:
                raise MysqlError(str(exc), exc.code) from exc
            except Exception as exc:  # translated for the client, once, here
                raise MysqlError(f"{type(exc).__name__}: {exc}", 1105) from exc
        if result is None:
            return None
        return result_set(result)
