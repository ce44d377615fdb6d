"""Inferring the type of an expression, as far as it can be known without a database, and whether
a value of it fits a column. Unknown stays unknown: migc only reports what it can be sure of."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from migc import expr as ex
from migc.ir.types import SqlType, assignable
from migc.lower import functions

BOOLEAN = SqlType("boolean")
TEXT = SqlType("text")
INTEGER = SqlType("integer")
BIGINT = SqlType("bigint")
NUMERIC = SqlType("numeric")
DOUBLE = SqlType("double precision")
TIMESTAMPTZ = SqlType("timestamptz")
UUID = SqlType("uuid")

_VALUE_KEYWORD_TYPES = {
    "current_timestamp": TIMESTAMPTZ, "current_date": SqlType("date"), "current_time": SqlType("timetz"),
    "localtimestamp": SqlType("timestamp"), "localtime": SqlType("time"),
    "current_user": TEXT, "session_user": TEXT, "current_role": TEXT,
}

_BOOL_STRINGS = {"t", "true", "y", "yes", "on", "1", "f", "false", "n", "no", "off", "0"}
_UUID = re.compile(r"^\{?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\}?$")
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*[-+]?(NaN|Infinity|inf)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Typed:
    """What an expression evaluates to. `type` None means unknown (or a bare literal: see `literal`)."""

    type: SqlType | None
    literal: str | None = None  # "string" | "null" for untyped literals PostgreSQL coerces on assignment
    value: str | None = None  # the string literal's text


UNKNOWN = Typed(None)

ColumnLookup = Callable[[ex.ColumnRef], SqlType | None]  # reports an unknown column itself
TypeResolver = Callable[[ex.TypeRef], SqlType | None]
# types the forms it knows better (a query's subqueries, an aggregate's filter): (expr, go) -> its
# type, or None to let `infer` go on
OtherForms = Callable[[ex.Expr, Callable[[ex.Expr], "Typed"]], "Typed | None"]

_BOOLEAN_OPERATORS = frozenset({
    "and", "or", "=", "<>", "!=", "<", "<=", ">", ">=",
    "~", "~*", "!~", "!~*", "@>", "<@", "?", "?|", "?&", "&&", "@@",  # matches, containment, overlap
})
_TEXT_OPERATORS = frozenset({"->>", "#>>"})  # a json value's text
_SAME_OPERATORS = frozenset({"->", "#>", "#-"})  # json in, json out


def infer(expr: ex.Expr, column: ColumnLookup, resolve: TypeResolver, other: OtherForms | None = None) -> Typed:
    """The expression's type; every column it names goes through `column` (which reports unknown
    ones). A form this function does not know is typed by its class (a `Predicate` is boolean) or
    left unknown, after its operands are checked."""

    def go(e: ex.Expr) -> Typed:
        if other is not None:
            handled = other(e, go)
            if handled is not None:
                return handled
        match e:
            case ex.Literal(kind="int", value=v):
                return Typed(BIGINT if abs(int(v)) > 2**31 - 1 else INTEGER)
            case ex.Literal(kind="decimal"):
                return Typed(NUMERIC)
            case ex.Literal(kind="string", value=v):
                return Typed(None, "string", v)
            case ex.Literal(kind="bool"):
                return Typed(BOOLEAN)
            case ex.Literal(kind="null"):
                return Typed(None, "null")
            case ex.ColumnRef():
                return Typed(column(e))
            case ex.ValueKeyword(name=name):
                return Typed(_VALUE_KEYWORD_TYPES.get(name))
            case ex.FuncCall(name=qname, args=args):
                arg_types = [go(a) for a in args]
                name = qname.name.value
                if name in ("coalesce", "greatest", "least", "nullif"):
                    return next((t for t in arg_types if t.type is not None), UNKNOWN)
                if qname.schema is not None and qname.schema.value != "pg_catalog":
                    return UNKNOWN  # a user function: the model will know it (language v2)
                call = functions.resolve(functions.builtin(_GRAMMAR.get(name, name)),
                                         [(t.type, t.literal is not None) for t in arg_types])
                return Typed(call.result)
            case ex.Paren(inner=inner):
                return go(inner)
            case ex.Cast(operand=operand, type=type_ref):
                go(operand)
                return Typed(resolve(type_ref))
            case ex.Unary(op="not", operand=operand):
                go(operand)
                return Typed(BOOLEAN)
            case ex.Unary(operand=operand):
                operand_type = go(operand)
                numeric = operand_type.type is not None and operand_type.type.category == "N"
                return operand_type if numeric else UNKNOWN
            case ex.Binary(op=op, left=left, right=right):
                lt, rt = go(left), go(right)
                if op in _BOOLEAN_OPERATORS:
                    return Typed(BOOLEAN)
                if op in _TEXT_OPERATORS:
                    return Typed(TEXT)
                if op in _SAME_OPERATORS:
                    return lt if lt.type is not None else UNKNOWN
                if op == "||":
                    return _concat(lt, rt)
                return _arithmetic(lt, rt)
            case ex.TypedLiteral(type=type_ref):
                return Typed(resolve(type_ref))
            case ex.Case(whens=whens, otherwise=otherwise):
                for w in whens:
                    go(w.condition)
                results = [go(w.result) for w in whens] + ([go(otherwise)] if otherwise is not None else [])
                return next((r for r in results if r.type is not None), UNKNOWN)
            case ex.ArrayLiteral(items=items):
                element = next((t.type for t in map(go, items) if t.type is not None), None)
                return Typed(element.with_dims(element.array_dims + 1)) \
                    if element is not None else UNKNOWN
            case ex.Collate(operand=operand):
                return go(operand)
            case ex.AtTimeZone(operand=operand, zone=zone):
                shifted, _ = go(operand), go(zone)
                swap = {"timestamptz": SqlType("timestamp"), "timestamp": TIMESTAMPTZ}
                known = shifted.type is not None and shifted.type.name in swap
                return Typed(swap[shifted.type.name]) if known and shifted.type is not None else UNKNOWN
            case ex.Subscript(operand=operand, index=index):
                array, _ = go(operand), go(index)
                return Typed(array.type.element()) if array.type is not None and array.type.array_dims else UNKNOWN
        for child in e.children():  # any other form: its operands are still checked
            if isinstance(child, ex.Expr):
                go(child)
        return Typed(BOOLEAN) if isinstance(e, ex.Predicate) else UNKNOWN

    return go(expr)


def _concat(lt: Typed, rt: Typed) -> Typed:
    """`||`: text when a side is a string (PostgreSQL's textcat), an array when a side is one."""
    for t in (lt, rt):
        if t.type is not None and t.type.array_dims:
            return Typed(t.type)
    if any(t.literal == "string" or (t.type is not None and t.type.category == "S") for t in (lt, rt)):
        return Typed(TEXT)
    return UNKNOWN


def _arithmetic(lt: Typed, rt: Typed) -> Typed:
    if lt.type is None or rt.type is None:
        return UNKNOWN
    if lt.type.category == "N" and rt.type.category == "N":
        order = ["smallint", "integer", "bigint", "numeric", "real", "double precision"]
        wider = max(lt.type.name, rt.type.name, key=lambda n: order.index(n) if n in order else 0)
        return Typed(SqlType(wider))
    if lt.type.category == "D" and rt.type.name == "interval":
        return Typed(lt.type)
    return UNKNOWN


def is_volatile(expr: ex.Expr) -> bool:
    """Does it call a function that may give another value on every call (random(), nextval())?"""
    return any(functions.volatility(_GRAMMAR.get(c.name.name.value, c.name.name.value)) == "v"
               for c in expr.find_all(ex.FuncCall))


_GRAMMAR = {"trim": "btrim"}  # PostgreSQL's grammar rewrites trim(x) to btrim(x)


def fits(value: Typed, column_type: SqlType) -> str | None:
    """Why a value of this type cannot be assigned to the column, or None if it can (or may)."""
    if value.literal == "null":
        return None
    if value.literal == "string":
        return _string_fits(value.value or "", column_type)
    if value.type is None:
        return None
    if assignable(value.type, column_type):
        return None
    return f"a value of type {value.type.display()} does not fit a column of type {column_type.display()}"


def _string_fits(text: str, t: SqlType) -> str | None:
    if t.array_dims:
        return None if text.strip().startswith("{") else f"'{text}' is not an array literal (write '{{...}}')"
    if t.is_enum:
        return None  # checked against the enum's labels by the caller, who knows them
    category = t.category
    if category == "B" and text.strip().lower() not in _BOOL_STRINGS:
        return f"'{text}' is not a boolean"
    if category == "N":
        pattern = _INTEGER if t.name in ("smallint", "integer", "bigint") else _NUMBER
        if not pattern.match(text):
            return f"'{text}' is not a valid {t.display()}"
    if category == "U" and not _UUID.match(text.strip()):
        return f"'{text}' is not a uuid"
    if t.name in ("varchar", "char") and t.args and len(text) > t.args[0]:
        return f"'{text}' is longer than {t.display()} allows"
    return None
