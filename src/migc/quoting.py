"""The only ways a name or a literal reaches SQL. A leaf module: expressions, codegen, lowering and
the runner all quote through it."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Always double-quoted, so `user` and `order` are fine as names."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(value: str) -> str:
    """A standard-conforming string literal ('' doubles a quote; backslashes are plain)."""
    return "'" + value.replace("'", "''") + "'"


def func_name(name: str) -> str:
    """Function names stay bare when plain lower-case words: `coalesce`, `trim` and friends are
    keywords with their own syntax, which a quoted name would not reach. Anything else is quoted."""
    return name if _PLAIN.match(name) else ident(name)
