"""Throw-away databases for `verify` and `diff`: created from template0, always dropped."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.session import SqlFailure, connect
from migc.runner.urls import DatabaseTarget, with_database


@contextmanager
def scratch_database(server: DatabaseTarget) -> Iterator[DatabaseTarget]:
    """A new empty database on the server of `server`, dropped when the block ends."""
    name = f"migc_scratch_{uuid.uuid4().hex[:12]}"
    with connect(server) as admin:
        try:
            admin.run(f'CREATE DATABASE "{name}" TEMPLATE template0')
        except SqlFailure as failure:
            raise MigcError(
                f"cannot create a scratch database on {server.shown}: {failure.describe()}",
                "the user needs CREATEDB for verify/diff; or run without a database URL to use the embedded server",
            ) from None
        force = " WITH (FORCE)" if admin.server_version >= 130000 else ""
    try:
        yield DatabaseTarget(with_database(server.url, name), f"scratch database {name}")
    finally:
        with connect(server) as admin:
            admin.run(f'DROP DATABASE IF EXISTS "{name}"{force}')


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
