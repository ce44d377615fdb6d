"""`migc fmt`: one canonical layout for `.mig` files, from the token stream plus a few structural
rules, so a statement kind added to the grammar is formatted without a printer of its own.

- words outside quotes are lower case (keywords, and unquoted names, which fold to lower case anyway);
  one space between tokens, none inside parentheses, before commas, around `.` and `::`, nor
  between a function's name and its `(` (calls, `create`/`drop function`, `execute function`,
  `grant ... on function`, `comment on function`) or a type and its arguments (`varchar(20)`);
- one statement per line; blank lines between statements are the author's: none stays none, one
  or more become one (as black does);
- comments stay where they were: a comment on a line of code stays at its end, a comment on its
  own line stays on its own line, directly above what it was directly above (`-- migc: allow` keeps
  working). Trailing comments that the author started in one column, within a paragraph (lines
  not separated by a blank line), stay in one column (moved right only if a line's code reaches
  it); any other trailing comment is two spaces after its code;
- `create table`: one element per line, two-space indent, the columns' types aligned;
  `alter table` with several actions: one action per line; with one that does not fit: the action
  on the next line, broken before its clauses if need be (`foreign key`, `references`, `on
  delete`, `using`, `check`, a check's `and`s);
- the rest fits in WIDTH (80) columns where it can: a statement is on one line when it fits, and
  otherwise breaks at its clause keywords onto lines indented two spaces (a view: its query on the
  next lines; a query: a line per clause — `select`, `from`, each `join`, `where`, `group by`,
  `having`, `order by`, `limit`, `offset`, set operators —, a long `where` broken before its
  `and`s, a subquery that does not fit inside its parentheses; a trigger: `for each row`, `when`,
  `execute`; a function: `returns`, then its options (`alter function`: its options); a policy: `using`, `with check`; an index:
  `include`, `where`, then `on`; grants: `to`/`from`; domains, sequences, partitions: their parts). Each
  group breaks as a whole, outer groups first (Wadler's pretty printer, as prettier does); a part
  with no break in it (a long string) may still pass the width;
- strings, quoted names, dollar-quoted bodies and `sql` text are copied byte for byte.

A file that does not parse is not formatted (FormatError). Formatting is idempotent, and the
formatted file parses to the same AST (spans aside), so it compiles to the same ops."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Union

from migc.editor.positions import LineIndex
from migc.editor.tokens import Token, tokenize

WIDTH = 80


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


@dataclass
class _OutLine:
    """One line of output: its code (a multi-line token may put newlines in it) and the line
    comment at its end, if any (placed by `_align_comments`)."""

    code: str
    comment: Token | None = None


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
        self.out: list[_OutLine] = []  # finished lines
        self.cur: _OutLine | None = None  # the line being written
        self.depth = 0
        self.last = "start"  # "start", "statement", "comment", "open" (down {)

    def _flush(self) -> None:
        if self.cur is not None:
            self.cur.code = self.cur.code.rstrip()
            self.out.append(self.cur)
            self.cur = None

    def _new_line(self, k: int) -> None:
        """Start a line for what begins at token k: after a blank line if the author left one."""
        self._flush()
        if self._newlines_before(k) >= 2 and self.out and self.out[-1].code != "" and self.last != "open":
            self.out.append(_OutLine(""))

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
                self._new_line(k)
                rendered = _statement(s.node, toks[k:end], self.text, self.li, s.start, 2 * s.depth)
                self.out.extend(rendered)
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
                if newlines == 0 and self.cur is not None and self.cur.comment is None:
                    if t.kind == "line_comment":
                        self.cur.comment = t
                    else:
                        self.cur.code += " " + t.text
                else:
                    self._new_line(k)
                    self.cur = _OutLine("  " * self.depth + t.text)
                    self.last = "comment"
                if t.kind == "line_comment" or "\n" in t.text:
                    self._flush()
                k += 1
                continue
            if t.text == ";":
                if self.cur is not None:
                    self.cur.code += ";"
                else:
                    j = len(self.out) - 1
                    while j > 0 and self.out[j].code == "":
                        j -= 1
                    if j >= 0 and not self.out[j].code.lstrip().startswith(("--", "/*")):
                        self.out[j].code += ";"
                k += 1
                continue
            if t.kind == "word" and t.lower == "down":  # down {
                self._new_line(k)
                self.cur = _OutLine("down {")
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
                self.cur = _OutLine("}")
                self.last = "statement"
                k += 1
                continue
            # anything else outside a statement (should not happen in a file that parses): as written
            if self.cur is None:
                self.cur = _OutLine("")
            self.cur.code += (" " if self.cur.code else "") + t.text
            k += 1
        self._flush()
        while self.out and self.out[-1].code == "" and self.out[-1].comment is None:
            self.out.pop()
        return "".join(line + "\n" for line in _align_comments(self.out))


def _align_comments(lines: list[_OutLine]) -> list[str]:
    """Place each line's trailing comment: the comments of a paragraph that the author wrote in one
    column stay in one column (the author's, or further right where a line's code reaches it), any
    other two spaces after its code."""
    out: list[str] = []
    para: list[_OutLine] = []

    def code_width(line: _OutLine) -> int:
        return len(line.code) - (line.code.rfind("\n") + 1)

    def flush() -> None:
        by_col: dict[int, list[_OutLine]] = {}
        for line in para:
            if line.comment is not None:
                by_col.setdefault(line.comment.col, []).append(line)
        place: dict[int, int] = {}
        for col, group in by_col.items():
            if len(group) >= 2:
                at = max(col - 1, *(code_width(x) + 2 for x in group))
                for x in group:
                    place[id(x)] = at
        for line in para:
            if line.comment is None:
                out.append(line.code)
            elif not line.code.strip():
                out.append(line.code + line.comment.text)
            else:
                at = place.get(id(line), code_width(line) + 2)
                out.append(line.code + " " * (at - code_width(line)) + line.comment.text)
        para.clear()

    for line in lines:
        if line.code == "" and line.comment is None:
            flush()
            out.append("")
        else:
            para.append(line)
    flush()
    return out


# ---------------------------------------------------------------------------- the layout engine
# A statement becomes a document: its tokens' texts, spaces, possible line breaks (`_Line`: a space
# or nothing when its group is flat, a new line when it is broken), forced breaks (after a line
# comment), groups and indents. `_render` prints it: a group is flat when it fits in what is left
# of the line (and holds no forced break), else its breaks are new lines and its inner groups decide
# for themselves (Wadler's "prettier printer", as prettier and black lay out code).


class _Text:
    __slots__ = ("text", "comment")

    def __init__(self, text: str, comment: Token | None = None) -> None:
        self.text, self.comment = text, comment


class _Line:
    __slots__ = ("soft",)

    def __init__(self, soft: bool = False) -> None:
        self.soft = soft  # flat: nothing (else a space)


class _Hard:
    __slots__ = ()


class _Space:
    __slots__ = ()


class _Group:
    __slots__ = ("items", "broken")

    def __init__(self) -> None:
        self.items: list[_Doc] = []
        self.broken = False


class _Indent:
    __slots__ = ("items", "n")

    def __init__(self, n: int) -> None:
        self.items: list[_Doc] = []
        self.n = n  # _ALIGN: to the column where it starts


_Doc = Union[_Text, _Line, _Hard, _Space, _Group, _Indent]
_HARD = _Hard()
_SPACE = _Space()
_FLAT, _BREAK = 0, 1
_ALIGN = -1


def _propagate(items: Sequence[_Doc]) -> bool:
    """Mark the groups holding a forced break as broken; whether `items` hold one."""
    hard = False
    for d in items:
        if isinstance(d, _Hard):
            hard = True
        elif isinstance(d, _Group):
            d.broken = _propagate(d.items)
            hard = hard or d.broken
        elif isinstance(d, _Indent):
            hard = _propagate(d.items) or hard
    return hard


def _fits(items: list[_Doc], rest: list[tuple[int, int, _Doc]], room: int) -> bool:
    stack: list[tuple[int, _Doc]] = [(_FLAT, d) for d in reversed(items)]
    r = len(rest) - 1
    while room >= 0:
        if not stack:
            if r < 0:
                return True
            _, mode, doc = rest[r]
            r -= 1
            stack.append((mode, doc))
            continue
        mode, d = stack.pop()
        if isinstance(d, _Text):
            if d.comment is not None:
                return True
            nl = d.text.find("\n")
            if nl >= 0:
                return room - nl >= 0
            room -= len(d.text)
        elif isinstance(d, _Space):
            room -= 1
        elif isinstance(d, _Line):
            if mode == _BREAK:
                return True
            room -= 0 if d.soft else 1
        elif isinstance(d, _Hard):
            return True
        elif isinstance(d, _Group):
            m = _BREAK if d.broken else mode
            stack.extend((m, x) for x in reversed(d.items))
        else:
            stack.extend((mode, x) for x in reversed(d.items))
    return False


def _render(doc: list[_Doc], base: int) -> list[_OutLine]:
    _propagate(doc)
    lines: list[_OutLine] = []
    cur = " " * base
    comment: Token | None = None
    pos = base
    at_start = True
    cmds: list[tuple[int, int, _Doc]] = [(base, _BREAK, d) for d in reversed(doc)]

    while cmds:
        ind, mode, d = cmds.pop()
        if isinstance(d, _Text):
            if d.comment is not None and not at_start:
                comment = d.comment
                continue
            cur += d.text
            nl = d.text.rfind("\n")
            pos = len(d.text) - nl - 1 if nl >= 0 else pos + len(d.text)
            at_start = False
        elif isinstance(d, _Space):
            if not at_start:
                cur += " "
                pos += 1
        elif isinstance(d, (_Line, _Hard)):
            if isinstance(d, _Line) and mode == _FLAT:
                if not d.soft and not at_start:
                    cur += " "
                    pos += 1
                continue
            if at_start and comment is None:  # two breaks in a row: one new line
                if lines or cur.strip() == "":
                    cur, pos = " " * ind, ind
                    continue
            lines.append(_OutLine(cur.rstrip(), comment))
            cur, pos, at_start, comment = " " * ind, ind, True, None
        elif isinstance(d, _Group):
            flat = mode == _FLAT or (not d.broken and _fits(d.items, cmds, WIDTH - pos))
            m = _FLAT if flat else _BREAK
            cmds.extend((ind, m, x) for x in reversed(d.items))
        else:
            n = pos if d.n == _ALIGN else ind + d.n
            cmds.extend((n, mode, x) for x in reversed(d.items))
    lines.append(_OutLine(cur.rstrip(), comment))
    return lines


# ---------------------------------------------------------------------------- one statement

_TIGHT_BEFORE = {")", "]", ",", ";", ".", "::"}
_TIGHT_AFTER = {"(", "[", ".", "::"}


def _offset(li: LineIndex, span: Any, end: bool = False) -> int:
    return li.offset(span.end_line, span.end_col) if end else li.offset(span.line, span.col)


def _tight_parens(node: Any, tokens: list[Token], li: LineIndex) -> set[int]:
    """Offsets of the '(' that hug what precedes them: calls `now()`, a routine's name and its
    parameters `touch_updated_at()`, type arguments `varchar(20)`."""
    from migc.expr import TypeRef
    from migc.expr.nodes import FuncCall
    from migc.kinds.comment import CommentOn
    from migc.kinds.function import AlterFunction, CreateFunction, DropFunction
    from migc.kinds.grant import GrantTarget
    from migc.kinds.trigger import CreateTrigger
    from migc.query.nodes import Alias, CommonTable

    ends: set[int] = set()
    type_ranges: list[tuple[int, int]] = []
    for n in node.walk():
        if isinstance(n, FuncCall):
            ends.add(_offset(li, n.name.span, True))
        elif isinstance(n, (CreateFunction, DropFunction, AlterFunction)):
            ends.add(_offset(li, n.name.span, True))
        elif isinstance(n, (Alias, CommonTable)) and n.columns:  # `t(a, b)`, `with r(n) as`
            ends.add(_offset(li, n.name.span, True))
        elif isinstance(n, CreateTrigger):
            ends.add(_offset(li, n.function.span, True))
        elif isinstance(n, GrantTarget) and n.kind in ("function", "procedure") and n.names:
            ends.add(_offset(li, n.names[-1].span, True))
        elif isinstance(n, CommentOn) and n.args is not None:
            ends.add(_offset(li, n.target.span, True))
        elif isinstance(n, TypeRef):
            type_ranges.append((_offset(li, n.span), _offset(li, n.span, True)))
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


class _Builder:
    """Turns a statement's tokens into a document: `to(offset)` writes the tokens before `offset`
    (with their comments, and the layout of any subquery among them); the statement's rule puts
    breaks, groups and indents between calls."""

    def __init__(self, text: str, body: list[Token], start: int, tight: set[int], li: LineIndex,
                 queries: dict[int, Any]) -> None:
        self.text, self.body, self.tight, self.li = text, body, tight, li
        self.queries = queries  # subqueries by their first offset
        self.entered: set[int] = set()
        self.root: list[_Doc] = []
        self.stack: list[list[_Doc]] = [self.root]
        self.k = 0
        self.prev: Token | None = None  # the last significant token written
        self.last_end = start  # the end of the last token written (comments too)
        self.broke = True  # nothing written on this line since the last break
        self.pad = 0  # width to pad the next token to (a column's name)

    # -- structure
    def add(self, d: _Doc) -> None:
        self.stack[-1].append(d)

    @contextmanager
    def _open(self, d: _Group | _Indent) -> Iterator[None]:
        self.add(d)
        self.stack.append(d.items)
        try:
            yield
        finally:
            self.stack.pop()

    def group(self) -> Any:
        return self._open(_Group())

    def indent(self, n: int = 2) -> Any:
        return self._open(_Indent(n))

    def align(self) -> Any:
        """Later lines start where the next token does."""
        j = self.sig(self.k)
        if j < len(self.body) and self._space(self.body[j]):
            self.add(_SPACE)
            self.broke = True
        return self._open(_Indent(_ALIGN))

    def brk(self, soft: bool = False, hard: bool = False) -> None:
        """A possible line break before the next token (after the comments ending this line)."""
        while self.k < len(self.body) and self.body[self.k].is_comment \
                and "\n" not in self.text[self.last_end:self.body[self.k].start]:
            self.token(self.body[self.k])
            self.k += 1
        self.add(_HARD if hard else _Line(soft))
        self.broke = True

    # -- tokens
    def at(self) -> int:
        return self.body[self.k].start if self.k < len(self.body) else len(self.text)

    def sig(self, j: int) -> int:
        """The index of the first significant token from j on."""
        while j < len(self.body) and self.body[j].is_comment:
            j += 1
        return j

    def to(self, end: int) -> None:
        while self.k < len(self.body) and self.body[self.k].start < end:
            t = self.body[self.k]
            q = self.queries.get(t.start)
            if q is not None and not t.is_comment and t.start not in self.entered:
                self.entered.add(t.start)
                self.subquery(q)
                continue
            self.token(t)
            self.k += 1

    def to_sig(self, end: int) -> None:
        """Like `to`, but leaves the comments after the last significant token before `end` (a
        break after it comes first: a comment at the end of a group does not break it)."""
        j = self.index_at(end) - 1
        while j >= self.k and self.body[j].is_comment:
            j -= 1
        if j >= self.k:
            self.to(self.body[j].end)

    def through_comma(self) -> None:
        j = self.sig(self.k)
        if j < len(self.body) and self.body[j].text == ",":
            self.to(self.body[j].end)

    def token(self, t: Token) -> None:
        if t.is_comment:
            own_line = "\n" in self.text[self.last_end:t.start]
            if own_line:
                self.add(_HARD)
                self.add(_Text(t.text))
            else:
                self.add(_SPACE)
                self.add(_Text(t.text, t if t.kind == "line_comment" else None))
            nxt = self.body[self.k + 1] if self.k + 1 < len(self.body) else None
            if t.kind == "line_comment" or "\n" in t.text or (own_line and nxt is not None and "\n" in self.text[t.end:nxt.start]):
                self.add(_HARD)
                self.broke = True
            else:
                self.broke = False
                self.prev = None  # a space after an inline comment
            self.last_end = t.end
            return
        if self._space(t):
            self.add(_SPACE)
        piece = _piece(t)
        if self.pad:
            nxt = self.body[self.k + 1] if self.k + 1 < len(self.body) else None
            if nxt is not None and not nxt.is_comment:
                piece = piece.ljust(self.pad)
            self.pad = 0
        self.add(_Text(piece))
        self.prev, self.last_end, self.broke = t, t.end, False

    def _space(self, t: Token) -> bool:
        p = self.prev
        if self.broke:
            return False
        if p is None:  # after an inline comment
            return t.text not in _TIGHT_BEFORE
        if t.text in _TIGHT_BEFORE or p.text in _TIGHT_AFTER:
            return False
        if t.text == "(" and t.start in self.tight:
            return False
        if t.text == "[" and (p.kind in ("word", "quoted") or p.text in (")", "]")):
            return False
        if t.text in ("+", "-") or p.text in ("+", "-"):
            return self.text[p.end:t.start].strip(" \t\r\n") == "" and p.end != t.start
        return True

    def depth0(self, start: int, end: int, words: Sequence[str]) -> list[int]:
        """Offsets of the given words outside parentheses, from start to end (or to the parenthesis
        that closes one opened before start)."""
        found: list[int] = []
        depth = 0
        for t in self.body:
            if t.start < start or t.is_comment:
                continue
            if t.start >= end:
                break
            if t.text in ("(", "["):
                depth += 1
            elif t.text in (")", "]"):
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and t.kind == "word" and t.lower in words:
                found.append(t.start)
        return found

    def index_at(self, offset: int) -> int:
        return next((j for j, t in enumerate(self.body) if t.start >= offset), len(self.body))

    def before(self, offset: int, words: Sequence[str] = (), n: int = 1) -> int:
        """The offset of the n-th significant token before `offset`, or of the first of the run of
        `words` that ends there."""
        j = self.index_at(offset) - 1
        found = offset
        while j >= 0 and (n > 0 or words):
            t = self.body[j]
            if not t.is_comment:
                if n > 0:
                    n -= 1
                elif not (t.kind == "word" and t.lower in words):
                    break
                found = t.start
            j -= 1
        return found

    def closing(self, open_offset: int) -> int:
        """The offset of the parenthesis that closes the one at open_offset."""
        depth = 0
        for t in self.body[self.index_at(open_offset):]:
            if t.text in ("(", "["):
                depth += 1
            elif t.text in (")", "]"):
                depth -= 1
                if depth == 0:
                    return t.start
        return self.body[-1].end if self.body else open_offset

    # -- rules
    def clauses(self, starts: Sequence[int], end: int) -> None:
        """Break before each of `starts` (one group)."""
        with self.group():
            for s in starts:
                self.to(s)
                self.brk()
            self.to_sig(end)

    def subquery(self, q: Any) -> None:
        close = self.closing(self.before(_offset(self.li, q.span)))
        with self.group():
            with self.indent():
                self.brk(soft=True)
                self.query(q, close)
            self.brk(soft=True)

    def query(self, q: Any, end: int) -> None:
        """The query `q`, which ends before `end`."""
        li = self.li
        self.entered.add(_offset(li, q.span))
        body = _offset(li, q.body.span)
        with self.group():
            if q.ctes:
                self.to_sig(_offset(li, q.ctes[0].span))
                with self.align(), self.group():
                    self.items([_offset(li, c.span) for c in q.ctes], body)
                self.brk()
            order = self.before(_offset(li, q.order_by[0].span), n=2) if q.order_by else None
            after = self.depth0(body, end, ("order", "limit", "offset"))
            self.body_(q.body, False, after[0] if after else end)
            for s in after:
                if s == order:
                    self.to(s)
                    self.brk()
                    self.to_sig(_offset(li, q.order_by[0].span))
                    with self.align(), self.group():
                        rest = [x for x in after if x > s]
                        self.items([_offset(li, x.span) for x in q.order_by], rest[0] if rest else end)
                else:
                    self.to(s)
                    self.brk()
            self.to_sig(end)

    def items(self, starts: Sequence[int], end: int) -> None:
        """A comma-separated list whose items start at `starts`: a possible break after each comma."""
        for i, s in enumerate(starts):
            self.to(s)
            if i + 1 < len(starts):
                self.to(self.before(starts[i + 1]))
                self.through_comma()
                self.brk()
        self.to_sig(end)

    def body_(self, b: Any, operand: bool, end: int) -> None:
        from migc.query.nodes import Select, SetOp

        li = self.li
        if isinstance(b, SetOp):
            right = _offset(li, b.right.span)
            op = self.before(right, ("union", "intersect", "except", "all", "distinct"), n=0)
            self.body_(b.left, True, op)
            self.brk()
            self.to(right)
            self.brk()
            self.body_(b.right, True, end)
        elif isinstance(b, Select) and operand:
            with self.group():
                self.select(b, end)
        elif isinstance(b, Select):
            self.select(b, end)
        else:
            self.to_sig(end)

    def select(self, s: Any, end: int) -> None:
        li = self.li
        clauses: list[tuple[int, Any]] = []  # (the clause's first offset, what follows its keyword)
        if s.from_:
            clauses.append((self.before(_offset(li, s.from_[0].span)), s.from_))
        if s.where is not None:
            clauses.append((self.before(_offset(li, s.where.span)), s.where))
        if s.group_by:
            clauses.append((self.before(_offset(li, s.group_by[0].span), n=2), s.group_by))
        if s.having is not None:
            clauses.append((self.before(_offset(li, s.having.span)), s.having))
        ends = [c for c, _ in clauses[1:]] + [end]
        self.to_sig(_offset(li, s.items[0].span))
        with self.align(), self.group():
            self.items([_offset(li, i.span) for i in s.items], clauses[0][0] if clauses else end)
        for (start, what), stop in zip(clauses, ends):
            self.brk()
            if what is s.from_:
                starts = [_offset(li, f.span) for f in s.from_]
                for i, f in enumerate(s.from_):
                    self.to(starts[i])
                    self.from_item(f, self.before(starts[i + 1]) if i + 1 < len(starts) else stop)
            elif what is s.group_by:
                self.to_sig(_offset(li, s.group_by[0].span))
                with self.align(), self.group():
                    self.items([_offset(li, g.span) for g in s.group_by], stop)
            else:
                self.to(_offset(li, what.span))
                self.chain(what, stop)
            self.to_sig(stop)

    def from_item(self, f: Any, end: int) -> None:
        """A table, a subquery or a join, which ends before `end`: each join on a line of its own."""
        from migc.query.nodes import Join

        li = self.li
        if isinstance(f, Join):
            right = _offset(li, f.right.span)
            kw = self.before(right, ("join", "left", "right", "full", "inner", "outer", "cross", "natural"), n=0)
            self.from_item(f.left, kw)
            self.brk()
            self.to(right)
            if f.on is not None:
                self.to(_offset(li, f.on.span))
                self.chain(f.on, end)
        self.to_sig(end)

    def chain(self, e: Any, end: int) -> None:
        """`a and b and c`, which ends before `end`: breaks before each `and` (or `or`) at the top,
        indented, when it does not fit."""
        from migc.expr.nodes import Binary

        li = self.li
        operands: list[Any] = [e]
        if isinstance(e, Binary) and e.op in ("and", "or"):
            operands = []
            x: Any = e
            while isinstance(x, Binary) and x.op == e.op:
                operands.append(x.right)
                x = x.left
            operands.append(x)
            operands.reverse()
        if len(operands) < 2:
            self.to_sig(end)
            return
        with self.group(), self.indent():
            for o in operands[1:]:
                self.to(self.before(_offset(li, o.span)))
                self.brk()
            self.to_sig(end)


def _statement(node: Any, tokens: list[Token], text: str, li: LineIndex, start: int, base: int) -> list[_OutLine]:
    from migc.query.nodes import Query

    body = [t for t in tokens if not t.is_blank]
    tight = _tight_parens(node, tokens, li)
    queries = {_offset(li, q.span): q for q in node.find_all(Query)}
    b = _Builder(text, body, start, tight, li, queries)
    end = body[-1].end if body else start
    rule = _RULES.get(type(node).__name__)
    if rule is None or not rule(b, node, end):
        with b.indent():
            b.to(end)
    return _render(b.root, base)


def _create_table(b: _Builder, node: Any, end: int) -> bool:
    li = b.li
    elements = sorted([*node.columns, *node.constraints], key=lambda e: (e.span.line, e.span.col))
    if not elements:
        return False
    starts = [_offset(li, e.span) for e in elements]
    opening = b.before(starts[0])
    close = b.closing(opening)
    columns = {_offset(li, c.span) for c in node.columns}
    width = max((len(_piece(b.body[b.index_at(s)])) for s in columns), default=0)
    b.to(opening + 1)
    with b.indent():
        for i, start in enumerate(starts):
            b.brk(hard=True)
            b.to(start)
            with b.indent():
                if start in columns:
                    b.pad = width
                b.to(b.before(starts[i + 1] if i + 1 < len(starts) else close))
            b.through_comma()
        b.to(close)
    b.brk(hard=True)
    with b.indent():
        b.to(end)
    return True


def _alter_table(b: _Builder, node: Any, end: int) -> bool:
    if len(node.actions) < 2:
        return _alter_one(b, node, end)
    starts = [_offset(b.li, a.span) for a in node.actions]
    with b.indent():
        b.to(starts[0])
        for i, start in enumerate(starts):
            b.brk(hard=True)
            b.to(start)
            with b.indent():
                b.to(b.before(starts[i + 1]) if i + 1 < len(starts) else end)
            b.through_comma()
        b.to(end)
    return True


def _alter_one(b: _Builder, node: Any, end: int) -> bool:
    """`alter table` with one action: on one line when it fits; else the action on the next line,
    and if that is still too long, broken before its clauses (`foreign key`, `references`,
    `on delete`, a type change's `using`, `check`), a check's condition before its `and`s."""
    li = b.li
    action = node.actions[0]
    start = _offset(li, action.span)
    clauses = b.depth0(start + 1, end, ("foreign", "references", "on", "using", "check"))
    expr = getattr(getattr(action, "constraint", None), "expr", None)
    with b.indent(), b.group():
        b.to(start)
        b.brk()
        with b.indent(), b.group():
            for s in clauses:
                b.to(s)
                b.brk()
            if expr is not None:
                b.to(_offset(li, expr.span))
                b.chain(expr, end)
            b.to(end)
    return True


def _create_view(b: _Builder, node: Any, end: int) -> bool:
    if node.query is None:
        return False
    li = b.li
    data = b.depth0(_offset(li, node.query.span), end, ("with",)) if node.data is not None else []
    stop = data[-1] if data else end
    with b.indent(), b.group():
        b.to(_offset(li, node.query.span))
        b.brk()
        b.query(node.query, stop)
        if data:
            b.brk()
        b.to(end)
    return True


def _create_trigger(b: _Builder, node: Any, end: int) -> bool:
    starts = b.depth0(_offset(b.li, node.table.span, True), end, ("for", "when", "execute"))
    if not starts:
        return False
    with b.indent(), b.group():
        b.to(starts[0])
        b.brk()
        b.clauses(starts[1:], end)
    return True


def _create_function(b: _Builder, node: Any, end: int) -> bool:
    """`create function f(params) returns t options`: the options on the next line (or one a line),
    `returns` on a line of its own if the head is too long, the parameters one a line if even
    `create function f(params)` is."""
    li = b.li
    options = sorted(_offset(li, span) for _, _, span in node.options)
    with b.indent(), b.group():
        with b.group():
            with b.group():
                if node.params:
                    starts = [_offset(li, p.span) for p in node.params]
                    opening = b.before(starts[0])
                    close = b.closing(opening)
                    b.to(opening + 1)
                    with b.indent(0):
                        b.brk(soft=True)
                        b.items(starts, close)
                    with b.indent(-2):
                        b.brk(soft=True)
                    b.to(close + 1)
            if node.returns is not None:
                b.to(_offset(li, node.returns.span))
                b.brk()
            b.to_sig(options[0] if options else end)
        if options:
            b.brk()
            b.clauses(options[1:], end)
        b.to(end)
    return True


def _alter_function(b: _Builder, node: Any, end: int) -> bool:
    """Broken before each option when it does not fit."""
    starts = sorted(_offset(b.li, span) for _, _, span in node.options)
    if not starts:
        return False
    with b.indent():
        b.clauses(starts, end)
    return True


def _create_policy(b: _Builder, node: Any, end: int) -> bool:
    starts = b.depth0(_offset(b.li, node.table.span, True), end, ("using", "with"))
    if not starts:
        return False
    with b.indent():
        b.clauses(starts, end)
    return True


def _grant(b: _Builder, node: Any, end: int) -> bool:
    starts = b.depth0(_offset(b.li, node.target.span, True), end, ("to", "from"))
    with b.indent():
        b.clauses(starts[:1], end)
    return True


def _create_index(b: _Builder, node: Any, end: int) -> bool:
    """Broken before `include`, `nulls not distinct` and `where` first; before `on` too if the line
    up to the columns is still too long (a long name, `concurrently if not exists`)."""
    li = b.li
    table = _offset(li, node.table.span)
    starts = b.depth0(_offset(li, node.table.span, True), end, ("include", "nulls", "where"))
    with b.indent(), b.group():
        with b.group():
            b.to(b.before(table, ("on", "only"), n=0))
            b.brk()
            b.to_sig(starts[0] if starts else end)
        for s in starts:
            b.to(s)
            b.brk()
        if node.where is not None:
            b.to(_offset(li, node.where.span))
            b.chain(node.where, end)
        b.to(end)
    return True


def _parts(attr: str, after: str | None = None) -> Any:
    """A statement broken before each of its parts (the nodes in `attr`) when it does not fit."""

    def rule(b: _Builder, node: Any, end: int) -> bool:
        li = b.li
        parts: list[Any] = []
        for a in attr.split():
            value = getattr(node, a, None)
            parts.extend(value if isinstance(value, tuple) else [value] if value is not None else [])
        lo = _offset(li, getattr(node, after).span) + 1 if after else 0
        starts = sorted({s for s in (_offset(li, p.span) for p in parts) if s >= lo})
        if not starts:
            return False
        with b.indent():
            b.clauses(starts, end)
        return True

    return rule


_RULES: dict[str, Any] = {
    "CreateTable": _create_table,
    "AlterTable": _alter_table,
    "CreateView": _create_view,
    "CreateTrigger": _create_trigger,
    "CreateFunction": _create_function,
    "CreatePolicy": _create_policy,
    "AlterFunction": _alter_function,
    "GrantStatement": _grant,
    "CreateIndex": _create_index,
    "CreateDomain": _parts("modifiers checks", "type"),
    "CreateSequence": _parts("options"),
    "CreatePartition": _parts("bound partition_by"),
}


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
