"""`create extension [if not exists] NAME [with] [schema S] [version 'V'] [cascade]`,
`drop extension [if exists] NAME`.

The model knows what each extension shipped with the embedded server adds (lower/extensions.py:
types, operator classes, functions, access methods), so `email citext` is an unknown type before
`create extension citext` and a type after it. An extension migc does not know is allowed (W006): the
model cannot check what it adds, so later unknown types and functions are warnings (W004), as after
raw sql. The catalog lists extensions by name and schema; their members come with them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from migc import quoting
from migc.expr import Ident
from migc.ir.catalog import CatalogSection, catalog_section
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import TABLE_DEPENDENCIES, ObjectKind, Schema, object_kind
from migc.ir.types import SqlType
from migc.lower import extensions
from migc.lower.comment_targets import CommentSubject, Found, comment_sql, comment_target
from migc.lower.context import TYPE_HINTS, TYPE_RESOLVERS, Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.extensions import Extension
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, builder, has_token, marker_value, node, span_of, string_value, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreateExtension(Statement):
    ARGS = ("name", "schema")
    name: Ident
    schema: Ident | None
    version: str | None
    cascade: bool
    if_not_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropExtension(Statement):
    ARGS = ("name",)
    name: Ident
    if_exists: bool = False
    span: Span = _span()


@builder("extension_schema")
def _extension_schema(c: list[Any]) -> Marker:
    return Marker("schema", node(c, Ident), span_of(c))


@builder("extension_version")
def _extension_version(c: list[Any]) -> Marker:
    text = token(c, "STRING")
    return Marker("version", string_value(text) if text is not None else node(c, Ident).value, span_of(c))


@builder("create_extension")
def _create_extension(c: list[Any]) -> CreateExtension:
    return CreateExtension(node(c, Ident), marker_value(c, "schema"), marker_value(c, "version"),
                           has_token(c, "CASCADE"), has_token(c, "IF_NOT_EXISTS"), span_of(c))


@builder("drop_extension")
def _drop_extension(c: list[Any]) -> DropExtension:
    return DropExtension(node(c, Ident), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ the model


def _names(key: Name, ext: Extension) -> list[tuple[str, str, str]]:
    data = extensions.known(ext.name)
    return [("type", ext.schema, t[0]) for t in data.types] if data is not None else []


object_kind(ObjectKind("extension", names=_names, rank=0))


def _type_of(schema: Schema, name: Name) -> SqlType | None:
    for ext, data in extensions.installed(schema):
        if data is None or ext.schema != name.schema:
            continue
        for typname, _, category in data.types:
            if typname == name.name:
                return SqlType(typname, (), 0, ext.schema, "base", None, category)
    return None


def _type_hint(schema: Schema, typname: str) -> str | None:
    owner = extensions.type_owner(typname)
    if owner is None:
        return None
    where = next((ext.schema for ext, _ in extensions.installed(schema) if ext.name == owner), None)
    if where is not None:
        return f"extension {owner} is in schema {where}: write {where}.{typname}"
    return f"type {typname} comes with extension {owner}: create extension {owner} first"


def extension_of(t: SqlType) -> ObjectRef | None:
    """The extension an extension's type comes with (by its name: the model's extensions are known)."""
    if t.kind != "base" or t.schema is None:
        return None
    owner = extensions.type_owner(t.name)
    return ObjectRef("extension", Name(t.schema, owner)) if owner is not None else None


def _table_uses(table: Table) -> list[ObjectRef]:
    return [ref for c in table.columns if (ref := extension_of(c.type)) is not None]


TYPE_RESOLVERS.append(_type_of)
TYPE_HINTS.append(_type_hint)
TABLE_DEPENDENCIES.append(_table_uses)


def _extension_store(schema: Schema) -> dict[str, Extension]:
    return {ext.name: ext for ext, _ in extensions.installed(schema)}


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class CreateExtensionOp(Op):
    extension: Extension
    span: Span = _span()
    TEMPLATE = ("CREATE EXTENSION {{ op.extension.name|ident }} SCHEMA {{ op.extension.schema|ident }}"
                "{% if op.extension.version is not none %} VERSION {{ op.extension.version|literal }}{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        after = schema.with_object("extension", self.extension.key, self.extension)
        return after if extensions.known(self.extension.name) is not None else after.with_opaque_sql()

    def invert(self) -> tuple[Op, ...]:
        return (DropExtensionOp(self.extension, self.span),)

    def describe(self) -> str:
        return f"create extension {self.extension.name}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.extension.ref,)


@dataclass(frozen=True, slots=True)
class DropExtensionOp(Op):
    extension: Extension  # with its attributes, to give them back
    span: Span = _span()
    TEMPLATE = "DROP EXTENSION {{ op.extension.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.without_object("extension", self.extension.key)

    def invert(self) -> tuple[Op, ...]:
        return (CreateExtensionOp(self.extension.without_attrs(), self.span),
                *attribute_ops(self.extension.ref, self.extension))

    def describe(self) -> str:
        return f"drop extension {self.extension.name}"

    def lock(self) -> Lock | None:
        return None


@creator(Extension)
def _create(extension: Extension) -> tuple[Op, ...]:
    return (CreateExtensionOp(extension),)


# ------------------------------------------------------------------ lowering


def _close(name: str) -> str | None:
    close = difflib.get_close_matches(name, extensions.known_names(), n=1, cutoff=0.8)
    return f"did you mean '{close[0]}'?" if close else None


@lowers(CreateExtension)
def _lower_create(lw: Lowering, stmt: CreateExtension) -> None:
    name = stmt.name.value
    have = _extension_store(lw.schema)
    if name in have:
        if stmt.if_not_exists:
            lw.does_nothing(stmt.span, f"extension '{name}' already exists")
        else:
            lw.bag.error("E233", stmt.name.span, f"extension '{name}' already exists")
        return
    data = extensions.known(name)
    schema = stmt.schema.value if stmt.schema is not None else "public"
    if stmt.schema is not None and schema not in lw.schema.schemas:
        lw.bag.error("E111", stmt.schema.span, f"unknown schema '{schema}'",
                     did_you_mean(schema, lw.schema.schemas) or f"create it first: create schema {schema}")
        return
    if data is None:
        lw.bag.warning("W006", stmt.name.span, f"extension '{name}' is not one migc knows: the model cannot check "
                       "the types, functions and operator classes it adds",
                       _close(name) or "later uses of what it adds are not checked (warning W004); migc verify "
                       "compares the database")
        lw.emit(CreateExtensionOp(Extension(name, schema, stmt.version), stmt.span))
        return
    if data.schema is not None:
        if stmt.schema is not None and schema != data.schema:
            lw.bag.error("E217", stmt.schema.span, f"extension '{name}' must be installed in schema '{data.schema}'")
            return
        schema = data.schema
    missing = [r for r in data.requires if r not in have]
    if missing and not stmt.cascade:
        lw.bag.error("E232", stmt.name.span, f"extension '{name}' requires extension '{missing[0]}'",
                     f"create it first: create extension {missing[0]} (or add `cascade`)")
        return
    for required in missing:  # `cascade`: what it requires, made first (in the same schema)
        lw.emit(CreateExtensionOp(Extension(required, schema), stmt.span))
    for typname, _, _ in data.types:
        if typname in lw.schema.type_names(schema):
            lw.bag.error("E110", stmt.name.span, f"extension '{name}' adds type '{typname}', but a type of that name "
                         f"already exists in schema '{schema}'")
            return
    lw.emit(CreateExtensionOp(Extension(name, schema, stmt.version), stmt.span))


@lowers(DropExtension)
def _lower_drop(lw: Lowering, stmt: DropExtension) -> None:
    name = stmt.name.value
    extension = _extension_store(lw.schema).get(name)
    if extension is None:
        if stmt.if_exists:
            lw.does_nothing(stmt.span, f"there is no extension '{name}'")
        else:
            lw.bag.error("E232", stmt.name.span, f"unknown extension '{name}'",
                         did_you_mean(name, list(_extension_store(lw.schema))))
        return
    for other, data in extensions.installed(lw.schema):
        if data is not None and name in data.requires:
            lw.bag.error("E234", stmt.span, f"cannot drop extension '{name}': extension '{other.name}' requires it",
                         f"drop that first: drop extension {other.name}")
            return
    for kind, key, obj in lw.schema.users_of(extension.ref):
        if kind == "table":
            column = next(c.name for c in obj.columns if extension_of(c.type) == extension.ref)
            what = f"column '{key.display()}.{column}' uses its type"
        else:
            what = f"{kind} '{key.display() if isinstance(key, Name) else key}' uses it"
        lw.bag.error("E234", stmt.span, f"cannot drop extension '{name}': {what}")
        return
    data = extensions.known(name)
    if data is not None:
        theirs = {o.name for o in data.opclasses}
        for index in lw.schema.indexes.values():
            if index.method in data.methods or any(e.opclass in theirs for e in index.elements):
                lw.bag.error("E234", stmt.span, f"cannot drop extension '{name}': index "
                             f"'{index.name.display()}' uses its operator class or method",
                             f"drop the index first: drop index {index.name.display()}")
                return
    lw.emit(DropExtensionOp(extension, stmt.span))


@comment_target("extension")
def _comment_target(lw: Lowering, subject: CommentSubject) -> Found | None:
    """An extension; without a comment of the model's, it has the one its script gave it (so the
    down of the first `comment on extension` gives that back)."""
    name = subject.name.name.value
    extension = _extension_store(lw.schema).get(name)
    if extension is None or subject.name.schema is not None:
        lw.bag.error("E232", subject.name.span, f"unknown extension '{subject.name.name.value}'",
                     did_you_mean(name, list(_extension_store(lw.schema))))
        return None
    data = extensions.known(name)
    shown = extension if extension.attrs or data is None else extension.with_attr("comment", data.comment)
    return shown, extension.ref


@comment_sql("extension")
def _comment_sql(ref: ObjectRef) -> str:
    return f"EXTENSION {quoting.ident(ref.name.name)}"


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "extensions", "extension",
    """SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
       WHERE e.extname <> 'plpgsql'""",
    lambda row: ((row[0],), {"schema": row[1]}),
))
