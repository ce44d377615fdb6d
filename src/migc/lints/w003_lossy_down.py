"""W003: a derived down that can change or refuse data written since the up: a type narrowed back
(numeric(12,4) -> numeric(10,2) rounds, text -> varchar(15) refuses longer values), or a primary key
that cannot come back over a column whose values are gone. `migc down` refuses such a migration
without --allow-data-loss; an explicit `down { }` says what should happen instead."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint


@lint("W003")
def lossy_down(m: Lint) -> Iterator[Finding]:
    if m.lowered.explicit_down or m.lowered.down_ops is None:
        return
    for op in m.ops:
        for risk in op.down_risks():
            if risk.kind == "data":
                yield Finding(op.span, f"{risk.message}: `migc down` refuses it without --allow-data-loss",
                              "write an explicit `down { ... }` that says what to do with such values")
