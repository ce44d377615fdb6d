"""migc against squawk (PyPI `squawk-cli`), a linter for raw PostgreSQL migration SQL.

For every golden case that compiles, squawk lints the SQL migc emits for the case's last migration.
Every squawk rule has a decision here: it maps to a migc code (SQUAWK_TO_MIGC) or is deliberately
unmapped (UNMAPPED, with a reason). Wherever squawk raises a mapped rule, migc must raise that code
on the `.mig` — unless one of DIFFERENCES explains, by rule and condition, why migc deliberately
reports something else or nothing (it knows the table is new, the change does not rewrite, ...), or
names a known gap in migc. docs/diagnostics.md, "Compared with squawk", lists the same decisions.

The conditions are judged from the emitted SQL itself (parsed with pglast and replayed into a small
catalog), not from migc's model, so that migc does not grade its own homework.

squawk runs the way migc's runner runs the SQL: a transactional migration with
`--assume-in-transaction`, a `concurrently` one (statement by statement, autocommit) without.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pglast import ast, enums, parse_sql
from pglast.parser import ParseError

from golden_harness import GOLDEN, cases, compile_case
from migc.codes import ERRORS, WARNINGS
from migc.codegen.statement import render_script
from migc.compiled import CompiledMigration
from migc.compiler import lock_timeout_off
from migc.project import ProjectConfig, load_config

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
}


# ---------------------------------------------------------------------------------------------------
# A small catalog, replayed from the emitted SQL: what the conditions below need to know.

TypeKey = tuple[str, tuple[int, ...], int]  # type name as PostgreSQL spells it, modifiers, array dims


def _qualified(names: Iterable[Any]) -> str:
    parts = [n.sval for n in names if isinstance(n, ast.String)]
    return ".".join(parts if len(parts) > 1 else ["public", *parts])


def _rel(rv: ast.RangeVar) -> str:
    return f"{rv.schemaname or 'public'}.{rv.relname}"


def _type_key(t: ast.TypeName) -> TypeKey:
    mods = tuple(m.val.ival for m in (t.typmods or ()) if isinstance(m, ast.A_Const)
                 and isinstance(m.val, ast.Integer))
    return (t.names[-1].sval, mods, len(t.arrayBounds or ()))


def _constraints(stmt: ast.Node) -> Iterator[ast.Constraint]:
    """The constraints a create table or alter table statement adds, inline or not."""
    elements: list[Any] = []
    if isinstance(stmt, ast.CreateStmt):
        elements = list(stmt.tableElts or ())
    elif isinstance(stmt, ast.AlterTableStmt):
        elements = [c.def_ for c in stmt.cmds if c.subtype in (enums.AlterTableType.AT_AddColumn,
                                                                  enums.AlterTableType.AT_AddConstraint)]
    for e in elements:
        if isinstance(e, ast.Constraint):
            yield e
        elif isinstance(e, ast.ColumnDef):
            for c in e.constraints or ():
                if c.contype == enums.ConstrType.CONSTR_PRIMARY and not c.keys:
                    c = ast.Constraint(contype=c.contype, conname=c.conname, keys=(ast.String(sval=e.colname),))
                yield c


def _column_defs(stmt: ast.Node) -> Iterator[ast.ColumnDef]:
    if isinstance(stmt, ast.CreateStmt):
        yield from (e for e in stmt.tableElts or () if isinstance(e, ast.ColumnDef))
    elif isinstance(stmt, ast.AlterTableStmt):
        yield from (c.def_ for c in stmt.cmds if c.subtype == enums.AlterTableType.AT_AddColumn)


def targets(stmt: ast.Node | None) -> set[str] | None:
    """The existing objects a statement works on (and locks); None when this test cannot tell."""
    if isinstance(stmt, (ast.CreateStmt, ast.AlterTableStmt)):
        found = {_rel(stmt.relation)}
        for c in _constraints(stmt):
            if c.contype == enums.ConstrType.CONSTR_FOREIGN:
                found.add(_rel(c.pktable))  # a foreign key locks the referenced table too
        return found
    if isinstance(stmt, ast.IndexStmt):
        return {_rel(stmt.relation)}
    if isinstance(stmt, ast.RenameStmt):
        if stmt.relation is not None:
            return {_rel(stmt.relation)}
        if stmt.renameType == enums.ObjectType.OBJECT_SCHEMA:
            return {stmt.subname}
        return {_qualified(stmt.object)}
    if isinstance(stmt, ast.DropStmt):
        if stmt.removeType == enums.ObjectType.OBJECT_SCHEMA:
            return {o.sval for o in stmt.objects}
        return {_qualified(o.names if isinstance(o, ast.TypeName) else o) for o in stmt.objects}
    if isinstance(stmt, (ast.AlterEnumStmt, ast.CreateEnumStmt)):
        return {_qualified(stmt.typeName)}
    if isinstance(stmt, ast.CreateSchemaStmt):
        return {stmt.schemaname}
    if isinstance(stmt, (ast.CreateSeqStmt, ast.AlterSeqStmt)):
        return {_rel(stmt.sequence)}
    return None


@dataclass
class Catalog:
    columns: dict[str, dict[str, TypeKey]] = field(default_factory=dict)  # table -> column -> type
    keys: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # table -> (pk name, columns)
    created: set[str] = field(default_factory=set)  # objects created since `created` was last reset

    def copy(self) -> Catalog:
        return Catalog({t: dict(c) for t, c in self.columns.items()},
                       {t: (n, set(k)) for t, (n, k) in self.keys.items()}, set(self.created))

    def apply(self, stmt: ast.Node | None) -> None:
        T = enums.AlterTableType
        if isinstance(stmt, ast.CreateStmt):
            self.columns[_rel(stmt.relation)] = {}
            self.created.add(_rel(stmt.relation))
        elif isinstance(stmt, ast.IndexStmt):
            self.created.add(f"{stmt.relation.schemaname or 'public'}.{stmt.idxname}")
        elif isinstance(stmt, ast.ViewStmt):
            self.created.add(_rel(stmt.view))
        elif isinstance(stmt, ast.CreateTableAsStmt):  # create materialized view
            self.created.add(_rel(stmt.into.rel))
        elif isinstance(stmt, (ast.CreateEnumStmt, ast.CreateSchemaStmt, ast.CreateSeqStmt)):
            self.created |= targets(stmt) or set()
        elif isinstance(stmt, ast.RenameStmt):
            self._rename(stmt)
        elif isinstance(stmt, ast.DropStmt) and stmt.removeType == enums.ObjectType.OBJECT_TABLE:
            for name in targets(stmt) or ():
                self.columns.pop(name, None)
                self.keys.pop(name, None)
        if not isinstance(stmt, (ast.CreateStmt, ast.AlterTableStmt)):
            return
        table = _rel(stmt.relation)
        columns = self.columns.setdefault(table, {})
        for d in _column_defs(stmt):
            columns[d.colname] = _type_key(d.typeName)
        for c in _constraints(stmt):
            if c.contype == enums.ConstrType.CONSTR_PRIMARY:
                self.keys[table] = (c.conname or "", {k.sval for k in c.keys})
        for cmd in stmt.cmds if isinstance(stmt, ast.AlterTableStmt) else ():
            if cmd.subtype == T.AT_AlterColumnType:
                columns[cmd.name] = _type_key(cmd.def_.typeName)
            elif cmd.subtype == T.AT_DropColumn:
                columns.pop(cmd.name, None)
                if cmd.name in self.keys.get(table, ("", set()))[1]:
                    self.keys.pop(table)
            elif cmd.subtype == T.AT_DropConstraint and self.keys.get(table, ("", set()))[0] == cmd.name:
                self.keys.pop(table)

    def _rename(self, stmt: ast.RenameStmt) -> None:
        O = enums.ObjectType
        old = next(iter(targets(stmt) or {""}))
        if stmt.renameType == O.OBJECT_COLUMN:
            columns = self.columns.get(old, {})
            if stmt.subname in columns:
                columns[stmt.newname] = columns.pop(stmt.subname)
            name, cols = self.keys.get(old, ("", set()))
            if stmt.subname in cols:
                self.keys[old] = (name, cols - {stmt.subname} | {stmt.newname})
            return
        new = stmt.newname if stmt.renameType == O.OBJECT_SCHEMA else f"{old.rsplit('.', 1)[0]}.{stmt.newname}"
        if old in self.columns:
            self.columns[new] = self.columns.pop(old)
        if old in self.keys:
            self.keys[new] = self.keys.pop(old)
        if old in self.created:
            self.created.add(new)


def parse(sql: str) -> list[tuple[int, int, ast.Node | None]]:
    """(start, end, statement) for each statement of `sql`; one unparsed entry if pglast fails."""
    try:
        raw = parse_sql(sql)
    except ParseError:
        return [(0, len(sql), None)]
    return [(r.stmt_location, r.stmt_location + (r.stmt_len or len(sql) - r.stmt_location), r.stmt)
            for r in raw]


def replay(catalog: Catalog, migrations: Iterable[CompiledMigration]) -> Catalog:
    for m in migrations:
        for s in m.up:
            for _, _, stmt in parse(s.sql):
                catalog.apply(stmt)
    return catalog


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
    stmt: ast.Node | None  # the parsed statement (None: raw SQL pglast cannot parse)
    before: Catalog  # the schema just before the statement (created: objects this migration created)
    after: Catalog  # the schema after the whole migration
    later: tuple[ast.Node | None, ...]  # the statements of the migration after this one
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
    def table(self) -> str | None:
        if isinstance(self.stmt, (ast.CreateStmt, ast.AlterTableStmt)):
            return _rel(self.stmt.relation)
        return None


# ---------------------------------------------------------------------------------------------------
# Where migc deliberately reports something else, or nothing (and the known gaps).

def on_new_objects(hit: Hit) -> bool:
    """Everything the statement works on was created earlier in this migration, or by the statement."""
    found = targets(hit.stmt)
    if not found:
        return False
    if isinstance(hit.stmt, ast.CreateStmt):
        found = found - {_rel(hit.stmt.relation)}
    elif isinstance(hit.stmt, (ast.CreateEnumStmt, ast.CreateSchemaStmt, ast.CreateSeqStmt)):
        found = set()
    return found <= hit.before.created


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
    return any(isinstance(s, ast.AlterTableStmt) and _rel(s.relation) == hit.table and any(
        c.contype == enums.ConstrType.CONSTR_PRIMARY and hit.column in {k.sval for k in c.keys}
        for c in _constraints(s)) for s in hit.later)


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
    if hit.table is None or not isinstance(hit.stmt, ast.AlterTableStmt):
        return False
    old = hit.before.columns.get(hit.table, {}).get(hit.column or "")
    new = [c.def_.typeName for c in hit.stmt.cmds
           if c.subtype == enums.AlterTableType.AT_AlterColumnType and c.name == hit.column]
    return old is not None and len(new) == 1 and no_rewrite(old, _type_key(new[0]))


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
        "not a primary key column",
        frozenset({"prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-identity"}),
        is_not_a_primary_key_column, None,
        "W114 is for primary keys, which count rows and run out; squawk flags every int or smallint column",
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
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[CaseRun]:
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
    for case, project in compiled.items():
        *earlier, last = project.migrations
        statements = [parse(s.sql) for s in last.up]
        # the catalog before each statement of the last migration, and after all of them
        catalog = replay(Catalog(), earlier)
        catalog.created = set()
        before: list[list[Catalog]] = []
        for parsed in statements:
            before.append([])
            for _, _, stmt in parsed:
                before[-1].append(catalog.copy())
                catalog.apply(stmt)
        flat = [stmt for parsed in statements for _, _, stmt in parsed]
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
            k = next((k for k, (s, e, _) in enumerate(statements[index]) if s <= start < e + 1), 0)
            position = sum(len(p) for p in statements[:index]) + k
            hits.append(Hit(case.name, v["rule_name"], v["line"] + 1, sql, start, end, statements[index][k][2],
                            before[index][k], catalog, tuple(flat[position + 1:]), off, quiet))
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
