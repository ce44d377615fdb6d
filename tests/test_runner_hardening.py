"""Issue 8, runner side: what a user meets through `migc ...` on a real PostgreSQL when the database,
the configuration or the command line is not what the runner expects. One test (or a few) per
numbered item of the issue, each named after it."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.runner.urls import with_database

RunMigc = Callable[..., subprocess.CompletedProcess[str]]


def rows(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())


def dbname(url: str) -> str:
    return str(rows(url, "select current_database()")[0][0])


def write(project: Path, files: dict[str, str]) -> Path:
    migrations = project / "migrations"
    migrations.mkdir(exist_ok=True)
    for name, text in files.items():
        (migrations / name).write_text(text)
    return project


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def user_error(result: subprocess.CompletedProcess[str]) -> str:
    """A failure a user caused: exit 1, an `error:` line and a hint, no traceback, no 'internal error'."""
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text and "internal error" not in text and "this is a bug" not in text, text
    assert "error: " in result.stderr and "hint: " in result.stderr, text
    return result.stderr


def tracked(url: str) -> list[int]:
    return [int(v) for (v,) in rows(url, "select version from migc_migrations order by version")]


# ---- 17: the runner's session means the same SQL on every database


def test_17_standard_conforming_strings_off_on_the_database(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    execute(fresh_db, f'alter database "{dbname(fresh_db)}" set standard_conforming_strings = off')
    execute(fresh_db, f'alter database "{dbname(fresh_db)}" set timezone = \'America/New_York\'')
    write(tmp_path, {"0001_init.mig": (
        "create enum mood ('ok', 'a\\b')\n"
        "create table t (id int pk, note text default 'x\\y', m mood default 'a\\b')\n"
        "create table seen (tz text)\n"
        "sql $$ insert into seen values (current_setting('TimeZone')) $$ down $$ delete from seen $$\n"
    )})
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert rows(fresh_db, "select enumlabel from pg_enum order by enumsortorder") == [("ok",), ("a\\b",)]
    with psycopg.connect(fresh_db, options="-c standard_conforming_strings=on") as conn:
        defaults = conn.execute("select pg_get_expr(adbin, adrelid) from pg_attrdef "
                                "where adrelid = 't'::regclass order by adnum").fetchall()
    assert defaults == [("'x\\y'::text",), ("'a\\b'::mood",)]
    assert rows(fresh_db, "select tz from seen") == [("UTC",)]
    # the catalog is exactly what the compiled schema builds (on a database with the defaults)
    ok(run_migc("diff", "--database-url", fresh_db, cwd=tmp_path))


# ---- 8: SQL failures outside a migration are user errors


def as_role(url: str, role: str) -> str:
    assert "postgres:@" in url, url  # the test server's URL: the superuser, no password (trust)
    return url.replace("postgres:@", f"{role}:@", 1)


@pytest.fixture
def plain_role(fresh_db: str) -> Iterator[str]:
    """A login role that owns nothing: on PostgreSQL 15+ it may not create in schema public."""
    role = f"plain_{uuid.uuid4().hex[:8]}"
    execute(fresh_db, f'create role "{role}" login')
    try:
        yield role
    finally:
        execute(fresh_db, f'drop owned by "{role}"; drop role "{role}"')


def test_08_permission_denied_for_schema_public(tmp_path: Path, fresh_db: str, plain_role: str,
                                                run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    for command in ("down", "status"):  # nothing to create: a missing tracking table is no tracked migration
        ok(run_migc(command, "--database-url", as_role(fresh_db, plain_role), cwd=tmp_path))
    stderr = user_error(run_migc("up", "--database-url", as_role(fresh_db, plain_role), cwd=tmp_path))
    assert "permission denied for schema public" in stderr and "creating the tracking table" in stderr
    assert '"public"."migc_migrations"' in stderr and "GRANT CREATE ON SCHEMA" in stderr
    # the table made by another role: this one may not read it
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    stderr = user_error(run_migc("status", "--database-url", as_role(fresh_db, plain_role), cwd=tmp_path))
    assert "permission denied for table migc_migrations" in stderr and "GRANT SELECT, INSERT, DELETE" in stderr


def test_08_read_only_database(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    execute(fresh_db, f'alter database "{dbname(fresh_db)}" set default_transaction_read_only = on')
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "read-only" in stderr and "default_transaction_read_only is on" in stderr
    assert "creating the tracking table" in stderr and "25006" in stderr
    # with the tracking table there, the migration itself is refused: the hint is not "fix the migration"
    execute(with_database(fresh_db, "postgres"), f'alter database "{dbname(fresh_db)}" reset default_transaction_read_only')
    ok(run_migc("up", "--to", "0", "--database-url", fresh_db, cwd=tmp_path))
    execute(fresh_db, f'alter database "{dbname(fresh_db)}" set default_transaction_read_only = on')
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "0001_a" in stderr and "read-only transaction" in stderr
    assert "writable database" in stderr and "fix the migration" not in stderr
    ok(run_migc("status", "--database-url", fresh_db, cwd=tmp_path))  # reading is fine


def test_08_tracking_table_locked_by_another_session(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n", "0002_b.mig": "create table b (id int)\n"})
    (tmp_path / "migc.toml").write_text('lock_timeout = "300ms"\n')
    ok(run_migc("up", "--to", "1", "--database-url", fresh_db, cwd=tmp_path))
    with psycopg.connect(fresh_db) as holder:  # a transaction that keeps the table locked
        holder.execute("lock table migc_migrations in access exclusive mode")
        pid = holder.info.backend_pid
        for command in ("status", "up", "down"):
            stderr = user_error(run_migc(command, "--database-url", fresh_db, cwd=tmp_path, timeout=60))
            assert "reading the tracking table" in stderr and "lock_timeout" in stderr, stderr
            assert f"pid {pid}" in stderr and "pg_terminate_backend" in stderr
    assert tracked(fresh_db) == [1]


def test_08_tracking_table_of_a_foreign_shape(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    execute(fresh_db, "create table migc_migrations (id int primary key, note text)")
    for command in ("up", "down", "status"):
        stderr = user_error(run_migc(command, "--database-url", fresh_db, cwd=tmp_path))
        assert '"public"."migc_migrations" has no columns' in stderr and "not a migc tracking table" in stderr
        assert "tracking_table" in stderr
    execute(fresh_db, "drop table migc_migrations; create view migc_migrations as select 1 as version")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert '"public"."migc_migrations" is a view' in stderr
    assert rows(fresh_db, "select to_regclass('a')") == [(None,)]


@pytest.fixture
def primary() -> Iterator[str]:
    """A database on an embedded server of the test's own (whatever DATABASE_URL says), so that a
    hot standby can always be made of it: the binaries are at hand and the server is local."""
    import shutil
    import tempfile

    from migc.runner.embedded import embedded_url, release

    base = Path(tempfile.mkdtemp(prefix="migc-test-primary-"))
    state_dir = base / ".migc"
    try:
        server_url = embedded_url(state_dir)
        execute(server_url, 'create database "standby_case"')
        yield with_database(server_url, "standby_case")
    finally:
        release(state_dir, stop_now=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def hot_standby(primary: str) -> Iterator[str]:
    """A hot standby of `primary`'s server (pg_basebackup -R), with the URL of that database on it."""
    import os
    import shutil
    import tempfile
    from urllib.parse import parse_qs, urlsplit

    socket_dir = parse_qs(urlsplit(primary).query)["host"][0]  # an embedded server: its socket directory
    from migc.runner.embedded_layout import server_bindir, server_user

    server = server_user(create=False) if os.geteuid() == 0 else None  # who runs the embedded servers
    bindir = server_bindir(server)
    user = server.uid if server else None
    base = Path(tempfile.mkdtemp(prefix="migc-test-standby-"))
    base.chmod(0o777)
    data = base / "data"

    def run(*args: str) -> None:
        subprocess.run([str(bindir / args[0]), *args[1:]], check=True, user=user, timeout=60, cwd="/",
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    run("pg_basebackup", "-D", str(data), "-R", "-h", socket_dir, "-U", "postgres", "-X", "stream", "-c", "fast")
    run("pg_ctl", "-D", str(data), "-o", '-h ""', "-o", f"-k {base}", "-l", str(base / "log"), "-w", "start")
    try:
        yield primary.replace(f"host={socket_dir}", f"host={base}")
    finally:
        run("pg_ctl", "-D", str(data), "-w", "-m", "fast", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_08_hot_standby(tmp_path: Path, primary: str, run_migc: RunMigc, request: pytest.FixtureRequest) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n", "0002_b.mig": "create table b (id int)\n"})
    ok(run_migc("up", "--to", "1", "--database-url", primary, cwd=tmp_path))
    standby = request.getfixturevalue("hot_standby")  # a copy of the database as it is now
    assert rows(standby, "select pg_is_in_recovery()") == [(True,)]
    stderr = user_error(run_migc("up", "--database-url", standby, cwd=tmp_path))
    assert "0002_b" in stderr and "read-only transaction" in stderr and "not a standby" in stderr
    assert "fix the migration" not in stderr
    stderr = user_error(run_migc("down", "--database-url", standby, cwd=tmp_path))
    assert "0001_a" in stderr and "not a standby" in stderr
    # nothing to write: reading works, and the run ends without trying to write
    ok(run_migc("up", "--to", "1", "--database-url", standby, cwd=tmp_path))
    assert "pending" in ok(run_migc("status", "--database-url", standby, cwd=tmp_path)).stdout
    (tmp_path / "migc.toml").write_text('tracking_table = "other_history"\n')
    stderr = user_error(run_migc("up", "--database-url", standby, cwd=tmp_path))
    assert "creating the tracking table" in stderr and "it is a hot standby" in stderr


# ---- 9: --lock-timeout and --to are checked


def test_09_lock_timeout_values(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    from migc.runner.tracking import TrackingTable

    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    for bad in ("inf", "nan", "-1", "-0.5", "1e300"):
        result = run_migc("up", "--lock-timeout", bad, "--database-url", fresh_db, cwd=tmp_path)
        assert result.returncode == 2, result.stderr  # a usage error, as for a value that is not a number
        assert "--lock-timeout" in result.stderr and "finite number of seconds" in result.stderr
        assert "Traceback" not in result.stderr
    assert rows(fresh_db, "select to_regclass('migc_migrations')") == [(None,)]
    key = TrackingTable("public", "migc_migrations").lock_key
    with psycopg.connect(fresh_db, autocommit=True) as holder:  # another runner holds the lock
        holder.execute("select pg_advisory_lock(%s)", [key])
        # 0.1 ms is 1 ms, not '0ms' (no limit): it gives up instead of waiting forever
        for value, said in (("0.0001", "more than 0.0001 s"), ("0", "is held by another migc run")):
            stderr = user_error(run_migc("up", "--lock-timeout", value, "--database-url", fresh_db, cwd=tmp_path,
                                         timeout=60))
            assert "migration lock" in stderr and said in stderr
    assert rows(fresh_db, "select to_regclass('a')") == [(None,)]
    ok(run_migc("up", "--lock-timeout", "0", "--database-url", fresh_db, cwd=tmp_path))


def test_09_up_and_down_to_an_unknown_version(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n", "0002_b.mig": "create table b (id int)\n",
                     "0004_c.mig": "create table c (id int)\n"})
    stderr = user_error(run_migc("up", "--to", "99", "--database-url", fresh_db, cwd=tmp_path))
    assert "--to 99: no migration has version 99" in stderr
    user_error(run_migc("up", "--to", "3", "--database-url", fresh_db, cwd=tmp_path))
    assert rows(fresh_db, "select to_regclass('migc_migrations')") == [(None,)]  # nothing touched
    ok(run_migc("up", "--to", "0", "--database-url", fresh_db, cwd=tmp_path))  # 0: always a version
    ok(run_migc("up", "--to", "0002", "--database-url", fresh_db, cwd=tmp_path))
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    for unknown in ("99", "3"):
        stderr = user_error(run_migc("down", "--to", unknown, "--database-url", fresh_db, cwd=tmp_path))
        assert f"--to {unknown}: no migration has version {unknown}" in stderr
    assert tracked(fresh_db) == [1, 2, 4]
    # a version known only to the tracking table (its file deleted) is a version too
    (tmp_path / "migrations" / "0002_b.mig").unlink()
    assert "reverted 0004_c" in ok(run_migc("down", "--to", "2", "--database-url", fresh_db, cwd=tmp_path)).stdout
    assert tracked(fresh_db) == [1, 2]
    ok(run_migc("down", "--to", "2", "--database-url", fresh_db, cwd=tmp_path))  # nothing above it
    assert tracked(fresh_db) == [1, 2]


# ---- 24: version 0 is a version, and `down --to 0` reverts everything


def test_24_down_to_0_reverts_a_version_0(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"00_init.mig": "create table base (id int)\n", "01_more.mig": "create table more (id int)\n"})
    applied = ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path)).stdout
    assert "applied 00_init" in applied and "applied 01_more" in applied
    assert tracked(fresh_db) == [0, 1]
    ok(run_migc("down", "--to", "00", "--database-url", fresh_db, cwd=tmp_path))
    assert tracked(fresh_db) == []
    assert rows(fresh_db, "select to_regclass('base'), to_regclass('more')") == [(None, None)]
    ok(run_migc("up", "--to", "0", "--database-url", fresh_db, cwd=tmp_path))  # up to 0 applies version 0
    assert tracked(fresh_db) == [0]


# ---- 12: hints that fit the failure


def test_12_bad_timeouts_in_the_config_name_the_key_and_file(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    for value in ("30d", "5 seconds", "-1s", "1e3"):  # 30 days is past PostgreSQL's int of ms
        (tmp_path / "migc.toml").write_text(f'lock_timeout = "{value}"\n')
        for command in ("up", "status"):
            stderr = user_error(run_migc(command, "--database-url", fresh_db, cwd=tmp_path))
            assert f"migc.toml: setting 'lock_timeout' = '{value}' is not a duration" in stderr, stderr
            assert "password" not in stderr and "cannot connect" not in stderr
    (tmp_path / "migc.toml").write_text('statement_timeout = "abc"\n')
    assert "setting 'statement_timeout'" in user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    # a fraction of a millisecond is 1 ms, not PostgreSQL's 0 (no limit)
    (tmp_path / "migc.toml").write_text('lock_timeout = "0.0001s"\n')
    write(tmp_path, {"0002_probe.mig": "create table probe (v text)\n"
                     "sql $$ insert into probe values (current_setting('lock_timeout')) $$ down $$ delete from probe $$\n"})
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert rows(fresh_db, "select v from probe") == [("1ms",)]


def test_12_a_setting_the_server_refuses_is_not_a_password_problem(tmp_path: Path, fresh_db: str,
                                                                   run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n"})
    url = fresh_db + "&options=-c%20work_mem%3Dlots"
    stderr = user_error(run_migc("up", "--database-url", url, cwd=tmp_path))
    assert 'invalid value for parameter "work_mem"' in stderr
    assert "the server refused the setting work_mem" in stderr and "options" in stderr
    assert "password" not in stderr.split("hint:")[1]


def test_12_lost_connection_and_server_errors_are_not_the_migrations_fault(tmp_path: Path, fresh_db: str,
                                                                           run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int)\n",
                     "0002_gone.mig": "create table b (id int)\n"
                     "sql $$ select pg_terminate_backend(pg_backend_pid()) $$ down $$ select 1 $$\n"})
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "0002_gone" in stderr and "connection to the database was lost" in stderr
    assert "check that the server is running" in stderr and "migc status" in stderr
    assert "fix the migration" not in stderr
    assert tracked(fresh_db) == [1] and rows(fresh_db, "select to_regclass('b')") == [(None,)]
    (tmp_path / "migrations" / "0002_gone.mig").write_text(
        "create table b (id int)\n"
        "sql $$ do $do$ begin raise exception 'could not write block 7' using errcode = 'io_error'; end $do$ $$\n"
        "    down $$ select 1 $$\n")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "58030" in stderr and "server's log" in stderr and "fix the migration" not in stderr


# ---- 14: the failing statement, named without running anything twice, and where it is in the .mig file


def test_14_failing_statement_names_its_mig_line_without_running_twice(tmp_path: Path, fresh_db: str,
                                                                      run_migc: RunMigc) -> None:
    write(tmp_path, {
        "0001_base.mig": "create table u (id int pk)\nsql $$ create sequence s $$ down $$ drop sequence s $$\n",
        "0002_bad.mig": (
            "create table v (id int)\n"
            "\n"
            "sql $$ select nextval('s') $$ down $$ select 1 $$\n"
            "alter table v add column note text\n"
            "  sql $$ insert into u values (1); insert into u values (2) $$ down $$ select 1 $$\n"
            "sql $$ -- a comment only $$ down $$ select 1 $$\n"
            "sql $$ insert into u values (1) $$ down $$ select 1 $$\n"
            "create table w (id int)\n"
        ),
    })
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    # no error position: PostgreSQL does not say which statement; the results that came back do
    assert "23505" in stderr and "statement 6 of 7" in stderr, stderr
    assert "from migrations/0002_bad.mig:7:1:" in stderr and "insert into u values (1)" in stderr
    # the statements ran once: the sequence moved once (a re-run would have moved it twice)
    assert rows(fresh_db, "select last_value, is_called from s") == [(1, True)]
    assert tracked(fresh_db) == [1] and rows(fresh_db, "select to_regclass('v')") == [(None,)]

    # several statements in one piece of raw sql: the piece is named, not the next statement
    (tmp_path / "migrations" / "0002_bad.mig").write_text(
        "create table v (id int)\n"
        "sql $$ insert into u values (7); insert into u values (7) $$ down $$ select 1 $$\n"
        "create table w (id int)\n")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "statement 2 of 3" in stderr and "from migrations/0002_bad.mig:2:1:" in stderr

    # an error with a position: the caret, and the line and column in the .mig file
    (tmp_path / "migrations" / "0002_bad.mig").write_text(
        "create table v (id int)\n\n  sql $$ insert into v values ('nope') $$ down $$ delete from v $$\n")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "statement 2 of 2" in stderr and "from migrations/0002_bad.mig:3:3:" in stderr and "^" in stderr


def test_14_failures_after_the_statements_say_so(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int pk)\n"})
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    write(tmp_path, {"0002_deferred.mig": (
        "create table p (id int pk)\n"
        "sql $$ create table c (p int references p deferrable initially deferred) $$ down $$ drop table c $$\n"
        "sql $$ insert into c values (1) $$ down $$ delete from c $$\n"
    )})
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "23503" in stderr and "its COMMIT failed" in stderr and "rolled back" in stderr
    (tmp_path / "migrations" / "0002_deferred.mig").write_text(
        "create table p (id int pk)\nsql $$ alter table migc_migrations rename to gone $$ down $$ select 1 $$\n")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "writing its row in the tracking table failed" in stderr and "42P01" in stderr
    assert tracked(fresh_db) == [1]


# ---- 13: a failed CREATE INDEX CONCURRENTLY leaves no INVALID index behind


def test_13_failed_concurrent_index_is_dropped_and_the_retry_works(tmp_path: Path, fresh_db: str,
                                                                   run_migc: RunMigc) -> None:
    write(tmp_path, {
        "0001_a.mig": "create table a (id int pk, x int)\n"
                      "sql $$ insert into a values (1, 7), (2, 7) $$ down $$ delete from a $$\n",
        "0002_unique_x.mig": "create unique index concurrently a_x_key on a (x)\n",
        "0003_b.mig": "create table b (id int)\n",
    })
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "0002_unique_x" in stderr and "23505" in stderr and "outside a transaction" in stderr
    assert 'the INVALID index "public"."a_x_key" that the failed CREATE INDEX CONCURRENTLY left behind was ' \
           "dropped" in stderr
    assert "nothing of it was done" in stderr
    assert rows(fresh_db, "select count(*) from pg_index where not indisvalid") == [(0,)]
    assert rows(fresh_db, "select to_regclass('a_x_key')") == [(None,)]
    assert tracked(fresh_db) == [1]
    execute(fresh_db, "update a set x = 8 where id = 2")  # fix the data; the same migration runs again
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert tracked(fresh_db) == [1, 2, 3]
    assert rows(fresh_db, "select indisvalid from pg_index where indexrelid = 'a_x_key'::regclass") == [(True,)]


def test_13_an_invalid_index_from_before_is_named_not_dropped(tmp_path: Path, fresh_db: str,
                                                              run_migc: RunMigc) -> None:
    write(tmp_path, {"0001_a.mig": "create table a (id int pk, x int)\n",
                     "0002_unique_x.mig": "create unique index concurrently a_x_key on a (x)\n"})
    ok(run_migc("up", "--to", "1", "--database-url", fresh_db, cwd=tmp_path))
    execute(fresh_db, "insert into a values (1, 7), (2, 7)")
    with psycopg.connect(fresh_db, autocommit=True) as conn:  # a build that failed before migc's time
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("create unique index concurrently a_x_key on a (x)")
    execute(fresh_db, "delete from a where id = 2")
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "42P07" in stderr and 'the name is taken by the INVALID index "public"."a_x_key"' in stderr
    assert 'DROP INDEX CONCURRENTLY IF EXISTS "public"."a_x_key"' in stderr
    assert rows(fresh_db, "select indisvalid from pg_index where indexrelid = 'a_x_key'::regclass") == [(False,)]


# ---- 25: out-of-order migrations are refused unless asked for


def test_25_out_of_order_is_refused_by_default(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    import json

    write(tmp_path, {"0010_a.mig": "create table a (id int)\n", "0020_b.mig": "create table b (id int)\n"})
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    write(tmp_path, {"0015_late.mig": "create table late (id int)\n", "0030_c.mig": "create table c (id int)\n"})
    stderr = user_error(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "below the highest applied version 0020_b" in stderr and "0015_late (migrations/0015_late.mig)" in stderr
    assert "0030_c" not in stderr.split("hint:")[0] and "--allow-out-of-order" in stderr
    user_error(run_migc("up", "--dry-run", "--database-url", fresh_db, cwd=tmp_path))
    assert tracked(fresh_db) == [10, 20]  # nothing applied, not even 0030
    status = run_migc("status", "--database-url", fresh_db, cwd=tmp_path)
    assert status.returncode == 0 and "0015  late  pending" in status.stdout
    assert "out of order" in status.stderr and "0015_late" in status.stderr
    listed = json.loads(ok(run_migc("status", "--format", "json", "--database-url", fresh_db, cwd=tmp_path)).stdout)
    assert [(m["version"], m["out_of_order"]) for m in listed] == [
        ("0010", False), ("0015", True), ("0020", False), ("0030", False)]
    loud = ok(run_migc("up", "--allow-out-of-order", "--database-url", fresh_db, cwd=tmp_path))
    assert "warning: --allow-out-of-order" in loud.stderr and "0015_late" in loud.stderr
    assert "applied 0015_late" in loud.stdout and "applied 0030_c" in loud.stdout
    assert tracked(fresh_db) == [10, 15, 20, 30]


# ---- 28: a down that can change or refuse data needs --allow-data-loss; its notes are stored


def test_28_lossy_down_is_refused_unless_allowed(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    import json

    write(tmp_path, {
        "0001_t.mig": "create table t (id bigint pk, n int not null, v varchar(10))\n",
        "0002_widen.mig": "alter table t alter column n type bigint\nalter table t alter column v type text\n",
        "0003_drop_n.mig": "alter table t drop column n\n",
        "0004_explicit.mig": "alter table t alter column v type varchar(200)\n"
                             "down {\n  alter table t alter column v type text\n}\n",
    })
    ok(run_migc("up", "--to", "3", "--database-url", fresh_db, cwd=tmp_path))
    notes = {int(v): n for v, n in rows(fresh_db, "select version, down_notes from migc_migrations")}
    assert notes[1] is None
    assert [(n["kind"], n["table"], n["column"]) for n in notes[2]] == [
        ("data", "public.t", "n"), ("data", "public.t", "v")]
    assert [(n["kind"], n["column"]) for n in notes[3]] == [("nullable", "n")]
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert rows(fresh_db, "select down_notes from migc_migrations where version = 4") == [(None,)]  # explicit
    # the stored notes count, not the file: an explicit down written since changes nothing
    (tmp_path / "migrations" / "0002_widen.mig").write_text(
        "alter table t alter column n type bigint\nalter table t alter column v type text\n"
        "down {\n  alter table t alter column v type varchar(10)\n  alter table t alter column n type int\n}\n")

    ok(run_migc("down", "--database-url", fresh_db, cwd=tmp_path))  # 0004: an explicit down, no notes
    ok(run_migc("down", "--database-url", fresh_db, cwd=tmp_path))  # 0003: comes back nullable, no data lost
    assert tracked(fresh_db) == [1, 2]
    stderr = user_error(run_migc("down", "--to", "0", "--database-url", fresh_db, cwd=tmp_path))
    assert "0002_widen: public.t.n:" in stderr and "0002_widen: public.t.v:" in stderr
    assert "nothing was reverted" in stderr and "--allow-data-loss" in stderr
    assert tracked(fresh_db) == [1, 2]
    dry = ok(run_migc("down", "--to", "0", "--dry-run", "--database-url", fresh_db, cwd=tmp_path))
    assert "-- may change or refuse data: public.t.n: its down changes" in dry.stdout
    assert "--allow-data-loss" in dry.stderr and tracked(fresh_db) == [1, 2]
    loud = ok(run_migc("down", "--to", "0", "--allow-data-loss", "--database-url", fresh_db, cwd=tmp_path))
    assert "warning: --allow-data-loss" in loud.stderr and "reverted 0002_widen" in loud.stdout
    assert tracked(fresh_db) == []
    assert json.loads(ok(run_migc("status", "--format", "json", "--database-url", fresh_db, cwd=tmp_path)).stdout)


def test_28_tracking_table_of_an_older_migc_gets_the_notes_column(tmp_path: Path, fresh_db: str,
                                                                  plain_role: str, run_migc: RunMigc) -> None:
    import os
    import sys

    write(tmp_path, {"0001_t.mig": "create table t (id bigint pk, n int)\n"})
    ok(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    execute(fresh_db, "alter table migc_migrations drop column down_notes")  # as migc 0.1 made it
    # reading it works: no notes known
    assert "pending" not in ok(run_migc("status", "--database-url", fresh_db, cwd=tmp_path)).stdout
    ok(run_migc("down", "--dry-run", "--database-url", fresh_db, cwd=tmp_path))
    # four runners at once: one adds the column (under the migration lock), each migration once
    write(tmp_path, {"0002_widen.mig": "alter table t alter column n type bigint\n"})
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    runners = [subprocess.Popen([sys.executable, "-m", "migc", "up", "--database-url", fresh_db], cwd=tmp_path,
                                env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(4)]
    results = [(r.wait(timeout=120), *r.communicate()) for r in runners]
    assert all(code == 0 for code, _, _ in results), results
    assert sum("applied 0002_widen" in out for _, out, _ in results) == 1
    assert [n for (n,) in rows(fresh_db, "select down_notes is not null from migc_migrations order by version")] \
        == [False, True]
    assert "0002_widen: public.t.n" in user_error(run_migc("down", "--database-url", fresh_db, cwd=tmp_path))
    # a role that may write rows but not alter the table: the run goes on, without notes, and says so
    execute(fresh_db, "alter table migc_migrations drop column down_notes")
    execute(fresh_db, f'grant create on schema public to "{plain_role}"; '
                      f'grant select, insert, delete on migc_migrations to "{plain_role}"')
    write(tmp_path, {"0003_u.mig": "create table u (id int)\n"})
    result = ok(run_migc("up", "--database-url", as_role(fresh_db, plain_role), cwd=tmp_path))
    assert "cannot add the column down_notes" in result.stderr and "applied 0003_u" in result.stdout


# ---- 30: verify --with-data: the round trips run on tables with rows


def test_30_verify_with_data_seeds_the_tables(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    import shutil

    project = tmp_path / "example"
    shutil.copytree(Path(__file__).resolve().parent.parent / "migrations", project / "migrations")
    first = ok(run_migc("verify", "--with-data", "--database-url", fresh_db, cwd=project))
    count = len(list((project / "migrations").glob("*.mig")))
    assert f"verified {count} migration(s) on tables with generated rows" in first.stdout
    # 0004 narrows a column back on the way down: the generated rows fit, and it says so
    assert "0004_rename_user_name: public.users.name: its down changes" in first.stderr
    again = ok(run_migc("verify", "--with-data", "--database-url", fresh_db, cwd=project))
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)  # deterministic


def test_30_a_down_that_cannot_work_on_rows_fails_only_with_data(tmp_path: Path, fresh_db: str,
                                                                 run_migc: RunMigc) -> None:
    write(tmp_path, {
        "0001_t.mig": "create enum mood ('ok', 'meh')\n"
                      "create table t (id bigint pk, x int not null, m mood not null, code varchar(2) unique,\n"
                      "  y int not null check (y between 5 and 9))\n"
                      "create table child (id bigint generated by default as identity pk,\n"
                      "  t_id bigint not null references t, note text check (note in ('a', 'b')))\n"
                      "create table odd (id int pk, v int not null check (v <> v))\n",
        # the explicit down restores the schema, but PostgreSQL cannot add a not null column to a
        # table with rows: only rows show it
        "0002_drop_x.mig": "alter table t drop column x\ndown {\n  alter table t add column x int not null\n}\n",
    })
    ok(run_migc("verify", "--database-url", fresh_db, cwd=tmp_path))
    result = run_migc("verify", "--with-data", "--database-url", fresh_db, cwd=tmp_path)
    stderr = user_error(result)
    assert "0001_t: up, down, up ok" in result.stdout and "0002_drop_x: FAILED" in result.stdout
    assert "reverting migration 0002_drop_x" in stderr and "contains null values" in stderr
    assert "table \"public\".\"odd\" left empty" in stderr  # a check no generated row satisfies
    assert "\"public\".\"t\" left empty" not in stderr and "\"public\".\"child\" left empty" not in stderr


def test_30_seeded_rows_satisfy_types_keys_and_checks(fresh_db: str) -> None:
    from migc.runner.seed import seed_empty_tables
    from migc.runner.session import connect
    from migc.runner.urls import DatabaseTarget

    execute(fresh_db, """
        create type mood as enum ('ok', 'meh');
        create domain short_code as varchar(2) check (value <> 'zz');
        create table t (id bigint primary key, m mood not null, code short_code unique,
                        y int not null check (y between 5 and 9), at timestamptz, u uuid unique, j jsonb,
                        tags text[], ok boolean not null);
        create table child (id bigint generated by default as identity primary key,
                            t_id bigint not null references t, note text check (note in ('a', 'b')));
        create table tree (id int primary key, parent int references tree);
        create table odd (id int primary key, v int not null check (v <> v));
    """)
    notes: list[str] = []
    with connect(DatabaseTarget(fresh_db, "test")) as session:
        assert seed_empty_tables(session, ("public", "migc_migrations"), notes.append) == 9
        assert seed_empty_tables(session, ("public", "migc_migrations"), notes.append) == 0  # only empty ones
    assert notes == ['with data: table "public"."odd" left empty (new row for relation "odd" violates check '
                     'constraint "odd_v_check")'] * 2  # (tried again: it is still empty)
    # the check's literals (and their neighbours) where the first choice fails; a varchar(2) key unique
    assert rows(fresh_db, "select id, m::text, code, y, ok, tags from t order by id") == [
        (1, "ok", "aa", 5, True, []), (2, "meh", "bb", 6, False, []), (3, "ok", "cc", 9, True, [])]
    assert rows(fresh_db, "select t_id, note from child order by id") == [(1, "a"), (2, "b"), (3, "a")]
    assert rows(fresh_db, "select id, parent from tree order by id") == [(1, 1), (2, 2), (3, 3)]
