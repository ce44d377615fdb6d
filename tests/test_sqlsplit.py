"""The SQL splitter (src/migc/sqlsplit.py): PostgreSQL's lexical rules, one case each, and the
property that the pieces joined give the text back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_agrees_with_postgresql_scanner_on_real_histories() -> None:
    """PostgreSQL's own scanner (through pglast, a test-only dependency) finds the same statements
    in every vendored SQL file (it keeps leading comments with a statement; we keep them apart)."""
    pglast = pytest.importorskip("pglast")
    from pathlib import Path

    files = sorted((Path(__file__).parent / "real_histories").rglob("*.sql"))
    assert len(files) > 50
    for path in files:
        text = path.read_text()
        theirs = [s.strip() for s in pglast.split(text, with_parser=False)]
        ours = [p.sql.strip() for p in statements(text)]
        assert len(theirs) == len(ours), path
        assert all(t.endswith(o) for t, o in zip(theirs, ours)), path


_BODY_ATOMS = st.sampled_from([
    "1", " ", "\n", "'a;b'", "'it''s'", "E'\\';'", "e'\\\\'", '"x;""y"', "$$ ; $$", "$t$ $$; $t$", "-- c;\n",
    "/* a /* ; */ */", "(';')", "t1", "$1", "a$b", "u&'x;'", "x'1f'", "1.5e3", "::", "-", "/", "[1]",
])
_SEPARATORS = st.sampled_from([";", ";\n", "; -- c;\n", ";/* ; */", ";\n\n", "; ;"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(_BODY_ATOMS, max_size=8), _SEPARATORS), max_size=6))
def test_agrees_with_postgresql_scanner_on_generated_text(parts: list[tuple[list[str], str]]) -> None:
    """Statements that begin with a keyword (pglast's scanner-level split needs one) holding quotes,
    comments, dollar quotes and brackets, with `;`s inside them: PostgreSQL's scanner and ours agree."""
    pglast = pytest.importorskip("pglast")
    text = "".join("select " + " ".join(body) + separator for body, separator in parts)
    try:
        theirs = [s.strip() for s in pglast.split(text, with_parser=False)]
    except pglast.parser.ParseError as err:
        if "unterminated" in str(err):  # the scanner refuses an unterminated quote: so must we
            with pytest.raises(SplitError):
                split_sql(text)
        return
    ours = [p.sql.strip() for p in statements(text)]
    assert len(theirs) == len(ours), (text, theirs, ours)
    assert all(t.endswith(o) for t, o in zip(theirs, ours)), (text, theirs, ours)
