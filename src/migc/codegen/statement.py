"""What code generation produces: SQL statements, each with the `-- description` that precedes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SqlStatement:
    """One SQL statement, with the `-- description` comment that precedes it in emitted SQL."""

    description: str
    sql: str  # no trailing semicolon


def render_script(statements: Iterable[SqlStatement]) -> str:
    """Statements as a psql-runnable script, each preceded by its description."""
    return "".join(f"-- {s.description}\n{s.sql};\n" for s in statements)
