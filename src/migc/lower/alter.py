"""Lowering `alter table`: each action becomes its own op, applied before the next is checked."""

from __future__ import annotations

from typing import Any, Callable

from migc.ir import ops as o
from migc.ir.model import Column, Constraint, Name, Table
from migc.ir.types import assignable, castable, narrows, rewrites_table
from migc.lower import lints
from migc.lower.constraints import build_column, resolve, table_constraint
from migc.lower.context import Lowering, did_you_mean
from migc.lower.expressions import check_columns, check_default, columns_by_name
from migc.lower.tables import add_column_sequence
from migc.lower.typing import fits, infer, is_volatile
from migc.syntax import ast


def alter_table(lw: Lowering, stmt: ast.AlterTable) -> None:
    table = lw.table(stmt.name)
    if table is None:
        return
    for action in stmt.actions:
        current = lw.schema.tables[table.name]
        _ACTIONS[type(action)](lw, current, action)


def _add_column(lw: Lowering, table: Table, action: ast.AddColumn) -> None:
    cdef = action.column
    if table.column(cdef.name.value) is not None:
        lw.bag.error("E104", cdef.name.span, f"table '{table.name.display()}' already has a column '{cdef.name.value}'")
        return
    built = build_column(lw, table.name, cdef)
    if built is None:
        return
    column, pending = built
    column = add_column_sequence(lw, table.name, column)
    with_column = Table(table.name, table.columns + (column,), table.constraints)
    constraints = resolve(lw, with_column, pending)
    if constraints is None:
        return
    existing = lw.existed_before(table.name)
    if existing:
        has_value = column.default is not None or column.serial or column.identity is not None
        if column.not_null and not has_value:
            lw.warn("W106", cdef.span, f"adding not null column '{column.name}' without a default fails once "
                    f"'{table.name.display()}' has rows",
                    "add it nullable (or with a default), backfill, then set not null")
        if column.serial or column.identity:  # every existing row takes a nextval(): a rewrite
            lw.warn("W105", cdef.type.span, f"new {'serial' if column.serial else 'identity'} column "
                    f"'{column.name}' rewrites '{table.name.display()}' under an ACCESS EXCLUSIVE lock",
                    "add a nullable bigint column, backfill it in batches, then attach the sequence")
        elif column.default is not None and is_volatile(column.default):
            lw.warn("W105", column.default.span, f"volatile default on new column '{column.name}' rewrites "
                    f"'{table.name.display()}' under an ACCESS EXCLUSIVE lock",
                    "add the column without a default, set the default, then backfill in batches")
        for c in constraints:
            if c.kind == "foreign key" and c.validated:
                lw.warn("W104", action.span, f"foreign key '{c.name}' on existing table '{table.name.display()}' "
                        "is validated under a lock on both tables",
                        "add the foreign key `not valid`, then `validate constraint` in a later migration")
            elif c.kind == "check" and c.validated:
                lw.warn("W104", action.span, f"check '{c.name}' on existing table '{table.name.display()}' is "
                        "checked against every row under an ACCESS EXCLUSIVE lock",
                        "add the column first, then add the check `not valid` and validate it later")
    lints.keys_on_existing_table(lw, table.name, constraints, action.span)
    for key in constraints:
        if key.kind == "primary key":
            lints.primary_key_type(lw, with_column, key, cdef.type.span)
    lw.emit(o.AddColumnOp(table.name, column, tuple(constraints), action.span))


def _drop_column(lw: Lowering, table: Table, action: ast.DropColumn) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    name = column.name
    for other in lw.schema.tables.values():
        for fk in other.constraints:
            ref = fk.references
            if ref is not None and ref.table == table.name and name in ref.columns and not (
                other.name == table.name and name in fk.columns
            ):
                lw.bag.error("E205", action.span, f"cannot drop column '{name}': foreign key '{fk.name}' of table "
                             f"'{other.name.display()}' references it",
                             f"drop that constraint first: alter table {other.name.display()} drop constraint {fk.name}")
                return
    constraints = tuple(c for c in table.constraints if name in c.columns)
    indexes = tuple(i for i in lw.schema.indexes_of(table.name) if name in i.columns)
    if lw.existed_before(table.name):
        lw.warn("W108", action.span, f"dropping column '{name}' breaks code that still reads or writes it",
                "stop using the column in code (and deploy) before dropping it")
        lw.warn("W002", action.span, f"dropping column '{name}' deletes its data; the down migration "
                "re-adds the column empty")
    lw.emit(o.DropColumnOp(table.name, column, constraints, indexes, action.span))


def _rename_column(lw: Lowering, table: Table, action: ast.RenameColumn) -> None:
    column = lw.column(table, action.column)
    if column is None or not lw.check_ident(action.new_name):
        return
    if table.column(action.new_name.value) is not None:
        lw.bag.error("E104", action.new_name.span, f"table '{table.name.display()}' already has a column "
                     f"'{action.new_name.value}'")
        return
    if lw.existed_before(table.name):
        lw.warn("W107", action.span, f"renaming column '{column.name}' breaks code that uses the old name",
                "expand-contract: add the new column, backfill, dual-write, switch reads, then drop the old one")
    lw.emit(o.RenameColumnOp(table.name, column.name, action.new_name.value, action.span))


def _set_type(lw: Lowering, table: Table, action: ast.SetType) -> None:
    column = lw.column(table, action.column)
    resolved = lw.resolve_type(action.type)
    if column is None or resolved is None:
        return
    new_type = resolved[0]
    old_type = column.type
    lints.column_type(lw, Column(column.name, new_type), action.type.span)
    pk = table.primary_key
    if pk is not None and column.name in pk.columns:
        retyped = table.with_column(Column(column.name, new_type, serial=column.serial))
        lints.primary_key_type(lw, retyped, Constraint(pk.name, pk.kind, (column.name,)), action.type.span)
    if action.using is not None:
        before = len(lw.bag.items)
        typed = check_columns(lw, action.using, columns_by_name(table.columns), table.name.display(), "using")
        if len(lw.bag.items) > before:
            return
        problem = fits(typed, new_type)
        if problem is not None:
            lw.bag.error("E213", action.using.span, f"using expression: {problem}",
                         f"cast it: using ({column.name})::{new_type.display()}")
            return
    elif not assignable(old_type, new_type):
        lw.bag.error("E213", action.type.span, f"column '{column.name}' cannot be converted from "
                     f"{old_type.display()} to {new_type.display()} automatically",
                     f"add a using expression: using {column.name}::{new_type.display()}")
        return
    if column.default is not None:  # checked when it was set: only its type matters now
        typed = infer(column.default, lambda ref: None, lw.known_type)
        if fits(typed, new_type) is not None and not (typed.type and assignable(typed.type, new_type)):
            lw.bag.error("E213", action.span, f"the default of column '{column.name}' cannot be converted to "
                         f"{new_type.display()}", "drop the default first, then set a new one after the change")
            return
    if lw.existed_before(table.name):
        if rewrites_table(old_type, new_type):
            lw.warn("W103", action.span, f"changing '{column.name}' from {old_type.display()} to "
                    f"{new_type.display()} rewrites '{table.name.display()}' under an ACCESS EXCLUSIVE lock",
                    "expand-contract: add a new column of the new type, backfill, switch, drop the old one")
        if narrows(old_type, new_type):
            lw.warn("W002", action.span, f"changing '{column.name}' from {old_type.display()} to "
                    f"{new_type.display()} can lose data that the down migration cannot restore")
    inverse_using = None if assignable(new_type, old_type) else o.cast_expr(column.name, old_type)
    lw.emit(o.AlterColumnTypeOp(table.name, column.name, old_type, new_type, action.using, inverse_using,
                                castable(new_type, old_type), action.span))


def _set_not_null(lw: Lowering, table: Table, action: ast.SetNotNull) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    if lw.existed_before(table.name) and not column.not_null and not _proven_not_null(table, column.name):
        lw.warn("W102", action.span, f"set not null on '{column.name}' scans '{table.name.display()}' under an "
                "ACCESS EXCLUSIVE lock",
                f"add check ({column.name} is not null) not valid, validate constraint, then set not null")
    lw.emit(o.SetNotNullOp(table.name, column.name, not column.not_null, action.span))


def _proven_not_null(table: Table, column: str) -> bool:
    """A validated `check (column is not null)` lets PostgreSQL (12+) set not null without a scan."""
    for c in table.constraints:
        expr = c.check
        while isinstance(expr, ast.Paren):
            expr = expr.inner
        if c.validated and isinstance(expr, ast.IsNull) and expr.negated and \
                isinstance(expr.operand, ast.ColumnRef) and expr.operand.name.value == column:
            return True
    return False


def _drop_not_null(lw: Lowering, table: Table, action: ast.DropNotNull) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    pk = table.primary_key
    if pk is not None and column.name in pk.columns:
        lw.bag.error("E217", action.span, f"column '{column.name}' is in primary key '{pk.name}': it stays not null")
        return
    if column.identity is not None:
        lw.bag.error("E217", action.span, f"identity column '{column.name}' stays not null")
        return
    lw.emit(o.DropNotNullOp(table.name, column.name, column.not_null, action.span))


def _set_default(lw: Lowering, table: Table, action: ast.SetDefault) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    if column.identity is not None:
        lw.bag.error("E216", action.span, f"identity column '{column.name}' cannot have a default")
        return
    before = len(lw.bag.items)
    check_default(lw, action.expr, column)
    if len(lw.bag.items) == before:
        lw.emit(o.SetDefaultOp(table.name, column.name, action.expr, column.default, action.span))


def _drop_default(lw: Lowering, table: Table, action: ast.DropDefault) -> None:
    column = lw.column(table, action.column)
    if column is not None:
        lw.emit(o.DropDefaultOp(table.name, column.name, column.default, action.span))


def _add_constraint(lw: Lowering, table: Table, action: ast.AddConstraint) -> None:
    pending = table_constraint(action.constraint)
    constraints = resolve(lw, table, [pending])
    if constraints is None:
        return
    constraint = constraints[0]
    if lw.existed_before(table.name) and constraint.kind in ("foreign key", "check") and constraint.validated:
        lw.warn("W104", action.span, f"{constraint.kind} '{constraint.name}' on existing table "
                f"'{table.name.display()}' is checked against every row under a lock",
                "add it `not valid`, then `validate constraint` in a later migration")
    lints.keys_on_existing_table(lw, table.name, [constraint], action.span)
    if constraint.kind == "primary key":
        lints.primary_key_type(lw, table, constraint, action.span)
    if constraint.kind == "primary key":  # PostgreSQL makes the key columns not null: say so, to invert it
        for name in constraint.columns:
            col = table.column(name)
            if col is not None and not col.not_null:
                lw.emit(o.SetNotNullOp(table.name, name, True, action.span))
    lw.emit(o.AddConstraintOp(table.name, constraint, action.span))


def _validate_constraint(lw: Lowering, table: Table, action: ast.ValidateConstraint) -> None:
    constraint = _constraint(lw, table, action.name)
    if constraint is None:
        return
    if constraint.kind not in ("foreign key", "check"):
        lw.bag.error("E217", action.name.span, f"constraint '{constraint.name}' is a {constraint.kind}: "
                     "only foreign key and check constraints can be validated")
        return
    lw.emit(o.ValidateConstraintOp(table.name, constraint.name, action.span))


def _drop_constraint(lw: Lowering, table: Table, action: ast.DropConstraint) -> None:
    constraint = _constraint(lw, table, action.name)
    if constraint is None:
        return
    if constraint.has_index:
        for other in lw.schema.tables.values():
            for fk in other.constraints:
                ref = fk.references
                if ref is not None and ref.table == table.name and set(ref.columns) == set(constraint.columns):
                    if other.name == table.name and fk.name == constraint.name:
                        continue
                    lw.bag.error("E205", action.span, f"cannot drop constraint '{constraint.name}': foreign key "
                                 f"'{fk.name}' of table '{other.name.display()}' depends on it")
                    return
    lw.emit(o.DropConstraintOp(table.name, constraint, action.span))


def _constraint(lw: Lowering, table: Table, ident: ast.Ident) -> Constraint | None:
    constraint = table.constraint(ident.value)
    if constraint is None:
        lw.bag.error("E107", ident.span, f"table '{table.name.display()}' has no constraint '{ident.value}'",
                     did_you_mean(ident.value, [c.name for c in table.constraints]))
    return constraint


_ACTIONS: dict[type, Callable[[Lowering, Table, Any], None]] = {
    ast.AddColumn: _add_column, ast.DropColumn: _drop_column, ast.RenameColumn: _rename_column,
    ast.SetType: _set_type, ast.SetNotNull: _set_not_null, ast.DropNotNull: _drop_not_null,
    ast.SetDefault: _set_default, ast.DropDefault: _drop_default, ast.AddConstraint: _add_constraint,
    ast.ValidateConstraint: _validate_constraint, ast.DropConstraint: _drop_constraint,
}

__all__ = ["alter_table", "Name"]
