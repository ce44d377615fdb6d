"""W110: a unique or primary key constraint on an existing table builds its index under ACCESS
EXCLUSIVE; a unique index built concurrently first does not block."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.column import AddColumnOp
from migc.kinds.constraint import AddConstraintOp
from migc.lints import Finding, Lint, lint


@lint("W110")
def key_on_existing_table(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AddColumnOp, AddConstraintOp):
        if not step.table_existed(op.table):
            continue
        constraints = op.constraints if isinstance(op, AddColumnOp) else (op.constraint,)
        for c in constraints:
            if c.has_index:
                yield Finding(op.span, f"{c.kind} '{c.name}' on existing table '{op.table.display()}' builds its "
                              "index while holding an ACCESS EXCLUSIVE lock",
                              "create unique index concurrently in a migration of its own first: a unique index "
                              "enforces uniqueness and can back foreign keys")
            elif c.kind == "exclude":  # no concurrent way to build one: say what it costs
                yield Finding(op.span, f"exclusion constraint '{c.name}' on existing table '{op.table.display()}' "
                              "builds its index and checks every row while holding an ACCESS EXCLUSIVE lock",
                              "PostgreSQL cannot build it concurrently: add it while the table is small, or in a "
                              "maintenance window")
