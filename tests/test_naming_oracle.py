"""PostgreSQL itself as the oracle for the names of unnamed constraints, indexes and sequences.

Each case is a list of steps, each one statement written twice: in .mig and as plain PostgreSQL
DDL, both *without* constraint or index names. The DDL runs on a fresh database, so PostgreSQL
picks the names (makeObjectName, ChooseRelationName, ChooseConstraintName, ChooseIndexColumnNames:
63-byte truncation at a character boundary, numbering on collision, schema-wide namespaces). migc
compiles the .mig steps; then

- the names in migc's model (tables' constraints, indexes, owned sequences) must be the names in
  PostgreSQL's catalog, and
- migc's emitted SQL (which spells every name out), run on a second fresh database, must give the
  very same catalog: same names for the same definitions.

Random cases come from hypothesis and are run step by step: a step PostgreSQL refuses (a name
already taken, say) is left out, so the .mig history is exactly what PostgreSQL accepted.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from histories import (expect_no_differences, model_schemas, names_in_catalog, names_in_model, run_statements,
                       scratch_database)
from migc.runner.catalog import snapshot
from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledProject
from migc.compiler import compile_project
from migc.diagnostics import Severity
from migc.project import ProjectConfig


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Step:
    mig: str
    sql: str


def both(text: str) -> Step:
    """A statement that is written the same in .mig and in PostgreSQL."""
    return Step(text, text)


def rename_table(old: str, new: str) -> Step:
    return Step(f"rename table {old} to {new}", f"alter table {old} rename to {new}")


def compile_steps(steps: list[Step], directory: Path) -> tuple[CompiledProject, Path]:
    migrations = directory / "migrations"
    migrations.mkdir()
    for i, step in enumerate(steps):
        (migrations / f"{i + 1:04d}_step.mig").write_text(step.mig + "\n", encoding="utf-8")
    return compile_project(ProjectConfig(migrations_dir=migrations), use_cache=False), migrations


def show(steps: list[Step]) -> str:
    return "\n".join(f"  {s.mig}" for s in steps)


def check_names(server_url: str, steps: list[Step], pg_db: str | None = None) -> None:
    """PostgreSQL's names (the steps' plain DDL on `pg_db`, or a fresh database) against migc's."""
    with tempfile.TemporaryDirectory() as tmp:
        project, migrations_dir = compile_steps(steps, Path(tmp))
        errors = [d for d in project.diagnostics if d.severity is Severity.ERROR]
        assert not errors, "PostgreSQL accepts these steps, migc does not:\n" + show(steps) + "\n" + "\n".join(
            f"  step {d.file}:{d.span.line}:{d.span.col}: {d.code}: {d.message}" for d in errors)
        schemas = model_schemas(migrations_dir)
    model = names_in_model(schemas[-1]) if schemas else {}

    def compare(pg_url: str) -> None:
        by_postgres = snapshot(pg_url)
        expect_no_differences(model, names_in_catalog(by_postgres), "migc", "PostgreSQL",
                              "names in migc's model differ from the ones PostgreSQL chose for\n" + show(steps))
        with scratch_database(server_url, "migc_names_migc") as migc_db:
            for m in project.migrations:
                run_statements(migc_db, m.up, f"migc's SQL for {m.file.label}",
                               non_transactional=m.non_transactional)
            expect_no_differences(snapshot(migc_db), by_postgres, "migc's SQL", "PostgreSQL's names",
                                  "migc's SQL builds another catalog than PostgreSQL did for\n" + show(steps))

    if pg_db is not None:
        compare(pg_db)
        return
    with scratch_database(server_url, "migc_names_pg") as db:
        run_statements(db, tuple(SqlStatement("step", s.sql) for s in steps), "the plain DDL")
        compare(db)


# ---------------------------------------------------------------- hand-written cases

LONG = "a_table_name_that_is_long_enough_to_be_cut_by_postgres"  # 54 bytes
LONG63 = "t" * 63
COL40 = "a_column_name_of_exactly_forty_bytes_abc"  # 40 bytes
COL50 = "another_column_name_that_is_fifty_bytes_long_abcde"  # 50 bytes
JP = "日本語のテーブル名前です長い名前ですよ"  # 19 characters, 57 bytes
E31 = "é" * 31  # 62 bytes
assert len(LONG.encode()) == 54 and len(COL40) == 40 and len(COL50) == 50
assert len(JP.encode()) == 57 and len(E31.encode()) == 62

CASES = {
    "plain-names": [
        both("create table orgs (id bigint primary key)"),
        both("create table users (id bigint primary key, email text not null unique, age int check (age >= 0), "
             "org_id bigint references orgs, unique (org_id, email), check (age < 200 or email <> ''))"),
        both("create index on users (email)"),
        both("create index on users (lower(email))"),
    ],
    "long-table-name-truncated": [
        both(f"create table {LONG} (id int primary key, email text unique, age int check (age > 0))"),
        both(f"create index on {LONG} (email, age)"),
        both(f"alter table {LONG} add unique (age, email)"),
    ],
    "63-byte-table-and-column-names": [
        both(f"create table {LONG63} ({COL50} int primary key, {COL40} int unique check ({COL40} > 1))"),
        both(f"create index on {LONG63} ({COL40}, {COL50})"),
        both(f"create table child ({COL50} int references {LONG63}, {COL40} int, "
             f"foreign key ({COL40}) references {LONG63})"),
    ],
    "truncation-collisions-are-numbered": [
        both(f"create table {LONG}_one (id int primary key, a int unique)"),
        both(f"create table {LONG}_two (id int primary key, a int unique)"),
        both(f"create index on {LONG}_one (a)"),
        both(f"create index on {LONG}_two (a)"),
        both(f"create index on {LONG}_two (a)"),
    ],
    "multibyte-names-cut-at-a-character-boundary": [
        both(f'create table "{JP}" ("{E31}" int primary key, "列" int unique check ("列" > 0))'),
        both(f'create index on "{JP}" ("{E31}", "列")'),
        both(f'create table "{E31}" ("{JP}" int unique, "{E31}" int references "{JP}")'),
        both(f'create index on "{E31}" (("{JP}" + 1))'),
    ],
    "two-indexes-on-the-same-column": [
        both("create table t (a int, b text)"),
        both("create index on t (a)"),
        both("create index on t (a)"),
        both("create unique index on t (a)"),
        both("create index on t (lower(b))"),
        both("create index on t (lower(b))"),
    ],
    "index-name-taken-by-a-table": [
        both("create table t (a int)"),
        both("create table t_a_idx (x int)"),
        both("create table t_a_idx1 (x int)"),
        both("create index on t (a)"),
    ],
    "key-name-taken-by-a-table-or-a-check": [
        both("create table t_pkey (x int)"),
        both("create table t (a int primary key, b int, constraint t_b_key check (b > 0))"),
        both("alter table t add unique (b)"),
    ],
    "unique-constraint-and-unique-index-on-the-same-column": [
        both("create table t (a int unique)"),
        both("create unique index on t (a)"),
        both("alter table t add unique (a)"),
        both("create unique index on t (a)"),
    ],
    "checks-on-one-several-and-no-columns": [
        both("create table t (a int check (a > 0), b int check (b > a), c int check (a > 1), "
             "check (a + b > c), check (a > 2), check (1 > 0))"),
        both("alter table t add check (a > 3)"),
        both("alter table t add check (a < b)"),
    ],
    "index-column-names-of-expressions": [
        both("create table t (a int, b text, c text)"),
        both("create index on t (lower(b), lower(c), upper(b), lower(b))"),
        both("create index on t ((a + 1))"),
        both("create index on t ((a + 1), (a * 2))"),
        both("create index on t (coalesce(a, 0))"),
        both("create index on t ((b::varchar), (a::text))"),
        both("create index on t ((a), a)"),
    ],
    "more-index-expressions": [
        both("create table t (a int, b text)"),
        both("create index on t (substring(b, 1, 2), greatest(a, 1), nullif(a, 0))"),
        both("create index on t ((b is null), (-a), pg_catalog.lower(b))"),
        both("create index on t ((lower(b)::varchar), ((a)::bigint), ('x'::text))"),
    ],
    "check-and-foreign-key-names-ignore-relations": [
        both("create table p (id int primary key)"),
        both("create table t_a_fkey (x int)"),
        both("create table t_a_check (x int)"),
        both("create table t (a int references p check (a > 0), constraint t_b_idx check (a > 1), b int)"),
        both("create index on t (b)"),
    ],
    "renamed-table-keeps-its-names": [
        both("create table t (id int primary key, a int unique check (a > 0))"),
        both("create index on t (a)"),
        rename_table("t", "u"),
        both("create table t (id int primary key, a int unique check (a > 0), "
             "b int references u)"),
        both("create index on t (a)"),
        both("alter table u add foreign key (a) references t"),
    ],
    "names-are-per-schema": [
        both("create schema app"),
        both("create table t (id int primary key, a int unique)"),
        both("create table app.t (id int primary key, a int unique, check (a > 0))"),
        both("create index on app.t (a)"),
        both("create table app.u (t_id int references app.t, check (t_id > 0))"),
    ],
    "serial-and-identity-sequences": [
        both("create table t_id_seq (x int)"),
        both("create table t (id serial primary key, b bigserial, c bigint generated by default as identity)"),
        both("create table u (id serial)"),
        rename_table("t", "old_t"),
        both("create table t (id serial, b bigserial)"),
        both("alter table u add column n serial"),
    ],
    "underscores-make-look-alike-names": [
        both("create table t (a_b int unique, a int, b int, unique (a, b))"),
        both("create table t_a (b int unique)"),
        both("create index on t (a_b)"),
        both("create index on t (a, b)"),
    ],
    "add-column-with-constraints": [
        both("create table p (id bigint primary key)"),
        both("create table t (a int)"),
        both("alter table t add column b bigint unique check (b > 0) references p"),
        both("alter table t add column c int, add constraint t_x check (c > 0), add unique (c)"),
    ],
    "multi-column-keys-long-addition": [
        both(f"create table t ({COL40} int, {COL50} int, c int, primary key ({COL40}, {COL50}))"),
        both(f"alter table t add unique ({COL50}, {COL40}, c)"),
        both(f"create table u (x int, y int, foreign key (x, y) references t)"),
        both(f"create index on t (c, {COL50}, {COL40})"),
    ],
    # PostgreSQL merges keys on the same columns within one CREATE TABLE (found here; fixed in 060b0d2)
    "pk-and-unique-on-the-same-column-merge": [
        both("create table t (a int primary key unique, b int unique, unique (b))"),
    ],
    "merged-keys-take-a-written-name": [
        both("create table t (a int unique, constraint k unique (a), b int primary key, "
             "constraint k2 unique (b), constraint k3 unique (b))"),
        both("create table u (a int unique, b int, primary key (a), unique (b, a), unique (a, b))"),
    ],
    # found here; fixed in 1d9303f
    "constraints-named-in-written-order": [both("create table t (a int, check (a > 1), b int check (a > 2))")],
    "index-on-trim": [both("create table t (b text)"), both("create index on t (trim(b))")],
    "index-on-a-cast-expression": [both("create table t (a int, b int)"), both("create index on t (((a + b)::bigint))")],
    "not-null-names-do-not-disturb": [
        both("create table t (a int not null, b int not null check (b > 0), constraint t_b_check1 check (a > 0))"),
        both("alter table t add check (b > 1)"),
    ],
}

@pytest.mark.parametrize("steps", [pytest.param(v, id=k) for k, v in CASES.items()])
def test_names_match_postgres(pg_server_url: str, steps: list[Step]) -> None:
    check_names(pg_server_url, steps)


def test_merged_keys_keep_the_first_written_name(pg_server_url: str) -> None:  # found here; fixed in b43b1f7
    check_names(pg_server_url, [both("create table t (constraint k1 unique (a), a int constraint k2 unique)")])


def test_explicit_name_taken_by_a_not_null_constraint(pg_server_url: str) -> None:
    """PostgreSQL 18 names NOT NULL constraints (t_a_not_null): migc refuses an explicit constraint
    of that name on every server (before 18 PostgreSQL would take it; migc is stricter there)."""
    steps = [both("create table t (a int not null)"), both("alter table t add constraint t_a_not_null check (a > 0)")]
    with scratch_database(pg_server_url, "migc_names_pg") as db:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(steps[0].sql.encode())
            version = conn.execute(b"show server_version_num").fetchone()
            assert version is not None
            if int(version[0]) >= 180000:  # before 18, NOT NULL had no constraint name
                with pytest.raises(psycopg.errors.DuplicateObject):
                    conn.execute(steps[1].sql.encode())
    with tempfile.TemporaryDirectory() as tmp:
        project, _ = compile_steps(steps, Path(tmp))
    assert not project.ok, "migc accepts a constraint name that PostgreSQL 18 refuses"


# ---------------------------------------------------------------- generated cases

SHORT_TABLES = ["t", "u", "t_a", "t_a_b", "t_pkey", "t_a_idx", "t_a_key", "users"]
LONG_TABLES = [LONG, LONG + "_x", LONG + "_yy", LONG63, JP, E31, "Big Table", "Ça"]
COLUMNS = ["a", "b", "a_b", "id", "pkey", "key", COL40, COL50, COL50[:-1] + "z", "列名", E31[:20], "Mixed Case"]
TYPES = ["int", "bigint", "text"]
# explicit constraint names, some of them the very names PostgreSQL would derive
EXPLICIT_NAMES = ["k", "t_a_key", "t_a_check", "t_check", "t_pkey", "t_a_fkey", "t_a_idx", "u_b_key", "t_a_b_key",
                  LONG + "_key", "Ça_a_key"]


def explicit(tables: Tables) -> st.SearchStrategy[str]:
    """Mostly no name; else `constraint NAME`, a name no constraint has yet (PostgreSQL allows one
    name on several tables, migc wants constraint names unique in their schema: E108, by design)."""
    free = [n for n in EXPLICIT_NAMES if n not in tables.constraint_names]
    named = st.sampled_from(free).map(lambda n: f"constraint {quote(n)} ") if free else st.just("")
    return st.one_of(st.just(""), st.just(""), st.just(""), named)
# written the same in .mig and PostgreSQL; a cast names an index column after pg_type.typname
CAST_TYPES = ["int", "integer", "int4", "bigint", "int8", "smallint", "real", "double precision", "float8", "numeric",
              "decimal", "numeric(10,2)", "text", "varchar", "varchar(20)", "char(5)", "bool", "boolean"]


@dataclass
class TableState:
    columns: dict[str, str]  # name -> type (int, bigint, text)
    pk: list[str]


class Tables:
    """What PostgreSQL has accepted so far: tables (by qualified name), their columns and keys."""

    def __init__(self) -> None:
        self.tables: dict[str, TableState] = {}
        self.constraint_names: set[str] = set()  # in any schema, as PostgreSQL has them

    def targets(self) -> list[tuple[str, TableState]]:
        return [(n, t) for n, t in self.tables.items() if t.pk]


def qualified(schema: str, name: str) -> str:
    return quote(name) if schema == "public" else f"{schema}.{quote(name)}"


def _check_text(cols: list[tuple[str, str]], literal: int) -> str:
    parts = [f"length({quote(c)})" if t == "text" else quote(c) for c, t in cols]
    return " + ".join(parts) + f" > {literal}" if parts else f"{literal} > 0"


@st.composite
def create_table_step(draw, tables: Tables) -> tuple[Step, str, TableState]:  # type: ignore[no-untyped-def]
    schema = draw(st.sampled_from(["public", "public", "app"]))
    name = draw(st.sampled_from(SHORT_TABLES + LONG_TABLES))
    key = qualified(schema, name)
    names = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True))
    counter = draw(st.integers(100, 900))
    cols: list[tuple[str, str]] = []
    elements: list[str] = []
    after: list[str] = []  # table constraints
    state = TableState({}, [])
    pk_style = draw(st.sampled_from(["column", "table", "none"]))
    for i, c in enumerate(names):
        target = None
        if i > 0 and tables.targets() and draw(st.integers(0, 3)) == 0:
            target = draw(st.sampled_from(tables.targets()))
            if len(target[1].pk) != 1:
                target = None
        if target is not None:
            ctype = target[1].columns[target[1].pk[0]]
        else:
            ctype = draw(st.sampled_from(TYPES + ["serial", "bigserial", "identity"]))
        col_sql = f"{quote(c)} {'bigint generated by default as identity' if ctype == 'identity' else ctype}"
        base_type = {"serial": "int", "bigserial": "bigint", "identity": "bigint"}.get(ctype, ctype)
        state.columns[c] = base_type
        cols.append((c, base_type))
        if i == 0 and pk_style == "column":
            col_sql += f" {draw(explicit(tables))}primary key"
            state.pk = [c]
        if draw(st.integers(0, 4)) == 0:
            col_sql += f" {draw(explicit(tables))}unique"
        if draw(st.integers(0, 3)) == 0:
            counter += 1
            # a column constraint may name another (earlier) column: PostgreSQL names it after that one
            other = draw(st.sampled_from(cols))
            col_sql += f" {draw(explicit(tables))}check ({_check_text([other], counter)})"
        if draw(st.integers(0, 4)) == 0:
            col_sql += " not null"
        if target is not None:
            col_sql += f" {draw(explicit(tables))}references {target[0]}"
        elements.append(col_sql)
    if pk_style == "table":  # a key on the same columns as another merges with it
        state.pk = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        after.append(f"{draw(explicit(tables))}primary key ({', '.join(map(quote, state.pk))})")
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["unique", "check", "check", "fk"]))
        chosen = draw(st.lists(st.sampled_from(names), min_size=0 if kind == "check" else 1, max_size=3, unique=True))
        named = draw(explicit(tables))
        if kind == "unique":
            after.append(f"{named}unique ({', '.join(map(quote, chosen))})")
        elif kind == "check":
            counter += 1
            after.append(f"{named}check ({_check_text([(c, state.columns[c]) for c in chosen], counter)})")
        elif kind == "fk":
            fitting = [(n, t) for n, t in tables.targets()
                       if len(t.pk) == len(chosen) and [t.columns[p] for p in t.pk] == [state.columns[c] for c in chosen]]
            if fitting:
                target = draw(st.sampled_from(fitting))
                after.append(f"{named}foreign key ({', '.join(map(quote, chosen))}) references {target[0]}")
    for constraint in after:  # table constraints may stand anywhere among the columns
        elements.insert(draw(st.integers(0, len(elements))), constraint)
    text = f"create table {key} ({', '.join(elements)})"
    return both(text), key, state


@st.composite
def step(draw, tables: Tables) -> tuple[Step, str | None, TableState | None, str | None]:  # type: ignore[no-untyped-def]
    """A step, and how it changes `tables` if PostgreSQL accepts it: (step, table key, new state,
    old key of a renamed table)."""
    kinds = ["create_table"] + (["create_index"] * 3 + ["add_constraint"] * 3 + ["add_column", "rename"]
                                if tables.tables else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "create_table":
        s, key, state = draw(create_table_step(tables))
        return s, key, state, None
    key = draw(st.sampled_from(sorted(tables.tables)))
    t = tables.tables[key]
    names = sorted(t.columns)
    if kind == "create_index":
        elems = []
        for _ in range(draw(st.integers(1, 3))):
            c = draw(st.sampled_from(names))
            form = draw(st.sampled_from(["col", "col", "lower", "plus", "coalesce", "paren", "cast", "cast_expr",
                                         "trim"]))
            if form in ("lower", "trim") and t.columns[c] != "text":
                form = "col"
            if form in ("plus", "coalesce", "cast_expr") and t.columns[c] == "text":
                form = "col"
            type_name = draw(st.sampled_from(CAST_TYPES))
            elems.append({"col": quote(c), "lower": f"lower({quote(c)})", "plus": f"({quote(c)} + 1)",
                          "coalesce": f"coalesce({quote(c)}, 0)", "paren": f"({quote(c)})",
                          "cast": f"({quote(c)}::{type_name})", "cast_expr": f"(({quote(c)} + 1)::{type_name})",
                          "trim": f"trim({quote(c)})"}[form])
        unique = draw(st.booleans())
        return both(f"create {'unique ' if unique else ''}index on {key} ({', '.join(elems)})"), None, None, None
    if kind == "add_constraint":
        what = draw(st.sampled_from(["unique", "check", "fk", "pk"]))
        cols = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        if what == "unique":
            return both(f"alter table {key} add unique ({', '.join(map(quote, cols))})"), None, None, None
        if what == "check":
            literal = draw(st.integers(1000, 9999))
            text = _check_text([(c, t.columns[c]) for c in cols], literal)
            return both(f"alter table {key} add check ({text})"), None, None, None
        if what == "pk" and not t.pk:
            new = TableState(dict(t.columns), cols)
            return both(f"alter table {key} add primary key ({', '.join(map(quote, cols))})"), key, new, None
        fitting = [(n, s) for n, s in tables.targets()
                   if len(s.pk) == len(cols) and [s.columns[p] for p in s.pk] == [t.columns[c] for c in cols]]
        if not fitting:
            return both(f"alter table {key} add unique ({', '.join(map(quote, cols))})"), None, None, None
        target = draw(st.sampled_from(fitting))
        return (both(f"alter table {key} add foreign key ({', '.join(map(quote, cols))}) references {target[0]}"),
                None, None, None)
    if kind == "add_column":
        c = draw(st.sampled_from(COLUMNS))
        ctype = draw(st.sampled_from(TYPES + ["serial"]))
        mods = draw(st.lists(st.sampled_from(["unique", "check", "not null"]), unique=True, max_size=2))
        text = f"alter table {key} add column {quote(c)} {ctype}"
        for mod in mods:
            text += f" check ({_check_text([(c, 'int' if ctype == 'serial' else ctype)], draw(st.integers(1000, 9999)))})" \
                if mod == "check" else f" {mod}"
        new = TableState({**t.columns, c: "int" if ctype == "serial" else ctype}, t.pk)
        return both(text), key, new, None
    # rename: to another name of the pools, in the same schema
    schema = "app" if key.startswith("app.") else "public"
    new_name = draw(st.sampled_from(SHORT_TABLES + LONG_TABLES))
    new_key = qualified(schema, new_name)
    return rename_table(key, quote(new_name)), new_key, t, key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_names_match_postgres(pg_server_url: str, data: st.DataObject) -> None:
    tables = Tables()
    accepted: list[Step] = [both("create schema app")]
    with scratch_database(pg_server_url, "migc_names_pg") as db:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(accepted[0].sql.encode())
            for _ in range(data.draw(st.integers(1, 8), label="steps")):
                tables.constraint_names = {name for (name,) in conn.execute(
                    b"select conname from pg_constraint c join pg_namespace n on n.oid = c.connamespace "
                    b"where nspname in ('public', 'app')")}
                s, key, state, old_key = data.draw(step(tables))
                try:
                    conn.execute(s.sql.encode())
                except psycopg.Error as exc:
                    if currently_in_test_context():
                        note(f"PostgreSQL refused (left out): {s.sql}: {exc}")
                    continue
                accepted.append(s)
                if old_key is not None:
                    del tables.tables[old_key]
                if key is not None and state is not None:
                    tables.tables[key] = state
        check_names(pg_server_url, accepted, pg_db=db)
