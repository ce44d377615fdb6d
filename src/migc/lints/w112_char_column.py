"""W112: char(n) pads with spaces and compares ignoring them."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint
from migc.lints.column_types import column_types


@lint("W112")
def char_column(m: Lint) -> Iterator[Finding]:
    for name, sql_type, span in column_types(m):
        if sql_type.name == "char" and not sql_type.is_enum:
            yield Finding(span, f"column '{name}' is char(n): values are padded with spaces and compared ignoring "
                          "them", "use text (with a check on length) or varchar(n)")
