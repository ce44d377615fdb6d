"""What code generation produces: SQL statements, each with the `-- description` that precedes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SqlStatement:
    """One SQL statement, with the `-- description` comment that precedes it in emitted SQL."""

    description: str
    sql: str  # no trailing semicolon
    # (line, column) in the .mig file of the statement that produced it (1-based), when known: an up
    # statement of a compiled migration; not the schema script, not a down read from the tracking table
    origin: tuple[int, int] | None = None


def comment(text: str) -> str:
    """Text safe inside a `-- ...` comment: a line break in it (from a quoted name: "a\nb") would end
    the comment and make the rest SQL, so line breaks and other control characters are escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def render_script(statements: Iterable[SqlStatement]) -> str:
    """Statements as a psql-runnable script, each preceded by its description."""
    return "".join(f"-- {comment(s.description)}\n{s.sql};\n" for s in statements)
