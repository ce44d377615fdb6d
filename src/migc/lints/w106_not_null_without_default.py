"""W106: a `not null` column without a default, added to an existing table, fails once it has rows."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.column import AddColumnOp
from migc.lints import Finding, Lint, lint


@lint("W106")
def not_null_without_default(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AddColumnOp):
        column = op.column
        has_value = column.default is not None or column.serial or column.identity is not None
        if step.table_existed(op.table) and column.not_null and not has_value:
            yield Finding(op.column_span, f"adding not null column '{column.name}' without a default fails once "
                          f"'{op.table.display()}' has rows",
                          "add it nullable (or with a default), backfill, then set not null")
