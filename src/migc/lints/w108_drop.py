"""W108: dropping a table, column, enum, schema, view, sequence, domain, composite type (or attribute),
extension or function that running code may still use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc.ir.model import Name, ObjectRef
from migc.kinds.column import DropColumnOp
from migc.kinds.enum import DropEnumOp
from migc.kinds.extension import DropExtensionOp
from migc.kinds.schema import DropSchemaOp
from migc.kinds.sequence import DropSequenceOp
from migc.kinds.table import DropTableOp
from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.composite import DropAttributeOp, DropCompositeTypeOp
    from migc.kinds.domain import DropDomainOp
    from migc.kinds.function import DropFunctionOp
    from migc.kinds.view import DropViewOp


@lint("W108")
def drop(m: Lint) -> Iterator[Finding]:
    yield from _drop_function(m)
    for op, step in m.each(DropTableOp, DropColumnOp, DropEnumOp, DropSchemaOp):
        if isinstance(op, DropTableOp) and step.table_existed(op.table.name):
            yield Finding(op.span, f"dropping table '{op.table.name.display()}' breaks code that still uses it",
                          "deploy code that no longer uses the table first, then drop it in a later migration")
        elif isinstance(op, DropColumnOp) and step.table_existed(op.table):
            yield Finding(op.span, f"dropping column '{op.column.name}' breaks code that still reads or writes it",
                          "stop using the column in code (and deploy) before dropping it")
        elif isinstance(op, DropEnumOp) and step.existed(op.enum.ref):
            yield Finding(op.span, f"dropping enum '{op.enum.name.display()}' breaks code that still casts to it",
                          "deploy code that no longer uses the type first")
        elif isinstance(op, DropSchemaOp) and step.existed(ObjectRef("schema", Name(op.name, ""))):
            yield Finding(op.span, f"dropping schema '{op.name}' breaks code that still uses it",
                          "deploy code that no longer uses the schema first")
    drop_view: type[DropViewOp] = op_class("view", "DropViewOp")
    for view_op, step in m.each(drop_view):
        view = view_op.view
        if step.existed(view.ref):
            yield Finding(view_op.span, f"dropping {view.what} '{view.name.display()}' breaks code that still reads it",
                          "deploy code that no longer reads the view first, then drop it in a later migration")
    yield from _types_v2(m)


def _types_v2(m: Lint) -> Iterator[Finding]:
    """Sequences (nextval('s') in code), domains and composite types (casts), a composite type's
    attributes, extensions (their functions and types in code)."""
    drop_attribute: type[DropAttributeOp] = op_class("composite", "DropAttributeOp")
    drop_domain: type[DropDomainOp] = op_class("domain", "DropDomainOp")
    drop_type: type[DropCompositeTypeOp] = op_class("composite", "DropCompositeTypeOp")
    for attribute, step in m.each(drop_attribute):
        if step.existed(ObjectRef("composite", attribute.composite)):
            yield Finding(attribute.span, f"dropping attribute '{attribute.attribute}' of type "
                          f"'{attribute.composite.display()}' breaks code that still reads or writes it",
                          "stop using it in code (and deploy) first")
    for op, step in m.each(DropSequenceOp, drop_domain, drop_type, DropExtensionOp):
        if isinstance(op, DropSequenceOp):
            ref, what = op.sequence.ref, f"sequence '{op.sequence.name.display()}'"
        elif isinstance(op, drop_domain):
            ref, what = op.domain.ref, f"domain '{op.domain.name.display()}'"
        elif isinstance(op, drop_type):
            ref, what = op.composite.ref, f"type '{op.composite.name.display()}'"
        else:
            assert isinstance(op, DropExtensionOp)
            ref, what = op.extension.ref, f"extension '{op.extension.name}'"
        if step.existed(ref):
            yield Finding(op.span, f"dropping {what} breaks code that still uses it",
                          "deploy code that no longer uses it first, then drop it in a later migration")


def _drop_function(m: Lint) -> Iterator[Finding]:
    drop_function: type[DropFunctionOp] = op_class("function", "DropFunctionOp")
    for op, step in m.each(drop_function):
        if step.existed(op.routine.ref):
            yield Finding(op.span, f"dropping {op.routine.display()} breaks code that still calls it",
                          f"deploy code that no longer calls the {op.routine.kind} first, then drop it in a later "
                          "migration")
