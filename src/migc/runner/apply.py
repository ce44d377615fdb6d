"""Running migrations up or down, each together with its tracking row.

A transactional migration is one transaction, `BEGIN; s1; s2; ...; <tracking row>; COMMIT`, and
consecutive ones go to the server several at a time, as one simple-query string: PostgreSQL
commits each at its own COMMIT and stops at the first error, so a failing migration is rolled
back alone, the ones before it stay committed and the ones after it never start (and a connection
lost before a COMMIT rolls that migration back). How many go together adapts to how long they
take, so progress still comes at least every quarter of a second or so, one migration at a time
when they are slow. A migration with `concurrently` runs statement by statement in autocommit,
then writes its row.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NoReturn

from migc.compiled import CompiledMigration
from migc.errors import MigcError
from migc.runner.failure import FailedStatement, LeftBehind, MigrationRef, migration_error
from migc.runner.session import STEP, Session, SqlFailure
from migc.runner.tracking import MARKER, AppliedMigration, TrackingTable, quote_ident, quote_literal

_SEPARATOR = "\n;\n"  # a newline first, so a trailing `-- comment` cannot swallow the `;`
_BETWEEN = ";\n"  # between the transactions of one batch, after each COMMIT
# a batch grows (doubling from one migration) while it takes less than this, and shrinks when a
# batch takes longer, so that progress comes about this often
BATCH_SECONDS = 0.25
MAX_BATCH = 64  # migrations
MAX_BATCH_CHARS = 1 << 20


@dataclass(frozen=True)
class Script:
    """One migration's statements in one direction."""

    ref: MigrationRef
    direction: str  # "up" | "down"
    statements: tuple[str, ...]
    descriptions: tuple[str | None, ...]
    non_transactional: bool
    # (line, column) in the migration's file of the statement each comes from, when known (see
    # SqlStatement.origin); empty when none is
    origins: tuple[tuple[int, int] | None, ...] = ()


@dataclass(frozen=True)
class Step:
    """A migration to run in one direction, and the statement that records it in the tracking
    table (given the duration in ms when the client measured it, None when the server does)."""

    script: Script
    tracking_sql: Callable[[float | None], str] | None = None
    # the migration's shown path, looked up only when an error needs it (down: from the files)
    shown_path: Callable[[], str | None] | None = None

    @property
    def label(self) -> str:
        return self.script.ref.label


class Progress:
    """What run_steps tells as it goes; this one tells nothing."""

    def start(self, step: Step) -> None:
        """The step is about to be sent."""

    def done(self, step: Step, elapsed_ms: float) -> None:
        """The step is applied (committed, with its tracking row)."""

    def flush(self) -> None:
        """A batch is over: show what was told."""


def up_script(migration: CompiledMigration) -> Script:
    file = migration.file
    return Script(
        MigrationRef(file.label, file.shown_path, file.version),
        "up",
        tuple(s.sql for s in migration.up),
        tuple(s.description for s in migration.up),
        migration.non_transactional,
        tuple(s.origin for s in migration.up),
    )


def down_script(applied: AppliedMigration, shown_path: str | None) -> Script:
    assert applied.down_loaded, "read the row with its down SQL (commands.read_down)"
    statements = applied.down_statements or ()
    return Script(
        MigrationRef(applied.label, shown_path, applied.version),
        "down",
        statements,
        (None,) * len(statements),
        applied.non_transactional,
    )


def up_step(tracking: TrackingTable, migration: CompiledMigration) -> Step:
    return Step(up_script(migration), lambda ms: tracking.insert_sql(migration, ms))


def down_step(tracking: TrackingTable, applied: AppliedMigration, shown_path: Callable[[], str | None]) -> Step:
    version = applied.version
    return Step(down_script(applied, None), lambda _ms: tracking.delete_sql(version), shown_path)


def apply_up(session: Session, tracking: TrackingTable, migration: CompiledMigration) -> float:
    """Apply a migration and record it; returns the wall time in ms. Raises MigcError on failure."""
    started = time.perf_counter()
    run_steps(session, [up_step(tracking, migration)], Progress())
    return (time.perf_counter() - started) * 1000


def apply_down(session: Session, tracking: TrackingTable, applied: AppliedMigration, shown_path: str | None) -> float:
    """Run the stored down SQL of an applied migration and forget it; returns the wall time in ms."""
    started = time.perf_counter()
    run_steps(session, [down_step(tracking, applied, lambda: shown_path)], Progress())
    return (time.perf_counter() - started) * 1000


def run_statements(session: Session, script: Script) -> float:
    """Run statements with the same error reporting, but no tracking row (scratch databases)."""
    started = time.perf_counter()
    run_steps(session, [Step(script)], Progress())
    return (time.perf_counter() - started) * 1000


def run_steps(session: Session, steps: Sequence[Step], progress: Progress) -> None:
    """Run the steps in order: transactional ones in batches, the others one by one. Raises
    MigcError for the first that fails, after reporting the ones done before it."""
    session.wrote = True
    try:
        _run_steps(session, steps, progress)
    finally:
        progress.flush()  # the lines of what was done come out before any error message


def _run_steps(session: Session, steps: Sequence[Step], progress: Progress) -> None:
    units: dict[int, _Unit] = {}  # transactions built ahead, while the server ran the last batch
    size = 1
    i = 0
    while i < len(steps):
        if steps[i].script.non_transactional:
            progress.start(steps[i])
            progress.done(steps[i], _run_one_by_one(session, steps[i]))
            progress.flush()
            i += 1
            continue
        batch: list[_Unit] = []
        chars = 0
        while i + len(batch) < len(steps) and len(batch) < size:
            index = i + len(batch)
            if steps[index].script.non_transactional:
                break
            unit = units.pop(index, None) or _Unit.build(session, steps[index])
            if batch and (unit.error is not None or chars + len(unit.text) > MAX_BATCH_CHARS):
                units[index] = unit
                break
            batch.append(unit)
            chars += len(unit.text) + len(_BETWEEN)
        following = i + len(batch)

        def build_ahead() -> None:
            for index in range(following, min(following + min(2 * size, MAX_BATCH), len(steps))):
                if steps[index].script.non_transactional:
                    break
                if index not in units:
                    units[index] = _Unit.build(session, steps[index])

        for unit in batch:
            progress.start(unit.step)
        started = time.perf_counter()
        _run_batch(session, batch, progress, build_ahead)
        elapsed = time.perf_counter() - started
        progress.flush()
        i = following
        if elapsed < BATCH_SECONDS:
            size = min(MAX_BATCH, 2 * size)
        else:
            size = max(1, int(size * BATCH_SECONDS / elapsed))


@dataclass
class _Unit:
    """One migration's transaction as text, where each of its statements starts in it, and which
    statements a step marker follows (see transaction_text)."""

    step: Step
    text: str
    offsets: list[int]
    marked: list[bool]
    error: SqlFailure | None = None  # the text cannot be sent (encoding, NUL)

    @staticmethod
    def build(session: Session, step: Step) -> _Unit:
        tracking = step.tracking_sql(None) if step.tracking_sql else None
        text, offsets, marked = transaction_text(step.script.statements, tracking)
        return _Unit(step, text, offsets, marked, session.unsendable(text))


def transaction_text(statements: tuple[str, ...], tracking_sql: str | None) -> tuple[str, list[int], list[bool]]:
    """One migration's transaction as a query string, where each statement starts in it, and
    which statements are followed by a step marker.

    Each statement of the string ends in one result, so counting the results tells which statement
    failed (Session._collect). A statement that may end in more than one (several statements in one
    piece of raw `sql`) or none (only a comment) is followed by a marker, `SELECT i AS migc_step`,
    whose row says that statement i is over; the generated statements need none.
    """
    pieces = ["BEGIN;\n"]
    offsets: list[int] = []
    marked: list[bool] = []
    position = len(pieces[0])
    for index, sql in enumerate(statements):
        offsets.append(position)
        pieces.append(sql)
        pieces.append(_SEPARATOR)
        position += len(sql) + len(_SEPARATOR)
        mark = ";" in sql or "--" in sql or "/*" in sql or not sql.strip()
        marked.append(mark)
        if mark:
            marker = f"SELECT {index} AS {STEP}{_SEPARATOR}"
            pieces.append(marker)
            position += len(marker)
    if tracking_sql:
        pieces.append(tracking_sql)
        pieces.append(";\n")
    pieces.append("COMMIT")
    return "".join(pieces), offsets, marked


def _run_batch(session: Session, batch: list[_Unit], progress: Progress, meanwhile: Callable[[], None]) -> None:
    if batch[0].error is not None:
        _fail(session, batch[0], batch[0].error)
    outcome = session.run_batch(_BETWEEN.join(unit.text for unit in batch), MARKER, meanwhile)
    # (version, ms) of each migration whose COMMIT came back
    durations = {row[0]: float(row[1] or 0) for row in outcome.done if len(row) > 1}
    whole = outcome.failure is None and not outcome.interrupted  # the string ran: every transaction committed
    failed: _Unit | None = None
    start = 0  # where the failed migration's transaction starts in the string
    for unit in batch:
        key = str(unit.step.script.ref.version)
        if not whole and (unit.step.tracking_sql is None or key not in durations):
            failed = unit  # the first that did not commit failed (or was cancelled); none after it started
            break
        progress.done(unit.step, durations.get(key, 0.0))
        start += len(unit.text) + len(_BETWEEN)
    if outcome.interrupted:
        progress.flush()
        session.rollback_if_failed()
        raise KeyboardInterrupt
    failure = outcome.failure
    if failure is None:
        return
    if failed is None:  # cannot happen: an error comes from some migration's transaction
        raise MigcError(f"the server reported an error after the migrations had committed: {failure.describe()}",
                        "run `migc status` to see where it stands")
    if failure.position is not None:
        failure.position -= start  # relative to the failed migration's own transaction
    _fail(session, failed, failure, _failing_index(failed, outcome.step, outcome.since_step))


def _failing_index(unit: _Unit, step: int | None, since: int) -> int:
    """Which statement of the unit failed, from the results that came back before the failure
    (see transaction_text): an index among its statements; len(statements) for its tracking
    statement, one more for its COMMIT (a deferred constraint)."""
    count = len(unit.marked)
    index, results = (0, since - 1) if step is None else (step + 1, since)  # (BEGIN has a result too)
    while index < count:
        if unit.marked[index] or results <= 0:
            return index  # (a marked statement whose marker did not come back failed itself)
        results -= 1
        index += 1
    if unit.step.tracking_sql is None:
        return count + 1  # no tracking statement: the next result was COMMIT's
    return count + min(results, 1)


def _fail(session: Session, unit: _Unit, failure: SqlFailure, index: int | None = None) -> NoReturn:
    """Report a failed migration (the error position relative to its own transaction's text)."""
    session.rollback_if_failed()
    script = unit.step.script
    if unit.step.shown_path is not None:
        script = replace(script, ref=replace(script.ref, file=unit.step.shown_path()))
    statement = _statement_at(script, unit.offsets, failure.position)
    stage = None
    if statement is None and index is not None:
        if index < len(script.statements):
            statement = _failed(script, index, None)
        else:
            stage = "tracking" if index == len(script.statements) else "commit"
    raise migration_error(script.ref, script.direction, failure, statement, transactional=True,
                          stage=stage) from None


def _run_one_by_one(session: Session, step: Step) -> float:
    script = step.script
    if step.shown_path is not None:
        script = replace(script, ref=replace(script.ref, file=step.shown_path()))
    started = time.perf_counter()
    for index, sql in enumerate(script.statements):
        try:
            session.run(sql)
        except SqlFailure as failure:
            session.rollback_if_failed()
            offset = failure.position - 1 if failure.position else None
            statement = _failed(script, index, offset)
            left = _invalid_index_left(session, sql, failure)
            raise migration_error(
                script.ref, script.direction, failure, statement, transactional=False, applied_before=index,
                left=left,
            ) from None
    elapsed = (time.perf_counter() - started) * 1000
    if step.tracking_sql is None:
        return elapsed
    try:
        session.run(step.tracking_sql(elapsed))
    except SqlFailure as failure:
        raise migration_error(
            script.ref, script.direction, failure, None, transactional=False, applied_before=len(script.statements),
            stage="tracking",
        ) from None
    return (time.perf_counter() - started) * 1000


_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CREATE_INDEX_CONCURRENTLY = re.compile(
    rf"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_NAME})\s+"
    rf"ON\s+(?:ONLY\s+)?(?P<table>{_NAME}(?:\s*\.\s*{_NAME})?)", re.IGNORECASE)


def _invalid_index_left(session: Session, sql: str, failure: SqlFailure) -> LeftBehind | None:
    """A failed CREATE INDEX CONCURRENTLY leaves its index behind, INVALID, and running it again
    would fail on the name (42P07). Drop it at once (DROP INDEX CONCURRENTLY), so the failed
    migration leaves nothing of that statement, but only when it is exactly that index: the name
    the statement gives, on its table, INVALID (pg_index.indisvalid), and the statement did not fail
    because the name was taken (then it made nothing). None when the statement is not a named
    CREATE INDEX CONCURRENTLY or left nothing. When the name was taken by an INVALID index already
    (an earlier failed build), that one is named, not dropped."""
    match = _CREATE_INDEX_CONCURRENTLY.match(sql)
    if match is None:
        return None
    earlier = failure.sqlstate == "42P07"  # the name was taken: this statement made nothing
    name = match["name"]
    name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
    if session.broken:
        return LeftBehind(quote_ident(name), dropped=False, why="the connection is gone")
    try:
        found = session.rows(
            "SELECT n.nspname::text, c.relname::text, i.indisvalid FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE i.indrelid = to_regclass({quote_literal(match['table'])}) AND c.relname = {quote_literal(name)}"
        )
    except SqlFailure:
        return None
    if not found or found[0][2]:
        return None  # no index, or a valid one: not this statement's leftover
    qualified = f"{quote_ident(found[0][0])}.{quote_ident(found[0][1])}"
    if earlier:  # an INVALID index of that name was there before: left alone, but named
        return LeftBehind(qualified, dropped=False, earlier=True)
    try:
        session.run(f"DROP INDEX CONCURRENTLY IF EXISTS {qualified}")
    except SqlFailure as drop_failure:
        session.rollback_if_failed()
        return LeftBehind(qualified, dropped=False, why=drop_failure.message)
    return LeftBehind(qualified, dropped=True)


def _statement_at(script: Script, offsets: list[int], position: int | None) -> FailedStatement | None:
    """Map PostgreSQL's position in the migration's query string back to one statement."""
    if position is None:
        return None
    at = position - 1
    for index, start in enumerate(offsets):
        if start <= at <= start + len(script.statements[index]):
            return _failed(script, index, at - start)
    return None


def _failed(script: Script, index: int, offset: int | None) -> FailedStatement:
    origin = script.origins[index] if index < len(script.origins) else None
    return FailedStatement(
        index, len(script.statements), script.statements[index], script.descriptions[index], offset, origin
    )
