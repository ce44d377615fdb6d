"""Consecutive migrations go to the server several at a time (runner/apply.py): each is still its
own transaction with its tracking row, and a failure in the middle of a batch leaves the ones
before it applied and the ones after it untouched, reported as for a migration run alone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.compiled import CompiledMigration, CompiledProject
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner import apply
from migc.runner.run_commands import RunOptions, run_down, run_up
from migc.runner.report import Output

from conftest import MakeMigration

COUNT = 40  # batches of 1, 2, 4, 8, 16, ...: migration 30 is in the middle of the fifth


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())


def tracked(url: str) -> list[int]:
    return [int(r[0]) for r in rows(url, "select version from migc_migrations order by version")]


def tables(url: str) -> set[str]:
    return {r[0] for r in rows(url, "select relname::text from pg_class where relkind = 'r' "
                                    "and relnamespace = 'public'::regnamespace")}


def up(tmp_path: Path, url: str, migrations: list[CompiledMigration]) -> tuple[int, str]:
    stdout = io.StringIO()
    out = Output(stdout, io.StringIO(), interactive=False)
    project = CompiledProject(migrations=tuple(migrations), diagnostics=())
    code = run_up(ProjectConfig(migrations_dir=tmp_path / "migrations"), out, RunOptions(database_url=url),
                  compiled=project)
    return code, stdout.getvalue()


def down(tmp_path: Path, url: str, stdout: io.StringIO | None = None, **kwargs: Any) -> int:
    out = Output(stdout or io.StringIO(), io.StringIO(), interactive=False)
    return run_down(ProjectConfig(migrations_dir=tmp_path / "migrations"), out, RunOptions(database_url=url), **kwargs)


def history(make_migration: MakeMigration, failing: int | None = None, bad: list[str] | None = None,
            bad_down: list[str] | None = None) -> list[CompiledMigration]:
    result = []
    for v in range(1, COUNT + 1):
        if v == failing:
            result.append(make_migration(v, [f"create table t{v} (id int)", *(bad or [])],
                                         bad_down or [f"drop table t{v}"]))
        else:
            result.append(make_migration(v, [f"create table t{v} (id int)"], [f"drop table t{v}"]))
    return result


def test_a_long_run_goes_in_batches_and_records_every_migration(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    original = apply.Session.run_batch

    def spy(self: apply.Session, sql: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(sql)
        return original(self, sql, *args, **kwargs)

    monkeypatch.setattr(apply.Session, "run_batch", spy)
    code, stdout = up(tmp_path, fresh_db, history(make_migration))
    assert code == 0
    assert len(sent) < COUNT / 4  # 1, 2, 4, 8, 16, 9 while the machine keeps up
    assert sum(text.count("COMMIT") for text in sent) == COUNT
    assert tracked(fresh_db) == list(range(1, COUNT + 1))
    assert [line.split()[:2] for line in stdout.splitlines()[:COUNT]] == [
        ["applied", f"{v:04d}_step_{v}"] for v in range(1, COUNT + 1)
    ]
    duration = rows(fresh_db, "select min(duration_ms), count(distinct applied_at) from migc_migrations")
    assert duration[0][0] >= 0 and duration[0][1] == COUNT  # a transaction each
    stdout_down = io.StringIO()
    assert down(tmp_path, fresh_db, stdout_down, to=0) == 0
    assert tracked(fresh_db) == [] and tables(fresh_db) == {"migc_migrations"}
    assert [line.split()[1] for line in stdout_down.getvalue().splitlines()[:COUNT]] == [
        f"{v:04d}_step_{v}" for v in range(COUNT, 0, -1)
    ]


def test_failure_in_the_middle_of_a_batch_with_a_position(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    migrations = history(make_migration, failing=30, bad=["alter table t30 add column y nosuchtype", "select 1"])
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, migrations)
    message = caught.value.message
    assert "applying migration 0030_step_30 (migrations/0030_step_30.mig) failed" in message
    assert "statement 2 of 3" in message and 'type "nosuchtype" does not exist' in message
    caret_line = next(line for line in message.splitlines() if "^" in line)
    statement_line = message.splitlines()[message.splitlines().index(caret_line) - 1]
    assert statement_line[caret_line.index("^"):].startswith("nosuchtype")
    assert tracked(fresh_db) == list(range(1, 30))
    assert tables(fresh_db) == {f"t{v}" for v in range(1, 30)} | {"migc_migrations"}


def test_failure_without_a_position_in_a_batch_names_the_statement(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    bad = ["create table u (id int primary key)", "insert into u values (1)", "insert into u values (1)"]
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, history(make_migration, failing=30, bad=bad))
    message = caught.value.message
    assert "0030_step_30" in message and "statement 4 of 4" in message and "23505" in message
    assert tracked(fresh_db) == list(range(1, 30))
    assert "u" not in tables(fresh_db) and "t31" not in tables(fresh_db)


def test_failure_at_commit_stops_the_batch(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    # a deferred foreign key is checked at COMMIT: the error ends the transaction, and still
    # nothing after it may run
    bad = [
        "create table parent (id int primary key)",
        "create table child (parent_id int references parent deferrable initially deferred)",
        "insert into child values (1)",
    ]
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, history(make_migration, failing=30, bad=bad))
    message = caught.value.message
    assert "0030_step_30" in message and "23503" in message and "rolled back" in message
    assert tracked(fresh_db) == list(range(1, 30))
    assert not {"t30", "t31", "parent", "child"} & tables(fresh_db)
    # the run after the fix picks up from there
    assert up(tmp_path, fresh_db, history(make_migration))[0] == 0
    assert tracked(fresh_db) == list(range(1, COUNT + 1))


def test_failing_down_in_the_middle_of_a_batch(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = history(make_migration, failing=10, bad_down=["drop table t10", "drop table nope"])
    assert up(tmp_path, fresh_db, migrations)[0] == 0
    stdout = io.StringIO()
    with pytest.raises(MigcError) as caught:
        down(tmp_path, fresh_db, stdout, to=0)
    message = caught.value.message
    assert "reverting migration 0010_step_10 (" in message and "migrations/0010_step_10.mig) failed" in message
    assert "statement 2 of 2" in message and 'table "nope" does not exist' in message
    assert tracked(fresh_db) == list(range(1, 11))
    assert "t10" in tables(fresh_db) and "t11" not in tables(fresh_db)
    assert stdout.getvalue().splitlines()[-1].split()[:2] == ["reverted", "0011_step_11"]


def test_concurrently_between_batches(tmp_path: Path, fresh_db: str, make_migration: MakeMigration) -> None:
    migrations = history(make_migration)
    migrations[19] = make_migration(20, ["create index concurrently t19_id_idx on t19 (id)"],
                                    ["drop index concurrently t19_id_idx"], non_transactional=True)
    code, stdout = up(tmp_path, fresh_db, migrations)
    assert code == 0 and "0020_step_20: runs outside a transaction" in stdout
    assert tracked(fresh_db) == list(range(1, COUNT + 1))
    assert rows(fresh_db, "select non_transactional from migc_migrations where version = 20") == [(True,)]
    assert down(tmp_path, fresh_db, to=0) == 0
    assert tracked(fresh_db) == [] and tables(fresh_db) == {"migc_migrations"}


def test_sql_that_cannot_be_sent_is_the_failing_migration(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, history(make_migration, failing=30, bad=["select 'a\0b'"]))
    assert "0030_step_30" in caught.value.message and "NUL" in caught.value.message
    assert "statement 2 of 2" in caught.value.message
    assert tracked(fresh_db) == list(range(1, 30))


def test_tracking_literals_keep_quotes_and_backslashes(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    odd = "select E'it''s \\\\ a \\\\n backslash', 'plain ''quote'' \\ and \\n', $$dollar ' \\ $$"
    migration = make_migration(1, ["create table q (id int)", odd], ["drop table q", odd])
    assert up(tmp_path, fresh_db, [migration])[0] == 0
    up_sql, down_statements = rows(fresh_db, "select up_sql, down_statements from migc_migrations")[0]
    assert odd in up_sql
    assert down_statements == ["drop table q", odd]
    for setting in ("off", "on"):
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute(f"alter database {conn.info.dbname} set standard_conforming_strings = {setting}")
        assert down(tmp_path, fresh_db) == 0 and tracked(fresh_db) == []
        assert up(tmp_path, fresh_db, [migration])[0] == 0
        assert rows(fresh_db, "select down_statements from migc_migrations")[0][0] == ["drop table q", odd]


def test_each_migration_of_a_batch_has_its_own_start_and_duration(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    migrations = history(make_migration)[:12]
    migrations[9] = make_migration(10, ["create table t10 (id int)", "select pg_sleep(0.3)"], ["drop table t10"])
    assert up(tmp_path, fresh_db, migrations)[0] == 0
    timing = rows(fresh_db, "select version, applied_at, duration_ms from migc_migrations order by version")
    by_version = {int(v): (at, ms) for v, at, ms in timing}
    assert by_version[10][1] >= 300
    assert all(ms < 300 for v, (_, ms) in by_version.items() if v != 10)
    # migrations 8 to 11 went in one batch (1, 2, 4, 8, ...): 11 started when 10 ended
    assert (by_version[11][0] - by_version[10][0]).total_seconds() >= 0.3
    assert (by_version[10][0] - by_version[9][0]).total_seconds() < 0.3


def test_copy_in_a_migration_neither_hangs_nor_breaks_the_batch(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    migrations = history(make_migration)[:12]
    migrations[8] = make_migration(9, ["create table t9 (id int)", "copy (select 1) to stdout"], ["drop table t9"])
    assert up(tmp_path, fresh_db, migrations)[0] == 0
    assert tracked(fresh_db) == list(range(1, 13))
    migrations.append(make_migration(13, ["create table t13 (id int)", "copy t13 from stdin"], ["drop table t13"]))
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, migrations)
    assert "0013_step_13" in caught.value.message and "COPY FROM STDIN cannot be used" in caught.value.message
    assert tracked(fresh_db) == list(range(1, 13)) and "t13" not in tables(fresh_db)


def test_ctrl_c_cancels_the_batch_and_reports_what_committed(tmp_path: Path, fresh_db: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for v in range(1, 31):
        body = f"create table t{v} (id int)\n"
        if v == 20:  # sleeps only while the database says so
            body += ("sql $$ select pg_sleep(coalesce(nullif(current_setting('migc_test.sleep', true), ''), '0')"
                     "::float) $$ down $$ select 1 $$\n")
        (migrations / f"{v:04d}_t{v}.mig").write_text(body)
    dbname = rows(fresh_db, "select current_database()")[0][0]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(f'alter database "{dbname}" set migc_test.sleep = \'600\'')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    from embedded_harness import ctrl_c_reaches_it

    runner = subprocess.Popen([sys.executable, "-m", "migc", "up", "--database-url", fresh_db], cwd=tmp_path,
                              env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              preexec_fn=ctrl_c_reaches_it)
    # (the query column shows the start of the batch, not necessarily the migration that sleeps)
    sleeping = ("select count(*) from pg_stat_activity where application_name = 'migc' and state = 'active' "
                "and wait_event = 'PgSleep'")
    deadline = time.monotonic() + 60
    while rows(fresh_db, sleeping)[0][0] == 0:  # poll the database, not a stand-in sleep
        assert time.monotonic() < deadline, "the slow migration never started"
        time.sleep(0.05)
    runner.send_signal(signal.SIGINT)
    stdout, stderr = runner.communicate(timeout=60)
    assert runner.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert [line.split()[1] for line in stdout.splitlines()] == [f"{v:04d}_t{v}" for v in range(1, 20)]
    assert tracked(fresh_db) == list(range(1, 20))
    assert tables(fresh_db) == {f"t{v}" for v in range(1, 20)} | {"migc_migrations"}
    assert rows(fresh_db, sleeping) == [(0,)]


def test_applied_lines_come_before_the_error_in_one_stream(tmp_path: Path, fresh_db: str) -> None:
    import os
    import subprocess
    import sys

    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for v in range(1, 31):
        body = "sql $$ select 1/0 $$ down $$ select 1 $$\n" if v == 30 else f"create table t{v} (id int)\n"
        (migrations / f"{v:04d}_t{v}.mig").write_text(body)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run([sys.executable, "-m", "migc", "up", "--database-url", fresh_db], cwd=tmp_path, env=env,
                         text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    error = next(i for i, line in enumerate(lines) if line.startswith("error:"))
    assert [line.split()[1] for line in lines[:error]] == [f"{v:04d}_t{v}" for v in range(1, 30)]
    assert "0030_t30" in lines[error] and "division by zero" in run.stdout


def test_a_literal_holding_a_line_with_only_a_semicolon_arrives_whole(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    """Issue 8, item 18: statements are sent whole (joined, never split on `\\n;\\n`), so a string
    literal with a line that holds only `;` reaches the table as written, up and down."""
    body = "first\n;\nlast"
    migration = make_migration(1, ["create table notes (body text)", f"insert into notes values ('{body}')"],
                               ["drop table notes"])
    assert up(tmp_path, fresh_db, [migration])[0] == 0
    assert rows(fresh_db, "select body from notes") == [(body,)]

    failing = make_migration(2, [f"insert into notes values ('{body}')", "insert into notes values (1/0)"],
                             ["select 1"])
    with pytest.raises(MigcError) as caught:
        up(tmp_path, fresh_db, [migration, failing])
    message = caught.value.message
    assert "statement 2 of 2" in message and "division by zero" in message  # not the literal's ';' line
    assert tracked(fresh_db) == [1] and rows(fresh_db, "select body from notes") == [(body,)]
