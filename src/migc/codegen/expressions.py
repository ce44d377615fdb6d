"""Expressions are emitted as written: identifiers quoted, whitespace normalised, no casts added."""

from __future__ import annotations

from migc.codegen.quoting import func_name, ident, literal
from migc.ir.model import IndexElement
from migc.syntax import ast
from migc.syntax.ast import Expr


def _type_sql(t: ast.TypeRef) -> str:
    qn = t.name
    if qn.schema is None and _is_builtin(qn.name.value):
        base = qn.name.value  # a built-in type word: int, double precision, ...
    else:  # an enum: unqualified means public
        base = ident(qn.schema.value if qn.schema else "public") + "." + ident(qn.name.value)
    if t.args:
        base += "(" + ",".join(str(a) for a in t.args) + ")"
    return base + "[]" * t.array_dims


def _is_builtin(word: str) -> bool:
    from migc.ir.types import SERIAL_TYPES, canonical_name

    return canonical_name(word) is not None or word in SERIAL_TYPES or word == "regclass"


def render(e: Expr) -> str:
    match e:
        case ast.Literal(kind="string", value=v):
            return literal(v)
        case ast.Literal(kind="null"):
            return "NULL"
        case ast.Literal(kind="bool", value=v):
            return v.lower()
        case ast.Literal(value=v):
            return v
        case ast.ColumnRef(name=name):
            return ident(name.value)
        case ast.ValueKeyword(name=name):
            return name.upper()
        case ast.FuncCall(name=qn, args=args):
            prefix = ident(qn.schema.value) + "." if qn.schema else ""
            return f"{prefix}{func_name(qn.name.value)}({', '.join(render(a) for a in args)})"
        case ast.Paren(inner=inner):
            return f"({render(inner)})"
        case ast.Cast(operand=operand, type=t):
            return f"{render(operand)}::{_type_sql(t)}"
        case ast.Unary(op="not", operand=operand):
            return f"NOT {render(operand)}"
        case ast.Unary(op=op, operand=operand):
            return f"{op}{render(operand)}"
        case ast.Binary(op=op, left=left, right=right):
            return f"{render(left)} {op.upper()} {render(right)}"
        case ast.IsNull(operand=operand, negated=negated):
            return f"{render(operand)} IS {'NOT ' if negated else ''}NULL"
        case ast.InList(operand=operand, items=items, negated=negated):
            return f"{render(operand)} {'NOT ' if negated else ''}IN ({', '.join(render(i) for i in items)})"
        case ast.Between(operand=operand, low=low, high=high, negated=negated):
            return f"{render(operand)} {'NOT ' if negated else ''}BETWEEN {render(low)} AND {render(high)}"
        case ast.Like(operand=operand, pattern=pattern, op=op, negated=negated):
            return f"{render(operand)} {'NOT ' if negated else ''}{op.upper()} {render(pattern)}"
    raise TypeError(f"cannot render {type(e).__name__}")


def index_element(el: IndexElement) -> str:
    """A plain column or a function call stands alone; any other expression needs parentheses."""
    inner = render(el.expr)
    if not isinstance(el.expr, (ast.ColumnRef, ast.FuncCall, ast.Paren)):
        inner = f"({inner})"
    if el.order:
        inner += f" {el.order.upper()}"
    if el.nulls:
        inner += f" NULLS {el.nulls.upper()}"
    return inner
