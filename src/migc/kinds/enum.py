"""`create enum`, `alter enum ... add value`, `rename enum`, `drop enum` (PostgreSQL's enum types)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import EnumType, Name, ObjectRef
from migc.ir.op import Irreversible, Lock, Op
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.source import Span
from migc.syntax.ast import OnName, Renaming, Statement, StringLit, string_lits
from migc.tree import Marker, build_from, builder, has_token, marker_value, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreateEnum(Statement):
    ARGS = ("name", "values")
    name: QName
    values: tuple[StringLit, ...]
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class AlterEnumAddValue(Statement):
    ARGS = ("name", "value", "anchor")
    name: QName
    value: StringLit
    position: str | None  # "before" | "after"
    anchor: StringLit | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RenameEnum(Renaming):
    pass


@dataclass(frozen=True, slots=True)
class DropEnum(OnName):
    if_exists: bool = False


@builder("create_enum")
def _create_enum(c: list[Any]) -> CreateEnum:
    return CreateEnum(node(c, QName), tuple(string_lits(c)), span_of(c))


@builder("enum_position")
def _enum_position(c: list[Any]) -> Marker:
    return Marker("position", (c[0].value.lower(), string_lits(c)[0]), span_of(c))


@builder("alter_enum")
def _alter_enum(c: list[Any]) -> AlterEnumAddValue:
    position, anchor = marker_value(c, "position", (None, None))
    return AlterEnumAddValue(node(c, QName), string_lits(c)[0], position, anchor, span_of(c))


builder("rename_enum")(build_from(RenameEnum, QName, Ident))
@builder("drop_enum")
def _drop_enum(c: list[Any]) -> DropEnum:
    return DropEnum(node(c, QName), span_of(c), has_token(c, "IF_EXISTS"))


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class CreateEnumOp(Op):
    enum: EnumType
    span: Span = _span()
    TEMPLATE = 'CREATE TYPE {{ op.enum.name|qname }} AS ENUM ({{ op.enum.values|map("literal")|join(", ") }})'

    def apply(self, schema: Schema) -> Schema:
        return schema.with_enum(self.enum)

    def invert(self) -> tuple[Op, ...]:
        return (DropEnumOp(self.enum, self.span),)

    def describe(self) -> str:
        return f"create enum {self.enum.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.enum.ref,)


@dataclass(frozen=True, slots=True)
class DropEnumOp(Op):
    enum: EnumType  # with its attributes, to give them back
    span: Span = _span()
    TEMPLATE = "DROP TYPE {{ op.enum.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.without_enum(self.enum.name)

    def invert(self) -> tuple[Op, ...]:
        return (CreateEnumOp(self.enum.without_attrs(), self.span), *attribute_ops(self.enum.ref, self.enum))

    def describe(self) -> str:
        return f"drop enum {self.enum.name.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class AddEnumValueOp(Op):
    enum: Name
    value: str
    position: str | None  # "before" | "after"
    anchor: str | None
    span: Span = _span()
    TEMPLATE = ("ALTER TYPE {{ op.enum|qname }} ADD VALUE {{ op.value|literal }}"
                "{% if op.anchor is not none %} {{ op.position|upper }} {{ op.anchor|literal }}{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        e = schema.enums[self.enum]
        values = list(e.values)
        if self.anchor is None:
            values.append(self.value)
        else:
            at = values.index(self.anchor)
            values.insert(at if self.position == "before" else at + 1, self.value)
        return schema.with_enum(replace(e, values=tuple(values)))

    def invert(self) -> tuple[Op, ...]:
        raise Irreversible("PostgreSQL cannot remove a value from an enum")

    def describe(self) -> str:
        return f"add value '{self.value}' to enum {self.enum.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameEnumOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER TYPE {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        """What holds it follows (Schema.with_type_renamed): columns, casts in stored expressions..."""
        after = schema.with_enum(replace(schema.enums[self.old], name=self.new), replacing=self.old)
        return after.with_type_renamed("enum", self.old, self.new)

    def invert(self) -> tuple[Op, ...]:
        return (RenameEnumOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename enum {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef("enum", self.old), ObjectRef("enum", self.new)


@creator(EnumType)
def _create(enum: EnumType) -> tuple[Op, ...]:
    return (CreateEnumOp(enum),)


# ------------------------------------------------------------------ lowering


def _type_taken(lw: Lowering, name: Name) -> bool:
    # a table (or a view) is also a row type
    return name in lw.schema.enums or name in lw.schema.tables or name.name in lw.schema.type_names(name.schema)


@lowers(CreateEnum)
def _lower_create(lw: Lowering, stmt: CreateEnum) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if _type_taken(lw, name):
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists")
        return
    seen: set[str] = set()
    for value in stmt.values:
        if value.value in seen:
            lw.bag.error("E214", value.span, f"enum label '{value.value}' is listed twice")
            return
        if len(value.value.encode("utf-8")) > 63:
            lw.bag.error("E214", value.span, "enum labels are at most 63 bytes")
            return
        seen.add(value.value)
    lw.emit(CreateEnumOp(EnumType(name, tuple(v.value for v in stmt.values)), stmt.span))


@lowers(AlterEnumAddValue)
def _lower_add_value(lw: Lowering, stmt: AlterEnumAddValue) -> None:
    enum = lw.enum(stmt.name)
    if enum is None:
        return
    if stmt.value.value in enum.values:
        lw.bag.error("E214", stmt.value.span, f"enum {enum.name.display()} already has the label '{stmt.value.value}'")
        return
    if stmt.anchor is not None and stmt.anchor.value not in enum.values:
        lw.bag.error("E214", stmt.anchor.span, f"enum {enum.name.display()} has no label '{stmt.anchor.value}'")
        return
    anchor = stmt.anchor.value if stmt.anchor else None
    if enum.ref not in {ref for op in lw.ops for ref in op.creates()}:  # new enums' labels are usable at once
        lw.added_labels.add((enum.name, stmt.value.value))
    lw.emit(AddEnumValueOp(enum.name, stmt.value.value, stmt.position, anchor, stmt.span))


@lowers(RenameEnum)
def _lower_rename(lw: Lowering, stmt: RenameEnum) -> None:
    enum = lw.enum(stmt.name)
    if enum is None or not lw.check_ident(stmt.new_name):
        return
    new = enum.name.renamed(stmt.new_name.value)
    if _type_taken(lw, new):
        lw.bag.error("E110", stmt.new_name.span, f"type '{new.display()}' already exists")
        return
    lw.emit(RenameEnumOp(enum.name, new, stmt.span))


@lowers(DropEnum)
def _lower_drop(lw: Lowering, stmt: DropEnum) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is not None and name not in lw.schema.enums:
            lw.does_nothing(stmt.span, f"there is no enum '{name.display()}'")
            return
    enum = lw.enum(stmt.name)
    if enum is None:
        return
    users = lw.schema.enum_users(enum.name)
    if users:
        table, column = users[0]
        lw.bag.error("E215", stmt.span, f"cannot drop enum '{enum.name.display()}': column "
                     f"'{table.name.display()}.{column.name}' uses it")
        return
    for kind, key, _ in lw.schema.users_of(enum.ref):  # a domain over it, a composite type's attribute
        if kind not in ("table", "index"):
            lw.bag.error("E215", stmt.span, f"cannot drop enum '{enum.name.display()}': {kind} "
                         f"'{key.display() if isinstance(key, Name) else key}' uses it")
            return
    lw.emit(DropEnumOp(enum, stmt.span))


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "enums", "enum",
    f"""SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE {USER_NS} AND {not_extension_member('pg_type', 't.oid')} GROUP BY n.nspname, t.typname""",
    lambda row: ((qualified(row[0], row[1]),), {"labels": list(row[2])}),
))
