"""Throw-away databases for `verify` and `diff`: created from template0, always dropped.

A migc killed meanwhile (SIGKILL) cannot drop its scratch database, so the name says whose it is:
`migc_scratch_<host>_<pid>_<start>_<random>`, the host tag covering the machine's boot and pid
namespace, and <start> the creating process's start time. Before creating one, migc drops those
whose process is gone (same host tag; pid dead, or reused by a process that started later) and
those of other hosts older than a day; it skips any it may not drop.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner import processes
from migc.runner.session import Session, SqlFailure, connect
from migc.runner.urls import DatabaseTarget, with_database

SCRATCH_NAME = re.compile(r"^migc_scratch_(?P<host>[0-9a-f]{8})_(?P<pid>[0-9]+)_(?P<start>[0-9]+)_[0-9a-f]+$")
FOREIGN_MAX_AGE_S = 24 * 3600  # a scratch database of another host is left alone for this long


@contextmanager
def scratch_database(server: DatabaseTarget) -> Iterator[DatabaseTarget]:
    """A new empty database on the server of `server`, dropped when the block ends."""
    name = scratch_name()
    with connect(server) as admin:
        force = " WITH (FORCE)" if admin.server_version >= 130000 else ""
        drop_stale_scratch_databases(admin)
        try:
            admin.run(f'CREATE DATABASE "{name}" TEMPLATE template0')
        except SqlFailure as failure:
            raise MigcError(
                f"cannot create a scratch database on {server.shown}: {failure.describe()}",
                "the user needs CREATEDB for verify/diff; or run without a database URL to use the embedded server",
            ) from None
    try:
        yield DatabaseTarget(with_database(server.url, name), f"scratch database {name}")
    finally:
        with connect(server) as admin:
            admin.run(f'DROP DATABASE IF EXISTS "{name}"{force}')


def scratch_name() -> str:
    pid = os.getpid()
    try:
        start = processes.start_epoch(pid) or int(time.time())
    except processes.CannotTell:
        start = int(time.time())
    return f"migc_scratch_{processes.host_tag()}_{pid}_{start}_{secrets.token_hex(3)}"


def is_stale(name: str, *, now: float | None = None) -> str | None:
    """Why the scratch database `name` is stale ("dead": its process is gone; "old": another host's,
    over a day old), or None if it may still be in use (or is not named the way migc names them)."""
    match = SCRATCH_NAME.match(name)
    if match is None:
        return None
    old = (now or time.time()) - int(match["start"]) > FOREIGN_MAX_AGE_S
    if match["host"] != processes.host_tag():
        return "old" if old else None
    try:
        started = processes.start_epoch(int(match["pid"]))
    except processes.CannotTell:
        return "old" if old else None
    return "dead" if started is None or started > int(match["start"]) else None


def drop_stale_scratch_databases(admin: Session) -> list[str]:
    """Drop the scratch databases left by killed migc processes; the names dropped. Those whose
    process is known dead are dropped even if a connection is left (an orphaned backend)."""
    names = [row[0] for row in admin.rows(r"SELECT datname FROM pg_database WHERE datname LIKE 'migc\_scratch\_%'")]
    dropped = []
    for name in names:
        why = is_stale(name)
        if why is None:
            continue
        force = " WITH (FORCE)" if why == "dead" and admin.server_version >= 130000 else ""
        with suppress(SqlFailure):  # not the owner, or still in use: leave it
            admin.run(f'DROP DATABASE IF EXISTS "{name}"{force}')
            dropped.append(name)
    return dropped


def scratch_server(config: ProjectConfig, preferred: DatabaseTarget, note: Callable[[str], None]) -> DatabaseTarget:
    """`preferred`'s server if it lets us create databases there, else the embedded server."""
    if preferred.source == "embedded":
        return preferred
    with connect(preferred) as session:
        can_create = session.rows("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
    if can_create and can_create[0][0]:
        return preferred
    from migc.runner.embedded import embedded_url

    note(f"no CREATEDB on {preferred.shown}: scratch databases go to the embedded PostgreSQL instead")
    return DatabaseTarget(embedded_url(config.state_dir, note), "embedded")
