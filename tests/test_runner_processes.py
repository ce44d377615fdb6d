"""Several runners, killed runners, and the embedded default: whole `migc` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from migc.runner.embedded import locate
from migc.runner.tracking import TrackingTable

RunMigc = Callable[..., subprocess.CompletedProcess[str]]
LOCK_KEY = TrackingTable("public", "migc_migrations").lock_key


def rows(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a database condition (not a stand-in sleep): fail the test if it never comes true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def migc_process(cwd: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.Popen([sys.executable, "-m", "migc", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_eight_concurrent_runners_apply_each_migration_exactly_once(tmp_path: Path, fresh_db: str) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_log.mig").write_text("create table applied_log (version int not null)\n")
    for version in range(2, 31):
        (migrations / f"{version:04d}_t{version}.mig").write_text(
            f"create table t{version} (id int)\n"
            f"sql $$ insert into applied_log values ({version}) $$ down $$ delete from applied_log $$\n"
        )
    waiting = ("select count(*) from pg_locks where locktype = 'advisory' and not granted "
               "and database = (select oid from pg_database where datname = current_database())")
    with psycopg.connect(fresh_db, autocommit=True) as holder:
        # hold the runners' lock until all eight are queued on it, so they really race
        holder.execute("select pg_advisory_lock(%s)", [LOCK_KEY])
        runners = [migc_process(tmp_path, "up", "--database-url", fresh_db) for _ in range(8)]
        wait_until(lambda: rows(fresh_db, waiting)[0][0] == 8, 60, "eight runners waiting on the lock")
        holder.execute("select pg_advisory_unlock(%s)", [LOCK_KEY])
        results = [(r.wait(timeout=120), *r.communicate()) for r in runners]
    for code, stdout, stderr in results:
        assert code == 0, stdout + stderr
    assert sorted(v for (v,) in rows(fresh_db, "select version from applied_log")) == list(range(2, 31))
    assert rows(fresh_db, "select count(*), count(distinct version) from migc_migrations") == [(30, 30)]
    assert sum("applied 0001_log" in stdout for _, stdout, _ in results) == 1
    assert sum("nothing to apply" in stdout for _, stdout, _ in results) == 7


def test_sigkill_mid_migration_leaves_nothing_half_applied(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_a.mig").write_text("create table a (id int)\n")
    # sleeps only while the database says so, so the next run is quick
    (migrations / "0002_slow.mig").write_text(
        "create table b (id int)\n"
        "sql $$ select pg_sleep(coalesce(nullif(current_setting('migc_test.sleep', true), ''), '0')::float) $$\n"
        "    down $$ select 1 $$\n"
        "create table c (id int)\n"
    )
    (migrations / "0003_d.mig").write_text("create table d (id int)\n")
    dbname = rows(fresh_db, "select current_database()")[0][0]
    execute(fresh_db, f"alter database \"{dbname}\" set migc_test.sleep = '600'")

    runner = migc_process(tmp_path, "up", "--database-url", fresh_db)
    sleeping = ("select pid from pg_stat_activity where application_name = 'migc' and state = 'active' "
                "and query like '%pg_sleep%'")
    wait_until(lambda: bool(rows(fresh_db, sleeping)), 60, "the slow migration to be running")
    backend = rows(fresh_db, sleeping)[0][0]
    runner.send_signal(signal.SIGKILL)
    runner.wait(timeout=10)
    runner.communicate()

    assert [int(v) for (v,) in rows(fresh_db, "select version from migc_migrations")] == [1]
    assert rows(fresh_db, "select to_regclass('b'), to_regclass('c')") == [(None, None)]
    execute(fresh_db, f"alter database \"{dbname}\" reset migc_test.sleep")

    # the orphaned backend notices its client is gone and rolls back, freeing the lock
    started = time.monotonic()
    again = run_migc("up", "--database-url", fresh_db, "--lock-timeout", "30", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert time.monotonic() - started < 30
    assert rows(fresh_db, "select pid from pg_stat_activity where pid = %s", [backend]) == []
    assert [int(v) for (v,) in rows(fresh_db, "select version from migc_migrations order by 1")] == [1, 2, 3]
    assert rows(fresh_db, "select to_regclass('b') is not null, to_regclass('c') is not null") == [(True, True)]


def test_embedded_default_in_an_empty_directory(shared_tmp_path: Path, run_migc: RunMigc) -> None:
    project = shared_tmp_path / "fresh project"
    (project / "migrations").mkdir(parents=True)
    (project / "migrations" / "0001_create_things.mig").write_text("create table things (id bigint pk, name text)\n")

    up = run_migc("up", cwd=project)
    assert up.returncode == 0, up.stdout + up.stderr
    announcements = [line for line in up.stderr.splitlines() if "embedded" in line]
    assert len(announcements) == 1 and ".migc" in announcements[0]
    assert "applied 0001_create_things" in up.stdout
    layout = locate(project / ".migc")  # .migc/pgdata, or as root a home of its own (docs/runner.md)
    assert layout is not None
    pgdata = layout.pgdata
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists()  # stopped cleanly when migc exited

    status = run_migc("status", cwd=project)  # started again on demand; the data persisted
    assert status.returncode == 0, status.stderr
    assert status.stdout.split()[:3] == ["0001", "create_things", "applied"]
    down = run_migc("down", cwd=project)
    assert down.returncode == 0 and "reverted 0001_create_things" in down.stdout
