"""Views and materialized views: `create [or replace] [materialized] view NAME [(columns)] as QUERY
[with [no] data]`, `... as sql $$ ... $$` (opaque), `drop [materialized] view [if exists]`,
`rename [materialized] view A to B` (also `alter [materialized] view A rename to B`), `refresh
materialized view [concurrently] M [with [no] data]`.

The query is compiled (migc.query, checked by lower/query.py): the view knows its columns' names
and types and what it uses, so dropping or retyping what a view uses is an error, and renames of
what it uses are followed in its stored query (PostgreSQL stores views by reference)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc import quoting
from migc.diagnostics import DiagnosticBag
from migc.expr import Expr, Ident, QName, Star
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import creator, recreation_of, recreation_ops
from migc.ir.model import Index, Name, ObjectRef
from migc.ir.op import Lock, Op
from migc.ir.schema import (
    EXPRESSION_HOLDERS, INDEX_DEPENDENCIES, RENAME_FOLLOWERS, TYPE_FOLLOWERS, ObjectKind, Schema, follow_rename,
    object_kind,
)
from migc.ir.types import renamed_type
from migc.ir.view import MATVIEW, VIEW, VIEW_KINDS, View, ViewColumn, find_view, view_names
from migc.lower.comment_targets import CommentSubject, Found, comment_sql, comment_target
from migc.lower.context import Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.query import check_query, output_name, view_columns
from migc.query import Query, Select, SelectItem
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, dollar_body, has_token, marker_value, node, optional, span_of, token, unquote
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreateView(Statement):
    ARGS = ("name", "columns", "query")
    name: QName
    columns: tuple[Ident, ...]
    query: Query | None  # None: `as sql $$ ... $$`
    sql: str | None
    or_replace: bool
    materialized: bool
    data: bool | None  # `with data` True, `with no data` False, not written None
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class DropView(Statement):
    ARGS = ("name",)
    name: QName
    materialized: bool
    if_exists: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RenameView(Statement):
    ARGS = ("name", "new_name")
    name: QName
    new_name: Ident
    materialized: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RefreshView(Statement):
    ARGS = ("name",)
    name: QName
    concurrent: bool  # (not `concurrently`: that field name means "outside a transaction" to lowering)
    data: bool  # `with no data`: False
    span: Span = _span()


@builder("view_sql")
def _view_sql(c: list[Any]) -> Marker:
    tok = token(c, "STRING", "QUOTED_IDENT", "DOLLAR_STRING")
    assert tok is not None
    text: str = tok.value
    body = dollar_body(text) if tok.type == "DOLLAR_STRING" else unquote(text, text[0])
    return Marker("sql", body.strip(), span_of(c))


def _data(c: list[Any]) -> bool | None:
    if has_token(c, "WITH_NO_DATA"):
        return False
    return True if has_token(c, "WITH_DATA") else None


@builder("create_view")
def _create_view(c: list[Any]) -> CreateView:
    return CreateView(node(c, QName), marker_value(c, "idents", ()), optional(c, Query), marker_value(c, "sql"),
                      has_token(c, "OR_REPLACE"), has_token(c, "MATERIALIZED"), _data(c), span_of(c))


@builder("drop_view")
def _drop_view(c: list[Any]) -> DropView:
    return DropView(node(c, QName), has_token(c, "MATERIALIZED"), has_token(c, "IF_EXISTS"), span_of(c))


@builder("rename_view")
def _rename_view(c: list[Any]) -> RenameView:
    return RenameView(node(c, QName), [x for x in c if isinstance(x, Ident)][-1], has_token(c, "MATERIALIZED"),
                      span_of(c))


@builder("refresh_view")
def _refresh_view(c: list[Any]) -> RefreshView:
    return RefreshView(node(c, QName), has_token(c, "CONCURRENTLY"), _data(c) is not False, span_of(c))


# ------------------------------------------------------------------ the model's store


def _names(key: Name, view: View) -> list[tuple[str, str, str]]:
    """A view takes a relation name and, for its row type, a type name."""
    return [("relation", key.schema, key.name), ("type", key.schema, key.name)]


for _kind in VIEW_KINDS:
    object_kind(ObjectKind(_kind, _names, lambda key, view: view.uses, lambda key, view: view.ref, rank=50))
# an index on a materialized view is made after it (`migc schema`)
INDEX_DEPENDENCIES.append(lambda index: (ObjectRef(MATVIEW, index.table),))


# ------------------------------------------------------------------ ops

_VIEW_SQL = """{% set v = op.view -%}
VIEW {{ v.name|qname }}
{%- if v.column_list %} ({{ v.column_list|map("ident")|join(", ") }}){% endif %} AS
{% if v.query is not none %}{{ v.query.sql() }}{% else %}{{ v.sql }}{% endif %}
{%- if v.materialized and not v.with_data %} WITH NO DATA{% endif %}"""


@dataclass(frozen=True, slots=True)
class CreateViewOp(Op):
    view: View
    span: Span = _span()
    TEMPLATE = "CREATE {{ 'MATERIALIZED ' if op.view.materialized }}" + _VIEW_SQL

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object(self.view.kind, self.view.name, self.view)

    def invert(self) -> tuple[Op, ...]:
        return (DropViewOp(self.view, (), self.span),)

    def describe(self) -> str:
        return f"create {self.view.what} {self.view.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.view.ref,)


@dataclass(frozen=True, slots=True)
class DropViewOp(Op):
    view: View  # with its attributes (comment), to give them back
    indexes: tuple[Index, ...]  # a materialized view's indexes
    span: Span = _span()
    TEMPLATE = "DROP {{ 'MATERIALIZED ' if op.view.materialized }}VIEW {{ op.view.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        gone = [i.name for i in schema.indexes_of(self.view.name)]
        return schema.without_object(self.view.kind, self.view.name).without_indexes(gone)

    def invert(self) -> tuple[Op, ...]:
        ops = list(recreation_of(self.view))
        for index in self.indexes:
            ops += recreation_ops(index)
        return tuple(ops)

    def describe(self) -> str:
        return f"drop {self.view.what} {self.view.name.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class ReplaceViewOp(Op):
    """`create or replace view` of an existing view. Its inverse puts the previous definition back:
    by `create or replace` again when the columns are the same; when it added columns (which
    `create or replace` cannot take away) by dropping and creating the view, and with it the views
    that use it (`dependents`, in creation order, with the indexes of materialized ones)."""

    old: View
    view: View
    dependents: tuple[View, ...] = ()
    dependent_indexes: tuple[Index, ...] = ()
    span: Span = _span()
    TEMPLATE = "CREATE OR REPLACE " + _VIEW_SQL

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object(self.view.kind, self.view.name, self.view)

    def invert(self) -> tuple[Op, ...]:
        same = self.old.columns is not None and self.view.columns is not None \
            and len(self.old.columns) == len(self.view.columns)
        if same:
            return (ReplaceViewOp(self.view, self.old, self.dependents, self.dependent_indexes, self.span),)
        drops: list[Op] = []
        for dependent in reversed(self.dependents):
            indexes = tuple(i for i in self.dependent_indexes if i.table == dependent.name)
            drops.append(DropViewOp(dependent, indexes, self.span))
        drops.append(DropViewOp(self.view, (), self.span))
        creates: list[Op] = list(recreation_of(self.old))
        for dependent in self.dependents:
            creates += recreation_of(dependent)
            creates += [op for i in self.dependent_indexes if i.table == dependent.name for op in recreation_ops(i)]
        return (*drops, *creates)

    def describe(self) -> str:
        return f"replace view {self.view.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class RenameViewOp(Op):
    old: Name
    new: Name
    materialized: bool
    span: Span = _span()
    TEMPLATE = ("ALTER {{ 'MATERIALIZED ' if op.materialized }}VIEW {{ op.old|qname }} "
                "RENAME TO {{ op.new.name|ident }}")

    def apply(self, schema: Schema) -> Schema:
        kind = self.kind
        view = schema.store(kind)[self.old]
        after = schema.with_object(kind, self.new, replace(view, name=self.new), replacing=self.old)
        for index in [i for i in after.indexes.values() if i.table == self.old]:
            after = after.with_index(replace(index, table=self.new))
        return follow_rename(schema, after, ObjectRef(kind, self.old), ObjectRef(kind, self.new))

    @property
    def kind(self) -> str:
        return MATVIEW if self.materialized else VIEW

    def invert(self) -> tuple[Op, ...]:
        return (RenameViewOp(self.new, self.old, self.materialized, self.span),)

    def describe(self) -> str:
        return f"rename {'materialized ' if self.materialized else ''}view {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef(self.kind, self.old), ObjectRef(self.kind, self.new)


@dataclass(frozen=True, slots=True)
class RefreshViewOp(Op):
    view: Name
    concurrent: bool
    with_data: bool
    was_populated: bool
    span: Span = _span()
    TEMPLATE = ("REFRESH MATERIALIZED VIEW {{ 'CONCURRENTLY ' if op.concurrent }}{{ op.view|qname }}"
                "{{ ' WITH NO DATA' if not op.with_data }}")

    def apply(self, schema: Schema) -> Schema:
        if self.with_data == self.was_populated:
            return schema
        view = schema.store(MATVIEW)[self.view]
        return schema.with_object(MATVIEW, self.view, replace(view, with_data=self.with_data))

    def invert(self) -> tuple[Op, ...]:
        if self.with_data == self.was_populated:
            return ()  # the rows may differ; the schema does not
        return (RefreshViewOp(self.view, False, self.was_populated, self.with_data, self.span),)

    def describe(self) -> str:
        return f"refresh materialized view {self.view.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.view, "EXCLUSIVE" if self.concurrent else "ACCESS EXCLUSIVE")


@creator(View)
def _create(view: View) -> tuple[Op, ...]:
    return (CreateViewOp(view),)


# ------------------------------------------------------------------ renames followed


def _renamed_uses(uses: tuple[ObjectRef, ...], old: ObjectRef, new: ObjectRef) -> tuple[ObjectRef, ...]:
    out = []
    for used in uses:
        if used == old:
            used = new
        elif old.kind == "table" and used.kind == "column" and used.name == old.name:
            used = ObjectRef("column", new.name, used.column)
        out.append(used)
    return tuple(out)


def _follow(before: Schema, after: Schema, old: ObjectRef, new: ObjectRef) -> Schema:
    """Views that use a renamed table, view or column: their stored queries name the new one."""
    if not before.store(VIEW) and not before.store(MATVIEW):
        return after
    for kind, key, view in before.users_of(old):
        if kind not in VIEW_KINDS or not isinstance(view, View):
            continue
        query = view.query
        if query is not None:
            checked = check_query(Lowering(before, DiagnosticBag("<rename>")), query, rename=(old, new))
            if checked is not None:
                query = checked.query
        current = after.store(kind).get(key, view)
        after = after.with_object(kind, key, replace(current, query=query, uses=_renamed_uses(view.uses, old, new)))
    return after


RENAME_FOLLOWERS.append(_follow)


def _rewritten(schema: Schema, rewrite: Callable[[Expr], Expr]) -> Schema:
    """Stored queries after a change PostgreSQL follows by OID (EXPRESSION_HOLDERS): a cast to a
    renamed type, `nextval` of a renamed sequence."""
    after = schema
    for kind in VIEW_KINDS:
        for key, view in list(schema.store(kind).items()):
            if not isinstance(view, View) or view.query is None:
                continue
            query = _keep_output_names(view.query, rewrite)
            query = query.transform(lambda n: rewrite(n) if isinstance(n, Expr) else None)
            if query != view.query:
                after = after.with_object(kind, key, replace(view, query=query))
    return after


EXPRESSION_HOLDERS.append(_rewritten)


def _keep_output_names(query: Query, rewrite: Callable[[Expr], Expr]) -> Query:
    """A select item without an alias whose name would change with the rewrite (`f(x)` is named
    `f`: a renamed function) gets its old name as alias: PostgreSQL keeps a view's column names, and
    what reads a subquery's columns by name goes on finding them."""
    def keep(n: Node) -> Node | None:
        if isinstance(n, SelectItem) and n.alias is None and not isinstance(n.expr, Star):
            old, strength = output_name(n.expr, {})
            if strength and output_name(rewrite(n.expr), {})[0] != old:
                return replace(n, alias=Ident(old))
        return None

    return query.transform(keep)


def _follow_type(schema: Schema, kind: str, old: Name, new: Name) -> Schema:
    """Views' columns of a renamed type (TYPE_FOLLOWERS): PostgreSQL keeps the type's OID."""
    after = schema
    for view_kind in VIEW_KINDS:
        for key, view in list(schema.store(view_kind).items()):
            if not isinstance(view, View) or view.columns is None:
                continue
            columns = tuple(replace(c, type=renamed_type(c.type, kind, old, new)) if c.type is not None else c
                            for c in view.columns)
            if columns != view.columns:
                after = after.with_object(view_kind, key, replace(view, columns=columns))
    return after


TYPE_FOLLOWERS.append(_follow_type)


# ------------------------------------------------------------------ lowering


def _lookup(lw: Lowering, qname: QName, materialized: bool | None) -> View | None:
    """The view named (E250 when there is none); `materialized` True/False: it must be one / not one."""
    name = lw.name(qname)
    if name is None:
        return None
    view = find_view(lw.schema, name)
    if view is None:
        if name in lw.schema.tables:
            lw.bag.error("E258", qname.span, f"'{name.display()}' is a table, not a view")
            return None
        others = [n.name for n in view_names(lw.schema) if n.schema == name.schema]
        lw.unknown(name, "E250", qname.span, f"unknown {'materialized ' if materialized else ''}view '{name.display()}'",
                     did_you_mean(name.name, others))
        return None
    if materialized is not None and view.materialized != materialized:
        right = "drop materialized view" if view.materialized else "drop view"
        lw.bag.error("E258", qname.span, f"'{name.display()}' is a {view.what}, not a "
                     f"{'materialized view' if materialized else 'view'}", f"write `{right} {name.display()}`")
        return None
    return view


def _dependents(schema: Schema, view: View) -> list[View]:
    """The views that use `view`, and those that use them..., each after what it uses."""
    ordered: list[View] = []
    seen: set[Name] = set()

    def visit(v: View) -> None:
        for kind, _, user in schema.users_of(v.ref):
            if kind in VIEW_KINDS and isinstance(user, View) and user.name not in seen and user.name != view.name:
                seen.add(user.name)
                visit(user)
                ordered.append(user)

    visit(view)
    ordered.reverse()  # users were appended after their own users: creation order is the reverse
    return ordered


@lowers(CreateView)
def _lower_create(lw: Lowering, stmt: CreateView) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    existing = find_view(lw.schema, name)
    replacing = stmt.or_replace and isinstance(existing, View)
    if stmt.or_replace and stmt.materialized:
        lw.bag.error("E258", stmt.span, "a materialized view cannot be replaced",
                     "drop it and create it again: drop materialized view, create materialized view")
        return
    if stmt.data is not None and not stmt.materialized:
        lw.bag.error("E258", stmt.span, "`with [no] data` is for materialized views")
        return
    if replacing:
        assert isinstance(existing, View)
        if existing.materialized:
            lw.bag.error("E258", stmt.name.span, f"'{name.display()}' is a materialized view: it cannot be replaced")
            return
    else:
        if not lw.relation_free(name, stmt.name.span, "E102", "view"):
            return
        if name.name in lw.schema.type_names(name.schema):
            lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists")
            return
    for column in stmt.columns:
        if not lw.check_ident(column):
            return
    origin = f"{lw.bag.file}:{stmt.span.line}:{stmt.span.col}"
    with_data = stmt.data is not False
    if stmt.query is None:
        lw.bag.warning("W007", stmt.span, f"{'materialized ' if stmt.materialized else ''}view '{name.display()}' "
                       "is raw SQL: the model knows its name, not its columns or what it uses",
                       "write the query in the .mig language if it can be, so it is checked")
        view = View(name, None, None, (), stmt.materialized, with_data, tuple(c.value for c in stmt.columns),
                    stmt.sql, origin=origin)
    else:
        checked = check_query(lw, stmt.query)
        if checked is None:
            return
        columns = view_columns(checked, stmt.columns)
        if columns is not None and not _columns_ok(lw, stmt, columns, len(checked.columns or ())):
            return
        view = View(name, checked.query, tuple(columns) if columns is not None else None, checked.uses,
                    stmt.materialized, with_data, tuple(c.value for c in stmt.columns), origin=origin)
    if not replacing:
        lw.emit(CreateViewOp(view, stmt.span))
        return
    assert isinstance(existing, View)
    if not _replace_ok(lw, stmt, existing, view):
        return
    dependents = _dependents(lw.schema, existing)
    indexes = tuple(i for d in dependents for i in lw.schema.indexes_of(d.name))
    lw.emit(ReplaceViewOp(existing, replace(view, attrs=existing.attrs, origin=existing.origin), tuple(dependents),
                          indexes, stmt.span))


def _columns_ok(lw: Lowering, stmt: CreateView, columns: list[ViewColumn], count: int) -> bool:
    if len(stmt.columns) > count:
        lw.bag.error("E253", stmt.columns[count].span, f"the view has {count} columns but {len(stmt.columns)} names "
                     "are given")
        return False
    seen: set[str] = set()
    for i, column in enumerate(columns):
        if column.name in seen:
            lw.bag.error("E253", _item_span(stmt, i), f"column '{column.name}' is specified more than once",
                         "give the columns different names with `as`")
            return False
        seen.add(column.name)
    return True


def _item_span(stmt: CreateView, position: int) -> Span:
    """Where the view's column at `position` is written: its select item, when the query is a plain
    select without `*` before it; else the whole query."""
    query = stmt.query
    assert query is not None
    body = query.body
    if isinstance(body, Select) and position < len(body.items) \
            and not any(isinstance(item.expr, Star) for item in body.items[:position + 1]):
        return body.items[position].span
    return query.span


def _replace_ok(lw: Lowering, stmt: CreateView, old: View, new: View) -> bool:
    """PostgreSQL's limits on `create or replace view`: the old columns stay, by name, type and
    order; new ones may come after them."""
    if old.columns is None or new.columns is None:
        return True
    for i, before in enumerate(old.columns):
        if i >= len(new.columns):
            lw.bag.error("E255", stmt.span, f"cannot drop column '{before.name}' of view '{old.name.display()}'",
                         "a replacement keeps every column; to remove one, drop the view and create it again")
            return False
        after = new.columns[i]
        if after.name != before.name:
            lw.bag.error("E255", stmt.span, f"cannot change the name of column '{before.name}' of view "
                         f"'{old.name.display()}' to '{after.name}'",
                         "keep the old columns first, in order; new columns go at the end")
            return False
        if before.type is not None and after.type is not None and before.type != after.type:
            lw.bag.error("E255", stmt.span, f"cannot change the type of column '{before.name}' of view "
                         f"'{old.name.display()}' from {before.type.display()} to {after.type.display()}",
                         "cast it to the old type, or drop the view and create it again")
            return False
    return True


@lowers(DropView)
def _lower_drop(lw: Lowering, stmt: DropView) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is not None and find_view(lw.schema, name) is None:
            lw.does_nothing(stmt.span, f"there is no {'materialized ' if stmt.materialized else ''}view "
                            f"'{name.display()}'")
            return
    view = _lookup(lw, stmt.name, stmt.materialized)
    if view is None:
        return
    if lw.used_by_view(view.ref, stmt.span, f"cannot drop {view.what} '{view.name.display()}'"):
        return
    lw.emit(DropViewOp(view, tuple(lw.schema.indexes_of(view.name)), stmt.span))


@lowers(RenameView)
def _lower_rename(lw: Lowering, stmt: RenameView) -> None:
    view = _lookup(lw, stmt.name, None)
    if view is None or not lw.check_ident(stmt.new_name):
        return
    new = view.name.renamed(stmt.new_name.value)
    if not lw.relation_free(new, stmt.new_name.span, "E102", "cannot rename to"):
        return
    if new.name in lw.schema.type_names(new.schema):
        lw.bag.error("E110", stmt.new_name.span, f"type '{new.display()}' already exists")
        return
    lw.emit(RenameViewOp(view.name, new, view.materialized, stmt.span))


@lowers(RefreshView)
def _lower_refresh(lw: Lowering, stmt: RefreshView) -> None:
    view = _lookup(lw, stmt.name, True)
    if view is None:
        return
    if stmt.concurrent:
        if not stmt.data:
            lw.bag.error("E256", stmt.span, "`concurrently` and `with no data` cannot be used together")
            return
        if not view.with_data:
            lw.bag.error("E256", stmt.span, f"materialized view '{view.name.display()}' is not populated: "
                         "`concurrently` needs it populated", "refresh it once without concurrently first")
            return
        unique = [i for i in lw.schema.indexes_of(view.name) if i.unique and i.where is None]
        if not unique:
            lw.bag.error("E256", stmt.span, f"`refresh materialized view concurrently` needs a unique index on "
                         f"'{view.name.display()}' (on columns only, without where)",
                         f"create unique index on {view.name.display()} (...)")
            return
    lw.emit(RefreshViewOp(view.name, stmt.concurrent, stmt.data, view.with_data, stmt.span))


# ------------------------------------------------------------------ comments


@comment_target("view")
def _comment_view(lw: Lowering, subject: CommentSubject) -> Found | None:
    view = _lookup(lw, subject.name, False)
    return (view, view.ref) if view is not None else None


@comment_target("materialized view")
def _comment_matview(lw: Lowering, subject: CommentSubject) -> Found | None:
    view = _lookup(lw, subject.name, True)
    return (view, view.ref) if view is not None else None


@comment_sql(VIEW)
def _comment_view_sql(ref: ObjectRef) -> str:
    return f"VIEW {quoting.qualified(ref.name.schema, ref.name.name)}"


@comment_sql(MATVIEW)
def _comment_matview_sql(ref: ObjectRef) -> str:
    return f"MATERIALIZED VIEW {quoting.qualified(ref.name.schema, ref.name.name)}"


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "views", "view",
    f"""SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true), c.relispopulated,
            (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                               ORDER BY a.attnum)
             FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND {USER_NS} AND {not_extension_member('pg_class', 'c.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"materialized": row[2], "definition": row[3],
                                                "populated": row[4], "columns": row[5]}),
))
