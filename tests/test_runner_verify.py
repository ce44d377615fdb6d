"""`verify` and `diff` on real PostgreSQL, with migrations built by hand."""

from __future__ import annotations

import io
import os
from pathlib import Path

import psycopg
import pytest

from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.run_commands import RunOptions, run_up
from migc.runner.report import Output
from migc.runner.scratch import SCRATCH_NAME
from migc.runner.verify import run_diff, run_verify

from conftest import MakeMigration


def project(schema: list[str], *migrations: CompiledMigration) -> CompiledProject:
    return CompiledProject(tuple(migrations), (), lambda: tuple(SqlStatement("schema", s) for s in schema))


def output() -> tuple[Output, io.StringIO]:
    stdout = io.StringIO()
    return Output(stdout, io.StringIO(), interactive=False), stdout


def scratch_databases(url: str, pid: int | None = None) -> list[str]:
    """This process's scratch databases (or those of `pid`): the server is shared with the other test
    workers, whose own verify runs may have theirs at the same moment."""
    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute("select datname from pg_database where datname like 'migc_scratch_%'")]
    match = SCRATCH_NAME.match
    return [n for n in names if (m := match(n)) is not None and int(m["pid"]) == (pid or os.getpid())]


def good(make_migration: MakeMigration) -> tuple[list[str], list[CompiledMigration]]:
    migrations = [
        make_migration(1, ["create table a (id int primary key, x text)"], ["drop table a"]),
        make_migration(2, ["create index a_x_idx on a (x)", "alter table a add column y int default 0"],
                       ["alter table a drop column y", "drop index a_x_idx"]),
    ]
    schema = ["create table a (id int primary key, x text, y int default 0)", "create index a_x_idx on a (x)"]
    return schema, migrations


def test_verify_passes_a_sound_history(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    schema, migrations = good(make_migration)
    out, stdout = output()
    code = run_verify(ProjectConfig(tmp_path / "migrations"), out, RunOptions(database_url=fresh_db),
                      compiled=project(schema, *migrations))
    assert code == 0
    assert "0002_step_2: up, down, up ok" in stdout.getvalue()
    assert scratch_databases(fresh_db) == []


def test_verify_reports_a_down_that_does_not_restore(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    schema, migrations = good(make_migration)
    leaky = make_migration(2, ["create index a_x_idx on a (x)", "alter table a add column y int default 0"],
                           ["alter table a drop column y"])
    with pytest.raises(MigcError) as caught:
        run_verify(ProjectConfig(tmp_path / "migrations"), output()[0], RunOptions(database_url=fresh_db),
                   compiled=project(schema, migrations[0], leaky))
    assert "0002_step_2: table public.a: index a_x_idx: only in the catalog after down" in caught.value.message
    assert scratch_databases(fresh_db) == []


def test_verify_reports_a_schema_that_differs(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    _, migrations = good(make_migration)
    wrong = ["create table a (id int primary key, x text, y bigint default 0)", "create index a_x_idx on a (x)"]
    with pytest.raises(MigcError) as caught:
        run_verify(ProjectConfig(tmp_path / "migrations"), output()[0], RunOptions(database_url=fresh_db),
                   compiled=project(wrong, *migrations))
    assert "final schema: table public.a: column y: type: 'bigint' in the compiled schema, 'integer' in the " \
           "migrated database" in caught.value.message


def test_diff_shows_drift_of_the_live_database(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    schema, migrations = good(make_migration)
    config = ProjectConfig(tmp_path / "migrations")
    compiled = project(schema, *migrations)
    run_up(config, output()[0], RunOptions(database_url=fresh_db), compiled=compiled)
    out, stdout = output()
    assert run_diff(config, out, RunOptions(database_url=fresh_db), compiled=compiled) == 0
    assert "no drift" in stdout.getvalue()
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("alter table a add column hotfix text; drop index a_x_idx")
    out, stdout = output()
    assert run_diff(config, out, RunOptions(database_url=fresh_db), compiled=compiled) == 1
    assert stdout.getvalue().splitlines() == [
        "table public.a: column hotfix: only in the database",
        "table public.a: index a_x_idx: only in the compiled schema (CREATE INDEX a_x_idx ON public.a USING btree (x))",
    ]
