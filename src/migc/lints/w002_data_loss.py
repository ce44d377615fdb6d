"""W002: a change whose down restores the structure but not the data (without an explicit down)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.types import narrows
from migc.kinds.column import DropColumnOp
from migc.kinds.column_type import AlterColumnTypeOp
from migc.kinds.table import DropTableOp
from migc.lints import Finding, Lint, lint


@lint("W002")
def data_loss(m: Lint) -> Iterator[Finding]:
    if m.lowered.explicit_down:  # the explicit down decides what comes back
        return
    for op, step in m.each(DropTableOp, DropColumnOp, AlterColumnTypeOp):
        if not step.table_existed(op.table.name if isinstance(op, DropTableOp) else op.table):
            continue
        if isinstance(op, DropTableOp):
            yield Finding(op.span, f"dropping table '{op.table.name.display()}' deletes its rows; "
                          "the down migration re-creates the table empty")
        elif isinstance(op, DropColumnOp):
            how = "empty and nullable (it was not null)" if op.comes_back_nullable else "empty"
            yield Finding(op.span, f"dropping column '{op.column.name}' deletes its data; the down migration "
                          f"re-adds the column {how}")
        elif narrows(op.old_type, op.new_type):
            yield Finding(op.span, f"changing '{op.column}' from {op.old_type.display()} to "
                          f"{op.new_type.display()} can lose data that the down migration cannot restore")
