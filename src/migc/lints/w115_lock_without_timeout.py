"""W115: with the runner's lock_timeout off, a migration waiting for a busy table's lock makes every
later query on that table wait behind it."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint


@lint("W115")
def lock_without_timeout(m: Lint) -> Iterator[Finding]:
    if not m.lock_timeout_off or any("lock_timeout" in (op.verbatim_sql() or "").lower() for op in m.ops):
        return
    for index, op in enumerate(m.ops):
        lock = op.lock()
        if lock is not None and m.step(index).table_existed(lock.table):
            yield Finding(op.span, f"'{op.describe()}' waits for a lock on '{lock.table.display()}' with no "
                          "lock_timeout: every query on the table queues behind it",
                          "set lock_timeout in the project config (the runner's default is 5s), or start the "
                          "migration with sql \"set lock_timeout = '5s'\"")
            return
