"""The SQL splitter (src/migc/sqlsplit.py): PostgreSQL's lexical rules, one case each, the property
that the pieces joined give the text back, and PostgreSQL itself as the oracle: it runs a generated
script as migc cuts it, and takes each piece of the vendored real histories as one statement."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import pq

from histories import scratch_database
from migc.sqlsplit import SplitError, split_sql, statements


def sqls(text: str) -> list[str]:
    return [p.sql for p in statements(text)]


def test_plain_statements_and_positions() -> None:
    text = "create table a (x int);\n\n  create index on a (x);"
    found = statements(text)
    assert [p.sql for p in found] == ["create table a (x int)", "create index on a (x)"]
    assert [(p.line, p.col) for p in found] == [(1, 1), (3, 3)]
    assert all(p.terminated for p in found)


def test_last_statement_without_semicolon() -> None:
    found = statements("select 1;\nselect 2\n")
    assert [p.sql for p in found] == ["select 1", "select 2"]
    assert not found[1].terminated


def test_single_quotes_with_doubled_quote() -> None:
    assert sqls("insert into t values ('a;b''c;');select 1") == ["insert into t values ('a;b''c;')", "select 1"]


def test_backslash_is_plain_in_standard_strings() -> None:
    assert sqls(r"select 'a\';select 1") == [r"select 'a\'", "select 1"]


def test_escape_strings() -> None:
    assert sqls(r"select E'it\'s; fine', e'\\';select 1") == [r"select E'it\'s; fine', e'\\'", "select 1"]


def test_other_string_prefixes() -> None:
    assert sqls("select U&'d\\0061t;a', B'1;0', X'1F;';select 1") == ["select U&'d\\0061t;a', B'1;0', X'1F;'", "select 1"]


def test_double_quoted_names() -> None:
    assert sqls('create table "a;""b" (x int); select 1') == ['create table "a;""b" (x int)', "select 1"]


def test_dollar_quotes_with_tags() -> None:
    text = "create function f() returns int as $fn$ select 1; $$ ; $$ $fn$ language sql; select 2"
    assert sqls(text) == ["create function f() returns int as $fn$ select 1; $$ ; $$ $fn$ language sql", "select 2"]
    assert sqls("do $$ begin perform 1; end $$; select 2") == ["do $$ begin perform 1; end $$", "select 2"]


def test_dollar_inside_names_and_parameters_is_no_quote() -> None:
    assert sqls("select a$b$c, $1 from t; select 2") == ["select a$b$c, $1 from t", "select 2"]


def test_comments() -> None:
    text = "-- a; comment\ncreate table a (x int); /* one; /* nested; */ still; */ select 1 -- end;\n"
    found = statements(text)
    assert [p.sql for p in found] == ["create table a (x int)", "select 1 -- end;"]
    assert found[0].leading == "-- a; comment\n"
    assert found[0].line == 2


def test_begin_atomic_bodies() -> None:
    text = ("create function f(a int) returns int language sql begin atomic select a; select case when a > 0 "
            "then 1 else 2 end; end; create or replace procedure p() begin atomic insert into t values (1); end;"
            " select 3")
    assert sqls(text) == [
        "create function f(a int) returns int language sql begin atomic select a; select case when a > 0 "
        "then 1 else 2 end; end",
        "create or replace procedure p() begin atomic insert into t values (1); end",
        "select 3",
    ]


def test_begin_outside_routines_ends_at_semicolon() -> None:
    assert sqls("begin; create table a (x int); commit;") == ["begin", "create table a (x int)", "commit"]


def test_parentheses_hold_semicolons_only_in_routines_rules() -> None:
    assert sqls("select (1); select 2") == ["select (1)", "select 2"]


def test_psql_meta_commands_are_pieces_of_their_own() -> None:
    pieces = split_sql("select 1;\n\\connect other\n\\i setup.sql\nselect 2;")
    assert [(p.kind, p.sql, p.line) for p in pieces] == [
        ("statement", "select 1", 1), ("meta", "\\connect other", 2), ("meta", "\\i setup.sql", 3),
        ("statement", "select 2", 4),
    ]


def test_copy_from_stdin_keeps_its_data() -> None:
    text = "copy t (a) from stdin;\n1;2\n3\n\\.\nselect 1;"
    found = statements(text)
    assert [p.sql for p in found] == ["copy t (a) from stdin", "select 1"]
    assert found[0].raw.endswith("\\.\n")


def test_trailing_comments() -> None:
    pieces = split_sql("select 1; -- done\n")
    assert [p.kind for p in pieces] == ["statement", "trailing"]


@pytest.mark.parametrize(("text", "message", "where"), [
    ("select 'open", "unterminated string", (1, 8)),
    ('select "open', "unterminated quoted name", (1, 8)),
    ("select 1;\nselect $x$ open", "unterminated dollar quote $x$", (2, 8)),
    ("/* /* */ open", "unterminated /* comment", (1, 1)),
    ("copy t from stdin;\n1\n", "COPY FROM STDIN data without its closing line `\\.`", (1, 19)),
])
def test_unterminated(text: str, message: str, where: tuple[int, int]) -> None:
    with pytest.raises(SplitError) as err:
        split_sql(text)
    assert (err.value.message, (err.value.line, err.value.col)) == (message, where)


_ATOMS = st.sampled_from([
    "select 1", ";", " ", "\n", "'a;b'", "'it''s'", "E'\\';'", '"x;""y"', "$$ ; $$", "$t$ $$; $t$", "-- c;\n",
    "/* a /* ; */ */", "create function f() begin atomic", "end", "case", "(", ")", "\\i x\n", "t1", "$1",
    "copy t from stdin;\n1\n\\.\n", "u&'x'",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ATOMS, max_size=30))
def test_split_then_join_gives_the_text_back(atoms: list[str]) -> None:
    text = "".join(atoms)
    try:
        pieces = split_sql(text)
    except SplitError:
        return
    assert "".join(p.raw for p in pieces) == text
    offset = 0
    for p in pieces:
        assert p.start == offset and p.start <= p.sql_start <= p.sql_end <= p.start + len(p.raw)
        offset += len(p.raw)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab;'\"$-/*\\\n E(", max_size=60))
def test_split_then_join_on_any_text(text: str) -> None:
    try:
        pieces = split_sql(text)
    except SplitError:
        return
    assert "".join(p.raw for p in pieces) == text


# ---------------------------------------------------------------------------------------------------
# PostgreSQL itself as the oracle: a scratch database on the test server, for this file.

@pytest.fixture(scope="module")
def pg(pg_server_url: str) -> Iterator[psycopg.Connection[Any]]:
    with scratch_database(pg_server_url, "migc_split") as url, psycopg.connect(url, autocommit=True) as conn:
        yield conn


def parse_error(conn: psycopg.Connection[Any], sql: str) -> str | None:
    """The SQLSTATE PostgreSQL refuses `sql` with when asked to prepare it (None: it takes it).
    Only parsed, never run: the extended protocol's Parse message, which refuses several commands in one
    string (`cannot insert multiple commands into a prepared statement`, 42601) as it refuses text cut
    mid-statement (a syntax error, 42601); a missing table is 42P01, and so on."""
    result = conn.pgconn.prepare(b"", sql.encode())
    if result.status == pq.ExecStatus.FATAL_ERROR:
        state = result.error_field(pq.DiagnosticField.SQLSTATE)
        return state.decode() if state else "?"
    return None


def test_each_piece_of_the_real_histories_is_one_statement_to_postgresql(pg: psycopg.Connection[Any]) -> None:
    """Each piece migc cuts from every vendored SQL file is exactly one complete statement to
    PostgreSQL's parser (with its leading comments and its `;`, and without), and what follows the
    last statement is none (run, it is an empty query)."""
    files = sorted((Path(__file__).parent / "real_histories").rglob("*.sql"))
    assert len(files) > 50
    count = 0
    for path in files:
        for p in split_sql(path.read_text()):
            where = f"{path}:{p.line}"
            if p.kind == "statement":
                count += 1
                whole = p.raw if not p.sql.lower().startswith("copy") else p.leading + p.sql  # COPY: not its data
                for text in (p.sql, whole):
                    assert parse_error(pg, text) != "42601", (where, text)
            elif p.kind == "trailing":
                assert pg.execute(p.raw.encode()).pgresult.status == pq.ExecStatus.EMPTY_QUERY, where
    assert count > 300


def test_the_oracle_can_fail(pg: psycopg.Connection[Any]) -> None:
    """What the test above counts on: two statements, or half of one, are refused as 42601."""
    assert parse_error(pg, "select 1; select 2") == "42601"
    assert parse_error(pg, "create function f() returns int language sql as $$ select 1") == "42601"
    assert parse_error(pg, "select 1 from no_such_table") == "42P01"
    assert parse_error(pg, "-- a comment\nselect 1;") is None


_ITEMS = st.sampled_from([
    "1", "'a;b'", "'it''s'", "E'\\';'", "e'\\\\'", "1 AS \"x;\"\"y\"", "$$ ; $$", "$t$ $$; $t$", "(';')",
    "u&'x;'", "x'1f'", "1.5e3", "-1", "array[1]", "1 as a$b", "'a' || $q$;$q$", "case when true then ';' end",
])
_TRIVIA = st.sampled_from(["", " ", "\n", "-- c;\n", "/* a /* ; */ */", " -- ';\n"])
_SEPARATORS = st.sampled_from([";", ";\n", "; -- c;\n", ";/* ; */", ";\n\n", "; ;"])
_OPEN = st.sampled_from(["", "", "", "select 'open", "select $x$ open", 'select "open', "select 1 /* open",
                         "select E'open\\'"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(st.tuples(_ITEMS, _TRIVIA, _TRIVIA), max_size=5), _SEPARATORS), max_size=5),
       _OPEN)
def test_agrees_with_postgresql_on_generated_text(pg: psycopg.Connection[Any],
                                                  parts: list[tuple[list[tuple[str, str, str]], str]],
                                                  unterminated: str) -> None:
    """`select`s holding quotes, dollar quotes, comments, E'' strings and `;`s inside them: sent whole
    (the simple query protocol, as psql sends a script), PostgreSQL runs as many statements as migc
    cuts, each with the result of migc's piece run alone; text with an unterminated quote or comment
    PostgreSQL refuses, and so must migc."""
    text = "".join("select " + ", ".join(f"{a}{item}{b}" for item, a, b in items) + separator
                   for items, separator in parts) + unterminated
    cur = pg.cursor()
    try:
        cur.execute(text.encode())
    except psycopg.errors.SyntaxError:
        assert unterminated, text
        with pytest.raises(SplitError):
            split_sql(text)
        return
    assert not unterminated, text
    theirs = []
    while True:
        if cur.pgresult is not None and cur.pgresult.status == pq.ExecStatus.TUPLES_OK:
            theirs.append(cur.fetchall())
        if not cur.nextset():
            break
    ours = [cur.execute(p.sql.encode()).fetchall() for p in statements(text)]
    assert theirs == ours, text
