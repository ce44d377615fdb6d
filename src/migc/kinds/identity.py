"""Changing a column's identity or generation on an existing table: `alter column C add generated
always|by default as identity [(options)]`, `drop identity [if exists]`, `set generated always|by
default`, and `drop expression [if exists]` (a generated column becomes a plain one)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Ident
from migc.ir.creation import RESTORERS
from migc.ir.model import Column, Name, ObjectRef, Table
from migc.ir.op import PASS_COL_ATTRS, DownRisk, Irreversible, Lock, Op, TableAction, columns_touched
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.definitions import sequence_name
from migc.lower.dispatch import lowers_action
from migc.lower.generated import identity_options
from migc.source import Span
from migc.syntax.ast import AlterAction, SeqOption
from migc.tree import builder, has_token, marker_value, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class AddIdentity(AlterAction):
    ARGS = ("column", "options")
    column: Ident
    always: bool
    options: tuple[SeqOption, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropIdentity(AlterAction):
    ARGS = ("column",)
    column: Ident
    if_exists: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SetGenerated(AlterAction):
    ARGS = ("column",)
    column: Ident
    always: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropExpression(AlterAction):
    ARGS = ("column",)
    column: Ident
    if_exists: bool
    span: Span = _span()


@builder("add_identity")
def _add_identity(c: list[Any]) -> AddIdentity:
    return AddIdentity(node(c, Ident), has_token(c, "ALWAYS"), marker_value(c, "seq options") or (), span_of(c))


@builder("drop_identity")
def _drop_identity(c: list[Any]) -> DropIdentity:
    return DropIdentity(node(c, Ident), has_token(c, "IF_EXISTS"), span_of(c))


@builder("set_generated")
def _set_generated(c: list[Any]) -> SetGenerated:
    return SetGenerated(node(c, Ident), has_token(c, "ALWAYS"), span_of(c))


@builder("drop_expression")
def _drop_expression(c: list[Any]) -> DropExpression:
    return DropExpression(node(c, Ident), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ ops


def _word(identity: str | None) -> str:
    return "ALWAYS" if identity == "always" else "BY DEFAULT"


@dataclass(frozen=True, slots=True)
class ColumnIdentityChange(TableAction):
    table: Name
    column: str

    def touches(self) -> frozenset[str]:
        return columns_touched(self.column)

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")

    def changed(self, schema: Schema, **changes: Any) -> Schema:
        t = schema.tables[self.table]
        col = t.column(self.column)
        assert col is not None
        return schema.with_table(t.with_column(replace(col, **changes)))


@dataclass(frozen=True, slots=True)
class AddIdentityOp(ColumnIdentityChange):
    identity: str  # "always" | "by default"
    options: tuple[tuple[str, int | bool | None], ...]
    sequence: str
    span: Span = _span()
    PASS = PASS_COL_ATTRS
    ACTION = ('ALTER COLUMN {{ op.column|ident }} ADD GENERATED {{ "ALWAYS" if op.identity == "always" else "BY DEFAULT" }}'
              ' AS IDENTITY (SEQUENCE NAME {{ op.table.schema|ident }}.{{ op.sequence|ident }}'
              '{{ d.seq_options(op.options) }})')

    def apply(self, schema: Schema) -> Schema:
        return self.changed(schema, identity=self.identity, identity_options=self.options, sequence=self.sequence)

    def invert(self) -> tuple[Op, ...]:
        return (DropIdentityOp(self.table, self.column, self.identity, self.options, self.sequence, self.span),)

    def describe(self) -> str:
        return f"add identity to {self.table.display()}.{self.column}"


@dataclass(frozen=True, slots=True)
class DropIdentityOp(ColumnIdentityChange):
    identity: str  # what it was, to give it back
    options: tuple[tuple[str, int | bool | None], ...]
    sequence: str
    span: Span = _span()
    grants: object = None  # the column's "sequence grants" (kinds/grant.py): they go with the sequence
    PASS = PASS_COL_ATTRS
    ACTION = "ALTER COLUMN {{ op.column|ident }} DROP IDENTITY"

    def apply(self, schema: Schema) -> Schema:
        after = self.changed(schema, identity=None, identity_options=(), sequence=None)
        if self.grants is None:
            return after
        return after.with_attr(ObjectRef.of_column(self.table, self.column), "sequence grants", None)

    def invert(self) -> tuple[Op, ...]:
        add = AddIdentityOp(self.table, self.column, self.identity, self.options, self.sequence, self.span)
        if self.grants is None:
            return (add,)
        return (add, *RESTORERS["sequence grants"](ObjectRef.of_column(self.table, self.column), self.grants))

    def down_risks(self) -> tuple[DownRisk, ...]:
        return (DownRisk("data", self.table, self.column,
                         f"its down makes {self.table.display()}.{self.column} an identity again with a new sequence "
                         "that starts over: new rows can take values rows already have"),)

    def describe(self) -> str:
        return f"drop identity of {self.table.display()}.{self.column}"


@dataclass(frozen=True, slots=True)
class SetGeneratedOp(ColumnIdentityChange):
    identity: str
    previous: str
    span: Span = _span()
    PASS = PASS_COL_ATTRS
    ACTION = 'ALTER COLUMN {{ op.column|ident }} SET GENERATED {{ "ALWAYS" if op.identity == "always" else "BY DEFAULT" }}'

    def apply(self, schema: Schema) -> Schema:
        return self.changed(schema, identity=self.identity)

    def invert(self) -> tuple[Op, ...]:
        return (SetGeneratedOp(self.table, self.column, self.previous, self.identity, self.span),)

    def describe(self) -> str:
        return f"set generated {self.identity} on {self.table.display()}.{self.column}"


@dataclass(frozen=True, slots=True)
class DropExpressionOp(ColumnIdentityChange):
    span: Span = _span()
    PASS = PASS_COL_ATTRS
    ACTION = "ALTER COLUMN {{ op.column|ident }} DROP EXPRESSION"

    def apply(self, schema: Schema) -> Schema:
        return self.changed(schema, generated=None)

    def invert(self) -> tuple[Op, ...]:
        raise Irreversible(f"PostgreSQL cannot make {self.table.display()}.{self.column} a generated column again "
                           "(before version 17 there is no way back but dropping and adding the column)")

    def describe(self) -> str:
        return f"drop expression of {self.table.display()}.{self.column}"


# ------------------------------------------------------------------ lowering


def _column(lw: Lowering, table: Table, ident: Ident) -> Column | None:
    return lw.column(table, ident)


@lowers_action(AddIdentity)
def _lower_add(lw: Lowering, table: Table, action: AddIdentity) -> None:
    column = _column(lw, table, action.column)
    if column is None:
        return
    where = f"column '{column.name}'"
    if column.identity is not None:
        lw.bag.error("E216", action.span, f"{where} is already an identity column")
        return
    if column.default is not None or column.generated is not None or column.serial is not None:
        lw.bag.error("E216", action.span, f"{where} has a default or a generated value: drop it first")
        return
    if column.type.name not in ("smallint", "integer", "bigint") or column.type.array_dims or column.type.is_user:
        lw.bag.error("E216", action.span, f"identity column '{column.name}' must be smallint, integer or bigint")
        return
    if not column.not_null:
        lw.bag.error("E216", action.span, f"{where} must be not null before it becomes an identity column",
                     f"alter column {column.name} set not null first")
        return
    options = identity_options(lw, column.name, column.type, action.options, action.span)
    if options is None:
        return
    sequence = sequence_name(lw, table.name, column.name, set())
    lw.emit(AddIdentityOp(table.name, column.name, "always" if action.always else "by default", options, sequence,
                          action.span))


def _identity_column(lw: Lowering, table: Table, ident: Ident, if_exists: bool, span: Span) -> Column | None:
    column = _column(lw, table, ident)
    if column is None:
        return None
    if column.identity is None:
        if if_exists:
            lw.does_nothing(span, f"column '{column.name}' is not an identity column", "the action")
        else:
            lw.bag.error("E216", span, f"column '{column.name}' is not an identity column")
        return None
    return column


@lowers_action(DropIdentity)
def _lower_drop(lw: Lowering, table: Table, action: DropIdentity) -> None:
    column = _identity_column(lw, table, action.column, action.if_exists, action.span)
    if column is None or column.identity is None or column.sequence is None:
        return
    lw.emit(DropIdentityOp(table.name, column.name, column.identity, column.identity_options, column.sequence,
                           action.span, column.attr("sequence grants")))


@lowers_action(SetGenerated)
def _lower_set(lw: Lowering, table: Table, action: SetGenerated) -> None:
    column = _identity_column(lw, table, action.column, False, action.span)
    if column is None or column.identity is None:
        return
    wanted = "always" if action.always else "by default"
    if column.identity == wanted:
        lw.does_nothing(action.span, f"column '{column.name}' is already generated {wanted}", "the action")
        return
    lw.emit(SetGeneratedOp(table.name, column.name, wanted, column.identity, action.span))


@lowers_action(DropExpression)
def _lower_drop_expression(lw: Lowering, table: Table, action: DropExpression) -> None:
    column = _column(lw, table, action.column)
    if column is None:
        return
    if column.generated is None:
        if action.if_exists:
            lw.does_nothing(action.span, f"column '{column.name}' is not a generated column", "the action")
        else:
            lw.bag.error("E216", action.span, f"column '{column.name}' is not a generated column")
        return
    if table.partition_of is not None:
        lw.bag.error("E228", action.span, f"cannot drop the expression of partition '{table.name.display()}' "
                     "alone: drop it on its parent")
        return
    lw.emit(DropExpressionOp(table.name, column.name, action.span))
