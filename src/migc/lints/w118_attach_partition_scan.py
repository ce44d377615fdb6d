"""W118: `attach partition` of an existing table scans all of it, under a lock that blocks its
writes, to prove every row fits the bound, unless a valid check constraint already implies the
bound (PostgreSQL then skips the scan)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc import expr as ex
from migc.ir.model import Constraint, PartitionBound, Table
from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.partition import AttachPartitionOp


def _conjuncts(e: ex.Expr) -> Iterator[ex.Expr]:
    while isinstance(e, ex.Paren):
        e = e.inner
    if isinstance(e, ex.Binary) and e.op == "and":
        yield from _conjuncts(e.left)
        yield from _conjuncts(e.right)
    else:
        yield e


def _is(e: ex.Expr, column: str, op: str, value: ex.Expr) -> bool:
    return isinstance(e, ex.Binary) and e.op == op and isinstance(e.left, ex.ColumnRef) \
        and e.left.name.value == column and e.right.sql() == value.sql()


def implied_by(check: Constraint, column: str, bound: PartitionBound) -> bool:
    """Does this (valid) check state the bound of a one-column key, the way PostgreSQL recognises?"""
    if check.check is None or not check.validated:
        return False
    parts = list(_conjuncts(check.check))
    if bound.kind == "range":
        (low,), (high,) = bound.values[0][:1], bound.values[1][:1]
        low_ok = isinstance(low, ex.ValueKeyword) or any(_is(p, column, ">=", low) for p in parts)
        high_ok = isinstance(high, ex.ValueKeyword) or any(_is(p, column, "<", high) for p in parts)
        return low_ok and high_ok
    if bound.kind == "list":
        items = {i.sql() for i in bound.values[0]}
        for p in parts:
            if isinstance(p, ex.InList) and not p.negated and isinstance(p.operand, ex.ColumnRef) \
                    and p.operand.name.value == column and {i.sql() for i in p.items} <= items:
                return True
            if len(items) == 1 and _is(p, column, "=", bound.values[0][0]):
                return True
    return False


def suggested(table: Table, column: str, bound: PartitionBound) -> str | None:
    if bound.kind == "range":
        low, high = bound.values[0][0], bound.values[1][0]
        terms = [f"{column} >= {low.sql()}" if not isinstance(low, ex.ValueKeyword) else "",
                 f"{column} < {high.sql()}" if not isinstance(high, ex.ValueKeyword) else ""]
        return " and ".join(t for t in terms if t) or None
    if bound.kind == "list":
        return f"{column} in ({', '.join(i.sql() for i in bound.values[0])})"
    return None


@lint("W118")
def attach_partition_scan(m: Lint) -> Iterator[Finding]:
    attach_partition: type[AttachPartitionOp] = op_class("partition", "AttachPartitionOp")
    for op, step in m.each(attach_partition):
        if not step.table_existed(op.table) or op.bound.kind == "default":
            continue
        parent = step.before.tables.get(op.parent)
        table = step.before.tables.get(op.table)
        if parent is None or table is None or parent.partition_by is None:
            continue
        key = parent.partition_by
        column = key.elements[0].expr.name.value if len(key.elements) == 1 and \
            isinstance(key.elements[0].expr, ex.ColumnRef) else None
        if column is not None and any(implied_by(c, column, op.bound) for c in table.constraints if c.kind == "check"):
            continue
        expression = suggested(table, column, op.bound) if column is not None else None
        name = table.name.display()
        hint = (f"first, in a migration of its own: alter table {name} add constraint {table.name.name}_bound check "
                f"({expression}) not valid; then validate it (no write lock); PostgreSQL then skips the scan "
                "(drop the check after the attach)") if expression else \
            "on a large table, attach it while it is still small, or accept the scan"
        yield Finding(op.span, f"attaching '{name}' scans all of it under an ACCESS EXCLUSIVE lock to check that "
                      "every row fits the partition bound", hint)
