"""Checking the expressions of defaults, checks, indexes and `using` against the table they touch."""

from __future__ import annotations

import difflib
from collections.abc import Callable

from migc import expr as ex
from migc.ir.model import Column, EnumType, Name
from migc.ir.types import SqlType
from migc.lower import functions
from migc.lower.context import Lowering, did_you_mean
from migc.lower.defaults import default_problem
from migc.lower.typecheck import BOOLEAN, Typed, fits, infer


def _lookup(lw: Lowering, columns: dict[str, Column], table: str, what: str) -> Callable[[ex.ColumnRef], SqlType | None]:
    def column(ref: ex.ColumnRef) -> SqlType | None:
        col = columns.get(ref.name.value)
        if col is None:
            lw.bag.error("E103", ref.span, f"{what} names unknown column '{ref.name.value}' of table '{table}'",
                         did_you_mean(ref.name.value, columns))
            return None
        return col.type

    return column


def check_functions(lw: Lowering, expr: ex.Expr) -> None:
    """Every function an expression calls exists: one of PostgreSQL's, or the model's. After raw
    `sql` (which may have made one) an unknown function is a warning, not an error."""
    for call in expr.find_all(ex.FuncCall):
        name = call.name.name.value
        if call.name.schema is not None and call.name.schema.value != "pg_catalog":
            continue  # a schema's own function: language v2 models them
        if functions.is_known(name) or lw.user_function_named(name):
            continue
        if lw.schema.opaque:
            lw.bag.warning("W004", call.name.span, f"function '{name}' is not one migc knows: the model cannot "
                           "check it (an earlier raw sql statement may have made it)",
                           "make it with `create function` so the model knows it")
            continue
        close = difflib.get_close_matches(name, list(functions.builtin_names()), n=1, cutoff=0.8)
        lw.bag.error("E219", call.name.span, f"unknown function '{name}'",
                     f"did you mean '{close[0]}'?" if close else None)


def check_default(lw: Lowering, expr: ex.Expr, column: Column) -> Typed:
    """A default may not name columns, and its value must fit the column's type."""
    check_functions(lw, expr)
    for ref in expr.column_refs():
        lw.bag.error("E210", ref.span, f"a default cannot refer to column '{ref.name.value}'",
                     "to quote a string, use single quotes: 'text'")
    typed = infer(expr, lambda ref: None, lw.resolve_cast_type)
    problem = fits(typed, column.type)
    if problem is None and typed.literal == "string" and column.type.is_enum and not column.type.array_dims:
        enum = lw.schema.enums.get(Name(column.type.schema or "public", column.type.name))
        problem = _enum_label_problem(typed.value or "", enum)
    if problem is not None:
        lw.bag.error("E201", expr.span, f"default for column '{column.name}': {problem}")
    elif (refused := default_problem(lw, expr, column.type)) is not None:  # language v2: constants' input
        lw.bag.error("E201", refused[0].span, f"default for column '{column.name}': {refused[1]}")
    elif typed.literal == "string" and column.type.is_enum:
        _new_label_used(lw, Name(column.type.schema or "public", column.type.name), typed.value or "", expr)
    return typed


def _new_label_used(lw: Lowering, enum: Name, label: str, where: ex.Expr) -> None:
    """PostgreSQL refuses (55P04) to use an enum label before the transaction that added it commits."""
    if (enum, label) in lw.added_labels:
        lw.bag.error("E218", where.span, f"enum label '{label}' of {enum.display()} is added by this migration: "
                     "PostgreSQL cannot use it before the migration has committed",
                     "use it in a later migration (add the value in a migration of its own)")


def _new_labels_compared(lw: Lowering, expr: ex.Expr, columns: dict[str, Column]) -> None:
    """`role = 'owner'`, `role in ('owner', ...)` where 'owner' was added to role's enum just now."""
    if not lw.added_labels:
        return
    for node in expr.walk():
        pairs: list[tuple[ex.Expr, ex.Expr]] = []
        if isinstance(node, ex.Binary):
            pairs = [(node.left, node.right), (node.right, node.left)]
        elif isinstance(node, ex.InList):
            pairs = [(node.operand, item) for item in node.items]
        for column_side, value in pairs:
            col = columns.get(column_side.name.value) if isinstance(column_side, ex.ColumnRef) else None
            if col is not None and col.type.is_enum and isinstance(value, ex.Literal) and value.kind == "string":
                _new_label_used(lw, Name(col.type.schema or "public", col.type.name), value.value, value)


def _enum_label_problem(label: str, enum: EnumType | None) -> str | None:
    if enum is None or label in enum.values:
        return None
    listed = ", ".join(f"'{v}'" for v in enum.values)
    return f"'{label}' is not a label of enum {enum.name.display()} ({listed})"


def check_boolean(lw: Lowering, expr: ex.Expr, columns: dict[str, Column], table: str, what: str) -> None:
    """Check and where expressions: known columns, and a boolean result where the type is known."""
    typed = infer(expr, _lookup(lw, columns, table, what), lw.resolve_cast_type)
    check_functions(lw, expr)
    _new_labels_compared(lw, expr, columns)
    if typed.type is not None and typed.type != BOOLEAN:
        lw.bag.error("E211", expr.span, f"{what} must be boolean, not {typed.type.display()}")
    elif typed.literal == "string" and typed.value is not None and fits(typed, BOOLEAN) is not None:
        lw.bag.error("E211", expr.span, f"{what} must be boolean, not a string")


def check_columns(lw: Lowering, expr: ex.Expr, columns: dict[str, Column], table: str, what: str) -> Typed:
    check_functions(lw, expr)
    _new_labels_compared(lw, expr, columns)
    return infer(expr, _lookup(lw, columns, table, what), lw.resolve_cast_type)


def columns_by_name(columns: tuple[Column, ...] | list[Column]) -> dict[str, Column]:
    return {c.name: c for c in columns}
