"""W111: an enum label added without before/after sorts after every existing one."""

from __future__ import annotations

from collections.abc import Iterator

from migc.kinds.enum import AddEnumValueOp
from migc.lints import Finding, Lint, lint


@lint("W111")
def enum_value_position(m: Lint) -> Iterator[Finding]:
    for op, _ in m.each(AddEnumValueOp):
        if op.anchor is None:
            yield Finding(op.span, f"'{op.value}' is added at the end of enum {op.enum.display()}, so it "
                          "sorts after every existing label", "say where it belongs: add value '...' before/after '...'")
