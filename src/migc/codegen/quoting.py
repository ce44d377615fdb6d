"""The only ways a name or a literal reaches SQL: these functions, used as Jinja filters."""

from __future__ import annotations

import re

from migc.ir.model import Name
from migc.ir.types import SqlType

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Always double-quoted, so `user` and `order` are fine as names."""
    return '"' + name.replace('"', '""') + '"'


def qname(name: Name) -> str:
    return f"{ident(name.schema)}.{ident(name.name)}"


def literal(value: str) -> str:
    """A standard-conforming string literal ('' doubles a quote; backslashes are plain)."""
    return "'" + value.replace("'", "''") + "'"


def func_name(name: str) -> str:
    """Function names stay bare when plain lower-case words: `coalesce`, `trim` and friends are
    keywords with their own syntax, which a quoted name would not reach. Anything else is quoted."""
    return name if _PLAIN.match(name) else ident(name)


_TYPE_SQL = {"timetz": "timetz", "timestamptz": "timestamptz"}


def sql_type(t: SqlType) -> str:
    if t.is_enum:
        base = f"{ident(t.enum_schema or 'public')}.{ident(t.name)}"
    else:
        base = _TYPE_SQL.get(t.name, t.name)
        if t.args:
            base += "(" + ",".join(str(a) for a in t.args) + ")"
    return base + "[]" * t.array_dims
