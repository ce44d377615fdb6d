"""Issue 8, runner side: what a user meets through `migc ...` on a real PostgreSQL when the database,
the configuration or the command line is not what the runner expects. One test (or a few) per
numbered item of the issue, each named after it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

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
