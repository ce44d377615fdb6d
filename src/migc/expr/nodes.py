"""The one expression tree of the .mig language: defaults, checks, index expressions and predicates,
`using` clauses. Built by the parser, stored as they are by the IR (PostgreSQL stores expressions as
written, so the model does too), rendered to SQL, typed and walked.

One form = one class here: its fields (children named in ARGS, so the generic walk and transform of
tree.py reach them), its SQL (`sql()`), its name as an index column (`index_column_name()`,
PostgreSQL's FigureIndexColname), and the builder of its grammar rule(s) right below it. Predicates
(whose value is boolean whatever their operands) derive from `Predicate`, which is all the type
checker needs to know of a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migc import quoting, typenames
from migc.source import Span
from migc.tree import (
    Marker,
    Node,
    builder,
    has_token,
    marker,
    marker_value,
    markers,
    node,
    nodes,
    optional,
    span_of,
    token,
    token_span,
    unquote,
)

from migc.tree import span_field as _span  # noqa: E402

VALUE_KEYWORDS = frozenset({
    "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
    "current_user", "session_user", "current_role",
})


# ---------------------------------------------------------------- names and types (not expressions)


@dataclass(frozen=True, slots=True)
class Ident(Node):
    value: str  # folded to lower case unless it was quoted
    span: Span = _span()
    quoted: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class QName(Node):
    ARGS = ("schema", "name")
    schema: Ident | None
    name: Ident
    span: Span = _span()

    @property
    def schema_name(self) -> str:
        """The schema it names, `public` when unqualified."""
        return self.schema.value if self.schema is not None else "public"


@dataclass(frozen=True, slots=True)
class TypeRef(Node):
    """A type as written: `int`, `double precision`, `app.mood[]`, `varchar(20)`."""

    ARGS = ("name",)
    name: QName  # `double precision` arrives as QName(None, "double precision")
    args: tuple[int, ...]
    array_dims: int
    span: Span = _span()

    def sql(self) -> str:
        qn = self.name
        args = "(" + ",".join(str(a) for a in self.args) + ")" if self.args else ""
        if qn.schema is None and typenames.is_builtin_word(qn.name.value):
            # a built-in type word as written: int, double precision, timestamp(3) with time zone
            word, zone, rest = qn.name.value.partition(" with")
            base = f"{word}{args} with{rest}" if zone else f"{word}{args}"
        else:  # a user type: unqualified means public
            base = quoting.qualified(qn.schema_name, qn.name.value) + args
        return base + "[]" * self.array_dims


@builder("ident")
def _ident(c: list[Any]) -> Ident:
    tok = c[0]
    if tok.type == "QUOTED_IDENT":
        return Ident(unquote(tok.value, '"'), token_span(tok), True)
    return Ident(tok.value.lower(), token_span(tok))


@builder("qname")
def _qname(c: list[Any]) -> QName:
    idents = nodes(c, Ident)
    if len(idents) == 2:
        return QName(idents[0], idents[1], span_of(c))
    return QName(None, idents[0], span_of(c))


@builder("double_precision", "character_type", "bit_type")
def _keyword_type(c: list[Any]) -> QName:
    """A built-in type spelled in words: `double precision`, `character varying`, `bit varying`."""
    span = span_of(c)
    words = " ".join(t.value.lower() for t in c)
    return QName(None, Ident("double precision" if words == "double" else words, span), span)


@builder("type_args")
def _type_args(c: list[Any]) -> Marker:
    return Marker("type args", tuple(int(t.value) for t in c if getattr(t, "type", None) == "INT"), span_of(c))


@builder("array_suffix")
def _array_suffix(c: list[Any]) -> Marker:
    return Marker("array", None, span_of(c))


@builder("type")
def _type(c: list[Any]) -> TypeRef:
    args = marker(c, "type args")
    name = node(c, QName)
    zone = token(c, "TIME_ZONE")
    if zone is not None:  # timestamp(3) with time zone: one type word, as PostgreSQL spells it
        words = " ".join(zone.value.lower().split())
        name = QName(None, Ident(f"{name.name.value} {words}", name.span), name.span)
    return TypeRef(name, args.value if args else (), len(markers(c, "array")), span_of(c))


# ---------------------------------------------------------------- expressions


class Expr(Node):
    """Base of the expression forms."""

    __slots__ = ()

    def sql(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def index_column_name(self) -> str:
        """The column name PostgreSQL gives this expression in an index (FigureIndexColname)."""
        return "expr"

    def column_refs(self) -> list[ColumnRef]:
        return list(self.find_all(ColumnRef))

    def column_names(self) -> tuple[str, ...]:
        """The distinct columns the expression names, in order of first mention."""
        seen: dict[str, None] = {}
        for ref in self.find_all(ColumnRef):
            seen.setdefault(ref.name.value, None)
        return tuple(seen)

    def with_column_renamed(self, old: str, new: str) -> Expr:
        def rename(e: Node) -> Node | None:
            if isinstance(e, ColumnRef) and e.table is None and e.name.value == old:
                return ColumnRef(Ident(new, e.name.span), e.span)
            return None

        return self.transform(rename)

    def with_type_renamed(self, old: tuple[str, str], new: tuple[str, str]) -> Expr:
        """Casts to a renamed type follow it (PostgreSQL stores the type's oid, not its name)."""

        def rename(e: Node) -> Node | None:
            if isinstance(e, Cast):
                qn = e.type.name
                if (qn.schema_name, qn.name.value) == old:
                    return replace(e, type=replace(e.type, name=QName(Ident(new[0]), Ident(new[1]))))
            return None

        return self.transform(rename)


class Predicate(Expr):
    """An expression whose value is boolean whatever its operands' types."""

    __slots__ = ()


def _expr(c: list[Any], index: int = 0) -> Expr:
    return nodes(c, Expr)[index]


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    kind: str  # "int" | "decimal" | "string" | "bool" | "null"
    value: str  # the literal's value: digits, the unescaped string, "true"/"false", "null"
    span: Span = _span()
    escaped: bool = field(default=False, compare=False, repr=False)  # written E'...'

    def sql(self) -> str:
        if self.kind == "string":
            return quoting.escape_literal(self.value) if self.escaped else quoting.literal(self.value)
        if self.kind == "null":
            return "NULL"
        if self.kind == "bool":
            return self.value.lower()
        return self.value


_LITERAL_KINDS = {"INT": "int", "DECIMAL": "decimal", "STRING": "string", "ESCAPE_STRING": "string",
                  "TRUE": "bool", "FALSE": "bool"}


@builder("literal")
def _literal(c: list[Any]) -> Literal:
    tok = c[0]
    kind = _LITERAL_KINDS.get(tok.type, "null")
    if tok.type == "ESCAPE_STRING":
        return Literal(kind, quoting.unescape(tok.value[2:-1]), span_of(c), True)
    value = unquote(tok.value, "'") if kind == "string" else tok.value.lower()
    return Literal(kind, value, span_of(c))


@dataclass(frozen=True, slots=True)
class TypedLiteral(Expr):
    """`date '2024-01-01'`, `interval '1 day'`: a string constant of a type."""

    ARGS = ("type",)
    type: TypeRef
    value: str
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.type.sql()} {quoting.literal(self.value)}"

    def index_column_name(self) -> str:
        written = self.type.name.name.value
        return typenames.TYPNAMES.get(written, written)


@builder("typed_literal")
def _typed_literal(c: list[Any]) -> TypedLiteral:
    name: Ident = c[0]
    return TypedLiteral(TypeRef(QName(None, name, name.span), (), 0, name.span), unquote(c[1].value, "'"), span_of(c))


@dataclass(frozen=True, slots=True)
class ColumnRef(Expr):
    """A column: `email`, or qualified by its table (or row) in a query or a trigger: `u.email`, `new.email`."""

    ARGS = ("name", "table")
    name: Ident
    span: Span = _span()
    table: Ident | None = None

    def sql(self) -> str:
        column = quoting.ident(self.name.value)
        return f"{quoting.ident(self.table.value)}.{column}" if self.table is not None else column

    def index_column_name(self) -> str:
        return self.name.value


@dataclass(frozen=True, slots=True)
class ValueKeyword(Expr):
    name: str  # current_timestamp, current_date, ...
    span: Span = _span()

    def sql(self) -> str:
        return self.name.upper()

    def index_column_name(self) -> str:
        return self.name


@builder("column_ref")
def _column_ref(c: list[Any]) -> ColumnRef | ValueKeyword:
    qname: QName = c[0]
    name = qname.name
    if qname.schema is not None:
        return ColumnRef(name, qname.span, qname.schema)
    if not name.quoted and name.value in VALUE_KEYWORDS:
        return ValueKeyword(name.value, name.span)
    return ColumnRef(name, name.span)


# PostgreSQL's grammar rewrites some calls before naming sees them: trim(x) is btrim(x)
_GRAMMAR_FUNCTIONS = {"trim": "btrim"}


@dataclass(frozen=True, slots=True)
class SortItem(Node):
    """`x desc nulls last`: one key of an `order by` (of a query, an aggregate's arguments, a window)."""

    ARGS = ("expr",)
    expr: Expr
    order: str | None = None  # "asc" | "desc"
    nulls: str | None = None  # "first" | "last"
    span: Span = _span()

    def sql(self) -> str:
        order = f" {self.order.upper()}" if self.order else ""
        nulls = f" NULLS {self.nulls.upper()}" if self.nulls else ""
        return f"{self.expr.sql()}{order}{nulls}"


@builder("sort_item")
def _sort_item(c: list[Any]) -> SortItem:
    order = token(c, "ASC", "DESC")
    nulls = token(c, "NULLS_FIRST", "NULLS_LAST")
    return SortItem(c[0], order.value.lower() if order is not None else None,
                    nulls.value.lower().split()[-1] if nulls is not None else None, span_of(c))


@builder("order_by")
def _order_by(c: list[Any]) -> Marker:
    return Marker("order by", tuple(nodes(c, SortItem)), span_of(c))


def order_by_sql(items: tuple[SortItem, ...]) -> str:
    return "ORDER BY " + ", ".join(i.sql() for i in items)


@dataclass(frozen=True, slots=True)
class FrameBound(Node):
    """One end of a window frame: `unbounded preceding`, `current row`, `3 preceding`."""

    ARGS = ("offset",)
    kind: str  # "unbounded preceding" | "unbounded following" | "current row" | "preceding" | "following"
    offset: Expr | None = None
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.offset.sql()} {self.kind.upper()}" if self.offset is not None else self.kind.upper()


@builder("frame_bound")
def _frame_bound(c: list[Any]) -> FrameBound:
    words = " ".join(" ".join(t.value.lower().split()) for t in c if not isinstance(t, Node))
    offset = optional(c, Expr)
    return FrameBound(words, offset, span_of(c))


@dataclass(frozen=True, slots=True)
class Frame(Node):
    ARGS = ("start", "end")
    mode: str  # "rows" | "range" | "groups"
    start: FrameBound
    end: FrameBound | None = None
    span: Span = _span()

    def sql(self) -> str:
        if self.end is None:
            return f"{self.mode.upper()} {self.start.sql()}"
        return f"{self.mode.upper()} BETWEEN {self.start.sql()} AND {self.end.sql()}"


@builder("frame")
def _frame(c: list[Any]) -> Frame:
    bounds = nodes(c, FrameBound)
    return Frame(c[0].value.lower(), bounds[0], bounds[1] if len(bounds) > 1 else None, span_of(c))


@dataclass(frozen=True, slots=True)
class WindowSpec(Node):
    """`over (partition by ... order by ... [frame])`."""

    ARGS = ("partition_by", "order_by", "frame")
    partition_by: tuple[Expr, ...] = ()
    order_by: tuple[SortItem, ...] = ()
    frame: Frame | None = None
    span: Span = _span()

    def sql(self) -> str:
        parts = []
        if self.partition_by:
            parts.append("PARTITION BY " + ", ".join(e.sql() for e in self.partition_by))
        if self.order_by:
            parts.append(order_by_sql(self.order_by))
        if self.frame is not None:
            parts.append(self.frame.sql())
        return "OVER (" + " ".join(parts) + ")"


@builder("window_partition")
def _window_partition(c: list[Any]) -> Marker:
    return Marker("partition by", tuple(nodes(c, Expr)), span_of(c))


@builder("over_clause")
def _over(c: list[Any]) -> WindowSpec:
    return WindowSpec(marker_value(c, "partition by", ()), marker_value(c, "order by", ()), optional(c, Frame),
                      span_of(c))


@builder("filter_clause")
def _filter(c: list[Any]) -> Marker:
    return Marker("filter", node(c, Expr), span_of(c))


# PostgreSQL's grammar rewrites some calls before naming sees them: trim(x) is btrim(x)
_GRAMMAR_FUNCTIONS = {"trim": "btrim"}


@dataclass(frozen=True, slots=True)
class FuncCall(Expr):
    """A call: `lower(email)`; in a query also an aggregate (`count(*)`, `count(distinct x)`,
    `string_agg(x, ',' order by x)`, `sum(x) filter (where ...)`) or a window call (`... over (...)`)."""

    ARGS = ("name", "args", "order_by", "filter", "over")
    name: QName
    args: tuple[Expr, ...]
    span: Span = _span()
    star: bool = False  # count(*)
    distinct: bool = False
    order_by: tuple[SortItem, ...] = ()
    filter: Expr | None = None
    over: WindowSpec | None = None

    def sql(self) -> str:
        prefix = quoting.ident(self.name.schema.value) + "." if self.name.schema else ""
        args = "*" if self.star else ", ".join(a.sql() for a in self.args)
        if self.distinct:
            args = "DISTINCT " + args
        if self.order_by:
            args += " " + order_by_sql(self.order_by)
        text = f"{prefix}{quoting.func_name(self.name.name.value)}({args})"
        if self.filter is not None:
            text += f" FILTER (WHERE {self.filter.sql()})"
        if self.over is not None:
            text += " " + self.over.sql()
        return text

    def index_column_name(self) -> str:
        return _GRAMMAR_FUNCTIONS.get(self.name.name.value, self.name.name.value)


@builder("func_call")
def _func_call(c: list[Any]) -> FuncCall:
    if len(c) == 3 or not any(isinstance(x, Marker) or getattr(x, "type", None) in ("STAR", "DISTINCT")
                              or isinstance(x, WindowSpec) for x in c):
        return FuncCall(c[0], tuple(nodes(c[1:], Expr)), span_of(c))
    return FuncCall(c[0], tuple(x for x in c[1:] if isinstance(x, Expr)), span_of(c), has_token(c, "STAR"),
                    has_token(c, "DISTINCT"), marker_value(c, "order by", ()), marker_value(c, "filter"),
                    optional(c, WindowSpec))


@dataclass(frozen=True, slots=True)
class Star(Expr):
    """`*` or `t.*` in a select list."""

    ARGS = ("table",)
    table: Ident | None = None
    span: Span = _span()

    def sql(self) -> str:
        return f"{quoting.ident(self.table.value)}.*" if self.table is not None else "*"


@dataclass(frozen=True, slots=True)
class Paren(Expr):
    ARGS = ("inner",)
    inner: Expr
    span: Span = _span()

    def sql(self) -> str:
        return f"({self.inner.sql()})"

    def index_column_name(self) -> str:
        return self.inner.index_column_name()


@builder("paren")
def _paren(c: list[Any]) -> Paren:
    return Paren(_expr(c), span_of(c))


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    ARGS = ("operand", "type")
    operand: Expr
    type: TypeRef
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()}::{self.type.sql()}"

    def index_column_name(self) -> str:
        inner = self.operand.index_column_name()
        if inner != "expr":
            return inner
        written = self.type.name.name.value  # a cast's column is named after the type's typname
        return typenames.TYPNAMES.get(written, written)


@builder("cast")
def _cast(c: list[Any]) -> Cast:
    return Cast(c[0], node(c, TypeRef), span_of(c))


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    ARGS = ("operand",)
    op: str  # "not" | "-" | "+"
    operand: Expr
    span: Span = _span()

    def sql(self) -> str:
        operand = self.operand.sql()
        if self.op == "not":
            return f"NOT {operand}"
        # `- -1` must not become `--1`, the start of a comment (nor `-+`, one operator)
        return f"{self.op} {operand}" if operand[:1] in _OPERATOR_CHARS else f"{self.op}{operand}"


_OPERATOR_CHARS = frozenset("+-*/<>=~!@#%^&|`?")


@builder("unary")
def _unary(c: list[Any]) -> Unary:
    return Unary(c[0].value.lower(), c[1], span_of(c))


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    ARGS = ("left", "right")
    op: str  # "or" "and" "=" "<>" "+" ... (lower case; != is kept as written)
    left: Expr
    right: Expr
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.left.sql()} {self.op.upper()} {self.right.sql()}"


@builder("binary")
def _binary(c: list[Any]) -> Binary:
    return Binary(c[1].value.lower(), c[0], c[2], span_of(c))


@dataclass(frozen=True, slots=True)
class IsNull(Predicate):
    ARGS = ("operand",)
    operand: Expr
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} IS {'NOT ' if self.negated else ''}NULL"


@builder("is_null")
def _is_null(c: list[Any]) -> IsNull:
    return IsNull(c[0], False, span_of(c))


@builder("is_not_null")
def _is_not_null(c: list[Any]) -> IsNull:
    return IsNull(c[0], True, span_of(c))


def _not(negated: bool) -> str:
    return "NOT " if negated else ""


@dataclass(frozen=True, slots=True)
class InList(Predicate):
    ARGS = ("operand", "items")
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} {_not(self.negated)}IN ({', '.join(i.sql() for i in self.items)})"


@builder("in_list")
def _in_list(c: list[Any]) -> InList:
    exprs = nodes(c, Expr)
    return InList(exprs[0], tuple(exprs[1:]), has_token(c, "NOT"), span_of(c))


@dataclass(frozen=True, slots=True)
class Between(Predicate):
    ARGS = ("operand", "low", "high")
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} {_not(self.negated)}BETWEEN {self.low.sql()} AND {self.high.sql()}"


@builder("between")
def _between(c: list[Any]) -> Between:
    exprs = nodes(c, Expr)
    return Between(exprs[0], exprs[1], exprs[2], has_token(c, "NOT"), span_of(c))


@dataclass(frozen=True, slots=True)
class Like(Predicate):
    ARGS = ("operand", "pattern")
    operand: Expr
    pattern: Expr
    op: str  # "like" | "ilike" | "similar to"
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} {_not(self.negated)}{self.op.upper()} {self.pattern.sql()}"


@builder("like")
def _like(c: list[Any]) -> Like:
    exprs = nodes(c, Expr)
    op = "ilike" if has_token(c, "ILIKE") else "similar to" if has_token(c, "SIMILAR_TO") else "like"
    return Like(exprs[0], exprs[1], op, has_token(c, "NOT"), span_of(c))


@dataclass(frozen=True, slots=True)
class IsDistinct(Predicate):
    """`a is [not] distinct from b`."""

    ARGS = ("left", "right")
    left: Expr
    right: Expr
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.left.sql()} IS {_not(self.negated)}DISTINCT FROM {self.right.sql()}"


@builder("is_distinct")
def _is_distinct(c: list[Any]) -> IsDistinct:
    exprs = nodes(c, Expr)
    return IsDistinct(exprs[0], exprs[1], has_token(c, "NOT"), span_of(c))


@dataclass(frozen=True, slots=True)
class AnyAll(Predicate):
    """`a = any (array)`, `a <> all (...)`."""

    ARGS = ("left", "right")
    left: Expr
    op: str
    quantifier: str  # "any" | "all" | "some"
    right: Expr
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.left.sql()} {self.op} {self.quantifier.upper()} ({self.right.sql()})"


@builder("any_all")
def _any_all(c: list[Any]) -> AnyAll:
    exprs = nodes(c, Expr)
    quantifier = token(c, "ANY", "ALL", "SOME")
    assert quantifier is not None
    return AnyAll(exprs[0], c[1].value, quantifier.value.lower(), exprs[1], span_of(c))


@dataclass(frozen=True, slots=True)
class ArrayLiteral(Expr):
    """`array['a', 'b']`."""

    ARGS = ("items",)
    items: tuple[Expr, ...]
    span: Span = _span()

    def sql(self) -> str:
        return f"ARRAY[{', '.join(i.sql() for i in self.items)}]"

    def index_column_name(self) -> str:
        return "array"


@builder("array_literal")
def _array_literal(c: list[Any]) -> ArrayLiteral:
    return ArrayLiteral(tuple(nodes(c, Expr)), span_of(c))


@dataclass(frozen=True, slots=True)
class When(Node):
    ARGS = ("condition", "result")
    condition: Expr
    result: Expr
    span: Span = _span()


@builder("when_clause")
def _when(c: list[Any]) -> When:
    exprs = nodes(c, Expr)
    return When(exprs[0], exprs[1], span_of(c))


@dataclass(frozen=True, slots=True)
class Case(Expr):
    """`case [x] when ... then ... [else ...] end`."""

    ARGS = ("operand", "whens", "otherwise")
    operand: Expr | None
    whens: tuple[When, ...]
    otherwise: Expr | None
    span: Span = _span()

    def sql(self) -> str:
        parts = ["CASE"] + ([self.operand.sql()] if self.operand is not None else [])
        parts += [f"WHEN {w.condition.sql()} THEN {w.result.sql()}" for w in self.whens]
        if self.otherwise is not None:
            parts.append(f"ELSE {self.otherwise.sql()}")
        return " ".join([*parts, "END"])

    def index_column_name(self) -> str:
        return "case"


@builder("case")
def _case(c: list[Any]) -> Case:
    first_when = next(i for i, x in enumerate(c) if isinstance(x, When))
    operand = next((x for x in c[:first_when] if isinstance(x, Expr)), None)
    otherwise = next((x for x in c[first_when:] if isinstance(x, Expr)), None)
    return Case(operand, tuple(nodes(c, When)), otherwise, span_of(c))


@dataclass(frozen=True, slots=True)
class AtTimeZone(Expr):
    ARGS = ("operand", "zone")
    operand: Expr
    zone: Expr
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} AT TIME ZONE {self.zone.sql()}"

    def index_column_name(self) -> str:
        return "timezone"  # PostgreSQL's grammar makes it a call of timezone()


@builder("at_time_zone")
def _at_time_zone(c: list[Any]) -> AtTimeZone:
    exprs = nodes(c, Expr)
    return AtTimeZone(exprs[0], exprs[1], span_of(c))


@dataclass(frozen=True, slots=True)
class Collate(Expr):
    ARGS = ("operand", "collation")
    operand: Expr
    collation: QName
    span: Span = _span()

    def sql(self) -> str:
        qn = self.collation
        name = quoting.ident(qn.name.value)
        return f"{self.operand.sql()} COLLATE {quoting.ident(qn.schema.value) + '.' if qn.schema else ''}{name}"

    def index_column_name(self) -> str:
        return self.operand.index_column_name()


@builder("collate")
def _collate(c: list[Any]) -> Collate:
    return Collate(c[0], node(c, QName), span_of(c))


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    """`tags[1]`."""

    ARGS = ("operand", "index")
    operand: Expr
    index: Expr
    span: Span = _span()

    def sql(self) -> str:
        operand = self.operand.sql()
        if not isinstance(self.operand, (ColumnRef, Paren, FuncCall, Subscript)):
            operand = f"({operand})"
        return f"{operand}[{self.index.sql()}]"

    def index_column_name(self) -> str:
        return self.operand.index_column_name()


@builder("subscript")
def _subscript(c: list[Any]) -> Subscript:
    exprs = nodes(c, Expr)
    return Subscript(exprs[0], exprs[1], span_of(c))


@builder("cast_call")
def _cast_call(c: list[Any]) -> Cast:
    return Cast(node(c, Expr), node(c, TypeRef), span_of(c))


def default_sql(expr: Expr) -> str:
    """An expression where PostgreSQL's grammar takes only a `b_expr` (a column definition's
    DEFAULT): parenthesised when its operators include one a b_expr cannot hold (and, or, not, is
    null, in, between, like, at time zone, collate, any/all)."""
    return f"({expr.sql()})" if _needs_parens_as_b_expr(expr) else expr.sql()


def _needs_parens_as_b_expr(expr: Expr) -> bool:
    if isinstance(expr, (IsNull, InList, Between, Like, AtTimeZone, Collate, AnyAll)):
        return True
    if isinstance(expr, Binary):
        return expr.op in ("and", "or") or _needs_parens_as_b_expr(expr.left) or _needs_parens_as_b_expr(expr.right)
    if isinstance(expr, Unary):
        return expr.op == "not" or _needs_parens_as_b_expr(expr.operand)
    if isinstance(expr, (Cast, Subscript)):
        return _needs_parens_as_b_expr(expr.operand)
    if isinstance(expr, IsDistinct):
        return _needs_parens_as_b_expr(expr.left) or _needs_parens_as_b_expr(expr.right)
    return False  # a column, constant, call, parenthesised expression, case, array...


def index_element_sql(expr: Expr) -> str:
    """An index element: a plain column or a function call stands alone, anything else is parenthesised."""
    inner = expr.sql()
    return inner if isinstance(expr, (ColumnRef, FuncCall, Paren)) else f"({inner})"


__all__ = [
    "AnyAll", "ArrayLiteral", "AtTimeZone", "Between", "Binary", "Case", "Cast", "Collate", "ColumnRef", "Expr",
    "Frame", "FrameBound", "FuncCall", "Ident", "SortItem", "Star", "WindowSpec", "order_by_sql", "InList", "IsDistinct", "IsNull", "Like", "Literal", "Paren", "Predicate", "QName",
    "Subscript", "TypedLiteral", "TypeRef", "Unary", "ValueKeyword", "VALUE_KEYWORDS", "When", "default_sql",
    "index_element_sql",
]
