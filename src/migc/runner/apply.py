"""Running one migration up or down together with its tracking row.

A transactional migration goes to the server as one simple-query string,
`BEGIN; s1; s2; ...; <tracking row>; COMMIT`: one round trip, and PostgreSQL itself keeps the
migration and its row together (a lost connection before COMMIT rolls both back). A migration
with `concurrently` runs statement by statement in autocommit, then writes its row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from migc.compiled import CompiledMigration
from migc.runner.failure import FailedStatement, MigrationRef, migration_error
from migc.runner.session import Session, SqlFailure
from migc.runner.tracking import AppliedMigration, TrackingTable

_SEPARATOR = "\n;\n"  # a newline first, so a trailing `-- comment` cannot swallow the `;`
# errors after which running the statements again to find the culprit would be pointless or slow
_NO_RELOCATE_CLASSES = ("08", "53", "57")


@dataclass(frozen=True)
class Script:
    """One migration's statements in one direction."""

    ref: MigrationRef
    direction: str  # "up" | "down"
    statements: tuple[str, ...]
    descriptions: tuple[str | None, ...]
    non_transactional: bool


def up_script(migration: CompiledMigration) -> Script:
    file = migration.file
    return Script(
        MigrationRef(file.label, file.shown_path, file.version),
        "up",
        tuple(s.sql for s in migration.up),
        tuple(s.description for s in migration.up),
        migration.non_transactional,
    )


def down_script(applied: AppliedMigration, shown_path: str | None) -> Script:
    statements = applied.down_statements or ()
    return Script(
        MigrationRef(applied.label, shown_path, applied.version),
        "down",
        statements,
        (None,) * len(statements),
        applied.non_transactional,
    )


def apply_up(session: Session, tracking: TrackingTable, migration: CompiledMigration) -> float:
    """Apply a migration and record it; returns the wall time in ms. Raises MigcError on failure."""
    script = up_script(migration)
    if script.non_transactional:
        return _run_one_by_one(session, script, lambda ms: tracking.insert_sql(session, migration, ms))
    return _run_atomically(session, script, tracking.insert_sql(session, migration, None))


def apply_down(session: Session, tracking: TrackingTable, applied: AppliedMigration, shown_path: str | None) -> float:
    """Run the stored down SQL of an applied migration and forget it; returns the wall time in ms."""
    script = down_script(applied, shown_path)
    delete = tracking.delete_sql(applied.version)
    if script.non_transactional:
        return _run_one_by_one(session, script, lambda _ms: delete)
    return _run_atomically(session, script, delete)


def run_statements(session: Session, script: Script) -> float:
    """Run statements with the same error reporting, but no tracking row (scratch databases)."""
    if script.non_transactional:
        return _run_one_by_one(session, script, None)
    return _run_atomically(session, script, None)


def transaction_text(statements: tuple[str, ...], tracking_sql: str | None) -> tuple[str, list[int]]:
    """The one-round-trip query string, and where each statement starts in it."""
    pieces = ["BEGIN;\n"]
    offsets: list[int] = []
    position = len(pieces[0])
    for sql in statements:
        offsets.append(position)
        pieces.append(sql)
        pieces.append(_SEPARATOR)
        position += len(sql) + len(_SEPARATOR)
    if tracking_sql:
        pieces.append(tracking_sql)
        pieces.append(";\n")
    pieces.append("COMMIT")
    return "".join(pieces), offsets


def _run_atomically(session: Session, script: Script, tracking_sql: str | None) -> float:
    text, offsets = transaction_text(script.statements, tracking_sql)
    started = time.perf_counter()
    try:
        session.run(text)
    except SqlFailure as failure:
        session.rollback_if_failed()
        statement = _statement_at(script, offsets, failure.position)
        if statement is None and failure.position is None:
            statement = _relocate(session, script, failure)
        raise migration_error(script.ref, script.direction, failure, statement, transactional=True) from None
    return (time.perf_counter() - started) * 1000


def _run_one_by_one(session: Session, script: Script, tracking_sql: Callable[[float], str] | None) -> float:
    started = time.perf_counter()
    for index, sql in enumerate(script.statements):
        try:
            session.run(sql)
        except SqlFailure as failure:
            session.rollback_if_failed()
            offset = failure.position - 1 if failure.position else None
            statement = _failed(script, index, offset)
            raise migration_error(
                script.ref, script.direction, failure, statement, transactional=False, applied_before=index
            ) from None
    elapsed = (time.perf_counter() - started) * 1000
    if tracking_sql is None:
        return elapsed
    try:
        session.run(tracking_sql(elapsed))
    except SqlFailure as failure:
        raise migration_error(
            script.ref, script.direction, failure, None, transactional=False, applied_before=len(script.statements)
        ) from None
    return (time.perf_counter() - started) * 1000


def _statement_at(script: Script, offsets: list[int], position: int | None) -> FailedStatement | None:
    """Map PostgreSQL's position in the whole query string back to one statement."""
    if position is None:
        return None
    at = position - 1
    for index, start in enumerate(offsets):
        if start <= at <= start + len(script.statements[index]):
            return _failed(script, index, at - start)
    return None


def _relocate(session: Session, script: Script, original: SqlFailure) -> FailedStatement | None:
    """Errors without a position (a unique violation in an UPDATE, say) do not say which statement
    failed: run the statements again one by one inside a transaction that is always rolled back."""
    if len(script.statements) == 1:
        return _failed(script, 0, None)
    if original.connection_lost or (original.sqlstate or "")[:2] in _NO_RELOCATE_CLASSES:
        return None
    try:
        session.run("BEGIN")
        for index, sql in enumerate(script.statements):
            try:
                session.run(sql)
            except SqlFailure:
                return _failed(script, index, None)
        return None
    except SqlFailure:
        return None
    finally:
        if not session.broken:
            try:
                session.run("ROLLBACK")
            except SqlFailure:
                pass


def _failed(script: Script, index: int, offset: int | None) -> FailedStatement:
    return FailedStatement(
        index, len(script.statements), script.statements[index], script.descriptions[index], offset
    )
