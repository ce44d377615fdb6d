"""The column types a migration writes, where it writes them, and the lints of types to avoid
(W112 char(n), W113 timestamp)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.types import SqlType
from migc.kinds.column import AddColumnOp
from migc.kinds.column_type import AlterColumnTypeOp
from migc.kinds.table import CreateTableOp
from migc.lints import Finding, Lint
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


def type_findings(m: Lint, canonical: str, message: str, hint: str) -> Iterator[Finding]:
    """A finding at each column of the `canonical` type; `message` names the column as {column}."""
    for name, sql_type, span in column_types(m):
        if sql_type.name == canonical and not sql_type.is_enum:
            yield Finding(span, message.format(column=name), hint)
