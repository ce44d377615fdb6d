"""W107: renaming a table, column, enum, constraint or view that running code uses by its old name."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.model import ObjectRef
from migc.kinds.column import RenameColumnOp
from migc.kinds.constraint import RenameConstraintOp
from migc.kinds.enum import RenameEnumOp
from migc.kinds.table import RenameTableOp
from migc.kinds.view import RenameViewOp
from migc.lints import Finding, Lint, lint


@lint("W107")
def rename(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(RenameTableOp, RenameColumnOp, RenameEnumOp, RenameConstraintOp):
        if isinstance(op, RenameTableOp) and step.table_existed(op.old):
            yield Finding(op.span, f"renaming table '{op.old.display()}' breaks code that uses the old name",
                          "expand-contract: create the new table (or a view), dual-write, switch reads, then drop "
                          "the old")
        elif isinstance(op, RenameColumnOp) and step.table_existed(op.table):
            yield Finding(op.span, f"renaming column '{op.old}' breaks code that uses the old name",
                          "expand-contract: add the new column, backfill, dual-write, switch reads, then drop the "
                          "old one")
        elif isinstance(op, RenameConstraintOp) and step.table_existed(op.table):
            yield Finding(op.span, f"renaming constraint '{op.old}' breaks code that names it (`on conflict on "
                          "constraint`, error handling that matches the name)",
                          "check the application for the old name first")
        elif isinstance(op, RenameEnumOp) and step.existed(ObjectRef("enum", op.old)):
            yield Finding(op.span, f"renaming enum '{op.old.display()}' breaks code that casts to the old name",
                          "create the new type, move columns to it, then drop the old one")
    for view_op, step in m.each(RenameViewOp):
        if step.existed(ObjectRef(view_op.kind, view_op.old)):
            yield Finding(view_op.span, f"renaming {view_op.kind} '{view_op.old.display()}' breaks code that reads "
                          "it by the old name", "create the view under the new name too, switch reads to it, then "
                          "drop the old one")
