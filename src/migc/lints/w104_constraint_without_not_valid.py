"""W104: a foreign key or check added to an existing table is checked against every row under a lock;
`not valid` then `validate constraint` does it without blocking writes."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.column import AddColumnOp
from migc.kinds.constraint import AddConstraintOp
from migc.lints import Finding, Lint, lint


@lint("W104")
def constraint_without_not_valid(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AddColumnOp, AddConstraintOp):
        if not step.table_existed(op.table):
            continue
        table = op.table.display()
        if isinstance(op, AddConstraintOp):
            c = op.constraint
            if c.kind in ("foreign key", "check") and c.validated:
                yield Finding(op.span, f"{c.kind} '{c.name}' on existing table '{table}' is checked against every "
                              "row under a lock", "add it `not valid`, then `validate constraint` in a later migration")
            continue
        for c in op.constraints:
            if c.kind == "foreign key" and c.validated:
                yield Finding(op.span, f"foreign key '{c.name}' on existing table '{table}' is validated under a "
                              "lock on both tables",
                              "add the foreign key `not valid`, then `validate constraint` in a later migration")
            elif c.kind == "check" and c.validated:
                yield Finding(op.span, f"check '{c.name}' on existing table '{table}' is checked against every row "
                              "under an ACCESS EXCLUSIVE lock",
                              "add the column first, then add the check `not valid` and validate it later")
