"""`comment on table|column|index|type NAME is 'text'` (or `is null`, which removes it).

A comment is an attribute of the object it is on (as pg_description keys it by the object), so it
follows a rename, goes with a drop, and comes back with the dropped object in a derived down; the
down of `comment on` restores the previous comment, or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.expr import Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section
from migc.ir.creation import restorer
from migc.ir.model import HasAttrs, Name, ObjectRef
from migc.ir.op import Lock, Op
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, builder, nodes, optional, span_of, string_value, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CommentOn(Statement):
    ARGS = ("target", "column")
    kind: str  # "table" | "column" | "index" | "type"
    target: QName  # for a column: its table
    column: Ident | None
    text: str | None  # None: `is null`, no comment
    span: Span = _span()


@builder("column_path")
def _column_path(c: list[Any]) -> Marker:
    idents = nodes(c, Ident)
    table = QName(idents[0], idents[1], span_of(idents[:2])) if len(idents) == 3 else QName(None, idents[0], idents[0].span)
    return Marker("column", (table, idents[-1]), span_of(c))


@builder("comment_on")
def _comment_on(c: list[Any]) -> CommentOn:
    text = token(c, "STRING")
    value = string_value(text) if text is not None else None
    path = optional(c, Marker)
    if path is not None:
        table, column = path.value
        return CommentOn("column", table, column, value, span_of(c))
    kind = str(c[2].value).lower()  # the word after `comment on`
    return CommentOn(kind, optional(c, QName) or QName(None, Ident("")), None, value, span_of(c))


# ------------------------------------------------------------------ ops

_SQL_KIND = {"table": "TABLE", "column": "COLUMN", "index": "INDEX", "enum": "TYPE"}


@dataclass(frozen=True, slots=True)
class SetCommentOp(Op):
    target: ObjectRef
    comment: str | None  # None: no comment
    previous: str | None
    span: Span = _span()
    TEMPLATE = ("COMMENT ON {{ op.sql_kind }} {{ op.target.name|qname }}{% if op.target.column is not none %}."
                "{{ op.target.column|ident }}{% endif %} IS "
                "{% if op.comment is none %}NULL{% else %}{{ op.comment|literal }}{% endif %}")

    @property
    def sql_kind(self) -> str:
        return _SQL_KIND[self.target.kind]

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
    return (SetCommentOp(target, str(value), None),)


# ------------------------------------------------------------------ lowering


@lowers(CommentOn)
def _lower(lw: Lowering, stmt: CommentOn) -> None:
    target: HasAttrs | None
    ref: ObjectRef
    if stmt.kind in ("table", "column"):
        table = lw.table(stmt.target)
        if table is None:
            return
        if stmt.column is None:
            target, ref = table, table.ref
        else:
            target = lw.column(table, stmt.column)
            ref = ObjectRef.of_column(table.name, stmt.column.value)
    elif stmt.kind == "index":
        index = lw.index(stmt.target, constraint_hint="the model keeps no comments on a constraint's index: "
                         "write it as raw sql if it must be there")
        target, ref = index, index.ref if index is not None else ObjectRef("index", Name("", ""))
    else:
        enum = lw.enum(stmt.target)
        target, ref = enum, enum.ref if enum is not None else ObjectRef("enum", Name("", ""))
    if target is None:
        return
    previous = target.attr("comment")
    lw.emit(SetCommentOp(ref, stmt.text, previous if isinstance(previous, str) else None, stmt.span))


# ------------------------------------------------------------------ catalog

# Comments on what the model knows: tables, their columns and indexes, enum types.
catalog_section(CatalogSection(
    "comments", "comment",
    f"""SELECT CASE WHEN d.classoid = 'pg_type'::regclass THEN 'type'
                    WHEN d.objsubid <> 0 THEN 'column'
                    WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END,
               n.nspname || '.' || coalesce(c.relname, t.typname)
                 || CASE WHEN d.objsubid <> 0 THEN '.' || a.attname ELSE '' END,
               d.description
        FROM pg_description d
        LEFT JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
        LEFT JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND t.oid = d.objoid AND t.typtype = 'e'
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
        JOIN pg_namespace n ON n.oid = coalesce(c.relnamespace, t.typnamespace)
        WHERE (c.relkind IN ('r', 'p', 'i') OR t.oid IS NOT NULL) AND {USER_NS}""",
    lambda row: ((f"{row[0]} {row[1]}",), row[2]),
))
