"""W107: renaming a table, column, enum, constraint, view, sequence, domain, composite type, attribute or
routine that running code uses by its old name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc.ir.model import ObjectRef
from migc.kinds.column import RenameColumnOp
from migc.kinds.constraint import RenameConstraintOp
from migc.kinds.enum import RenameEnumOp
from migc.kinds.sequence import RenameSequenceOp
from migc.kinds.table import RenameTableOp
from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.composite import RenameAttributeOp, RenameCompositeTypeOp
    from migc.kinds.domain import RenameDomainOp
    from migc.kinds.function import RenameFunctionOp
    from migc.kinds.view import RenameViewOp


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
    rename_view: type[RenameViewOp] = op_class("view", "RenameViewOp")
    for view_op, step in m.each(rename_view):
        if step.existed(ObjectRef(view_op.kind, view_op.old)):
            yield Finding(view_op.span, f"renaming {view_op.kind} '{view_op.old.display()}' breaks code that reads "
                          "it by the old name", "create the view under the new name too, switch reads to it, then "
                          "drop the old one")
    yield from _types_v2(m)
    rename_function: type[RenameFunctionOp] = op_class("function", "RenameFunctionOp")
    for function_op, step in m.each(rename_function):
        if step.existed(function_op.routine.ref):
            what = function_op.routine.display()
            yield Finding(function_op.span, f"renaming {what} breaks code that calls it by the old name",
                          f"create the new {function_op.routine.kind} beside the old one, move callers to it, then "
                          "drop the old")


def _types_v2(m: Lint) -> Iterator[Finding]:
    """Sequences (code calls nextval('name')), domains and composite types (code casts to them) and a
    composite type's attributes (code reads `(x).attr`). Index renames break no query: not reported."""
    rename_domain: type[RenameDomainOp] = op_class("domain", "RenameDomainOp")
    rename_type: type[RenameCompositeTypeOp] = op_class("composite", "RenameCompositeTypeOp")
    rename_attribute: type[RenameAttributeOp] = op_class("composite", "RenameAttributeOp")
    for op, step in m.each(RenameSequenceOp, rename_domain, rename_type, rename_attribute):
        if isinstance(op, RenameSequenceOp) and step.existed(ObjectRef("sequence", op.old)):
            yield Finding(op.span, f"renaming sequence '{op.old.display()}' breaks code that calls "
                          f"nextval('{op.old.name}')", "defaults follow the rename; move code to the new name first, "
                          "or leave the name")
        elif isinstance(op, (rename_domain, rename_type)):
            kind = "domain" if isinstance(op, rename_domain) else "composite"
            if step.existed(ObjectRef(kind, op.old)):
                what = "domain" if kind == "domain" else "type"
                yield Finding(op.span, f"renaming {what} '{op.old.display()}' breaks code that casts to the old "
                              "name", "columns follow the rename; move code to the new name first")
        elif isinstance(op, rename_attribute) and step.existed(ObjectRef("composite", op.composite)):
            yield Finding(op.span, f"renaming attribute '{op.old}' of type '{op.composite.display()}' breaks code "
                          "that reads it by the old name", "add the new attribute, move code to it, then drop the old")
