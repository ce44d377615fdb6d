"""The objects of the modelled catalog: names, columns, constraints, indexes, tables, enums.
All frozen; a change makes new objects (see schema.py).

Every object also carries `attrs`: properties that other statement kinds hang on it (a comment, for
one), in the way PostgreSQL keeps them apart from the object's own definition (pg_description is keyed
by the object's oid). Because they travel with the object, a renamed table keeps its comment, a
dropped one takes it along, and the op that drops it can give it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple, TypeVar

from migc.expr import Expr
from migc.ir.types import SqlType

Attrs = tuple[tuple[str, object], ...]  # (name, value) pairs, sorted by name: hashable, comparable


class Name(NamedTuple):
    """A schema-qualified name of a table, index or enum. (A named tuple: the model compares and
    hashes names all the time, and tuples do it in C.)"""

    schema: str
    name: str

    def display(self) -> str:
        return self.name if self.schema == "public" else f"{self.schema}.{self.name}"

    def renamed(self, name: str) -> Name:
        return Name(self.schema, name)


class ObjectRef(NamedTuple):
    """Which object a statement is about: ("table", users), ("column", users, "email"), ("index", ...)."""

    kind: str  # "schema" | "table" | "column" | "index" | "enum"
    name: Name  # for a schema: Name(schema, "")
    column: str | None = None

    def display(self) -> str:
        if self.kind == "schema":
            return f"schema {self.name.schema}"
        if self.kind == "function":  # column: its argument types
            return f"function {self.name.display()}({self.column or ''})"
        if self.kind in ("trigger", "policy"):  # name: its table; column: its own name
            return f"{self.kind} {self.column} on {self.name.display()}"
        if self.column is not None:
            return f"{self.kind} {self.name.display()}.{self.column}"
        return f"{self.kind} {self.name.display()}"

    @staticmethod
    def table(name: Name) -> ObjectRef:
        return ObjectRef("table", name)

    @staticmethod
    def of_column(table: Name, column: str) -> ObjectRef:
        return ObjectRef("column", table, column)


A = TypeVar("A", bound="HasAttrs")


class HasAttrs:
    """`attrs` access for the model objects (all frozen dataclasses with an `attrs` field)."""

    __slots__ = ()
    attrs: Attrs

    def attr(self, key: str) -> object | None:
        for k, v in self.attrs:
            if k == key:
                return v
        return None

    def with_attr(self: A, key: str, value: object | None) -> A:
        """The same object with `key` set to `value` (None removes it)."""
        kept = tuple((k, v) for k, v in self.attrs if k != key)
        if value is not None:
            kept = tuple(sorted((*kept, (key, value)), key=lambda kv: kv[0]))
        return replace(self, attrs=kept)  # type: ignore[type-var]

    def without_attrs(self: A) -> A:
        return replace(self, attrs=()) if self.attrs else self  # type: ignore[type-var]


@dataclass(frozen=True, slots=True)
class Column(HasAttrs):
    name: str
    type: SqlType
    not_null: bool = False
    default: Expr | None = None
    identity: str | None = None  # "by default" | "always"
    # declared serial: the type its sequence was made AS (which a later type change keeps); the
    # nextval() default is an ordinary default, so `drop default` and its inverse are exact
    serial: str | None = None
    sequence: str | None = None  # the owned sequence's name (serial or identity)
    attrs: Attrs = ()
    # an identity's sequence options as written: ("start", 1000), ("minvalue", None) = no minvalue,
    # ("cycle", True/False)
    identity_options: tuple[tuple[str, int | bool | None], ...] = ()
    generated: Expr | None = None  # `generated always as (expr) stored`
    collation: tuple[str, ...] | None = None  # ("C",) or ("pg_catalog", "C"), as written


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: Name
    columns: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An exclusion constraint's index: `exclude using gist (room with =, during with &&) where (...)`."""

    method: str
    elements: tuple[tuple[IndexElement, str], ...]  # (element, operator)
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # "primary key" | "unique" | "check" | "foreign key"
    columns: tuple[str, ...] = ()  # key columns; for a check, the columns it mentions
    check: Expr | None = None
    references: ForeignKey | None = None
    validated: bool = True  # False: added `not valid`, not yet validated
    exclusion: Exclusion | None = None  # kind "exclude"
    # a partition's constraint PostgreSQL made from its parent's (named so): PARTITION OF / ATTACH
    # make it again, so nothing creates it on its own
    inherited_from: str | None = None
    # `deferrable` / `initially deferred` (keys, exclusion constraints and foreign keys only)
    deferrable: bool = False
    initially_deferred: bool = False

    @property
    def has_index(self) -> bool:
        """Primary keys and unique constraints own an index of the same name."""
        return self.kind in ("primary key", "unique")

    @property
    def owns_index(self) -> bool:
        """Has it an index of its own name (keys and exclusion constraints)?"""
        return self.kind in INDEX_OWNING_KINDS


INDEX_OWNING_KINDS = frozenset({"primary key", "unique", "exclude"})  # Constraint.owns_index


@dataclass(frozen=True, slots=True)
class OnTable:
    """A constraint together with the table it belongs to (what re-creating it needs)."""

    table: Name
    constraint: Constraint


@dataclass(frozen=True, slots=True)
class IndexElement:
    expr: Expr
    order: str | None = None
    nulls: str | None = None
    opclass: str | None = None  # an operator class, as written (`text_pattern_ops`)
    opclass_schema: str | None = None  # its schema, when written (`ext.gin_trgm_ops`)


@dataclass(frozen=True, slots=True)
class Index(HasAttrs):
    name: Name  # indexes live in their table's schema
    table: Name
    unique: bool
    elements: tuple[IndexElement, ...]
    where: Expr | None = None
    columns: tuple[str, ...] = ()  # every column the index mentions, for drop column
    attrs: Attrs = ()
    inherited_from: Name | None = None  # a partition's index PostgreSQL made from its parent's index
    # the names PostgreSQL gave the index's own columns when it was made (a later column rename
    # keeps them), which name its copies on partitions; empty: its elements' names
    column_labels: tuple[str, ...] = ()
    method: str = "btree"  # `using ...`: btree, hash, gist, gin, brin, spgist, or an extension's
    include: tuple[str, ...] = ()  # `include (...)`: stored, not searched
    nulls_not_distinct: bool = False

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("index", self.name)


@dataclass(frozen=True, slots=True)
class PartitionKey:
    """`partition by range|list|hash (...)`: the strategy and its key, one column or expression each."""

    strategy: str  # "range" | "list" | "hash"
    elements: tuple[IndexElement, ...]  # a column, or an expression (written as in an index)
    columns: tuple[str, ...] = ()  # every column the key mentions


@dataclass(frozen=True, slots=True)
class PartitionBound:
    """`for values from (...) to (...)` | `in (...)` | `with (modulus m, remainder r)` | `default`."""

    kind: str  # "range" | "list" | "hash" | "default"
    values: tuple[tuple[Expr, ...], ...] = ()  # range: (from, to); list: (items,); hash: ((m, r),)


@dataclass(frozen=True, slots=True)
class PartitionOf:
    """A partition: its parent, and its bound."""

    parent: Name
    bound: PartitionBound


@dataclass(frozen=True, slots=True)
class Table(HasAttrs):
    name: Name
    columns: tuple[Column, ...]
    constraints: tuple[Constraint, ...] = ()
    attrs: Attrs = ()
    unlogged: bool = False  # `create unlogged table`, `set unlogged`
    partition_by: PartitionKey | None = None  # a partitioned table
    partition_of: PartitionOf | None = None  # a partition (attached)

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("table", self.name)

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

    def bare(self) -> Table:
        """The table as CREATE TABLE makes it: no attributes on it or its columns."""
        if not self.attrs and not any(c.attrs for c in self.columns):
            return self
        return replace(self, attrs=(), columns=tuple(c.without_attrs() for c in self.columns))

    def references(self, target: Name, column: str | None = None) -> bool:
        """Has it a foreign key into `target` (into its `column`, if given)?"""
        for c in self.constraints:
            fk = c.references
            if fk is not None and fk.table == target and (column is None or column in fk.columns):
                return True
        return False


@dataclass(frozen=True, slots=True)
class EnumType(HasAttrs):
    name: Name
    values: tuple[str, ...]
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("enum", self.name)


@dataclass(frozen=True, slots=True)
class Namespace(HasAttrs):
    """A schema, as an object to create or to hang attributes on (the model keeps schemas as a set
    of names, and their attributes beside them: `Schema.schema_attrs`)."""

    name: str
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("schema", Name(self.name, ""))
