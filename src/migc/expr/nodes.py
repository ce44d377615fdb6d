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
    markers,
    node,
    nodes,
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
            if isinstance(e, ColumnRef) and e.name.value == old:
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

    def sql(self) -> str:
        if self.kind == "string":
            return quoting.literal(self.value)
        if self.kind == "null":
            return "NULL"
        if self.kind == "bool":
            return self.value.lower()
        return self.value


_LITERAL_KINDS = {"INT": "int", "DECIMAL": "decimal", "STRING": "string", "TRUE": "bool", "FALSE": "bool"}


@builder("literal")
def _literal(c: list[Any]) -> Literal:
    tok = c[0]
    kind = _LITERAL_KINDS.get(tok.type, "null")
    value = unquote(tok.value, "'") if kind == "string" else tok.value.lower()
    return Literal(kind, value, span_of(c))


@dataclass(frozen=True, slots=True)
class ColumnRef(Expr):
    ARGS = ("name",)
    name: Ident
    span: Span = _span()

    def sql(self) -> str:
        return quoting.ident(self.name.value)

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
    name: Ident = c[0]
    if not name.quoted and name.value in VALUE_KEYWORDS:
        return ValueKeyword(name.value, name.span)
    return ColumnRef(name, name.span)


# PostgreSQL's grammar rewrites some calls before naming sees them: trim(x) is btrim(x)
_GRAMMAR_FUNCTIONS = {"trim": "btrim"}


@dataclass(frozen=True, slots=True)
class FuncCall(Expr):
    ARGS = ("name", "args")
    name: QName
    args: tuple[Expr, ...]
    span: Span = _span()

    def sql(self) -> str:
        prefix = quoting.ident(self.name.schema.value) + "." if self.name.schema else ""
        return f"{prefix}{quoting.func_name(self.name.name.value)}({', '.join(a.sql() for a in self.args)})"

    def index_column_name(self) -> str:
        return _GRAMMAR_FUNCTIONS.get(self.name.name.value, self.name.name.value)


@builder("func_call")
def _func_call(c: list[Any]) -> FuncCall:
    return FuncCall(c[0], tuple(nodes(c[1:], Expr)), span_of(c))


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
    op: str  # "like" | "ilike"
    negated: bool
    span: Span = _span()

    def sql(self) -> str:
        return f"{self.operand.sql()} {_not(self.negated)}{self.op.upper()} {self.pattern.sql()}"


@builder("like")
def _like(c: list[Any]) -> Like:
    exprs = nodes(c, Expr)
    op = "ilike" if has_token(c, "ILIKE") else "like"
    return Like(exprs[0], exprs[1], op, has_token(c, "NOT"), span_of(c))


def index_element_sql(expr: Expr) -> str:
    """An index element: a plain column or a function call stands alone, anything else is parenthesised."""
    inner = expr.sql()
    return inner if isinstance(expr, (ColumnRef, FuncCall, Paren)) else f"({inner})"


__all__ = [
    "Between", "Binary", "Cast", "ColumnRef", "Expr", "FuncCall", "Ident", "InList", "IsNull", "Like",
    "Literal", "Paren", "Predicate", "QName", "TypeRef", "Unary", "ValueKeyword", "VALUE_KEYWORDS",
    "index_element_sql",
]
