"""The column types a migration writes, where it writes them (for W112, W113)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.types import SqlType
from migc.kinds.column import AddColumnOp, AlterColumnTypeOp
from migc.kinds.table import CreateTableOp
from migc.lints import Lint
from migc.source import Span


def column_types(m: Lint) -> Iterator[tuple[str, SqlType, Span]]:
    """(column, type, where the type is written) for every column made or retyped."""
    for op, _ in m.each(CreateTableOp, AddColumnOp, AlterColumnTypeOp):
        if isinstance(op, CreateTableOp):
            spans = dict(op.type_spans)
            for column in op.table.columns:
                yield column.name, column.type, spans.get(column.name, op.span)
        elif isinstance(op, AddColumnOp):
            yield op.column.name, op.column.type, op.type_span
        else:
            yield op.column, op.new_type, op.type_span
