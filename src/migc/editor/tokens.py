"""A lexer of `.mig` text for the editor: every character belongs to exactly one token, so joining
the tokens gives the text back (comments, whitespace and quoted bodies included). It follows the
grammar's terminals (grammar/migc.lark) closely enough to format and to find completion contexts;
it never fails: a character it does not know is a token of its own ("other")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR = r"\$(?P<tag>(?:[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?)\$[\s\S]*?\$(?P=tag)\$"
_PATTERNS = [
    ("newline", r"\n"),
    ("space", r"[ \t\r\f\v]+"),
    ("line_comment", r"--[^\n]*"),
    ("block_comment", r"/\*[\s\S]*?\*/"),
    ("string", r"[eE]'(?:[^'\\]|\\[\s\S]|'')*'"),
    ("string", r"'(?:[^']|'')*'"),
    ("quoted", r'"(?:[^"]|"")*"'),
    ("dollar", _DOLLAR),
    ("number", r"(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("op", r"::|->>|->|#>>|#>|#-|@>|<@|\?\||\?&|&&|@@|<->|!~\*|!~|~\*|\|\||<=|>=|<>|!=|[=<>~?^+\-*/%]"),
    ("punct", r"[(),.;\[\]{}]"),
]
_LEXER = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)))
_KINDS = [k for k, _ in _PATTERNS]


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # newline, space, line_comment, block_comment, string, quoted, dollar, number, word, op, punct, other
    text: str
    start: int  # offset in the text
    line: int  # 1-based, of its first character
    col: int  # 1-based, in code points

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def is_comment(self) -> bool:
        return self.kind in ("line_comment", "block_comment")

    @property
    def is_blank(self) -> bool:
        return self.kind in ("newline", "space")

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    pos, line, line_start = 0, 1, 0
    n = len(text)
    while pos < n:
        m = _LEXER.match(text, pos)
        if m is None or m.end() == pos:
            kind, value = "other", text[pos]
        else:
            group = m.lastgroup or "g0"
            kind, value = _KINDS[int(group[1:])], m.group()
            if kind == "dollar" and text[pos] != "$":
                kind = "other"
        out.append(Token(kind, value, pos, line, pos - line_start + 1))
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = pos + value.rindex("\n") + 1
        pos += len(value)
    return out


def significant(tokens: list[Token]) -> list[Token]:
    """Tokens that are neither whitespace nor comments."""
    return [t for t in tokens if not t.is_blank and not t.is_comment]
