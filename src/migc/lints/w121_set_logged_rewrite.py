"""W121: `set logged` / `set unlogged` rewrites an existing table under ACCESS EXCLUSIVE (and
`set logged` writes all of it to the WAL, which replicas must replay)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.persistence import SetPersistenceOp
from migc.lints import Finding, Lint, lint


@lint("W121")
def set_logged_rewrite(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(SetPersistenceOp):
        if not step.table_existed(op.table):
            continue
        what = "unlogged" if op.unlogged else "logged"
        extra = "" if op.unlogged else ", and writes all of it to the WAL"
        yield Finding(op.span, f"set {what} rewrites '{op.table.display()}' under an ACCESS EXCLUSIVE lock{extra}",
                      "on a large table: create the new table as it should be, copy the rows in batches, and swap")
