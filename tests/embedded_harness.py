"""Helpers for tests that drive whole `migc` processes against embedded servers of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from migc.runner.embedded import locate, server_running
from migc.runner.embedded_layout import read_json
from migc.runner.embedded_server import Running, stop
from migc.runner.processes import ProcessId, is_running


def migc_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(extra or {})
    return env


def ctrl_c_reaches_it() -> None:
    """In the child before exec: Ctrl-C (SIGINT) as in a terminal. A test session started as a
    background job (`pytest &`) has SIGINT ignored, children inherit that, and migc rightly leaves an
    ignored signal ignored: a test that sends Ctrl-C would then wait for nothing."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_migc(cwd: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.Popen[str]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("preexec_fn", ctrl_c_reaches_it)
    return subprocess.Popen([sys.executable, "-m", "migc", *args], cwd=cwd, env=migc_env(env), text=True, **kwargs)


def run_migc(cwd: Path, *args: str, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migc", *args], cwd=cwd, env=migc_env(env), text=True,
                          capture_output=True, timeout=timeout)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition of the real system (not a stand-in sleep); fail the test if it never holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def rows(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def running_server(project: Path) -> Running | None:
    try:
        return server_running(project / ".migc")
    except Exception:  # noqa: BLE001 - half-made state while a migc is starting it
        return None


def active_query(project: Path, like: str) -> bool:
    """Whether the project's embedded server runs a query matching `like` (a LIKE pattern)."""
    server = running_server(project)
    if server is None or server.status != "ready":
        return False
    found = rows(server.url, "select 1 from pg_stat_activity where state = 'active' and query like %s "
                             "and pid <> pg_backend_pid()", [like])
    return bool(found)


def stop_recorded_server(home: Path) -> None:
    """Stop the server migc recorded starting in `home` (a `.migc`, or a home of root's), if it
    still runs: the safety net of tests that start servers of their own."""
    process = ProcessId.from_json(read_json(home / "server.json").get("process"))
    if process is not None and is_running(process):
        stop(Running(process.pid, home / "run", 5432, "ready", process), None, 30)


def stop_project_server(project: Path) -> None:
    state_dir = project / ".migc"
    stop_recorded_server(state_dir)
    layout = locate(state_dir)
    if layout is not None and layout.home != state_dir:
        stop_recorded_server(layout.home)
