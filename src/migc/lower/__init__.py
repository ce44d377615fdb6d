"""Lowering: AST -> typed ops, replaying the schema, reporting errors and lint warnings with spans.

Each statement kind lowers its own nodes (registered in lower/dispatch.py); this module lowers a
whole migration: its statements in order, its explicit `down { }` block (checked to restore the
schema), or else the derived down, the inverses of its ops, last first."""

from __future__ import annotations

from dataclasses import dataclass

from migc.diagnostics import Diagnostic, DiagnosticBag
from migc.ir.diff import schema_differences
from migc.ir.op import Op
from migc.ir.schema import Schema
from migc.lower import lints
from migc.lower.allow import apply_allows
from migc.lower.context import Lowering
from migc.lower.dispatch import lower_statement
from migc.source import NO_SPAN, Span
from migc.syntax import ast


@dataclass(frozen=True)
class LoweredMigration:
    ops: tuple[Op, ...]
    groups: tuple[int, ...]  # per op: which statement it came from (codegen merges one alter table's)
    down_ops: tuple[Op, ...] | None  # None: irreversible
    down_groups: tuple[int, ...]
    irreversible_at: tuple[Span, str] | None  # the first irreversible op and why
    non_transactional: bool
    diagnostics: tuple[Diagnostic, ...]
    schema_after: Schema


def _lower_statements(lw: Lowering, statements: tuple[ast.Statement, ...]) -> None:
    for stmt in statements:
        lower_statement(lw, stmt)


def _concurrently(statements: tuple[ast.Statement, ...], bag: DiagnosticBag) -> bool:
    found = [s for s in statements if getattr(s, "concurrently", False) is True]
    if found and len(statements) > 1:
        bag.error("E207", found[0].span, "`concurrently` cannot run inside a transaction, so it must be the only "
                  "statement of its migration", "move it to a migration of its own")
    return bool(found)


def lower_migration(
    migration: ast.Migration, schema: Schema, file: str, text: str, *, lock_timeout_off: bool = False
) -> LoweredMigration:
    """`lock_timeout_off`: the runner will not set lock_timeout (the project turned it off)."""
    bag = DiagnosticBag(file)
    lw = Lowering(schema, bag)
    _lower_statements(lw, migration.statements)
    if lock_timeout_off:
        lints.lock_timeout(lw, any("lock_timeout" in (op.verbatim_sql() or "").lower() for op in lw.ops))
    non_transactional = _concurrently(migration.statements, bag)
    irreversible_at: tuple[Span, str] | None = None
    down_ops: tuple[Op, ...] | None
    down_groups: tuple[int, ...] = ()
    if migration.down is not None:
        down = Lowering(lw.schema, bag, in_down_block=True)
        errors_before = bag.has_errors
        _lower_statements(down, migration.down)
        non_transactional = _concurrently(migration.down, bag) or non_transactional
        down_ops, down_groups = tuple(down.ops), tuple(down.groups)
        # raw sql is opaque to the model: a down block that uses it is trusted to do its job
        opaque = any(op.verbatim_sql() is not None for op in down.ops)
        if not bag.has_errors and not errors_before and not opaque:
            differences = schema_differences(expected=schema, actual=down.schema)
            if differences:
                shown = "; ".join(differences[:3]) + (f"; and {len(differences) - 3} more" if len(differences) > 3 else "")
                bag.error("E212", migration.down_span or NO_SPAN,
                          f"the down block does not restore the schema: {shown}",
                          "after down, the schema must equal the one before this migration")
    elif lw.irreversible:
        op, why = lw.irreversible[0]
        irreversible_at = (op.span, f"{op.describe()}: {why}")
        down_ops = None
        lw.warn("W001", op.span, f"this migration is irreversible: {op.describe()} ({why})",
                "add a `down { ... }` block that undoes it, if it can be undone")
    else:
        pairs = [(inv, group) for invs, group in zip(reversed(lw.inverses), reversed(lw.groups)) if invs
                 for inv in invs]
        down_ops, down_groups = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    if migration.down is not None:  # the explicit down decides what comes back; don't claim it is empty
        bag.items[:] = [d for d in bag.items if d.code != "W002"]
    apply_allows(bag, [*migration.statements, *(migration.down or ())], text)
    return LoweredMigration(tuple(lw.ops), tuple(lw.groups), down_ops, down_groups, irreversible_at,
                            non_transactional, tuple(bag.items), lw.schema)
