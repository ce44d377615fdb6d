"""`-- migc: allow CODE[, CODE] [reason]` on the line just before a statement silences those
warnings in that statement. Words after the codes are a free-text reason. An allow comment that
is not directly before a statement, or whose code silences nothing there, is itself a warning
(W109); one that names a code migc does not have is an error (E005): a typo would silence nothing
and the warning meant would stay, unexplained."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from migc.codes import CODES
from migc.diagnostics import Diagnostic, Severity
from migc.source import Span, source_lines
from migc.syntax import ast

_ALLOW = re.compile(r"--\s*migc:\s*allow\b(.*)$", re.IGNORECASE)
_CODE = re.compile(r"^[EW]\d{1,4}$", re.IGNORECASE)  # code-shaped: a typo (W10) is still a code, unknown


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


def apply_allows(found: list[Diagnostic], file: str, statements: list[ast.Statement], text: str) -> list[Diagnostic]:
    """`found` without what allow comments silence, with the allow comments' own diagnostics."""
    if "migc:" not in text.lower():  # the common case: no allow comment at all
        return found
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
    for d in found:
        silenced = False
        if d.severity is Severity.WARNING:
            for i, allow in enumerate(allows):
                if allow.statement is not None and d.code in allow.codes and _within(d.span, allow.statement):
                    used.add((i, d.code))
                    silenced = True
        if not silenced:
            kept.append(d)

    def warn(span: Span, message: str, hint: str) -> None:
        kept.append(Diagnostic("W109", Severity.WARNING, message, file, span, hint))

    for i, allow in enumerate(allows):
        unknown = [code for code in allow.codes if code not in CODES]
        for code in unknown:
            close = difflib.get_close_matches(code, CODES, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "the codes are listed in docs/diagnostics.md"
            kept.append(Diagnostic("E005", Severity.ERROR, f"unknown diagnostic code {code} in an allow comment",
                                   file, allow.comment, hint))
        if allow.statement is None:
            warn(allow.comment, "this allow comment is not on the line just before a statement",
                 "move it to the line directly above the statement it is meant for")
        elif not allow.codes:
            warn(allow.comment, "this allow comment names no code", "write e.g. -- migc: allow W101")
        else:
            for code in allow.codes:
                if (i, code) not in used and code not in unknown:
                    warn(allow.comment, f"`allow {code}` silences nothing here",
                         "remove it: the statement below does not raise it")
    return kept


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) <= (outer.end_line, outer.end_col)
