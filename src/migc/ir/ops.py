"""The typed schema-change IR: one frozen op per change, named as a verb.

An op that destroys something carries what is needed to re-create it (taken from the schema at
lowering time), so `invert()` needs nothing else. Spans say where in the .mig file the op came from;
they take no part in equality."""

from __future__ import annotations

from dataclasses import dataclass, field

from migc.ir.model import Column, Constraint, EnumType, Index, Name, Table
from migc.ir.types import SqlType
from migc.source import NO_SPAN, Span
from migc.syntax.ast import Cast, ColumnRef, Expr, Ident, QName, TypeRef

_span = field(default=NO_SPAN, compare=False, repr=False)


class Irreversible(Exception):
    """Raised by `invert()` of an op that has no inverse."""


def _q(name: Name) -> str:
    return name.display()


@dataclass(frozen=True, slots=True)
class CreateSchemaOp:
    name: str
    span: Span = _span

    def describe(self) -> str:
        return f"create schema {self.name}"

    def invert(self) -> tuple[Op, ...]:
        return (DropSchemaOp(self.name, self.span),)


@dataclass(frozen=True, slots=True)
class DropSchemaOp:
    name: str
    span: Span = _span

    def describe(self) -> str:
        return f"drop schema {self.name}"

    def invert(self) -> tuple[Op, ...]:
        return (CreateSchemaOp(self.name, self.span),)


@dataclass(frozen=True, slots=True)
class CreateTableOp:
    table: Table
    span: Span = _span

    def describe(self) -> str:
        return f"create table {_q(self.table.name)}"

    def invert(self) -> tuple[Op, ...]:
        return (DropTableOp(self.table, (), (), self.span),)


@dataclass(frozen=True, slots=True)
class DropTableOp:
    table: Table
    indexes: tuple[Index, ...]  # its own indexes (not those of its constraints)
    incoming: tuple[tuple[Name, Constraint], ...]  # foreign keys of other tables into it
    span: Span = _span

    def describe(self) -> str:
        return f"drop table {_q(self.table.name)}"

    def invert(self) -> tuple[Op, ...]:
        return (
            CreateTableOp(self.table, self.span),
            *(CreateIndexOp(i, False, self.span) for i in self.indexes),
            *(AddConstraintOp(t, c, self.span) for t, c in self.incoming),
        )


@dataclass(frozen=True, slots=True)
class RenameTableOp:
    old: Name
    new: Name
    span: Span = _span

    def describe(self) -> str:
        return f"rename table {_q(self.old)} to {self.new.name}"

    def invert(self) -> tuple[Op, ...]:
        return (RenameTableOp(self.new, self.old, self.span),)


@dataclass(frozen=True, slots=True)
class AddColumnOp:
    table: Name
    column: Column
    constraints: tuple[Constraint, ...]  # declared on the column itself
    span: Span = _span

    def describe(self) -> str:
        return f"add column {self.column.name} to {_q(self.table)}"

    def invert(self) -> tuple[Op, ...]:
        return (DropColumnOp(self.table, self.column, (), (), self.span),)


@dataclass(frozen=True, slots=True)
class DropColumnOp:
    table: Name
    column: Column
    constraints: tuple[Constraint, ...]  # every constraint of the table that mentions the column
    indexes: tuple[Index, ...]  # every index that mentions the column
    span: Span = _span

    def describe(self) -> str:
        return f"drop column {self.column.name} from {_q(self.table)}"

    def invert(self) -> tuple[Op, ...]:
        return (
            AddColumnOp(self.table, self.column, (), self.span),
            *(AddConstraintOp(self.table, c, self.span) for c in self.constraints),
            *(CreateIndexOp(i, False, self.span) for i in self.indexes),
        )


@dataclass(frozen=True, slots=True)
class RenameColumnOp:
    table: Name
    old: str
    new: str
    span: Span = _span

    def describe(self) -> str:
        return f"rename column {self.old} of {_q(self.table)} to {self.new}"

    def invert(self) -> tuple[Op, ...]:
        return (RenameColumnOp(self.table, self.new, self.old, self.span),)


def type_ref(t: SqlType) -> TypeRef:
    qualified = QName(Ident(t.enum_schema), Ident(t.name)) if t.enum_schema else QName(None, Ident(t.name))
    return TypeRef(qualified, t.args, t.array_dims)


def cast_expr(column: str, to: SqlType) -> Expr:
    """`column::type`, for a `using` that PostgreSQL needs when no assignment cast exists."""
    return Cast(ColumnRef(Ident(column)), type_ref(to))


@dataclass(frozen=True, slots=True)
class AlterColumnTypeOp:
    table: Name
    column: str
    old_type: SqlType
    new_type: SqlType
    using: Expr | None
    inverse_using: Expr | None  # what the way back needs (None: an assignment cast exists)
    reversible: bool = True  # False: PostgreSQL has no cast at all from the new type back
    span: Span = _span

    def describe(self) -> str:
        return f"change type of {_q(self.table)}.{self.column} to {self.new_type.display()}"

    def invert(self) -> tuple[Op, ...]:
        if not self.reversible:
            raise Irreversible(f"no cast from {self.new_type.display()} back to {self.old_type.display()}")
        back_using = self.inverse_using
        return (AlterColumnTypeOp(self.table, self.column, self.new_type, self.old_type, back_using,
                                  self.using, True, self.span),)


@dataclass(frozen=True, slots=True)
class SetNotNullOp:
    table: Name
    column: str
    changed: bool = True  # False: the column was already not null, so the way back does nothing
    span: Span = _span

    def describe(self) -> str:
        return f"set not null on {_q(self.table)}.{self.column}"

    def invert(self) -> tuple[Op, ...]:
        return (DropNotNullOp(self.table, self.column, self.changed, self.span),) if self.changed else ()


@dataclass(frozen=True, slots=True)
class DropNotNullOp:
    table: Name
    column: str
    changed: bool = True  # False: the column was already nullable
    span: Span = _span

    def describe(self) -> str:
        return f"drop not null on {_q(self.table)}.{self.column}"

    def invert(self) -> tuple[Op, ...]:
        return (SetNotNullOp(self.table, self.column, self.changed, self.span),) if self.changed else ()


@dataclass(frozen=True, slots=True)
class SetDefaultOp:
    table: Name
    column: str
    default: Expr
    previous: Expr | None
    span: Span = _span

    def describe(self) -> str:
        return f"set default of {_q(self.table)}.{self.column}"

    def invert(self) -> tuple[Op, ...]:
        if self.previous is None:
            return (DropDefaultOp(self.table, self.column, self.default, self.span),)
        return (SetDefaultOp(self.table, self.column, self.previous, self.default, self.span),)


@dataclass(frozen=True, slots=True)
class DropDefaultOp:
    table: Name
    column: str
    previous: Expr | None  # None: there was no default, so the way back does nothing
    span: Span = _span

    def describe(self) -> str:
        return f"drop default of {_q(self.table)}.{self.column}"

    def invert(self) -> tuple[Op, ...]:
        if self.previous is None:
            return ()
        return (SetDefaultOp(self.table, self.column, self.previous, None, self.span),)


@dataclass(frozen=True, slots=True)
class AddConstraintOp:
    table: Name
    constraint: Constraint
    span: Span = _span

    @property
    def not_valid(self) -> bool:
        return not self.constraint.validated

    def describe(self) -> str:
        return f"add constraint {self.constraint.name} to {_q(self.table)}"

    def invert(self) -> tuple[Op, ...]:
        return (DropConstraintOp(self.table, self.constraint, self.span),)


@dataclass(frozen=True, slots=True)
class DropConstraintOp:
    table: Name
    constraint: Constraint
    span: Span = _span

    def describe(self) -> str:
        return f"drop constraint {self.constraint.name} from {_q(self.table)}"

    def invert(self) -> tuple[Op, ...]:
        return (AddConstraintOp(self.table, self.constraint, self.span),)


@dataclass(frozen=True, slots=True)
class ValidateConstraintOp:
    table: Name
    name: str
    span: Span = _span

    def describe(self) -> str:
        return f"validate constraint {self.name} on {_q(self.table)}"

    def invert(self) -> tuple[Op, ...]:
        return ()  # a validated constraint stays valid: nothing to undo


@dataclass(frozen=True, slots=True)
class CreateIndexOp:
    index: Index
    concurrently: bool
    span: Span = _span

    def describe(self) -> str:
        return f"create {'unique ' if self.index.unique else ''}index {self.index.name.name} on {_q(self.index.table)}"

    def invert(self) -> tuple[Op, ...]:
        return (DropIndexOp(self.index, self.concurrently, self.span),)


@dataclass(frozen=True, slots=True)
class DropIndexOp:
    index: Index
    concurrently: bool
    span: Span = _span

    def describe(self) -> str:
        return f"drop index {_q(self.index.name)}"

    def invert(self) -> tuple[Op, ...]:
        return (CreateIndexOp(self.index, self.concurrently, self.span),)


@dataclass(frozen=True, slots=True)
class CreateEnumOp:
    enum: EnumType
    span: Span = _span

    def describe(self) -> str:
        return f"create enum {_q(self.enum.name)}"

    def invert(self) -> tuple[Op, ...]:
        return (DropEnumOp(self.enum, self.span),)


@dataclass(frozen=True, slots=True)
class DropEnumOp:
    enum: EnumType
    span: Span = _span

    def describe(self) -> str:
        return f"drop enum {_q(self.enum.name)}"

    def invert(self) -> tuple[Op, ...]:
        return (CreateEnumOp(self.enum, self.span),)


@dataclass(frozen=True, slots=True)
class AddEnumValueOp:
    enum: Name
    value: str
    position: str | None  # "before" | "after"
    anchor: str | None
    span: Span = _span

    def describe(self) -> str:
        return f"add value '{self.value}' to enum {_q(self.enum)}"

    def invert(self) -> tuple[Op, ...]:
        raise Irreversible("PostgreSQL cannot remove a value from an enum")


@dataclass(frozen=True, slots=True)
class RenameEnumOp:
    old: Name
    new: Name
    span: Span = _span

    def describe(self) -> str:
        return f"rename enum {_q(self.old)} to {self.new.name}"

    def invert(self) -> tuple[Op, ...]:
        return (RenameEnumOp(self.new, self.old, self.span),)


@dataclass(frozen=True, slots=True)
class RawSqlOp:
    sql: str
    down: str | None
    span: Span = _span

    def describe(self) -> str:
        first = self.sql.split("\n", 1)[0]
        return "sql: " + (first[:60] + "..." if len(first) > 60 else first)

    def invert(self) -> tuple[Op, ...]:
        if self.down is None:
            raise Irreversible("raw sql without a down")
        return (RawSqlOp(self.down, self.sql, self.span),)


Op = (
    CreateSchemaOp | DropSchemaOp | CreateTableOp | DropTableOp | RenameTableOp | AddColumnOp | DropColumnOp
    | RenameColumnOp | AlterColumnTypeOp | SetNotNullOp | DropNotNullOp | SetDefaultOp | DropDefaultOp
    | AddConstraintOp | DropConstraintOp | ValidateConstraintOp | CreateIndexOp | DropIndexOp
    | CreateEnumOp | DropEnumOp | AddEnumValueOp | RenameEnumOp | RawSqlOp
)

