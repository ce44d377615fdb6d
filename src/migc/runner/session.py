"""One PostgreSQL connection: the only module that touches psycopg.

psycopg is imported lazily so that `migc --version` stays fast. No psycopg exception leaves this
module: a connection that cannot be made becomes `MigcError`; a query PostgreSQL refuses becomes
`SqlFailure`, which is not yet a user-facing error: the caller must turn it into a `MigcError` that
says what failed (the runner names the migration and statement).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from migc.errors import MigcError
from migc.runner.urls import DatabaseTarget, redact_text

if TYPE_CHECKING:
    import psycopg

_SETTING_VALUE = re.compile(r"^\s*\d+(\.\d+)?\s*(us|ms|s|min|h|d)?\s*$")
CONNECT_TIMEOUT_S = 10


class SqlFailure(Exception):
    """PostgreSQL refused a query: its own words, and where in the query string."""

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
        position: int | None = None,
        context: str | None = None,
        connection_lost: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        self.position = position  # 1-based character offset into the query string
        self.context = context
        self.connection_lost = connection_lost

    def describe(self) -> str:
        code = f" {self.sqlstate}" if self.sqlstate else ""
        lines = [f"PostgreSQL error{code}: {self.message}"]
        if self.detail:
            lines.append(f"DETAIL: {self.detail}")
        if self.hint:
            lines.append(f"HINT: {self.hint}")
        if self.context:
            lines.append(f"CONTEXT: {self.context}")
        return "\n".join(lines)


def check_setting(name: str, value: str) -> str:
    """A duration for lock_timeout / statement_timeout, as PostgreSQL accepts it (`5s`, `0`)."""
    if not _SETTING_VALUE.match(value):
        raise MigcError(
            f"invalid {name} '{value}'", f"use a duration such as '5s', '500ms' or '2min' ('0' turns it off)"
        )
    return value.replace(" ", "")


class Session:
    """An autocommit connection; transactions are spelt out in the SQL the runner sends."""

    def __init__(self, conn: psycopg.Connection[Any], target: DatabaseTarget) -> None:
        self._conn = conn
        self.target = target

    @property
    def server_version(self) -> int:
        return int(self._conn.info.server_version)

    def run(self, sql: str) -> None:
        """Send `sql` as one simple query: one round trip, however many statements it holds."""
        self._execute(sql)

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of the last result of `sql` (which may hold several statements if params is empty)."""
        cursor = self._execute(sql, params)
        last: list[tuple[Any, ...]] = list(cursor.fetchall()) if cursor.description else []
        while cursor.nextset():
            last = list(cursor.fetchall()) if cursor.description else []
        return last

    def literal(self, value: object) -> str:
        """A value as an SQL literal, quoted by libpq for this connection's settings."""
        from psycopg import sql

        return sql.Literal(value).as_string(self._conn)

    def rollback_if_failed(self) -> None:
        """After a failure inside an explicit BEGIN the session is in an aborted transaction."""
        from psycopg import pq

        if self._conn.closed:
            return
        if self._conn.info.transaction_status != pq.TransactionStatus.IDLE:
            try:
                self._conn.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the connection is broken; closing is all that is left
                self._conn.close()

    @property
    def broken(self) -> bool:
        return bool(self._conn.closed or self._conn.broken)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _execute(self, sql: str, params: Sequence[object] = ()) -> psycopg.Cursor[Any]:
        import psycopg

        try:
            return self._conn.execute(sql, params or None)
        except psycopg.Error as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: Exception) -> SqlFailure:
        import psycopg

        secrets = self.target.secrets
        diag = getattr(exc, "diag", None)
        primary = diag.message_primary if diag is not None else None
        message = redact_text(primary or str(exc).strip() or type(exc).__name__, secrets)
        lost = isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and (
            self._conn.closed or self._conn.broken
        )
        if diag is None:
            return SqlFailure(message, connection_lost=lost)

        def clean(text: str | None) -> str | None:
            return redact_text(text, secrets) if text else None

        position = diag.statement_position
        return SqlFailure(
            message,
            sqlstate=diag.sqlstate,
            detail=clean(diag.message_detail),
            hint=clean(diag.message_hint),
            position=int(position) if position else None,
            context=clean(diag.context),
            connection_lost=lost,
        )


def connect(target: DatabaseTarget, *, settings: dict[str, str] | None = None) -> Session:
    """Open the run's one connection; `settings` become `-c name=value` startup options."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    secrets = target.secrets
    try:
        params = conninfo_to_dict(target.url)
    except psycopg.Error as exc:
        raise MigcError(
            f"invalid database URL {target.shown} (from {target.source}): {redact_text(str(exc), secrets)}",
            "use the form postgresql://user:password@host:port/dbname",
        ) from None
    options = str(params.get("options") or "")
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    params["options"] = options.strip()
    params.setdefault("application_name", "migc")
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    try:
        conn = psycopg.connect(make_conninfo("", **params), autocommit=True)
    except psycopg.Error as exc:
        reason = redact_text(str(exc).strip(), secrets)
        reason = reason.removeprefix("connection failed: ").replace("\n\t", "\n  ")
        raise MigcError(
            f"cannot connect to the database {target.shown} (from {target.source}):\n  {reason}",
            "check that the server is running and reachable, and the user name, password and database name",
        ) from None
    return Session(conn, target)
