"""Checking a view's query against the schema replayed so far, as PostgreSQL's parse analysis would:
every table, view, column and function it names must exist; names are scoped as PostgreSQL scopes
them (an alias hides its table's name, `using` merges columns, CTEs, correlated subqueries see the
queries around them); an unqualified column found twice at one level is ambiguous. The result names
and types the query's columns (PostgreSQL's FigureColname; the types the typechecker can tell,
unknown otherwise), lists what the query uses (the view's dependencies), and is the query as the
model stores it: `*` expanded and columns qualified, as PostgreSQL stores a view.

The same walk, given a rename (`rename=(old, new)`), rewrites a stored query so that it follows a
renamed table, view or column (the model's `follow_rename`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migc import expr as ex
from migc import typenames
from migc.ir.model import ObjectRef
from migc.ir.types import SqlType
from migc.ir.view import ViewColumn, find_view, view_names
from migc.lower import functions
from migc.lower.context import Lowering, did_you_mean
from migc.lower.exprcheck import call_resolver, check_functions
from migc.lower.typecheck import BIGINT, BOOLEAN, TEXT, Typed, infer
from migc.query import (
    Alias,
    AnySubquery,
    CommonTable,
    Exists,
    FromItem,
    FunctionRef,
    InSubquery,
    Join,
    Query,
    QueryBody,
    ScalarSubquery,
    Select,
    SelectItem,
    SetOp,
    SubqueryRef,
    TableRef,
    Values,
)
from migc.source import NO_SPAN, Span
from migc.tree import Node

Columns = list[ViewColumn]


@dataclass(eq=False)
class Rel:
    """A range-table entry: a table, view, CTE or subquery in a `from`, as its columns are seen."""

    name: str  # what qualifies its columns: the alias, or the relation's own name
    columns: list[tuple[str, SqlType | None, str]] | None  # (seen as, type, underlying name); None: unknown
    source: ObjectRef | None = None  # the table or view it reads (None: a subquery or CTE)
    implicit: bool = True  # named by the relation's name (no alias)
    span: Span = NO_SPAN
    # a function in FROM that returns a table's (or composite type's) rows: what PostgreSQL records
    # the view depends on (the table's columns it reads, by their names in the table)
    row: ObjectRef | None = None


@dataclass(eq=False)
class JoinNode:
    left: Item
    right: Item
    merged: list[str]  # `using` / natural columns, seen once


Item = Rel | JoinNode


@dataclass(eq=False)
class Binding:
    rels: list[tuple[Rel, str]]  # (relation, underlying column) it reads (two for a merged column)
    type: SqlType | None
    merged: bool = False


@dataclass(eq=False)
class Level:
    items: list[Item]
    parent: Level | None
    ctes: dict[str, Columns | None]
    outputs: dict[str, SqlType | None] = field(default_factory=dict)  # output names (order by / group by)

    def rels(self) -> list[Rel]:
        found: list[Rel] = []

        def walk(item: Item) -> None:
            if isinstance(item, Rel):
                found.append(item)
            else:
                walk(item.left)
                walk(item.right)

        for item in self.items:
            walk(item)
        return found


@dataclass
class Checked:
    query: Query  # as the model stores it
    columns: Columns | None  # None: unknown
    uses: tuple[ObjectRef, ...]
    rows: tuple[ObjectRef, ...] = ()  # tables and composite types whose rows it reads through a function


def output_name(e: ex.Expr, sub_names: dict[int, str]) -> tuple[str, int]:
    """PostgreSQL's FigureColnameInternal: a name and how strong it is (2 a column or call, 1 a
    type's or `case`, 0 none: `?column?`)."""
    match e:
        case ex.ColumnRef(name=name):
            return name.value, 2
        case ex.FuncCall(name=qname):
            return {"trim": "btrim"}.get(qname.name.value, qname.name.value), 2
        case ex.ValueKeyword(name=name):
            return name, 2
        case ex.AtTimeZone():
            return "timezone", 2
        case ex.ArrayLiteral():
            return "array", 2
        case Exists():
            return "exists", 2
        case ScalarSubquery():
            return (sub_names[id(e)], 2) if id(e) in sub_names else ("?column?", 0)
        case ex.Paren(inner=inner) | ex.Collate(operand=inner) | ex.Subscript(operand=inner):
            return output_name(inner, sub_names)
        case ex.Cast(operand=operand, type=t):
            name, strength = output_name(operand, sub_names)
            return (name, strength) if strength > 1 else (_typname(t), 1)
        case ex.TypedLiteral(type=t):
            return _typname(t), 1
        case ex.Case(otherwise=otherwise):
            if otherwise is not None:
                name, strength = output_name(otherwise, sub_names)
                if strength > 1:
                    return name, strength
            return "case", 1
    return "?column?", 0


def _typname(t: ex.TypeRef) -> str:
    written = t.name.name.value
    return typenames.TYPNAMES.get(written, written)


class QueryChecker:
    def __init__(self, lw: Lowering, rename: tuple[ObjectRef, ObjectRef] | None = None) -> None:
        self.lw = lw
        self.rename = rename
        self.uses: dict[ObjectRef, None] = {}
        self.rows: dict[ObjectRef, None] = {}
        self.replace: dict[int, Node] = {}  # id(original node) -> the node stored instead
        self.splice: dict[int, tuple[SelectItem, ...]] = {}  # id(select item) -> the items it stands for
        self.sub_names: dict[int, str] = {}  # id(scalar subquery) -> its column's name
        self.hidden: list[list[Item]] = []  # the items beside each subquery in FROM that is not lateral
        self.ok = True

    # ------------------------------------------------------------ reporting

    def error(self, code: str, span: Any, message: str, hint: str | None = None) -> None:
        self.ok = False
        self.lw.bag.error(code, span, message, hint)

    # ------------------------------------------------------------ queries

    def check(self, q: Query) -> Checked | None:
        mark = self.lw.bag.mark()
        check_functions(self.lw, q)  # type: ignore[arg-type]  # it walks any tree
        columns = self.query(q, None, {})
        if self.lw.bag.errors_since(mark) or not self.ok:
            return None
        stored = _rebuild(q, self.replace, self.splice)
        assert isinstance(stored, Query)
        return Checked(stored, columns, tuple(self.uses), tuple(self.rows))

    def query(self, q: Query, parent: Level | None, ctes: dict[str, Columns | None]) -> Columns | None:
        ctes = dict(ctes)
        for cte in q.ctes:
            ctes[cte.name.value] = self.cte(cte, q.recursive, parent, ctes)
        return self.body(q.body, parent, ctes, q.order_by, top=True, q=q)

    def cte(self, cte: CommonTable, recursive: bool, parent: Level | None,
            ctes: dict[str, Columns | None]) -> Columns | None:
        body = cte.query.body
        if recursive and isinstance(body, SetOp):  # its own name means the rows of the first branch
            mark, ok = self.lw.bag.mark(), self.ok
            first = self.body(body.left, parent, ctes, (), top=False, q=None)
            del self.lw.bag.items[mark:]  # reported once, by the whole query's check below
            self.ok = ok
            ctes = {**ctes, cte.name.value: self._renamed(first, cte.columns, cte.name)}
        columns = self.query(cte.query, parent, ctes)
        return self._renamed(columns, cte.columns, cte.name)

    def _renamed(self, columns: Columns | None, names: tuple[ex.Ident, ...], where: ex.Ident) -> Columns | None:
        if columns is None or not names:
            return columns
        if len(names) > len(columns):
            self.error("E257", names[len(columns)].span, f"'{where.value}' has {len(columns)} columns but "
                       f"{len(names)} names are given")
        return [ViewColumn(n.value, c.type) for n, c in zip(names, columns)] + columns[len(names):]

    def body(self, b: QueryBody, parent: Level | None, ctes: dict[str, Columns | None],
             order_by: tuple[ex.SortItem, ...], *, top: bool, q: Query | None) -> Columns | None:
        if isinstance(b, Select):
            return self.select(b, parent, ctes, order_by, q)
        columns: Columns | None
        if isinstance(b, Values):
            columns = self.values(b, parent, ctes)
        else:
            assert isinstance(b, SetOp)
            left = self.body(b.left, parent, ctes, (), top=False, q=None)
            right = self.body(b.right, parent, ctes, (), top=False, q=None)
            columns = left
            if left is not None and right is not None:
                if len(left) != len(right):
                    self.error("E257", b.span, f"each {b.op.upper()} query must have the same number of columns "
                               f"({len(left)} and {len(right)})")
                    return None
                columns = [ViewColumn(lc.name, lc.type if lc.type == rc.type else None) for lc, rc in zip(left, right)]
        if q is not None:
            self._outer_clauses(q, columns, parent, ctes)
        return columns

    def _outer_clauses(self, q: Query, columns: Columns | None, parent: Level | None,
                       ctes: dict[str, Columns | None]) -> None:
        """`order by` of a set operation or `values` names its result columns; limit and offset."""
        names = {c.name for c in columns} if columns is not None else None
        for item in q.order_by:
            e = item.expr
            if isinstance(e, ex.Literal) and e.kind == "int":
                continue
            if isinstance(e, ex.ColumnRef) and e.table is None and (names is None or e.name.value in names):
                continue
            self.error("E257", e.span, "ORDER BY of a UNION, INTERSECT, EXCEPT or VALUES names one of its result "
                       "columns (or its position)")
        level = Level([], parent, ctes)
        for clause in (q.limit, q.offset):
            if clause is not None:
                self.expr(clause, level)

    def values(self, v: Values, parent: Level | None, ctes: dict[str, Columns | None]) -> Columns:
        level = Level([], parent, ctes)
        width = len(v.rows[0].items)
        types: list[SqlType | None] = [None] * width
        for r, row in enumerate(v.rows):
            if len(row.items) != width:
                self.error("E257", row.span, "VALUES lists must all be the same length")
                continue
            for i, item in enumerate(row.items):
                t = self._value_type(self.expr(item, level))
                types[i] = t if r == 0 else (types[i] if types[i] == t else None)
        return [ViewColumn(f"column{i + 1}", t) for i, t in enumerate(types)]

    @staticmethod
    def _value_type(typed: Typed) -> SqlType | None:
        """A result column's type: an untyped string literal (or null) is text, as in PostgreSQL's views."""
        if typed.literal in ("string", "null"):
            return TEXT
        return typed.type

    # ------------------------------------------------------------ select

    def select(self, s: Select, parent: Level | None, ctes: dict[str, Columns | None],
               order_by: tuple[ex.SortItem, ...], q: Query | None) -> Columns | None:
        level = Level([], parent, ctes)
        for from_item in s.from_:
            level.items.append(self.from_item(from_item, level))
        self._distinct_names(level)
        if s.where is not None:
            self.condition(s.where, level, "WHERE")
        columns: Columns | None = []
        for item in s.items:
            columns = self.select_item(item, level, columns)
        if columns is not None:
            level.outputs = {c.name: c.type for c in columns}
        width = len(columns) if columns is not None else None
        for e in s.group_by:
            if isinstance(e, ex.Literal) and e.kind == "int":
                self._position(e, width, "GROUP BY")
                continue
            if self._output_name(e, level, input_first=True):
                continue
            self.expr(e, level)
        if s.having is not None:
            self.condition(s.having, level, "HAVING")
        for e in s.distinct_on:
            if not self._output_name(e, level, input_first=False):
                self.expr(e, level)
        for sort in order_by:
            if isinstance(sort.expr, ex.Literal) and sort.expr.kind == "int":
                self._position(sort.expr, width, "ORDER BY")
                continue
            if not self._output_name(sort.expr, level, input_first=False):
                self.expr(sort.expr, level)
        if q is not None:
            for clause in (q.limit, q.offset):
                if clause is not None:
                    self.expr(clause, Level([], parent, ctes))
        return columns

    def _position(self, e: ex.Literal, width: int | None, clause: str) -> None:
        """`group by 2`, `order by 1`: a position in the select list."""
        if width is not None and not 1 <= int(e.value) <= width:
            self.error("E257", e.span, f"{clause} position {e.value} is not in the select list (1 to {width})")

    def condition(self, e: ex.Expr, level: Level, clause: str) -> None:
        """WHERE, HAVING, JOIN ON: a boolean (where the type checker can tell)."""
        typed = self.expr(e, level)
        if typed.type is not None and typed.type != BOOLEAN:
            self.error("E211", e.span, f"argument of {clause} must be boolean, not {typed.type.display()}")

    def _output_name(self, e: ex.Expr, level: Level, *, input_first: bool) -> bool:
        """A bare name in `order by` / `group by` that is an output column's."""
        if not isinstance(e, ex.ColumnRef) or e.table is not None or e.name.value not in level.outputs:
            return False
        if input_first and self._find(level, e.name.value):
            return False
        return True

    def _distinct_names(self, level: Level) -> None:
        seen: dict[str, Rel] = {}
        for rel in level.rels():
            if rel.name in seen:
                self.error("E252", rel.span, f"table name '{rel.name}' is used twice in one FROM",
                           "give one of them an alias")
            seen[rel.name] = rel

    def select_item(self, item: SelectItem, level: Level, columns: Columns | None) -> Columns | None:
        e = item.expr
        if isinstance(e, ex.Star):
            expanded = self.star(e, level)
            if expanded is None:
                return None
            items, added = expanded
            self.splice[id(item)] = items
            return columns + added if columns is not None else None
        typed = self.expr(e, level)
        if item.alias is not None:
            name = item.alias.value
        else:
            name = output_name(e, self.sub_names)[0]
            renamed = self.replace.get(id(e))
            if isinstance(renamed, ex.ColumnRef) and renamed.name.value != name:  # a renamed column keeps its name
                self.replace[id(item)] = SelectItem(renamed, ex.Ident(name), item.span)
        if columns is None:
            return None
        return [*columns, ViewColumn(name, _result_type(e, self._value_type(typed)))]

    def star(self, star: ex.Star, level: Level) -> tuple[tuple[SelectItem, ...], Columns] | None:
        if star.table is not None:
            rel = self._rel_named(level, star.table.value, local=True)
            if rel is None:
                self.error("E251", star.table.span, f"missing FROM entry for '{star.table.value}'",
                           did_you_mean(star.table.value, [r.name for r in level.rels()]))
                return (), []
            items: list[Item] = [rel]
        else:
            items = list(level.items)
            if not items:
                self.error("E257", star.span, "SELECT * with no tables")
                return (), []
        out: list[SelectItem] = []
        columns: Columns = []
        for item in items:
            for ref, t in self._expand(item):
                if ref is None:
                    return None
                out.append(SelectItem(ref, None, star.span))
                columns.append(ViewColumn(ref.name.value, t))
        return tuple(out), columns

    def _expand(self, item: Item) -> list[tuple[ex.ColumnRef | None, SqlType | None]]:
        if isinstance(item, Rel):
            if item.columns is None:
                self._use_all(item)
                return [(None, None)]
            found: list[tuple[ex.ColumnRef | None, SqlType | None]] = []
            for seen, t, underlying in item.columns:
                self._use(item, underlying)
                found.append((self._ref_to(item, seen), t))
            return found
        merged: list[tuple[ex.ColumnRef | None, SqlType | None]] = []
        for name in item.merged:
            binding = self._in_item(item, name)[0]
            for rel, underlying in binding.rels:
                self._use(rel, underlying)
            merged.append((ex.ColumnRef(ex.Ident(name)), binding.type))
        rest = [(ref, t) for side in (item.left, item.right) for ref, t in self._expand(side)
                if ref is None or ref.name.value not in item.merged]
        return merged + rest

    def _ref_to(self, rel: Rel, column: str) -> ex.ColumnRef:
        qualifier = rel.name
        if self.rename is not None and rel.implicit and rel.source == self.rename[0]:
            qualifier = self.rename[1].name.name
        if self.rename is not None and self.rename[0].kind == "column" and rel.source is not None \
                and rel.source.name == self.rename[0].name and column == self.rename[0].column:
            column = self.rename[1].column or column
        return ex.ColumnRef(ex.Ident(column), table=ex.Ident(qualifier))

    # ------------------------------------------------------------ from

    def from_item(self, item: FromItem, level: Level, seen: list[Item] | None = None) -> Item:
        """One item of a `from` list; `seen`: the items before it (what a lateral one may name;
        the level's own items, or a join's left side as well)."""
        seen = list(level.items) if seen is None else seen
        if isinstance(item, TableRef):
            return self.table_ref(item, level)
        if isinstance(item, FunctionRef):
            return self.function_ref(item, Level(seen, level.parent, level.ctes))
        if isinstance(item, SubqueryRef):
            outer = Level(seen, level.parent, level.ctes) if item.lateral else level.parent
            self.hidden.append([] if item.lateral else seen)
            try:
                columns = self.query(item.query, outer, level.ctes)
            finally:
                self.hidden.pop()
            alias = item.alias
            if alias is None:
                self.error("E257", item.span, "a subquery in FROM must have an alias", "write `(select ...) AS name`")
                return Rel("?", None)
            columns = self._renamed(columns, alias.columns, alias.name)
            return Rel(alias.name.value, [(c.name, c.type, c.name) for c in columns] if columns is not None else None,
                       None, False, item.span)
        assert isinstance(item, Join)
        left = self.from_item(item.left, level, seen)
        right = self.from_item(item.right, level, [*seen, left])
        merged: list[str] = []
        if item.natural:
            left_names = _names(left)
            right_names = _names(right)
            if left_names is not None and right_names is not None:
                merged = [n for n in left_names if n in right_names]
        for ident in item.using:
            name = ident.value
            for side, what in ((left, "left"), (right, "right")):
                found = self._in_item(side, name)
                if not found:
                    self.error("E103", ident.span, f"column '{name}' named in USING is not in the {what} side of the "
                               "join", did_you_mean(name, _names(side) or []))
                elif len(found) > 1:
                    self.error("E252", ident.span, f"column '{name}' named in USING is in the {what} side twice")
            merged.append(name)
        joined = JoinNode(left, right, merged)
        if item.on is not None:
            self.condition(item.on, Level([joined], level.parent, level.ctes), "JOIN ... ON")
        return joined

    def function_ref(self, item: FunctionRef, scope: Level) -> Item:
        """A function in FROM, its arguments checked against the items before it (`scope`). One
        that returns a scalar (or a set of them) gives one column, named after the alias's column,
        the alias, or the function, typed when the model can tell; `with ordinality` adds
        `ordinality` bigint. A record's columns are the alias's column names (of unknown types), or
        unknown to the model."""
        call, alias = item.call, item.alias
        if call.star or call.distinct or call.order_by or call.filter is not None or call.over is not None:
            self.error("E257", call.span, "a function in FROM takes plain arguments (no *, distinct, order by, "
                       "filter or over)")
            return Rel("?", None)
        for ref in functions.model_functions_called(self.lw.schema, call):
            self.uses.setdefault(ref, None)
        args = [self.expr(a, scope) for a in call.args]
        name = alias.name.value if alias is not None else call.name.name.value
        declared = _model_function_columns(self.lw, call, args)
        if declared is not None:  # the model's function: the columns it declares
            row, of = declared
            typed: list[tuple[str, SqlType | None, str]] = [(n, t, n) for n, t in row]
            if item.ordinality:
                typed.append(("ordinality", BIGINT, ""))
            seen_as = self._aliased(typed, alias)
            assert seen_as is not None
            self._pin(item, name, [seen for seen, _, _ in seen_as])
            if of is not None:
                self.rows.setdefault(of, None)
            return Rel(name, seen_as, None, alias is None, item.span, of)
        scalar, element = _from_function_result(self.lw, call, args)
        if not scalar:
            cols: list[tuple[str, SqlType | None, str]] | None = None
            if alias is not None and alias.columns:
                cols = [(a.value, None, a.value) for a in alias.columns]
            return Rel(name, cols, None, alias is None, item.span)
        columns: list[tuple[str, SqlType | None, str]] = [(name, element, name)]
        if item.ordinality:
            columns.append(("ordinality", BIGINT, "ordinality"))
        return Rel(name, self._aliased(columns, alias), None, alias is None, item.span)

    def _pin(self, item: FunctionRef, name: str, columns: list[str]) -> None:
        """Store the function with every column named in its alias, as PostgreSQL keeps it (and
        pg_get_viewdef shows it): the view goes on reading the columns by position when the
        table's columns are renamed, and `create view` from the stored query means the same then."""
        alias = item.alias
        if alias is not None and len(alias.columns) >= len(columns):
            return
        pinned = Alias(ex.Ident(name), tuple(ex.Ident(c) for c in columns), alias.span if alias is not None else NO_SPAN)
        if alias is not None:
            self.replace[id(alias)] = pinned
        else:
            self.replace[id(item)] = replace(item, alias=pinned)

    def table_ref(self, item: TableRef, level: Level) -> Item:
        qn = item.name
        alias = item.alias
        name = alias.name.value if alias is not None else qn.name.value
        if qn.schema is None and qn.name.value in level.ctes:  # a CTE (of this query or one around it)
            columns = level.ctes[qn.name.value]
            cols = [(c.name, c.type, c.name) for c in columns] if columns is not None else None
            return Rel(name, self._aliased(cols, alias), None, alias is None, item.span)
        resolved = self.lw.name(qn)
        if resolved is None:
            self.ok = False
            return Rel(name, None)
        table = self.lw.schema.tables.get(resolved)
        source: ObjectRef
        if table is not None:
            cols = [(c.name, c.type, c.name) for c in table.columns]
            source = table.ref
        else:
            view = find_view(self.lw.schema, resolved)
            if view is None:
                candidates = [n.name for n in self.lw.schema.tables if n.schema == resolved.schema]
                candidates += [n.name for n in view_names(self.lw.schema) if n.schema == resolved.schema]
                candidates += list(level.ctes)
                self.ok = False
                self.lw.unknown(resolved, "E101", qn.span, f"unknown table or view '{resolved.display()}'",
                                did_you_mean(resolved.name, candidates))
                return Rel(name, None)
            cols = [(c.name, c.type, c.name) for c in view.columns] if view.columns is not None else None
            source = view.ref
        self.uses.setdefault(source, None)
        new_name = resolved
        if self.rename is not None and self.rename[0] == source:
            new_name = self.rename[1].name
        self.replace[id(item)] = TableRef(ex.QName(ex.Ident(new_name.schema), ex.Ident(new_name.name)), alias, item.span)
        return Rel(name, self._aliased(cols, alias), source, alias is None, item.span)

    def _aliased(self, cols: list[tuple[str, SqlType | None, str]] | None,
                 alias: Any) -> list[tuple[str, SqlType | None, str]] | None:
        if cols is None or alias is None or not alias.columns:
            return cols
        if len(alias.columns) > len(cols):
            self.error("E257", alias.columns[len(cols)].span,
                       f"'{alias.name.value}' has {len(cols)} columns but {len(alias.columns)} names are given")
        return [(a.value, t, u) for a, (_, t, u) in zip(alias.columns, cols)] + cols[len(alias.columns):]

    # ------------------------------------------------------------ names

    def _in_item(self, item: Item, name: str) -> list[Binding]:
        if isinstance(item, Rel):
            if item.columns is None:
                return []  # unknown columns: see `column`
            return [Binding([(item, u)], t) for seen, t, u in item.columns if seen == name]
        if name in item.merged:
            left, right = self._in_item(item.left, name), self._in_item(item.right, name)
            rels = [r for b in (*left[:1], *right[:1]) for r in b.rels]
            t = left[0].type if left else None
            return [Binding(rels, t, merged=True)]
        return self._in_item(item.left, name) + self._in_item(item.right, name)

    def _find(self, level: Level, name: str) -> list[Binding]:
        found: list[Binding] = []
        for item in level.items:
            found += self._in_item(item, name)
        return found

    def _opaque_rels(self, level: Level) -> list[Rel]:
        return [r for r in level.rels() if r.columns is None]

    def _rel_named(self, level: Level, name: str, *, local: bool = False) -> Rel | None:
        at: Level | None = level
        while at is not None:
            for rel in at.rels():
                if rel.name == name:
                    return rel
            if local:
                return None
            at = at.parent
        return None

    def column(self, ref: ex.ColumnRef, level: Level) -> SqlType | None:
        name = ref.name.value
        if ref.table is not None:
            return self._qualified(ref, level)
        at: Level | None = level
        while at is not None:
            found = self._find(at, name)
            if len(found) > 1:
                self.error("E252", ref.span, f"column reference '{name}' is ambiguous",
                           "qualify it with its table: " + ", ".join(
                               f"{b.rels[0][0].name}.{name}" for b in found[:3]))
                return None
            if found:
                binding = found[0]
                for rel, underlying in binding.rels:
                    self._use(rel, underlying)
                if not binding.merged and len(binding.rels) == 1:
                    rel = binding.rels[0][0]
                    self._bind(ref, rel, binding.rels[0][1], local=at is level)
                return binding.type
            opaque = self._opaque_rels(at)
            if opaque:  # a view the model cannot see into may have it
                for rel in opaque:
                    self._use_all(rel)
                return None
            at = at.parent
        visible = [seen for lv in _levels(level) for rel in lv.rels() for seen, _, _ in (rel.columns or [])]
        self.error("E103", ref.span, f"unknown column '{name}'", did_you_mean(name, visible))
        return None

    def _qualified(self, ref: ex.ColumnRef, level: Level) -> SqlType | None:
        assert ref.table is not None
        qualifier, name = ref.table.value, ref.name.value
        rel = self._rel_named(level, qualifier)
        if rel is None:
            beside = any(qualifier == r.name for items in self.hidden for r in Level(items, None, {}).rels())
            hint = (f"'{qualifier}' is beside this subquery in FROM: write `lateral (select ...)` to name it"
                    if beside else did_you_mean(qualifier, [r.name for lv in _levels(level) for r in lv.rels()]))
            self.error("E251", ref.table.span, f"missing FROM entry for '{qualifier}'", hint)
            return None
        if rel.columns is None:
            self._use_all(rel)
            return None
        matches = [(t, u) for seen, t, u in rel.columns if seen == name]
        if not matches:
            self.error("E103", ref.name.span, f"'{qualifier}' has no column '{name}'",
                       did_you_mean(name, [seen for seen, _, _ in rel.columns]))
            return None
        if len(matches) > 1:
            self.error("E252", ref.span, f"column reference '{qualifier}.{name}' is ambiguous")
            return None
        t, underlying = matches[0]
        self._use(rel, underlying)
        self._bind(ref, rel, underlying, local=True)
        return t

    def _bind(self, ref: ex.ColumnRef, rel: Rel, underlying: str, *, local: bool) -> None:
        """The ref as stored: qualified by its relation (when that is of its own level), following a rename."""
        column = ref.name.value
        qualifier = ref.table.value if ref.table is not None else (rel.name if local else None)
        if self.rename is not None:
            old, new = self.rename
            if old.kind == "column" and rel.source is not None and rel.source.name == old.name \
                    and underlying == old.column and column == underlying:
                column = new.column or column
            if rel.implicit and rel.source == old and qualifier == rel.name:
                qualifier = new.name.name
        if column != ref.name.value or qualifier != (ref.table.value if ref.table is not None else None):
            self.replace[id(ref)] = ex.ColumnRef(ex.Ident(column, ref.name.span), ref.span,
                                                 ex.Ident(qualifier) if qualifier is not None else None)

    def _use(self, rel: Rel, column: str) -> None:
        if rel.row is not None and column:  # not `ordinality`
            self.uses.setdefault(ObjectRef.of_column(rel.row.name, column) if rel.row.kind == "table" else rel.row, None)
        if rel.source is None:
            return
        if rel.source.kind == "table":
            self.uses.setdefault(ObjectRef.of_column(rel.source.name, column), None)
        else:
            self.uses.setdefault(rel.source, None)

    def _use_all(self, rel: Rel) -> None:
        if rel.source is not None:
            self.uses.setdefault(rel.source, None)

    # ------------------------------------------------------------ expressions

    def expr(self, e: ex.Expr, level: Level) -> Typed:
        def other(node: ex.Expr, go: Any) -> Typed | None:
            if isinstance(node, ScalarSubquery):
                columns = self.query(node.query, level, level.ctes)
                if columns is None:
                    return Typed(None)
                if len(columns) != 1:
                    self.error("E257", node.span, f"a subquery used as a value returns one column, not {len(columns)}")
                    return Typed(None)
                self.sub_names[id(node)] = columns[0].name
                return Typed(columns[0].type)
            if isinstance(node, Exists):
                self.query(node.query, level, level.ctes)
                return Typed(BOOLEAN)
            if isinstance(node, (InSubquery, AnySubquery)):
                go(node.operand if isinstance(node, InSubquery) else node.left)
                columns = self.query(node.query, level, level.ctes)
                if columns is not None and len(columns) != 1:
                    self.error("E257", node.query.span, f"the subquery returns {len(columns)} columns where one "
                               "is compared")
                return Typed(BOOLEAN)
            if isinstance(node, ex.FuncCall):
                for ref in functions.model_functions_called(self.lw.schema, node):
                    self.uses.setdefault(ref, None)
                for sort in node.order_by:
                    go(sort.expr)
                if node.filter is not None:
                    go(node.filter)
                if node.over is not None:
                    for p in node.over.partition_by:
                        go(p)
                    for sort in node.over.order_by:
                        go(sort.expr)
                    frame = node.over.frame
                    for bound in (frame.start, frame.end) if frame is not None else ():
                        if bound is not None and bound.offset is not None:
                            go(bound.offset)
                return None
            if isinstance(node, ex.Star):
                self.error("E257", node.span, "* is allowed only in a select list")
                return Typed(None)
            return None

        return infer(e, lambda ref: self.column(ref, level), self.lw.resolve_cast_type, other, call_resolver(self.lw))


def _result_type(e: ex.Expr, t: SqlType | None) -> SqlType | None:
    """A result column's type: a modifier (varchar(200)) is kept only where PostgreSQL surely keeps it
    too (a column, a cast to it); elsewhere (case, coalesce...) it may drop it, so the type is unknown."""
    while isinstance(e, ex.Paren):
        e = e.inner
    if t is None or not t.args or isinstance(e, (ex.ColumnRef, ex.Cast, ex.TypedLiteral, ScalarSubquery)):
        return t
    return None


def _levels(level: Level) -> list[Level]:
    out = []
    at: Level | None = level
    while at is not None:
        out.append(at)
        at = at.parent
    return out


def _names(item: Item) -> list[str] | None:
    if isinstance(item, Rel):
        return [seen for seen, _, _ in item.columns] if item.columns is not None else None
    left, right = _names(item.left), _names(item.right)
    if left is None or right is None:
        return None
    return item.merged + [n for n in left + right if n not in item.merged]


def _rebuild(n: Node, replace_: dict[int, Node], splice: dict[int, tuple[SelectItem, ...]]) -> Node:
    """The tree with the nodes (by identity) in `replace_` swapped and select items in `splice` expanded."""
    n = replace_.get(id(n), n)  # a replacement's own parts may be replaced too (a function's arguments)
    changes: dict[str, object] = {}
    for name in n.ARGS:
        value = getattr(n, name)
        if isinstance(value, Node):
            new = _rebuild(value, replace_, splice)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple):
            items: list[object] = []
            changed = False
            for x in value:
                if isinstance(x, Node) and id(x) in splice:
                    items.extend(splice[id(x)])
                    changed = True
                elif isinstance(x, Node):
                    nx = _rebuild(x, replace_, splice)
                    changed = changed or nx is not x
                    items.append(nx)
                else:
                    items.append(x)
            if changed:
                changes[name] = tuple(items)
    return replace(n, **changes) if changes else n  # type: ignore[type-var]


def check_query(lw: Lowering, q: Query, rename: tuple[ObjectRef, ObjectRef] | None = None) -> Checked | None:
    """Check `q` against `lw.schema`; None when it has errors (reported to `lw.bag`)."""
    return QueryChecker(lw, rename).check(q)


def view_columns(checked: Checked, names: tuple[ex.Ident, ...]) -> Columns | None:
    """The view's columns: the query's, renamed by a written column list."""
    columns = checked.columns
    if columns is None or not names:
        return columns
    return [ViewColumn(n.value, c.type) for n, c in zip(names, columns)] + columns[len(names):]


__all__ = ["Checked", "QueryChecker", "check_query", "output_name", "view_columns"]


def _model_function_columns(lw: Lowering, call: ex.FuncCall,
                            args: list[Typed]) -> tuple[list[tuple[str, SqlType]], ObjectRef | None] | None:
    """The columns of a model function in FROM that returns rows, and the table or composite type
    whose rows they are (see functions.result_columns)."""
    in_schema = call.name.schema.value if call.name.schema is not None else None
    name = call.name.name.value
    routines = functions.user_routines(lw.schema, name, in_schema)
    if not routines:
        return None
    found = functions.lookup(lw.schema, name, [(a.type, a.literal in ("string", "null")) for a in args], in_schema)
    routine = functions.model_routine(routines, found)
    return functions.result_columns(lw.schema, routine) if routine is not None else None


def _from_function_result(lw: Lowering, call: ex.FuncCall, args: list[Typed]) -> tuple[bool, SqlType | None]:
    """Does a function in FROM give one column (a scalar, or a set of them), and of which type (None:
    unknown)? `unnest` of a known array gives its element type. False: a record, or a function the
    model cannot tell."""
    in_schema = call.name.schema.value if call.name.schema is not None else None
    found = functions.lookup(lw.schema, call.name.name.value,
                             [(a.type, a.literal in ("string", "null")) for a in args], in_schema)
    results = {(c.returns, c.args[0] if c.args else "") for c in found.candidates}
    if not results or any(r == "record" for r, _ in results):
        return False, None
    first = args[0].type if args else None
    if first is not None and first.array_dims and ("anyelement", "anyarray") in results:
        return True, replace(first, array_dims=0)  # unnest: PostgreSQL flattens every dimension
    returns = {r for r, _ in results}
    if len(returns) != 1:
        return True, None
    r = returns.pop()
    return True, functions.model_type(r) if not r.startswith("any") else None
