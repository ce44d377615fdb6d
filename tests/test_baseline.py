"""`migc init --from-database` (src/migc/adopt/baseline.py): a baseline migration of a live
database, proven on a scratch database and recorded as applied there; on real PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.adopt.baseline import clean_dump, pg_dump_binary
from migc.errors import MigcError
from migc.runner.catalog import describe_differences, snapshot

HISTORIES = Path(__file__).parent / "real_histories"

# a database built with plain SQL: schemas, extensions, enum, domain, composite, sequences, every
# kind of key, indexes, views, a materialized view, functions, a trigger, RLS and a policy,
# comments, grants
RICH = """
create schema app;
create schema audit;
create extension citext;
create extension hstore with schema app;
create type app.mood as enum ('sad', 'ok', 'happy');
create domain app.email as citext check (value ~ '@');
create type app.money_pair as (amount numeric(12,2), currency text);
create sequence app.ticket_seq start 100 increment 5;
create table app.orgs (
  id bigint generated always as identity primary key,
  name text not null unique,
  settings app.hstore
);
comment on table app.orgs is 'organisations';
comment on column app.orgs.name is 'display name';
create table app.users (
  id serial primary key,
  org_id bigint not null references app.orgs (id) on delete cascade deferrable initially deferred,
  email app.email not null,
  mood app.mood default 'ok',
  price app.money_pair,
  ticket int default nextval('app.ticket_seq'),
  created_at timestamptz not null default now(),
  constraint users_email_key unique (org_id, email),
  constraint users_ticket_check check (ticket > 0)
);
create index users_created_idx on app.users (created_at desc);
create index users_lower_email_idx on app.users (lower(email::text));
create unique index users_ticket_idx on app.users (ticket) where ticket is not null;
create table audit.log (
  at timestamptz not null default now(),
  who int,
  what text,
  primary key (at, who) deferrable
);
create table app.slots (room int, during tstzrange, exclude using gist (room with =, during with &&));
create view app.active_users as select id, email from app.users where mood <> 'sad';
create materialized view app.user_counts as select org_id, count(*) as n from app.users group by org_id;
create materialized view app.later as select 1 as one with no data;
comment on view app.active_users is 'not sad';
create function app.touch() returns trigger language plpgsql as $$
begin
  new.created_at := now();
  return new;
end
$$;
create trigger users_touch before update on app.users for each row execute function app.touch();
create function app.add(a int, b int) returns int language sql immutable as $$ select a + b $$;
alter table app.users enable row level security;
create policy users_own on app.users using (org_id = 1);
grant usage on schema app to public;
grant select on app.users to public;
insert into app.orgs (name) values ('acme');
"""


@pytest.fixture
def rich_db(fresh_db: str) -> str:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("create extension if not exists btree_gist")
        conn.execute(RICH)
    return fresh_db


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def test_baseline_of_a_rich_database(tmp_path: Path, rich_db: str, run_migc: Callable[..., Any]) -> None:
    before = snapshot(rich_db)
    done = run_migc("init", "--from-database", rich_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "migrations" / "0001_baseline.mig"
    text = path.read_text()
    assert "wrote migrations/0001_baseline.mig" in done.stdout
    assert "recorded 0001_baseline as applied" in done.stderr
    # native wherever the language can say it: nothing raw in this database
    assert "0 raw sql" in done.stdout and "sql $" not in text, text
    for made in ("create schema app", "create enum app.mood", "create domain app.email", "create type app.money_pair",
                 "create function app.touch()", "create trigger users_touch", "create policy users_own",
                 "grant select on table app.users to public", "comment on table app.orgs", "create extension"):
        assert made in text
    # types and functions before the tables that use them, views after their tables, foreign keys last
    assert text.index("create enum app.mood") < text.index("create table app.users") < text.index(
        "create view app.active_users") < text.index("foreign key")
    # constraints' timing (pg_dump: DEFERRABLE INITIALLY DEFERRED) is native
    assert "on delete cascade deferrable initially deferred" in text and "primary key (at, who) deferrable" in text, text
    assert "with no data" in text and text.count("with no data") == 1  # app.later only: it was never refreshed
    assert "Owner:" not in text and "SET statement_timeout" not in text and "\\restrict" not in text  # pg_dump's noise left out
    assert snapshot(rich_db) == before  # nothing run on the source
    # recorded as applied, with the checksum `up` records
    import hashlib

    rows = _rows(rich_db, "select version, name, checksum from public.migc_migrations")
    assert rows == [(1, "baseline", hashlib.sha256(path.read_bytes()).hexdigest())]

    status = run_migc("status", "--database-url", rich_db, cwd=tmp_path)
    assert status.returncode == 0 and "0001  baseline  applied" in status.stdout
    up = run_migc("up", "--database-url", rich_db, cwd=tmp_path)
    assert up.returncode == 0 and "nothing to apply" in up.stdout
    diff = run_migc("diff", "--database-url", rich_db, cwd=tmp_path)
    assert diff.returncode == 0 and "no drift" in diff.stdout, diff.stdout + diff.stderr
    verify = run_migc("verify", "--database-url", rich_db, cwd=tmp_path)
    assert verify.returncode == 0 and "verified 1 migration(s)" in verify.stdout, verify.stderr

    # a migration written afterwards applies there, alone
    (tmp_path / "migrations" / "0002_more.mig").write_text(
        "alter table app.users add column nickname text\ncreate index users_nickname_idx on app.users (nickname)\n")
    up = run_migc("up", "--database-url", rich_db, cwd=tmp_path)
    assert up.returncode == 0 and "applied 1 migration(s)" in up.stdout, up.stderr
    assert _rows(rich_db, "select count(*) from app.orgs") == [(1,)]  # the data is untouched
    assert run_migc("diff", "--database-url", rich_db, cwd=tmp_path).returncode == 0


def test_dry_run_prints_and_changes_nothing(tmp_path: Path, rich_db: str, run_migc: Callable[..., Any]) -> None:
    done = run_migc("init", "--from-database", "--dry-run", "--database-url", rich_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("-- baseline of the database ") and "create table app.users" in done.stdout
    assert "nothing was written or recorded" in done.stderr
    assert not (tmp_path / "migrations").exists()
    assert _rows(rich_db, "select to_regclass('public.migc_migrations') is null") == [(True,)]


def test_the_configured_url_and_one_schema(tmp_path: Path, rich_db: str, run_migc: Callable[..., Any]) -> None:
    done = run_migc("init", "--from-database", "--schema", "audit", cwd=tmp_path, env={"DATABASE_URL": rich_db})
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "migrations" / "0001_baseline.mig").read_text()
    assert "create table audit.log" in text and "app." not in text
    assert run_migc("up", cwd=tmp_path, env={"DATABASE_URL": rich_db}).stdout.startswith("nothing to apply")


def test_next_version_when_the_directory_has_migrations(tmp_path: Path, fresh_db: str,
                                                         run_migc: Callable[..., Any]) -> None:
    _rows(fresh_db, "create table t (id int primary key)")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0007_old.mig").write_text("create table old (id int)\n")
    done = run_migc("init", "--from-database", fresh_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "migrations" / "0008_baseline.mig").is_file()
    assert _rows(fresh_db, "select version from public.migc_migrations") == [(8,)]


REAL = sorted(p.name for p in HISTORIES.iterdir() if (p / "history.toml").is_file()
              and "layout" in tomllib.loads((p / "history.toml").read_text()))


DEFERRED_IN_BASELINE = {"hoppscotch": 4}  # UNIQUE ... DEFERRABLE INITIALLY DEFERRED (raw sql before the language had them)


@pytest.mark.parametrize("name", REAL)
def test_baseline_of_a_database_built_by_a_real_history(name: str, tmp_path: Path, fresh_db: str,
                                                         run_migc: Callable[..., Any]) -> None:
    """A real history run as its tool runs it (each file in a transaction, or statement by
    statement); then the baseline of the result."""
    from migc.adopt.layouts import read_history
    from migc.sqlsplit import statements

    config = tomllib.loads((HISTORIES / name / "history.toml").read_text())
    source = HISTORIES / name / config.get("import_source", "source")
    for migration in read_history(source, config["layout"]).migrations:
        with psycopg.connect(fresh_db, autocommit=not migration.transactional) as conn:
            if migration.transactional:
                conn.execute(migration.up.text)
            else:
                for statement in statements(migration.up.text):
                    conn.execute(statement.sql)
    started = time.perf_counter()
    done = run_migc("init", "--from-database", fresh_db, cwd=tmp_path, timeout=600)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    print(f"baseline of {name}: {elapsed:.1f} s; {done.stdout.strip()}")
    text = (tmp_path / "migrations" / "0001_baseline.mig").read_text()
    # everything native, functions and triggers too, and hoppscotch's deferrable unique constraints
    assert ", 0 raw sql" in done.stdout and "sql $" not in text, text
    assert text.count("deferrable initially deferred") == DEFERRED_IN_BASELINE.get(name, 0), text
    up = run_migc("up", "--database-url", fresh_db, cwd=tmp_path)
    assert up.returncode == 0 and "nothing to apply" in up.stdout
    diff = run_migc("diff", "--database-url", fresh_db, cwd=tmp_path)  # the model knows their timing too
    assert diff.returncode == 0, diff.stdout
    verify = run_migc("verify", "--database-url", fresh_db, cwd=tmp_path)
    assert verify.returncode == 0, verify.stderr


def test_a_raw_statement_makes_the_baseline_irreversible(tmp_path: Path, fresh_db: str,
                                                          run_migc: Callable[..., Any]) -> None:
    # an aggregate: no .mig form, so it stays raw (and the baseline has no down)
    _rows(fresh_db, "create aggregate total(int) (sfunc = int4pl, stype = int, initcond = '0');"
                    "create table t (id int check (id > 0))")
    done = run_migc("init", "--from-database", fresh_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "migrations" / "0001_baseline.mig").read_text()
    assert "sql $sql$" in text and "CREATE AGGREGATE" in text
    assert "1 raw sql" in done.stdout and "no .mig form for create aggregate" in done.stderr
    down = run_migc("down", "--database-url", fresh_db, cwd=tmp_path)
    assert down.returncode == 1 and "irreversible" in down.stderr
    assert _rows(fresh_db, "select count(*) from pg_aggregate a join pg_proc p on p.oid = a.aggfnoid "
                           "where p.proname = 'total'") == [(1,)]


def test_clean_dump_keeps_what_matters() -> None:
    dump = ("--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\n-- Dumped from database version 18.6\n"
            "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\n"
            "--\n-- Name: t; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE public.t (id integer);\n\n"
            "CREATE MATERIALIZED VIEW public.m AS\n SELECT 1 AS one\n  WITH NO DATA;\n"
            "CREATE MATERIALIZED VIEW public.n AS\n SELECT 1 AS one\n  WITH NO DATA;\n\\unrestrict abc\n")
    assert clean_dump(dump, frozenset({"public.m"})) == (
        "CREATE TABLE public.t (id integer);\n\nCREATE MATERIALIZED VIEW public.m AS\n SELECT 1 AS one;\n"
        "CREATE MATERIALIZED VIEW public.n AS\n SELECT 1 AS one\n  WITH NO DATA;\n")


def test_a_native_form_that_changes_the_catalog_goes_raw(tmp_path: Path, fresh_db: str,
                                                          run_migc: Callable[..., Any]) -> None:
    """An identity column whose sequence was renamed: the rewrite that leaves out pg_dump's
    `SEQUENCE NAME` would make another sequence name, so the proof writes that statement raw."""
    _rows(fresh_db, "create table a (id int generated always as identity, x text);"
                    "alter sequence a_id_seq rename to custom_seq")
    done = run_migc("init", "--from-database", fresh_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "raw after all: its native form changed the catalog (sequence public.a_id_seq: only in the baseline" \
           in done.stderr
    text = (tmp_path / "migrations" / "0001_baseline.mig").read_text()
    assert "sql $sql$\nALTER TABLE public.a ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME " \
           "public.custom_seq" in text, text
    assert run_migc("up", "--database-url", fresh_db, cwd=tmp_path).stdout.startswith("nothing to apply")


def test_a_difference_left_names_the_object(tmp_path: Path, fresh_db: str) -> None:
    """The proof against a catalog the baseline cannot build: each difference is named."""
    from migc.adopt.proving import prove_translation
    from migc.adopt.translate import render_file
    from migc.project import load_config
    from migc.runner.urls import DatabaseTarget

    _rows(fresh_db, "create table t (id int)")
    expected = snapshot(fresh_db)
    expected["tables"]["public.ghost"] = expected["tables"]["public.t"]
    config = load_config(tmp_path)
    proven = prove_translation(config, DatabaseTarget(fresh_db, "test"), "create table t (id int);",
                               "0001_baseline.mig", "pg_dump", lambda t: render_file(t, "h", None), expected,
                               names=("the database", "the baseline"))
    assert proven.problems == ["table public.ghost: only in the database"]
    assert proven.fallbacks == []


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("url, words", [
    ("postgresql://someone:s3cr3tpass@127.0.0.1:1/db", "cannot connect"),
    ("postgresql://someone:s3cr3tpass@[nonsense/db", "invalid database URL"),
])
def test_unreachable_or_bad_url(tmp_path: Path, run_migc: Callable[..., Any], url: str, words: str) -> None:
    done = run_migc("init", "--from-database", url, cwd=tmp_path)
    assert done.returncode == 1 and words in done.stderr, done.stderr
    assert "(from the URL argument)" in done.stderr, "the URL was given as the argument, not --database-url"
    assert "s3cr3tpass" not in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert not (tmp_path / "migrations").exists()
    by_option = run_migc("init", "--from-database", "--database-url", url, cwd=tmp_path)
    assert by_option.returncode == 1 and "(from --database-url)" in by_option.stderr, by_option.stderr


def test_a_user_who_may_not_read_everything(tmp_path: Path, fresh_db: str, run_migc: Callable[..., Any]) -> None:
    """pg_dump refused (permission denied): its message, without the password, and nothing written."""
    import uuid

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    role = f"migc_reader_{uuid.uuid4().hex[:8]}"
    _rows(fresh_db, f"create role {role} login password 'pa55word_xyz'; create table secret (id int);"
                    f"revoke all on secret from public")
    try:
        params = {**conninfo_to_dict(fresh_db), "user": role, "password": "pa55word_xyz"}
        done = run_migc("init", "--from-database", make_conninfo("", **params), cwd=tmp_path)
        assert done.returncode == 1, done.stdout
        assert "pg_dump of" in done.stderr and "permission denied" in done.stderr, done.stderr
        assert "pa55word_xyz" not in done.stderr + done.stdout and "Traceback" not in done.stderr
        assert not (tmp_path / "migrations").exists()
    finally:
        _rows(fresh_db, f"drop table secret; drop role {role}")


def test_schema_naming_nothing(tmp_path: Path, fresh_db: str, run_migc: Callable[..., Any]) -> None:
    done = run_migc("init", "--from-database", fresh_db, "--schema", "nosuch", cwd=tmp_path)
    assert done.returncode == 1 and "--schema nosuch: no such schema" in done.stderr, done.stderr


def test_a_version_the_tracking_table_already_has(tmp_path: Path, fresh_db: str,
                                                   run_migc: Callable[..., Any]) -> None:
    _rows(fresh_db, "create table t (id int)")
    assert run_migc("init", "--from-database", fresh_db, cwd=tmp_path).returncode == 0
    (tmp_path / "migrations" / "0001_baseline.mig").unlink()
    done = run_migc("init", "--from-database", fresh_db, cwd=tmp_path)
    assert done.returncode == 1 and "already records version 1 (0001_baseline)" in done.stderr, done.stderr
    assert not (tmp_path / "migrations" / "0001_baseline.mig").exists()


def test_without_from_database(tmp_path: Path, run_migc: Callable[..., Any]) -> None:
    done = run_migc("init", cwd=tmp_path)
    assert done.returncode == 1 and "--from-database" in done.stderr


def test_a_schema_that_needs_what_it_leaves_out(tmp_path: Path, rich_db: str, run_migc: Callable[..., Any]) -> None:
    """`--schema app` leaves out the extension citext (in public) that app's domain needs: the
    proof on the empty scratch database fails, and says so; nothing is written."""
    done = run_migc("init", "--from-database", rich_db, "--schema", "app", cwd=tmp_path)
    assert done.returncode == 1 and "0001_baseline.mig fails on an empty scratch database" in done.stderr, done.stderr
    assert "citext" in done.stderr
    assert not (tmp_path / "migrations" / "0001_baseline.mig").exists()
    assert _rows(rich_db, "select to_regclass('public.migc_migrations') is null") == [(True,)]


def test_an_old_pg_dump_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pg_dump older than the server cannot read its catalog: every one found is named."""
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(MigcError) as err:
        pg_dump_binary(990000)  # PostgreSQL 99
    assert "pg_dump is older than the server (PostgreSQL 99)" in err.value.message
    assert f"{fake} is version 9" in err.value.message
    assert pg_dump_binary(170000) != fake  # the embedded distribution's is new enough for 17
    json.dumps(describe_differences({}, {}))  # the comparison the proof uses takes any catalog
