"""The fast parser (Lark with lark-cython's LALR loop and lexer) and Lark's own build the same trees,
spans included, and report the same syntax errors, on every .mig file of the repository and on
broken variants of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import migc.kinds  # noqa: F401  (registers every statement kind)
from migc.syntax.parser import _plugins, parse
from migc.tree import Node

REPO = Path(__file__).resolve().parents[1]
FILES = sorted([*REPO.glob("tests/golden/*/*.mig"), *REPO.glob("migrations/*.mig")])


def _dump(node: object) -> object:
    """Every field, spans and quote flags included (they take no part in ==)."""
    if isinstance(node, Node):
        return (type(node).__name__, *[(f.name, _dump(getattr(node, f.name))) for f in dataclasses.fields(node)])
    if isinstance(node, tuple) and not hasattr(node, "_fields"):
        return tuple(_dump(x) for x in node)
    return node


def _broken(text: str) -> list[str]:
    """The text cut short, and with a word or a parenthesis missing, at a few places."""
    words = text.split(" ")
    out = [text[: len(text) // 2], text.replace("(", "", 1), text + "\n)"]
    for i in range(1, len(words), max(1, len(words) // 4)):
        out.append(" ".join(words[:i] + words[i + 1:]))
    return out


def test_lark_cython_is_used_when_installed() -> None:
    pytest.importorskip("lark_cython", reason="the fast parser is an optional extra")
    assert _plugins(True)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_and_plain_parsers_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    for variant in [text, *_broken(text)]:
        fast_tree, fast_diags = parse(variant, "f.mig", fast=True)
        plain_tree, plain_diags = parse(variant, "f.mig", fast=False)
        assert _dump(fast_tree) == _dump(plain_tree)
        assert fast_diags == plain_diags


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_every_reduction_is_the_callbacks_own_key(fast: bool) -> None:
    """`_reduce_by_identity`: each rule in the parse table is the very object its callback is keyed
    by (a dictionary lookup by identity); a Lark that builds its tables otherwise fails here, not
    by parsing slower unnoticed."""
    from migc.syntax.parser import _build_parser, _Reduction

    parser = _build_parser(fast)
    callbacks = parser._callbacks
    keys = {id(k) for k in callbacks if not isinstance(k, str)}
    reductions = [arg for actions in parser.parser.parser._parse_table.states.values()
                  for _, arg in actions.values() if type(arg) is not int]
    assert reductions and all(isinstance(r, _Reduction) and id(r) in keys for r in reductions)
    assert {r.rule for r in reductions} <= set(parser.rules)


def test_keyword_lookup_answers_as_lark_scanner_does() -> None:
    """The dictionary that tells a keyword from a name (`_KeywordLookup`) gives Lark's own answer (its
    Scanner's full match over every keyword) for each keyword in several casings, for near misses,
    and for names PostgreSQL allows that case-insensitive matching treats specially."""
    from lark.lexer import Scanner, Token

    from migc.syntax.parser import _KeywordLookup, _parser

    strings = [t for t in _parser().terminals if t.pattern.type == "str"]
    assert len(strings) > 150
    scanner = Scanner(strings, 0, __import__("re"), use_bytes=False)
    lookup = _KeywordLookup(scanner)
    assert lookup.by_folded is not None  # the fast path is the one under test
    words = [t.pattern.value for t in strings]
    samples = {w for v in words for w in (v, v.upper(), v.title(), v.swapcase(), v + "s", v[:-1], "_" + v)}
    samples |= {"ſelect", "K", "Kelvin", "ındex", "İndex", "select1", "", "x"}
    for word in sorted(samples):
        ours = lookup(Token("NAME", word)).type
        theirs = scanner.fullmatch(word) or "NAME"
        assert ours == theirs, word


def test_syntax_error_words_and_hint() -> None:
    """A keyword of several words is shown as written (`nulls not distinct`, not NULLS_NOT_DISTINCT);
    the misspelled-keyword hint looks only at what comes before the error: a word after it, or on an
    earlier complete line, cannot have caused it."""
    _, [wher] = parse("create table users (id bigint pk)\ncreate index on users (id) wher id > 0\n", "f.mig")
    assert "nulls not distinct" in wher.message and "nulls_not_distinct" not in wher.message
    assert wher.hint == "'wher' is not a keyword here: did you mean 'where'?"
    _, [not_] = parse("create table users (id bigint pk)\ncreate unique index if not exist on users (id)\n", "f.mig")
    assert not_.hint is None  # `users` (after the error, and on the line before) is no misspelling
    _, [continued] = parse("create table users (id bigint pk)\nalter table users add colum x\n  int\n", "f.mig")
    assert continued.span.line == 3 and continued.hint == "'colum' is not a keyword here: did you mean 'column'?"


def test_a_clause_the_language_leaves_out_says_what_to_do_instead() -> None:
    """`owner to` is PostgreSQL but not migc: the hint says how to write it, not "did you mean 'owned'"."""
    for text in ("create table t (id int)\nalter table t owner to app\n",
                 "create function f() returns int language sql as $$ select 1 $$\nalter function f() owner to app\n"):
        _, [error] = parse(text, "f.mig")
        assert error.code == "E001" and error.span.line == 2
        assert error.hint is not None and "ownership is not part of the model" in error.hint and "sql $$" in error.hint
