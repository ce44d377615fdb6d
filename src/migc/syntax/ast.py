"""Frozen AST nodes of the .mig language. Every node has a span; spans never take part in equality,
so two expressions written alike compare equal wherever they stand."""

from __future__ import annotations

from dataclasses import dataclass, field

from migc.source import NO_SPAN, Span

_span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Ident:
    value: str  # folded to lower case unless it was quoted
    span: Span = _span
    quoted: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class QName:
    schema: Ident | None
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class TypeRef:
    name: QName  # `double precision` arrives as QName(None, "double precision")
    args: tuple[int, ...]
    array_dims: int
    span: Span = _span


# ------------------------------------------------------------------ expressions


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # "int" | "decimal" | "string" | "bool" | "null"
    value: str  # the literal's value: digits, the unescaped string, "true"/"false", "null"
    span: Span = _span


@dataclass(frozen=True, slots=True)
class ColumnRef:
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class ValueKeyword:
    name: str  # current_timestamp, current_date, ...
    span: Span = _span


@dataclass(frozen=True, slots=True)
class FuncCall:
    name: QName
    args: tuple[Expr, ...]
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "or" "and" "=" "<>" "+" ... (lower case; != is kept as written)
    left: Expr
    right: Expr
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" | "-" | "+"
    operand: Expr
    span: Span = _span


@dataclass(frozen=True, slots=True)
class IsNull:
    operand: Expr
    negated: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class InList:
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Between:
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Like:
    operand: Expr
    pattern: Expr
    op: str  # "like" | "ilike"
    negated: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Cast:
    operand: Expr
    type: TypeRef
    span: Span = _span


@dataclass(frozen=True, slots=True)
class Paren:
    inner: Expr
    span: Span = _span


Expr = Literal | ColumnRef | ValueKeyword | FuncCall | Binary | Unary | IsNull | InList | Between | Like | Cast | Paren


# ------------------------------------------------------------------ column and table constraints


@dataclass(frozen=True, slots=True)
class ForeignKeyRef:
    table: QName
    columns: tuple[Ident, ...]  # empty: the referenced table's primary key
    on_delete: str | None  # "cascade" | "restrict" | "set null" | "set default" | "no action"
    on_update: str | None
    not_valid: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class ColumnModifier:
    """One modifier of a column definition.

    kind: "pk" | "unique" | "not null" | "null" | "default" | "check" | "references" | "identity"
    """

    kind: str
    constraint_name: Ident | None = None
    expr: Expr | None = None  # default / check
    references: ForeignKeyRef | None = None
    identity_always: bool = False
    span: Span = _span


@dataclass(frozen=True, slots=True)
class ColumnDef:
    name: Ident
    type: TypeRef
    modifiers: tuple[ColumnModifier, ...]
    span: Span = _span


@dataclass(frozen=True, slots=True)
class TableConstraint:
    kind: str  # "primary key" | "unique" | "check" | "foreign key"
    name: Ident | None
    columns: tuple[Ident, ...]
    expr: Expr | None = None
    references: ForeignKeyRef | None = None
    not_valid: bool = False  # a check added `not valid` (a foreign key says so in `references`)
    span: Span = _span


# ------------------------------------------------------------------ statements


@dataclass(frozen=True, slots=True)
class CreateSchema:
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropSchema:
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class CreateTable:
    name: QName
    columns: tuple[ColumnDef, ...]
    constraints: tuple[TableConstraint, ...]
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropTable:
    name: QName
    span: Span = _span


@dataclass(frozen=True, slots=True)
class RenameTable:
    name: QName
    new_name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class AddColumn:
    column: ColumnDef
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropColumn:
    column: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class RenameColumn:
    column: Ident
    new_name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class AddConstraint:
    constraint: TableConstraint
    span: Span = _span


@dataclass(frozen=True, slots=True)
class ValidateConstraint:
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropConstraint:
    name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class SetType:
    column: Ident
    type: TypeRef
    using: Expr | None
    span: Span = _span


@dataclass(frozen=True, slots=True)
class SetNotNull:
    column: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropNotNull:
    column: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class SetDefault:
    column: Ident
    expr: Expr
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropDefault:
    column: Ident
    span: Span = _span


AlterAction = (
    AddColumn | DropColumn | RenameColumn | AddConstraint | ValidateConstraint | DropConstraint
    | SetType | SetNotNull | DropNotNull | SetDefault | DropDefault
)


@dataclass(frozen=True, slots=True)
class AlterTable:
    name: QName
    actions: tuple[AlterAction, ...]
    span: Span = _span


@dataclass(frozen=True, slots=True)
class IndexElem:
    expr: Expr
    order: str | None  # "asc" | "desc"
    nulls: str | None  # "first" | "last"
    span: Span = _span


@dataclass(frozen=True, slots=True)
class CreateIndex:
    name: Ident | None
    table: QName
    unique: bool
    concurrently: bool
    elements: tuple[IndexElem, ...]
    where: Expr | None
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropIndex:
    name: QName
    concurrently: bool
    span: Span = _span


@dataclass(frozen=True, slots=True)
class StringLit:
    value: str
    span: Span = _span


@dataclass(frozen=True, slots=True)
class CreateEnum:
    name: QName
    values: tuple[StringLit, ...]
    span: Span = _span


@dataclass(frozen=True, slots=True)
class AlterEnumAddValue:
    name: QName
    value: StringLit
    position: str | None  # "before" | "after"
    anchor: StringLit | None
    span: Span = _span


@dataclass(frozen=True, slots=True)
class RenameEnum:
    name: QName
    new_name: Ident
    span: Span = _span


@dataclass(frozen=True, slots=True)
class DropEnum:
    name: QName
    span: Span = _span


@dataclass(frozen=True, slots=True)
class RawSql:
    up: str
    down: str | None
    span: Span = _span


Statement = (
    CreateSchema | DropSchema | CreateTable | DropTable | RenameTable | AlterTable
    | CreateIndex | DropIndex | CreateEnum | AlterEnumAddValue | RenameEnum | DropEnum | RawSql
)


@dataclass(frozen=True, slots=True)
class Migration:
    statements: tuple[Statement, ...]
    down: tuple[Statement, ...] | None  # the explicit `down { }` block, if any
    down_span: Span | None = None
