"""One PostgreSQL connection: the only module that touches psycopg.

psycopg is imported lazily so that `migc --version` stays fast. Every query goes through libpq-level
calls (psycopg.pq's PGconn). No psycopg exception leaves this module: a connection that cannot be
made becomes `MigcError`; a query PostgreSQL refuses becomes `SqlFailure`, which is not yet a
user-facing error: the caller must turn it into a `MigcError` that says what failed (the runner
names the migration and statement).
"""

from __future__ import annotations

import re
import select
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migc.errors import MigcError
from migc.runner.urls import DatabaseTarget, ambiguous_password, redact_text

if TYPE_CHECKING:
    import psycopg

# libpq's own values (libpq-fe.h, postgres_ext.h), as psycopg.pq has them, without importing it here
CONNECTION_OK = 0
COMMAND_OK, TUPLES_OK, COPY_OUT, COPY_IN, FATAL_ERROR = 1, 2, 3, 4, 7
TRANS_IDLE = 0
DIAG_SQLSTATE, DIAG_MESSAGE_PRIMARY, DIAG_MESSAGE_DETAIL = ord("C"), ord("M"), ord("D")
DIAG_MESSAGE_HINT, DIAG_STATEMENT_POSITION, DIAG_CONTEXT = ord("H"), ord("P"), ord("W")

# every session of migc (runs, catalog snapshots, scratch databases): the SQL migc emits and the
# catalog text it compares mean the same whatever the server's, database's or role's defaults are
SESSION_DEFAULTS = {"TimeZone": "UTC", "standard_conforming_strings": "on"}
CONNECT_TIMEOUT_S = 10
_CONNECT_HINT = "check that the server is running and reachable, and the user name, password and database name"


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
    # where the failing transaction was when it failed: the last step marker it passed (a row whose
    # first column is STEP, its value), and how many statements' results came back after that marker
    # (or since the transaction's first statement, its BEGIN included, when it passed none)
    step: int | None = None
    since_step: int = 0


# the first column of the row that a step marker (`SELECT n AS migc_step`) returns
STEP = "migc_step"
_STEP_KEY = STEP.encode()


class Session:
    """An autocommit connection; transactions are spelt out in the SQL the runner sends. Queries
    go through psycopg's libpq layer (`pgconn`), rows through psycopg's cursors."""

    def __init__(self, conn: psycopg.Connection[Any], target: DatabaseTarget) -> None:
        self._conn = conn
        self.target = target
        self._pg: Any = conn.pgconn
        self._encoding = conn.info.encoding
        self.wrote = False  # something that writes was sent (see connect.make_durable)

    @property
    def server_version(self) -> int:
        return int(self._pg.server_version)

    def run(self, sql: str) -> None:
        """Send `sql` as one simple query: one round trip, however many statements it holds."""
        self._query(sql)

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of the last result of `sql` (which may hold several statements if params is empty)."""
        cursor = self._execute(sql, params)
        last: list[tuple[Any, ...]] = list(cursor.fetchall()) if cursor.description else []
        while cursor.nextset():
            last = list(cursor.fetchall()) if cursor.description else []
        return last

    def unsendable(self, sql: str) -> SqlFailure | None:
        """Why `sql` cannot be sent on this connection (a character its encoding lacks, a NUL), if so."""
        try:
            sql.encode(self._encoding)
        except UnicodeEncodeError as exc:
            return SqlFailure(
                f"character {sql[exc.start]!r} cannot be sent in the connection's encoding ({self._encoding})",
                position=exc.start + 1,
            )
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
        outcome = BatchOutcome()
        sent = False
        bug: Exception | None = None
        try:
            try:
                self._send(sql)
                sent = True
                if meanwhile is not None:
                    try:
                        meanwhile()
                    except Exception as exc:  # noqa: BLE001 - raised once the server is done
                        bug = exc
                self._collect(marker.encode(), outcome)
            except KeyboardInterrupt:
                outcome.interrupted = True
                if not sent:  # half a message on the wire: only closing ends it (none of it ran)
                    self.close()
                elif self._cancel():
                    self._collect(marker.encode(), outcome)  # what committed before the cancel
        except KeyboardInterrupt:  # a second Ctrl-C: the connection is in an unknown state
            self.close()
        except Exception as exc:  # noqa: BLE001 - the connection failed (psycopg's or libpq's error)
            outcome.failure = self._lost(exc)
        if bug is not None:
            raise bug
        return outcome

    def rollback_if_failed(self) -> None:
        """After a failure inside an explicit BEGIN the session is in an aborted transaction."""
        if self.broken:
            return
        if self._pg.transaction_status != TRANS_IDLE:
            try:
                self._query("ROLLBACK")
            except SqlFailure:
                self.close()  # the connection is broken; closing is all that is left

    @property
    def broken(self) -> bool:
        return bool(self._conn.closed or self._conn.broken)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the libpq level

    def _query(self, sql: str) -> None:
        """Send `sql` and wait for all its results; SqlFailure for the first error."""
        try:
            self._send(sql)
            failure: SqlFailure | None = None
            while (result := self._next_result()) is not None:
                status = result.status
                if status == FATAL_ERROR:
                    failure = failure or self._failure_from_result(result)
                elif status in (COPY_IN, COPY_OUT):
                    self._end_copy(result)
        except KeyboardInterrupt:
            if self._cancel():
                while self._next_result() is not None:
                    pass
            raise
        except SqlFailure:
            raise
        except Exception as exc:  # noqa: BLE001 - the connection failed (psycopg's or libpq's error)
            raise self._lost(exc) from None
        if failure is not None:
            raise failure

    def _send(self, sql: str) -> None:
        pg = self._pg
        if self.broken:
            raise OSError("the connection is closed")
        pg.send_query(sql.encode(self._encoding))
        while pg.flush():  # a psycopg connection is non-blocking: send the rest, reading meanwhile
            readable, _, _ = select.select([pg.socket], [pg.socket], [])
            if readable:
                pg.consume_input()

    def _next_result(self) -> Any:
        pg = self._pg
        while pg.is_busy():
            select.select([pg.socket], [], [])
            pg.consume_input()
        return pg.get_result()

    def _collect(self, key: bytes, outcome: BatchOutcome) -> None:
        """Read the results of a batch. Every statement of a simple query string ends in exactly one
        result (a COPY in two: its COPY_* result, then its end), so counting them tells where in its
        transaction a failing statement is, without running anything again."""
        pending: tuple[str | None, ...] | None = None
        step: int | None = None
        since = 0  # results of the current transaction since its start or its last step marker
        while (result := self._next_result()) is not None:
            status = result.status
            if status in (COPY_IN, COPY_OUT):
                self._end_copy(result)
                continue
            since += 1
            if status == FATAL_ERROR:
                outcome.failure = self._failure_from_result(result)
                outcome.step, outcome.since_step = step, since - 1
            elif status == TUPLES_OK:
                if result.nfields and result.ntuples == 1:
                    name = result.fname(0)
                    if name == key:
                        pending = tuple(self._text(result.get_value(0, i)) for i in range(result.nfields))
                    elif name == _STEP_KEY:
                        step, since = int(result.get_value(0, 0)), 0
            elif status == COMMAND_OK:
                if result.command_status == b"COMMIT":
                    if pending is not None:
                        outcome.done.append(pending)
                    step, since = None, 0  # the next transaction starts
                pending = None

    def _end_copy(self, result: Any) -> None:
        """A COPY in the SQL: from STDIN there is nothing to send (the server is told so and fails
        the statement); what COPY TO STDOUT sends is read and dropped."""
        pg = self._pg
        if result.status == COPY_IN:
            pg.put_copy_end(b"COPY FROM STDIN cannot be used in a migration")
            while pg.flush():
                select.select([], [pg.socket], [])
            return
        while (got := pg.get_copy_data(1)[0]) >= 0:
            if got == 0:
                select.select([pg.socket], [], [])
                pg.consume_input()

    def _cancel(self) -> bool:
        """Ask the server to cancel the query running; False if the connection had to be dropped."""
        if self.broken:
            return False
        try:
            self._pg.get_cancel().cancel()
            return True
        except Exception:  # noqa: BLE001 - the connection is in an unknown state: drop it
            self.close()
            return False

    def _text(self, value: bytes | None) -> str | None:
        return None if value is None else value.decode(self._encoding, "replace")

    def _failure_from_result(self, result: Any) -> SqlFailure:
        secrets = self.target.secrets

        def diag(code: int) -> str | None:
            text = self._text(result.error_field(code))
            return redact_text(text, secrets) if text else None

        message = diag(DIAG_MESSAGE_PRIMARY)
        if not message:
            message = redact_text(self._text(result.error_message) or "unknown error", secrets).strip()
        position = diag(DIAG_STATEMENT_POSITION)
        return SqlFailure(
            message,
            sqlstate=diag(DIAG_SQLSTATE),
            detail=diag(DIAG_MESSAGE_DETAIL),
            hint=diag(DIAG_MESSAGE_HINT),
            position=int(position) if position else None,
            context=diag(DIAG_CONTEXT),
            connection_lost=self.broken,
        )

    def _lost(self, exc: Exception) -> SqlFailure:
        """An error from the connection itself rather than from a statement."""
        return self._failure(exc)

    # ---- psycopg's own API, for the rows of a psycopg session

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
    """Open the run's one connection; `settings` (and SESSION_DEFAULTS) become `-c name=value`
    startup options, which take precedence over the database's and the role's own defaults."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if ambiguous_password(target.url):
        raise MigcError(
            f"the password in the database URL {target.shown} (from {target.source}) holds a raw '@', '/' or "
            "blank, which libpq would read as part of the host, port or database name",
            "percent-encode them in the URL: '@' as %40, '/' as %2F, a space as %20 (or give the password in "
            "PGPASSWORD or ~/.pgpass instead)",
        )
    try:
        params = conninfo_to_dict(target.url)
    except psycopg.Error as exc:
        raise _invalid_url(target, str(exc)) from None
    _add_settings(params, settings)
    try:
        conn = psycopg.connect(make_conninfo("", **params), autocommit=True)
    except psycopg.Error as exc:
        raise _cannot_connect(target, str(exc), settings) from None
    return Session(conn, target)


def _add_settings(params: dict[str, Any], settings: dict[str, str] | None) -> None:
    options = str(params.get("options") or "")
    for name, value in {**SESSION_DEFAULTS, **(settings or {})}.items():
        options += f" -c {name}={value}"
    params["options"] = options.strip()
    params.setdefault("application_name", "migc")
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)


def _invalid_url(target: DatabaseTarget, reason: str) -> MigcError:
    return MigcError(
        f"invalid database URL {target.shown} (from {target.source}): {redact_text(reason, target.secrets)}",
        "use the form postgresql://user:password@host:port/dbname",
    )


def _cannot_connect(target: DatabaseTarget, reason: str, settings: dict[str, str] | None = None) -> MigcError:
    text = redact_text(reason.strip(), target.secrets)
    text = text.removeprefix("connection failed: ").replace("\n\t", "\n  ")
    return MigcError(f"cannot connect to the database {target.shown} (from {target.source}):\n  {text}",
                     _connect_hint(text, target, settings or {}))


def _connect_hint(text: str, target: DatabaseTarget, settings: dict[str, str]) -> str:
    """What to do, from libpq's or the server's reason (the same words whatever the server's language
    is not: lc_messages may translate them, and then the general hint remains)."""
    lowered = text.lower()
    parameter = re.search(r'(?:invalid value for parameter|unrecognized configuration parameter) "([^"]+)"', text)
    if parameter is not None:  # a startup option (`-c name=value`) the server refused
        name = parameter[1]
        if name in settings:
            return (f"the server refused the session setting {name} = {settings[name]!r} that migc sends; "
                    "check that setting in the config (lock_timeout, statement_timeout)")
        return f"the server refused the setting {name}: check the `options` of the database URL (from {target.source})"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return "check the user name and password in the database URL (or PGPASSWORD, ~/.pgpass)"
    if re.search(r'database "[^"]*" does not exist', text):
        return "create the database (createdb), or fix its name in the database URL"
    if re.search(r'role "[^"]*" does not exist', text):
        return "create the role, or fix the user name in the database URL"
    if "no pg_hba.conf entry" in lowered:
        return "the server's pg_hba.conf does not let this user connect from here: ask its administrator"
    if any(words in lowered for words in ("connection refused", "could not translate host name", "timeout expired",
                                          "no such file or directory", "could not connect", "network is unreachable")):
        return "check that the server is running and reachable at that host and port"
    return _CONNECT_HINT
