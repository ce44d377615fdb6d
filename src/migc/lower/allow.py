"""`-- migc: allow CODE[, CODE] [reason]` on the line just before a statement silences those
warnings in that statement. Words after the codes are a free-text reason. An allow comment that
is not directly before a statement, or whose code silences nothing there, is itself a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass

from migc.diagnostics import DiagnosticBag, Severity
from migc.source import Span, source_lines
from migc.syntax import ast

_ALLOW = re.compile(r"--\s*migc:\s*allow\b(.*)$", re.IGNORECASE)
_CODE = re.compile(r"^[EW]\d{3}$", re.IGNORECASE)


@dataclass
class _Allow:
    codes: list[str]
    comment: Span
    statement: Span | None  # the statement it applies to, if one starts on the next line


def _parse_codes(rest: str) -> list[str]:
    codes = []
    for word in rest.replace(",", " ").split():
        if not _CODE.match(word):
            break  # the reason starts here
        codes.append(word.upper())
    return codes


def apply_allows(bag: DiagnosticBag, statements: list[ast.Statement], text: str) -> None:
    if "migc:" not in text.lower():  # the common case: no allow comment at all
        return
    lines = source_lines(text)
    starts = {s.span.line: s.span for s in statements}
    allows: list[_Allow] = []
    for number, line in enumerate(lines, 1):
        match = _ALLOW.search(line)
        if match is None or not line.lstrip().startswith("--"):
            continue
        comment = Span(number, line.index("--") + 1, number, len(line) + 1)
        allows.append(_Allow(_parse_codes(match.group(1)), comment, starts.get(number + 1)))
    used: set[tuple[int, str]] = set()
    kept = []
    for d in bag.items:
        silenced = False
        if d.severity is Severity.WARNING:
            for i, allow in enumerate(allows):
                if allow.statement is not None and d.code in allow.codes and _within(d.span, allow.statement):
                    used.add((i, d.code))
                    silenced = True
        if not silenced:
            kept.append(d)
    bag.items[:] = kept
    for i, allow in enumerate(allows):
        if allow.statement is None:
            bag.warning("W109", allow.comment, "this allow comment is not on the line just before a statement",
                        "move it to the line directly above the statement it is meant for")
        elif not allow.codes:
            bag.warning("W109", allow.comment, "this allow comment names no code", "write e.g. -- migc: allow W101")
        else:
            for code in allow.codes:
                if (i, code) not in used:
                    bag.warning("W109", allow.comment, f"`allow {code}` silences nothing here",
                                "remove it: the statement below does not raise it")


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) <= (outer.end_line, outer.end_col)
