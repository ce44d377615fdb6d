"""Lowering: AST -> typed ops, replaying the schema, reporting errors and lint warnings with spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from migc.diagnostics import Diagnostic, DiagnosticBag
from migc.ir import ops as o
from migc.ir.diff import schema_differences
from migc.ir.schema import Schema
from migc.lower import alter, lints, objects, tables
from migc.lower.allow import apply_allows
from migc.lower.context import Lowering
from migc.source import Span
from migc.syntax import ast

_STATEMENTS: dict[type, Callable[[Lowering, object], None]] = {
    ast.CreateSchema: tables.create_schema, ast.DropSchema: tables.drop_schema,  # type: ignore[dict-item]
    ast.CreateTable: tables.create_table, ast.DropTable: tables.drop_table,  # type: ignore[dict-item]
    ast.RenameTable: tables.rename_table, ast.AlterTable: alter.alter_table,  # type: ignore[dict-item]
    ast.CreateIndex: objects.create_index, ast.DropIndex: objects.drop_index,  # type: ignore[dict-item]
    ast.CreateEnum: objects.create_enum, ast.AlterEnumAddValue: objects.alter_enum,  # type: ignore[dict-item]
    ast.RenameEnum: objects.rename_enum, ast.DropEnum: objects.drop_enum,  # type: ignore[dict-item]
    ast.RawSql: objects.raw_sql,  # type: ignore[dict-item]
}



@dataclass(frozen=True)
class LoweredMigration:
    ops: tuple[o.Op, ...]
    down_ops: tuple[o.Op, ...] | None  # None: irreversible
    irreversible_at: tuple[Span, str] | None  # the first irreversible op and why
    non_transactional: bool
    diagnostics: tuple[Diagnostic, ...]
    schema_after: Schema


def _lower_statements(lw: Lowering, statements: tuple[ast.Statement, ...]) -> None:
    for stmt in statements:
        _STATEMENTS[type(stmt)](lw, stmt)


def _concurrently(statements: tuple[ast.Statement, ...], bag: DiagnosticBag) -> bool:
    found = [s for s in statements if isinstance(s, (ast.CreateIndex, ast.DropIndex)) and s.concurrently]
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
        lints.lock_timeout(lw, any(isinstance(s, ast.RawSql) and "lock_timeout" in s.up.lower()
                                   for s in migration.statements))
    non_transactional = _concurrently(migration.statements, bag)
    irreversible_at: tuple[Span, str] | None = None
    down_ops: tuple[o.Op, ...] | None
    if migration.down is not None:
        down = Lowering(lw.schema, bag, in_down_block=True)
        errors_before = bag.has_errors
        _lower_statements(down, migration.down)
        non_transactional = _concurrently(migration.down, bag) or non_transactional
        down_ops = tuple(down.ops)
        # raw sql is opaque to the model: a down block that uses it is trusted to do its job
        opaque = any(isinstance(s, ast.RawSql) for s in migration.down)
        if not bag.has_errors and not errors_before and not opaque:
            differences = schema_differences(expected=schema, actual=down.schema)
            if differences:
                shown = "; ".join(differences[:3]) + (f"; and {len(differences) - 3} more" if len(differences) > 3 else "")
                bag.error("E212", migration.down_span or Span(1, 1, 1, 1),
                          f"the down block does not restore the schema: {shown}",
                          "after down, the schema must equal the one before this migration")
    elif lw.irreversible:
        op, why = lw.irreversible[0]
        irreversible_at = (op.span, f"{op.describe()}: {why}")
        down_ops = None
        lw.warn("W001", op.span, f"this migration is irreversible: {op.describe()} ({why})",
                "add a `down { ... }` block that undoes it, if it can be undone")
    else:
        down_ops = tuple(inv for invs in reversed(lw.inverses) if invs for inv in invs)
    if migration.down is not None:  # the explicit down decides what comes back; don't claim it is empty
        bag.items[:] = [d for d in bag.items if d.code != "W002"]
    apply_allows(bag, [*migration.statements, *(migration.down or ())], text)
    return LoweredMigration(tuple(lw.ops), down_ops, irreversible_at, non_transactional, tuple(bag.items), lw.schema)
