"""PostgreSQL script text split into statements, by PostgreSQL's (and psql's) lexical rules.

`split_sql(text)` returns pieces that, joined, give the text back exactly: each piece is the
whitespace and comments before a statement, the statement, and its `;`; a psql meta-command
(`\\i file`, `\\connect db`: a backslash where a statement could begin, to the end of the line) is a
piece of its own (kind "meta"), so callers can report it; what follows the last statement (spaces,
comments, empty statements) is a piece of kind "trailing"; an empty statement (`;;`) belongs to
the trivia before the next statement.

What it knows, as PostgreSQL's scanner (scan.l) and psql's (psqlscan.l) do:
- `'...'` strings with `''`, `E'...'` strings with backslash escapes (`\\'`, `\\\\`), `U&'...'`,
  `B'...'`, `X'...'` (plain quoting); `"..."` names with `""`;
- dollar quotes `$$...$$` and `$tag$...$tag$` (a `$` inside a name, `a$b`, or a parameter `$1`,
  is no quote);
- `-- comments` and nested `/* /* */ */` comments;
- parentheses, and psql's rule for SQL-standard function bodies: in `CREATE [OR REPLACE]
  FUNCTION|PROCEDURE`, `BEGIN ... END` (with `CASE ... END` inside) holds its `;`s;
- `COPY ... FROM STDIN;` is followed by its data, up to a line `\\.`, which belongs to it.

Hand-written (a small exact lexer) because the libraries that split PostgreSQL correctly embed
PostgreSQL's parser and are GPL (migc is MIT and has no GPL dependency, not even for its tests),
and the permissive ones are approximate (sqlparse has no dollar-quote tags, nested comments nor
BEGIN ATOMIC); see docs/adopt.md. tests/test_sqlsplit.py holds it to PostgreSQL itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PieceKind = Literal["statement", "meta", "trailing"]


@dataclass(frozen=True, slots=True)
class Piece:
    raw: str  # the exact text: leading trivia + statement + `;` (joined, the pieces give the input)
    kind: PieceKind
    start: int  # offset of `raw` in the text
    sql_start: int  # offset where the statement itself begins (after comments and spaces)
    sql_end: int  # offset just after the statement (before its `;`)
    line: int  # 1-based line and column of the statement's first character
    col: int
    terminated: bool = False  # ended by `;` (rather than by the end of the text)

    @property
    def sql(self) -> str:
        """The statement, without its leading comments and `;`, trailing spaces trimmed."""
        return self.raw[self.sql_start - self.start:self.sql_end - self.start].rstrip()

    @property
    def leading(self) -> str:
        """The whitespace and comments before the statement."""
        return self.raw[:self.sql_start - self.start]


class SplitError(Exception):
    """Text that PostgreSQL would not accept as a script: an unterminated quote or comment."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


_IDENT_CHAR = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]")
_WORD = re.compile(r"[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?")
_COPY_FROM_STDIN = re.compile(r"^\s*copy\b.*\bfrom\s+stdin\b", re.I | re.S)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def fail(self, message: str, at: int) -> SplitError:
        line, col = _position(self.text, at)
        return SplitError(message, line, col)

    def skip_trivia(self, pos: int) -> int:
        """Past whitespace and comments."""
        text, n = self.text, self.n
        while pos < n:
            c = text[pos]
            if c.isspace():
                pos += 1
            elif text.startswith("--", pos):
                end = text.find("\n", pos)
                pos = n if end < 0 else end + 1
            elif text.startswith("/*", pos):
                pos = self.block_comment(pos)
            else:
                break
        return pos

    def block_comment(self, pos: int) -> int:
        depth, i = 0, pos
        while i < self.n:
            if self.text.startswith("/*", i):
                depth, i = depth + 1, i + 2
            elif self.text.startswith("*/", i):
                depth, i = depth - 1, i + 2
                if depth == 0:
                    return i
            else:
                i += 1
        raise self.fail("unterminated /* comment", pos)

    def quoted(self, pos: int, quote: str, backslash: bool) -> int:
        """Past a quoted string or name starting at `pos` (the opening quote)."""
        text, i = self.text, pos + 1
        while i < self.n:
            c = text[i]
            if backslash and c == "\\":
                i += 2
            elif c == quote:
                if i + 1 < self.n and text[i + 1] == quote:
                    i += 2
                else:
                    return i + 1
            else:
                i += 1
        raise self.fail("unterminated quoted name" if quote == '"' else "unterminated string", pos)

    def statement_end(self, pos: int) -> tuple[int, bool]:
        """From the first character of a statement: the offset of its `;` (or the text's end), and
        whether a `;` ended it."""
        text, n = self.text, self.n
        parens = 0
        words: list[str] = []  # the statement's first words, lower-cased (psql's BEGIN ATOMIC rule)
        begin_depth = 0
        i = pos
        while i < n:
            c = text[i]
            if c == ";" and parens == 0 and begin_depth == 0:
                return i, True
            if c.isspace():
                i += 1
            elif text.startswith("--", i) or text.startswith("/*", i):
                i = self.skip_trivia(i)
            elif c == "'":
                i = self.quoted(i, "'", False)
            elif c == '"':
                i = self.quoted(i, '"', False)
            elif c == "$":
                m = _DOLLAR_TAG.match(text, i)
                if m is not None and not (i > 0 and _IDENT_CHAR.match(text[i - 1])):
                    close = text.find(m.group(0), m.end())
                    if close < 0:
                        raise self.fail(f"unterminated dollar quote {m.group(0)}", i)
                    i = close + len(m.group(0))
                else:
                    i += 1
            elif c == "(" or c == "[":
                parens, i = parens + 1, i + 1
            elif c == ")" or c == "]":
                parens, i = max(0, parens - 1), i + 1
            elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
                m = _NUMBER.match(text, i)
                i = m.end() if m else i + 1
            elif _WORD.match(text, i):
                m = _WORD.match(text, i)
                assert m is not None
                word = m.group(0)
                end = m.end()
                if end < n and text[end] == "'" and word.lower() in ("e", "b", "x", "n"):
                    i = self.quoted(end, "'", word.lower() == "e")
                    continue
                if word.lower() == "u" and text.startswith("&'", end):
                    i = self.quoted(end + 1, "'", False)
                    continue
                if word.lower() == "u" and text.startswith('&"', end):
                    i = self.quoted(end + 1, '"', False)
                    continue
                low = word.lower()
                words.append(low)
                if parens == 0 and _routine(words):
                    if low == "begin":
                        begin_depth += 1
                    elif low == "case" and begin_depth >= 1:
                        begin_depth += 1
                    elif low == "end" and begin_depth > 0:
                        begin_depth -= 1
                i = end
            else:
                i += 1
        return n, False

    def copy_data_end(self, pos: int) -> int:
        """After `COPY ... FROM STDIN;` at `pos`: past the data lines and the closing `\\.` line."""
        text = self.text
        line_end = text.find("\n", pos)
        if line_end < 0:
            return self.n
        i = line_end + 1
        while i < self.n:
            end = text.find("\n", i)
            line = text[i:self.n if end < 0 else end]
            if line.rstrip("\r") == "\\.":
                return self.n if end < 0 else end + 1
            if end < 0:
                break
            i = end + 1
        raise self.fail("COPY FROM STDIN data without its closing line `\\.`", pos)


def _routine(words: list[str]) -> bool:
    """CREATE [OR REPLACE] FUNCTION|PROCEDURE: psql's test for a body that may hold `;`s."""
    if not words or words[0] != "create":
        return False
    if len(words) >= 2 and words[1] in ("function", "procedure"):
        return True
    return len(words) >= 4 and words[1] == "or" and words[2] == "replace" and words[3] in ("function", "procedure")


def split_sql(text: str) -> list[Piece]:
    """The pieces of a script (see the module's docstring); raises SplitError on an unterminated
    quote, dollar quote or comment."""
    lex = _Lexer(text)
    pieces: list[Piece] = []
    pos = 0
    while pos < len(text):
        start = lex.skip_trivia(pos)
        while start < len(text) and text[start] == ";":  # an empty statement: nothing to run, trivia
            start = lex.skip_trivia(start + 1)
        if start >= len(text):
            line, col = _position(text, start)
            pieces.append(Piece(text[pos:], "trailing", pos, start, start, line, col))
            break
        line, col = _position(text, start)
        if text[start] == "\\":  # a psql meta-command: to the end of the line
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            stop = end + 1 if end < len(text) else end
            pieces.append(Piece(text[pos:stop], "meta", pos, start, end, line, col))
            pos = stop
            continue
        end, terminated = lex.statement_end(start)
        stop = end + 1 if terminated else end
        if terminated and _COPY_FROM_STDIN.match(text, start, end):
            stop = lex.copy_data_end(stop)
        pieces.append(Piece(text[pos:stop], "statement", pos, start, end, line, col, terminated))
        pos = stop
    return pieces


def statements(text: str) -> list[Piece]:
    """Only the statements (not meta-commands nor the trailing comments)."""
    return [p for p in split_sql(text) if p.kind == "statement"]
