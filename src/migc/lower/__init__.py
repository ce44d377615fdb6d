"""Lowering: AST -> typed ops, replaying the schema, reporting errors with spans (warnings are the
lints' business: migc/lints/, which run over the ops lowering made).

Each statement kind lowers its own nodes (registered in lower/dispatch.py); this module lowers a
whole migration: its statements in order, its explicit `down { }` block (checked to restore the
schema), or else the derived down, the inverses of its ops, last first."""

from __future__ import annotations

from dataclasses import dataclass

from migc.diagnostics import Diagnostic, DiagnosticBag
from migc.ir.diff import schema_differences
from migc.ir.op import Op
from migc.ir.schema import Schema
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
    irreversible: tuple[Op, str] | None  # without an explicit down: the first irreversible op, and why
    explicit_down: bool
    non_transactional: bool
    diagnostics: tuple[Diagnostic, ...]
    schema_after: Schema
    before: tuple[Schema, ...]  # per op: the schema just before it

    @property
    def irreversible_at(self) -> tuple[Span, str] | None:
        if self.irreversible is None:
            return None
        op, why = self.irreversible
        return op.span, f"{op.describe()}: {why}"


def _lower_statements(lw: Lowering, statements: tuple[ast.Statement, ...]) -> None:
    for stmt in statements:
        lower_statement(lw, stmt)


def _concurrently(statements: tuple[ast.Statement, ...], bag: DiagnosticBag) -> bool:
    found = [s for s in statements if getattr(s, "concurrently", False) is True]
    if found and len(statements) > 1:
        bag.error("E207", found[0].span, "`concurrently` cannot run inside a transaction, so it must be the only "
                  "statement of its migration", "move it to a migration of its own")
    return bool(found)


def lower_migration(migration: ast.Migration, schema: Schema, file: str) -> LoweredMigration:
    bag = DiagnosticBag(file)
    lw = Lowering(schema, bag)
    _lower_statements(lw, migration.statements)
    non_transactional = _concurrently(migration.statements, bag)
    irreversible: tuple[Op, str] | None = None
    down_ops: tuple[Op, ...] | None
    down_groups: tuple[int, ...] = ()
    if migration.down is not None:
        down = Lowering(lw.schema, bag)
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
        irreversible = lw.irreversible[0]
        down_ops = None
    else:
        pairs = [(inv, group) for invs, group in zip(reversed(lw.inverses), reversed(lw.groups)) if invs
                 for inv in invs]
        down_ops, down_groups = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    return LoweredMigration(tuple(lw.ops), tuple(lw.groups), down_ops, down_groups, irreversible,
                            migration.down is not None, non_transactional, tuple(bag.items), lw.schema,
                            tuple(lw.before))
