"""W119: a check added to an existing domain is checked against every value of every column (and
composite attribute) of that domain, under locks on those tables; `not valid` then `validate
constraint` does it without blocking writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from migc.lints import Finding, Lint, lint, op_class

if TYPE_CHECKING:
    from migc.kinds.domain import AddDomainCheckOp


@lint("W119")
def domain_constraint_scan(m: Lint) -> Iterator[Finding]:
    add_domain_check: type[AddDomainCheckOp] = op_class("domain", "AddDomainCheckOp")
    for op, step in m.each(add_domain_check):
        if not op.check.validated or not step.existed(op.ref):
            continue
        yield Finding(op.span, f"check '{op.check.name}' added to existing domain '{op.domain.display()}' is checked "
                      "against every value of every column of that domain, under a lock",
                      "add it `not valid`, then `validate constraint` in a later migration")
