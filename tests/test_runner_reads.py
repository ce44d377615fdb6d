"""What the runner reads from the tracking table: the down SQL (most of a row) only for the rows
that `down` reverts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from migc.compiled import CompiledProject
from migc.project import ProjectConfig
from migc.runner import run_commands as commands
from migc.runner.run_commands import RunOptions, read_applied, read_down, run_down, run_up
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
        latest = read_down(session, tracking, latest=2)
        assert [(a.version, a.down_statements, a.down_loaded) for a in latest] == [
            (5, ("drop table t5",), True), (4, ("drop table t4",), True),
        ]
        assert "drop table t5;" in (latest[0].down_sql or "")
        assert [a.version for a in read_down(session, tracking, above=2)] == [5, 4, 3]

    loaded: list[dict[str, Any]] = []
    original = commands.read_down

    def spy(session: Any, tracking: TrackingTable, **kwargs: Any) -> Any:
        rows = original(session, tracking, **kwargs)
        loaded.append({**kwargs, "rows": [r.version for r in rows]})
        return rows

    monkeypatch.setattr(commands, "read_down", spy)
    assert run_down(config, out, RunOptions(database_url=fresh_db)) == 0
    assert run_down(config, out, RunOptions(database_url=fresh_db), to=1) == 0
    assert run_down(config, out, RunOptions(database_url=fresh_db), to=0) == 0
    # `--to 1` reads row 1 too (to know that version exists; it stays applied); `--to 0` reads them all
    assert loaded == [{"latest": 1, "rows": [5]}, {"above": 0, "rows": [4, 3, 2, 1]}, {"rows": [1]}]
