"""Defaults checked against the column's type where PostgreSQL refuses them when the statement runs:
a json/jsonb string that does not parse, an enum label the enum lacks (in a scalar, an array
literal `'{a,b}'` / `'{a,b}'::mood[]`, or `array['a', ...]`), and a string cast to a type whose input
it cannot be (`'abc'::int`, `date 'soon'`). PostgreSQL coerces such constants when it stores the
default, so the statement fails; migc says so at check time, and only where it is sure."""

from __future__ import annotations

import json
from collections.abc import Iterator

from migc import expr as ex
from migc.ir.model import Name
from migc.ir.types import SqlType
from migc.lower.context import Lowering
from migc.lower.typecheck import _string_fits


def json_problem(text: str) -> str | None:
    """Why PostgreSQL's json input would refuse the text (None: it parses)."""
    def refuse(constant: str) -> object:
        raise ValueError(constant)

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:
        return f"'{text}' is not valid json"
    return None


def array_elements(text: str) -> list[str | None] | None:
    """The elements of a PostgreSQL array literal (`{a,"b c",NULL}`, nested braces flattened);
    None when the text is not one this parser is sure of."""
    s = text.strip()
    if not s.startswith("{"):
        return None
    out: list[str | None] = []
    i, depth, n = 0, 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "{":
            depth += 1
            i += 1
            continue
        if ch == "}":
            depth -= 1
            i += 1
            if depth == 0:
                return out if not s[i:].strip() else None
            continue
        if ch in ", \t\n":
            i += 1
            continue
        if ch == '"':
            j, buf = i + 1, []
            while j < n and s[j] != '"':
                if s[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(s[j])
                j += 1
            if j >= n:
                return None
            out.append("".join(buf))
            i = j + 1
            continue
        j = i
        while j < n and s[j] not in ',{}"':
            j += 1
        word = s[i:j].strip()
        if "\\" in word:
            return None
        out.append(None if word.upper() == "NULL" else word)
        i = j
    return None


def _labels(lw: Lowering, t: SqlType) -> tuple[str, ...] | None:
    if not t.is_enum:
        return None
    enum = lw.schema.enums.get(Name(t.schema or "public", t.name))
    return enum.values if enum is not None else None


def value_problem(lw: Lowering, text: str, t: SqlType) -> str | None:
    """Why PostgreSQL's input function for `t` refuses the string `text`, where migc is sure."""
    if t.array_dims:
        elements = array_elements(text)
        if elements is None:
            return None
        element = t.element()
        for item in elements:
            if item is not None:
                problem = value_problem(lw, item, element)
                if problem is not None:
                    return problem
        return None
    labels = _labels(lw, t)
    if labels is not None:
        if text not in labels:
            listed = ", ".join(f"'{v}'" for v in labels)
            return f"'{text}' is not a label of enum {t.display()} ({listed})"
        return None
    if t.name in ("json", "jsonb") and not t.is_user:
        return json_problem(text)
    return _string_fits(text, t) if not t.is_user else None


def _constants(lw: Lowering, e: ex.Expr, target: SqlType | None) -> Iterator[tuple[ex.Expr, str, SqlType]]:
    """The string constants of a default with the type PostgreSQL will read them as."""
    match e:
        case ex.Paren(inner=inner):
            yield from _constants(lw, inner, target)
        case ex.Literal(kind="string", value=v) if target is not None:
            yield e, v, target
        case ex.Cast(operand=operand, type=type_ref):
            cast_to = lw.known_type(type_ref)
            yield from _constants(lw, operand, cast_to)
        case ex.TypedLiteral(type=type_ref, value=v):
            typed = lw.known_type(type_ref)
            if typed is not None:
                yield e, v, typed
        case ex.ArrayLiteral(items=items) if target is not None and target.array_dims:
            for item in items:
                yield from _constants(lw, item, target.element())


def default_problem(lw: Lowering, expr: ex.Expr, column_type: SqlType) -> tuple[ex.Expr, str] | None:
    """The first constant of the default that PostgreSQL would refuse, and why."""
    for where, text, t in _constants(lw, expr, column_type):
        if where is expr and t == column_type and not (t.array_dims or t.is_enum or t.name in ("json", "jsonb")):
            continue  # a bare string for the column itself: the v1 check (fits) says it already
        problem = value_problem(lw, text, t)
        if problem is not None:
            return where, problem
    return None
