"""The session of `migc up` / `migc down` talks to libpq itself (runner/libpq.py), not through
psycopg, whose import is most of their start-up: it must read, fail and stay quiet as the psycopg
session does, and anything it declines goes through psycopg."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from migc.compiled import CompiledProject
from migc.project import ProjectConfig
from migc.runner import libpq
from migc.runner.commands import RunOptions, run_down, run_up
from migc.runner.report import Output
from migc.runner.session import SqlFailure, connect
from migc.runner.urls import DatabaseTarget

from conftest import MakeMigration

TYPES = ("select true, false, 1::int2, 2::int4, 3::int8, 4::oid, 5::numeric, 5.5::numeric, -6::numeric, "
         "1.5::float8, 'it''s'::text, 'x'::varchar, null::text, "
         "'2026-01-02 03:04:05.678+00'::timestamptz, array_to_json(array['a', 'b\"c'])::text")


def test_libpq_is_found_here() -> None:
    assert libpq.load() is not None  # else every test of the direct session would test psycopg


def test_direct_rows_read_like_psycopg(fresh_db: str) -> None:
    target = DatabaseTarget(fresh_db, "test")
    with connect(target, direct=True) as direct, connect(target) as through_psycopg:
        assert direct.rows(TYPES) == through_psycopg.rows(TYPES)
        row = direct.rows(TYPES)[0]
        assert [type(v) for v in row[:6]] == [bool, bool, int, int, int, int]
        assert isinstance(row[13], datetime) and row[13].utcoffset() is not None
        assert direct.rows("select 1 where false") == []
        assert direct.rows("select 1; select 2, 'two'") == [(2, "two")]


def test_direct_session_reports_errors_and_stays_quiet(fresh_db: str, capfd: pytest.CaptureFixture[str]) -> None:
    with connect(DatabaseTarget(fresh_db, "test"), direct=True) as session:
        session.run("drop table if exists nope; create table t (id int primary key)")  # a NOTICE
        with pytest.raises(SqlFailure) as caught:
            session.run("insert into t values (1); insert into t values (1)")
        assert caught.value.sqlstate == "23505" and caught.value.detail and "already exists" in caught.value.detail
        with pytest.raises(SqlFailure) as caught:
            session.run("select 1;\nselect nosuch")
        assert caught.value.position == len("select 1;\nselect ") + 1
        assert session.rows("select count(*) from t") == [(0,)]  # one string, one implicit transaction
        assert session.server_version >= 140000 and not session.broken
    assert capfd.readouterr().err == ""


def test_a_client_encoding_other_than_utf8_goes_through_psycopg(fresh_db: str) -> None:
    separator = "&" if "?" in fresh_db else "?"
    with connect(DatabaseTarget(f"{fresh_db}{separator}client_encoding=LATIN1", "test"), direct=True) as session:
        assert session.rows("show client_encoding") == [("LATIN1",)]
        assert session._conn is not None  # psycopg's


def test_up_and_down_do_not_import_psycopg(tmp_path: Path, fresh_db: str) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_a.mig").write_text("create table a (id int)\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    for args in (["up"], ["down"]):
        run = subprocess.run([sys.executable, "-X", "importtime", "-m", "migc", *args, "--database-url", fresh_db],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "| psycopg" not in run.stderr  # -X importtime lists every module imported
    env[libpq.DISABLE_ENV] = "1"
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "migc", "up", "--database-url", fresh_db],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0 and "| psycopg" in run.stderr
    assert psycopg.connect(fresh_db).execute("select count(*) from migc_migrations").fetchone() == (1,)


def test_up_and_down_with_a_datestyle_that_is_not_iso(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration
) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(f'alter database "{conn.info.dbname}" set datestyle = \'SQL, DMY\'')
    config = ProjectConfig(migrations_dir=tmp_path / "migrations")
    migrations = tuple(make_migration(v, [f"create table t{v} (id int)"], [f"drop table t{v}"]) for v in (1, 2))
    out = Output(io.StringIO(), io.StringIO(), interactive=False)
    assert run_up(config, out, RunOptions(database_url=fresh_db), compiled=CompiledProject(migrations[:1], ())) == 0
    # the second run reads the applied_at of the first (not in ISO style: it stays text, unused)
    assert run_up(config, out, RunOptions(database_url=fresh_db), compiled=CompiledProject(migrations, ())) == 0
    assert run_down(config, out, RunOptions(database_url=fresh_db), to=0) == 0
    assert psycopg.connect(fresh_db).execute("select count(*) from migc_migrations").fetchone() == (0,)
