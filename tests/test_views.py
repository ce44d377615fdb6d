"""Views: the names and types the model gives a view's columns are PostgreSQL's (where the model
knows a type: unknown stays unknown, never wrong), checked on a real PostgreSQL for every golden
case that makes views; and the query language round-trips through its own SQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import migc.kinds  # noqa: F401  (registers the statement kinds)
from golden_harness import cases, compile_case, create_roles, drop_roles
from histories import run_statements
from migc.ir.schema import Schema
from migc.ir.view import View, all_views
from migc.lower import lower_migration
from migc.lower.functions import pg_name
from migc.project import list_migrations
from migc.syntax.parser import parse


def _final_schema(case: Path) -> Schema:
    schema = Schema()
    files, _ = list_migrations(case)
    for f in files:
        tree, _ = parse(f.content.decode(), f.shown_path)
        assert tree is not None
        schema = lower_migration(tree, schema, f.shown_path).schema_after
    return schema


VIEW_CASES = [c for c in cases() if compile_case(c).project.ok and all_views(_final_schema(c))]


def test_there_are_cases_with_views() -> None:
    assert len(VIEW_CASES) >= 8


@pytest.mark.parametrize("case", VIEW_CASES, ids=[c.name for c in VIEW_CASES])
def test_view_columns_are_named_and_typed_as_postgresql_does(case: Path, fresh_db: str, pg_server_url: str) -> None:
    roles = create_roles(case, pg_server_url)  # those the case grants to
    try:
        _check_view_columns(case, fresh_db)
    finally:
        drop_roles(pg_server_url, roles, fresh_db)


def _check_view_columns(case: Path, fresh_db: str) -> None:
    for m in compile_case(case).project.migrations:
        run_statements(fresh_db, m.up, "views case", non_transactional=m.non_transactional)
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute("""
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL), format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('v', 'm') ORDER BY n.nspname, c.relname, a.attnum""").fetchall()
    catalog: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for schema, name, column, type_name, full_type in rows:
        catalog.setdefault((schema, name), []).append((column, type_name, full_type))
    for view in all_views(_final_schema(case)):
        assert isinstance(view, View)
        name = view.name
        if view.columns is None:
            continue
        real = catalog[(name.schema, name.name)]
        assert [c.name for c in view.columns] == [r[0] for r in real], name
        for column, (_, type_name, full_type) in zip(view.columns, real):
            if column.type is not None:
                # format_type leaves out a schema on the search path (public)
                assert pg_name(column.type).removeprefix("public.") == type_name, (name, column)
                if column.type.args:  # a modifier the model claims must be PostgreSQL's too
                    assert "(" in full_type and full_type.split("(", 1)[1].split(")")[0] == \
                        ",".join(map(str, column.type.args)), (name, column, full_type)


QUERIES = [
    "select u.id, u.email as e, count(*) n from users u left join orgs o on o.id = u.org_id group by 1, 2",
    "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r",
    "select distinct on (a) a, b from t where x in (select y from z) and exists (select 1) order by a desc nulls last",
    "select sum(x) filter (where x > 0) over (partition by a order by b rows between 2 preceding and current row) from t",
    "select * from a natural full outer join b cross join (values (1, 'x')) v(n, s) limit 5 offset 2",
    "select a from t union all select b from u intersect select c from w except select d from z order by 1",
    "select count(distinct a), string_agg(b, ',' order by b) from t having count(*) > 1",
    "select x = any (select y from z), (select max(y) from z) m, t.* from t",
]


@pytest.mark.parametrize("text", QUERIES)
def test_a_query_parses_back_from_its_own_sql(text: str) -> None:
    """A query's SQL is .mig syntax too (names quoted): parsing it again gives the same tree."""
    from migc.query import Query

    def query_of(source: str) -> Query:
        tree, problems = parse(f"create view v as {source}", "q.mig")
        assert tree is not None, problems
        found = tree.statements[0].query  # type: ignore[attr-defined]
        assert isinstance(found, Query)
        return found

    first = query_of(text)
    assert query_of(first.sql()) == first


def test_a_subquery_that_names_an_item_beside_it_is_told_about_lateral() -> None:
    text = ("create table posts (id bigint pk, tags text[])\n"
            "create view a as select s.id from posts p, (select p.id) s\n"
            "create view b as select s.id from posts p join (select p.id) s on true\n"
            "create view c as select s.id from posts p, lateral (select p.id) s\n"
            "create view d as select s.id from posts p, (select q.id from posts q) s where s.id = x.id\n")
    tree, _ = parse(text, "v.mig")
    assert tree is not None
    diags = lower_migration(tree, Schema(), "v.mig").diagnostics
    hints = {(d.span.line, d.code): d.hint for d in diags}
    lateral = "'p' is beside this subquery in FROM: write `lateral (select ...)` to name it"
    assert hints == {(2, "E251"): lateral, (3, "E251"): lateral, (5, "E251"): None}
