"""`migc fmt`: idempotent, every comment kept, meaning unchanged (same AST, spans aside; the same
compiled ops and diagnostics for whole projects), over every `.mig` in tests/ and migrations/ and
over random histories (tests/histories.py, the generator the property tests use)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import migc.kinds  # noqa: F401
from migc.compiler import check_file
from migc.editor.fmt import FormatError, format_text
from migc.editor.tokens import tokenize
from migc.ir.schema import Schema
from migc.syntax.parser import parse

REPO = Path(__file__).resolve().parents[1]
ALL_MIG = sorted(p for base in ("tests", "migrations") for p in (REPO / base).rglob("*.mig")
                 if ".lsp_project" not in p.parts)
PROJECTS = sorted({p.parent for p in ALL_MIG})


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")


def _comments(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if t.is_comment]


def _parses(text: str) -> bool:
    return parse(text, "x.mig")[0] is not None


def test_there_are_many_files() -> None:
    assert len(ALL_MIG) > 200


def _meaning(x: object) -> object:
    """The AST without positions: spans are left out wherever they are (a node's span field is not
    compared anyway; some nodes keep spans inside plain tuples, such as a function's options)."""
    import dataclasses

    from migc.source import Span

    if isinstance(x, Span):
        return None
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, tuple(_meaning(getattr(x, f.name)) for f in dataclasses.fields(x) if f.compare))
    if isinstance(x, (tuple, list)):
        return tuple(_meaning(i) for i in x)
    return x


@pytest.mark.parametrize("path", ALL_MIG, ids=lambda p: str(p.relative_to(REPO)))
def test_format_keeps_meaning_and_comments_and_is_idempotent(path: Path) -> None:
    text = _text(path)
    if "\x00" in text or not _parses(text):
        with pytest.raises(FormatError):
            format_text(text)
        return
    out = format_text(text)
    before, _ = parse(text, "x.mig")
    after, errors = parse(out, "x.mig")
    assert after is not None, errors
    assert before is not None
    assert _meaning((after.statements, after.down)) == _meaning((before.statements, before.down))
    assert _comments(out) == _comments(text)
    assert format_text(out) == out


def _project_result(files: list[tuple[str, str]]) -> list[tuple[object, ...]]:
    """Per file: its ops (spans aside), its down ops, and its diagnostics' codes and lines' text."""
    schema: Schema | None = Schema()
    out: list[tuple[object, ...]] = []
    for name, text in files:
        if schema is None:
            break
        checked = check_file(text.encode(), name, schema, False)
        lines = text.split("\n")
        # a message may cite where something was made (`0002_views.mig:3:1`): lines move
        diags = sorted((d.code, re.sub(r"\.mig:\d+:\d+", ".mig", d.message),
                        lines[d.span.line - 1].strip() if 0 < d.span.line <= len(lines) else "")
                       for d in checked.diagnostics)
        lowered = checked.lowered
        out.append((lowered.ops if lowered else None, lowered.down_ops if lowered else None, tuple(diags)))
        schema = checked.schema_after
    return out


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(REPO)))
def test_a_formatted_project_compiles_to_the_same_ops_and_diagnostics(project: Path) -> None:
    files = [(p.name, _text(p)) for p in sorted(project.glob("*.mig"))]
    formatted = []
    for name, text in files:
        try:
            formatted.append((name, format_text(text)))
        except FormatError:
            formatted.append((name, text))
    before = _project_result(files)
    after = _project_result(formatted)
    assert [(ops, down) for ops, down, _ in after] == [(ops, down) for ops, down, _ in before]
    # the same diagnostics, each on a line that reads the same once formatted (spans move)
    assert [[(c, m) for c, m, _ in d] for _, _, d in after] == [[(c, m) for c, m, _ in d] for _, _, d in before]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=__import__("histories").histories())
def test_random_histories_format_to_the_same_ops(history: object) -> None:
    files = history.files()  # type: ignore[attr-defined]
    formatted = [(name, format_text(text)) for name, text in files]
    assert [(ops, down) for ops, down, _ in _project_result(formatted)] == \
        [(ops, down) for ops, down, _ in _project_result(files)]
    for _, text in formatted:
        assert format_text(text) == text


def test_the_canonical_layout() -> None:
    text = """-- header

CREATE TABLE Users (id BIGINT PRIMARY KEY,   -- the key
  email text NOT NULL default lower('X'), "Weird Name" varchar(20)[] check (length(email)>3),
  -- a constraint next
  constraint u_email unique (email)
);
-- migc: allow W101
create index ON users(email) where email is not null;   create index on users ((lower(email)))
ALTER TABLE users ADD COLUMN age int default -1, drop column "Weird Name" -- trailing
sql $x$
  SELECT 1;
$x$
"""
    assert format_text(text) == """-- header

create table users (
  id           bigint primary key,  -- the key
  email        text not null default lower('X'),
  "Weird Name" varchar(20)[] check (length(email) > 3),
  -- a constraint next
  constraint u_email unique (email)
);
-- migc: allow W101
create index on users (email) where email is not null;
create index on users ((lower(email)))
alter table users
  add column age int default -1,
  drop column "Weird Name"  -- trailing
sql $x$
  SELECT 1;
$x$
"""


def test_a_file_that_does_not_parse_is_not_formatted() -> None:
    with pytest.raises(FormatError) as err:
        format_text("create table (\n")
    assert err.value.line == 1


def _migc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migc", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_cli_check_diff_and_write(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    f = tmp_path / "migrations" / "0001_init.mig"
    f.write_text("CREATE TABLE t (a int,b text)\n")
    good = tmp_path / "migrations" / "0002_ok.mig"
    good.write_text("alter table t add column c int\n")
    check = _migc("fmt", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "would reformat migrations/0001_init.mig" in check.stdout
    assert "0002" not in check.stdout
    diff = _migc("fmt", "--diff", cwd=tmp_path)
    assert diff.returncode == 0 and "-CREATE TABLE t (a int,b text)" in diff.stdout and "+  a int," in diff.stdout
    assert f.read_text() == "CREATE TABLE t (a int,b text)\n"
    write = _migc("fmt", cwd=tmp_path)
    assert write.returncode == 0 and "formatting every migration" in write.stderr
    assert f.read_text() == "create table t (\n  a int,\n  b text\n)\n"
    assert _migc("fmt", "--check", cwd=tmp_path).returncode == 0


def test_cli_errors_are_clear_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "0001_bad.mig"
    bad.write_text("create table (\n")
    result = _migc("fmt", str(bad), str(tmp_path / "missing.mig"), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"0001_bad\.mig:1:\d+: .* \(not formatted\)", result.stderr)
    assert "missing.mig: cannot read" in result.stderr
    assert "is a directory" in result.stderr
    assert bad.read_text() == "create table (\n"


def test_cli_keeps_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "0001_x.mig"
    f.write_bytes(b"\xef\xbb\xbfCREATE TABLE t (a int)\r\n")
    assert _migc("fmt", str(f), cwd=tmp_path).returncode == 0
    assert f.read_bytes() == b"\xef\xbb\xbfcreate table t (\r\n  a int\r\n)\r\n"


# every statement kind of the grammar: what is written -> what fmt writes
KINDS = [
    ('CREATE SCHEMA IF NOT EXISTS App',
     'create schema if not exists app'),
    ('drop schema if exists app',
     'drop schema if exists app'),
    ("create table t (a int, b text not null default 'x', constraint t_b check (b <> ''))",
     'create table t (\n'
     '  a int,\n'
     "  b text not null default 'x',\n"
     "  constraint t_b check (b <> '')\n"
     ')'),
    ('drop table if exists t',
     'drop table if exists t'),
    ('rename table t to u',
     'rename table t to u'),
    ('alter table t add column c int, drop column b',
     'alter table t\n'
     '  add column c int,\n'
     '  drop column b'),
    ('alter table t alter column a set not null',
     'alter table t alter column a set not null'),
    ('alter table billing_subscriptions add constraint billing_subscriptions_customer_id_fkey foreign key '
     '(customer_id) references billing_customers (id) on delete cascade not valid',
     'alter table billing_subscriptions\n'
     '  add constraint billing_subscriptions_customer_id_fkey\n'
     '    foreign key (customer_id)\n'
     '    references billing_customers (id)\n'
     '    on delete cascade not valid'),
    ("alter table users add constraint users_email_format check (email ~* '^[a-z0-9._%+-]+@[a-z0-9.-]+$' "
     "and length(email) < 255 and email = lower(email))",
     'alter table users\n'
     '  add constraint users_email_format\n'
     "    check (email ~* '^[a-z0-9._%+-]+@[a-z0-9.-]+$'\n"
     '      and length(email) < 255\n'
     '      and email = lower(email))'),
    ('alter table measurements alter column reading type numeric(12, 4) using reading::numeric(12, 4) + 0.0',
     'alter table measurements\n'
     '  alter column reading type numeric(12, 4) using reading::numeric(12, 4) + 0.0'),
    ("create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01')",
     'create table events_2025 partition of events\n'
     "  for values from ('2025-01-01') to ('2026-01-01')"),
    ('create unique index concurrently if not exists t_a_key on t using btree (lower(a)) include (b) where a is not null',
     'create unique index concurrently if not exists t_a_key\n'
     '  on t using btree (lower(a))\n'
     '  include (b)\n'
     '  where a is not null'),
    # the head breaks before `on` only when it does not fit once the clauses are on lines of their own
    ('create unique index concurrently if not exists orders_customer_created_idx on orders using btree '
     '(customer_id, created_at desc) include (status) where status <> 0',
     'create unique index concurrently if not exists orders_customer_created_idx\n'
     '  on orders using btree (customer_id, created_at desc)\n'
     '  include (status)\n'
     '  where status <> 0'),
    ('create index concurrently if not exists orders_customer_identifier_created_idx on only orders (customer_id)',
     'create index concurrently if not exists orders_customer_identifier_created_idx\n'
     '  on only orders (customer_id)'),
    ('drop index concurrently if exists t_a_key',
     'drop index concurrently if exists t_a_key'),
    ('alter index t_a_key rename to t_a_unique',
     'alter index t_a_key rename to t_a_unique'),
    ("create enum mood ('sad', 'ok', 'happy')",
     "create enum mood ('sad', 'ok', 'happy')"),
    ("alter enum mood add value 'meh' before 'ok'",
     "alter enum mood add value 'meh' before 'ok'"),
    ('rename enum mood to feeling',
     'rename enum mood to feeling'),
    ('drop enum if exists mood',
     'drop enum if exists mood'),
    ('sql $$ UPDATE t SET a = 1 $$ down $$ UPDATE t SET a = 0 $$',
     'sql $$ UPDATE t SET a = 1 $$ down $$ UPDATE t SET a = 0 $$'),
    ("comment on function f (int, text) is 'F.'",
     "comment on function f(int, text) is 'F.'"),
    ("comment on column t.a is 'A.'",
     "comment on column t.a is 'A.'"),
    ('create view v as select a, b from t where a > 1',
     'create view v as select a, b from t where a > 1'),
    ('create or replace view feed as select p.id, p.title, u.name as author from posts p join users u on u.id = p.author_id where p.published_at is not null and p.deleted_at is null order by p.published_at desc limit 50',
     'create or replace view feed as\n'
     '  select p.id, p.title, u.name as author\n'
     '  from posts p\n'
     '  join users u on u.id = p.author_id\n'
     '  where p.published_at is not null and p.deleted_at is null\n'
     '  order by p.published_at desc\n'
     '  limit 50'),
    ("create materialized view daily as select date_trunc('day', at) as day, count(*) as n from events group by 1 with no data",
     'create materialized view daily as\n'
     "  select date_trunc('day', at) as day, count(*) as n from events group by 1\n"
     '  with no data'),
    ('create view raw as sql $$ select 1 $$',
     'create view raw as sql $$ select 1 $$'),
    ('drop materialized view if exists daily',
     'drop materialized view if exists daily'),
    ('rename view v to w',
     'rename view v to w'),
    ('refresh materialized view concurrently daily',
     'refresh materialized view concurrently daily'),
    ('create sequence if not exists invoice_no as bigint start with 1000 increment by 1 minvalue 1000 maxvalue 9999999 cache 10',
     'create sequence if not exists invoice_no\n'
     '  as bigint\n'
     '  start with 1000\n'
     '  increment by 1\n'
     '  minvalue 1000\n'
     '  maxvalue 9999999\n'
     '  cache 10'),
    ('alter sequence invoice_no restart with 5000',
     'alter sequence invoice_no restart with 5000'),
    ('rename sequence invoice_no to invoice_number',
     'rename sequence invoice_no to invoice_number'),
    ('drop sequence if exists invoice_no',
     'drop sequence if exists invoice_no'),
    ('create domain positive_int as int not null default 1 check (value > 0) constraint below_million check (value < 1000000)',
     'create domain positive_int as int\n'
     '  not null\n'
     '  default 1\n'
     '  check (value > 0)\n'
     '  constraint below_million check (value < 1000000)'),
    ('alter domain positive_int add constraint small check (value < 1000) not valid',
     'alter domain positive_int add constraint small check (value < 1000) not valid'),
    ('drop domain if exists positive_int',
     'drop domain if exists positive_int'),
    ('create type address as (street text, city text, zip varchar(10))',
     'create type address as (street text, city text, zip varchar(10))'),
    ('alter type address add attribute country text',
     'alter type address add attribute country text'),
    ('drop type if exists address',
     'drop type if exists address'),
    ('create extension if not exists pg_trgm with schema public',
     'create extension if not exists pg_trgm with schema public'),
    ('drop extension if exists pg_trgm',
     'drop extension if exists pg_trgm'),
    ('create or replace function normalize_email (e text) returns text language sql immutable strict parallel safe as $$ select lower(trim(e)) $$',
     'create or replace function normalize_email(e text) returns text\n'
     '  language sql immutable strict parallel safe as $$ select lower(trim(e)) $$'),
    ('drop function if exists normalize_email (text)',
     'drop function if exists normalize_email(text)'),
    ('ALTER FUNCTION normalize_email (text) STABLE set search_path = public reset ALL',
     'alter function normalize_email(text) stable set search_path = public reset all'),
    ('alter function app.search_posts(text, bigint, int) stable strict leakproof parallel safe cost 5 rows 100 '
     'security definer set search_path = public, pg_temp',
     'alter function app.search_posts(text, bigint, int)\n'
     '  stable\n  strict\n  leakproof\n  parallel safe\n  cost 5\n  rows 100\n  security definer\n'
     '  set search_path = public, pg_temp'),
    ('alter procedure archive rename to archive_v2',
     'alter procedure archive rename to archive_v2'),
    ('create trigger posts_touch before update on posts for each row execute function touch_updated_at ()',
     'create trigger posts_touch before update on posts\n'
     '  for each row execute function touch_updated_at()'),
    ('drop trigger if exists posts_touch on posts',
     'drop trigger if exists posts_touch on posts'),
    ('alter trigger posts_touch on posts rename to posts_touch_updated',
     'alter trigger posts_touch on posts rename to posts_touch_updated'),
    ("create policy owner_write on documents as restrictive for update to app_user using (owner_id = current_user) with check (title <> '')",
     'create policy owner_write on documents as restrictive for update to app_user\n'
     '  using (owner_id = current_user)\n'
     "  with check (title <> '')"),
    ('drop policy if exists owner_write on documents',
     'drop policy if exists owner_write on documents'),
    ('alter policy owner_write on documents rename to owners_write',
     'alter policy owner_write on documents rename to owners_write'),
    ('grant select, insert, update, delete on table documents, notes, attachments to app_reader, app_writer with grant option',
     'grant select, insert, update, delete on table documents, notes, attachments\n'
     '  to app_reader, app_writer with grant option'),
    ('revoke execute on function normalize_email (text) from public',
     'revoke execute on function normalize_email(text) from public'),
]


@pytest.mark.parametrize(("written", "formatted"), KINDS, ids=[w.split(" (")[0][:60] for w, _ in KINDS])
def test_each_statement_kind_has_its_layout(written: str, formatted: str) -> None:
    assert format_text(written) == formatted + "\n"
    assert format_text(formatted) == formatted + "\n"


def test_the_layouts_cover_every_statement_kind() -> None:
    from migc.syntax.ast import Statement

    kinds: set[type] = set()
    todo = [Statement]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in kinds:
                kinds.add(sub)
                todo.append(sub)
    names = {k.__name__ for k in kinds}
    bases = {k.__name__ for k in kinds if any(s.__name__ != k.__name__ for s in k.__subclasses__())}
    covered = set()
    for written, _ in KINDS:
        migration, _ = parse(written, "x.mig")
        assert migration is not None
        covered |= {type(s).__name__ for s in migration.statements}
    assert sorted(names - bases - covered) == []


def test_a_query_gets_a_line_per_clause_when_it_does_not_fit() -> None:
    text = ("create view v as select u.email, o.name, count(*) as n from users u left join orgs o on o.id = u.org_id "
            "cross join (select 1 as one) s where u.deleted_at is null and u.email like '%@%' and u.id in "
            "(select user_id from events where kind = 'login' and at > now() - interval '30 days' and amount > 0) "
            "group by u.email, o.name having count(*) > 1 order by n desc, u.email limit 10 offset 5")
    assert format_text(text) == """create view v as
  select u.email, o.name, count(*) as n
  from users u
  left join orgs o on o.id = u.org_id
  cross join (select 1 as one) s
  where u.deleted_at is null
    and u.email like '%@%'
    and u.id in (
      select user_id
      from events
      where kind = 'login' and at > now() - interval '30 days' and amount > 0
    )
  group by u.email, o.name
  having count(*) > 1
  order by n desc, u.email
  limit 10
  offset 5
"""


def test_set_operations_ctes_and_long_lists() -> None:
    text = ("create view v as with recursive r(n) as (select 1 union all select n + 1 from r where n < 10), "
            "big as (select * from events where amount > 100) select r.n, big.kind from r, big "
            "union select 0, 'none' except all select count(*), min(kind) from events order by 1")
    assert format_text(text) == """create view v as
  with recursive r(n) as (select 1 union all select n + 1 from r where n < 10),
                 big as (select * from events where amount > 100)
  select r.n, big.kind from r, big
  union
  select 0, 'none'
  except all
  select count(*), min(kind) from events
  order by 1
"""
    items = ", ".join(f"column_number_{i}" for i in range(6))
    assert format_text(f"create view w as select {items} from t") == """create view w as
  select column_number_0,
         column_number_1,
         column_number_2,
         column_number_3,
         column_number_4,
         column_number_5
  from t
"""


def test_a_statement_that_fits_in_80_columns_stays_on_one_line() -> None:
    head = "create trigger t before update on posts for each row execute function "
    fits = head + "f" * (80 - len(head) - 2) + "()"
    assert len(fits) == 80
    assert format_text(fits) == fits + "\n"
    longer = head + "f" * (81 - len(head) - 2) + "()"
    assert format_text(longer) == ("create trigger t before update on posts\n  for each row execute function "
                                   + "f" * (81 - len(head) - 2) + "()\n")
    # in `down { }` the indent counts
    assert format_text("down {\n" + fits + "\n}\n").splitlines()[1] == "  create trigger t before update on posts"
    # a part without a break point (a long string) stays whole
    long_comment = "comment on table posts is '" + "x" * 90 + "'"
    assert format_text(long_comment) == long_comment + "\n"


def test_blank_lines_between_statements_are_the_authors() -> None:
    text = """create table a (x int)
create table b (x int)

create table c (x int)



-- about d

-- directly above d
create table d (x int) create table e (x int)
down {

  drop table e


  drop table d

}
"""
    assert format_text(text) == """create table a (
  x int
)
create table b (
  x int
)

create table c (
  x int
)

-- about d

-- directly above d
create table d (
  x int
)
create table e (
  x int
)
down {
  drop table e

  drop table d
}
"""


def test_comments_stay_where_they_were_and_aligned_ones_stay_aligned() -> None:
    text = """create table t (
  id bigint pk,          -- aligned
  name text not null,    -- aligned too
  note text -- alone
)
create index t_a on t (id)     -- these two
create index t_b on t (name)   -- were aligned

create view v as select id, -- the key
  name from t -- the table
  -- before where
  where id > 0 and name <> '' and name is not null and length(name) < 100 -- end
create trigger tt before update on t -- timing
  for each row execute function f()
"""
    assert format_text(text) == """create table t (
  id   bigint pk,        -- aligned
  name text not null,    -- aligned too
  note text  -- alone
)
create index t_a on t (id)     -- these two
create index t_b on t (name)   -- were aligned

create view v as
  select id,  -- the key
         name
  from t  -- the table
  -- before where
  where id > 0 and name <> '' and name is not null and length(name) < 100  -- end
create trigger tt before update on t  -- timing
  for each row execute function f()
"""


def test_strings_dollar_bodies_quoted_names_and_sql_text_are_kept_byte_for_byte() -> None:
    body = "$body$\n  UPDATE \"T\"   SET a = 'x'  -- not a comment\t\n\n   $$ inner $$\n$body$"
    text = (f"SQL {body} DOWN 'SELECT  1'\n"
            "CREATE TABLE \"Mixed Case\" (\"Col\" TEXT DEFAULT E'a\\'b  -- no' CHECK (\"Col\" <> 'It''s  --'))\n"
            "create function f() returns int language plpgsql as $fn$\nBEGIN   RETURN 1; END\n$fn$\n")
    out = format_text(text)
    assert body in out and "'SELECT  1'" in out
    assert "\"Mixed Case\" (" in out and "\"Col\" text default E'a\\'b  -- no' check (\"Col\" <> 'It''s  --')" in out
    assert "as $fn$\nBEGIN   RETURN 1; END\n$fn$\n" in out
    assert [t.text for t in tokenize(out) if t.kind in ("string", "quoted", "dollar")] == \
        [t.text for t in tokenize(text) if t.kind in ("string", "quoted", "dollar")]


@pytest.mark.parametrize("width", [16, 40])
def test_narrow_widths_keep_meaning_comments_and_idempotence(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every break the rules know is taken somewhere in the repository's files at these widths."""
    import migc.editor.fmt as fmt

    monkeypatch.setattr(fmt, "WIDTH", width)
    for path in ALL_MIG:
        text = _text(path)
        if "\x00" in text or not _parses(text):
            continue
        out = format_text(text)
        before, _ = parse(text, "x.mig")
        after, errors = parse(out, "x.mig")
        assert after is not None and before is not None, (path, errors)
        assert _meaning((after.statements, after.down)) == _meaning((before.statements, before.down)), path
        assert _comments(out) == _comments(text), path
        assert format_text(out) == out, path


def test_the_example_project_follows_its_own_style() -> None:
    result = _migc("fmt", "--check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 files would be reformatted" in result.stderr


def test_the_example_in_the_docs_is_what_fmt_writes() -> None:
    doc = (REPO / "docs" / "editor.md").read_text()
    before = doc.split("Before:\n\n```sql\n", 1)[1].split("```", 1)[0]
    after = doc.split("After `migc fmt`:\n\n```sql\n", 1)[1].split("```", 1)[0]
    assert format_text(before) == after


def test_a_function_header_breaks_at_returns_then_at_its_parameters() -> None:
    options = " language sql stable as $$ select 1 $$"
    assert format_text("create function f(a int) returns int" + options) == \
        "create function f(a int) returns int" + options + "\n"
    assert format_text(f"create function g(a int, {'b' * 40} text) returns timestamp with time zone" + options) == \
        f"create function g(a int, {'b' * 40} text)\n  returns timestamp with time zone\n {options}\n"
    text = ("create or replace function app.search_posts(query text, org bigint default null, max_results int default 50) "
            "returns table (id bigint, title text, rank real)" + options)
    assert format_text(text) == """create or replace function app.search_posts(
  query text,
  org bigint default null,
  max_results int default 50
)
  returns table (id bigint, title text, rank real)
  language sql stable as $$ select 1 $$
"""
