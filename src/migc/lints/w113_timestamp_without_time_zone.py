"""W113: timestamp without time zone stores wall-clock time with no zone."""

from __future__ import annotations

from collections.abc import Iterator

from migc.lints import Finding, Lint, lint
from migc.lints.column_types import type_findings


@lint("W113")
def timestamp_without_time_zone(m: Lint) -> Iterator[Finding]:
    return type_findings(m, "timestamp", "column '{column}' is timestamp without time zone: it stores wall-clock "
                         "time with no zone, which breaks across zones and daylight saving", "use timestamptz")
