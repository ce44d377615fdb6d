"""The cached LALR parser. Lark's trees and errors stop here: callers get AST nodes or diagnostics."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from migc.diagnostics import Diagnostic, Severity
from migc.source import Span, source_lines
from migc.syntax import ast

VALUE_KEYWORDS = frozenset({
    "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
    "current_user", "session_user", "current_role",
})


def grammar_text() -> str:
    """The grammar ships inside the wheel as migc/grammar/migc.lark; a source checkout has it at the top."""
    packaged = resources.files("migc").joinpath("grammar/migc.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "grammar" / "migc.lark").read_text(encoding="utf-8")


def _start(item: Any) -> tuple[int, int] | None:
    """Where a child starts: an AST node's span, a token's position, or None for a placeholder."""
    span = getattr(item, "span", None)
    if span is not None:
        return span.line, span.col
    line = getattr(item, "line", None)
    return (line, item.column) if line is not None else None


def _end(item: Any) -> tuple[int, int] | None:
    span = getattr(item, "span", None)
    if span is not None:
        return span.end_line, span.end_col
    line = getattr(item, "end_line", None)
    return (line, item.end_column) if line is not None else None


def _pos(item: Any) -> Span | None:
    start, end = _start(item), _end(item)
    return Span(start[0], start[1], end[0], end[1]) if start and end else None


def _span(children: list[Any]) -> Span:
    """From the first positioned child to the last (placeholders for absent options are None)."""
    first = last = None
    for item in children:
        first = _start(item)
        if first is not None:
            break
    for item in reversed(children):
        last = _end(item)
        if last is not None:
            break
    if first is None or last is None:
        return Span(1, 1, 1, 1)
    return Span(first[0], first[1], last[0], last[1])


def _tok(children: list[Any], *types: str) -> Any | None:
    """The first token among the children with one of these types."""
    for c in children:
        if getattr(c, "type", None) in types:
            return c
    return None


def _nodes(children: list[Any], kind: type | tuple[type, ...]) -> list[Any]:
    return [c for c in children if isinstance(c, kind)]


def _unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote * 2, quote)


class _Args:
    __slots__ = ("values", "span")

    def __init__(self, values: tuple[int, ...], span: Span) -> None:
        self.values = values
        self.span = span


class _Marker:
    """A keyword-only rule (`not valid`, `[]`, `using ...`) carried up to its parent."""

    __slots__ = ("kind", "value", "span")

    def __init__(self, kind: str, value: Any, span: Span) -> None:
        self.kind = kind
        self.value = value
        self.span = span


def _markers(children: list[Any], kind: str) -> list[_Marker]:
    return [c for c in children if isinstance(c, _Marker) and c.kind == kind]


def _marker(children: list[Any], kind: str) -> _Marker | None:
    found = _markers(children, kind)
    return found[0] if found else None


_EXPR_TYPES = (
    ast.Literal, ast.ColumnRef, ast.ValueKeyword, ast.FuncCall, ast.Binary, ast.Unary, ast.IsNull,
    ast.InList, ast.Between, ast.Like, ast.Cast, ast.Paren,
)


def _build_transformer() -> Any:
    from lark import Transformer

    class ToAst(Transformer):  # type: ignore[type-arg]
        # ---- names and types
        def ident(self, c: list[Any]) -> ast.Ident:
            tok = c[0]
            span = _pos(tok) or Span(1, 1, 1, 1)
            if tok.type == "QUOTED_IDENT":
                return ast.Ident(_unquote(tok.value, '"'), span, True)
            return ast.Ident(tok.value.lower(), span)

        def qname(self, c: list[Any]) -> ast.QName:
            idents = _nodes(c, ast.Ident)
            if len(idents) == 2:
                return ast.QName(idents[0], idents[1], _span(c))
            return ast.QName(None, idents[0], _span(c))

        def double_precision(self, c: list[Any]) -> ast.QName:
            span = _span(c)
            return ast.QName(None, ast.Ident("double precision", span), span)

        def type_args(self, c: list[Any]) -> _Args:
            return _Args(tuple(int(t.value) for t in c if getattr(t, "type", None) == "INT"), _span(c))

        def array_suffix(self, c: list[Any]) -> _Marker:
            return _Marker("array", None, _span(c))

        def type(self, c: list[Any]) -> ast.TypeRef:
            args = _nodes(c, _Args)
            return ast.TypeRef(
                _nodes(c, ast.QName)[0], args[0].values if args else (), len(_markers(c, "array")), _span(c)
            )

        def ident_list(self, c: list[Any]) -> _Marker:
            return _Marker("idents", tuple(_nodes(c, ast.Ident)), _span(c))

        # ---- expressions
        def literal(self, c: list[Any]) -> ast.Literal:
            tok = c[0]
            kind = {"INT": "int", "DECIMAL": "decimal", "STRING": "string", "TRUE": "bool", "FALSE": "bool"}.get(
                tok.type, "null"
            )
            value = _unquote(tok.value, "'") if kind == "string" else tok.value.lower()
            return ast.Literal(kind, value, _span(c))

        def column_ref(self, c: list[Any]) -> ast.ColumnRef | ast.ValueKeyword:
            name: ast.Ident = c[0]
            if not name.quoted and name.value in VALUE_KEYWORDS:
                return ast.ValueKeyword(name.value, name.span)
            return ast.ColumnRef(name, name.span)

        def func_call(self, c: list[Any]) -> ast.FuncCall:
            return ast.FuncCall(c[0], tuple(_nodes(c[1:], _EXPR_TYPES)), _span(c))

        def paren(self, c: list[Any]) -> ast.Paren:
            return ast.Paren(_nodes(c, _EXPR_TYPES)[0], _span(c))

        def binary(self, c: list[Any]) -> ast.Binary:
            return ast.Binary(c[1].value.lower(), c[0], c[2], _span(c))

        def unary(self, c: list[Any]) -> ast.Unary:
            return ast.Unary(c[0].value.lower(), c[1], _span(c))

        def is_null(self, c: list[Any]) -> ast.IsNull:
            return ast.IsNull(c[0], False, _span(c))

        def is_not_null(self, c: list[Any]) -> ast.IsNull:
            return ast.IsNull(c[0], True, _span(c))

        def in_list(self, c: list[Any]) -> ast.InList:
            exprs = _nodes(c, _EXPR_TYPES)
            return ast.InList(exprs[0], tuple(exprs[1:]), _tok(c, "NOT") is not None, _span(c))

        def between(self, c: list[Any]) -> ast.Between:
            exprs = _nodes(c, _EXPR_TYPES)
            return ast.Between(exprs[0], exprs[1], exprs[2], _tok(c, "NOT") is not None, _span(c))

        def like(self, c: list[Any]) -> ast.Like:
            exprs = _nodes(c, _EXPR_TYPES)
            op = "ilike" if _tok(c, "ILIKE") is not None else "like"
            return ast.Like(exprs[0], exprs[1], op, _tok(c, "NOT") is not None, _span(c))

        def cast(self, c: list[Any]) -> ast.Cast:
            return ast.Cast(c[0], _nodes(c, ast.TypeRef)[0], _span(c))

        # ---- column modifiers and constraints
        def _mod(self, kind: str, c: list[Any], **kw: Any) -> ast.ColumnModifier:
            return ast.ColumnModifier(kind, span=_span(c), **kw)

        def pk_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("pk", c)

        def unique_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("unique", c)

        def not_null_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("not null", c)

        def null_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("null", c)

        def default_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("default", c, expr=_nodes(c, _EXPR_TYPES)[0])

        def check_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("check", c, expr=_nodes(c, _EXPR_TYPES)[0])

        def identity_mod(self, c: list[Any]) -> ast.ColumnModifier:
            return self._mod("identity", c, identity_always=_tok(c, "ALWAYS") is not None)

        def fk_action(self, c: list[Any]) -> str:
            return " ".join(c[0].value.lower().split())

        def on_delete(self, c: list[Any]) -> _Marker:
            return _Marker("on delete", c[-1], _span(c))

        def on_update(self, c: list[Any]) -> _Marker:
            return _Marker("on update", c[-1], _span(c))

        def not_valid(self, c: list[Any]) -> _Marker:
            return _Marker("not valid", True, _span(c))

        def _fk_ref(self, table: ast.QName, columns: tuple[ast.Ident, ...], c: list[Any]) -> ast.ForeignKeyRef:
            on_delete, on_update = _marker(c, "on delete"), _marker(c, "on update")
            return ast.ForeignKeyRef(
                table, columns, on_delete.value if on_delete else None, on_update.value if on_update else None,
                _marker(c, "not valid") is not None, _span(c),
            )

        def references_mod(self, c: list[Any]) -> ast.ColumnModifier:
            table = _nodes(c, ast.QName)[0]
            fk = self._fk_ref(table, tuple(_nodes(c, ast.Ident)), c)
            return self._mod("references", c, references=fk)

        def named_mod(self, c: list[Any]) -> ast.ColumnModifier:
            name: ast.Ident = _nodes(c, ast.Ident)[0]
            inner: ast.ColumnModifier = _nodes(c, ast.ColumnModifier)[0]
            return ast.ColumnModifier(
                inner.kind, name, inner.expr, inner.references, inner.identity_always, _span(c)
            )

        def column_def(self, c: list[Any]) -> ast.ColumnDef:
            return ast.ColumnDef(c[0], c[1], tuple(_nodes(c, ast.ColumnModifier)), _span(c))

        def pk_tc(self, c: list[Any]) -> _Marker:
            return _Marker("primary key", _marker(c, "idents").value, _span(c))  # type: ignore[union-attr]

        def unique_tc(self, c: list[Any]) -> _Marker:
            return _Marker("unique", _marker(c, "idents").value, _span(c))  # type: ignore[union-attr]

        def check_tc(self, c: list[Any]) -> _Marker:
            return _Marker("check", (_nodes(c, _EXPR_TYPES)[0], _marker(c, "not valid") is not None), _span(c))

        def fk_tc(self, c: list[Any]) -> _Marker:
            lists = _markers(c, "idents")
            table = _nodes(c, ast.QName)[0]
            fk = self._fk_ref(table, lists[1].value if len(lists) > 1 else (), c)
            return _Marker("foreign key", (lists[0].value, fk), _span(c))

        def table_constraint(self, c: list[Any]) -> ast.TableConstraint:
            names = _nodes(c, ast.Ident)
            name = names[0] if names else None
            body = _nodes(c, _Marker)[0]
            span = _span(c)
            if body.kind == "check":
                expr, not_valid = body.value
                return ast.TableConstraint("check", name, (), expr=expr, not_valid=not_valid, span=span)
            if body.kind == "foreign key":
                columns, fk = body.value
                return ast.TableConstraint("foreign key", name, columns, references=fk, span=span)
            return ast.TableConstraint(body.kind, name, body.value, span=span)

        # ---- statements
        def create_schema(self, c: list[Any]) -> ast.CreateSchema:
            return ast.CreateSchema(_nodes(c, ast.Ident)[0], _span(c))

        def drop_schema(self, c: list[Any]) -> ast.DropSchema:
            return ast.DropSchema(_nodes(c, ast.Ident)[0], _span(c))

        def create_table(self, c: list[Any]) -> ast.CreateTable:
            return ast.CreateTable(
                _nodes(c, ast.QName)[0], tuple(_nodes(c, ast.ColumnDef)),
                tuple(_nodes(c, ast.TableConstraint)), _span(c),
            )

        def drop_table(self, c: list[Any]) -> ast.DropTable:
            return ast.DropTable(_nodes(c, ast.QName)[0], _span(c))

        def rename_table(self, c: list[Any]) -> ast.RenameTable:
            return ast.RenameTable(_nodes(c, ast.QName)[0], _nodes(c, ast.Ident)[0], _span(c))

        def add_column(self, c: list[Any]) -> ast.AddColumn:
            return ast.AddColumn(_nodes(c, ast.ColumnDef)[0], _span(c))

        def drop_column(self, c: list[Any]) -> ast.DropColumn:
            return ast.DropColumn(_nodes(c, ast.Ident)[0], _span(c))

        def rename_column(self, c: list[Any]) -> ast.RenameColumn:
            old, new = _nodes(c, ast.Ident)
            return ast.RenameColumn(old, new, _span(c))

        def add_constraint(self, c: list[Any]) -> ast.AddConstraint:
            return ast.AddConstraint(_nodes(c, ast.TableConstraint)[0], _span(c))

        def validate_constraint(self, c: list[Any]) -> ast.ValidateConstraint:
            return ast.ValidateConstraint(_nodes(c, ast.Ident)[0], _span(c))

        def drop_constraint(self, c: list[Any]) -> ast.DropConstraint:
            return ast.DropConstraint(_nodes(c, ast.Ident)[0], _span(c))

        def using(self, c: list[Any]) -> _Marker:
            return _Marker("using", _nodes(c, _EXPR_TYPES)[0], _span(c))

        def set_type(self, c: list[Any]) -> ast.SetType:
            using = _marker(c, "using")
            return ast.SetType(
                _nodes(c, ast.Ident)[0], _nodes(c, ast.TypeRef)[0], using.value if using else None, _span(c)
            )

        def set_not_null(self, c: list[Any]) -> ast.SetNotNull:
            return ast.SetNotNull(_nodes(c, ast.Ident)[0], _span(c))

        def drop_not_null(self, c: list[Any]) -> ast.DropNotNull:
            return ast.DropNotNull(_nodes(c, ast.Ident)[0], _span(c))

        def set_default(self, c: list[Any]) -> ast.SetDefault:
            return ast.SetDefault(_nodes(c, ast.Ident)[0], _nodes(c, _EXPR_TYPES)[0], _span(c))

        def drop_default(self, c: list[Any]) -> ast.DropDefault:
            return ast.DropDefault(_nodes(c, ast.Ident)[0], _span(c))

        def alter_table(self, c: list[Any]) -> ast.AlterTable:
            return ast.AlterTable(_nodes(c, ast.QName)[0], tuple(_nodes(c, _ACTION_TYPES)), _span(c))

        def index_elem(self, c: list[Any]) -> ast.IndexElem:
            order = _tok(c, "ASC", "DESC")
            nulls = _tok(c, "NULLS_FIRST", "NULLS_LAST")
            return ast.IndexElem(
                _nodes(c, _EXPR_TYPES)[0],
                order.value.lower() if order is not None else None,
                nulls.value.lower().split()[-1] if nulls is not None else None,
                _span(c),
            )

        def where(self, c: list[Any]) -> _Marker:
            return _Marker("where", _nodes(c, _EXPR_TYPES)[0], _span(c))

        def create_index(self, c: list[Any]) -> ast.CreateIndex:
            where = _marker(c, "where")
            names = _nodes(c, ast.Ident)
            return ast.CreateIndex(
                names[0] if names else None, _nodes(c, ast.QName)[0], _tok(c, "UNIQUE") is not None,
                _tok(c, "CONCURRENTLY") is not None, tuple(_nodes(c, ast.IndexElem)),
                where.value if where else None, _span(c),
            )

        def drop_index(self, c: list[Any]) -> ast.DropIndex:
            return ast.DropIndex(_nodes(c, ast.QName)[0], _tok(c, "CONCURRENTLY") is not None, _span(c))

        def _string_lits(self, c: list[Any]) -> list[ast.StringLit]:
            return [
                ast.StringLit(_unquote(t.value, "'"), _pos(t) or Span(1, 1, 1, 1))
                for t in c if getattr(t, "type", None) == "STRING"
            ]

        def create_enum(self, c: list[Any]) -> ast.CreateEnum:
            return ast.CreateEnum(_nodes(c, ast.QName)[0], tuple(self._string_lits(c)), _span(c))

        def enum_position(self, c: list[Any]) -> _Marker:
            return _Marker("position", (c[0].value.lower(), self._string_lits(c)[0]), _span(c))

        def alter_enum(self, c: list[Any]) -> ast.AlterEnumAddValue:
            pos = _marker(c, "position")
            return ast.AlterEnumAddValue(
                _nodes(c, ast.QName)[0], self._string_lits(c)[0],
                pos.value[0] if pos else None, pos.value[1] if pos else None, _span(c),
            )

        def rename_enum(self, c: list[Any]) -> ast.RenameEnum:
            return ast.RenameEnum(_nodes(c, ast.QName)[0], _nodes(c, ast.Ident)[0], _span(c))

        def drop_enum(self, c: list[Any]) -> ast.DropEnum:
            return ast.DropEnum(_nodes(c, ast.QName)[0], _span(c))

        def _sql_body(self, c: list[Any]) -> str:
            tok = _tok(c, "STRING", "QUOTED_IDENT", "DOLLAR_STRING")
            assert tok is not None
            text: str = tok.value
            if tok.type == "DOLLAR_STRING":
                return text[2:-2].strip()
            return _unquote(text, text[0]).strip()

        def sql_down(self, c: list[Any]) -> _Marker:
            return _Marker("down", self._sql_body(c), _span(c))

        def sql_stmt(self, c: list[Any]) -> ast.RawSql:
            down = _marker(c, "down")
            return ast.RawSql(self._sql_body(c), down.value if down else None, _span(c))

        # ---- the file
        def down_block(self, c: list[Any]) -> _Marker:
            return _Marker("down block", tuple(x for x in c if _is_statement(x)), _span(c))

        def start(self, c: list[Any]) -> ast.Migration:
            down = _marker(c, "down block")
            return ast.Migration(
                tuple(x for x in c if _is_statement(x)),
                down.value if down else None,
                down.span if down else None,
            )

    return ToAst()


_ACTION_TYPES = (
    ast.AddColumn, ast.DropColumn, ast.RenameColumn, ast.AddConstraint, ast.ValidateConstraint,
    ast.DropConstraint, ast.SetType, ast.SetNotNull, ast.DropNotNull, ast.SetDefault, ast.DropDefault,
)

_STATEMENT_TYPES = (
    ast.CreateSchema, ast.DropSchema, ast.CreateTable, ast.DropTable, ast.RenameTable, ast.AlterTable,
    ast.CreateIndex, ast.DropIndex, ast.CreateEnum, ast.AlterEnumAddValue, ast.RenameEnum, ast.DropEnum,
    ast.RawSql,
)


def _is_statement(x: object) -> bool:
    return isinstance(x, _STATEMENT_TYPES)


@functools.cache
def _parser() -> Any:
    """Built once per process; Lark caches the LALR tables on disk keyed by the grammar's hash."""
    from lark import Lark

    return Lark(
        grammar_text(), parser="lalr", lexer="contextual", keep_all_tokens=True,
        maybe_placeholders=True, transformer=_build_transformer(), cache=True,
    )


# Names for the expected-token list of a syntax error.
_TOKEN_NAMES = {
    "NAME": "a name", "QUOTED_IDENT": "a quoted name", "STRING": "a 'string'", "INT": "an integer",
    "DECIMAL": "a number", "DOLLAR_STRING": "a $$string$$", "NOT_NULL": "not null", "DOWN_BLOCK": "down {",
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
        shown.add(pattern.value if pattern.type == "str" else name.lower())
    ordered = sorted(shown, key=lambda s: (not s[0].isalpha(), s))
    if len(ordered) > 10:
        ordered = ordered[:10] + ["..."]
    return ", ".join(ordered)


def _token_text(token: Any) -> str:
    if getattr(token, "type", None) == "$END":
        return "end of file"
    text = str(token)
    return repr(text[:30] + ("..." if len(text) > 30 else ""))


def parse(text: str, file: str) -> tuple[ast.Migration | None, list[Diagnostic]]:
    """Parse one file. On a syntax error: no AST and one E001 diagnostic saying what was expected."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    try:
        result = _parser().parse(text)
    except UnexpectedToken as err:
        span = Span(err.line, err.column, err.line, err.column + max(1, len(str(err.token))))
        if err.token.type == "$END":
            span = _end_of_text(text)
        message = f"unexpected {_token_text(err.token)}; expected {_describe_expected(set(err.expected))}"
        return None, [_syntax_error(file, span, message, _misspelled_keyword(text, err.line))]
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


@functools.cache
def _keywords() -> frozenset[str]:
    """Every keyword of the grammar (the string terminals that are words)."""
    return frozenset(
        t.pattern.value.lower() for t in _parser().terminals
        if t.pattern.type == "str" and t.pattern.value.isalpha()
    )


def _misspelled_keyword(text: str, line: int) -> str | None:
    """An unknown word on the error's line (or the one before) that is a near miss of a keyword:
    `add colum x int` fails later, at `int`, but the cause is `colum`."""
    import difflib
    import re

    lines = source_lines(text)
    words = re.findall(r"[A-Za-z_]+", " ".join(lines[max(0, line - 2):line]))
    keywords = _keywords()
    for word in reversed(words):
        lower = word.lower()
        if lower in keywords or len(lower) < 4:
            continue
        close = difflib.get_close_matches(lower, keywords, n=1, cutoff=0.8)
        if close:
            return f"'{word}' is not a keyword here: did you mean '{close[0]}'?"
    return None

