"""Shared fixtures: a real PostgreSQL for every test that needs one, never a mock.

`pg_server_url` (session scope)
    The URL of a PostgreSQL server for the whole test session. `DATABASE_URL` if it is set (its
    database is only used to create and drop others: the user needs CREATEDB, and superuser for
    test_squawk.py's event triggers); otherwise one
    embedded server, started by migc's own `migc.runner.embedded` in a temporary directory for the
    session, stopped and deleted at its end. Under pytest-xdist (`-n 2`) the workers share that one
    server: the directory is made before they start, each joins the server, the last stops it.

`fresh_db` (function scope)
    A new, empty database with a unique name on that server; yields its URL (the server URL with
    the database name replaced) and drops it (`WITH (FORCE)`) after the test, whatever happened.

`shared_tmp_path` (function scope)
    A temporary directory outside pytest's own base directory (which is mode 0700, and reset to it
    by every pytest session that starts on the machine), removed after the test. Use it for what
    another OS user must reach: a FIFO the server opens, a project run by a test as another user.

`make_migration` (function scope)
    A factory for `CompiledMigration`s built by hand from SQL strings, with a real `.mig` file
    written under the test's tmp_path, so runner tests need no compiler.

`run_migc` (function scope)
    Runs the `migc` command line in a subprocess (`python -m migc ...`) with DATABASE_URL removed
    from its environment unless given; returns the CompletedProcess (text, stdout and stderr).

As root, embedded servers keep their data under `MIGC_EMBEDDED_DIR` (default
/var/lib/migc/embedded): unless it is set, the session points it (for itself and every migc it
starts) at a directory of its own, and at the end stops whatever server is still running there
and deletes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import migc.kinds
from migc.codegen.statement import SqlStatement
from migc.compiled import CompiledMigration
from migc.project import MigrationFile
from migc.runner.urls import with_database

from embedded_harness import stop_recorded_server


# Every statement kind, those loaded on first use too (migc.kinds), so that no test's outcome
# depends on which tests ran before it in the same worker. Loading on demand has its own test
# (test_lazy_kinds.py), in processes of its own.
migc.kinds.load_all()


def _admin_execute(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)


_SESSION_EMBEDDED_DIR: Path | None = None


# where the session's own embedded server lives: made by the main pytest process (under xdist, the
# controller) before any worker starts, so all workers share one server (migc's embedded lifecycle
# lets several processes use it; the last to leave stops it)
_SHARED_SERVER_ENV = "MIGC_TEST_SERVER_DIR"
_SESSION_SERVER_DIR: Path | None = None


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    global _SESSION_EMBEDDED_DIR, _SESSION_SERVER_DIR
    if _is_xdist_worker(config):
        return  # the controller set everything up; its environment is the workers'
    if os.geteuid() == 0 and not os.environ.get("MIGC_EMBEDDED_DIR"):
        _SESSION_EMBEDDED_DIR = Path(tempfile.mkdtemp(prefix="migc-test-embedded-"))
        _SESSION_EMBEDDED_DIR.chmod(0o711)  # the servers' user must pass through it
        os.environ["MIGC_EMBEDDED_DIR"] = str(_SESSION_EMBEDDED_DIR)
    if not os.environ.get("DATABASE_URL") and not os.environ.get(_SHARED_SERVER_ENV):
        _SESSION_SERVER_DIR = Path(tempfile.mkdtemp(prefix="migc-test-pg-"))
        os.environ[_SHARED_SERVER_ENV] = str(_SESSION_SERVER_DIR)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_SERVER_DIR is not None:
        from migc.runner.embedded import release

        release(_SESSION_SERVER_DIR / ".migc", stop_now=True)
        shutil.rmtree(_SESSION_SERVER_DIR, ignore_errors=True)
    if _SESSION_EMBEDDED_DIR is not None:
        for home in _SESSION_EMBEDDED_DIR.iterdir():
            stop_recorded_server(home)
        shutil.rmtree(_SESSION_EMBEDDED_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        yield env_url
        return
    from migc.runner.embedded import embedded_url, release

    state_dir = Path(os.environ[_SHARED_SERVER_ENV]) / ".migc"  # set by pytest_configure
    try:
        yield embedded_url(state_dir)
    finally:
        release(state_dir)  # the last process to leave stops it (and the session's end does anyway)


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
