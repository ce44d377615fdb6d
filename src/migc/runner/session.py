"""One PostgreSQL connection: the only module that touches psycopg.

psycopg is imported lazily so that `migc --version` stays fast, and its exceptions end here:
connection problems become `MigcError`, failing SQL becomes `SqlFailure` (which the runner turns
into a `MigcError` naming the migration and statement).
"""

from __future__ import annotations

import re
import select
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migc.errors import MigcError
from migc.runner.urls import DatabaseTarget, redact_text

if TYPE_CHECKING:
    import psycopg
    from psycopg import pq

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


@dataclass
class BatchOutcome:
    """What came back for a query string of several transactions (see `Session.run_batch`)."""

    done: list[tuple[str | None, ...]] = field(default_factory=list)  # marked rows whose COMMIT succeeded
    failure: SqlFailure | None = None  # the error that stopped the string, if any
    interrupted: bool = False  # Ctrl-C: the rest was cancelled


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

    def unsendable(self, sql: str) -> SqlFailure | None:
        """Why `sql` cannot be sent on this connection (a character its encoding lacks, a NUL), if so."""
        encoding = self._conn.info.encoding
        try:
            sql.encode(encoding)
        except UnicodeEncodeError as exc:
            return SqlFailure(f"character {sql[exc.start]!r} cannot be sent in the connection's encoding ({encoding})",
                              position=exc.start + 1)
        if "\0" in sql:
            return SqlFailure("the SQL holds a NUL character, which PostgreSQL cannot take",
                              position=sql.index("\0") + 1)
        return None

    def run_batch(self, sql: str, marker: str, meanwhile: Callable[[], None] | None = None) -> BatchOutcome:
        """Send `sql`, a string of `BEGIN; ...; COMMIT` transactions, as one simple query, and
        call `meanwhile` while the server runs it. `sql` must be sendable (see `unsendable`).

        PostgreSQL runs the statements in order and stops at the first error, so the
        transactions after a failing one never start. Each transaction marks itself with a
        statement returning one row whose first column is named `marker`; the outcome lists the
        marked rows of the transactions whose COMMIT came back, in order, and the error, if any.
        On Ctrl-C the server is asked to cancel the rest, and the outcome says it was interrupted.
        """
        pgconn = self._conn.pgconn
        outcome = BatchOutcome()
        sent = False
        try:
            try:
                pgconn.send_query(sql.encode(self._conn.info.encoding))
                self._flush(pgconn)
                sent = True
                if meanwhile is not None:
                    meanwhile()
                self._collect(pgconn, marker.encode(), outcome)
            except KeyboardInterrupt:
                outcome.interrupted = True
                if not sent:  # half a message on the wire: only closing ends it (none of it ran)
                    self._conn.close()
                elif self._cancel(pgconn):
                    self._collect(pgconn, marker.encode(), outcome)  # what committed before the cancel
        except KeyboardInterrupt:  # a second Ctrl-C: the connection is in an unknown state
            self._conn.close()
        except self._psycopg_errors() as exc:
            outcome.failure = self._failure(exc)
        return outcome

    def _collect(self, pgconn: pq.abc.PGconn, key: bytes, outcome: BatchOutcome) -> None:
        from psycopg import pq

        encoding = self._conn.info.encoding
        pending: tuple[str | None, ...] | None = None
        while (result := self._next_result(pgconn)) is not None:
            status = result.status
            if status == pq.ExecStatus.FATAL_ERROR:
                outcome.failure = self._failure_from_result(result, pgconn)
            elif status == pq.ExecStatus.TUPLES_OK:
                if result.nfields and result.fname(0) == key and result.ntuples == 1:
                    pending = tuple(_text(result.get_value(0, i), encoding) for i in range(result.nfields))
            elif status == pq.ExecStatus.COMMAND_OK:
                if pending is not None and result.command_status == b"COMMIT":
                    outcome.done.append(pending)
                pending = None
            elif status == pq.ExecStatus.COPY_IN:  # nothing to send: make the server give up on it
                pgconn.put_copy_end(b"COPY FROM STDIN cannot be used in a migration")
                self._flush(pgconn)
            elif status == pq.ExecStatus.COPY_OUT:  # read it and forget it
                while (got := pgconn.get_copy_data(1)[0]) >= 0:
                    if got == 0:
                        select.select([pgconn.socket], [], [])
                        pgconn.consume_input()

    def _flush(self, pgconn: pq.abc.PGconn) -> None:
        """Send everything libpq holds (the connection is non-blocking), reading meanwhile."""
        while pgconn.flush():
            readable, _, _ = select.select([pgconn.socket], [pgconn.socket], [])
            if readable:
                pgconn.consume_input()

    def _next_result(self, pgconn: pq.abc.PGconn) -> pq.abc.PGresult | None:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        return pgconn.get_result()

    def _cancel(self, pgconn: pq.abc.PGconn) -> bool:
        """Ask the server to cancel the query running; False if the connection had to be dropped."""
        from psycopg import pq

        if pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            pgconn.get_cancel().cancel()
            return True
        except Exception:  # noqa: BLE001 - the connection is in an unknown state: drop it
            self._conn.close()
            return False

    @staticmethod
    def _psycopg_errors() -> type[Exception]:
        import psycopg

        return psycopg.Error

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

    def _failure_from_result(self, result: pq.abc.PGresult, pgconn: pq.abc.PGconn) -> SqlFailure:
        from psycopg import pq

        encoding = self._conn.info.encoding
        secrets = self.target.secrets

        def field(code: pq.DiagnosticField) -> str | None:
            text = _text(result.error_field(code), encoding)
            return redact_text(text, secrets) if text else None

        message = field(pq.DiagnosticField.MESSAGE_PRIMARY)
        if not message:
            message = redact_text(_text(result.error_message, encoding) or "unknown error", secrets).strip()
        position = field(pq.DiagnosticField.STATEMENT_POSITION)
        return SqlFailure(
            message,
            sqlstate=field(pq.DiagnosticField.SQLSTATE),
            detail=field(pq.DiagnosticField.MESSAGE_DETAIL),
            hint=field(pq.DiagnosticField.MESSAGE_HINT),
            position=int(position) if position else None,
            context=field(pq.DiagnosticField.CONTEXT),
            connection_lost=pgconn.status != pq.ConnStatus.OK,
        )

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


def _text(value: bytes | None, encoding: str) -> str | None:
    return None if value is None else value.decode(encoding, "replace")
