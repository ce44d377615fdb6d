"""W102: `set not null` on an existing table scans every row under an ACCESS EXCLUSIVE lock, unless a
validated `check (col is not null)` already proves it (PostgreSQL 12+ then skips the scan)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.expr import ColumnRef, IsNull, Paren
from migc.ir.model import Table
from migc.kinds.column import SetNotNullOp
from migc.lints import Finding, Lint, lint


def proven_not_null(table: Table, column: str) -> bool:
    for c in table.constraints:
        expr = c.check
        while isinstance(expr, Paren):
            expr = expr.inner
        if c.validated and isinstance(expr, IsNull) and expr.negated and \
                isinstance(expr.operand, ColumnRef) and expr.operand.name.value == column:
            return True
    return False


@lint("W102")
def set_not_null_scan(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(SetNotNullOp):
        if not op.changed or op.for_key or not step.table_existed(op.table):  # a key: W110 says it
            continue
        if proven_not_null(step.before.tables[op.table], op.column):
            continue
        yield Finding(op.span, f"set not null on '{op.column}' scans '{op.table.display()}' under an "
                      "ACCESS EXCLUSIVE lock",
                      f"add check ({op.column} is not null) not valid, validate constraint, then set not null")
