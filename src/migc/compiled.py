"""What the compiler hands to `emit`, `schema` and the runner: plain data, no library types."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from migc.codegen.statement import SqlStatement
from migc.diagnostics import Diagnostic, has_errors
from migc.project import MigrationFile


@dataclass(frozen=True)
class DownNote:
    """What a migration's derived down cannot give back as it was (ir.op.DownRisk, as plain data).
    kind "data": it can change or refuse values written since (`migc down` wants --allow-data-loss);
    kind "nullable": the column comes back nullable (`verify` expects that difference)."""

    kind: str
    table: str  # "schema.table"
    column: str
    message: str


@dataclass(frozen=True)
class CompiledMigration:
    file: MigrationFile
    up: tuple[SqlStatement, ...]
    down: tuple[SqlStatement, ...] | None  # None when irreversible
    irreversible_at: str | None  # "path:line:col: what" of the first irreversible operation
    non_transactional: bool  # contains `concurrently`: run statement by statement, no transaction
    diagnostics: tuple[Diagnostic, ...]
    down_notes: tuple[DownNote, ...] = ()  # of the derived down; none with an explicit `down { }`

    @property
    def version(self) -> int:
        return self.file.version


@dataclass(frozen=True)
class CompiledProject:
    migrations: tuple[CompiledMigration, ...]
    diagnostics: tuple[Diagnostic, ...]  # every problem of the run, sorted by file and position
    # builds the final schema's script on first use: `check` never needs it
    build_schema_sql: Callable[[], tuple[SqlStatement, ...]] = field(default=tuple, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def contents(self) -> dict[str, bytes]:
        """Each migration's bytes by the path its diagnostics name."""
        return {m.file.shown_path: m.file.content for m in self.migrations}

    @functools.cached_property
    def schema_sql(self) -> tuple[SqlStatement, ...]:
        """The schema all migrations build, as a runnable script (empty when there are errors)."""
        return self.build_schema_sql()

