"""The only ways a name or a literal reaches SQL. A leaf module: expressions, codegen, lowering and
the runner all quote through it."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Always double-quoted, so `user` and `order` are fine as names."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(value: str) -> str:
    """A standard-conforming string literal ('' doubles a quote; backslashes are plain)."""
    return "'" + value.replace("'", "''") + "'"


def escape_literal(value: str) -> str:
    """An E'...' literal: backslash escapes for backslashes, quotes and control characters."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch in _ESCAPES_OUT:
            out.append(_ESCAPES_OUT[ch])
        elif not ch.isprintable() and ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        elif not ch.isprintable():
            out.append(f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "E'" + "".join(out) + "'"


_ESCAPES_OUT = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
_ESCAPES_IN = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def unescape(body: str) -> str:
    """The value of an E'...' literal's body, as PostgreSQL reads it (\\n, \\t, \\x41, \\101, \\u0041,
    a doubled quote...)."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "'" and body[i + 1:i + 2] == "'":
            out.append("'")
            i += 2
            continue
        if ch != "\\" or i + 1 >= len(body):
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES_IN:
            out.append(_ESCAPES_IN[nxt])
            i += 2
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]", body[i + 2:i + 3]):
            digits = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:])
            assert digits is not None
            out.append(chr(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1:])
            assert digits is not None
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        elif nxt in "uU":
            width = 4 if nxt == "u" else 8
            code = body[i + 2:i + 2 + width]
            if len(code) == width and all(c in "0123456789abcdefABCDEF" for c in code):
                out.append(chr(int(code, 16)))
                i += 2 + width
            else:
                out.append(nxt)
                i += 2
        else:
            out.append(nxt)  # \\ \' and any other character stand for themselves
            i += 2
    return "".join(out)


def func_name(name: str) -> str:
    """Function names stay bare when plain lower-case words: `coalesce`, `trim` and friends are
    keywords with their own syntax, which a quoted name would not reach. Anything else is quoted."""
    return name if _PLAIN.match(name) else ident(name)
