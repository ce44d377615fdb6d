"""`comment on WORD target is 'text'` (or `is null`, which removes it), on any kind of object that
registers a finder in lower/comment_targets.py; this module registers tables, columns, indexes,
types (enums and the stored type kinds) and schemas.

A comment is an attribute of the object it is on (as pg_description keys it by the object), so it
follows a rename, goes with a drop, and comes back with the dropped object in a derived down; the
down of `comment on` restores the previous comment, or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.expr import Ident, QName, TypeRef
from migc.ir.catalog import CatalogSection, catalog_section
from migc.ir.creation import restorer
from migc.ir.model import ObjectRef
from migc.ir.op import Lock, Op
from migc.ir.schema import Schema
from migc.lower.comment_targets import FINDERS, TYPE_KINDS, CommentSubject, Found, comment_sql, comment_target
from migc.lower.comment_targets import designator
from migc.lower.context import Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.quoting import ident, qualified
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, builder, nodes, span_of, string_value, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CommentOn(Statement):
    ARGS = ("target", "column", "args", "table")
    kind: str  # the word(s) after `comment on`: "table", "column", "materialized view", ...
    target: QName  # for a column: its table
    column: Ident | None
    text: str | None  # None: `is null`, no comment
    span: Span = _span()
    args: tuple[TypeRef, ...] | None = None  # `function f(int)`: its argument types
    table: QName | None = None  # `trigger t on TABLE`


@builder("column_path")
def _column_path(c: list[Any]) -> Marker:
    idents = nodes(c, Ident)
    table = QName(idents[0], idents[1], span_of(idents[:2])) if len(idents) == 3 else QName(None, idents[0], idents[0].span)
    return Marker("column", (table, idents[-1]), span_of(c))


@builder("comment_word")
def _comment_word(c: list[Any]) -> Marker:
    return Marker("word", " ".join(str(t.value).lower() for t in c if hasattr(t, "value")), span_of(c))


@builder("comment_args")
def _comment_args(c: list[Any]) -> Marker:
    return Marker("args", tuple(nodes(c, TypeRef)), span_of(c))


@builder("comment_on")
def _comment_on(c: list[Any]) -> CommentOn:
    text = token(c, "STRING")
    value = string_value(text) if text is not None else None
    markers = {m.kind: m for m in nodes(c, Marker)}
    if "column" in markers:
        table, column = markers["column"].value
        return CommentOn("column", table, column, value, span_of(c))
    names = nodes(c, QName)
    args = markers["args"].value if "args" in markers else None
    return CommentOn(markers["word"].value, names[0], None, value, span_of(c), args,
                     names[1] if len(names) > 1 else None)


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class SetCommentOp(Op):
    target: ObjectRef
    comment: str | None  # None: no comment
    previous: str | None
    span: Span = _span()
    TEMPLATE = ("COMMENT ON {{ op.designator }} IS "
                "{% if op.comment is none %}NULL{% else %}{{ op.comment|literal }}{% endif %}")

    @property
    def designator(self) -> str:
        return designator(self.target)

    def apply(self, schema: Schema) -> Schema:
        return schema.with_attr(self.target, "comment", self.comment)

    def invert(self) -> tuple[Op, ...]:
        return (SetCommentOp(self.target, self.previous, self.comment, self.span),)

    def describe(self) -> str:
        return f"comment on {self.target.display()}"

    def lock(self) -> Lock | None:
        return None  # SHARE UPDATE EXCLUSIVE: reads and writes go on


@restorer("comment")
def _restore(target: ObjectRef, value: object) -> tuple[Op, ...]:
    return (SetCommentOp(target, None if value is None else str(value), None),)


# ------------------------------------------------------------------ lowering


@lowers(CommentOn)
def _lower(lw: Lowering, stmt: CommentOn) -> None:
    if stmt.kind == "column":
        table = lw.table(stmt.target)
        column = lw.column(table, stmt.column) if table is not None and stmt.column is not None else None
        if table is None or column is None or stmt.column is None:
            return
        found: Found | None = (column, ObjectRef.of_column(table.name, stmt.column.value))
    else:
        subject = CommentSubject(stmt.kind, stmt.target, stmt.column, stmt.args, stmt.table, stmt.span)
        if not _written_as_its_kind_is(lw, stmt):
            return
        found = FINDERS[stmt.kind](lw, subject)
    if found is None:
        return
    target, ref = found
    previous = target.attr("comment")
    lw.emit(SetCommentOp(ref, stmt.text, previous if isinstance(previous, str) else None, stmt.span))


_TAKES_ARGS = {"function", "procedure", "aggregate", "routine"}
_ON_TABLE = {"trigger", "constraint", "policy", "rule"}


def _written_as_its_kind_is(lw: Lowering, stmt: CommentOn) -> bool:
    """Argument types only for routines, `on TABLE` only for what lives on a table, as PostgreSQL."""
    if stmt.args is not None and stmt.kind not in _TAKES_ARGS:
        lw.bag.error("E001", stmt.target.span, f"a {stmt.kind} has no argument types",
                     f"write: comment on {stmt.kind} {stmt.target.name.value} is ...")
        return False
    if (stmt.table is None) == (stmt.kind in _ON_TABLE):
        written = "without" if stmt.table is None else "with"
        lw.bag.error("E001", stmt.target.span, f"`comment on {stmt.kind}` {written} `on TABLE`",
                     f"write: comment on {stmt.kind} NAME{' on TABLE' if stmt.kind in _ON_TABLE else ''} is ...")
        return False
    return True


@comment_target("table")
def _table(lw: Lowering, subject: CommentSubject) -> Found | None:
    table = lw.table(subject.name)
    return (table, table.ref) if table is not None else None


@comment_target("index")
def _index(lw: Lowering, subject: CommentSubject) -> Found | None:
    index = lw.index(subject.name, constraint_hint="the model keeps no comments on a constraint's index: "
                     "write it as raw sql if it must be there")
    return (index, index.ref) if index is not None else None


@comment_target("type")
def _type(lw: Lowering, subject: CommentSubject) -> Found | None:
    """An enum, or an object of a stored type kind (TYPE_KINDS): composite types, domains."""
    name = lw.name(subject.name)
    if name is None:
        return None
    enum = lw.schema.enums.get(name)
    if enum is not None:
        return enum, enum.ref
    for kind in TYPE_KINDS:
        ref = ObjectRef(kind, name)
        obj = lw.schema.lookup(ref)
        if obj is not None:
            return obj, ref
    others = [n.name for n in lw.schema.enums if n.schema == name.schema]
    for kind in TYPE_KINDS:
        others += [k.name for k in lw.schema.store(kind) if getattr(k, "schema", None) == name.schema]
    lw.unknown(name, "E113", subject.name.span, f"unknown type '{name.display()}'", did_you_mean(name.name, others))
    return None


@comment_target("schema")
def _schema(lw: Lowering, subject: CommentSubject) -> Found | None:
    if subject.name.schema is not None:
        lw.bag.error("E001", subject.name.span, "a schema's name has no schema",
                     f"write: comment on schema {subject.name.name.value} is ...")
        return None
    namespace = lw.schema.namespace(subject.name.name.value)
    if namespace is None:
        lw.bag.error("E111", subject.name.span, f"unknown schema '{subject.name.name.value}'",
                     did_you_mean(subject.name.name.value, lw.schema.schemas))
        return None
    return namespace, namespace.ref


def _on_relation(word: str) -> Any:
    def sql(ref: ObjectRef) -> str:
        return f"{word} {qualified(ref.name.schema, ref.name.name)}"

    return sql


comment_sql("table")(_on_relation("TABLE"))
comment_sql("index")(_on_relation("INDEX"))
comment_sql("enum")(_on_relation("TYPE"))


@comment_sql("column")
def _column_sql(ref: ObjectRef) -> str:
    return f"COLUMN {qualified(ref.name.schema, ref.name.name)}.{ident(ref.column or '')}"


@comment_sql("schema")
def _schema_sql(ref: ObjectRef) -> str:
    return f"SCHEMA {ident(ref.name.schema)}"


# ------------------------------------------------------------------ catalog

# Every comment PostgreSQL has on an object of a user schema (and on the user schemas themselves),
# named by pg_identify_object as PostgreSQL names it (`table column public.users.email`, `function
# public.f(integer)`, `trigger t on public.users`), whatever made it; not those of an extension's
# members, which come and go with the extension.
catalog_section(CatalogSection(
    "comments", "comment",
    """SELECT o.type, o.identity, d.description
        FROM pg_description d, LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
        WHERE coalesce(o.schema, CASE WHEN o.type = 'schema' THEN o.name END, '') NOT IN
                ('', 'pg_catalog', 'information_schema', 'pg_toast')
          AND coalesce(o.schema, CASE WHEN o.type = 'schema' THEN o.name END) NOT LIKE 'pg\\_%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = d.classoid AND dep.objid = d.objoid
                          AND dep.deptype = 'e')""",
    lambda row: ((f"{row[0]} {row[1]}",), row[2]),
))
