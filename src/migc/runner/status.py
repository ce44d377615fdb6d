"""Comparing the migration files with the tracking table: applied / pending / modified / missing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from migc.project import MigrationFile
from migc.runner.tracking import AppliedMigration

if TYPE_CHECKING:
    from datetime import datetime


class State(str, Enum):
    APPLIED = "applied"
    PENDING = "pending"
    MODIFIED = "modified"  # applied, but the file's bytes changed since
    MISSING = "missing"  # applied, but the file is gone


@dataclass(frozen=True)
class MigrationStatus:
    version: int
    version_text: str
    name: str
    state: State
    file: MigrationFile | None
    applied: AppliedMigration | None

    @property
    def label(self) -> str:
        return f"{self.version_text}_{self.name}"

    @property
    def applied_at(self) -> datetime | None:
        return self.applied.applied_at if self.applied else None

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version_text,
            "version_number": self.version,
            "name": self.name,
            "state": self.state.value,
            "file": self.file.shown_path if self.file else None,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "duration_ms": self.applied.duration_ms if self.applied else None,
        }


def classify(files: list[MigrationFile], applied: list[AppliedMigration]) -> list[MigrationStatus]:
    """Every migration known to either side, in version order."""
    by_version = {a.version: a for a in applied}
    seen: set[int] = set()
    result: list[MigrationStatus] = []
    for file in files:
        row = by_version.get(file.version)
        seen.add(file.version)
        if row is None:
            state = State.PENDING
        elif row.checksum != file.checksum:
            state = State.MODIFIED
        else:
            state = State.APPLIED
        result.append(MigrationStatus(file.version, file.version_text, file.name, state, file, row))
    for row in applied:
        if row.version not in seen:
            result.append(MigrationStatus(row.version, row.version_text, row.name, State.MISSING, None, row))
    result.sort(key=lambda s: s.version)
    return result


def tampered(statuses: list[MigrationStatus]) -> list[MigrationStatus]:
    return [s for s in statuses if s.state in (State.MODIFIED, State.MISSING)]
