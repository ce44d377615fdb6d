"""migc against squawk (PyPI `squawk-cli`), a linter for raw PostgreSQL migration SQL.

For every golden case that compiles, squawk lints the SQL migc emits for the case's last migration.
Every squawk rule has a decision here: it maps to a migc code (SQUAWK_TO_MIGC) or is deliberately
unmapped (UNMAPPED, with a reason). Wherever squawk raises a mapped rule, migc must raise that code
on the `.mig` — unless one of DIFFERENCES explains, by rule and condition, why migc deliberately
reports something else or nothing (it knows the table is new, the change does not rewrite, ...), or
names a known gap in migc. docs/diagnostics.md, "Compared with squawk", lists the same decisions.

The conditions are judged by PostgreSQL itself, not from migc's model, so that migc does not grade
its own homework ("the model is PostgreSQL"): one scratch database on the test server takes each
case in turn; its earlier migrations run as the runner runs them, then its last one statement by
statement (each in a transaction of its own, to see its locks; in autocommit when the migration is a
`concurrently` one), and PostgreSQL says before and after each statement what the conditions need:
the tables' columns and types (pg_attribute, format_type) and primary keys (pg_constraint), the
objects there are (so which this migration and which the statement made), the objects the statement
works on (event triggers: pg_event_trigger_ddl_commands() at ddl_command_end, the objects a drop
names from pg_event_trigger_dropped_objects(); and the relations it locks, in pg_locks: a foreign key
locks the table it references), and its command tag. Where a tag cannot tell (a rename from another
ALTER INDEX), the statement's text does: migc quotes every name and writes keywords in upper case.
The event triggers need a superuser (the embedded test server's user is one).

squawk runs the way migc's runner runs the SQL: a transactional migration with
`--assume-in-transaction`, a `concurrently` one (statement by statement, autocommit) without.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import psycopg

from golden_harness import GOLDEN, cases, compile_case, create_roles, drop_roles
from histories import run_statements, scratch_database
from migc.codes import ERRORS, WARNINGS
from migc.codegen.statement import render_script
from migc.compiled import CompiledMigration, CompiledProject
from migc.compiler import lock_timeout_off
from migc.project import ProjectConfig, load_config
from migc.sqlsplit import SplitError, statements

PG_VERSION = "16"

# squawk rule -> the migc code that reports the same problem
SQUAWK_TO_MIGC: dict[str, str] = {
    "require-concurrent-index-creation": "W101",
    "require-concurrent-index-deletion": "W101",
    "adding-not-nullable-field": "W102",  # squawk: `set not null`
    "changing-column-type": "W103",
    "adding-foreign-key-constraint": "W104",
    "constraint-missing-not-valid": "W104",
    "adding-field-with-default": "W105",  # a volatile default
    "adding-required-field": "W106",
    "renaming-column": "W107",
    "renaming-table": "W107",
    "renaming-object": "W107",  # `alter type ... rename to`: rename enum; `alter [materialized] view ... rename to`
    "ban-drop-column": "W108",
    "ban-drop-table": "W108",
    "ban-drop-schema": "W108",
    "ban-drop-view": "W108",  # drop view, drop materialized view
    "ban-drop-type": "W108",  # drop enum
    "ban-drop-function": "W108",
    "disallowed-unique-constraint": "W110",
    "adding-serial-primary-key-field": "W110",  # squawk: any `add primary key` on a table
    "require-enum-value-ordering": "W111",
    "ban-char-field": "W112",
    "prefer-timestamp-tz": "W113",
    "prefer-timestamptz": "W113",  # squawk's alias
    "prefer-bigint-over-int": "W114",
    "prefer-bigint-over-smallint": "W114",
    "prefer-identity": "W114",
    "require-lock-timeout": "W115",
    "ban-concurrent-index-creation-in-transaction": "E207",
    "ban-drop-generated-expression": "W001",  # irreversible: PostgreSQL 15 cannot make it generated again
    # language v2: sequences, domains, composite types, extensions
    "ban-drop-sequence": "W108",
    "ban-drop-domain": "W108",
    "ban-drop-extension": "W108",
    "ban-alter-domain-with-add-constraint": "W119",
}

# squawk rules migc has no code for, on purpose
UNMAPPED: dict[str, str] = {
    "prefer-robust-stmts": "a transactional migration runs in one transaction, so it cannot be left "
    "half-applied to be run again (squawk agrees with --assume-in-transaction); a `concurrently` "
    "migration is one statement, and when it fails the runner says so and to drop the INVALID index",
    "require-statement-timeout": "statement_timeout is a project setting (default off): a migration may "
    "rightly run long (an index build, a backfill); what stalls other sessions is waiting for a lock, "
    "which lock_timeout bounds (W115)",
    "require-timeout-settings": "squawk's older name for require-lock-timeout + require-statement-timeout",
    "prefer-text-field": "varchar(n) is a legitimate length check; widening it later is a catalog-only "
    "change (no W103), narrowing it is reported as W103",
    "ban-drop-not-null": "loosens the schema: every write that worked still works, so it is the expand step "
    "of expand-migrate-contract, not a break",
    "ban-drop-constraint": "loosens the schema (a check, a foreign key, a unique key); dropping a key that "
    "another foreign key needs is E205. migc does not know the queries, so a unique key that an "
    "`on conflict` relies on is not caught",
    "ban-drop-default": "running code that omits the column gets null instead of the default (on a not null "
    "column, an error): a contract step the author schedules, like a drop, but nothing is lost and no "
    "lock waits",
    "transaction-nesting": "migc writes no BEGIN/COMMIT; the runner owns the transaction (raw SQL that "
    "writes its own is the author's choice)",
    "ban-uncommitted-transaction": "migc writes no BEGIN; the runner owns the transaction",
    "ban-drop-database": "migc has no `drop database`; only raw SQL can say it",
    "ban-alter-identity": "adding an identity, or switching always / by default, changes the catalog under a "
    "brief lock (no rewrite, nothing lost); the one step whose down can clash with data, drop identity, is "
    "W003",
    "require-concurrent-partition-detach": "a plain detach holds the parent's lock only for the catalog "
    "change (no scan); `concurrently` must be alone in a migration outside a transaction (E207) and is "
    "refused with a default partition (E228), so it is the author's trade-off, not a default to impose",
    "ban-create-domain-with-constraint": "a new domain has no values yet: its checks cost nothing when it is "
    "made; adding one to a domain in use is W119 (and `alter domain ... drop constraint` is a plain drop)",
}


# ---------------------------------------------------------------------------------------------------
# The oracle: PostgreSQL itself. Each case's earlier migrations run on a scratch database; then its
# last migration runs statement by statement, and PostgreSQL says, before and after each one, what
# the conditions below need: the tables' columns and primary keys (its catalog), the objects the
# statement works on (event triggers: pg_event_trigger_ddl_commands(), and the original objects of
# pg_event_trigger_dropped_objects(); and the relations it locks), and its command tag.

Obj = tuple[int, int]  # an object: (the catalog it is in, its oid): a relation, type, schema, extension...
TypeKey = tuple[str, tuple[int, ...], int]  # type name as PostgreSQL spells it, modifiers, array dims

ORACLE = "migc_squawk_oracle"  # the schema of the event triggers and their log, left out of every look
PG_CLASS = 1259  # pg_class's oid (fixed in every PostgreSQL)

_INSTALL = f"""
CREATE SCHEMA {ORACLE};
CREATE TABLE {ORACLE}.events (tag text NOT NULL, classid oid NOT NULL, objid oid NOT NULL);
CREATE FUNCTION {ORACLE}.on_end() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {ORACLE}.events SELECT command_tag, classid, objid FROM pg_event_trigger_ddl_commands() WHERE classid <> 0;
END $$;
CREATE FUNCTION {ORACLE}.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {ORACLE}.events SELECT tg_tag, classid, objid FROM pg_event_trigger_dropped_objects() WHERE original;
END $$;
CREATE EVENT TRIGGER migc_squawk_end ON ddl_command_end EXECUTE FUNCTION {ORACLE}.on_end();
CREATE EVENT TRIGGER migc_squawk_drop ON sql_drop EXECUTE FUNCTION {ORACLE}.on_drop();
"""

_USER_SCHEMAS = f"""SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', '{ORACLE}')
  AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'"""

# every object of the user's schemas, the relations' columns and primary keys, and the indexes' tables:
# one query, one row per fact
_LOOK = f"""
WITH ns AS ({_USER_SCHEMAS}),
tables AS (SELECT c.oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n
           ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.oid IN (SELECT oid FROM ns))
SELECT 'object', classid::int, objid::int, NULL, NULL, NULL, NULL FROM (
  SELECT 'pg_namespace'::regclass AS classid, oid AS objid FROM pg_namespace WHERE oid IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type WHERE typnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_proc'::regclass, oid FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint WHERE connamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_trigger'::regclass, t.oid FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_policy'::regclass, p.oid FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'pg_extension'::regclass, oid FROM pg_extension
) o
UNION ALL
SELECT 'column', t.oid::int, NULL, t.name, a.attname, coalesce(e.typname, ty.typname)::text,
       format_type(a.atttypid, a.atttypmod) || CASE WHEN e.oid IS NULL THEN '' ELSE
         repeat('[]', greatest(a.attndims, 1)) END
FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = ty.typelem AND ty.typcategory = 'A'
UNION ALL
SELECT 'key', con.conrelid::int, NULL, t.name, a.attname, con.conname, NULL
FROM pg_constraint con JOIN tables t ON t.oid = con.conrelid
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey) WHERE con.contype = 'p'
UNION ALL
SELECT 'index', i.indexrelid::int, i.indrelid::int, NULL, NULL, NULL, NULL FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN (SELECT oid FROM ns)
"""

# the relations the statement running in this transaction locked, beyond reading them (a foreign key
# locks the table it references; an index, a trigger, its table)
_LOCKED = """SELECT DISTINCT relation::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""

_EVENTS = f"DELETE FROM {ORACLE}.events RETURNING tag, classid::int, objid::int"


@dataclass(frozen=True)
class Catalog:
    """The schema as PostgreSQL has it at one point of the last migration."""
    columns: dict[int, dict[str, TypeKey]]  # table (oid) -> column -> type
    keys: dict[int, tuple[str, frozenset[str]]]  # table -> (primary key name, its columns)
    names: dict[int, str]  # table -> schema.name
    objects: frozenset[Obj]  # every object in the user's schemas
    indexes: dict[int, int]  # index -> its table
    created: frozenset[Obj]  # the objects made since the migration began (and still there)


def _type_key(name: str, formatted: str) -> TypeKey:
    """`varchar`, `character varying(10)[]` -> ("varchar", (10,), 1)."""
    mods = re.search(r"\(([\d,]+)\)", formatted)
    return (name, tuple(int(m) for m in mods.group(1).split(",")) if mods else (), formatted.count("[]"))


def look(conn: psycopg.Connection[Any], start: frozenset[Obj] | None = None) -> Catalog:
    """The catalog now; `start`: the objects when the migration began (None: now)."""
    columns: dict[int, dict[str, TypeKey]] = {}
    keys: dict[int, tuple[str, frozenset[str]]] = {}
    names: dict[int, str] = {}
    objects: set[Obj] = set()
    indexes: dict[int, int] = {}
    for kind, a, b, table, column, name, formatted in conn.execute(_LOOK).fetchall():
        if kind == "object":
            objects.add((a, b))
        elif kind == "column":
            names[a] = table
            columns.setdefault(a, {})[column] = _type_key(name, formatted)
        elif kind == "key":
            key = keys.get(a, (name, frozenset()))
            keys[a] = (name, key[1] | {column})
        else:
            indexes[a] = b
    made = frozenset(objects) if start is None else frozenset(objects) - start
    return Catalog(columns, keys, names, frozenset(objects), indexes, made if start is not None else frozenset())


@dataclass(frozen=True)
class Statement:
    """One statement of the last migration, as PostgreSQL ran it."""
    sql: str
    tag: str  # PostgreSQL's command tag: CREATE TABLE, ALTER INDEX, DROP TYPE...
    worked_on: frozenset[Obj]  # what the event triggers name (dropped: the objects named), what it locked
    table: int | None  # CREATE TABLE, ALTER TABLE: the table
    before: Catalog
    after: Catalog

    @property
    def made(self) -> frozenset[Obj]:
        return self.after.objects - self.before.objects


def targets(stmt: Statement | None) -> frozenset[Obj] | None:
    """The existing objects a statement works on (and locks); None when PostgreSQL names none."""
    if stmt is None or not stmt.worked_on:
        return None
    return stmt.worked_on


_RENAME = re.compile(r'\bRENAME TO "')


def run_piece(conn: psycopg.Connection[Any], sql: str, transactional: bool, before: Catalog,
              start: frozenset[Obj]) -> Statement:
    """Run one statement, in a transaction of its own unless it cannot run in one (`concurrently`),
    and ask PostgreSQL what it did."""
    if transactional:
        conn.execute("BEGIN")
    tag = conn.execute(sql.encode()).statusmessage or ""
    locked = {(PG_CLASS, r) for r, in conn.execute(_LOCKED).fetchall()} if transactional else set()
    events = conn.execute(_EVENTS).fetchall()
    if transactional:
        conn.execute("COMMIT")
    after = look(conn, start)
    known = before.objects | after.objects
    worked_on = {(c, o) for _, c, o in events} | locked
    for c, index in after.objects - before.objects:  # a new index works on its table (concurrently too)
        if c == PG_CLASS and index in after.indexes:
            worked_on.add((PG_CLASS, after.indexes[index]))
    table = None
    if tag in ("CREATE TABLE", "ALTER TABLE"):
        table = next((o for t, c, o in events if t == tag and c == PG_CLASS and (o in after.names or o in before.names)),
                     None)
    return Statement(sql, tag, frozenset(worked_on & known), table, before, after)


def pieces(sql: str) -> list[tuple[int, int, str]]:
    """(start, end, statement) for each statement of one of migc's SQL statements (raw SQL may hold
    several): cut by migc's splitter, which test_sqlsplit.py holds to PostgreSQL's own reading."""
    try:
        found = statements(sql)
    except SplitError:
        found = []
    return [(p.start, p.start + len(p.raw), p.sql) for p in found] or [(0, len(sql), sql)]


# Back to an empty database between cases (a new database per case costs ~0.2 s, most of this file's
# time): every schema dropped, `public` made again as initdb makes it (PostgreSQL 15+). `_STATE` says
# what must then be as it was at first: the schemas with their owners, privileges and comments, the
# extensions, and the count of everything else a case could leave behind.
_RESET = f"""
DO $$ DECLARE s name; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('information_schema', '{ORACLE}')
           AND nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END $$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';
"""

_STATE = f"""
SELECT nspname || ' ' || nspowner::regrole || ' ' || coalesce(nspacl::text, '') || ' '
       || coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace WHERE nspname <> '{ORACLE}'
  AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
UNION ALL SELECT 'extension ' || extname FROM pg_extension
UNION ALL SELECT 'objects ' || (
  (SELECT count(*) FROM pg_class WHERE oid >= 16384 AND relnamespace <> '{ORACLE}'::regnamespace)
  + (SELECT count(*) FROM pg_type WHERE oid >= 16384 AND typnamespace <> '{ORACLE}'::regnamespace)
  + (SELECT count(*) FROM pg_proc WHERE oid >= 16384 AND pronamespace <> '{ORACLE}'::regnamespace)
  + (SELECT count(*) FROM pg_cast WHERE oid >= 16384) + (SELECT count(*) FROM pg_language WHERE oid >= 16384)
  + (SELECT count(*) FROM pg_event_trigger WHERE evtfoid NOT IN
     (SELECT oid FROM pg_proc WHERE pronamespace = '{ORACLE}'::regnamespace))
  + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_foreign_data_wrapper)
  + (SELECT count(*) FROM pg_foreign_server) + (SELECT count(*) FROM pg_default_acl))
ORDER BY 1
"""


class Oracle:
    """One scratch database on the test server, with the event triggers, for every case in turn."""

    def __init__(self, server_url: str, url: str, conn: psycopg.Connection[Any]) -> None:
        self.server_url, self.url, self.conn = server_url, url, conn
        conn.execute(_INSTALL.encode())
        self.state = conn.execute(_STATE.encode()).fetchall()

    def observe(self, case: Path, project: CompiledProject) -> tuple[list[list[Statement]], Catalog]:
        """The case's last migration run after the earlier ones: each statement as PostgreSQL ran it
        (per statement of `up`, its pieces), and the catalog after all of them."""
        *earlier, last = project.migrations
        conn = self.conn
        roles = create_roles(case, self.server_url) if (case / "roles.txt").exists() else []
        try:
            for m in earlier:  # as the runner runs them
                run_statements(self.url, m.up, f"{case.name}: {m.file.shown_path}", non_transactional=m.non_transactional)
            conn.execute(_EVENTS.encode())  # the earlier migrations' events
            catalog = look(conn)
            start = catalog.objects
            ran: list[list[Statement]] = []
            for s in last.up:
                ran.append([])
                for _, _, sql in pieces(s.sql):
                    ran[-1].append(run_piece(conn, sql, not last.non_transactional, catalog, start))
                    catalog = ran[-1][-1].after
        finally:
            drop_roles(self.server_url, roles, self.url)
            conn.execute(_RESET.encode())
            left = conn.execute(_STATE.encode()).fetchall()
            assert left == self.state, f"{case.name} left the scratch database changed: {left} != {self.state}"
        return ran, catalog


# ---------------------------------------------------------------------------------------------------
# What squawk reported, with the context the conditions need.

@dataclass(frozen=True)
class Hit:
    case: str
    rule: str
    line: int  # 1-based, in the emitted up SQL
    sql: str  # the statement it points into
    start: int  # the flagged span, as offsets into `sql`
    end: int
    stmt: Statement  # the statement, as PostgreSQL ran it
    before: Catalog  # the schema just before the statement (created: objects this migration created)
    after: Catalog  # the schema after the whole migration
    later: tuple[Statement, ...]  # the statements of the migration after this one
    lock_timeout_off: bool  # the runner will not set lock_timeout
    silenced: frozenset[str]  # codes the author silenced: `-- migc: allow` in the migration, or lint "off"

    @property
    def text(self) -> str:
        return self.sql[self.start:self.end]

    @property
    def column(self) -> str | None:
        """The column a column-level hit is about: migc quotes every identifier, and the flagged
        type (or `TYPE`, `SET NOT NULL`) follows its column's name."""
        names = re.findall(r'"((?:[^"]|"")*)"', self.sql[:self.start])
        return names[-1].replace('""', '"') if names else None

    @property
    def table(self) -> int | None:
        """The table a CREATE TABLE or ALTER TABLE makes or changes (its oid)."""
        return self.stmt.table


# ---------------------------------------------------------------------------------------------------
# Where migc deliberately reports something else, or nothing (and the known gaps).

def on_new_objects(hit: Hit) -> bool:
    """Everything the statement works on was created earlier in this migration, or by the statement."""
    found = targets(hit.stmt)
    if not found:
        return False
    return found - hit.stmt.made <= hit.before.created


def is_index_rename(hit: Hit) -> bool:
    return hit.stmt.tag == "ALTER INDEX" and _RENAME.search(hit.stmt.sql) is not None


def is_not_valid_domain_check(hit: Hit) -> bool:
    return hit.stmt.tag == "ALTER DOMAIN" and "NOT VALID" in hit.sql


def is_key_constraint(hit: Hit) -> bool:
    return re.search(r"\b(UNIQUE|PRIMARY KEY|EXCLUDE)\b", hit.text) is not None


def is_set_not_null_proven_by_a_validated_check(hit: Hit) -> bool:
    """An earlier migration added `check (col is not null)` and validated it: PostgreSQL 12+ then
    sets not null without scanning the table."""
    if hit.table is None or hit.column is None or "SET NOT NULL" not in hit.sql:
        return False
    *earlier, _ = compile_case(GOLDEN / hit.case).project.migrations
    sql = "\n".join(s.sql for m in earlier for s in m.up)
    checks = re.findall(rf'CONSTRAINT "([^"]+)" CHECK \("{re.escape(hit.column)}" IS NOT NULL\)', sql)
    return any(f'VALIDATE CONSTRAINT "{name}"' in sql for name in checks)


def is_set_not_null_of_added_primary_key(hit: Hit) -> bool:
    if hit.table is None or hit.column is None:
        return False
    return any(s.tag == "ALTER TABLE" and s.table == hit.table and _adds_primary_key(s, hit.table, hit.column)
               for s in hit.later)


def _adds_primary_key(stmt: Statement, table: int, column: str) -> bool:
    """After the statement the table has a primary key it did not have before, on the column."""
    key = stmt.after.keys.get(table)
    return key is not None and key != stmt.before.keys.get(table) and column in key[1]


def no_rewrite(old: TypeKey, new: TypeKey) -> bool:
    """Type changes PostgreSQL makes in the catalog only (binary coercible, nothing to check)."""
    (o, omods, odims), (n, nmods, ndims) = old, new
    if odims != ndims:
        return False
    if o in ("varchar", "text") and (n == "text" or (n == "varchar" and not nmods)):
        return True
    if o == n == "varchar":
        return bool(omods) and bool(nmods) and nmods[0] >= omods[0]
    if o == n == "numeric":
        return not nmods or (len(omods) == len(nmods) == 2 and nmods[0] >= omods[0] and nmods[1] == omods[1])
    return False


def is_type_change_without_rewrite(hit: Hit) -> bool:
    if hit.table is None or hit.column is None or hit.stmt.tag != "ALTER TABLE":
        return False
    old = hit.before.columns.get(hit.table, {}).get(hit.column)
    new = hit.stmt.after.columns.get(hit.table, {}).get(hit.column)
    # the statement changes this column's type once (migc quotes every name)
    changes = re.findall(r'ALTER COLUMN ("(?:[^"]|"")+") (?:SET DATA )?TYPE ', hit.stmt.sql)
    quoted = '"' + hit.column.replace('"', '""') + '"'
    return old is not None and new is not None and changes.count(quoted) == 1 and no_rewrite(old, new)


def is_not_a_primary_key_column(hit: Hit) -> bool:
    if hit.table is None or hit.column is None:
        return False
    return hit.column not in hit.after.keys.get(hit.table, ("", set()))[1]


def is_remade_around_a_type_change(hit: Hit) -> bool:
    """A check or index migc drops and makes again, as it was, because a column it uses changes type."""
    sql = "\n".join(s.sql for s in compile_case(GOLDEN / hit.case).project.migrations[-1].up)
    if not re.search(r'ALTER COLUMN "(?:[^"]|"")+" TYPE ', sql):
        return False
    dropped = set(re.findall(r'DROP (?:CONSTRAINT|INDEX "[^"]+"\.) ?"([^"]+)"', sql))
    made = set(re.findall(r'(?:ADD CONSTRAINT|CREATE INDEX) "([^"]+)"', sql))
    return any(f'"{name}"' in hit.sql for name in dropped & made)


def is_trigger_or_policy_rename(hit: Hit) -> bool:
    return hit.stmt.tag in ("ALTER TRIGGER", "ALTER POLICY") and _RENAME.search(hit.stmt.sql) is not None


def runner_sets_lock_timeout(hit: Hit) -> bool:
    return not hit.lock_timeout_off


@dataclass(frozen=True)
class Difference:
    name: str
    rules: frozenset[str]
    applies: Callable[[Hit], bool]
    expect: str | None  # the code migc reports instead; None: nothing
    reason: str
    gap: bool = False  # True: migc should report it; a known gap, not a choice


# The first that applies to a hit decides.
DIFFERENCES: list[Difference] = [
    Difference(
        "set not null proven by a validated check",
        frozenset({"adding-not-nullable-field"}), is_set_not_null_proven_by_a_validated_check, None,
        "a validated check (col is not null) from an earlier migration lets PostgreSQL 12+ skip the scan: "
        "it is the last step of the safe recipe, which squawk cannot see across files",
    ),
    Difference(
        "new object",
        frozenset(SQUAWK_TO_MIGC) - {"ban-char-field", "prefer-timestamp-tz", "prefer-timestamptz",
                                     "prefer-bigint-over-int", "prefer-bigint-over-smallint",
                                     "prefer-identity", "ban-concurrent-index-creation-in-transaction"},
        on_new_objects, None,
        "squawk sees one file and cannot know the table (or enum) is new; migc knows it was created "
        "earlier in the same migration: nobody uses it yet and it is empty, so nothing waits and nothing "
        "breaks",
    ),
    Difference(
        "made again around a type change",
        frozenset({"constraint-missing-not-valid", "require-concurrent-index-creation",
                   "require-concurrent-index-deletion"}), is_remade_around_a_type_change, None,
        "a check or an expression index on a column whose type changes is dropped and made again as it "
        "was, under the type change's own ACCESS EXCLUSIVE lock: migc judges the type change (W103 when it "
        "rewrites the table), not the dependents it restores",
    ),
    Difference(
        "lock_timeout set by the runner",
        frozenset({"require-lock-timeout"}), runner_sets_lock_timeout, None,
        "migc's runner sets lock_timeout (project setting, 5s by default) before a migration; W115 is for "
        "projects that turn it off (`lock_timeout = \"0\"`)",
    ),
    Difference(
        "unique or primary key constraint",
        frozenset({"constraint-missing-not-valid"}), is_key_constraint, "W110",
        "only check and foreign key constraints can be `not valid`; migc reports a unique, primary key or "
        "exclusion constraint on an existing table as W110 (build a unique index concurrently first)",
    ),
    Difference(
        "set not null of a new primary key",
        frozenset({"adding-not-nullable-field"}), is_set_not_null_of_added_primary_key, "W110",
        "migc emits that `set not null` itself as part of `add primary key`; W110 reports that statement",
    ),
    Difference(
        "type change without a rewrite",
        frozenset({"changing-column-type"}), is_type_change_without_rewrite, None,
        "varchar(n) to varchar(m >= n), varchar or text to text, numeric to more precision: a catalog "
        "change without a rewrite; squawk flags every type change",
    ),
    Difference(
        "an index rename",
        frozenset({"renaming-object"}), is_index_rename, None,
        "queries never name an index, so renaming one breaks no running code (squawk flags every rename)",
    ),
    Difference(
        "a domain check added not valid",
        frozenset({"ban-alter-domain-with-add-constraint"}), is_not_valid_domain_check, None,
        "`not valid`: PostgreSQL checks no existing value now, and `validate constraint` later checks them "
        "without blocking writes: the safe recipe W119 asks for (squawk bans every added domain constraint)",
    ),
    Difference(
        "not a primary key column",
        frozenset({"prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-identity"}),
        is_not_a_primary_key_column, None,
        "W114 is for primary keys, which count rows and run out; squawk flags every int or smallint column",
    ),
    Difference(
        "a trigger or policy renamed",
        frozenset({"renaming-object"}), is_trigger_or_policy_rename, None,
        "no query names a trigger or a policy, so renaming one breaks no running code",
    ),
]


SILENCED = Difference(
    "silenced by the author", frozenset(SQUAWK_TO_MIGC), lambda hit: True, None,
    "`-- migc: allow CODE` above the statement (or CODE = \"off\" in [lint]) is squawk's squawk-ignore",
)


def decide(hit: Hit) -> tuple[str | None, Difference | None]:
    """The code migc must raise for this hit (None: none), and the difference that says so."""
    expect, why = SQUAWK_TO_MIGC[hit.rule], None
    for d in DIFFERENCES:
        if hit.rule in d.rules and d.applies(hit):
            expect, why = d.expect, d
            break
    if expect is not None and expect in hit.silenced:
        return None, SILENCED
    return expect, why


_ALLOW = re.compile(r"--\s*migc:\s*allow\b(.*)$", re.IGNORECASE)


def silenced(migration: CompiledMigration, config: ProjectConfig) -> frozenset[str]:
    """Codes of the allow comments that sit on the line just before a statement (the file's, not the
    statement's: good enough here), and the codes the project's [lint] turns off."""
    lines = migration.file.content.decode("utf-8").splitlines()
    allowed = set()
    for line, after in zip(lines, [*lines[1:], ""]):
        match = _ALLOW.search(line)
        if match and after.strip() and not after.lstrip().startswith("--"):
            allowed |= {c.upper() for c in re.findall(r"\b[EW]\d{3}\b", match.group(1), re.IGNORECASE)}
    return frozenset(allowed | {c for c, level in config.lint.items() if level == "off"})


# ---------------------------------------------------------------------------------------------------
# Running squawk once over every case.

def squawk_binary() -> str | None:
    beside = Path(sys.executable).parent / "squawk"
    return str(beside) if beside.exists() else shutil.which("squawk")


@dataclass(frozen=True)
class CaseRun:
    case: str
    migc_codes: frozenset[str]  # what migc reports on the case's last migration
    hits: tuple[Hit, ...]


def run_squawk(binary: str, files: list[Path], in_transaction: bool, cwd: Path) -> list[dict[str, Any]]:
    if not files:
        return []
    flag = "--assume-in-transaction" if in_transaction else "--no-assume-in-transaction"
    done = subprocess.run([binary, "--reporter", "json", "--pg-version", PG_VERSION, flag, *map(str, files)],
                          capture_output=True, text=True, cwd=cwd, timeout=60)
    assert done.returncode in (0, 1), f"squawk failed ({done.returncode}): {done.stderr}"
    violations: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    return violations


def lines_of(migration: CompiledMigration) -> list[tuple[int, int]]:
    """For each line of the rendered up SQL: (statement index, offset of the line in its SQL); -1 for a
    description comment."""
    out: list[tuple[int, int]] = []
    for i, s in enumerate(migration.up):
        out.append((-1, 0))
        offset = 0
        for line in s.sql.split("\n"):
            out.append((i, offset))
            offset += len(line) + 1
    return out


def case_config(case: Path) -> ProjectConfig:
    if (case / "migc.toml").exists():  # as the golden harness does
        return load_config(cwd=case, dir_override=Path("."))
    return ProjectConfig(migrations_dir=Path("."))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, pg_server_url: str) -> list[CaseRun]:
    binary = squawk_binary()
    assert binary is not None, "squawk is not installed: pip install -e '.[test]' installs squawk-cli"
    tmp = tmp_path_factory.mktemp("squawk")
    compiled = {}
    for case in cases():
        project = compile_case(case).project
        if project.ok:
            compiled[case] = project
            (tmp / f"{case.name}.sql").write_text(render_script(project.migrations[-1].up), encoding="utf-8")
    groups = {flag: [tmp / f"{c.name}.sql" for c, p in compiled.items()
                     if p.migrations[-1].non_transactional != flag] for flag in (True, False)}
    violations = [v for flag, files in groups.items() for v in run_squawk(binary, files, flag, tmp)]

    by_case: dict[str, list[dict[str, Any]]] = {}
    for v in violations:
        by_case.setdefault(Path(v["file"]).stem, []).append(v)
    result = []
    with scratch_database(pg_server_url, "migc_squawk") as url, psycopg.connect(url, autocommit=True) as conn:
        oracle = Oracle(pg_server_url, url, conn)
        for case, project in compiled.items():
            last = project.migrations[-1]
            if case.name not in by_case:  # nothing to judge
                result.append(CaseRun(case.name, frozenset(d.code for d in last.diagnostics), ()))
                continue
            ran, catalog = oracle.observe(case, project)  # each statement, and the catalog after all
            cut = [pieces(s.sql) for s in last.up]
            flat = [stmt for stmts in ran for stmt in stmts]
            where = lines_of(last)
            config = case_config(case)
            off, quiet = lock_timeout_off(config), silenced(last, config)
            hits = []
            for v in by_case.get(case.name, []):
                index, line_offset = where[v["line"]]
                if index < 0:  # on a description comment: no statement to judge
                    index, line_offset = where[v["line"] + 1]
                sql = last.up[index].sql
                start = line_offset + v["column"]
                end_index, end_offset = where[v["line_end"]]
                end = end_offset + v["column_end"] if end_index == index else len(sql)
                k = next((k for k, (s, e, _) in enumerate(cut[index]) if s <= start < e), 0)
                position = sum(len(p) for p in ran[:index]) + k
                stmt = ran[index][k]
                hits.append(Hit(case.name, v["rule_name"], v["line"] + 1, sql, start, end, stmt, stmt.before, catalog,
                                tuple(flat[position + 1:]), off, quiet))
            codes = frozenset(d.code for d in last.diagnostics)
            result.append(CaseRun(case.name, codes, tuple(hits)))
    return result


# ---------------------------------------------------------------------------------------------------

def test_decisions_are_consistent() -> None:
    assert not set(SQUAWK_TO_MIGC) & set(UNMAPPED)
    for rule, code in SQUAWK_TO_MIGC.items():
        assert code in WARNINGS or code in ERRORS, f"{rule} maps to unknown code {code}"
    for d in DIFFERENCES:
        assert d.rules <= set(SQUAWK_TO_MIGC), d.name
        assert d.expect is None or d.expect in WARNINGS, d.name


def test_every_squawk_rule_has_a_decision(runs: list[CaseRun]) -> None:
    undecided = sorted({f"{h.rule} (first in {h.case})" for r in runs for h in r.hits
                        if h.rule not in SQUAWK_TO_MIGC and h.rule not in UNMAPPED})
    assert not undecided, "new squawk rules: map each to a migc code or list it in UNMAPPED with a reason:\n" \
        + "\n".join(undecided)


def test_migc_reports_what_squawk_reports(runs: list[CaseRun]) -> None:
    missing = []
    for r in runs:
        for h in r.hits:
            if h.rule not in SQUAWK_TO_MIGC:
                continue
            expect, why = decide(h)
            if expect is not None and expect not in r.migc_codes:
                because = f" (instead of {SQUAWK_TO_MIGC[h.rule]}: {why.name})" if why else ""
                missing.append(f"{r.case}: squawk {h.rule} at line {h.line} `{h.text[:70]}`: migc should report "
                               f"{expect}{because}; it reports {sorted(r.migc_codes) or 'nothing'}")
    assert not missing, "\n".join(missing)


def test_every_difference_is_still_needed(runs: list[CaseRun]) -> None:
    """A difference no golden case exercises is stale (a gap that got fixed, a rule squawk dropped):
    remove it from here and from the docs. Each is exercised by at least one golden case."""
    used = {why.name for r in runs for h in r.hits if h.rule in SQUAWK_TO_MIGC for _, why in [decide(h)] if why}
    stale = [d.name for d in [*DIFFERENCES, SILENCED] if d.name not in used]
    assert not stale, f"differences no golden case needs any more: {stale}"
    fixed = [f"{r.case}: {why.name}" for r in runs for h in r.hits if h.rule in SQUAWK_TO_MIGC
             for _, why in [decide(h)] if why and why.gap and SQUAWK_TO_MIGC[h.rule] in r.migc_codes]
    assert not fixed, f"known gaps migc now covers (drop them from DIFFERENCES and the docs): {fixed}"
