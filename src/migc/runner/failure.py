"""A failed migration, or a failed query of migc's own, told the way a user can act on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from migc.errors import MigcError
from migc.quoting import ident
from migc.runner.session import SqlFailure

if TYPE_CHECKING:
    from migc.runner.tracking import TrackingTable


@dataclass(frozen=True)
class MigrationRef:
    """Which migration, as the user knows it."""

    label: str  # 0007_add_index
    file: str | None  # shown path, None when the file is gone (down of a deleted migration)
    version: int

    @property
    def shown(self) -> str:
        return f"{self.label} ({self.file or 'file no longer present'})"


@dataclass(frozen=True)
class FailedStatement:
    index: int  # 0-based, among the migration's statements
    count: int
    sql: str
    description: str | None
    offset: int | None  # 0-based character offset of PostgreSQL's error position inside `sql`
    origin: tuple[int, int] | None = None  # (line, column) in the .mig file of what produced it


@dataclass(frozen=True)
class LeftBehind:
    """The INVALID index a failed CREATE INDEX CONCURRENTLY left, and whether the runner dropped it."""

    index: str  # as SQL: "public"."a_x_key"
    dropped: bool
    why: str | None = None  # why it was not dropped (the connection is gone, the DROP failed)
    earlier: bool = False  # it was there before the statement ran (which failed on its name)


def migration_error(
    ref: MigrationRef,
    direction: str,
    failure: SqlFailure,
    statement: FailedStatement | None,
    *,
    transactional: bool,
    applied_before: int = 0,
    stage: str | None = None,
    left: LeftBehind | None = None,
) -> MigcError:
    """`migration 0002_x (migrations/0002_x.mig) failed ...`, the statement with a caret, PG's words."""
    verb = "applying" if direction == "up" else "reverting"
    if lost_connection(failure):
        outcome = "the connection to the database was lost; run `migc status` to see where it stands"
    elif transactional:
        outcome = "it was rolled back: the database and the tracking table are as before it"
    elif applied_before:
        outcome = (
            f"it ran outside a transaction: the {applied_before} statement(s) before the failing one stay done, "
            "the tracking table does not list it"
        )
    else:
        outcome = "it ran outside a transaction; nothing of it was done and the tracking table does not list it"
    if left is not None and left.dropped:
        outcome += (f"; the INVALID index {left.index} that the failed CREATE INDEX CONCURRENTLY left behind "
                    "was dropped (DROP INDEX CONCURRENTLY)")
    elif left is not None and left.earlier:
        outcome += (f"; the name is taken by the INVALID index {left.index}, left by an earlier build that failed "
                    "(migc drops only what the statement it just ran left)")
    elif left is not None:
        outcome += (f"; the failed CREATE INDEX CONCURRENTLY may have left the INVALID index {left.index} behind "
                    f"(migc could not drop it: {left.why})")
    lines = [f"{verb} migration {ref.shown} failed; {outcome}"]
    if statement is not None:
        title = f"statement {statement.index + 1} of {statement.count}"
        if statement.description:
            title += f" ({statement.description})"
        if statement.origin is not None and ref.file:
            title += f", from {ref.file}:{statement.origin[0]}:{statement.origin[1]}"
        lines.append(f"  {title}:")
        lines.extend(_show_statement(statement.sql, statement.offset))
    elif stage == "tracking":
        lines.append("  (its statements ran; writing its row in the tracking table failed)")
    elif stage == "commit":
        lines.append("  (its statements ran; its COMMIT failed: a deferred constraint or trigger)")
    else:
        lines.append("  (the failing statement could not be determined)")
    lines.extend("  " + line for line in failure.describe().splitlines())
    hint = failure_hint(failure)  # the server's or the connection's trouble, not the migration's
    if hint is None and direction == "up":
        hint = "fix the migration and run `migc up` again; migrations applied before it stay applied"
    elif hint is None:
        hint = ("fix what stops it in the database (the down SQL run is the one stored in the tracking table "
                "when the migration was applied) and run `migc down` again")
    if left is not None and left.earlier:
        hint = f"drop it, then run `migc {direction}` again: DROP INDEX CONCURRENTLY IF EXISTS {left.index}"
    elif left is not None and not left.dropped:
        hint = (f"drop it before running `migc {direction}` again: DROP INDEX CONCURRENTLY IF EXISTS {left.index}; "
                f"then: {hint}")
    return MigcError("\n".join(lines), hint)


def _show_statement(sql: str, offset: int | None) -> list[str]:
    """The statement indented; with a caret under PostgreSQL's error position when there is one."""
    sql_lines = sql.splitlines() or [sql]
    if offset is None or not 0 <= offset <= len(sql):
        shown = sql_lines[:12]
        out = [f"    {line}" for line in shown]
        if len(sql_lines) > len(shown):
            out.append(f"    ... ({len(sql_lines) - len(shown)} more lines)")
        return out
    before = sql[:offset]
    line_no = before.count("\n")
    col = offset - (before.rfind("\n") + 1)
    first = max(0, line_no - 5)
    out = [f"    {line}" for line in sql_lines[first : line_no + 1]]
    out.append("    " + " " * col + f"^ (line {line_no + 1}, column {col + 1} of the statement)")
    return out


# SQLSTATE classes of failures that are the server's or the connection's, not the SQL's
_CONNECTION_CLASSES = ("08",)
_SERVER_GONE = ("57P01", "57P02", "57P03")  # admin shutdown, crash shutdown, cannot connect now
_SERVER_TROUBLE = ("53", "58", "XX")  # out of disk/memory/connections, I/O error, internal error

LOST_HINT = "check that the server is running and reachable, then run `migc status` to see what is applied"
SERVER_HINT = ("the server could not carry it out (disk, memory, I/O); see the server's log, "
               "then run `migc status` to see what is applied and try again")


def lost_connection(failure: SqlFailure) -> bool:
    code = failure.sqlstate or ""
    return failure.connection_lost or code[:2] in _CONNECTION_CLASSES or code in _SERVER_GONE


def server_trouble(failure: SqlFailure) -> bool:
    return (failure.sqlstate or "")[:2] in _SERVER_TROUBLE


def failure_hint(failure: SqlFailure) -> str | None:
    """A hint that fits the failure when it is not the SQL's fault (None: it is the SQL's)."""
    code = failure.sqlstate or ""
    if lost_connection(failure):
        return LOST_HINT
    if code == "55P03":
        return ("another session holds a lock on that object (lock_timeout expired): retry when it is idle, "
                "or find it in pg_locks / pg_stat_activity")
    if code == "57014":
        return "the statement ran longer than statement_timeout (or was cancelled); raise it in the config if that is expected"
    if code == "25006":
        return READ_ONLY_HINT
    if code in ("40001", "40P01"):
        return "a serialization failure or deadlock with another session: run it again"
    if server_trouble(failure):
        return SERVER_HINT
    return None


READ_ONLY_HINT = ("run migc against a writable database (the primary, not a standby); a database that should "
                  "take writes needs `ALTER DATABASE ... SET default_transaction_read_only = off`")


def database_error(
    failure: SqlFailure, where: str, doing: str, *, tracking: TrackingTable | None = None,
    read_only: str | None = None, holders: str | None = None, role: str | None = None,
) -> MigcError:
    """A query of migc's own (not a migration's) failed while `doing` (`reading the tracking table
    ...`) on the database `where`. `read_only` says why the database is read-only when it is
    (SQLSTATE 25006); `holders`, who holds the lock it waited for (55P03)."""
    code = failure.sqlstate or ""
    text = "\n".join("  " + line for line in failure.describe().splitlines())
    if lost_connection(failure):
        return MigcError(f"the connection to the database {where} was lost while {doing}:\n{text}", LOST_HINT)
    if code == "25006":
        why = read_only or "the database is read-only"
        return MigcError(f"cannot write to the database {where} while {doing}: {why}\n{text}", READ_ONLY_HINT)
    if code == "55P03":
        who = f" (held by {holders})" if holders else ""
        return MigcError(
            f"gave up {doing} on {where}: another session holds a lock on it{who} and lock_timeout expired\n{text}",
            "wait for that session to finish (or end it: SELECT pg_terminate_backend(pid)), then run migc again; "
            "the wait is bounded by lock_timeout in the config",
        )
    if code == "42501":
        return MigcError(f"permission denied while {doing} on {where}:\n{text}",
                         _permission_hint(failure, tracking, role))
    if code in ("42703", "42804", "42883", "42P01") and tracking:
        return MigcError(
            f"the tracking table {tracking.qualified} on {where} does not have the shape migc expects ({doing}):\n{text}",
            "it is not a migc tracking table (or was changed by hand): point tracking_schema / tracking_table in "
            "the config at another name, or rename that table",
        )
    hint = failure_hint(failure) or "check the database's state and the role's privileges, then run migc again"
    return MigcError(f"PostgreSQL refused a query of migc's while {doing} on {where}:\n{text}", hint)


def _permission_hint(failure: SqlFailure, tracking: TrackingTable | None, role: str | None) -> str:
    message = failure.message
    who = ident(role) if role else "<role>"
    if "for schema" in message:
        schema = ident(tracking.schema) if tracking else "<schema>"
        return (f"the role may not create objects in that schema (PostgreSQL 15+ no longer lets every role "
                f"create in schema public): GRANT CREATE ON SCHEMA {schema} TO {who}; or set tracking_schema "
                "in the config to a schema the role may create in")
    if "for database" in message:
        return (f"the role may not create a schema in this database: create the tracking schema beforehand "
                f"(CREATE SCHEMA ... AUTHORIZATION {who}), or GRANT CREATE ON DATABASE ... TO {who}")
    if tracking and "for table" in message:
        return (f"the role needs SELECT, INSERT and DELETE on the tracking table: GRANT SELECT, INSERT, DELETE "
                f"ON {tracking.qualified} TO {who}; or run migc as the role that owns it")
    return f"run migc as a role with the privileges it needs (such as the owner of the schema), or grant them to {who}"
