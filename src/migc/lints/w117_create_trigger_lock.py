"""W117: `create trigger` on an existing table takes a SHARE ROW EXCLUSIVE lock: writes to the table
wait until the migration commits (and, while it waits for the lock, queue behind it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.trigger import CreateTriggerOp


@lint("W117")
def create_trigger_lock(m: Lint) -> Iterator[Finding]:
    create_trigger: type[CreateTriggerOp] = op_class("trigger", "CreateTriggerOp")
    for op, step in m.each(create_trigger):
        table = op.trigger.table
        if step.table_existed(table):
            yield Finding(op.span, f"'{op.describe()}' locks '{table.display()}' in SHARE ROW EXCLUSIVE mode: "
                          "inserts, updates and deletes wait until the migration commits",
                          "keep the migration short (the trigger alone), run it when writes are few, and set "
                          "lock_timeout so it gives up rather than queue every write behind it")
