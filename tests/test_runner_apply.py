"""The runner's core on a real PostgreSQL, with migrations built by hand (no compiler needed)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.run_commands import RunOptions, run_down, run_status, run_up
from migc.runner.report import Output

from conftest import MakeMigration


def project(*migrations: CompiledMigration) -> CompiledProject:
    return CompiledProject(migrations=tuple(migrations), diagnostics=())


def config_for(tmp_path: Path, **overrides: Any) -> ProjectConfig:
    return ProjectConfig(migrations_dir=tmp_path / "migrations", **overrides)


def output() -> tuple[Output, io.StringIO, io.StringIO]:
    stdout, stderr = io.StringIO(), io.StringIO()
    return Output(stdout, stderr, interactive=False), stdout, stderr


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())


def tables(url: str) -> list[str]:
    return [r[0] for r in rows(url, "select relname::text from pg_class where relkind = 'r' and "
                                    "relnamespace = 'public'::regnamespace order by 1")]


def tracked(url: str) -> list[int]:
    return [int(r[0]) for r in rows(url, "select version from migc_migrations order by version")]


def up(tmp_path: Path, url: str, compiled: CompiledProject, **kwargs: Any) -> tuple[int, str, str]:
    out, stdout, stderr = output()
    code = run_up(config_for(tmp_path), out, RunOptions(database_url=url), compiled=compiled, **kwargs)
    return code, stdout.getvalue(), stderr.getvalue()


def down(tmp_path: Path, url: str, **kwargs: Any) -> tuple[int, str, str]:
    out, stdout, stderr = output()
    code = run_down(config_for(tmp_path), out, RunOptions(database_url=url), **kwargs)
    return code, stdout.getvalue(), stderr.getvalue()


def three(make_migration: MakeMigration) -> list[CompiledMigration]:
    return [
        make_migration(1, ["create table a (id int primary key)"], ["drop table a"]),
        make_migration(2, ["create table b (id int)", "alter table b add column x text"], ["drop table b"]),
        make_migration(3, ["create table c (id int)"], ["drop table c"]),
    ]


def test_up_applies_in_order_and_records_each_migration(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = three(make_migration)
    code, stdout, _ = up(tmp_path, fresh_db, project(*migrations))
    assert code == 0
    assert tables(fresh_db) == ["a", "b", "c", "migc_migrations"]
    recorded = rows(fresh_db, "select version, version_text, name, checksum, up_sql, down_sql, duration_ms, "
                              "applied_at from migc_migrations order by version")
    assert [r[0] for r in recorded] == [1, 2, 3]
    version, version_text, name, checksum, up_sql, down_sql, duration_ms, applied_at = recorded[1]
    assert (version_text, name) == ("0002", "step_2")
    assert checksum == migrations[1].file.checksum and len(checksum) == 64
    assert "create table b (id int);" in up_sql and "alter table b add column x text;" in up_sql
    assert "drop table b;" in down_sql
    assert duration_ms >= 0 and applied_at is not None
    assert [line.split()[:2] for line in stdout.splitlines()[:3]] == [
        ["applied", "0001_step_1"], ["applied", "0002_step_2"], ["applied", "0003_step_3"],
    ]
    # a second run finds nothing to do
    code, stdout, _ = up(tmp_path, fresh_db, project(*migrations))
    assert code == 0 and "nothing to apply" in stdout


def test_up_to_stops_at_the_version(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    assert up(tmp_path, fresh_db, project(*three(make_migration)), to=2)[0] == 0
    assert tracked(fresh_db) == [1, 2]


def test_failure_on_second_statement_leaves_database_and_tracking_unchanged(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    from migc.runner.catalog import snapshot

    good = make_migration(1, ["create table a (id int)"], ["drop table a"])
    bad = make_migration(2, ["create table b (id int)", "alter table b add column y nosuchtype", "create table c ()"],
                         ["drop table b"])
    after = make_migration(3, ["create table d (id int)"], ["drop table d"])
    assert up(tmp_path, fresh_db, project(good))[0] == 0
    before = snapshot(fresh_db)
    tracking_before = rows(fresh_db, "select * from migc_migrations")

    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, project(good, bad, after))
    message = caught.value.message
    assert "0002_step_2" in message and "migrations/0002_step_2.mig" in message
    assert "statement 2 of 3" in message
    assert "alter table b add column y nosuchtype" in message
    assert 'type "nosuchtype" does not exist' in message
    caret_line = next(line for line in message.splitlines() if "^" in line)
    statement_line = message.splitlines()[message.splitlines().index(caret_line) - 1]
    assert statement_line[caret_line.index("^"):].startswith("nosuchtype")
    assert snapshot(fresh_db) == before
    assert rows(fresh_db, "select * from migc_migrations") == tracking_before


def test_earlier_migrations_of_the_run_stay_applied(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    first = make_migration(1, ["create table a (id int)"], ["drop table a"])
    failing = make_migration(2, ["create table b (id int)", "select 1/0"], ["drop table b"])
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, project(first, failing))
    assert "division by zero" in caught.value.message
    assert "statement 2 of 2" in caught.value.message
    assert tracked(fresh_db) == [1]
    assert tables(fresh_db) == ["a", "migc_migrations"]


def test_error_without_position_still_names_the_statement(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    failing = make_migration(1, [
        "create table u (id int primary key)",
        "insert into u values (1), (2)",
        "insert into u values (2)",
        "create table v (id int)",
    ], ["drop table v", "drop table u"])
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, project(failing))
    message = caught.value.message
    assert "statement 3 of 4" in message and "insert into u values (2)" in message
    assert "duplicate key value violates unique constraint" in message and "23505" in message
    assert tables(fresh_db) == ["migc_migrations"]
    assert tracked(fresh_db) == []


def test_down_runs_the_stored_sql_even_after_the_files_change(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = three(make_migration)
    assert up(tmp_path, fresh_db, project(*migrations))[0] == 0
    migrations[2].file.path.write_text("this is not a migration any more")
    migrations[1].file.path.unlink()
    code, stdout, _ = down(tmp_path, fresh_db)
    assert code == 0 and "reverted 0003_step_3" in stdout
    assert tracked(fresh_db) == [1, 2] and "c" not in tables(fresh_db)
    assert down(tmp_path, fresh_db, to=0)[0] == 0
    assert tracked(fresh_db) == [] and tables(fresh_db) == ["migc_migrations"]
    assert "nothing to revert" in down(tmp_path, fresh_db)[1]


def test_down_steps_and_to(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    assert up(tmp_path, fresh_db, project(*three(make_migration)))[0] == 0
    assert down(tmp_path, fresh_db, steps=2)[0] == 0
    assert tracked(fresh_db) == [1]
    assert up(tmp_path, fresh_db, project(*three(make_migration)))[0] == 0
    assert down(tmp_path, fresh_db, to=1)[0] == 0
    assert tracked(fresh_db) == [1]


def test_down_refuses_irreversible_before_touching_anything(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    first = make_migration(1, ["create table a (id int)"], ["drop table a"])
    one_way = make_migration(2, ["create table b (id int)"], None,
                             irreversible_at="migrations/0002_step_2.mig:3:1: sql without down")
    third = make_migration(3, ["create table c (id int)"], ["drop table c"])
    assert up(tmp_path, fresh_db, project(first, one_way, third))[0] == 0
    with pytest.raises(MigcError) as caught:
        down(tmp_path, fresh_db, to=0)
    assert "0002_step_2" in caught.value.message
    assert "migrations/0002_step_2.mig:3:1" in caught.value.message
    assert tracked(fresh_db) == [1, 2, 3] and tables(fresh_db) == ["a", "b", "c", "migc_migrations"]
    # reverting only the reversible one above it still works
    assert down(tmp_path, fresh_db)[0] == 0 and tracked(fresh_db) == [1, 2]


def test_failing_down_rolls_back(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    broken = make_migration(1, ["create table a (id int)"], ["drop table a", "drop table nope"])
    assert up(tmp_path, fresh_db, project(broken))[0] == 0
    with pytest.raises(MigcError) as caught:
        down(tmp_path, fresh_db)
    assert "reverting migration 0001_step_1" in caught.value.message
    assert 'table "nope" does not exist' in caught.value.message
    assert tracked(fresh_db) == [1] and "a" in tables(fresh_db)


def test_concurrently_runs_outside_a_transaction(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    table = make_migration(1, ["create table a (id int, x int)"], ["drop table a"])
    index = make_migration(2, ["create index concurrently a_x_idx on a (x)"], ["drop index concurrently a_x_idx"],
                           non_transactional=True)
    code, stdout, _ = up(tmp_path, fresh_db, project(table, index))
    assert code == 0
    assert "0002_step_2: runs outside a transaction" in stdout
    assert rows(fresh_db, "select indisvalid from pg_index where indexrelid = 'a_x_idx'::regclass") == [(True,)]
    assert rows(fresh_db, "select non_transactional from migc_migrations where version = 2") == [(True,)]
    code, stdout, _ = down(tmp_path, fresh_db)
    assert code == 0 and "outside a transaction" in stdout
    assert rows(fresh_db, "select to_regclass('a_x_idx')") == [(None,)]


def test_failing_concurrently_says_what_it_left(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    table = make_migration(1, ["create table a (id int, x int)", "insert into a values (1, 1), (2, 1)"],
                           ["drop table a"])
    index = make_migration(2, ["create unique index concurrently a_x_key on a (x)"], ["drop index a_x_key"],
                           non_transactional=True)
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, project(table, index))
    assert "outside a transaction" in caught.value.message
    assert 'the INVALID index "public"."a_x_key"' in caught.value.message and "was dropped" in caught.value.message
    assert rows(fresh_db, "select to_regclass('a_x_key')") == [(None,)]
    assert tracked(fresh_db) == [1]


def test_dry_run_prints_sql_and_changes_nothing(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = three(make_migration)
    out, stdout, _ = output()
    run_up(config_for(tmp_path), out, RunOptions(database_url=fresh_db, dry_run=True), compiled=project(*migrations))
    assert "create table b (id int);" in stdout.getvalue() and "BEGIN;" in stdout.getvalue()
    assert tables(fresh_db) == []  # not even the tracking table
    assert up(tmp_path, fresh_db, project(*migrations))[0] == 0
    out, stdout, _ = output()
    run_down(config_for(tmp_path), out, RunOptions(database_url=fresh_db, dry_run=True), steps=2)
    assert "drop table c;" in stdout.getvalue() and "drop table b;" in stdout.getvalue()
    assert tracked(fresh_db) == [1, 2, 3]


def test_status_and_tamper_detection(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = three(make_migration)
    assert up(tmp_path, fresh_db, project(*migrations[:2]))[0] == 0
    out, stdout, _ = output()
    assert run_status(config_for(tmp_path), out, RunOptions(database_url=fresh_db)) == 0
    states = [line.split()[:3] for line in stdout.getvalue().splitlines()]
    assert states == [["0001", "step_1", "applied"], ["0002", "step_2", "applied"], ["0003", "step_3", "pending"]]

    migrations[0].file.path.write_text("-- edited\n")
    migrations[1].file.path.unlink()
    out, stdout, _ = output()
    assert run_status(config_for(tmp_path), out, RunOptions(database_url=fresh_db), fmt="json") == 1
    import json

    listed = {m["version"]: m["state"] for m in json.loads(stdout.getvalue())}
    assert listed == {"0001": "modified", "0002": "missing", "0003": "pending"}

    edited = make_migration(1, ["create table a (id bigint primary key)"], ["drop table a"])
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, project(edited, migrations[2]))
    assert "0001_step_1: modified" in caught.value.message and "0002_step_2: missing" in caught.value.message
    assert tracked(fresh_db) == [1, 2]
    code, _, stderr = up(tmp_path, fresh_db, project(edited, migrations[2]), allow_modified=True)
    assert code == 0 and "--allow-modified" in stderr
    assert tracked(fresh_db) == [1, 2, 3]


def test_custom_tracking_schema_and_table(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    config = config_for(tmp_path, tracking_schema="migc", tracking_table="history")
    out, _, _ = output()
    run_up(config, out, RunOptions(database_url=fresh_db), compiled=project(*three(make_migration)))
    assert [int(r[0]) for r in rows(fresh_db, "select version from migc.history")] == [1, 2, 3]
    assert rows(fresh_db, "select to_regclass('public.migc_migrations')") == [(None,)]


def test_session_timeouts_are_set(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    probe = make_migration(1, [
        "create table settings_seen as select current_setting('lock_timeout') as lock_timeout, "
        "current_setting('statement_timeout') as statement_timeout"
    ], ["drop table settings_seen"])
    out, _, _ = output()
    config = config_for(tmp_path, lock_timeout="750ms", statement_timeout="3min")
    run_up(config, out, RunOptions(database_url=fresh_db), compiled=project(probe))
    assert rows(fresh_db, "select * from settings_seen") == [("750ms", "3min")]


def test_busy_table_fails_fast_with_lock_timeout(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    table = make_migration(1, ["create table busy (id int)"], ["drop table busy"])
    alter = make_migration(2, ["alter table busy add column x int"], ["alter table busy drop column x"])
    out, _, _ = output()
    config = config_for(tmp_path, lock_timeout="200ms")
    run_up(config, out, RunOptions(database_url=fresh_db), compiled=project(table))
    with psycopg.connect(fresh_db) as holder:  # a transaction holding a lock on the table
        holder.execute("select * from busy")
        with pytest.raises(MigcError) as caught:
            run_up(config, out, RunOptions(database_url=fresh_db), compiled=project(table, alter))
    assert "55P03" in caught.value.message and "lock timeout" in caught.value.message
    assert caught.value.hint is not None and "lock_timeout" in caught.value.hint
    assert tracked(fresh_db) == [1]


def test_second_runner_gives_up_after_lock_timeout(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    from migc.runner.tracking import TrackingTable

    key = TrackingTable("public", "migc_migrations").lock_key
    with psycopg.connect(fresh_db, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", [key])
        out, _, _ = output()
        with pytest.raises(MigcError) as caught:
            run_up(config_for(tmp_path), out, RunOptions(database_url=fresh_db, lock_timeout_s=0.3),
                   compiled=project(*three(make_migration)))
    assert "migration lock" in caught.value.message and "--lock-timeout" in (caught.value.hint or "")
    assert tables(fresh_db) == []
