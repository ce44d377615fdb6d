"""W112: char(n) pads with spaces and compares ignoring them."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint
from migc.lints.column_types import type_findings


@lint("W112")
def char_column(m: Lint) -> Iterator[Finding]:
    return type_findings(m, "char", "column '{column}' is char(n): values are padded with spaces and compared "
                         "ignoring them", "use text (with a check on length) or varchar(n)")
