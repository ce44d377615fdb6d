"""`migc import` (src/migc/adopt/): layouts, translation, rewrites, downs, the proof, errors, and
real public histories imported and checked on PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import tomllib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.adopt import translate
from migc.adopt.importer import ImportOptions, run_import
from migc.adopt.layouts import read_history, slug_of
from migc.adopt.translate import REWRITES, dollar_tag, translate_sql
from migc.errors import MigcError
from migc.ir.model import Name
from migc.ir.schema import Schema
from migc.project import load_config
from migc.runner.catalog import describe_differences, snapshot
from migc.runner.report import Output
from migc.runner.urls import with_database
from migc.sqlsplit import statements

HISTORIES = Path(__file__).parent / "real_histories"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# ---------------------------------------------------------------- layouts


def test_flyway(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {
        "V1__Create_users.sql": "create table users (id int);", "U1__Create_users.sql": "drop table users;",
        "V2__Add email.sql": "alter table users add column email text;", "R__views.sql": "select 1;",
    })
    history = read_history(src)
    assert history.layout == "flyway"
    assert [(m.version, m.slug, m.file_name) for m in history.migrations] == [
        (1, "create_users", "1_create_users.mig"), (2, "add_email", "2_add_email.mig")]
    assert history.migrations[0].down is not None and history.migrations[1].down is None
    assert any("R__views.sql" in note and "repeatable" in note for note in history.notes)


def test_flyway_dotted_versions_become_positions(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"V1.10__b.sql": "select 2;", "V1.2__a.sql": "select 1;"})
    history = read_history(src)
    assert [(m.version, m.slug) for m in history.migrations] == [(1, "a"), (2, "b")]


def test_golang_migrate(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {
        "000002_add-email.up.sql": "alter table users add column email text;",
        "000001_init.up.sql": "create table users (id int);", "000001_init.down.sql": "drop table users;",
    })
    history = read_history(src)
    assert history.layout == "golang-migrate"
    assert [m.file_name for m in history.migrations] == ["000001_init.mig", "000002_add_email.mig"]
    assert history.migrations[0].down is not None and history.migrations[0].down.text == "drop table users;"


def test_dbmate(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"20240101000000_init.sql": (
        "-- migrate:up\ncreate table users (id int);\n\n-- migrate:down\ndrop table users;\n"),
        "20240102000000_idx.sql": "-- migrate:up transaction:false\ncreate index concurrently on users (id);\n"})
    history = read_history(src)
    assert history.layout == "dbmate"
    first, second = history.migrations
    assert first.up.text.strip() == "create table users (id int);" and first.up.first_line == 2
    assert first.down is not None and first.down.text.strip() == "drop table users;" and first.down.first_line == 5
    assert second.down is None and not second.transactional


def test_goose(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"00001_init.sql": (
        "-- +goose Up\n-- +goose StatementBegin\ncreate function f() returns int as $$ select 1; $$ language sql;\n"
        "-- +goose StatementEnd\n-- +goose Down\ndrop function f();\n"),
        "00002_b.sql": "-- +goose NO TRANSACTION\n-- +goose Up\ncreate table t (id int);\n"})
    history = read_history(src)
    assert history.layout == "goose"
    first, second = history.migrations
    assert "StatementBegin" not in first.up.text and "create function" in first.up.text
    assert first.down is not None and first.transactional and not second.transactional


def test_prisma(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"20230101000000_init/migration.sql": "create table a (id int);",
                                   "20230202000000_second/migration.sql": "create table b (id int);",
                                   "migration_lock.toml": 'provider = "postgresql"'})
    history = read_history(src)
    assert history.layout == "prisma"
    assert [m.file_name for m in history.migrations] == ["20230101000000_init.mig", "20230202000000_second.mig"]


def test_sqitch_follows_the_plan(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {
        "sqitch.plan": "%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z A <a@b> # users\n"
                       "appschema 2024-01-02T00:00:00Z A <a@b>\n@v1 2024-01-03T00:00:00Z A <a@b>\n",
        "deploy/users.sql": "BEGIN;\ncreate table users (id int);\nCOMMIT;\n", "revert/users.sql": "drop table users;",
        "deploy/appschema.sql": "create schema app;",
    })
    history = read_history(src)
    assert history.layout == "sqitch"
    assert [(m.version, m.slug, m.down is not None) for m in history.migrations] == [
        (1, "users", True), (2, "appschema", False)]


def test_plain(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"2_b.sql": "select 1;", "10_c.sql": "select 1;", "1_a.sql": "select 1;"})
    history = read_history(src)
    assert history.layout == "plain" and [m.version for m in history.migrations] == [1, 2, 10]


def test_forced_layout(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"1_a.sql": "-- +goose Up\nselect 1;"})
    assert read_history(src).layout == "goose"
    assert read_history(src, "plain").layout == "plain"


def test_slugs() -> None:
    assert slug_of("Add Email-Column") == "add_email_column"
    assert slug_of("1.10.0_schema") == "1_10_0_schema"
    assert slug_of("---") == "migration"


def test_templates(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"1_a.up.sql": "create schema {{ .Schema }};\ncreate table ${Schema}.t (id int);"})
    history = read_history(src, values={"Schema": "app"})
    assert history.migrations[0].up.text == "create schema app;\ncreate table app.t (id int);"
    with pytest.raises(MigcError) as err:
        read_history(src)
    assert "1_a.up.sql:1: template placeholder {{ .Schema }} has no value" in err.value.message
    assert err.value.hint == "give it one with --set Schema=VALUE"
    plain = write(tmp_path / "plain", {"1_a.up.sql": "insert into t values ('${not_mine}');"})
    assert "${not_mine}" in read_history(plain).migrations[0].up.text  # not golang-migrate's syntax: left alone
    flyway = write(tmp_path / "flyway", {"V1__a.sql": "create schema ${schema};"})
    with pytest.raises(MigcError, match=r"placeholder \$\{schema\} has no value"):
        read_history(flyway)
    assert read_history(flyway, values={"schema": "app"}).migrations[0].up.text == "create schema app;"


@pytest.mark.parametrize(("files", "message"), [
    ({}, "no SQL migrations found"),
    ({"1_a.up.sql": "select 1;", "01_b.up.sql": "select 2;"}, "two up migrations with version 1"),
    ({"1_a.down.sql": "select 1;"}, "a down migration without its up"),
    ({"1_a.sql": "-- migrate:down\nselect 1;\n-- migrate:up\nselect 2;"}, "the down section comes before the up"),
])
def test_layout_errors(tmp_path: Path, files: dict[str, str], message: str) -> None:
    src = write(tmp_path / "src", files)
    src.mkdir(exist_ok=True)
    with pytest.raises(MigcError) as err:
        read_history(src)
    assert message in err.value.message


# ---------------------------------------------------------------- translation


def kinds(sql: str, schema: Schema | None = None) -> list[tuple[str, str | None]]:
    t = translate_sql(sql, schema or Schema(), "x.sql")
    return [(i.kind, i.reason) for i in t.items]


def test_native_raw_and_skipped() -> None:
    t = translate_sql(
        "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n"
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
        "INSERT INTO users VALUES (1, 'a');\n"
        "DO $$ begin perform 1; end $$;\n"
        "ALTER TABLE users ADD COLUMN nickname text;\n"
        "ALTER TABLE nosuch ADD COLUMN x int;\n",
        Schema(), "x.sql")
    got = [(i.kind, i.reason, i.where) for i in t.items]
    assert got[:4] == [
        ("skipped", "a session setting (statement_timeout)", "x.sql:1:1"),
        ("skipped", "a session setting written by pg_dump", "x.sql:2:1"),
        ("native", None, "x.sql:3:1"),
        ("raw", "data change (insert): raw by design", "x.sql:4:1"),
    ]
    assert got[4][0] == "raw" and got[5][0] == "native"
    assert got[6][0] == "raw" and got[6][1] is not None and got[6][1].startswith("the checks refused it: E1")
    assert t.native == 2 and t.raw == 3


def test_statements_after_raw_sql_still_native() -> None:
    t = translate_sql("do $$ begin perform 1; end $$;\ncreate table a (id int);",
                      Schema(), "x.sql")
    assert [i.kind for i in t.items] == ["raw", "native"]


def test_deferrable_constraints_are_native() -> None:
    """pg_dump's spellings of a constraint's timing, and ALTER CONSTRAINT, translate natively, and the
    model carries the timing; what PostgreSQL refuses stays raw with the reason."""
    t = translate_sql(
        "CREATE TABLE public.u (id bigint NOT NULL, code text);\n"
        "CREATE TABLE public.t (a bigint NOT NULL, u_id bigint, c text);\n"
        "ALTER TABLE ONLY public.u ADD CONSTRAINT u_pkey PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY public.u ADD CONSTRAINT u_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED;\n"
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES public.u(id) "
        "ON DELETE CASCADE DEFERRABLE NOT VALID;\n"
        "ALTER TABLE public.t ALTER CONSTRAINT t_u_fk NOT DEFERRABLE INITIALLY IMMEDIATE;\n"
        "ALTER TABLE public.t ADD CONSTRAINT t_code_fk FOREIGN KEY (c) REFERENCES public.u(code);\n",
        Schema(), "x.sql")
    assert [i.kind for i in t.items] == ["native"] * 6 + ["raw"]
    reason = t.items[6].reason
    assert reason is not None and "E261" in reason, reason
    u = t.schema_after.tables[Name("public", "u")]
    code_key = u.constraint("u_code_key")
    assert code_key is not None and (code_key.deferrable, code_key.initially_deferred) == (True, True)
    fk = t.schema_after.tables[Name("public", "t")].constraint("t_u_fk")
    assert fk is not None and (fk.deferrable, fk.initially_deferred, fk.validated) == (False, False, False)


def test_if_exists_settled_by_the_model() -> None:
    t = translate_sql("create table a (id int);\nalter table a add column if not exists b int;\n"
                      "alter table a drop column if exists b;\ncreate index if not exists a_i on a (id);",
                      Schema(), "x.sql")
    assert [i.kind for i in t.items] == ["native"] * 4
    # the grammar may have the clause itself (language v2); where it does not, the model settles it
    assert all("if [not] exists settled by the model" in i.rewrites or " exists " in i.text.lower()
               for i in t.items[1:])
    assert translate._without_if_exists("alter table a add column if not exists b int, drop if exists c") == \
        "alter table a add column b int, drop c"
    assert translate._without_if_exists("create index if not exists a_i on a (id)") == "create index a_i on a (id)"


def test_if_exists_that_does_nothing_stays_raw() -> None:
    t = translate_sql("create table a (id int);\nalter table a drop column if exists nosuch;", Schema(), "x.sql")
    # raw, or native with the clause kept (language v2: it then does nothing, W005): never `drop column nosuch`
    assert t.items[1].kind == "raw" or "if exists" in t.items[1].text.lower()


def test_concurrently_in_a_migration_of_several_statements() -> None:
    t = translate_sql("create table a (id int);\ncreate index concurrently a_i on a (id);", Schema(), "x.sql")
    assert [i.kind for i in t.items] == ["native", "native"]
    assert "concurrently" not in t.items[1].text.lower()
    alone = translate_sql("create index concurrently a_i on a (id);",
                          translate_sql("create table a (id int);", Schema(), "x.sql").schema_after, "y.sql")
    assert "concurrently" in alone.items[0].text.lower()


def test_consecutive_raw_statements_share_one_block() -> None:
    t = translate_sql("insert into a values (1);\n-- two\ninsert into a values (2);\ncreate table b (id int);\n"
                      "insert into b values (3);", Schema(), "x.sql")
    assert t.body.count("sql $sql$") == 2
    assert "insert into a values (1);\n-- two\ninsert into a values (2);" in t.body


def test_dollar_tag_avoids_the_body() -> None:
    assert dollar_tag("select 1") == "$sql$"
    assert dollar_tag("a $sql$ b $sql1$") == "$sql2$"
    t = translate_sql("do $sql$ begin perform 1; end $sql$;", Schema(), "x.sql")
    assert "sql $sql1$" in t.body


def test_meta_commands_are_reported() -> None:
    t = translate_sql("\\connect app\ncreate table a (id int);", Schema(), "x.sql")
    assert [(i.kind, i.where) for i in t.items] == [("meta", "x.sql:1:1"), ("native", "x.sql:2:1")]
    assert not t.all_native


@pytest.mark.parametrize("rewrite", REWRITES, ids=lambda r: r.name)
def test_each_rewrite_turns_its_example_into_mig(rewrite: translate.Rewrite) -> None:
    from migc.syntax.parser import parse

    assert rewrite.apply(rewrite.example) == rewrite.result
    import migc.kinds  # noqa: F401

    migration, errors = parse(rewrite.result, "x.mig")
    assert errors == [] and migration is not None and len(migration.statements) == 1


def test_rewrites_translate_natively() -> None:
    t = translate_sql("CREATE TYPE mood AS ENUM ('sad', 'ok');\nALTER TYPE mood ADD VALUE 'happy';\n"
                      "CREATE TABLE public.t (m mood);\nALTER TABLE ONLY public.t ADD CONSTRAINT t_m UNIQUE (m);\n"
                      "CREATE INDEX t_idx ON public.t USING btree (m);\nALTER TABLE t RENAME TO u;",
                      Schema(), "x.sql")
    assert [i.kind for i in t.items] == ["native"] * 6


# ---------------------------------------------------------------- the command, on PostgreSQL


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "proj").mkdir()
    return tmp_path / "proj"


def run(project: Path, source: Path, url: str, *, force: bool = False, dry_run: bool = False,
        layout: str | None = None, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    config = load_config(project)
    code = run_import(config, Output(out, err, interactive=False),
                      ImportOptions(source, layout, {}, dry_run, force, as_json, url))
    return code, out.getvalue(), err.getvalue()


def test_import_writes_proven_files_and_keeps_or_drops_downs(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {
        "1_init.up.sql": "create table users (id bigint primary key, email text);",
        "1_init.down.sql": "drop table users;",  # what the derived down does: dropped
        "2_seed.up.sql": "create table roles (name text primary key);\ninsert into roles values ('admin');",
        "2_seed.down.sql": "drop table roles;",  # raw statements: kept as the explicit down
        "3_odd.up.sql": "alter table users add column age int;",
        "3_odd.down.sql": "alter table users drop column age;\ncreate table leftover (id int);",  # does more: kept
    })
    code, out, err = run(project, src, pg_server_url)
    assert code == 0, err
    files = sorted(p.name for p in (project / "migrations").iterdir())
    assert files == ["1_init.mig", "2_seed.mig", "3_odd.mig"]
    first = (project / "migrations/1_init.mig").read_text()
    assert "down {" not in first and "create table users" in first
    second = (project / "migrations/2_seed.mig").read_text()
    assert "down {\nsql $sql$\ndrop table roles;\n$sql$\n}" in second
    third = (project / "migrations/3_odd.mig").read_text()
    assert "create table leftover" in third and "down {" in third
    assert "proven: after each of 3 migration(s)" in err
    assert "3 statement(s)" not in err and "4 statement(s), 3 native (75%), 1 raw sql" in err
    assert "data change (insert): raw by design" in err


def test_import_refuses_to_overwrite(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {"1_init.sql": "create table a (id int);"})
    write(project, {"migrations/1_init.mig": "-- mine\n"})
    with pytest.raises(MigcError) as err:
        run(project, src, pg_server_url)
    assert "import never overwrites" in err.value.message
    assert (project / "migrations/1_init.mig").read_text() == "-- mine\n"


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {"1_init.sql": "create table a (id int);"})
    code, out, _ = run(project, src, pg_server_url, dry_run=True)
    assert code == 0 and "==> 1_init.mig <==" in out and "create table a (id int)" in out
    assert not (project / "migrations").exists()


def test_dry_run_json_holds_the_files(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {"1_init.sql": "create table a (id int);\ninsert into a values (1);"})
    code, out, _ = run(project, src, pg_server_url, dry_run=True, as_json=True)
    summary = json.loads(out)
    assert code == 0 and summary["native"] == 1 and summary["raw"] == 1 and summary["native_share"] == 0.5
    assert summary["raw_reasons"] == {"data change (insert): raw by design": 1}
    assert summary["files"][0]["raw_statements"][0]["at"].endswith("1_init.sql:2:1")
    assert "create table a (id int)" in summary["files"][0]["text"]


def test_the_proof_falls_back_to_raw_when_a_native_form_changes_the_catalog(
    tmp_path: Path, project: Path, pg_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a deliberately wrong rewrite: the native form would make the column wider than the original
    wrong = translate.Rewrite("wrong", re.compile(r"varchar\(10\)", re.I), "varchar(20)",
                              "x varchar(10)", "x varchar(20)")
    monkeypatch.setattr(translate, "REWRITES", (*translate.REWRITES, wrong))
    src = write(tmp_path / "src", {"1_a.sql": "create table a (id int);\ncreate table b (code varchar(10));"})
    code, _, err = run(project, src, pg_server_url)
    assert code == 0, err
    assert "x.sql" not in err and "1_a.sql:2:1: raw after all: its native form changed the catalog" in err
    text = (project / "migrations/1_a.mig").read_text()
    assert "create table a (id int)" in text and "sql $sql$\ncreate table b (code varchar(10));\n$sql$" in text


def test_the_proof_reports_a_difference_and_writes_nothing(
    tmp_path: Path, project: Path, pg_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a deliberately wrong skip: the migc side never creates table b
    real = translate._noise
    monkeypatch.setattr(translate, "_noise", lambda sql: "test" if sql.startswith("create table b") else real(sql))
    src = write(tmp_path / "src", {"1_a.sql": "create table a (id int);\ncreate table b (id int);"})
    with pytest.raises(MigcError) as err:
        run(project, src, pg_server_url)
    assert "nothing was written" in err.value.message
    assert not (project / "migrations").exists()
    code, _, stderr = run(project, src, pg_server_url, force=True)
    assert code == 1 and "differs: " in stderr and "table public.b: only in the original SQL" in stderr
    assert (project / "migrations/1_a.mig").is_file()


def test_the_original_failing_names_file_and_line(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {"1_a.sql": "create table a (id int);\n\nalter table nosuch add column x int;"})
    with pytest.raises(MigcError) as err:
        run(project, src, pg_server_url)
    assert "1_a.sql:3:1: the original SQL fails on a scratch database" in err.value.message
    assert 'relation "nosuch" does not exist' in err.value.message


# ---------------------------------------------------------------- the command line: errors


@pytest.mark.parametrize(("setup", "args", "message"), [
    ({}, ["nosuch"], "error: source directory not found"),
    ({"src/1_a.sql": "select 1;"}, ["src", "--layout", "liquibase"], "Invalid value for '--layout'"),
    ({"src/1_a.sql": "create schema {{ .S }};"}, ["src"], "template placeholder {{ .S }} has no value"),
    ({"src/1_a.sql": "select 'open;"}, ["src"], "1_a.sql:1:8: unterminated string"),
    ({"src/1_a.sql": "\\i other.sql\n"}, ["src"], "psql meta-commands"),
    ({"src/README.md": "hi"}, ["src"], "no SQL migrations found"),
    ({"src/1_a.sql": "select 1;"}, ["src", "--set", "novalue"], "expected NAME=VALUE"),
])
def test_cli_errors(tmp_path: Path, run_migc: Callable[..., Any], setup: dict[str, str], args: list[str],
                    message: str) -> None:
    write(tmp_path, setup)
    done = run_migc("import", *args, cwd=tmp_path)
    assert done.returncode in (1, 2), done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_unreadable_file(tmp_path: Path, run_migc: Callable[..., Any]) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/1_a.sql").write_bytes(b"select '\xff';")
    done = run_migc("import", "src", cwd=tmp_path)
    assert done.returncode == 1 and "not UTF-8" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- real public histories

REAL = sorted(p.name for p in HISTORIES.iterdir() if (p / "history.toml").is_file()
              and "layout" in tomllib.loads((p / "history.toml").read_text()))


@pytest.fixture
def make_db(pg_server_url: str) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        name = f"migc_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return with_database(pg_server_url, name)

    yield make
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("name", REAL)
def test_real_history_imports(name: str, tmp_path: Path, pg_server_url: str, make_db: Callable[[], str],
                              run_migc: Callable[..., Any]) -> None:
    history_dir = HISTORIES / name
    config = tomllib.loads((history_dir / "history.toml").read_text())
    source = history_dir / config.get("import_source", "source")
    project = tmp_path / "proj"
    project.mkdir()
    done = run_migc("import", str(source), "--layout", config["layout"], "--json", "--database-url", pg_server_url,
                    cwd=project, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    floor = config.get("import_native_share_at_least")
    if floor is None:  # a history translated by hand too: the import is at least as native
        from test_real_history import native_share

        floor = native_share(name) - 1e-9
    assert summary["native"] / summary["statements"] >= floor, summary

    # independently of the import's own proof: the original files, each as one string, against `migc up`
    from migc.compiler import compile_project
    from migc.runner.apply import apply_up
    from migc.runner.run_commands import read_applied
    from migc.runner.session import connect
    from migc.runner.tracking import TrackingTable
    from migc.runner.urls import DatabaseTarget

    original, migc_db = make_db(), make_db()
    compiled = compile_project(load_config(project), use_cache=False)
    assert compiled.ok
    migrations = read_history(source, config["layout"]).migrations
    assert len(migrations) == len(compiled.migrations)
    tracking = TrackingTable("public", "migc_migrations")
    with connect(DatabaseTarget(migc_db, "test")) as session:
        read_applied(session, tracking, create=True)
        for source_migration, migration in zip(migrations, compiled.migrations):
            with psycopg.connect(original, cursor_factory=psycopg.ClientCursor,
                                 autocommit=not source_migration.transactional) as conn:
                if source_migration.transactional:  # one transaction per file, as the tool runs it
                    conn.execute(source_migration.up.text)
                else:  # statement by statement (goose NO TRANSACTION)
                    for statement in statements(source_migration.up.text):
                        conn.execute(statement.sql)
            apply_up(session, tracking, migration)
            found = describe_differences(snapshot(original), snapshot(migc_db), "original SQL", "migc")
            assert found == [], f"after {migration.file.label}"
    done = run_migc("verify", "--database-url", pg_server_url, cwd=project, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout


def test_docs_list_every_rewrite() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "adopt.md").read_text()
    for rewrite in REWRITES:
        assert f"| {rewrite.name} | `{rewrite.example}` | `{rewrite.result}` |" in doc


@pytest.mark.parametrize(("files", "expected"), [
    ({"sqitch.plan": "%project=app\nusers 2024-01-01T00:00:00Z A <a@b>\n",
      "deploy/users.sql": "-- Deploy app:users\nBEGIN;\ncreate table users (id int);\nCOMMIT;\n",
      "revert/users.sql": "BEGIN;\ndrop table users;\nCOMMIT;\n"}, {"0001_users.mig": "create table users (id int)"}),
    ({"20240101000000_init.sql": "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n"},
     {"20240101000000_init.mig": "create table a (id int)"}),
    ({"V1__init.sql": "SET statement_timeout = 0;\nCREATE TYPE mood AS ENUM ('sad');\nCREATE TABLE t (m mood);",
      "V2__more.sql": "ALTER TYPE mood ADD VALUE 'ok';", "U2__more.sql": "select 1;"},
     {"1_init.mig": "create enum mood ('sad')", "2_more.mig": "alter enum mood add value 'ok'"}),
])
def test_layouts_import(tmp_path: Path, project: Path, pg_server_url: str, files: dict[str, str],
                        expected: dict[str, str]) -> None:
    src = write(tmp_path / "src", files)
    code, _, err = run(project, src, pg_server_url)
    assert code == 0, err
    for name, text in expected.items():
        written = (project / "migrations" / name).read_text()
        assert text in written
    assert "proven" in err


def test_a_concurrently_index_alone_in_its_file(tmp_path: Path, project: Path, pg_server_url: str) -> None:
    src = write(tmp_path / "src", {
        "1_a.up.sql": "create table a (id int);", "1_a.down.sql": "drop table a;",
        "2_idx.up.sql": "create index concurrently a_id_idx on a (id);",
        "2_idx.down.sql": "drop index concurrently a_id_idx;",
    })
    code, _, err = run(project, src, pg_server_url)
    assert code == 0, err
    text = (project / "migrations/2_idx.mig").read_text()
    assert "create index concurrently a_id_idx on a (id)" in text and "down {" not in text


PG_DUMP = """--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE TYPE public.mood AS ENUM (
    'sad',
    'ok'
);

ALTER TYPE public.mood OWNER TO app;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.users (
    id bigint NOT NULL,
    email text NOT NULL,
    mood public.mood
);

ALTER TABLE public.users OWNER TO app;

COMMENT ON TABLE public.users IS 'People';

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (email);

--
-- PostgreSQL database dump complete
--
"""


def test_a_pg_dump_goes_through_the_translator() -> None:
    """What a baseline will feed it: pg_dump's session noise skipped, its spellings native."""
    t = translate_sql(PG_DUMP, Schema(), "dump.sql")
    assert [i.kind for i in t.items if i.kind != "skipped"] == ["native"] * 5
    skipped = [i.reason for i in t.items if i.kind == "skipped"]
    assert len(skipped) == 14 and "ownership: objects belong to the role that runs the migrations" in skipped
    assert t.all_native and t.reversible
