"""`alter table ... alter column C [set data] type T [using EXPR]`: a column's type change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Cast, ColumnRef, Expr, Ident, Literal, QName, TypeRef
from migc.ir.model import Name, ObjectRef, Table
from migc.ir.op import PASS_ALTER_TYPE, DownRisk, Irreversible, Lock, Op, TableAction, columns_touched
from migc.ir.routine import column_users
from migc.ir.schema import Schema
from migc.ir.types import SqlType, assignable, castable, narrows, rewrites_table
from migc.lower.context import TYPE_CHANGE_REBUILDERS, Lowering
from migc.lower.dispatch import lowers_action
from migc.lower.exprcheck import check_columns, columns_by_name
from migc.lower.generated import generated_user, partition_column_change
from migc.lower.typecheck import fits, infer
from migc.source import Span
from migc.syntax.ast import AlterAction
from migc.tree import Marker, builder, marker_value, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class SetType(AlterAction):
    ARGS = ("column", "type", "using")
    column: Ident
    type: TypeRef
    using: Expr | None
    span: Span = _span()


@builder("using")
def _using(c: list[Any]) -> Marker:
    return Marker("using", node(c, Expr), span_of(c))


@builder("set_type")
def _set_type(c: list[Any]) -> SetType:
    return SetType(node(c, Ident), node(c, TypeRef), marker_value(c, "using"), span_of(c))


# ------------------------------------------------------------------ ops


def _on(table: Name, column: str) -> str:
    return f"{table.display()}.{column}"


def _type_ref(t: SqlType) -> TypeRef:
    qualified = QName(Ident(t.schema), Ident(t.name)) if t.schema else QName(None, Ident(t.name))
    return TypeRef(qualified, t.args, t.array_dims)


def cast_expr(column: str, to: SqlType) -> Expr:
    """`column::type`, for a `using` that PostgreSQL needs when no assignment cast exists."""
    return Cast(ColumnRef(Ident(column)), _type_ref(to))


@dataclass(frozen=True, slots=True)
class AlterColumnTypeOp(TableAction):
    table: Name
    column: str
    old_type: SqlType
    new_type: SqlType
    using: Expr | None
    inverse_using: Expr | None  # what the way back needs (None: an assignment cast exists)
    reversible: bool = True  # False: PostgreSQL has no cast at all from the new type back
    span: Span = _span()
    type_span: Span = _span()  # where the new type is written
    # the column's collation before and after: PostgreSQL keeps it across string types and drops it
    # for a type that takes none, so the way back to a string type names it again
    old_collation: tuple[str, ...] | None = None
    new_collation: tuple[str, ...] | None = None
    PASS = PASS_ALTER_TYPE
    ACTION = ("ALTER COLUMN {{ op.column|ident }} TYPE {{ op.new_type|sqltype }}"
              '{% if op.new_collation %} COLLATE {{ op.new_collation|map("ident")|join(".") }}{% endif %}'
              "{% if op.using is not none %} USING {{ op.using|expr }}{% endif %}")

    def touches(self) -> frozenset[str]:
        return columns_touched(self.column, *(self.using.column_names() if self.using is not None else ()))

    def down_risks(self) -> tuple[DownRisk, ...]:
        if not self.reversible or not narrows(self.new_type, self.old_type):
            return ()
        return (DownRisk("data", self.table, self.column,
                         f"its down changes {_on(self.table, self.column)} back from {self.new_type.display()} to "
                         f"{self.old_type.display()}, which can round, cut or refuse values written since"),)

    def merge_conflict(self, other: TableAction) -> bool:
        """PostgreSQL refuses to change one column's type twice in one ALTER TABLE."""
        return isinstance(other, AlterColumnTypeOp) and other.column == self.column

    def apply(self, schema: Schema) -> Schema:
        table = schema.tables[self.table]
        col = table.column(self.column)
        assert col is not None
        default = _retyped_default(col.default, self.old_type, self.new_type)
        return schema.with_table(table.with_column(replace(col, type=self.new_type, default=default,
                                                           collation=self.new_collation)))

    def invert(self) -> tuple[Op, ...]:
        if not self.reversible:
            raise Irreversible(f"no cast from {self.new_type.display()} back to {self.old_type.display()}")
        return (AlterColumnTypeOp(self.table, self.column, self.new_type, self.old_type, self.inverse_using,
                                  self.using, True, self.span, self.type_span, self.new_collation, self.old_collation),)

    def describe(self) -> str:
        return f"change type of {_on(self.table, self.column)} to {self.new_type.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")


def _retyped_default(default: Expr | None, old: SqlType, new: SqlType) -> Expr | None:
    """PostgreSQL stores a string (or NULL) default as a constant of the column's type at the time; a
    type change keeps that constant (`''::character varying`, `NULL::character varying` on a column
    now text). The model says so with an explicit cast, which the way back removes again."""
    if default is None or (old.name, old.schema) == (new.name, new.schema):
        return default
    if isinstance(default, Literal) and default.kind in ("string", "null"):  # `default null` is NULL::type
        return Cast(default, _type_ref(replace(old, args=())))
    if isinstance(default, Cast) and isinstance(default.operand, Literal) and default.operand.kind in ("string", "null"):
        if _type_ref(replace(new, args=())) == default.type:
            return default.operand
    return default


# ------------------------------------------------------------------ lowering


@lowers_action(SetType)
def _lower_set_type(lw: Lowering, table: Table, action: SetType) -> None:
    column = lw.column(table, action.column)
    resolved = lw.resolve_type(action.type)
    if column is None or resolved is None:
        return
    new_type = resolved[0]
    old_type = column.type
    if partition_column_change(lw, table, action.span, "change the type of a column"):
        return
    user = generated_user(table, column.name)
    if user is not None:  # PostgreSQL: cannot alter type of a column used by a generated column
        lw.bag.error("E223", action.span, f"cannot change the type of column '{column.name}': generated column "
                     f"'{user.name}' of table '{table.name.display()}' is computed from it",
                     f"drop column {user.name} first, then add it again after the change")
        return
    users = column_users(table, column.name)
    if users:
        lw.bag.error("E249", action.span, f"cannot change the type of column '{column.name}': {users[0]} on table "
                     f"'{table.name.display()}' uses it", "drop it first, change the type, then create it again")
        return
    if new_type != old_type and lw.used_by_view(ObjectRef.of_column(table.name, column.name), action.span,
                                                f"cannot change the type of column '{column.name}'"):
        return
    if action.using is not None:
        mark = lw.bag.mark()
        typed = check_columns(lw, action.using, columns_by_name(table.columns), table.name.display(), "using")
        if lw.bag.errors_since(mark):
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
    inverse_using = None if assignable(new_type, old_type) else cast_expr(column.name, old_type)
    # PostgreSQL keeps the checks and expression indexes over the column by re-parsing their stored
    # text against the new type, which is not what a fresh `check (...)` would store (`a in (1, 2)`
    # becomes `a = ANY (ARRAY[1, 2])` on a bigint, not `ARRAY[1::bigint, 2::bigint]`), and the way
    # back re-parses once more. So they are dropped before and made again after, as written, and the
    # catalog is what the model says, after up and after down. When the table is rewritten this costs
    # nothing (the checks are checked during the rewrite; PostgreSQL would rebuild those indexes
    # anyway); when it is not, the checks come back `not valid` and are validated in a statement of
    # their own (a scan that blocks no reads or writes), and the indexes are left as PostgreSQL keeps
    # them rather than built again.
    rewrite = rewrites_table(old_type, new_type)
    plans = [rebuild(lw, table, column.name, rewrite, action.span) for _, rebuild in sorted(TYPE_CHANGE_REBUILDERS, key=lambda r: r[0])]
    for before, _ in reversed(plans):
        for op in before:
            lw.emit(op)
    lw.emit(AlterColumnTypeOp(table.name, column.name, old_type, new_type, action.using, inverse_using,
                              castable(new_type, old_type), action.span, action.type.span, column.collation,
                              column.collation if new_type.category == "S" else None))
    for _, after in plans:
        for op in after:
            lw.emit(op)


