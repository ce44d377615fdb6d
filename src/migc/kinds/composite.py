"""`create type NAME as (ATTRIBUTE TYPE, ...)`, `alter type NAME add attribute A TYPE | drop attribute
[if exists] A | rename attribute A to B | rename to NEW`, `drop type [if exists] NAME`: composite types.

A composite type is a column type (SqlType kind "composite"). Like a table it is a relation too
(pg_class relkind 'c'), so its name is taken in the schema's relation and type namespaces. PostgreSQL
refuses to add or drop attributes of a type a column uses, or to drop one a view reads (without
cascade): so does the model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc import quoting
from migc.expr import Ident, QName, TypeRef
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import Attrs, HasAttrs, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import TABLE_DEPENDENCIES, TYPE_FOLLOWERS, ObjectKind, Schema, object_kind
from migc.ir.types import SqlType, renamed_type
from migc.lower.comment_targets import TYPE_KINDS, comment_sql
from migc.lower.context import TYPE_RESOLVERS, Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Node, builder, has_token, node, nodes, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class TypeAttribute(Node):
    ARGS = ("name", "type")
    name: Ident
    type: TypeRef
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateCompositeType(Statement):
    ARGS = ("name", "attributes")
    name: QName
    attributes: tuple[TypeAttribute, ...]
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class AlterCompositeType(Statement):
    """One action: "add attribute" (attribute), "drop attribute" / "rename attribute" (old, new),
    "rename" (new)."""

    ARGS = ("name", "attribute", "old", "new")
    name: QName
    action: str
    attribute: TypeAttribute | None = None
    old: Ident | None = None
    new: Ident | None = None
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropCompositeType(Statement):
    ARGS = ("name",)
    name: QName
    if_exists: bool = False
    span: Span = _span()


@builder("type_attribute")
def _type_attribute(c: list[Any]) -> TypeAttribute:
    return TypeAttribute(node(c, Ident), node(c, TypeRef), span_of(c))


@builder("create_type")
def _create_type(c: list[Any]) -> CreateCompositeType:
    return CreateCompositeType(node(c, QName), tuple(nodes(c, TypeAttribute)), span_of(c))


class _Action:
    def __init__(self, action: str, c: list[Any]) -> None:
        self.action, self.children, self.span = action, c, span_of(c)


def _action(action: str) -> Any:
    def build(c: list[Any]) -> _Action:
        return _Action(action, c)

    return build


for _rule, _name in (("type_add_attribute", "add attribute"), ("type_drop_attribute", "drop attribute"),
                     ("type_rename_attribute", "rename attribute"), ("type_rename", "rename")):
    builder(_rule)(_action(_name))


@builder("alter_type")
def _alter_type(c: list[Any]) -> AlterCompositeType:
    act = next(x for x in c if isinstance(x, _Action))
    idents = nodes(act.children, Ident)
    attribute = next((x for x in act.children if isinstance(x, TypeAttribute)), None)
    old = idents[0] if act.action in ("drop attribute", "rename attribute") else None
    new = idents[-1] if act.action in ("rename attribute", "rename") else None
    return AlterCompositeType(node(c, QName), act.action, attribute, old, new, has_token(act.children, "IF_EXISTS"),
                              span_of(c))


@builder("drop_type")
def _drop_type(c: list[Any]) -> DropCompositeType:
    return DropCompositeType(node(c, QName), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ the model


@dataclass(frozen=True, slots=True)
class CompositeType(HasAttrs):
    name: Name
    attributes: tuple[tuple[str, SqlType], ...]
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("composite", self.name)

    def type(self) -> SqlType:
        return SqlType(self.name.name, (), 0, self.name.schema, "composite")

    def attribute(self, name: str) -> SqlType | None:
        return next((t for n, t in self.attributes if n == name), None)


def _uses(t: SqlType) -> ObjectRef | None:
    if t.schema is None or t.kind not in ("composite", "domain", "enum"):
        return None
    return ObjectRef(t.kind, Name(t.schema, t.name))


def _depends(key: Name, c: CompositeType) -> list[ObjectRef]:
    return [ref for _, t in c.attributes if (ref := _uses(t)) is not None]


def _table_uses(table: Table) -> list[ObjectRef]:
    return [ObjectRef("composite", Name(c.type.schema or "public", c.type.name)) for c in table.columns
            if c.type.kind == "composite"]


object_kind(ObjectKind("composite", names=lambda key, c: [("type", key.schema, key.name),
                                                          ("relation", key.schema, key.name)],
                       depends_on=_depends, rank=15))
TABLE_DEPENDENCIES.append(_table_uses)


def _type_of(schema: Schema, name: Name) -> SqlType | None:
    found = schema.store("composite").get(name)
    return found.type() if isinstance(found, CompositeType) else None


TYPE_RESOLVERS.append(_type_of)


def _follow(schema: Schema, kind: str, old: Name, new: Name) -> Schema:
    """Composite types whose attributes have a renamed type (TYPE_FOLLOWERS)."""
    after = schema
    for key, c in list(schema.store("composite").items()):
        attributes = tuple((n, renamed_type(t, kind, old, new)) for n, t in c.attributes)
        if attributes != c.attributes:
            after = after.with_object("composite", key, replace(c, attributes=attributes))
    return after


TYPE_FOLLOWERS.append(_follow)


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class CreateCompositeTypeOp(Op):
    composite: CompositeType
    span: Span = _span()
    TEMPLATE = ("CREATE TYPE {{ op.composite.name|qname }} AS ("
                "{% for n, t in op.composite.attributes %}{{ n|ident }} {{ t|sqltype }}"
                "{{ ', ' if not loop.last }}{% endfor %})")

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object("composite", self.composite.name, self.composite)

    def invert(self) -> tuple[Op, ...]:
        return (DropCompositeTypeOp(self.composite, self.span),)

    def describe(self) -> str:
        return f"create type {self.composite.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.composite.ref,)


@dataclass(frozen=True, slots=True)
class DropCompositeTypeOp(Op):
    composite: CompositeType  # with its attributes, to give them back
    span: Span = _span()
    TEMPLATE = "DROP TYPE {{ op.composite.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.without_object("composite", self.composite.name)

    def invert(self) -> tuple[Op, ...]:
        return (CreateCompositeTypeOp(self.composite.without_attrs(), self.span),
                *attribute_ops(self.composite.ref, self.composite))

    def describe(self) -> str:
        return f"drop type {self.composite.name.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class AddAttributeOp(Op):
    composite: Name
    attribute: str
    type: SqlType
    span: Span = _span()
    TEMPLATE = "ALTER TYPE {{ op.composite|qname }} ADD ATTRIBUTE {{ op.attribute|ident }} {{ op.type|sqltype }}"

    def apply(self, schema: Schema) -> Schema:
        c: CompositeType = schema.store("composite")[self.composite]
        return schema.with_object("composite", self.composite,
                                  replace(c, attributes=(*c.attributes, (self.attribute, self.type))))

    def invert(self) -> tuple[Op, ...]:
        return (DropAttributeOp(self.composite, self.attribute, self.type, self.span),)

    def describe(self) -> str:
        return f"add attribute {self.attribute} to type {self.composite.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class DropAttributeOp(Op):
    composite: Name
    attribute: str
    type: SqlType  # to give it back (at the end: PostgreSQL cannot put it back where it was)
    span: Span = _span()
    TEMPLATE = "ALTER TYPE {{ op.composite|qname }} DROP ATTRIBUTE {{ op.attribute|ident }}"

    def apply(self, schema: Schema) -> Schema:
        c: CompositeType = schema.store("composite")[self.composite]
        return schema.with_object("composite", self.composite, replace(
            c, attributes=tuple(a for a in c.attributes if a[0] != self.attribute)))

    def invert(self) -> tuple[Op, ...]:
        return (AddAttributeOp(self.composite, self.attribute, self.type, self.span),)

    def describe(self) -> str:
        return f"drop attribute {self.attribute} of type {self.composite.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameAttributeOp(Op):
    composite: Name
    old: str
    new: str
    span: Span = _span()
    TEMPLATE = "ALTER TYPE {{ op.composite|qname }} RENAME ATTRIBUTE {{ op.old|ident }} TO {{ op.new|ident }}"

    def apply(self, schema: Schema) -> Schema:
        c: CompositeType = schema.store("composite")[self.composite]
        return schema.with_object("composite", self.composite, replace(
            c, attributes=tuple((self.new if n == self.old else n, t) for n, t in c.attributes)))

    def invert(self) -> tuple[Op, ...]:
        return (RenameAttributeOp(self.composite, self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename attribute {self.old} of type {self.composite.display()} to {self.new}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameCompositeTypeOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER TYPE {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        c: CompositeType = schema.store("composite")[self.old]
        after = schema.with_object("composite", self.new, replace(c, name=self.new), replacing=self.old)
        return after.with_type_renamed("composite", self.old, self.new)

    def invert(self) -> tuple[Op, ...]:
        return (RenameCompositeTypeOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename type {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef("composite", self.old), ObjectRef("composite", self.new)


@creator(CompositeType)
def _create(composite: CompositeType) -> tuple[Op, ...]:
    return (CreateCompositeTypeOp(composite),)


# ------------------------------------------------------------------ lowering


def _users(schema: Schema, ref: ObjectRef, action: str) -> str | None:
    """What makes PostgreSQL refuse `action`: to drop the type, anything that uses it; to add or drop
    an attribute, a table column of the type (its rows are stored), or, to drop one, a view that
    reads the type's rows (from a function in FROM: PostgreSQL records the attributes it reads). A
    function returning the type does not."""
    for kind, key, obj in schema.users_of(ref):
        if kind == "table":
            column = next((c.name for c in obj.columns if c.type.kind == "composite"
                           and Name(c.type.schema or "", c.type.name) == ref.name), "?")
            return f"column '{key.display()}.{column}' uses it"
        if action == "drop type" or (kind in ("view", "materialized view") and action == "drop attribute"):
            return f"{kind} '{key.display() if isinstance(key, Name) else key}' uses it"
    return None


def _composite(lw: Lowering, qname: QName, *, what: str = "composite type") -> CompositeType | None:
    name = lw.name(qname)
    if name is None:
        return None
    found = lw.schema.store("composite").get(name)
    if isinstance(found, CompositeType):
        return found
    if name in lw.schema.enums:
        lw.bag.error("E217", qname.span, f"'{name.display()}' is an enum, not a composite type",
                     f"use the enum statements: drop enum {name.display()}, rename enum ...")
    elif name in lw.schema.store("domain"):
        lw.bag.error("E217", qname.span, f"'{name.display()}' is a domain, not a composite type",
                     f"use the domain statements: drop domain {name.display()}, alter domain ...")
    else:
        lw.unknown(name, "E232", qname.span, f"unknown {what} '{name.display()}'",
                     did_you_mean(name.name, [n.name for n in lw.schema.store("composite") if n.schema == name.schema]))
    return None


def _attribute_type(lw: Lowering, composite: Name, attr: TypeAttribute) -> SqlType | None:
    if not lw.check_ident(attr.name):
        return None
    resolved = lw.resolve_type(attr.type)
    if resolved is None:
        return None
    t = resolved[0]
    if t.kind == "composite" and (t.schema, t.name) == (composite.schema, composite.name):
        lw.bag.error("E217", attr.type.span, f"composite type {composite.display()} cannot be made a member of itself")
        return None
    return t


@lowers(CreateCompositeType)
def _lower_create(lw: Lowering, stmt: CreateCompositeType) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if name.name in lw.schema.type_names(name.schema) or name in lw.schema.enums:
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists")
        return
    if not lw.relation_free(name, stmt.name.span, "E110", "type"):
        return
    attributes: list[tuple[str, SqlType]] = []
    ok = True
    for attr in stmt.attributes:
        if any(n == attr.name.value for n, _ in attributes):
            lw.bag.error("E237", attr.name.span, f"attribute '{attr.name.value}' is listed twice")
            ok = False
            continue
        t = _attribute_type(lw, name, attr)
        if t is None:
            ok = False
            continue
        attributes.append((attr.name.value, t))
    if ok:
        lw.emit(CreateCompositeTypeOp(CompositeType(name, tuple(attributes)), stmt.span))


@lowers(AlterCompositeType)
def _lower_alter(lw: Lowering, stmt: AlterCompositeType) -> None:
    composite = _composite(lw, stmt.name)
    if composite is None:
        return
    name = composite.name
    if stmt.action in ("add attribute", "drop attribute"):
        used = _users(lw.schema, composite.ref, stmt.action)
        if used is not None:
            lw.bag.error("E217", stmt.span, f"cannot {stmt.action.split()[0]} an attribute of type "
                         f"'{name.display()}': {used}", "PostgreSQL refuses it without cascade")
            return
    if stmt.action == "add attribute" and lw.reads_rows(composite.ref, stmt.span, "cannot add an attribute of type "
                                                        f"'{name.display()}'"):
        return
    match stmt.action:
        case "add attribute":
            attr = stmt.attribute
            assert attr is not None
            if composite.attribute(attr.name.value) is not None:
                lw.bag.error("E237", attr.name.span, f"type '{name.display()}' already has an attribute "
                             f"'{attr.name.value}'")
                return
            t = _attribute_type(lw, name, attr)
            if t is not None:
                lw.emit(AddAttributeOp(name, attr.name.value, t, stmt.span))
        case "drop attribute" | "rename attribute":
            assert stmt.old is not None
            t = composite.attribute(stmt.old.value)
            if t is None:
                if stmt.if_exists:
                    lw.does_nothing(stmt.span, f"type '{name.display()}' has no attribute '{stmt.old.value}'")
                    return
                lw.bag.error("E237", stmt.old.span, f"type '{name.display()}' has no attribute '{stmt.old.value}'",
                             did_you_mean(stmt.old.value, [n for n, _ in composite.attributes]))
                return
            if stmt.action == "drop attribute":
                lw.emit(DropAttributeOp(name, stmt.old.value, t, stmt.span))
                return
            assert stmt.new is not None
            if not lw.check_ident(stmt.new):
                return
            if composite.attribute(stmt.new.value) is not None:
                lw.bag.error("E237", stmt.new.span, f"type '{name.display()}' already has an attribute "
                             f"'{stmt.new.value}'")
                return
            lw.emit(RenameAttributeOp(name, stmt.old.value, stmt.new.value, stmt.span))
        case "rename":
            assert stmt.new is not None
            if not lw.check_ident(stmt.new):
                return
            new = name.renamed(stmt.new.value)
            if new.name in lw.schema.type_names(new.schema) or new in lw.schema.enums:
                lw.bag.error("E110", stmt.new.span, f"type '{new.display()}' already exists")
                return
            if lw.relation_free(new, stmt.new.span, "E110", "type"):
                lw.emit(RenameCompositeTypeOp(name, new, stmt.span))


@lowers(DropCompositeType)
def _lower_drop(lw: Lowering, stmt: DropCompositeType) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.store("composite") and name not in lw.schema.enums \
                and name not in lw.schema.store("domain"):
            lw.does_nothing(stmt.span, f"there is no type '{name.display()}'")
            return
    composite = _composite(lw, stmt.name, what="type")
    if composite is None:
        return
    used = _users(lw.schema, composite.ref, "drop type")
    if used is not None:
        lw.bag.error("E234", stmt.span, f"cannot drop type '{composite.name.display()}': {used}")
        return
    lw.emit(DropCompositeTypeOp(composite, stmt.span))


@comment_sql("composite")
def _comment_sql(ref: ObjectRef) -> str:
    return f"TYPE {quoting.qualified(ref.name.schema, ref.name.name)}"


TYPE_KINDS.append("composite")  # `comment on type NAME`


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "composite_types", "composite type",
    f"""SELECT n.nspname, t.typname,
            coalesce((SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attname)
                      FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '{{}}')
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
        WHERE t.typtype = 'c' AND c.relkind = 'c' AND {USER_NS} AND {not_extension_member('pg_type', 't.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"attributes": list(row[2])}),
))
