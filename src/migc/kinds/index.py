"""`create [unique] index [concurrently] [NAME] on TABLE (...) [where ...]`, `drop index [concurrently]`."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from migc.expr import Expr, Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import Index, IndexElement, Name, ObjectRef
from migc.ir.op import Lock, Op
from migc.ir.schema import Schema
from migc.lower import names
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.lower.exprcheck import check_boolean, check_columns, columns_by_name
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, has_token, marker_value, node, nodes, optional, span_of, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class IndexElem(Node):
    ARGS = ("expr",)
    expr: Expr
    order: str | None  # "asc" | "desc"
    nulls: str | None  # "first" | "last"
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateIndex(Statement):
    ARGS = ("name", "table", "elements", "where")
    name: Ident | None
    table: QName
    unique: bool
    concurrently: bool
    elements: tuple[IndexElem, ...]
    where: Expr | None
    span: Span = _span()
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropIndex(Statement):
    ARGS = ("name",)
    name: QName
    concurrently: bool
    span: Span = _span()
    if_exists: bool = False


@builder("index_elem")
def _index_elem(c: list[Any]) -> IndexElem:
    order = token(c, "ASC", "DESC")
    nulls = token(c, "NULLS_FIRST", "NULLS_LAST")
    return IndexElem(
        node(c, Expr),
        order.value.lower() if order is not None else None,
        nulls.value.lower().split()[-1] if nulls is not None else None,
        span_of(c),
    )


@builder("where")
def _where(c: list[Any]) -> Marker:
    return Marker("where", node(c, Expr), span_of(c))


@builder("create_index")
def _create_index(c: list[Any]) -> CreateIndex:
    return CreateIndex(
        optional(c, Ident), node(c, QName), has_token(c, "UNIQUE"), has_token(c, "CONCURRENTLY"),
        tuple(nodes(c, IndexElem)), marker_value(c, "where"), span_of(c), has_token(c, "IF_NOT_EXISTS"),
    )


@builder("drop_index")
def _drop_index(c: list[Any]) -> DropIndex:
    return DropIndex(node(c, QName), has_token(c, "CONCURRENTLY"), span_of(c), has_token(c, "IF_EXISTS"))


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class CreateIndexOp(Op):
    index: Index
    concurrently: bool
    span: Span = _span()
    rebuilt: bool = False  # dropped and made again around a type change (lints say nothing of it)
    TEMPLATE = ('CREATE {{ "UNIQUE " if op.index.unique }}INDEX {{ "CONCURRENTLY " if op.concurrently }}'
                '{{ op.index.name.name|ident }} ON {{ op.index.table|qname }} '
                '({{ op.index.elements|map("index_element")|join(", ") }})'
                '{% if op.index.where is not none %} WHERE {{ op.index.where|expr }}{% endif %}')

    def apply(self, schema: Schema) -> Schema:
        return schema.with_index(self.index)

    def invert(self) -> tuple[Op, ...]:
        return (DropIndexOp(self.index, self.concurrently, self.span, self.rebuilt),)

    def describe(self) -> str:
        return f"create {'unique ' if self.index.unique else ''}index {self.index.name.name} on {self.index.table.display()}"

    def lock(self) -> Lock | None:
        return None if self.concurrently else Lock(self.index.table, "SHARE")

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.index.ref,)


@dataclass(frozen=True, slots=True)
class DropIndexOp(Op):
    index: Index  # with its attributes, to give them back
    concurrently: bool
    span: Span = _span()
    rebuilt: bool = False
    TEMPLATE = 'DROP INDEX {{ "CONCURRENTLY " if op.concurrently }}{{ op.index.name|qname }}'

    def apply(self, schema: Schema) -> Schema:
        return schema.without_indexes([self.index.name])

    def invert(self) -> tuple[Op, ...]:
        return (CreateIndexOp(self.index.without_attrs(), self.concurrently, self.span, self.rebuilt),
                *attribute_ops(self.index.ref, self.index))

    def describe(self) -> str:
        return f"drop index {self.index.name.display()}"

    def lock(self) -> Lock | None:
        return None if self.concurrently else Lock(self.index.table, "ACCESS EXCLUSIVE")


@creator(Index)
def _create(index: Index) -> tuple[Op, ...]:
    if index.inherited_from is not None:  # a partition's copy of its parent's index: PostgreSQL makes it
        return INHERITED_INDEX_CREATORS[0](index) if INHERITED_INDEX_CREATORS else ()
    return (CreateIndexOp(index, False),)


# how a partition's copy of its parent's index gets back the name it had (kinds/partition.py)
INHERITED_INDEX_CREATORS: list[Callable[[Index], tuple[Op, ...]]] = []


# ------------------------------------------------------------------ lowering


@lowers(CreateIndex)
def _lower_create(lw: Lowering, stmt: CreateIndex) -> None:
    table = lw.relation(stmt.table)  # a table, or a materialized view
    if table is None:
        return
    if stmt.if_not_exists:
        if stmt.name is None:  # PostgreSQL: syntax error (the name is required)
            lw.bag.error("E217", stmt.span, "create index if not exists needs the index's name",
                         "name it: create index if not exists NAME on ...")
            return
        if stmt.name.value in lw.schema.relation_names(table.name.schema):
            lw.does_nothing(stmt.span, f"relation '{Name(table.name.schema, stmt.name.value).display()}' "
                            "already exists")
            return
    columns = columns_by_name(table.columns)
    mark = lw.bag.mark()
    for elem in stmt.elements:
        check_columns(lw, elem.expr, columns, table.name.display(), "index expression")
    if stmt.where is not None:
        check_boolean(lw, stmt.where, columns, table.name.display(), "index predicate")
    if lw.bag.errors_since(mark):
        return
    if stmt.name is not None:
        if not lw.check_ident(stmt.name):
            return
        name = Name(table.name.schema, stmt.name.value)
        if not lw.relation_free(name, stmt.name.span, "E106", "index"):
            return
    else:
        addition = names.join_column_names(names.index_column_names(e.expr for e in stmt.elements))
        chosen = names.choose_name(table.name.name, addition, "idx", lw.schema.relation_names(table.name.schema))
        name = Name(table.name.schema, chosen)
    mentioned: dict[str, None] = {}
    for e in [*(el.expr for el in stmt.elements), *([stmt.where] if stmt.where is not None else [])]:
        for col in e.column_names():
            mentioned.setdefault(col, None)
    index = Index(
        name, table.name, stmt.unique,
        tuple(IndexElement(e.expr, e.order, e.nulls) for e in stmt.elements), stmt.where, tuple(mentioned),
    )
    lw.emit(CreateIndexOp(index, stmt.concurrently, stmt.span))


@lowers(DropIndex)
def _lower_drop(lw: Lowering, stmt: DropIndex) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is not None and name not in lw.schema.indexes and name.name not in lw.schema.relation_names(name.schema):
            lw.does_nothing(stmt.span, f"there is no index '{name.display()}'")
            return
    index = lw.index(stmt.name)
    if index is None:
        return
    if index.inherited_from is not None:
        lw.bag.error("E228", stmt.name.span, f"index '{index.name.display()}' of a partition belongs to index "
                     f"'{index.inherited_from.display()}' of its parent", "drop the parent's index instead")
        return
    lw.emit(DropIndexOp(index, stmt.concurrently, stmt.span))


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables/*/indexes", "index",
    f"""SELECT n.nspname, c.relname, i.relname,
            pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' -- INVALID' END
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), row[2]), row[3]),
))
