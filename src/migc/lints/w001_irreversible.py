"""W001: a migration that cannot be undone (and has no explicit `down { }`)."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint


@lint("W001")
def irreversible(m: Lint) -> Iterator[Finding]:
    if m.lowered.irreversible is None:
        return
    op, why = m.lowered.irreversible
    yield Finding(op.span, f"this migration is irreversible: {op.describe()} ({why})",
                  "add a `down { ... }` block that undoes it, if it can be undone")
