"""W116: `refresh materialized view` without `concurrently` on a populated materialized view that
already existed: it takes an ACCESS EXCLUSIVE lock, so every read of the view waits until the query
has run again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc.ir.model import ObjectRef
from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.view import RefreshViewOp


@lint("W116")
def refresh_without_concurrently(m: Lint) -> Iterator[Finding]:
    refresh_view: type[RefreshViewOp] = op_class("view", "RefreshViewOp")
    for op, step in m.each(refresh_view):
        from migc.ir.view import MATVIEW  # loaded with the view kind

        if op.concurrent or not op.was_populated or not op.with_data or not step.existed(ObjectRef(MATVIEW, op.view)):
            continue
        yield Finding(op.span, f"refreshing materialized view '{op.view.display()}' without concurrently blocks "
                      "every read of it (ACCESS EXCLUSIVE) until its query has run again",
                      f"create a unique index on it (once), then refresh materialized view concurrently "
                      f"{op.view.display()}")
