"""`migc fmt`: one canonical layout for `.mig` files, from the token stream plus a few structural
rules, so statement kinds added to the grammar are formatted without a printer of their own.

- words outside quotes are lower case (keywords, and unquoted names, which fold to lower case anyway);
- one statement after another, one blank line between statements; comments stay where they were
  (a comment on a statement's line stays at its end, a comment on its own line stays on its own
  line, directly above what it was directly above: `-- migc: allow` keeps working);
- `create table`: one element per line, two-space indent, the columns' types aligned;
- a statement with several `actions` (`alter table t add ..., drop ...`): one action per line;
- everything else on one line, one space between tokens (none inside parentheses, before commas,
  around `.` and `::`, before a call's or a type's parenthesis); strings, quoted names,
  dollar-quoted bodies and `sql` text are copied as written.

A file that does not parse is not formatted (FormatError). Formatting is idempotent, and the
formatted file parses to the same AST (spans aside), so it compiles to the same ops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.editor.positions import LineIndex
from migc.editor.tokens import Token, tokenize


class FormatError(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass
class _Stmt:
    node: Any
    start: int  # offsets in the text
    end: int
    depth: int  # 0, or 1 inside `down { }`


def format_text(text: str, file: str = "<text>") -> str:
    import migc.kinds  # noqa: F401  (registers every statement kind)
    from migc.syntax.parser import parse

    migration, errors = parse(text, file)
    if migration is None:
        e = errors[0]
        raise FormatError(e.message, e.span.line, e.span.col)
    lines = LineIndex(text)
    stmts: list[_Stmt] = []
    for node in migration.statements:
        stmts.append(_Stmt(node, lines.offset(node.span.line, node.span.col), lines.offset(node.span.end_line, node.span.end_col), 0))
    for node in migration.down or ():
        stmts.append(_Stmt(node, lines.offset(node.span.line, node.span.col), lines.offset(node.span.end_line, node.span.end_col), 1))
    stmts.sort(key=lambda s: s.start)
    tokens = tokenize(text)
    return _Formatter(text, tokens, stmts, lines).run()


class _Formatter:
    def __init__(self, text: str, tokens: list[Token], stmts: list[_Stmt], lines: LineIndex) -> None:
        self.text, self.tokens, self.stmts, self.li = text, tokens, stmts, lines
        self.out: list[str] = []  # finished lines
        self.cur = ""  # the line being written
        self.depth = 0
        self.last = "start"  # "start", "statement", "comment", "open" (down {)

    def _flush(self) -> None:
        if self.cur:
            self.out.append(self.cur.rstrip())
            self.cur = ""

    def _blank(self) -> None:
        self._flush()
        if self.out and self.out[-1] != "" and self.last != "open":
            self.out.append("")

    def _newlines_before(self, k: int) -> int:
        n = 0
        j = k - 1
        while j >= 0 and self.tokens[j].is_blank:
            n += self.tokens[j].text.count("\n")
            j -= 1
        return n if j >= 0 else 99

    def run(self) -> str:
        k = 0
        si = 0
        toks = self.tokens
        while k < len(toks):
            t = toks[k]
            if si < len(self.stmts) and t.start >= self.stmts[si].start:
                s = self.stmts[si]
                end = k
                while end < len(toks) and toks[end].start < s.end:
                    end += 1
                if self.last in ("statement",) or (self.last == "comment" and self._newlines_before(k) >= 2):
                    self._blank()
                else:
                    self._flush()
                indent = "  " * s.depth
                rendered = _statement(s.node, toks[k:end], self.text)
                for n, line in enumerate(rendered):
                    self.out.append(indent + line if line else "")
                self.cur = self.out.pop()
                self.last = "statement"
                si += 1
                k = end
                continue
            if t.is_blank:
                k += 1
                continue
            if t.is_comment:
                newlines = self._newlines_before(k)
                if newlines == 0 and self.cur:
                    self.cur += " " + t.text
                else:
                    if self.last == "statement" or (self.last == "comment" and newlines >= 2):
                        self._blank()
                    else:
                        self._flush()
                    self.cur = "  " * self.depth + t.text
                    self.last = "comment"
                if t.kind == "line_comment" or "\n" in t.text:
                    self._flush()
                k += 1
                continue
            if t.text == ";":
                if self.cur:
                    self.cur += ";"
                elif self.out:
                    j = len(self.out) - 1
                    while j > 0 and self.out[j] == "":
                        j -= 1
                    if not self.out[j].lstrip().startswith("--"):
                        self.out[j] += ";"
                k += 1
                continue
            if t.kind == "word" and t.lower == "down":  # down {
                self._blank()
                self.cur = "down {"
                self._flush()
                self.depth = 1
                self.last = "open"
                k += 1
                while k < len(toks) and (toks[k].is_blank or toks[k].text == "{"):
                    if toks[k].text == "{":
                        k += 1
                        break
                    k += 1
                continue
            if t.text == "}":
                self._flush()
                self.depth = 0
                self.out.append("}")
                self.last = "statement"
                k += 1
                continue
            # anything else outside a statement (should not happen in a file that parses): as written
            self.cur += (" " if self.cur else "") + t.text
            k += 1
        self._flush()
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n" if self.out else ""


# ---------------------------------------------------------------------------- one statement

_TIGHT_BEFORE = {")", "]", ",", ";", ".", "::"}
_TIGHT_AFTER = {"(", "[", ".", "::"}


def _tight_parens(node: Any, tokens: list[Token], text: str) -> set[int]:
    """Offsets of the '(' that hug what precedes them: calls `now()` and type arguments `varchar(20)`."""
    from migc.expr import TypeRef
    from migc.expr.nodes import FuncCall

    li = LineIndex(text)
    ends: set[int] = set()
    type_ranges: list[tuple[int, int]] = []
    for n in node.walk():
        if isinstance(n, FuncCall):
            ends.add(li.offset(n.name.span.end_line, n.name.span.end_col))
        elif isinstance(n, TypeRef):
            type_ranges.append((li.offset(n.span.line, n.span.col), li.offset(n.span.end_line, n.span.end_col)))
    tight: set[int] = set()
    sig = [t for t in tokens if not t.is_blank and not t.is_comment]
    for a, b in zip(sig, sig[1:]):
        if b.text != "(":
            continue
        if a.end in ends or any(lo <= b.start < hi for lo, hi in type_ranges):
            tight.add(b.start)
    return tight


def _piece(t: Token) -> str:
    return t.lower if t.kind == "word" else t.text


class _Line:
    """Writes tokens with canonical spacing; a line comment ends the line (continuation indent)."""

    def __init__(self, tight: set[int], text: str, cont: str) -> None:
        self.tight, self.text, self.cont = tight, text, cont
        self.lines: list[str] = []
        self.cur = ""
        self.prev: Token | None = None
        self.broke = False

    def _space(self, t: Token) -> str:
        p = self.prev
        if p is None or self.broke:
            return ""
        if t.text in _TIGHT_BEFORE or p.text in _TIGHT_AFTER:
            return ""
        if t.text == "(" and t.start in self.tight:
            return ""
        if t.text == "[" and (p.kind in ("word", "quoted") or p.text in (")", "]")):
            return ""
        if t.text in ("+", "-") or p.text in ("+", "-"):
            return " " if self.text[p.end:t.start].strip(" \t\r\n") == "" and p.end != t.start else ""
        return " "

    def add(self, t: Token) -> None:
        if t.is_comment:
            self.cur += (" " if self.cur.strip() else "") + t.text
            if t.kind == "line_comment" or "\n" in t.text:
                self.newline()
            return
        self.cur += self._space(t) + _piece(t)
        self.prev = t
        self.broke = False

    def newline(self) -> None:
        self.lines.append(self.cur)
        self.cur = self.cont
        self.broke = True

    def done(self) -> list[str]:
        if self.cur.strip() or not self.lines:
            self.lines.append(self.cur)
        return self.lines


def _statement(node: Any, tokens: list[Token], text: str) -> list[str]:
    from migc.syntax.ast import ColumnDef

    tight = _tight_parens(node, tokens, text)
    body = [t for t in tokens if not t.is_blank]
    li = LineIndex(text)
    words = [t.lower for t in body if t.kind == "word"][:2]
    if words == ["create", "table"] and _element_list_follows_name(body):
        columns = {li.offset(c.span.line, c.span.col) for c in node.find_all(ColumnDef)}
        return _create_table(body, tight, text, columns)
    actions = getattr(node, "actions", None)
    if isinstance(actions, tuple) and len(actions) >= 2:
        starts = [li.offset(a.span.line, a.span.col) for a in actions]
        return _actions(body, tight, text, starts)
    line = _Line(tight, text, "  ")
    for t in body:
        line.add(t)
    return line.done()


def _element_list_follows_name(body: list[Token]) -> bool:
    """`create table [if not exists] NAME (`: the parenthesis holds the table's elements (not, say,
    a partition bound of some later form)."""
    sig = [t for t in body if not t.is_comment]
    k = 2
    while k < len(sig) and sig[k].kind == "word" and sig[k].lower in ("if", "not", "exists"):
        k += 1
    k += 1  # the name
    if k + 1 < len(sig) and sig[k].text == ".":
        k += 2
    return k < len(sig) and sig[k].text == "("


def _actions(body: list[Token], tight: set[int], text: str, starts: list[int]) -> list[str]:
    out: list[str] = []
    line = _Line(tight, text, "    ")
    k = 0
    while k < len(body) and body[k].start < starts[0]:
        line.add(body[k])
        k += 1
    out.extend(line.done())
    for n, start in enumerate(starts):
        nxt = starts[n + 1] if n + 1 < len(starts) else None
        line = _Line(tight, text, "    ")
        line.cur = "  "
        trailing: list[Token] = []
        while k < len(body) and (nxt is None or body[k].start < nxt):
            t = body[k]
            if t.text == "," and nxt is not None and all(x.is_comment or x.text == "," for x in body[k:] if x.start < nxt):
                trailing = [x for x in body[k:] if x.start < nxt and x.is_comment]
                line.cur += ","
                line.prev = t
                k = next((j for j in range(k, len(body)) if body[j].start >= nxt), len(body))
                break
            line.add(t)
            k += 1
        for c in trailing:
            line.add(c)
        out.extend(x for x in line.done() if x.strip() or x == "")
    return [x for x in out if x.strip()]


def _create_table(body: list[Token], tight: set[int], text: str, columns: set[int]) -> list[str]:
    # head: up to the first '(' at depth 0
    k = 0
    head = _Line(tight, text, "  ")
    while k < len(body) and body[k].text != "(":
        head.add(body[k])
        k += 1
    if k >= len(body):
        return head.done()
    head_lines = head.done()
    head.lines = head_lines[:-1]
    first = head_lines[-1]
    # the elements: split at depth-1 commas; comments after a comma belong to the element before
    elements: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    close = len(body)
    j = k + 1
    while j < len(body):
        t = body[j]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            if depth == 0:
                close = j
                break
            depth -= 1
        if t.text == "," and depth == 0:
            current.append(t)
            elements.append(current)
            current = []
            # a comment on the comma's line stays with this element
            while j + 1 < len(body) and body[j + 1].is_comment and body[j + 1].line == t.line:
                elements[-1].append(body[j + 1])
                j += 1
            j += 1
            continue
        current.append(t)
        j += 1
    if current:
        elements.append(current)
    if not elements:
        rest = _Line(tight, text, "  ")
        for t in body[k:]:
            rest.add(t)
        r = rest.done()
        return [*head.lines, first + " " + r[0], *r[1:]]
    width = 0
    for el in elements:
        sig = [t for t in el if not t.is_comment]
        if sig and sig[0].start in columns:
            width = max(width, len(_piece(sig[0])))
    out = [*head.lines, first + " ("]
    for el in elements:
        lead: list[Token] = []
        for t in el:
            if not t.is_comment:
                break
            lead.append(t)
        rest_tokens = el[len(lead):]
        for c in lead:
            out.append("  " + c.text)
        line = _Line(tight, text, "    ")
        line.cur = "  "
        sig = [t for t in rest_tokens if not t.is_comment]
        aligned = bool(sig) and sig[0].start in columns
        for n, t in enumerate(rest_tokens):
            if aligned and n == 1 and not t.is_comment and rest_tokens[0] is sig[0]:
                line.cur = line.cur.ljust(2 + width)
            line.add(t)
        out.extend(line.done())
    # what follows the element list: ')' and anything after it
    tail = _Line(tight, text, "  ")
    for t in body[close:]:
        tail.add(t)
    t_lines = tail.done()
    out.extend(t_lines)
    return out


# ---------------------------------------------------------------------------- files (`migc fmt`)


@dataclass
class FileResult:
    shown: str
    original: str | None = None  # None: could not be read or parsed
    formatted: str | None = None
    error: str | None = None  # "path:line:col: message", or why the file could not be read

    @property
    def changed(self) -> bool:
        return self.original is not None and self.formatted is not None and self.original != self.formatted


def format_file(path: Any, shown: str) -> FileResult:
    """Format one file's bytes (UTF-8, an optional byte-order mark and CRLF line ends are kept)."""
    from pathlib import Path

    from migc.source import BadSource, decode_source

    p = Path(path)
    try:
        if p.is_dir():
            return FileResult(shown, error=f"{shown}: is a directory, not a .mig file")
        if p.exists() and not p.is_file():
            return FileResult(shown, error=f"{shown}: not a regular file")
        data = p.read_bytes()
    except OSError as err:
        return FileResult(shown, error=f"{shown}: cannot read: {err.strerror or err}")
    try:
        text = decode_source(data)
    except BadSource as bad:
        return FileResult(shown, error=f"{shown}:{bad.line}:{bad.col}: {bad.message}")
    original = data.decode("utf-8")
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    crlf = "\r\n" in text
    try:
        formatted = format_text(text.replace("\r\n", "\n") if crlf else text, shown)
    except FormatError as err:
        return FileResult(shown, error=f"{shown}:{err.line}:{err.col}: {err.message} (not formatted)")
    except RecursionError:
        return FileResult(shown, error=f"{shown}: nested too deeply to format (not formatted)")
    if crlf:
        formatted = formatted.replace("\n", "\r\n")
    return FileResult(shown, original, bom + formatted)


def unified_diff(result: FileResult) -> str:
    import difflib

    assert result.original is not None and result.formatted is not None
    return "".join(difflib.unified_diff(
        result.original.splitlines(keepends=True), result.formatted.splitlines(keepends=True),
        fromfile=f"a/{result.shown}", tofile=f"b/{result.shown}"))
