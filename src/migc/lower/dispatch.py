"""Which function lowers which AST node: each statement kind registers its own (`@lowers(CreateTable)`,
`@lowers_action(AddColumn)` for the actions of `alter table`), and the driver (lower/__init__.py)
looks them up. tests/test_completeness.py fails when a node class has no lowering."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from migc.ir.model import Table
from migc.lower.context import Lowering
from migc.syntax.ast import AlterAction, Statement

S = TypeVar("S", bound=Statement)
A = TypeVar("A", bound=AlterAction)

STATEMENTS: dict[type, Callable[[Lowering, Any], None]] = {}
ACTIONS: dict[type, Callable[[Lowering, Table, Any], None]] = {}


def lowers(node: type[S]) -> Callable[[Callable[[Lowering, S], None]], Callable[[Lowering, S], None]]:
    def register(fn: Callable[[Lowering, S], None]) -> Callable[[Lowering, S], None]:
        STATEMENTS[node] = fn
        return fn

    return register


def lowers_action(node: type[A]) -> Callable[[Callable[[Lowering, Table, A], None]], Callable[[Lowering, Table, A], None]]:
    """An action's lowering gets the table as it stands after the actions before it."""

    def register(fn: Callable[[Lowering, Table, A], None]) -> Callable[[Lowering, Table, A], None]:
        ACTIONS[node] = fn
        return fn

    return register


def lower_statement(lw: Lowering, stmt: Statement) -> None:
    lw.statement()
    mark = lw.bag.mark()
    STATEMENTS[type(stmt)](lw, stmt)
    declared = stmt.declares()
    if declared is not None and lw.bag.errors_since(mark):
        lw.failed(declared)
    if lw.after_statement:  # what the statement asked to do after it, as a statement of its own
        lw.statement()
        for then in lw.after_statement:
            then()
        lw.after_statement.clear()


def lower_action(lw: Lowering, table: Table, action: AlterAction) -> None:
    ACTIONS[type(action)](lw, table, action)
