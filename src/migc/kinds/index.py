"""`create [unique] index [concurrently] [if not exists] [NAME] on TABLE [using METHOD] (ELEMENT [OPCLASS]
[asc|desc] [nulls first|last], ...) [include (...)] [nulls not distinct] [where ...]`,
`alter index [if exists] NAME rename to NEW`, `drop index [concurrently] [if exists] NAME`.

Methods and operator classes are PostgreSQL's (src/migc/data/extensions.json.gz) and those of the
extensions the model has; an expression or predicate must call only immutable functions (E230)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc.expr import ColumnRef, Expr, Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import INHERITED_INDEX_CREATORS, attribute_ops, creator
from migc.ir.model import Index, IndexElement, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import EXPRESSION_HOLDERS, Schema
from migc.ir.types import SqlType
from migc.lower import extensions, functions, names
from migc.lower.context import TYPE_CHANGE_REBUILDERS, Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.exprcheck import base_type, check_boolean, check_columns, check_immutable, columns_by_name
from migc.lower.extensions import OpClass
from migc.lower.functions import pg_name
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, has_token, marker_value, node, nodes, optional, span_of, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class IndexElem(Node):
    ARGS = ("expr", "opclass")
    expr: Expr
    order: str | None  # "asc" | "desc"
    nulls: str | None  # "first" | "last"
    span: Span = _span()
    opclass: QName | None = None


@dataclass(frozen=True, slots=True)
class CreateIndex(Statement):
    ARGS = ("name", "table", "elements", "where", "method", "include")
    name: Ident | None
    table: QName
    unique: bool
    concurrently: bool
    elements: tuple[IndexElem, ...]
    where: Expr | None
    span: Span = _span()
    method: Ident | None = None
    include: tuple[Ident, ...] = ()
    nulls_not_distinct: bool = False
    if_not_exists: bool = False

    def declares(self) -> QName | None:
        """An index lives in its table's schema."""
        return None if self.name is None else QName(self.table.schema, self.name, self.name.span)


@dataclass(frozen=True, slots=True)
class DropIndex(Statement):
    ARGS = ("name",)
    name: QName
    concurrently: bool
    span: Span = _span()
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenameIndex(Statement):
    ARGS = ("name", "new_name")
    name: QName
    new_name: Ident
    if_exists: bool = False
    span: Span = _span()


@builder("index_elem")
def _index_elem(c: list[Any]) -> IndexElem:
    order = token(c, "ASC", "DESC")
    nulls = token(c, "NULLS_FIRST", "NULLS_LAST")
    return IndexElem(
        node(c, Expr),
        order.value.lower() if order is not None else None,
        nulls.value.lower().split()[-1] if nulls is not None else None,
        span_of(c),
        marker_value(c, "opclass"),
    )


@builder("opclass")
def _opclass(c: list[Any]) -> Marker:
    return Marker("opclass", node(c, QName), span_of(c))


@builder("index_using")
def _index_using(c: list[Any]) -> Marker:
    return Marker("using", node(c, Ident), span_of(c))


@builder("index_include")
def _index_include(c: list[Any]) -> Marker:
    return Marker("include", marker_value(c, "idents"), span_of(c))


@builder("where")
def _where(c: list[Any]) -> Marker:
    return Marker("where", node(c, Expr), span_of(c))


@builder("create_index")
def _create_index(c: list[Any]) -> CreateIndex:
    return CreateIndex(
        optional(c, Ident), node(c, QName), has_token(c, "UNIQUE"), has_token(c, "CONCURRENTLY"),
        tuple(nodes(c, IndexElem)), marker_value(c, "where"), span_of(c), marker_value(c, "using"),
        tuple(marker_value(c, "include", ())), has_token(c, "NULLS_NOT_DISTINCT"), has_token(c, "IF_NOT_EXISTS"),
    )


@builder("drop_index")
def _drop_index(c: list[Any]) -> DropIndex:
    return DropIndex(node(c, QName), has_token(c, "CONCURRENTLY"), span_of(c), has_token(c, "IF_EXISTS"))


@builder("alter_index")
def _alter_index(c: list[Any]) -> RenameIndex:
    return RenameIndex(node(c, QName), node(c, Ident), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ ops


def _rewritten(schema: Schema, rewrite: Callable[[Expr], Expr]) -> Schema:
    """Index expressions and predicates after a change PostgreSQL follows by OID (EXPRESSION_HOLDERS)."""
    after = schema
    for index in list(schema.indexes.values()):
        new = replace(index, elements=tuple(replace(el, expr=rewrite(el.expr)) for el in index.elements),
                      where=rewrite(index.where) if index.where is not None else None)
        if new != index:
            after = after.with_index(new)
    return after


EXPRESSION_HOLDERS.append(_rewritten)


@dataclass(frozen=True, slots=True)
class CreateIndexOp(Op):
    index: Index
    concurrently: bool
    span: Span = _span()
    rebuilt: bool = False  # dropped and made again around a type change (lints say nothing of it)
    TEMPLATE = ('CREATE {{ "UNIQUE " if op.index.unique }}INDEX {{ "CONCURRENTLY " if op.concurrently }}'
                '{{ op.index.name.name|ident }} ON {{ op.index.table|qname }} '
                '{% if op.index.method != "btree" %}USING {{ op.index.method|ident }} {% endif %}'
                '({{ op.index.elements|map("index_element")|join(", ") }})'
                '{% if op.index.include %} INCLUDE ({{ op.index.include|idents }}){% endif %}'
                '{% if op.index.nulls_not_distinct %} NULLS NOT DISTINCT{% endif %}'
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


@dataclass(frozen=True, slots=True)
class RenameIndexOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER INDEX {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.with_index(replace(schema.indexes[self.old], name=self.new), replacing=self.old)

    def invert(self) -> tuple[Op, ...]:
        return (RenameIndexOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename index {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None  # SHARE UPDATE EXCLUSIVE on the index: reads and writes go on

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef("index", self.old), ObjectRef("index", self.new)


@creator(Index)
def _create(index: Index) -> tuple[Op, ...]:
    if index.inherited_from is not None:  # a partition's copy of its parent's index: PostgreSQL makes it
        return INHERITED_INDEX_CREATORS[0](index) if INHERITED_INDEX_CREATORS else ()
    return (CreateIndexOp(index, False),)


def _rebuild_indexes(lw: Lowering, table: Table, column: str, rewrite: bool,
                     span: Span) -> tuple[tuple[Op, ...], tuple[Op, ...]]:
    """A column's type changes (kinds/column_type.py): when the table is rewritten, the indexes whose
    expressions PostgreSQL would re-parse are dropped before and made again after, as written (without
    a rewrite they are left as PostgreSQL keeps them, rather than built again)."""
    indexes = [i for i in lw.schema.indexes_of(table.name) if rewrite and _reparsed(i, column)]
    return (tuple(DropIndexOp(i, False, span, rebuilt=True) for i in indexes),
            tuple(op for i in indexes
                  for op in (CreateIndexOp(i.without_attrs(), False, span, rebuilt=True), *attribute_ops(i.ref, i))))


def _reparsed(index: Index, column: str) -> bool:
    """Does PostgreSQL re-parse this index's expressions after `column` changes type (it names the
    column other than as a plain column of the index)?"""
    if column not in index.columns:
        return False
    if index.where is not None and column in index.where.column_names():
        return True
    return any(not isinstance(e.expr, ColumnRef) and column in e.expr.column_names() for e in index.elements)


TYPE_CHANGE_REBUILDERS.append((20, _rebuild_indexes))


# ------------------------------------------------------------------ lowering


# what each built-in method can do (PostgreSQL's amcanunique, amcanmulticol, amcaninclude, amcanorder)
_UNIQUE = frozenset({"btree"})
_SINGLE_COLUMN = frozenset({"hash"})
_INCLUDE = frozenset({"btree", "gist", "spgist"})
_ORDERED = frozenset({"btree"})
_POLYMORPHIC: dict[str, Callable[[SqlType], bool]] = {"anyarray": lambda t: t.array_dims > 0, "anyenum": lambda t: t.is_enum and not t.array_dims,
                "anyrange": lambda t: t.category == "R" and "multirange" not in t.name and not t.array_dims,
                "anymultirange": lambda t: "multirange" in t.name and not t.array_dims,
                "record": lambda t: t.kind == "composite" and not t.array_dims,
                "anyelement": lambda t: True, "anynonarray": lambda t: not t.array_dims}


def _fits_opclass(t: SqlType, input_type: str, casts: set[tuple[str, str]]) -> bool:
    """Does a value of type t go into an operator class for `input_type` (the same type, an implicit
    cast, binary coercible as varchar to text, or a polymorphic input)?"""
    if input_type in _POLYMORPHIC:
        return _POLYMORPHIC[input_type](t)
    name = pg_name(t)
    return name == input_type or (name, input_type) in casts or (t.category == "S" and input_type == "text"
                                                                  and not t.array_dims)


def _check_element(lw: Lowering, method: str, elem: IndexElem, t: SqlType | None, classes: list[OpClass],
                   casts: set[tuple[str, str]]) -> bool:
    """The element's operator class (written, or the default for its type) exists for the method and
    takes the element's type (E231)."""
    if elem.opclass is not None:
        name = elem.opclass.name.value
        named = [o for o in classes if o.name == name]
        if not named:
            hint = did_you_mean(name, sorted({o.name for o in classes if o.method == method}))
            owner = next((e for e in extensions.known_names() if any(
                o.name == name for o in (extensions.known(e) or _NONE).opclasses)), None)
            where = next((ext.schema for ext, _ in extensions.installed(lw.schema) if ext.name == owner), None)
            if owner is not None and where is not None:
                hint = f"extension {owner} is in schema {where}: write {where}.{name}"
            elif owner is not None:
                hint = f"{name} comes with extension {owner}: create extension {owner} first"
            lw.bag.error("E231", elem.opclass.span, f"unknown operator class '{name}'", hint)
            return False
        for_method = [o for o in named if o.method == method]
        if not for_method:
            lw.bag.error("E231", elem.opclass.span, f"operator class '{name}' does not exist for access method "
                         f"'{method}'", f"it is for {', '.join(sorted({o.method for o in named}))}")
            return False
        if t is not None and not t.is_user or t is not None and t.kind in ("enum", "composite"):
            if not any(_fits_opclass(t, o.input, casts) for o in for_method):
                lw.bag.error("E231", elem.opclass.span, f"operator class '{name}' does not accept data type "
                             f"{t.display()}", f"it takes {for_method[0].input}")
                return False
        return True
    if t is None or t.is_user and t.kind not in ("enum", "composite"):
        return True  # the model cannot be sure
    if not any(o.default and o.method == method and _fits_opclass(t, o.input, casts) for o in classes):
        candidates = sorted({o.name for o in classes if o.method == method and _fits_opclass(t, o.input, casts)})
        more = sorted({o.name for e in extensions.known_names() for o in (extensions.known(e) or _NONE).opclasses
                       if o.method == method and _fits_opclass(t, o.input, casts)})
        hint = f"name an operator class: {', '.join(candidates[:5])}" if candidates else (
            f"an extension has one: {', '.join(more[:5])}" if more else f"index it with another method than {method}")
        lw.bag.error("E231", elem.span, f"data type {t.display()} has no default operator class for access method "
                     f"'{method}'", hint)
        return False
    return True


# (method, type, installed extensions) whose default operator class check passed (see _lower_create)
_HAS_DEFAULT: set[tuple[str, SqlType | None, tuple[tuple[str, str], ...]]] = set()

_NONE = extensions.ExtensionData("", "", False, None, (), (), (), (), (), ())


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
    method = stmt.method.value if stmt.method is not None else "btree"
    if method not in extensions.methods(lw.schema):
        assert stmt.method is not None
        lw.bag.error("E231", stmt.method.span, f"unknown index method '{method}'",
                     did_you_mean(method, extensions.methods(lw.schema)))
        return
    types = [check_columns(lw, elem.expr, columns, table.name.display(), "index expression") for elem in stmt.elements]
    if stmt.where is not None:
        check_boolean(lw, stmt.where, columns, table.name.display(), "index predicate")
    for ident in stmt.include:
        lw.column(table, ident)
    if lw.bag.errors_since(mark):
        return
    for elem in stmt.elements:
        if not isinstance(elem.expr, ColumnRef):
            check_immutable(lw, elem.expr, columns, "index expression")
    if stmt.where is not None:
        check_immutable(lw, stmt.where, columns, "index predicate")
    builtin_method = method in extensions.BUILTIN_METHODS
    if stmt.unique and method not in _UNIQUE:
        lw.bag.error("E231", stmt.span, f"access method '{method}' does not support unique indexes")
    elif method in _SINGLE_COLUMN and len(stmt.elements) > 1:
        lw.bag.error("E231", stmt.elements[1].span, f"access method '{method}' does not support multicolumn indexes")
    elif stmt.include and builtin_method and method not in _INCLUDE:
        lw.bag.error("E231", stmt.include[0].span, f"access method '{method}' does not support included columns")
    elif stmt.nulls_not_distinct and not stmt.unique:
        lw.bag.error("E231", stmt.span, "nulls not distinct is only for unique indexes")
    else:
        for elem in stmt.elements:
            if (elem.order or elem.nulls) and builtin_method and method not in _ORDERED:
                lw.bag.error("E231", elem.span, f"access method '{method}' does not support asc/desc/nulls options")
                break
    if lw.bag.errors_since(mark):
        return
    if builtin_method or any(e.opclass for e in stmt.elements):
        installed = tuple((ext.name, ext.schema) for ext, _ in extensions.installed(lw.schema))
        casts: set[tuple[str, str]] | None = None
        for elem, typed in zip(stmt.elements, types):
            t = base_type(typed.type) if typed.type is not None else None
            # the common case, a column of a type that has its default operator class: known once per
            # (method, type, extensions) instead of scanning every operator class for each element
            known = (method, t, installed) if elem.opclass is None else None
            if known is not None and known in _HAS_DEFAULT:
                continue
            if casts is None:
                casts = extensions.implicit_casts(lw.schema) | _implicit()
            written_in = elem.opclass.schema.value if elem.opclass is not None and elem.opclass.schema else None
            elem_mark = lw.bag.mark()
            if not _check_element(lw, method, elem, t, extensions.opclasses(lw.schema, written_in), casts):
                return
            if known is not None and not lw.bag.errors_since(elem_mark):
                _HAS_DEFAULT.add(known)
    if stmt.name is not None:
        if not lw.check_ident(stmt.name):
            return
        name = Name(table.name.schema, stmt.name.value)
        if not lw.relation_free(name, stmt.name.span, "E106", "index"):
            return
    else:
        addition = names.join_column_names(names.index_column_names(
            [*(e.expr for e in stmt.elements), *(ColumnRef(i) for i in stmt.include)]))
        chosen = names.choose_name(table.name.name, addition, "idx", lw.schema.relation_names(table.name.schema))
        name = Name(table.name.schema, chosen)
    mentioned: dict[str, None] = {}
    for e in [*(el.expr for el in stmt.elements), *([stmt.where] if stmt.where is not None else [])]:
        for col in e.column_names():
            mentioned.setdefault(col, None)
    for ident in stmt.include:
        mentioned.setdefault(ident.value, None)
    index = Index(
        name, table.name, stmt.unique,
        tuple(IndexElement(e.expr, e.order, e.nulls, e.opclass.name.value if e.opclass else None,
                           e.opclass.schema.value if e.opclass and e.opclass.schema else None)
              for e in stmt.elements),
        stmt.where, tuple(mentioned), method=method, include=tuple(i.value for i in stmt.include),
        nulls_not_distinct=stmt.nulls_not_distinct,
    )
    lw.emit(CreateIndexOp(index, stmt.concurrently, stmt.span))


def _implicit() -> set[tuple[str, str]]:
    return set(functions.implicit_casts())


@lowers(DropIndex)
def _lower_drop(lw: Lowering, stmt: DropIndex) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.indexes and name.name not in lw.schema.relation_names(name.schema):
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


@lowers(RenameIndex)
def _lower_rename(lw: Lowering, stmt: RenameIndex) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.indexes and name.name not in lw.schema.relation_names(name.schema):
            lw.does_nothing(stmt.span, f"there is no index '{name.display()}'")
            return
    index = lw.index(stmt.name, constraint_hint="rename the constraint instead: alter table {table} rename "
                     "constraint {constraint} (or write it as raw sql)")
    if index is None or not lw.check_ident(stmt.new_name):
        return
    new = index.name.renamed(stmt.new_name.value)
    if not lw.relation_free(new, stmt.new_name.span, "E106", "cannot rename to"):
        return
    lw.emit(RenameIndexOp(index.name, new, stmt.span))


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
