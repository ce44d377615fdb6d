"""`migc up / down / status / verify / diff` as a user runs them: processes, exit codes, the database."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from migc.runner.catalog import describe_differences, snapshot

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
RunMigc = Callable[..., subprocess.CompletedProcess[str]]


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())


def example_project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "migrations", tmp_path / "migrations")
    return tmp_path


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def failed(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "error" in result.stderr
    return result


def test_example_project_up_down_up(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    project = example_project(tmp_path)
    count = len(list((project / "migrations").glob("*.mig")))
    empty = snapshot(fresh_db)
    up = ok(run_migc("up", "--database-url", fresh_db, cwd=project))
    assert sum(line.startswith("applied 0") for line in up.stdout.splitlines()) == count
    migrated = snapshot(fresh_db)
    assert "public.users" in migrated["tables"] and "public.published_posts" in migrated["views"]
    # the example shows language v2 natively: an extension, a trigger and its function, comments
    assert "pg_trgm" in migrated["extensions"] and "public.touch_updated_at()" in migrated["functions"]
    assert "posts_touch" in migrated["tables"]["public.posts"]["triggers"]
    assert any("published_posts" in key for key in migrated["comments"])

    status = ok(run_migc("status", "--database-url", fresh_db, cwd=project))
    assert [line.split()[2] for line in status.stdout.splitlines()] == ["applied"] * count

    # 0004 changes a column's type back from text to varchar(120): a down that can refuse data
    refused = run_migc("down", "--to", "0", "--database-url", fresh_db, cwd=project)
    assert refused.returncode == 1 and "0004_rename_user_name: public.users.name" in refused.stderr
    ok(run_migc("down", "--to", "0", "--allow-data-loss", "--database-url", fresh_db, cwd=project))
    assert describe_differences(empty, snapshot(fresh_db)) == []
    assert rows(fresh_db, "select count(*) from migc_migrations") == [(0,)]

    ok(run_migc("up", "--database-url", fresh_db, cwd=project))
    assert describe_differences(migrated, snapshot(fresh_db)) == []
    ok(run_migc("diff", "--database-url", fresh_db, cwd=project))  # the model is the catalog: no drift


def test_example_project_verifies(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    result = ok(run_migc("verify", "--database-url", fresh_db, cwd=example_project(tmp_path)))
    assert "verified" in result.stdout


def _golden_cases() -> list[Path]:
    """Golden case projects that compile (those with errors are about diagnostics, not running)."""
    return sorted(
        case for case in GOLDEN.iterdir()
        if (case / "up.sql").exists() and "error[" not in _read(case / "diagnostics.txt")
    )


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@pytest.mark.parametrize("case", _golden_cases(), ids=lambda p: p.name)
def test_golden_case_verifies_and_goes_up_down_up(case: Path, tmp_path: Path, fresh_db: str,
                                                   pg_server_url: str) -> None:
    """Each golden project through the runner: verify (up, down, up of every migration on a scratch
    database, then the compiled schema), then up, down --to 0, up on a database of its own."""
    from golden_harness import create_roles, drop_roles

    roles = create_roles(case, pg_server_url)  # the roles a case grants to (its roles.txt)
    try:
        _verify_up_down_up(case, tmp_path, fresh_db)
    finally:
        drop_roles(pg_server_url, roles, fresh_db)


def _verify_up_down_up(case: Path, tmp_path: Path, fresh_db: str) -> None:
    import io

    from migc.errors import MigcError
    from migc.project import ProjectConfig
    from migc.runner.report import Output
    from migc.runner.run_commands import RunOptions, run_down, run_up
    from migc.runner.verify import run_verify

    shutil.copytree(case, tmp_path / "migrations", ignore=shutil.ignore_patterns("*.sql", "*.txt"))
    config = ProjectConfig(tmp_path / "migrations")
    out = Output(io.StringIO(), io.StringIO(), interactive=False)
    options = RunOptions(database_url=fresh_db)
    assert run_verify(config, out, options) == 0

    empty = snapshot(fresh_db)
    assert run_up(config, out, options) == 0
    migrated = snapshot(fresh_db)
    from migc.compiler import compile_project

    if all(m.down is not None for m in compile_project(config).migrations):
        assert run_down(config, out, options, to=0, allow_data_loss=True) == 0
        assert describe_differences(empty, snapshot(fresh_db), "before up", "after down") == []
        assert run_up(config, out, options) == 0
        assert describe_differences(migrated, snapshot(fresh_db), "first up", "second up") == []
    else:
        with pytest.raises(MigcError) as refused:
            run_down(config, out, options, to=0)
        assert "irreversible" in refused.value.message and ".mig:" in refused.value.message
        assert snapshot(fresh_db) == migrated


def test_status_json_and_tamper_exit_codes(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for version, table in ((1, "a"), (2, "b"), (3, "c")):
        (migrations / f"{version:04d}_create_{table}.mig").write_text(f"create table {table} (id int)\n")
    ok(run_migc("up", "--to", "2", "--database-url", fresh_db, cwd=tmp_path))
    listed = json.loads(ok(run_migc("status", "--format", "json", "--database-url", fresh_db, cwd=tmp_path)).stdout)
    assert [m["state"] for m in listed] == ["applied", "applied", "pending"]
    assert listed[0]["version"] == "0001" and listed[0]["version_number"] == 1 and listed[0]["applied_at"]

    first = migrations / "0001_create_a.mig"
    first.write_text(first.read_text() + "-- an edit after the fact\n")
    status = run_migc("status", "--database-url", fresh_db, cwd=tmp_path)
    assert status.returncode == 1 and status.stdout.splitlines()[0].split()[:3] == ["0001", "create_a", "modified"]
    refused = failed(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "0001_create_a: modified" in refused.stderr and "--allow-modified" in refused.stderr
    assert rows(fresh_db, "select count(*) from migc_migrations") == [(2,)]

    (migrations / "0002_create_b.mig").unlink()
    status = run_migc("status", "--database-url", fresh_db, cwd=tmp_path)
    assert status.returncode == 1 and "0002  create_b  missing" in status.stdout
    loud = ok(run_migc("up", "--allow-modified", "--database-url", fresh_db, cwd=tmp_path))
    assert "warning" in loud.stderr and "0002_create_b: missing" in loud.stderr
    assert "applied 0003_create_c" in loud.stdout
    # down works from the stored SQL although 0002's file is gone and 0001's changed
    ok(run_migc("down", "--to", "0", "--database-url", fresh_db, cwd=tmp_path))
    assert snapshot(fresh_db)["tables"] == {}


def test_up_applies_nothing_when_a_migration_has_errors(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    project = example_project(tmp_path)
    (project / "migrations" / "0099_broken.mig").write_text("create table broken (id nosuchtype)\n")
    result = failed(run_migc("up", "--database-url", fresh_db, cwd=project))
    assert "0099_broken.mig:1:" in result.stderr and "nothing was applied" in result.stderr
    assert rows(fresh_db, "select to_regclass('migc_migrations')") == [(None,)]


def test_failing_sql_is_reported_without_traceback(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_ok.mig").write_text("create table ok (id int)\n")
    (tmp_path / "migrations" / "0002_bad.mig").write_text(
        "create table bad (id int)\nsql $$ insert into bad values ('not a number') $$ down $$ delete from bad $$\n"
    )
    result = failed(run_migc("up", "--database-url", fresh_db, cwd=tmp_path))
    assert "0002_bad" in result.stderr and "migrations/0002_bad.mig" in result.stderr
    assert "statement 2 of 2" in result.stderr
    assert "invalid input syntax for type integer" in result.stderr
    assert "^" in result.stderr  # PostgreSQL's position, under the offending literal
    assert [int(v) for (v,) in rows(fresh_db, "select version from migc_migrations")] == [1]
    assert rows(fresh_db, "select to_regclass('bad')") == [(None,)]


def test_dry_run_prints_sql_and_changes_nothing(tmp_path: Path, fresh_db: str, run_migc: RunMigc) -> None:
    project = example_project(tmp_path)
    result = ok(run_migc("up", "--dry-run", "--database-url", fresh_db, cwd=project))
    assert "CREATE TABLE" in result.stdout and "BEGIN;" in result.stdout
    assert snapshot(fresh_db)["tables"] == {}
    assert rows(fresh_db, "select to_regclass('migc_migrations')") == [(None,)]


SECRET = "Very-S3cret-pass"


@pytest.mark.parametrize("url", [
    f"postgresql://app:{SECRET}@127.0.0.1:1/app",
    f"host=127.0.0.1 port=1 user=app password={SECRET} dbname=app",
])
def test_unreachable_database_via_cli(tmp_path: Path, run_migc: RunMigc, url: str) -> None:
    project = example_project(tmp_path)
    for command in (["up"], ["status"], ["down"]):
        result = failed(run_migc(*command, "--database-url", url, cwd=project))
        assert "cannot connect to the database" in result.stderr
        assert SECRET not in result.stderr + result.stdout
    env_result = failed(run_migc("status", cwd=project, env={"DATABASE_URL": url}))
    assert "DATABASE_URL" in env_result.stderr and SECRET not in env_result.stderr
