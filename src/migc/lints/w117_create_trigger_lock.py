"""W117: `create trigger` on an existing table takes a SHARE ROW EXCLUSIVE lock: writes to the table
wait until the migration commits (and, while it waits for the lock, queue behind it)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.trigger import CreateTriggerOp
from migc.lints import Finding, Lint, lint


@lint("W117")
def create_trigger_lock(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(CreateTriggerOp):
        table = op.trigger.table
        if step.table_existed(table):
            yield Finding(op.span, f"'{op.describe()}' locks '{table.display()}' in SHARE ROW EXCLUSIVE mode: "
                          "inserts, updates and deletes wait until the migration commits",
                          "keep the migration short (the trigger alone), run it when writes are few, and set "
                          "lock_timeout so it gives up rather than queue every write behind it")
