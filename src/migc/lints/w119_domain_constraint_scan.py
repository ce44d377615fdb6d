"""W119: a check added to an existing domain is checked against every value of every column (and
composite attribute) of that domain, under locks on those tables; `not valid` then `validate
constraint` does it without blocking writes."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.domain import AddDomainCheckOp
from migc.lints import Finding, Lint, lint


@lint("W119")
def domain_constraint_scan(m: Lint) -> Iterator[Finding]:
    for op, step in m.each(AddDomainCheckOp):
        if not op.check.validated or not step.existed(op.ref):
            continue
        yield Finding(op.span, f"check '{op.check.name}' added to existing domain '{op.domain.display()}' is checked "
                      "against every value of every column of that domain, under a lock",
                      "add it `not valid`, then `validate constraint` in a later migration")
