"""W108: dropping a table, column, enum, schema or function that running code may still use."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.model import Name, ObjectRef
from migc.kinds.column import DropColumnOp
from migc.kinds.enum import DropEnumOp
from migc.kinds.function import DropFunctionOp
from migc.kinds.schema import DropSchemaOp
from migc.kinds.table import DropTableOp
from migc.lints import Finding, Lint, lint


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


def _drop_function(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(DropFunctionOp):
        if step.existed(op.routine.ref):
            yield Finding(op.span, f"dropping {op.routine.display()} breaks code that still calls it",
                          f"deploy code that no longer calls the {op.routine.kind} first, then drop it in a later "
                          "migration")
