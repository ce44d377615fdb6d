"""What the runner reads from the tracking table: the down SQL (most of a row) only for the rows
that `down` reverts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from migc.compiled import CompiledProject
from migc.project import ProjectConfig
from migc.runner import commands
from migc.runner.commands import RunOptions, read_applied, read_down, run_down, run_up
from migc.runner.connect import migration_session
from migc.runner.report import Output
from migc.runner.tracking import TrackingTable
from migc.runner.urls import DatabaseTarget

from conftest import MakeMigration


def test_down_reads_the_down_sql_of_the_rows_it_reverts_only(
    tmp_path: Path, fresh_db: str, make_migration: MakeMigration, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ProjectConfig(migrations_dir=tmp_path / "migrations")
    migrations = [make_migration(v, [f"create table t{v} (id int)"], [f"drop table t{v}"]) for v in range(1, 6)]
    out = Output(io.StringIO(), io.StringIO(), interactive=False)
    run_up(config, out, RunOptions(database_url=fresh_db), compiled=CompiledProject(tuple(migrations), ()))

    tracking = TrackingTable("public", "migc_migrations")
    with migration_session(config, DatabaseTarget(fresh_db, "test"), lock_timeout_s=None) as session:
        light = read_applied(session, tracking, create=False)
        assert [a.version for a in light] == [1, 2, 3, 4, 5]
        assert not any(a.down_loaded or a.down_statements for a in light)
        full = read_down(session, tracking, [light[4], light[1]])
        assert [(a.version, a.down_statements, a.down_loaded) for a in full] == [
            (5, ("drop table t5",), True), (2, ("drop table t2",), True),
        ]
        assert "drop table t5;" in (full[0].down_sql or "")

    loaded: list[list[int]] = []
    original = commands.read_down

    def spy(session: Any, tracking: TrackingTable, rows: list[Any]) -> Any:
        loaded.append([r.version for r in rows])
        return original(session, tracking, rows)

    monkeypatch.setattr(commands, "read_down", spy)
    assert run_down(config, out, RunOptions(database_url=fresh_db)) == 0
    assert run_down(config, out, RunOptions(database_url=fresh_db), to=1) == 0
    assert loaded == [[5], [4, 3, 2]]
