"""Walking expressions: the columns they name, renaming a column inside them."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator

from migc.syntax import ast
from migc.syntax.ast import Expr


def children(expr: Expr) -> tuple[Expr, ...]:
    match expr:
        case ast.FuncCall(args=args):
            return args
        case ast.Binary(left=left, right=right):
            return (left, right)
        case ast.Unary(operand=o) | ast.IsNull(operand=o) | ast.Cast(operand=o) | ast.Paren(inner=o):
            return (o,)
        case ast.InList(operand=o, items=items):
            return (o, *items)
        case ast.Between(operand=o, low=low, high=high):
            return (o, low, high)
        case ast.Like(operand=o, pattern=p):
            return (o, p)
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    yield expr
    for child in children(expr):
        yield from walk(child)


def column_refs(expr: Expr) -> list[ast.ColumnRef]:
    return [e for e in walk(expr) if isinstance(e, ast.ColumnRef)]


def column_names(expr: Expr) -> tuple[str, ...]:
    """The distinct columns an expression names, in order of first mention."""
    seen: dict[str, None] = {}
    for ref in column_refs(expr):
        seen.setdefault(ref.name.value, None)
    return tuple(seen)


def transform(expr: Expr, fn: Callable[[Expr], Expr | None]) -> Expr:
    """Rebuild bottom-up; `fn` returns a replacement or None to keep the node."""
    match expr:
        case ast.FuncCall(args=args):
            expr = replace(expr, args=tuple(transform(a, fn) for a in args))
        case ast.Binary(left=left, right=right):
            expr = replace(expr, left=transform(left, fn), right=transform(right, fn))
        case ast.Unary(operand=o) | ast.IsNull(operand=o) | ast.Cast(operand=o):
            expr = replace(expr, operand=transform(o, fn))
        case ast.Paren(inner=o):
            expr = replace(expr, inner=transform(o, fn))
        case ast.InList(operand=o, items=items):
            expr = replace(expr, operand=transform(o, fn), items=tuple(transform(i, fn) for i in items))
        case ast.Between(operand=o, low=low, high=high):
            expr = replace(expr, operand=transform(o, fn), low=transform(low, fn), high=transform(high, fn))
        case ast.Like(operand=o, pattern=p):
            expr = replace(expr, operand=transform(o, fn), pattern=transform(p, fn))
    return fn(expr) or expr


def rename_column(expr: Expr, old: str, new: str) -> Expr:
    def fn(e: Expr) -> Expr | None:
        if isinstance(e, ast.ColumnRef) and e.name.value == old:
            return ast.ColumnRef(ast.Ident(new, e.name.span), e.span)
        return None

    return transform(expr, fn)


def rename_type(expr: Expr, old: tuple[str, str], new: tuple[str, str]) -> Expr:
    """Casts to a renamed enum follow it (PostgreSQL stores the type's oid, not its name)."""

    def fn(e: Expr) -> Expr | None:
        if isinstance(e, ast.Cast):
            qn = e.type.name
            if (qn.schema.value if qn.schema else "public", qn.name.value) == old:
                renamed = ast.QName(ast.Ident(new[0]), ast.Ident(new[1]))
                return replace(e, type=replace(e.type, name=renamed))
        return None

    return transform(expr, fn)
