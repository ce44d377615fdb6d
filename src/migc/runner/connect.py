"""Choosing the database, opening the run's connection, and holding the migration lock."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from migc.errors import MigcError
from migc.project import DURATION_HINT, ProjectConfig, duration_ms, shown_path
from migc.runner.failure import database_error
from migc.runner.session import Session, SqlFailure, connect
from migc.runner.tracking import TrackingTable
from migc.runner.urls import DatabaseTarget, configured_target

# how often a backend checks, during a long statement, that its client is still there: a killed
# runner's migration is then rolled back (and its lock freed) within a second, not when it ends
CLIENT_CHECK_INTERVAL = "1s"


def resolve_target(config: ProjectConfig, cli_url: str | None, announce: Callable[[str], None],
                   cli_source: str = "--database-url") -> DatabaseTarget:
    """`--database-url` (or a command's URL argument: `cli_source` names it in messages),
    DATABASE_URL, the config's database_url, else the embedded server."""
    config_file = shown_path(config.config_file) if config.config_file else None
    target = configured_target(cli_url, config.database_url, config_file, cli_source)
    if target is not None:
        from migc.runner.embedded import join_by_url

        join_by_url(target.url)  # if it is an embedded server, it is not stopped under this run
        return target
    from migc.runner.embedded import embedded_url

    url = embedded_url(config.state_dir, announce)
    announce(f"using the embedded PostgreSQL in {shown_path(config.state_dir)} (no database URL given)")
    return DatabaseTarget(url, "embedded")


def tracking_table(config: ProjectConfig) -> TrackingTable:
    return TrackingTable(config.tracking_schema, config.tracking_table)


def session_settings(config: ProjectConfig) -> dict[str, str]:
    """The config's timeouts as startup options, in whole ms (load_config checked them already; a
    ProjectConfig made otherwise is checked here, before connecting)."""
    settings = {}
    for key, value in (("lock_timeout", config.lock_timeout), ("statement_timeout", config.statement_timeout)):
        ms = duration_ms(value)
        if ms is None:
            where = shown_path(config.config_file) if config.config_file else "the configuration"
            raise MigcError(f"{where}: setting '{key}' = {value!r} is not a duration PostgreSQL takes",
                            f"use {DURATION_HINT}")
        settings[key] = f"{ms}ms"
    return settings


@contextmanager
def migration_session(
    config: ProjectConfig, target: DatabaseTarget, *, lock_timeout_s: float | None
) -> Iterator[Session]:
    """The run's one connection; with `lock_timeout_s`, holding the advisory lock until it closes."""
    writes = lock_timeout_s is not None
    if lock_timeout_s is not None:
        lock_wait_ms(lock_timeout_s)  # a bad value fails before connecting
    settings = session_settings(config)
    if writes:
        settings["synchronous_commit"] = "off"  # made up for by make_durable() before the run ends
    # up and down connect without psycopg when they can: its import is most of their start-up
    session = connect(target, settings=settings)
    try:
        if session.server_version >= 140000:
            session.run(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
        if lock_timeout_s is not None:
            acquire_lock(session, tracking_table(config), lock_timeout_s)
        try:
            yield session
        except SqlFailure as failure:  # a query of migc's own that nothing more specific explained
            error = explain(session, failure, "running migc's queries", tracking_table(config))
            if writes and session.wrote and not session.broken:
                with suppress(MigcError):
                    make_durable(session)
            raise error from None
        except BaseException:
            if writes and session.wrote and not session.broken:
                with suppress(MigcError):  # the error in flight says more than this one would
                    make_durable(session)
            raise
        if writes and session.wrote and not session.broken:
            make_durable(session)
    finally:
        session.close()  # ends the session, which releases the advisory lock


def make_durable(session: Session) -> None:
    """Flush every commit of the run to disk (and to synchronous standbys); only after the run
    sent something that writes (`session.wrote`): a run that found nothing to do has nothing to flush.

    The run's migrations commit with synchronous_commit off: each one is still atomic with its
    tracking row, it just does not wait for its own WAL flush (about a tenth of the run's time on
    a long history). One synchronous commit at the end flushes the WAL up to it, so all earlier
    commits are durable before migc reports the run done. A server crash during the run can lose
    the last migrations together with their tracking rows; the next `migc up` applies them again.
    """
    session.rollback_if_failed()
    try:
        session.run("SET synchronous_commit = on; BEGIN; SELECT txid_current(); COMMIT")
    except SqlFailure as failure:
        raise MigcError(f"could not make the run's changes durable: {failure.describe()}",
                        "run `migc status` to see what is applied") from None


# PostgreSQL's lock_timeout is an int of milliseconds
MAX_LOCK_WAIT_S = 2_147_483


def lock_wait_ms(seconds: float) -> int:
    """--lock-timeout in whole milliseconds: 0 means do not wait; anything else is rounded up to at
    least 1 ms (PostgreSQL's `lock_timeout = 0` would mean wait forever). MigcError unless a finite
    number from 0 to MAX_LOCK_WAIT_S."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and 0 <= seconds <= MAX_LOCK_WAIT_S):
        raise MigcError(
            f"--lock-timeout {seconds!r} is not a number of seconds migc can wait",
            f"give a finite number of seconds from 0 (do not wait) to {MAX_LOCK_WAIT_S}, e.g. --lock-timeout 60",
        )
    return 0 if seconds == 0 else max(1, math.ceil(seconds * 1000))


def acquire_lock(session: Session, tracking: TrackingTable, timeout_s: float) -> None:
    """Wait up to `timeout_s` for the session advisory lock of this tracking table (0: do not wait)."""
    key = tracking.lock_key
    wait_ms = lock_wait_ms(timeout_s)
    try:
        if wait_ms == 0:
            got = session.rows(f"SELECT pg_try_advisory_lock({key})")[0][0]
        else:
            # lock_timeout bounds the wait on the advisory lock too; the session's own values
            # (from the connection's startup options) come back with RESET
            session.run(
                f"SET lock_timeout = '{wait_ms}ms'; SET statement_timeout = 0; "
                f"SELECT pg_advisory_lock({key}); RESET lock_timeout; RESET statement_timeout"
            )
            got = True
    except SqlFailure as failure:
        if failure.sqlstate != "55P03":
            raise explain(session, failure, "taking the migration lock (an advisory lock)") from None
        got = False
    if not got:
        waited = "is held by" if wait_ms == 0 else f"has been held for more than {timeout_s:g} s by"
        raise MigcError(
            f"the migration lock of {session.target.shown} {waited} another migc run",
            "wait for it to finish, or raise --lock-timeout",
        )


@contextmanager
def explained(session: Session, doing: str, tracking: TrackingTable | None = None) -> Iterator[None]:
    """SqlFailure of a query of migc's own (not a migration's) -> a MigcError that says what failed
    while `doing` what, on which database, and what to do."""
    try:
        yield
    except SqlFailure as failure:
        raise explain(session, failure, doing, tracking) from None


@contextmanager
def sql_errors(where: str, doing: str) -> Iterator[None]:
    """As `explained`, for code that holds no session of its own (verify, diff)."""
    try:
        yield
    except SqlFailure as failure:
        raise database_error(failure, where, doing) from None


def explain(session: Session, failure: SqlFailure, doing: str, tracking: TrackingTable | None = None) -> MigcError:
    read_only = holders = role = None
    if not session.broken:
        session.rollback_if_failed()
        with suppress(SqlFailure):
            if failure.sqlstate == "25006":
                read_only = read_only_reason(session)
            elif failure.sqlstate == "55P03" and tracking is not None:
                holders = lock_holders(session, tracking)
            elif failure.sqlstate == "42501":
                role = str(session.rows("SELECT current_user")[0][0])
    return database_error(failure, session.target.shown, doing, tracking=tracking, read_only=read_only,
                          holders=holders, role=role)


def read_only_reason(session: Session) -> str:
    standby, default_ro = session.rows(
        "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')::bool")[0]
    if standby:
        return "it is a hot standby (a server in recovery takes no writes)"
    if default_ro:
        return "default_transaction_read_only is on (for the database, the role or the server)"
    return "the transaction is read-only"


def lock_holders(session: Session, tracking: TrackingTable) -> str | None:
    """`pid 123 (psql, idle in transaction)` for each other session holding a lock on the tracking table."""
    from migc.runner.tracking import quote_literal

    found = session.rows(
        "SELECT l.pid, coalesce(nullif(a.application_name, ''), a.usename::text, '?'), coalesce(a.state, '?') "
        "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
        f"WHERE l.relation = to_regclass({quote_literal(tracking.qualified)}) AND l.granted "
        "AND l.pid <> pg_backend_pid() ORDER BY l.pid"
    )
    return ", ".join(f"pid {pid} ({app}, {state})" for pid, app, state in dict.fromkeys(found)) or None
