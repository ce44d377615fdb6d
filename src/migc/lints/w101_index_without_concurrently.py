"""W101: creating or dropping an index without `concurrently` on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from migc.ir.model import ObjectRef
from migc.kinds.index import CreateIndexOp, DropIndexOp
from migc.lints import Finding, Lint, lint


@lint("W101")
def index_without_concurrently(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(CreateIndexOp, DropIndexOp):
        index = op.index
        if op.concurrently or not step.table_existed(index.table):
            continue
        if not step.existed(ObjectRef("materialized view", index.table)):  # a materialized view made by this migration
            continue
        if isinstance(op, CreateIndexOp):
            yield Finding(op.span, f"creating index '{index.name.name}' without concurrently blocks writes to "
                          f"'{index.table.display()}' while it builds",
                          "create index concurrently, alone in its own migration")
        else:
            yield Finding(op.span, f"dropping index '{index.name.name}' without concurrently blocks "
                          f"'{index.table.display()}' until it is done",
                          "drop index concurrently, alone in its own migration")
