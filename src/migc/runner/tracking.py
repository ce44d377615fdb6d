"""The tracking table: which migrations are applied, with the exact SQL that was run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from migc import __version__
from migc.quoting import ident as quote_ident
from migc.codegen.statement import render_script
from migc.compiled import CompiledMigration
from migc.runner.session import Session


@dataclass(frozen=True)
class TrackingTable:
    schema: str
    table: str

    @property
    def qualified(self) -> str:
        return f"{quote_ident(self.schema)}.{quote_ident(self.table)}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.table)

    @property
    def lock_key(self) -> int:
        """The advisory lock key: one per tracking table, so per project and database."""
        digest = hashlib.sha256(f"migc:{self.schema}.{self.table}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def create_sql(self, schema_exists: bool) -> str:
        # CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, so only when missing
        create_schema = "" if schema_exists else f"CREATE SCHEMA IF NOT EXISTS {quote_ident(self.schema)};\n"
        return create_schema + f"""CREATE TABLE IF NOT EXISTS {self.qualified} (
  version numeric PRIMARY KEY,
  version_text text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  up_sql text NOT NULL,
  down_sql text,
  down_statements text[],
  irreversible_at text,
  non_transactional boolean NOT NULL DEFAULT false,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms double precision NOT NULL,
  applied_by text NOT NULL DEFAULT current_user,
  migc_version text NOT NULL
)"""

    def existence(self, session: Session) -> tuple[bool, bool]:
        """(table exists, schema exists)."""
        row = session.rows(
            "SELECT to_regclass(%s) IS NOT NULL, to_regnamespace(%s) IS NOT NULL",
            [self.qualified, quote_ident(self.schema)],
        )[0]
        return bool(row[0]), bool(row[1])

    def select_sql(self) -> str:
        return (
            "SELECT version, version_text, name, checksum, down_sql, down_statements, irreversible_at, "
            f"non_transactional, applied_at, duration_ms FROM {self.qualified} ORDER BY version"
        )

    def insert_sql(self, session: Session, migration: CompiledMigration, duration_ms: float | None) -> str:
        """The row for an applied migration; duration measured by the server unless given."""
        file = migration.file
        down = migration.down
        values = [
            str(file.version),
            session.literal(file.version_text),
            session.literal(file.name),
            session.literal(file.checksum),
            session.literal(render_script(migration.up)),
            session.literal(render_script(down)) if down is not None else "NULL",
            _text_array(session, [s.sql for s in down]) if down is not None else "NULL",
            session.literal(migration.irreversible_at),
            "true" if migration.non_transactional else "false",
            # clock_timestamp() - now(): the time since this migration's BEGIN
            repr(round(duration_ms, 3))
            if duration_ms is not None
            else "extract(epoch FROM clock_timestamp() - now()) * 1000",
            session.literal(__version__),
        ]
        return (
            f"INSERT INTO {self.qualified} (version, version_text, name, checksum, up_sql, down_sql, "
            "down_statements, irreversible_at, non_transactional, duration_ms, migc_version) "
            f"VALUES ({', '.join(values)})"
        )

    def delete_sql(self, version: int) -> str:
        return f"DELETE FROM {self.qualified} WHERE version = {int(version)}"


def _text_array(session: Session, items: list[str]) -> str:
    if not items:
        return "ARRAY[]::text[]"
    return "ARRAY[" + ", ".join(session.literal(item) for item in items) + "]::text[]"


@dataclass(frozen=True)
class AppliedMigration:
    """A row of the tracking table."""

    version: int
    version_text: str
    name: str
    checksum: str
    down_sql: str | None
    down_statements: tuple[str, ...] | None  # None: irreversible
    irreversible_at: str | None
    non_transactional: bool
    applied_at: datetime
    duration_ms: float

    @property
    def label(self) -> str:
        return f"{self.version_text}_{self.name}"

    @staticmethod
    def from_row(row: tuple[Any, ...]) -> AppliedMigration:
        version, version_text, name, checksum, down_sql, down_statements, irreversible_at, non_tx, at, ms = row
        return AppliedMigration(
            int(version), str(version_text), str(name), str(checksum),
            None if down_sql is None else str(down_sql),
            None if down_statements is None else tuple(str(s) for s in down_statements),
            None if irreversible_at is None else str(irreversible_at),
            bool(non_tx), at, float(ms),
        )
