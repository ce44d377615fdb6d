"""W108: dropping a table, column, enum, schema or view that running code may still use."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.model import Name, ObjectRef
from migc.kinds.column import DropColumnOp
from migc.kinds.enum import DropEnumOp
from migc.kinds.schema import DropSchemaOp
from migc.kinds.table import DropTableOp
from migc.kinds.view import DropViewOp
from migc.lints import Finding, Lint, lint


@lint("W108")
def drop(m: Lint) -> Iterator[Finding]:
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
    for view_op, step in m.each(DropViewOp):
        view = view_op.view
        if step.existed(view.ref):
            yield Finding(view_op.span, f"dropping {view.what} '{view.name.display()}' breaks code that still reads it",
                          "deploy code that no longer reads the view first, then drop it in a later migration")
