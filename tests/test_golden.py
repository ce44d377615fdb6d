"""Golden tests: exact SQL and exact diagnostics per case, then a round trip on a real PostgreSQL:
the up SQL runs, the modelled schema equals the real catalog, and the down SQL restores the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from golden_harness import cases, compare_or_update, compile_case
from histories import scratch_database
from migc.runner.catalog import describe_differences, relaxed_by_down, snapshot
from migc.codegen.statement import SqlStatement

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_output(case: Path) -> None:
    rendered = compile_case(case)
    assert rendered.diagnostics == (compare_or_update(case / "diagnostics.txt", rendered.diagnostics) or "")
    assert rendered.up == compare_or_update(case / "up.sql", rendered.up)
    assert rendered.down == compare_or_update(case / "down.sql", rendered.down)


def _run(url: str, statements: tuple[SqlStatement, ...]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s.sql.encode())  # bytes: run as written, no client-side placeholders


@pytest.fixture
def second_db(pg_server_url: str) -> Iterator[str]:
    with scratch_database(pg_server_url, "migc_model") as url:
        yield url


ROUND_TRIP = [c for c in CASES if compile_case(c).project.ok]


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[c.name for c in ROUND_TRIP])
def test_golden_round_trip(case: Path, fresh_db: str, second_db: str) -> None:
    project = compile_case(case).project
    *earlier, last = project.migrations
    for m in earlier:
        _run(fresh_db, m.up)
    before = snapshot(fresh_db)
    _run(fresh_db, last.up)
    after = snapshot(fresh_db)

    # the model: the compiled schema, built from nothing, must give the same catalog
    # (raw `sql` is opaque to the model, so cases with it only check the round trip)
    if not any(s.description.startswith("sql:") for m in project.migrations for s in m.up):
        _run(second_db, project.schema_sql)
        modelled = snapshot(second_db)
        assert describe_differences(modelled, after, "model", "database") == []

    if last.down is not None:
        _run(fresh_db, last.down)
        # a case may name the differences its down leaves by contract (validate constraint: "nothing")
        expected = case / "down-leaves.txt"
        allowed = expected.read_text().splitlines() if expected.exists() else []
        # a dropped not null column comes back nullable: the compiler says where, and only there
        expected = relaxed_by_down(before, last.down_notes)
        assert describe_differences(expected, snapshot(fresh_db), "before up", "after down") == allowed
