"""The objects of the modelled catalog: names, columns, constraints, indexes, tables, enums.
All frozen; a change makes new objects (see schema.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from migc.ir.types import SqlType
from migc.syntax.ast import Expr


@dataclass(frozen=True, slots=True, order=True)
class Name:
    """A schema-qualified name of a table, index or enum."""

    schema: str
    name: str

    def display(self) -> str:
        return self.name if self.schema == "public" else f"{self.schema}.{self.name}"

    def renamed(self, name: str) -> Name:
        return Name(self.schema, name)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: SqlType
    not_null: bool = False
    default: Expr | None = None
    identity: str | None = None  # "by default" | "always"
    # declared serial: the type its sequence was made AS (which a later type change keeps); the
    # nextval() default is an ordinary default, so `drop default` and its inverse are exact
    serial: str | None = None
    sequence: str | None = None  # the owned sequence's name (serial or identity)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: Name
    columns: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # "primary key" | "unique" | "check" | "foreign key"
    columns: tuple[str, ...] = ()  # key columns; for a check, the columns it mentions
    check: Expr | None = None
    references: ForeignKey | None = None
    validated: bool = True  # False: added `not valid`, not yet validated

    @property
    def has_index(self) -> bool:
        """Primary keys and unique constraints own an index of the same name."""
        return self.kind in ("primary key", "unique")


@dataclass(frozen=True, slots=True)
class IndexElement:
    expr: Expr
    order: str | None = None
    nulls: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    name: Name  # indexes live in their table's schema
    table: Name
    unique: bool
    elements: tuple[IndexElement, ...]
    where: Expr | None = None
    columns: tuple[str, ...] = ()  # every column the index mentions, for drop column


@dataclass(frozen=True, slots=True)
class Table:
    name: Name
    columns: tuple[Column, ...]
    constraints: tuple[Constraint, ...] = ()

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def constraint(self, name: str) -> Constraint | None:
        for c in self.constraints:
            if c.name == name:
                return c
        return None

    @property
    def primary_key(self) -> Constraint | None:
        for c in self.constraints:
            if c.kind == "primary key":
                return c
        return None

    def with_column(self, column: Column) -> Table:
        """Replace the column of the same name."""
        return replace(self, columns=tuple(column if c.name == column.name else c for c in self.columns))


@dataclass(frozen=True, slots=True)
class EnumType:
    name: Name
    values: tuple[str, ...]
