"""W105: a new column whose value differs per row (serial, identity, generated, a volatile default) makes
PostgreSQL rewrite the whole existing table under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.column import AddColumnOp
from migc.lints import Finding, Lint, lint
from migc.lower.typecheck import is_volatile


@lint("W105")
def add_column_rewrite(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AddColumnOp):
        if not step.table_existed(op.table):
            continue
        column, table = op.column, op.table.display()
        if column.serial or column.identity:  # every existing row takes a nextval()
            yield Finding(op.type_span, f"new {'serial' if column.serial else 'identity'} column '{column.name}' "
                          f"rewrites '{table}' under an ACCESS EXCLUSIVE lock",
                          "add a nullable bigint column, backfill it in batches, then attach the sequence")
        elif column.generated is not None:  # every existing row gets its value computed and stored
            yield Finding(op.type_span, f"new generated column '{column.name}' rewrites '{table}' under an "
                          "ACCESS EXCLUSIVE lock",
                          "on a large table: add a plain column, backfill it in batches, keep it up to date "
                          "with a trigger")
        elif column.default is not None and is_volatile(column.default):
            yield Finding(column.default.span, f"volatile default on new column '{column.name}' rewrites "
                          f"'{table}' under an ACCESS EXCLUSIVE lock",
                          "add the column without a default, set the default, then backfill in batches")
