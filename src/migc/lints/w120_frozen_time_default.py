"""W120: a date/time default of the string 'now', 'today', 'tomorrow' or 'yesterday' is read once,
when the statement runs: PostgreSQL stores the constant it means then, and every later row gets that
moment, not its own."""

from __future__ import annotations

from collections.abc import Iterator

from migc import expr as ex
from migc.ir.model import Column
from migc.ir.types import SqlType
from migc.kinds.column import AddColumnOp, SetDefaultOp
from migc.kinds.table import CreateTableOp
from migc.lints import Finding, Lint, lint

_FROZEN = {"now": "now()", "today": "current_date", "tomorrow": "current_date + 1", "yesterday": "current_date - 1"}
_TIME_TYPES = frozenset({"timestamp", "timestamptz", "date", "time", "timetz"})


def _frozen_word(default: ex.Expr) -> tuple[ex.Expr, str] | None:
    """The special word a default's constant is, if it is one ('now', 'now'::timestamptz, timestamptz 'now')."""
    e = default
    while isinstance(e, (ex.Paren, ex.Cast)):
        e = e.inner if isinstance(e, ex.Paren) else e.operand
    text = e.value if isinstance(e, (ex.Literal, ex.TypedLiteral)) and getattr(e, "kind", "string") == "string" \
        else None
    if text is None:
        return None
    word = text.strip().lower()
    return (e, word) if word in _FROZEN else None


def _is_time(t: SqlType) -> bool:
    return not t.array_dims and not t.is_user and t.name in _TIME_TYPES


def _finding(column: Column | str, t: SqlType, default: ex.Expr | None) -> Finding | None:
    if default is None or not _is_time(t):
        return None
    found = _frozen_word(default)
    if found is None:
        return None
    where, word = found
    name = column.name if isinstance(column, Column) else column
    meant = "now()" if word == "now" and t.name != "date" else _FROZEN[word]
    return Finding(where.span, f"default '{word}' of column '{name}' is read once, when the statement runs: every "
                   f"row gets that same {'moment' if word == 'now' else 'day'}", f"use {meant}")


@lint("W120")
def frozen_time_default(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(CreateTableOp, AddColumnOp, SetDefaultOp):
        if isinstance(op, CreateTableOp):
            found = [_finding(c, c.type, c.default) for c in op.table.columns]
        elif isinstance(op, AddColumnOp):
            found = [_finding(op.column, op.column.type, op.column.default)]
        else:
            table = step.before.tables.get(op.table)
            column = table.column(op.column) if table is not None else None
            found = [_finding(column, column.type, op.default)] if column is not None else []
        yield from (f for f in found if f is not None)
