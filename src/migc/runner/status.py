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
    SQUASHED = "squashed"  # applied, and its file was replaced by a squash (`migc squash`) that covers it


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
    """Every migration known to either side, in version order. A squash (a file whose header says
    which versions it replaces) counts as applied on a database that applied all of those
    originals; their rows are `squashed`, not missing."""
    by_version = {a.version: a for a in applied}
    covered_by: dict[int, MigrationFile] = {}
    for file in files:
        for version in file.squashes:
            covered_by.setdefault(version, file)
    seen: set[int] = set()
    result: list[MigrationStatus] = []
    for file in files:
        row = by_version.get(file.version)
        if row is not None and row.checksum != file.checksum and file.version in file.squashes:
            # the row is the original's, applied before the squash replaced it
            complete = not lacking(file, by_version)
            state = State.APPLIED if complete else State.PENDING
            result.append(MigrationStatus(file.version, file.version_text, file.name, state, file,
                                          row if complete else None))
            continue
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
            state = State.SQUASHED if row.version in covered_by else State.MISSING
            result.append(MigrationStatus(row.version, row.version_text, row.name, state, None, row))
    result.sort(key=lambda s: (s.version, s.file is not None))
    return result


def partial_squashes(files: list[MigrationFile],
                     applied: list[AppliedMigration]) -> list[tuple[MigrationFile, list[int]]]:
    """The squashes of which the database applied some originals but not all: each with the
    versions it lacks (a squash cannot be applied on top of a part of what it replaces)."""
    by_version = {a.version: a for a in applied}
    found = []
    for file in files:
        if not file.squashes:
            continue
        row = by_version.get(file.version)
        if row is not None and row.checksum == file.checksum:
            continue  # the squash itself was applied
        missing = lacking(file, by_version)
        if missing and len(missing) < len(file.squashes):
            found.append((file, missing))
    return found


def lacking(file: MigrationFile, by_version: dict[int, AppliedMigration]) -> list[int]:
    """The versions a squash replaces that the database lacks, when it applied some of them: those
    above the lowest it has (what lies below was never applied there, since the database started
    later, from an earlier squash or baseline). All of them when it has none."""
    present = [v for v in file.squashes if v in by_version]
    if not present:
        return sorted(file.squashes)
    lowest = min(present)
    return sorted(v for v in file.squashes if v not in by_version and v > lowest)


def tampered(statuses: list[MigrationStatus]) -> list[MigrationStatus]:
    return [s for s in statuses if s.state in (State.MODIFIED, State.MISSING)]
