"""The cached LALR parser. Lark's trees and errors stop here: callers get AST nodes or diagnostics.

Statement kinds register their nodes' builders when `migc.kinds` is imported, which the compiler
does (or, for the kinds loaded on first use, say where their builders are: `tree.ON_DEMAND`);
parsing before that is a programming error the parser reports at once."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from migc.diagnostics import Diagnostic, Severity
from migc.private_cache import private_cache_dir, prune, used
from migc.source import Span, source_lines
from migc.syntax import ast
from migc.tree import BUILDERS, ON_DEMAND


def grammar_text() -> str:
    """The grammar ships inside the wheel as migc/grammar/migc.lark; a source checkout has it at the top."""
    packaged = resources.files("migc").joinpath("grammar/migc.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "grammar" / "migc.lark").read_text(encoding="utf-8")


class ToAst:
    """The parser's callbacks, one per grammar rule (or alias): the builders registered in
    `tree.BUILDERS` by the expression tree, syntax/ast.py and every statement kind. Lark calls them
    while it parses (LALR with an inline transformer), so no parse tree is ever built."""

    def __init__(self) -> None:
        for rule, build in BUILDERS.items():
            setattr(self, rule, build)
        for rule, load in ON_DEMAND.items():
            if rule not in BUILDERS:
                setattr(self, rule, _on_demand(rule, load))


def _on_demand(rule: str, load: Callable[[], object]) -> Callable[[list[Any]], Any]:
    """The builder of a rule whose module is imported on first use (migc.kinds): it imports the
    module, which registers the real builder, and hands the children on to it."""

    def build(children: list[Any]) -> Any:
        load()
        return BUILDERS[rule](children)

    return build


def rules_needing_builders(parser: Any) -> set[str]:
    """The rule (or alias) names the grammar makes nodes for: every one needs a builder. Rules named
    `_x` are inlined; a `?x` rule with a single child is too."""
    needed: set[str] = set()
    for rule in parser.rules:
        name = rule.alias or rule.origin.name
        if rule.alias is None and (name.startswith("_") or (rule.options.expand1 and len(rule.expansion) == 1)):
            continue
        needed.add(str(name))
    return needed


def _plugins(fast: bool) -> dict[str, Any]:
    """lark-cython's LALR loop and lexer (`pip install migc[fast]`: parsing ~1.4x faster) where it is
    installed, unless MIGC_PURE_PARSER=1; Lark's own otherwise. Both build the same trees and report
    the same errors (tests/test_parser_speed.py compares them)."""
    if not fast or os.environ.get("MIGC_PURE_PARSER") == "1":
        return {}
    try:
        import lark_cython
    except ImportError:
        return {}
    return {"_plugins": lark_cython.plugins}


def _parser(fast: bool = True) -> Any:
    """Built once per process; Lark keeps the LALR tables on disk (`_table_cache`).
    (`_parser()` and `_parser(True)` are one parser: the cache below is keyed by the flag alone.)"""
    return _build_parser(bool(fast))


class _KeywordLookup:
    """Lark's `UnlessCallback`, by dictionary. Lark lexes a word as NAME, then asks whether it is
    really a keyword by a full match against an alternation of every keyword, split into regexes of
    100 groups (Python's limit): with migc's ~250 keywords that is three regexes tried for each
    name, a tenth of all parsing. A keyword is a plain string (case-insensitive or not), so a
    dictionary answers the same, in the same order of preference."""

    def __init__(self, scanner: Any) -> None:
        self.scanner = scanner
        self.by_folded: dict[str, list[tuple[bool, str, str]]] | None = {}
        for t in scanner.terminals:  # Lark's order: the first that matches wins
            flags = set(t.pattern.flags)
            if t.pattern.type != "str" or not flags <= {"i"} or not t.pattern.value.isascii():
                self.by_folded = None  # something a dictionary cannot answer: Lark's own way
                break
            self.by_folded.setdefault(t.pattern.value.lower(), []).append(("i" in flags, t.pattern.value, t.name))
        # The usual case, a word that is one case-insensitive keyword, answered by one lookup.
        self.single = {word: entries[0][2] for word, entries in (self.by_folded or {}).items()
                       if len(entries) == 1 and entries[0][0]}

    def __call__(self, t: Any) -> Any:
        if self.by_folded is None or not t.value.isascii():  # re's own case folding beyond ASCII
            res = self.scanner.fullmatch(t.value)
        else:
            word = t.value.lower()
            res = self.single.get(word)
            if res is None and word in self.by_folded:
                res = next((name for folded, value, name in self.by_folded[word]
                            if folded or value == t.value), None)
        if res is not None:
            t.type = res
        return t


class _Reduction:
    """A grammar rule as the LALR loop reduces by it. At every reduction the loop looks the rule up
    in its callbacks dictionary; Lark's `Rule` hashes and compares in Python, and the rules of a
    cached parse table are not the very objects the callbacks are keyed by, so each reduction paid
    two Python calls (a twentieth of parsing). A `_Reduction` hashes by identity and is the same
    object in the table and in the callbacks. It has what the loop reads: `origin` and `expansion`."""

    __slots__ = ("alias", "expansion", "options", "order", "origin", "rule")

    def __init__(self, rule: Any) -> None:
        self.origin, self.expansion, self.alias = rule.origin, rule.expansion, rule.alias
        self.options, self.order, self.rule = rule.options, rule.order, rule

    def __repr__(self) -> str:
        return f"_Reduction({self.rule!r})"


def _reduce_by_identity(parser: Any) -> None:
    """Put one `_Reduction` per rule in both the parse table and the callbacks (see the class)."""
    callbacks: dict[Any, Any] = parser._callbacks
    table = parser.parser.parser._parse_table
    canonical = {rule: _Reduction(rule) for rule in callbacks if not isinstance(rule, str)}
    by_id: dict[int, Any] = {}
    for actions in table.states.values():
        for token, (action, arg) in actions.items():
            if type(arg) is not int:  # a reduction (a shift's argument is the next state)
                reduction = by_id.get(id(arg))
                if reduction is None:
                    reduction = by_id[id(arg)] = canonical[arg]
                actions[token] = (action, reduction)
    for rule, reduction in canonical.items():
        callbacks[reduction] = callbacks.pop(rule)


def _table_cache(grammar: str, fast: bool) -> str | bool:
    """Where Lark keeps the LALR tables it built: a file in migc's private cache directory (see
    migc.private_cache; not Lark's default, a predictable name in the shared temporary directory),
    named after everything the tables depend on. False, no cache, when there is no such place."""
    import sys

    import lark

    where = private_cache_dir()
    if where is None:
        return False
    loop = "lark-cython" if _plugins(fast) else "lark"  # whose tables: one file each, no thrashing
    key = hashlib.sha256(f"{lark.__version__}|{sys.version}|{loop}|{grammar}".encode()).hexdigest()[:24]
    path = where / f"lark-{key}.pickle"
    if path.exists():
        used(path)
    else:  # Lark makes it now: the tables of versions long unused go
        prune(where, "lark-*.pickle")
    return str(path)


@functools.cache
def _build_parser(fast: bool) -> Any:
    import lark.lexer
    from lark import Lark

    setattr(lark.lexer, "UnlessCallback", _KeywordLookup)  # see the class
    grammar = grammar_text()
    parser = Lark(
        grammar, parser="lalr", lexer="contextual", keep_all_tokens=True,
        maybe_placeholders=False, transformer=ToAst(), cache=_table_cache(grammar, fast), **_plugins(fast),
    )
    missing = rules_needing_builders(parser) - BUILDERS.keys() - ON_DEMAND.keys()
    if missing:  # a programming error: a statement kind's module was not imported (migc.kinds)
        raise RuntimeError(f"grammar rules without a builder: {', '.join(sorted(missing))}")
    _reduce_by_identity(parser)
    return parser


# Names for the expected-token list of a syntax error.
_TOKEN_NAMES = {
    "NAME": "a name", "QUOTED_IDENT": "a quoted name", "STRING": "a 'string'", "INT": "an integer",
    "DECIMAL": "a number", "DOLLAR_STRING": "a $$string$$", "NOT_NULL": "not null", "DOWN_BLOCK": "down {",
    "IF_NOT_EXISTS": "if not exists", "IF_EXISTS": "if exists",
    "SET_NULL": "set null", "SET_DEFAULT": "set default", "NO_ACTION": "no action",
    "NULLS_FIRST": "nulls first", "NULLS_LAST": "nulls last", "CMP_OP": "a comparison", "$END": "end of file",
    "LIKE": "like", "ILIKE": "ilike",
}


def _describe_expected(names: set[str]) -> str:
    parser = _parser()
    shown: set[str] = set()
    for name in names:
        if name in _TOKEN_NAMES:
            shown.add(_TOKEN_NAMES[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            shown.add(name.lower())
            continue
        shown.add(pattern.value if pattern.type == "str" else _words(name))
    ordered = sorted(shown, key=lambda s: (not s[0].isalpha(), s))
    if len(ordered) > 10:
        ordered = ordered[:10] + ["..."]
    return ", ".join(ordered)


def _words(name: str) -> str:
    """A keyword terminal of several words as they are written: NULLS_NOT_DISTINCT -> nulls not distinct."""
    return name.lower().replace("_", " ") if re.fullmatch(r"[A-Z]+(?:_[A-Z]+)+", name) else name.lower()


def _token_text(token: Any) -> str:
    if getattr(token, "type", None) == "$END":
        return "end of file"
    text = str(token)
    return repr(text[:30] + ("..." if len(text) > 30 else ""))


def parse(text: str, file: str, *, fast: bool = True) -> tuple[ast.Migration | None, list[Diagnostic]]:
    """Parse one file. On a syntax error: no AST and one E001 diagnostic saying what was expected."""
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
    )

    try:
        result = _parser(fast).parse(text)
    except UnexpectedToken as err:
        span = Span(err.line, err.column, err.line, err.column + max(1, len(str(err.token))))
        if err.token.type == "$END":
            span = _end_of_text(text)
        message = f"unexpected {_token_text(err.token)}; expected {_describe_expected(set(err.expected))}"
        hint = _UNMODELLED.get(str(err.token).lower()) or _misspelled_keyword(text, span)
        return None, [_syntax_error(file, span, message, hint)]
    except UnexpectedCharacters as err:
        pos = err.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        message = f"unexpected character {char!r}"
        if err.allowed:
            message += f"; expected {_describe_expected(set(err.allowed))}"
        return None, [_syntax_error(file, Span.point(err.line, err.column), message)]
    except UnexpectedEOF as err:
        message = f"unexpected end of file; expected {_describe_expected(set(err.expected))}"
        return None, [_syntax_error(file, _end_of_text(text), message)]
    except UnexpectedInput as err:  # any other Lark input error
        return None, [_syntax_error(file, Span.point(err.line or 1, err.column or 1), str(err))]
    assert isinstance(result, ast.Migration)
    return result, []


def _end_of_text(text: str) -> Span:
    """Lines are counted at \n only, as Lark counts them (not at form feeds or U+2028)."""
    lines = text.rstrip().split("\n")
    return Span.point(len(lines), len(lines[-1]) + 1)


def _syntax_error(file: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic("E001", Severity.ERROR, message, file, span, hint)


def keywords() -> frozenset[str]:
    """Every keyword of the grammar, in lower case."""
    return _keywords()


@functools.cache
def _keywords() -> frozenset[str]:
    """Every keyword of the grammar (the string terminals that are words)."""
    return frozenset(
        t.pattern.value.lower() for t in _parser().terminals
        if t.pattern.type == "str" and t.pattern.value.isalpha()
    )


# PostgreSQL clauses the language leaves out on purpose: what to do instead (rather than "did you
# mean 'owned'?" for `owner to`)
_UNMODELLED = {
    "owner": "ownership is not part of the model (migc runs as the role that owns what it makes): "
             "if you need it, write the statement as raw `sql $$ ... $$`",
    "tablespace": "tablespaces are not part of the model: write the statement as raw `sql $$ ... $$`",
}


def _misspelled_keyword(text: str, span: Span) -> str | None:
    """An unknown word before the error that is a near miss of a keyword: `add colum x int` fails
    later, at `int`, but the cause is `colum`. The words looked at are those of the error's line up
    to the end of the unexpected token, and those of the line before only when the token starts its
    line (a statement continued there): what follows the error cannot have caused it."""
    import difflib

    lines = source_lines(text)
    current = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    before = current[:span.end_col - 1] if span.end_line == span.line else current
    if not current[:span.col - 1].strip() and span.line >= 2:
        before = lines[span.line - 2] + " " + before
    words = re.findall(r"[A-Za-z_]+", before)
    keywords = _keywords()
    for word in reversed(words):
        lower = word.lower()
        if lower in keywords or len(lower) < 4:
            continue
        close = difflib.get_close_matches(lower, keywords, n=1, cutoff=0.8)
        if close:
            return f"'{word}' is not a keyword here: did you mean '{close[0]}'?"
    return None

