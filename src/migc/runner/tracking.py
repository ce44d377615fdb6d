"""The tracking table: which migrations are applied, with the exact SQL that was run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migc import __version__
from migc.codegen.statement import render_script
from migc.compiled import CompiledMigration, DownNote
from migc.runner.session import Session

if TYPE_CHECKING:
    from datetime import datetime

# the first column of the row that each migration's tracking statement returns: see Session.run_batch
MARKER = "migc_done"
# what migc reads and writes of a tracking table (every version of migc has made these)
REQUIRED_COLUMNS = frozenset({
    "version", "version_text", "name", "checksum", "up_sql", "down_sql", "down_statements", "irreversible_at",
    "non_transactional", "applied_at", "duration_ms", "applied_by", "migc_version",
})


@dataclass(frozen=True)
class TrackingShape:
    """What the database has under the tracking table's name."""

    exists: bool
    schema_exists: bool
    kind: str | None  # pg_class.relkind
    columns: frozenset[str]


# the column added after the first versions of migc (added to older tables by `up`, see
# run_commands.open_tracking): the down notes of the migration, as a JSON array, NULL when none known
NOTES_COLUMN = "down_notes"


@dataclass(frozen=True)
class TrackingTable:
    schema: str
    table: str
    # the table has NOTES_COLUMN (an older one may not, and its role may not be allowed to add it)
    notes: bool = field(default=True, compare=False)

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
  migc_version text NOT NULL,
  down_notes jsonb
)"""

    def add_notes_sql(self) -> str:
        """NOTES_COLUMN for a table made by an older migc (IF NOT EXISTS: idempotent; run under the
        migration lock, which every migc version takes before writing)."""
        return f"ALTER TABLE {self.qualified} ADD COLUMN IF NOT EXISTS {NOTES_COLUMN} jsonb"

    def shape(self, session: Session) -> TrackingShape:
        """Whether the table (and its schema) exist, and what it is: one query."""
        table = quote_literal(self.qualified)
        row = session.rows(
            f"SELECT to_regclass({table}) IS NOT NULL, to_regnamespace({quote_literal(quote_ident(self.schema))}) "
            f"IS NOT NULL, (SELECT relkind::text FROM pg_class WHERE oid = to_regclass({table})), "
            f"(SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = to_regclass({table}) "
            "AND attnum > 0 AND NOT attisdropped)"
        )[0]
        return TrackingShape(bool(row[0]), bool(row[1]), row[2], frozenset(row[3] or ()))

    def foreign(self, shape: TrackingShape) -> str | None:
        """Why an existing relation of this name is not a tracking table migc can use, if it is not."""
        if not shape.exists:
            return None
        if shape.kind not in ("r", "p"):
            kinds = {"v": "a view", "m": "a materialized view", "S": "a sequence", "f": "a foreign table",
                     "i": "an index", "I": "an index", "c": "a composite type"}
            return f"{self.qualified} is {kinds.get(shape.kind or '', 'not a table')}"
        missing = sorted(REQUIRED_COLUMNS - shape.columns)
        if missing:
            return f"{self.qualified} has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        return None

    def select_sql(self) -> str:
        """All rows, oldest first, as AppliedMigration.from_row reads them, without the down SQL
        (most of a row: only `down` needs it, for the rows it reverts)."""
        return (
            "SELECT version, version_text, name, checksum, NULL, NULL, irreversible_at, non_transactional, "
            f"applied_at, duration_ms, false, NULL FROM {self.qualified} ORDER BY version"
        )

    def select_down_sql(self, *, above: int | None = None, latest: int | None = None) -> str:
        """With their down SQL, newest first: the rows above version `above`, else the `latest` ones
        (all of them when neither is given)."""
        # the array as JSON text: one way to read it, whichever kind of session reads it
        where = "" if above is None else f" WHERE version > {int(above)}"
        limit = "" if latest is None else f" LIMIT {int(latest)}"
        notes = f"{NOTES_COLUMN}::text" if self.notes else "NULL"
        return (
            "SELECT version, version_text, name, checksum, down_sql, array_to_json(down_statements)::text, "
            f"irreversible_at, non_transactional, applied_at, duration_ms, true, {notes} FROM {self.qualified}"
            f"{where} ORDER BY version DESC{limit}"
        )

    def insert_sql(self, migration: CompiledMigration, duration_ms: float | None) -> str:
        """The row for an applied migration; its start and duration measured by the server unless
        the duration is given. Returns (version, duration in ms, ...) under the column name MARKER."""
        file = migration.file
        down = migration.down
        if duration_ms is None:
            timing = f"{_STARTED}, {_DURATION}, "
        else:
            timing = f"now(), {round(duration_ms, 3)!r}, "
        notes_column, notes = "", ""
        if self.notes and migration.down_notes and down is not None:
            notes_column, notes = f", {NOTES_COLUMN}", f", {quote_literal(notes_json(migration.down_notes))}::jsonb"
        return (
            f"INSERT INTO {self.qualified} (version, version_text, name, checksum, up_sql, down_sql, "
            f"down_statements, irreversible_at, non_transactional, applied_at, duration_ms, migc_version{notes_column}"
            ") VALUES ("
            f"{int(file.version)}, {quote_literal(file.version_text)}, {quote_literal(file.name)}, "
            f"{quote_literal(file.checksum)}, {quote_literal(render_script(migration.up))}, "
            f"{'NULL' if down is None else quote_literal(render_script(down))}, "
            f"{'NULL' if down is None else _text_array([s.sql for s in down])}, "
            f"{'NULL' if migration.irreversible_at is None else quote_literal(migration.irreversible_at)}, "
            f"{'true' if migration.non_transactional else 'false'}, {timing}{_VERSION_LITERAL}{notes}"
            f") RETURNING version AS {MARKER}, duration_ms, {_MARK}"
        )

    def delete_sql(self, version: int) -> str:
        """Forget a reverted migration; returns (version, its duration in ms, ...) under the column name MARKER."""
        return (
            f"DELETE FROM {self.qualified} WHERE version = {int(version)} "
            f"RETURNING version AS {MARKER}, {_DURATION}, {_MARK}"
        )


# When a migration started. now() is the start of the transaction, but PostgreSQL gives every
# transaction of one query string the same now() (the time the string arrived), and the runner
# sends several migrations in one string: so each tracking statement leaves the time it ran in a
# session setting (_MARK, kept only if the transaction commits), and a migration started at the
# later of now() and that mark: the end of the previous migration of the same string, if any.
# The mark is the epoch as a number, which reads back the same under any DateStyle.
_STARTED = "greatest(now(), to_timestamp(nullif(current_setting('migc.mark', true), '')::float8))"
_DURATION = f"extract(epoch FROM clock_timestamp() - {_STARTED}) * 1000"
_MARK = "set_config('migc.mark', extract(epoch FROM clock_timestamp())::text, false)"


def quote_ident(name: str) -> str:
    """Always double-quoted (as the compiler quotes names)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A string literal that means the same whatever `standard_conforming_strings` is: plain when
    the value has no backslash, else an escape string (E'...') with its backslashes doubled."""
    if "\\" in value:
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + value.replace("'", "''") + "'"


_VERSION_LITERAL = quote_literal(__version__)


def _text_array(items: list[str]) -> str:
    if not items:
        return "ARRAY[]::text[]"
    return "ARRAY[" + ", ".join(map(quote_literal, items)) + "]::text[]"


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
    down_loaded: bool = True  # down_sql and down_statements were read (see TrackingTable.select_sql)
    # what its down cannot give back as it was, stored at apply time (read with the down SQL);
    # none when none are known (an explicit down, a row written by an older migc)
    down_notes: tuple[DownNote, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.version_text}_{self.name}"

    @staticmethod
    def from_row(row: tuple[Any, ...]) -> AppliedMigration:
        (version, version_text, name, checksum, down_sql, down_statements, irreversible_at, non_tx, at, ms, loaded,
         notes) = row
        if down_statements is not None:
            import json  # only down reads them (and json costs `up` 2 ms of start-up)

            down_statements = json.loads(down_statements)
        return AppliedMigration(
            int(version), str(version_text), str(name), str(checksum),
            None if down_sql is None else str(down_sql),
            None if down_statements is None else tuple(str(s) for s in down_statements),
            None if irreversible_at is None else str(irreversible_at),
            bool(non_tx), at, float(ms), bool(loaded), notes_from_json(notes),
        )


def notes_json(notes: tuple[DownNote, ...]) -> str:
    import json  # only for a migration that has notes (json costs `up` 2 ms of start-up)

    return json.dumps([{"kind": n.kind, "table": n.table, "column": n.column, "message": n.message} for n in notes])


def notes_from_json(text: object) -> tuple[DownNote, ...]:
    """The stored notes; anything unreadable (edited by hand) counts as none known."""
    if not isinstance(text, str):
        return ()
    import json

    try:
        items = json.loads(text)
        return tuple(DownNote(str(i["kind"]), str(i["table"]), str(i["column"]), str(i["message"])) for i in items)
    except (ValueError, TypeError, KeyError):
        return ()
