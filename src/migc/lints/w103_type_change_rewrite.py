"""W103: a type change that rewrites an existing table (and its indexes) under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.types import rewrites_table
from migc.kinds.column_type import AlterColumnTypeOp
from migc.lints import Finding, Lint, lint


@lint("W103")
def type_change_rewrite(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AlterColumnTypeOp):
        if step.table_existed(op.table) and rewrites_table(op.old_type, op.new_type):
            yield Finding(op.span, f"changing '{op.column}' from {op.old_type.display()} to "
                          f"{op.new_type.display()} rewrites '{op.table.display()}' under an ACCESS EXCLUSIVE lock",
                          "expand-contract: add a new column of the new type, backfill, switch, drop the old one")
