"""`create schema NAME`, `drop schema NAME`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.expr import Ident
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import Attrs, Name, Namespace, ObjectRef
from migc.ir.op import Lock, Op
from migc.ir.schema import OBJECT_KINDS, Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import builder, has_token, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class OnSchema(Statement):
    ARGS = ("name",)
    name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateSchema(OnSchema):
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropSchema(OnSchema):
    if_exists: bool = False


@builder("create_schema")
def _create_schema(c: list[Any]) -> CreateSchema:
    return CreateSchema(node(c, Ident), span_of(c), has_token(c, "IF_NOT_EXISTS"))


@builder("drop_schema")
def _drop_schema(c: list[Any]) -> DropSchema:
    return DropSchema(node(c, Ident), span_of(c), has_token(c, "IF_EXISTS"))


# ------------------------------------------------------------------ ops


def _ref(name: str) -> ObjectRef:
    return ObjectRef("schema", Name(name, ""))


@dataclass(frozen=True, slots=True)
class CreateSchemaOp(Op):
    name: str
    span: Span = _span()
    TEMPLATE = "CREATE SCHEMA {{ op.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.with_schema(self.name)

    def invert(self) -> tuple[Op, ...]:
        return (DropSchemaOp(self.name, self.span),)

    def describe(self) -> str:
        return f"create schema {self.name}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (_ref(self.name),)


@dataclass(frozen=True, slots=True)
class DropSchemaOp(Op):
    name: str
    span: Span = _span()
    attrs: Attrs = ()  # what the schema carried (its comment): the down restores it
    TEMPLATE = "DROP SCHEMA {{ op.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.without_schema(self.name)

    def invert(self) -> tuple[Op, ...]:
        namespace = Namespace(self.name, self.attrs)
        return (CreateSchemaOp(self.name, self.span), *attribute_ops(namespace.ref, namespace))

    def describe(self) -> str:
        return f"drop schema {self.name}"

    def lock(self) -> Lock | None:
        return None


@creator(Namespace)
def _create(namespace: Namespace) -> tuple[Op, ...]:
    return (CreateSchemaOp(namespace.name),)


# ------------------------------------------------------------------ lowering


@lowers(CreateSchema)
def _lower_create(lw: Lowering, stmt: CreateSchema) -> None:
    if not lw.check_ident(stmt.name):
        return
    if stmt.name.value in lw.schema.schemas and stmt.if_not_exists:
        lw.does_nothing(stmt.span, f"schema '{stmt.name.value}' already exists")
        return
    if stmt.name.value in lw.schema.schemas:
        lw.bag.error("E112", stmt.name.span, f"schema '{stmt.name.value}' already exists")
        return
    lw.emit(CreateSchemaOp(stmt.name.value, stmt.span))


@lowers(DropSchema)
def _lower_drop(lw: Lowering, stmt: DropSchema) -> None:
    name = stmt.name.value
    if name not in lw.schema.schemas and stmt.if_exists:
        lw.does_nothing(stmt.span, f"there is no schema '{name}'")
        return
    if name not in lw.schema.schemas:
        lw.bag.error("E111", stmt.name.span, f"unknown schema '{name}'")
        return
    in_use = [n.display() for n in [*lw.schema.tables, *lw.schema.enums] if n.schema == name]
    for kind, objects in lw.schema.objects.items():
        in_use += [kind_of.ref_of(key, obj).display() for kind_of in (OBJECT_KINDS[kind],)
                   for key, obj in objects.items() if kind_of.ref_of(key, obj).name.schema == name]
    if in_use or name == "public":
        what = f"it still holds {', '.join(sorted(in_use)[:5])}" if in_use else "public is the default schema"
        lw.bag.error("E215", stmt.span, f"cannot drop schema '{name}': {what}")
        return
    namespace = lw.schema.namespace(name)
    lw.emit(DropSchemaOp(name, stmt.span, namespace.attrs if namespace is not None else ()))


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "schemas", "schema",
    f"SELECT n.nspname FROM pg_namespace n WHERE {USER_NS} AND {not_extension_member('pg_namespace', 'n.oid')}",
    lambda row: ((row[0],), {}),
))
