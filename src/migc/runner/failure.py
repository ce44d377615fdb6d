"""A failed migration, told the way a user can act on it."""

from __future__ import annotations

from dataclasses import dataclass

from migc.errors import MigcError
from migc.runner.session import SqlFailure


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


def migration_error(
    ref: MigrationRef,
    direction: str,
    failure: SqlFailure,
    statement: FailedStatement | None,
    *,
    transactional: bool,
    applied_before: int = 0,
) -> MigcError:
    """`migration 0002_x (migrations/0002_x.mig) failed ...`, the statement with a caret, PG's words."""
    verb = "applying" if direction == "up" else "reverting"
    if failure.connection_lost:
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
    lines = [f"{verb} migration {ref.shown} failed; {outcome}"]
    if statement is not None:
        title = f"statement {statement.index + 1} of {statement.count}"
        if statement.description:
            title += f" ({statement.description})"
        lines.append(f"  {title}:")
        lines.extend(_show_statement(statement.sql, statement.offset))
    else:
        lines.append("  (the failing statement could not be determined)")
    lines.extend("  " + line for line in failure.describe().splitlines())
    if direction == "up":
        hint = "fix the migration and run `migc up` again; migrations applied before it stay applied"
    else:
        hint = "the down SQL run is the one stored in the tracking table when the migration was applied"
    if failure.sqlstate == "55P03":
        hint = "another session holds a lock on that object (lock_timeout expired); retry when it is idle"
    elif failure.sqlstate == "57014":
        hint = "the statement ran longer than statement_timeout; raise it in the config if that is expected"
    elif not transactional and "CONCURRENTLY" in (statement.sql.upper() if statement else ""):
        hint = "a failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it, then run again"
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
