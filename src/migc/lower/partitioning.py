"""Partitioning, as `create table ... partition by` and `create table ... partition of ... partition by`
both write it (kinds/table.py, kinds/partition.py): the `partition by` clause, its checks, and which
tables are a table's partitions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc import expr as ex
from migc.expr import Expr
from migc.ir.model import IndexElement, Name, PartitionKey, Table
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.exprcheck import check_columns, columns_by_name
from migc.source import Span
from migc.tree import Node, builder, nodes, span_of, token
from migc.tree import span_field as _span


@dataclass(frozen=True, slots=True)
class PartitionBy(Node):
    ARGS = ("elements",)
    strategy: str
    elements: tuple[Expr, ...]
    span: Span = _span()


@builder("partition_by")
def _partition_by(c: list[Any]) -> PartitionBy:
    strategy = token(c, "RANGE", "LIST", "HASH")
    assert strategy is not None
    return PartitionBy(strategy.value.lower(), tuple(nodes(c, Expr)), span_of(c))


def partitions_of(schema: Schema, parent: Name) -> list[Table]:
    return [t for t in schema.tables.values() if t.partition_of is not None and t.partition_of.parent == parent]


def partition_key(lw: Lowering, table: Table, spec: PartitionBy) -> PartitionKey | None:
    """The key of a partitioned table, checked against its columns."""
    columns = columns_by_name(table.columns)
    mark = lw.bag.mark()
    for e in spec.elements:
        check_columns(lw, e, columns, table.name.display(), "partition key")
        for name in e.column_names():
            col = columns.get(name)
            if col is not None and col.generated is not None:
                lw.bag.error("E227", e.span, f"partition key of '{table.name.display()}' cannot use generated "
                             f"column '{name}'")
    if spec.strategy == "list" and len(spec.elements) > 1:
        lw.bag.error("E227", spec.span, "a list partition key has exactly one column or expression")
    if lw.bag.errors_since(mark):
        return None
    mentioned: dict[str, None] = {}
    for e in spec.elements:
        mentioned.update(dict.fromkeys(e.column_names()))
    return PartitionKey(spec.strategy, tuple(IndexElement(e) for e in spec.elements), tuple(mentioned))


def check_keys(lw: Lowering, table: Table, key: PartitionKey, span: Span) -> bool:
    """PostgreSQL: a unique or primary key constraint on a partitioned table must include every
    column of the partition key (and the key must be plain columns); no exclusion constraints."""
    ok = True
    plain = all(isinstance(e.expr, ex.ColumnRef) for e in key.elements)
    for c in table.constraints:
        if c.kind in ("primary key", "unique"):
            missing = [col for col in key.columns if col not in c.columns]
            if missing or not plain:
                why = f"it lacks partition key column '{missing[0]}'" if missing else \
                    "the partition key has an expression"
                lw.bag.error("E227", span, f"{c.kind} '{c.name}' of partitioned table '{table.name.display()}' "
                             f"must include every column of the partition key: {why}",
                             f"add {', '.join(missing) or 'the key columns'} to it" if missing else None)
                ok = False
        elif c.kind == "exclude":
            lw.bag.error("E227", span, f"partitioned table '{table.name.display()}' cannot have exclusion "
                         f"constraint '{c.name}' (PostgreSQL 15)", "put it on each partition")
            ok = False
    return ok
