"""The query tree of a view: `select ... from ... where ...`, set operations, `with`, `values`, and
the expression forms that hold a query (scalar, `exists`, `in` and `any` subqueries).

Like the expression tree (migc.expr), every form is a frozen dataclass with `ARGS`, its SQL
(`sql()`) and its grammar builder right below it, so the generic walk, transform and search of
tree.py serve queries too. The IR stores a view's query as a tree of these (with `*` expanded and
names resolved by lowering, as PostgreSQL stores it); lower/query.py checks it and names and types
its columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc import quoting
from migc.expr import Expr, FuncCall, Ident, Predicate, QName, SortItem, Star, order_by_sql
from migc.source import Span
from migc.tree import BUILDERS, Marker, Node, builder, has_token, marker_value, node, nodes, optional, span_of, token
from migc.tree import span_field as _span

# ---------------------------------------------------------------- from


class FromItem(Node):
    """Base of what a `from` list holds: a table or view, a subquery, a function, a join."""

    __slots__ = ()

    def sql(self) -> str:
        raise NotImplementedError(type(self).__name__)


@dataclass(frozen=True, slots=True)
class Alias(Node):
    """`u`, `as u`, `s(a, b)`: a from item's name in the query, and optionally its columns' names."""

    ARGS = ("name", "columns")
    name: Ident
    columns: tuple[Ident, ...] = ()
    span: Span = _span()

    def sql(self) -> str:
        cols = f"({', '.join(quoting.ident(c.value) for c in self.columns)})" if self.columns else ""
        return f" {quoting.ident(self.name.value)}{cols}"


@builder("alias")
def _alias(c: list[Any]) -> Alias:
    return Alias(node(c, Ident), marker_value(c, "idents", ()), span_of(c))


@dataclass(frozen=True, slots=True)
class TableRef(FromItem):
    """A table or view in `from`: `users`, `app.users u`."""

    ARGS = ("name", "alias")
    name: QName
    alias: Alias | None = None
    span: Span = _span()

    def sql(self) -> str:
        qn = self.name
        name = quoting.qualified(qn.schema.value, qn.name.value) if qn.schema else quoting.ident(qn.name.value)
        return name + (self.alias.sql() if self.alias is not None else "")


@builder("from_table")
def _from_table(c: list[Any]) -> TableRef:
    return TableRef(node(c, QName), optional(c, Alias), span_of(c))


@dataclass(frozen=True, slots=True)
class SubqueryRef(FromItem):
    """`(select ...) s`; `lateral (select ...) s` sees the items before it in the same `from`."""

    ARGS = ("query", "alias")
    query: Query
    alias: Alias | None = None
    span: Span = _span()
    lateral: bool = False

    def sql(self) -> str:
        lateral = "LATERAL " if self.lateral else ""
        return f"{lateral}({self.query.sql()})" + (self.alias.sql() if self.alias is not None else "")


@builder("from_subquery")
def _from_subquery(c: list[Any]) -> SubqueryRef:
    return SubqueryRef(node(c, Query), optional(c, Alias), span_of(c), has_token(c, "LATERAL"))


@dataclass(frozen=True, slots=True)
class FunctionRef(FromItem):
    """A function in `from`: `unnest(tags) t`, `generate_series(1, 10) with ordinality g(n, i)`. It
    sees the items before it (PostgreSQL's functions in FROM are lateral; the word is optional)."""

    ARGS = ("call", "alias")
    call: FuncCall
    alias: Alias | None = None
    span: Span = _span()
    ordinality: bool = False
    lateral: bool = False  # written `lateral` (kept as written)

    def sql(self) -> str:
        lateral = "LATERAL " if self.lateral else ""
        ordinality = " WITH ORDINALITY" if self.ordinality else ""
        return f"{lateral}{self.call.sql()}{ordinality}" + (self.alias.sql() if self.alias is not None else "")


@builder("from_function")
def _from_function(c: list[Any]) -> FunctionRef:
    start = next(i for i, x in enumerate(c) if isinstance(x, QName))
    close = max(i for i, x in enumerate(c) if getattr(x, "type", None) == "RPAR")
    call = BUILDERS["func_call"](c[start:close + 1])  # the call's own builder (expr/nodes.py)
    return FunctionRef(call, optional(c, Alias), span_of(c), has_token(c, "WITH_ORDINALITY"), has_token(c, "LATERAL"))


@dataclass(frozen=True, slots=True)
class Join(FromItem):
    ARGS = ("left", "right", "on", "using")
    kind: str  # "inner" | "left" | "right" | "full" | "cross"
    left: FromItem
    right: FromItem
    on: Expr | None = None
    using: tuple[Ident, ...] = ()
    natural: bool = False
    span: Span = _span()

    def sql(self) -> str:
        kind = "CROSS" if self.kind == "cross" else self.kind.upper()
        text = f"{self.left.sql()} {'NATURAL ' if self.natural else ''}{kind} JOIN {self.right.sql()}"
        if self.on is not None:
            text += f" ON {self.on.sql()}"
        elif self.using:
            text += f" USING ({', '.join(quoting.ident(i.value) for i in self.using)})"
        return text


@builder("join_type")
def _join_type(c: list[Any]) -> Marker:
    return Marker("join type", c[0].value.lower(), span_of(c))


@builder("join_cond")
def _join_cond(c: list[Any]) -> Marker:
    on = optional(c, Expr)
    return Marker("on", on, span_of(c)) if on is not None else Marker("using", marker_value(c, "idents"), span_of(c))


@builder("join")
def _join(c: list[Any]) -> Join:
    items = nodes(c, FromItem)
    kind = "cross" if has_token(c, "CROSS") else marker_value(c, "join type", "inner")
    return Join(kind, items[0], items[1], marker_value(c, "on"), marker_value(c, "using", ()),
                has_token(c, "NATURAL"), span_of(c))


@builder("from_clause")
def _from_clause(c: list[Any]) -> Marker:
    return Marker("from", tuple(nodes(c, FromItem)), span_of(c))


# ---------------------------------------------------------------- select


@dataclass(frozen=True, slots=True)
class SelectItem(Node):
    """One output column: an expression (`*` and `t.*` are `expr.Star`) and its alias, if written."""

    ARGS = ("expr", "alias")
    expr: Expr
    alias: Ident | None = None
    span: Span = _span()

    def sql(self) -> str:
        return self.expr.sql() + (f" AS {quoting.ident(self.alias.value)}" if self.alias is not None else "")


@builder("select_item")
def _select_item(c: list[Any]) -> SelectItem:
    return SelectItem(c[0], optional(c[1:], Ident), span_of(c))


@builder("select_star")
def _select_star(c: list[Any]) -> SelectItem:
    table = optional(c, Ident)
    return SelectItem(Star(table, span_of(c)), None, span_of(c))


class QueryBody(Node):
    """Base of what a query's body is: a `select`, a `values` list, a set operation."""

    __slots__ = ()

    def sql(self) -> str:
        raise NotImplementedError(type(self).__name__)


@dataclass(frozen=True, slots=True)
class Select(QueryBody):
    ARGS = ("distinct_on", "items", "from_", "where", "group_by", "having")
    items: tuple[SelectItem, ...]
    from_: tuple[FromItem, ...] = ()
    where: Expr | None = None
    group_by: tuple[Expr, ...] = ()
    having: Expr | None = None
    distinct: bool = False
    distinct_on: tuple[Expr, ...] = ()
    span: Span = _span()

    def sql(self) -> str:
        parts = ["SELECT"]
        if self.distinct_on:
            parts.append(f"DISTINCT ON ({', '.join(e.sql() for e in self.distinct_on)})")
        elif self.distinct:
            parts.append("DISTINCT")
        parts.append(", ".join(i.sql() for i in self.items))
        if self.from_:
            parts.append("FROM " + ", ".join(f.sql() for f in self.from_))
        if self.where is not None:
            parts.append("WHERE " + self.where.sql())
        if self.group_by:
            parts.append("GROUP BY " + ", ".join(e.sql() for e in self.group_by))
        if self.having is not None:
            parts.append("HAVING " + self.having.sql())
        return " ".join(parts)


@builder("distinct_clause")
def _distinct_clause(c: list[Any]) -> Marker:
    return Marker("distinct", (has_token(c, "DISTINCT"), tuple(nodes(c, Expr))), span_of(c))


@builder("group_by")
def _group_by(c: list[Any]) -> Marker:
    return Marker("group by", tuple(nodes(c, Expr)), span_of(c))


@builder("having")
def _having(c: list[Any]) -> Marker:
    return Marker("having", node(c, Expr), span_of(c))


@builder("select_core")
def _select_core(c: list[Any]) -> Select:
    distinct, on = marker_value(c, "distinct", (False, ()))
    return Select(tuple(nodes(c, SelectItem)), marker_value(c, "from", ()), marker_value(c, "where"),
                  marker_value(c, "group by", ()), marker_value(c, "having"), distinct, on, span_of(c))


@dataclass(frozen=True, slots=True)
class ValuesRow(Node):
    ARGS = ("items",)
    items: tuple[Expr, ...]
    span: Span = _span()


@builder("values_row")
def _values_row(c: list[Any]) -> ValuesRow:
    return ValuesRow(tuple(nodes(c, Expr)), span_of(c))


@dataclass(frozen=True, slots=True)
class Values(QueryBody):
    ARGS = ("rows",)
    rows: tuple[ValuesRow, ...]
    span: Span = _span()

    def sql(self) -> str:
        return "VALUES " + ", ".join("(" + ", ".join(e.sql() for e in r.items) + ")" for r in self.rows)


@builder("values_list")
def _values_list(c: list[Any]) -> Values:
    return Values(tuple(nodes(c, ValuesRow)), span_of(c))


@dataclass(frozen=True, slots=True)
class SetOp(QueryBody):
    """`a union [all] b`, `intersect`, `except`."""

    ARGS = ("left", "right")
    op: str  # "union" | "intersect" | "except"
    all: bool
    left: QueryBody
    right: QueryBody
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.left.sql()} {self.op.upper()}{' ALL' if self.all else ''} {self.right.sql()}"


@builder("set_op")
def _set_op(c: list[Any]) -> SetOp:
    bodies = nodes(c, QueryBody)
    op = token(c, "UNION", "INTERSECT", "EXCEPT")
    assert op is not None
    return SetOp(op.value.lower(), has_token(c, "ALL"), bodies[0], bodies[1], span_of(c))


# ---------------------------------------------------------------- the query


@dataclass(frozen=True, slots=True)
class CommonTable(Node):
    """`name [(columns)] as (query)` of a `with`."""

    ARGS = ("name", "columns", "query")
    name: Ident
    columns: tuple[Ident, ...]
    query: Query
    span: Span = _span()

    def sql(self) -> str:
        cols = f"({', '.join(quoting.ident(c.value) for c in self.columns)})" if self.columns else ""
        return f"{quoting.ident(self.name.value)}{cols} AS ({self.query.sql()})"


@builder("cte")
def _cte(c: list[Any]) -> CommonTable:
    return CommonTable(c[0], marker_value(c, "idents", ()), node(c, Query), span_of(c))


@builder("with_clause")
def _with(c: list[Any]) -> Marker:
    return Marker("with", (has_token(c, "RECURSIVE"), tuple(nodes(c, CommonTable))), span_of(c))


@builder("limit_clause")
def _limit(c: list[Any]) -> Marker:
    return Marker("limit", optional(c, Expr), span_of(c))


@builder("offset_clause")
def _offset(c: list[Any]) -> Marker:
    return Marker("offset", node(c, Expr), span_of(c))


@dataclass(frozen=True, slots=True)
class Query(Node):
    ARGS = ("ctes", "body", "order_by", "limit", "offset")
    body: QueryBody
    ctes: tuple[CommonTable, ...] = ()
    recursive: bool = False
    order_by: tuple[SortItem, ...] = ()
    limit: Expr | None = None
    offset: Expr | None = None
    span: Span = _span()

    def sql(self) -> str:
        parts = []
        if self.ctes:
            parts.append(("WITH RECURSIVE " if self.recursive else "WITH ") + ", ".join(t.sql() for t in self.ctes))
        parts.append(self.body.sql())
        if self.order_by:
            parts.append(order_by_sql(self.order_by))
        if self.limit is not None:
            parts.append("LIMIT " + self.limit.sql())
        if self.offset is not None:
            parts.append("OFFSET " + self.offset.sql())
        return " ".join(parts)


@builder("query")
def _query(c: list[Any]) -> Query:
    recursive, ctes = marker_value(c, "with", (False, ()))
    return Query(node(c, QueryBody), ctes, recursive, marker_value(c, "order by", ()), marker_value(c, "limit"),
                 marker_value(c, "offset"), span_of(c))


# ---------------------------------------------------------------- expressions holding a query


@dataclass(frozen=True, slots=True)
class ScalarSubquery(Expr):
    """`(select max(at) from events e where e.user_id = u.id)`: one row, one column."""

    ARGS = ("query",)
    query: Query
    span: Span = _span()

    def sql(self) -> str:
        return f"({self.query.sql()})"


@builder("scalar_subquery")
def _scalar_subquery(c: list[Any]) -> ScalarSubquery:
    return ScalarSubquery(node(c, Query), span_of(c))


@dataclass(frozen=True, slots=True)
class Exists(Predicate):
    ARGS = ("query",)
    query: Query
    span: Span = _span()

    def sql(self) -> str:
        return f"EXISTS ({self.query.sql()})"

    def index_column_name(self) -> str:
        return "exists"


@builder("exists")
def _exists(c: list[Any]) -> Exists:
    return Exists(node(c, Query), span_of(c))


@dataclass(frozen=True, slots=True)
class InSubquery(Predicate):
    """`x [not] in (select ...)`."""

    ARGS = ("operand", "query")
    operand: Expr
    query: Query
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} {'NOT ' if self.negated else ''}IN ({self.query.sql()})"


@builder("in_subquery")
def _in_subquery(c: list[Any]) -> InSubquery:
    return InSubquery(c[0], node(c, Query), has_token(c, "NOT"), span_of(c))


@dataclass(frozen=True, slots=True)
class AnySubquery(Predicate):
    """`x = any (select ...)`, `x > all (select ...)`."""

    ARGS = ("left", "query")
    left: Expr
    op: str
    quantifier: str  # "any" | "all" | "some"
    query: Query
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.left.sql()} {self.op} {self.quantifier.upper()} ({self.query.sql()})"


@builder("any_subquery")
def _any_subquery(c: list[Any]) -> AnySubquery:
    quantifier = token(c, "ANY", "ALL", "SOME")
    assert quantifier is not None
    return AnySubquery(c[0], c[1].value, quantifier.value.lower(), node(c, Query), span_of(c))


__all__ = [
    "Alias", "AnySubquery", "CommonTable", "Exists", "FromItem", "InSubquery", "Join", "Query", "QueryBody",
    "ScalarSubquery", "Select", "SelectItem", "SetOp", "SubqueryRef", "TableRef", "Values", "ValuesRow",
]
