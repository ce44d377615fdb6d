"""Golden tests: exact SQL and exact diagnostics per case, then a round trip on a real PostgreSQL:
the up SQL runs, the modelled schema equals the real catalog, and the down SQL restores the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from golden_harness import cases, compare_or_update, compile_case, create_roles, drop_roles
from histories import run_statements, scratch_database
from migc.runner.catalog import describe_differences, relaxed_by_down, snapshot
from migc.codegen.statement import SqlStatement

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_output(case: Path) -> None:
    rendered = compile_case(case)
    assert rendered.diagnostics == (compare_or_update(case / "diagnostics.txt", rendered.diagnostics) or "")
    assert rendered.up == compare_or_update(case / "up.sql", rendered.up)
    assert rendered.down == compare_or_update(case / "down.sql", rendered.down)


def _run(url: str, statements: tuple[SqlStatement, ...], non_transactional: bool = False) -> None:
    """As the runner runs a migration: one `BEGIN; ...; COMMIT` string (see histories.run_statements)."""
    run_statements(url, statements, "golden case", non_transactional=non_transactional)


@pytest.fixture
def second_db(pg_server_url: str) -> Iterator[str]:
    with scratch_database(pg_server_url, "migc_model") as url:
        yield url


ROUND_TRIP = [c for c in CASES if compile_case(c).project.ok]


@pytest.fixture
def case_roles(request: pytest.FixtureRequest, pg_server_url: str) -> list[str]:
    """Roles the case grants to (its `roles.txt`), made for it; the test drops them after."""
    return create_roles(request.node.callspec.params["case"], pg_server_url)


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[c.name for c in ROUND_TRIP])
def test_golden_round_trip(case: Path, case_roles: list[str], fresh_db: str, second_db: str,
                           pg_server_url: str) -> None:
    try:
        _round_trip(case, fresh_db, second_db)
    finally:
        drop_roles(pg_server_url, case_roles, fresh_db, second_db)


def _round_trip(case: Path, fresh_db: str, second_db: str) -> None:
    project = compile_case(case).project
    *earlier, last = project.migrations
    for m in earlier:
        _run(fresh_db, m.up, m.non_transactional)
    before = snapshot(fresh_db)
    _run(fresh_db, last.up, last.non_transactional)
    after = snapshot(fresh_db)

    # the model: the compiled schema, built from nothing, must give the same catalog
    # (raw `sql` is opaque to the model, so cases with it only check the round trip)
    if not any(s.description.startswith("sql:") for m in project.migrations for s in m.up):
        _run(second_db, project.schema_sql)
        modelled = snapshot(second_db)
        assert describe_differences(modelled, after, "model", "database") == []

    if last.down is not None:
        _run(fresh_db, last.down, last.non_transactional)
        # a case may name the differences its down leaves by contract (validate constraint: "nothing")
        expected = case / "down-leaves.txt"
        allowed = expected.read_text().splitlines() if expected.exists() else []
        # a dropped not null column comes back nullable: the compiler says where, and only there
        expected = relaxed_by_down(before, last.down_notes)
        assert describe_differences(expected, snapshot(fresh_db), "before up", "after down") == allowed


def test_oracle_runs_a_migration_as_the_runner_does(fresh_db: str) -> None:
    """Issue 8, item 27: the oracles run a migration's statements as one transaction, as the runner
    sends them, so what fails only inside one (a new enum label used in the transaction that adds
    it: PostgreSQL's 55P04, the compiler's E218) fails here too; one by one in autocommit it passed."""
    run_statements(fresh_db, (SqlStatement("enum", "create type mood as enum ('ok')"),), "setup")
    added_and_used = (
        SqlStatement("add label", "alter type mood add value 'meh'"),
        SqlStatement("use it", "create table t (m mood default 'meh')"),
    )
    with pytest.raises(AssertionError, match="55P04"):
        run_statements(fresh_db, added_and_used, "one migration")
    # with `concurrently` (its migration runs statement by statement) it is one by one, as in the runner
    run_statements(fresh_db, added_and_used, "a non-transactional migration", non_transactional=True)
