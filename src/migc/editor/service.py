"""The editor's answers as plain data (no LSP library types): the language server converts them.

Positions in and out are LSP's (0-based lines, UTF-16 characters), converted in `positions`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migc.diagnostics import Diagnostic
from migc.editor import complete as completion
from migc.editor.names import (
    History, Mention, StatementNames, build_history, file_names, schema_at, statement_mentions, statement_schemas,
)
from migc.editor.positions import LineIndex
from migc.editor.tokens import significant, tokenize
from migc.editor.workspace import Workspace
from migc.source import Span

if TYPE_CHECKING:
    from migc.ir.model import ObjectRef
    from migc.ir.schema import Schema

Range = tuple[tuple[int, int], tuple[int, int]]  # ((line, character), (line, character)), LSP's

# Semantic tokens: what each name stands for at its point of history, in LSP's standard token
# types (editors' themes colour those). Keywords, strings, numbers and comments are left to the
# TextMate grammar, which knows them without the schema.
SEMANTIC_TYPES = {
    "table": "class", "view": "interface", "matview": "interface", "column": "property",
    "index": "variable", "constraint": "variable", "sequence": "variable", "enum": "enum",
    "domain": "type", "composite": "type", "type": "type", "function": "function", "procedure": "function",
    "schema": "namespace", "extension": "namespace", "trigger": "event", "policy": "event",
}
TOKEN_TYPES = ("class", "interface", "property", "variable", "enum", "type", "function", "namespace", "event")
TOKEN_MODIFIERS = ("declaration",)  # the name in the statement that creates the object
_QUALIFIED = re.compile(r'^("(?:[^"]|"")*"|[^\s".]+)\s*\.\s*')  # a written schema before the name


@dataclass(frozen=True)
class SemanticToken:
    line: int  # LSP's: 0-based line, UTF-16 character and length
    character: int
    length: int
    type: str  # one of TOKEN_TYPES
    declaration: bool = False


@dataclass(frozen=True)
class Location:
    path: Path
    range: Range


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str  # "table", "index", "enum", "column", "statement", ...
    range: Range
    selection: Range
    children: tuple[Symbol, ...] = ()


@dataclass(frozen=True)
class Edit:
    range: Range
    text: str


@dataclass(frozen=True)
class Action:
    title: str
    path: Path
    edits: tuple[Edit, ...]
    diagnostic: Diagnostic | None
    preferred: bool = False


_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
_CODE_WORD = re.compile(r"[EW]\d{3}")


class Editor:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._history: tuple[int, History] | None = None
        self._prefix_cache: dict[tuple[int, int, int], Any] = {}
        self._names: dict[str, tuple[StatementNames, ...] | None] = {}

    # ------------------------------------------------------------------ helpers

    def warm(self, i: int) -> None:
        """Get what answers about file i need ready (its lowering; the keyword parser), so the
        first completion after opening a file is as quick as the next."""
        from migc.syntax.parser import _parser

        self.ws.checked(i)
        _parser(False)

    def index(self, path: Path) -> int | None:
        return self.ws.index_of(path)

    def lines(self, i: int) -> LineIndex:
        return LineIndex(self.ws.text(i))

    def range_of(self, i: int, span: Span, lines: LineIndex | None = None) -> Range:
        return (lines or self.lines(i)).span_to_lsp(span)

    def history(self) -> History:
        """Every object's events over the whole history. Each file's names are kept by the file's
        key (its content and every earlier file's), so after an edit only the files from the edited
        one onwards are walked again."""
        from migc.editor.workspace import paused_gc

        if self._history is None or self._history[0] != self.ws.version:
            with paused_gc():
                per_file: list[tuple[StatementNames, ...] | None] = []
                keep: dict[str, tuple[StatementNames, ...] | None] = {}
                for i, s in enumerate(self.ws.files):
                    if s.key in self._names:
                        names = self._names[s.key]
                    else:
                        checked = self.ws.checked(i)
                        before = self.ws.schema_before(i) if checked.lowered is not None else None
                        names = None if before is None else file_names(checked.migration, checked.lowered, before)
                    keep[s.key] = names
                    per_file.append(names)
                self._names = keep
                self._history = (self.ws.version, build_history(per_file))
        return self._history[1]

    def schema_at(self, i: int, line: int, col: int) -> Schema:
        """The schema at a 1-based (line, col) of file i: after every statement that ends before it.
        A file that does not parse: the schema after its longest beginning that does."""
        from migc.ir.schema import Schema

        before = self.ws.schema_before(i)
        if before is None:
            before = self._last_known(i)
        checked = self.ws.checked(i)
        if checked.lowered is not None:
            return schema_at(checked.lowered, (line, col), before)
        return self._prefix_schema(i, line, before) or before or Schema()

    def _last_known(self, i: int) -> Schema:
        from migc.ir.schema import Schema

        for j in range(i - 1, -1, -1):
            s = self.ws.files[j]
            if s.after is not None:
                return s.after
        return Schema()

    def _prefix_schema(self, i: int, line: int, before: Schema) -> Schema | None:
        """Lower the longest beginning of file i, cut at a statement's first line before `line`, that parses."""
        from migc.compiler import check_file

        text = self.ws.text(i)
        tokens = significant(tokenize(text))
        cuts: list[int] = []
        previous_line = 0
        for t in tokens:
            if t.line > line:
                break
            if t.kind == "word" and t.lower in completion.STATEMENT_WORDS and t.line != previous_line:
                cuts.append(t.start)
            previous_line = t.line
        for cut in reversed(cuts[-8:]):
            key = (self.ws.version, i, cut)
            if key in self._prefix_cache:
                return self._prefix_cache[key]  # type: ignore[no-any-return]
            checked = check_file(text[:cut].encode("utf-8"), self.ws.files[i].file.shown_path, before, self.ws.lock_off)
            if checked.lowered is not None:
                self._prefix_cache = {key: checked.schema_after}
                return checked.schema_after
        return None

    def _mentions_in(self, i: int) -> list[Mention]:
        """The names of file i with what they name (a file that parses; else from the history)."""
        checked = self.ws.checked(i)
        if checked.migration is None or checked.lowered is None:
            return []
        before = self.ws.schema_before(i) or self._last_known(i)
        found: list[Mention] = []
        for stmt in checked.migration.statements:
            pre, post = statement_schemas(checked.lowered, stmt, before)
            found.extend(statement_mentions(stmt, pre, post))
        return found

    def _mention_at(self, i: int, line: int, col: int) -> Mention | None:
        for m in self._mentions_in(i):
            s = m.span
            if (s.line, s.col) <= (line, col) <= (s.end_line, s.end_col):
                return m
        return None

    def _word_mention(self, i: int, line: int, col: int, word: tuple[str, int, int] | None) -> Mention | None:
        """In a file that does not parse: the word under the cursor, looked up in the schema there."""
        from migc.editor.names import lookup_name
        from migc.ir.model import Name

        if word is None or self.ws.checked(i).lowered is not None:
            return None
        schema = self.schema_at(i, line, 1)
        ref = lookup_name(schema, Name("public", word[0].lower()))
        if ref is None:
            return None
        span = Span(line, word[1] + 1, line, word[2] + 1)
        return Mention(span, ref, Span(line, 1, line, 1))

    # ------------------------------------------------------------------ diagnostics

    def diagnostics(self, i: int) -> list[tuple[Diagnostic, Range]]:
        lines = self.lines(i)
        return [(d, lines.span_to_lsp(d.span)) for d in self.ws.diagnostics(i)]

    # ------------------------------------------------------------------ completion

    def complete(self, path: Path, line0: int, character: int) -> list[completion.Item]:
        i = self.index(path)
        if i is None:
            return []
        text = self.ws.text(i)
        lines = LineIndex(text)
        line, col = lines.from_lsp(line0, character)
        offset = lines.offset(line, col)
        ctx = completion.context_at(text, offset)
        if ctx.kind in ("none", "code", "statement"):
            schema = None
        else:
            stmt_line = line
            if ctx.statement_text:
                stmt_line = text[: offset - len(ctx.prefix) - len(ctx.statement_text)].count("\n") + 1
            schema = self.schema_at(i, stmt_line, 1)
        from migc.ir.schema import Schema

        return completion.items_for(ctx, schema or Schema())

    # ------------------------------------------------------------------ hover

    def hover(self, path: Path, line0: int, character: int) -> tuple[str, Range] | None:
        i = self.index(path)
        if i is None:
            return None
        lines = self.lines(i)
        line, col = lines.from_lsp(line0, character)
        word = _word_at(lines.line(line0), col)
        if word is not None and _CODE_WORD.fullmatch(word[0]):
            from migc.codes import CODES

            code = CODES.get(word[0])
            if code is not None:
                rng = ((line0, word[1]), (line0, word[2]))
                return f"**{code.code}** ({code.severity}): {code.summary}", rng
        mention = self._mention_at(i, line, col)
        if mention is None:
            mention = self._word_mention(i, line, col, word)
        if mention is None:
            return None
        schema = self.schema_at(i, mention.statement.end_line, mention.statement.end_col)
        if schema.lookup(mention.ref) is None and mention.ref.kind != "constraint":
            schema = self.schema_at(i, mention.statement.line, mention.statement.col)
        text = self._describe(mention.ref, schema, i, mention)
        return text, lines.span_to_lsp(mention.span)

    def _where(self, i: int, span: Span) -> str:
        f = self.ws.files[i].file
        first = self.lines(i).line(span.line - 1).strip()
        return f"`{f.path.name}:{span.line}` — `{first[:70]}`"

    def _events(self, ref_mention: Mention, i: int) -> list[tuple[int, Any]]:
        history = self.history()
        oid = history.object_at(i, ref_mention.span.line, ref_mention.span.col)
        if oid is None:
            return []
        return [(e.file, e) for e in history.events.get(oid, [])]

    def _describe(self, ref: ObjectRef, schema: Schema, i: int, mention: Mention) -> str:
        events = self._events(mention, i)
        created = [e for _, e in events if e.role == "create"]
        out: list[str] = []
        if ref.kind == "table":
            table = schema.tables.get(ref.name)
            if table is None:
                return f"table `{ref.name.display()}` (does not exist here)"
            out.append(f"**table** `{ref.name.display()}` as of line {mention.span.line}")
            out.append("```sql\n" + _table_sql(table, schema) + "\n```")
        elif ref.kind == "column":
            table = schema.tables.get(ref.name)
            column = table.column(ref.column or "") if table is not None else None
            if column is None:
                return f"column `{ref.name.display()}.{ref.column}` (does not exist here)"
            out.append(f"**column** `{ref.name.display()}.{column.name}`: `{_column_sql(column)}`")
        elif ref.kind == "enum":
            enum = schema.enums.get(ref.name)
            values = ", ".join(f"'{v}'" for v in enum.values) if enum is not None else ""
            out.append(f"**enum** `{ref.name.display()}` ({values})")
        elif ref.kind == "index":
            index = schema.indexes.get(ref.name)
            if index is not None:
                cols = ", ".join(e.expr.sql() for e in index.elements)
                out.append(f"**{'unique ' if index.unique else ''}index** `{ref.name.display()}` on "
                           f"`{index.table.display()}` ({cols})" + (f" where {index.where.sql()}" if index.where is not None else ""))
        elif ref.kind == "constraint":
            table = schema.tables.get(ref.name)
            c = table.constraint(ref.column or "") if table is not None else None
            out.append(f"**constraint** `{ref.column}` on `{ref.name.display()}`" + (f": {c.kind} ({', '.join(c.columns)})" if c else ""))
        else:
            obj = schema.lookup(ref)
            out.append(f"**{ref.kind}** `{ref.name.display()}`" + (f"\n\n```\n{_brief(obj)}\n```" if obj is not None else ""))
        if created:
            e = created[0]
            out.append(f"created in {self._where(e.file, e.statement)}")
        origin = created[0] if created else None
        changes = [e for _, e in events if e is not origin and (e.role == "rename" or origin is None or e.file != origin.file)]
        if ref.kind == "column" and changes:
            out.append("history:\n" + "\n".join(f"- {e.role if e.role == 'rename' else 'touched'} in {self._where(e.file, e.statement)}"
                                                for e in changes[:20]))
        return "\n\n".join(out)

    # ------------------------------------------------------------------ definition, references

    def definition(self, path: Path, line0: int, character: int) -> list[Location]:
        i = self.index(path)
        if i is None:
            return []
        line, col = self.lines(i).from_lsp(line0, character)
        history = self.history()
        oid = history.object_at(i, line, col)
        if oid is None:
            return []
        events = history.events.get(oid, [])
        here = (i, line)
        defining = [e for e in events if e.role in ("create", "rename") and (e.file, e.span.line) <= here]
        chosen = defining[-1] if defining else next((e for e in events if e.role in ("create", "rename")), None)
        if chosen is None:
            return []
        return [self._location(chosen.file, chosen.span)]

    def references(self, path: Path, line0: int, character: int, include_declaration: bool = True) -> list[Location]:
        i = self.index(path)
        if i is None:
            return []
        line, col = self.lines(i).from_lsp(line0, character)
        history = self.history()
        oid = history.object_at(i, line, col)
        if oid is None:
            return []
        return [self._location(e.file, e.span) for e in history.events.get(oid, [])
                if include_declaration or e.role == "use"]

    def _location(self, i: int, span: Span) -> Location:
        return Location(self.ws.files[i].file.path, self.range_of(i, span))

    # ------------------------------------------------------------------ symbols

    def symbols(self, path: Path) -> list[Symbol]:
        from migc.syntax.ast import ColumnDef

        i = self.index(path)
        if i is None:
            return []
        checked = self.ws.checked(i)
        if checked.migration is None:
            return []
        lines = self.lines(i)
        text = self.ws.text(i)
        out: list[Symbol] = []
        for stmt in checked.migration.statements:
            rng = lines.span_to_lsp(stmt.span)
            start = lines.offset(stmt.span.line, stmt.span.col)
            end = lines.offset(stmt.span.end_line, stmt.span.end_col)
            words: list[str] = []
            for t in significant(tokenize(text[start:end])):
                if t.text in ("(", ",") or t.kind in ("string", "dollar") or len(words) >= 5:
                    break
                words.append(t.lower if t.kind == "word" else t.text)
            name = " ".join(words).replace(" . ", ".")
            kind = words[1] if len(words) > 1 and words[0] in ("create", "drop", "alter", "rename") else words[0] if words else "statement"
            children = []
            for cd in stmt.find_all(ColumnDef):
                crng = lines.span_to_lsp(cd.span)
                children.append(Symbol(cd.name.value, "column", crng, lines.span_to_lsp(cd.name.span)))
            out.append(Symbol(name or "statement", kind, rng, rng, tuple(children)))
        return out

    # ------------------------------------------------------------------ semantic tokens

    def semantic_tokens(self, path: Path) -> list[SemanticToken]:
        """A token for every name that names an object, typed by what it names there (a table,
        a view, a column...); a qualified name's schema is a namespace of its own. The name in the
        statement that creates an object is its declaration. A file that does not parse has none
        (its keywords and strings are the TextMate grammar's)."""
        i = self.index(path)
        if i is None:
            return []
        checked = self.ws.checked(i)
        if checked.lowered is None:
            return []
        created: dict[Any, list[Span]] = {}
        for op in checked.lowered.ops:
            for ref in op.creates():
                created.setdefault(ref, []).append(op.span)
        lines, text = self.lines(i), self.ws.text(i)
        declared: set[tuple[Any, Span]] = set()
        out: list[SemanticToken] = []
        for m in self._mentions_in(i):
            (l0, c0), (l1, c1) = lines.span_to_lsp(m.span)
            if l0 != l1 or c1 <= c0:
                continue  # LSP's tokens are on one line (a quoted name may hold a newline)
            kind = SEMANTIC_TYPES.get(m.ref.kind, "variable")
            written = text[lines.offset(m.span.line, m.span.col):lines.offset(m.span.end_line, m.span.end_col)]
            schema_part = _QUALIFIED.match(written)
            if schema_part is not None and m.ref.kind != "column":
                out.append(SemanticToken(l0, c0, _utf16(schema_part.group(1)), "namespace"))
                c0 += _utf16(schema_part.group(0))
            declaration = (m.ref, m.statement) not in declared and any(
                _inside(span, m.statement) for span in created.get(m.ref, ()))
            if declaration:
                declared.add((m.ref, m.statement))
            out.append(SemanticToken(l0, c0, c1 - c0, kind, declaration))
        out.sort(key=lambda t: (t.line, t.character))
        return out

    # ------------------------------------------------------------------ code actions

    def code_actions(self, path: Path, rng: Range) -> list[Action]:
        i = self.index(path)
        if i is None:
            return []
        lines = self.lines(i)
        text = self.ws.text(i)
        out: list[Action] = []
        for d, drange in self.diagnostics(i):
            if drange[1] < rng[0] or rng[1] < drange[0]:
                continue
            if d.hint:
                m = _DID_YOU_MEAN.search(d.hint)
                if m is not None:
                    start = lines.offset(d.span.line, d.span.col)
                    end = lines.offset(d.span.end_line, d.span.end_col)
                    written = text[start:end]
                    replacement = m.group(1)
                    target = drange
                    if "." in written and "." not in replacement:  # schema.name: replace the name only
                        dot = written.rindex(".") + 1
                        a = lines.to_lsp(d.span.line, d.span.col + dot)
                        target = (a, drange[1])
                    out.append(Action(f"Replace with '{replacement}'", path, (Edit(target, replacement),), d, True))
            if d.severity.value == "warning":
                stmt_line = self._statement_line(i, d.span)
                line_text = lines.line(stmt_line - 1)
                indent = line_text[: len(line_text) - len(line_text.lstrip())]
                above = lines.line(stmt_line - 2) if stmt_line >= 2 else ""
                allow = re.match(r"(\s*--\s*migc:\s*allow\s+)([A-Za-z0-9, ]*?)(\s*)$", above)
                if allow is not None and stmt_line >= 2:
                    at = lines.to_lsp(stmt_line - 1, len(above.rstrip()) + 1)
                    edit = Edit((at, at), f", {d.code}")
                else:
                    at = (stmt_line - 1, 0)
                    edit = Edit((at, at), f"{indent}-- migc: allow {d.code}\n")
                out.append(Action(f"Allow {d.code} here (-- migc: allow {d.code})", path, (edit,), d))
        return out

    def _statement_line(self, i: int, span: Span) -> int:
        checked = self.ws.checked(i)
        if checked.migration is not None:
            for stmt in [*checked.migration.statements, *(checked.migration.down or ())]:
                s = stmt.span
                if (s.line, s.col) <= (span.line, span.col) <= (s.end_line, s.end_col):
                    return int(s.line)
        return span.line


def _word_at(line: str, col: int) -> tuple[str, int, int] | None:
    """The word around a 1-based column, with its 0-based start and end (code points)."""
    for m in re.finditer(r"[A-Za-z0-9_]+", line):
        if m.start() <= col - 1 <= m.end():
            return m.group(), m.start(), m.end()
    return None


def _column_sql(c: Any) -> str:
    parts = [c.type.sql()]
    if c.identity:
        parts.append(f"generated {c.identity} as identity")
    if c.not_null:
        parts.append("not null")
    if c.default is not None:
        parts.append(f"default {c.default.sql()}")
    return " ".join(parts)


def _table_sql(table: Any, schema: Any) -> str:
    width = max((len(c.name) for c in table.columns), default=0)
    rows = [f"  {c.name.ljust(width)} {_column_sql(c)}" for c in table.columns]
    for c in table.constraints:
        if c.kind == "check" and c.check is not None:
            rows.append(f"  constraint {c.name} check ({c.check.sql()})")
        elif c.references is not None:
            fk = c.references
            rows.append(f"  constraint {c.name} foreign key ({', '.join(c.columns)}) references "
                        f"{fk.table.display()} ({', '.join(fk.columns)})")
        else:
            rows.append(f"  constraint {c.name} {c.kind} ({', '.join(c.columns)})")
    body = ",\n".join(rows)
    out = f"table {table.name.display()} (\n{body}\n)"
    indexes = schema.indexes_of(table.name)
    for ix in indexes:
        out += f"\n-- {'unique ' if ix.unique else ''}index {ix.name.display()} ({', '.join(e.expr.sql() for e in ix.elements)})"
    return out


def _brief(obj: Any) -> str:
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        parts = []
        for f in dataclasses.fields(obj):
            if f.name == "attrs":
                continue
            value = getattr(obj, f.name)
            shown = value.sql() if hasattr(value, "sql") else value.display() if hasattr(value, "display") else repr(value)
            parts.append(f"{f.name}: {shown}"[:200])
        return "\n".join(parts)
    return repr(obj)[:400]


def _utf16(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)
