"""Completion: what may be written at the cursor, from the schema as it stands there.

The context comes from the text before the cursor, never from a full parse (the file is usually
half-written): the tokens of the statement the cursor is in decide whether a table, a column of
some table, a type, a diagnostic code or a keyword comes next. Keywords are the grammar's own: the
LALR parser is fed the statement so far (Lark's interactive parser) and says which terminals it
accepts, so statement kinds added to the grammar show up without edits here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migc.editor.tokens import Token, significant, tokenize

if TYPE_CHECKING:
    from migc.ir.model import Name
    from migc.ir.schema import Schema


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # keyword, snippet, table, view, column, type, enum, index, constraint, code, object, function, procedure
    detail: str = ""
    insert: str | None = None  # a snippet (LSP snippet syntax) or text to insert
    snippet: bool = False


STATEMENT_WORDS = frozenset({"create", "drop", "alter", "rename", "comment", "sql"})

SNIPPETS = [
    ("create table", "create table ${1:name} (\n  ${2:id} ${3:bigint} primary key generated always as identity$0\n)"),
    ("alter table … add column", "alter table ${1:table} add column ${2:name} ${3:text}$0"),
    ("alter table … drop column", "alter table ${1:table} drop column ${2:name}$0"),
    ("alter table … rename column", "alter table ${1:table} rename column ${2:old} to ${3:new}$0"),
    ("create index", "create index on ${1:table} (${2:column})$0"),
    ("create unique index", "create unique index on ${1:table} (${2:column})$0"),
    ("create enum", "create enum ${1:name} ('${2:value}')$0"),
    ("drop table", "drop table ${1:table}$0"),
    ("rename table", "rename table ${1:table} to ${2:new_name}$0"),
    ("comment on table", "comment on table ${1:table} is '${2:text}'$0"),
    ("sql", "sql $$\n$1\n$$ down $$\n$2\n$$$0"),
]

_ALLOW = re.compile(r"--\s*migc:\s*allow\b[\sA-Za-z0-9,]*$", re.IGNORECASE)
_CODE = re.compile(r"[EW]\d{3}")
_REGEX_KEYWORDS = {"TIME_ZONE": ["with time zone", "without time zone"], "DOWN_BLOCK": ["down {"],
                   "AT_TIME_ZONE": ["at time zone"]}


def _words(tokens: list[Token]) -> list[str]:
    return [t.lower if t.kind == "word" else t.text for t in tokens]


def statement_start(sig: list[Token]) -> int:
    """Index in `sig` of the first token of the statement the end of `sig` is in."""
    depth = 0
    for k in range(len(sig) - 1, -1, -1):
        t = sig[k]
        if t.text == ")":
            depth += 1
        elif t.text == "(":
            depth = max(0, depth - 1)
        elif t.text == ";" and depth == 0:
            return k + 1
        elif t.text == "{" and depth == 0:
            return k + 1
        elif depth == 0 and t.kind == "word" and t.lower in STATEMENT_WORDS:
            first_on_line = k == 0 or sig[k - 1].line != t.line
            if first_on_line:
                return k
    return 0


def _depth_open(tokens: list[Token]) -> list[int]:
    """Indexes of the parentheses still open at the end of `tokens`."""
    stack: list[int] = []
    for k, t in enumerate(tokens):
        if t.text == "(":
            stack.append(k)
        elif t.text == ")" and stack:
            stack.pop()
    return stack


def _qname_after(tokens: list[Token], k: int) -> tuple[str | None, str, int] | None:
    """A (schema, name, index after) for the name starting at tokens[k], if one does."""
    def ident(t: Token) -> str | None:
        if t.kind == "word":
            return t.lower
        if t.kind == "quoted":
            return t.text[1:-1].replace('""', '"')
        return None

    if k >= len(tokens):
        return None
    first = ident(tokens[k])
    if first is None:
        return None
    if k + 2 < len(tokens) and tokens[k + 1].text == "." and ident(tokens[k + 2]) is not None:
        return first, ident(tokens[k + 2]) or "", k + 3
    return None, first, k + 1


@dataclass
class Context:
    kind: str  # "statement", "table", "columns", "constraints", "type", "code", "index", "enum", "none", "general"
    table: tuple[str | None, str] | None = None  # for columns/constraints: (schema, name) as written
    prefix: str = ""
    keywords: tuple[str, ...] = ()
    statement_text: str = ""
    new_columns: tuple[str, ...] = ()  # columns of a `create table` being written


def context_at(text: str, offset: int) -> Context:
    before = text[:offset]
    line = before[before.rfind("\n") + 1:]
    if _ALLOW.search(line):
        m = re.search(r"([A-Za-z0-9]*)$", line)
        return Context("code", prefix=m.group(1) if m else "")
    tokens = tokenize(before)
    if tokens and tokens[-1].kind in ("line_comment", "block_comment", "string", "quoted", "dollar") \
            and tokens[-1].end == offset and not (tokens[-1].kind == "block_comment" and not tokens[-1].text.endswith("*/")):
        return Context("none")
    if any(t.kind == "other" and t.text in ("'", '"', "$") for t in tokens):
        return Context("none")  # an unterminated string, quoted name or dollar body runs to the cursor
    prefix = ""
    sig = significant(tokens)
    if sig and sig[-1].kind == "word" and sig[-1].end == offset:
        prefix = sig[-1].text
        sig = sig[:-1]
    start = statement_start(sig)
    stmt = sig[start:]
    words = _words(stmt)
    stmt_text = text[stmt[0].start:offset - len(prefix)] if stmt else ""
    ctx = Context("general", prefix=prefix, statement_text=stmt_text)
    if not stmt:
        ctx.kind = "statement"
        return ctx
    # the statement's table: after `alter table`, `on`, `create table`, `references`
    table: tuple[str | None, str] | None = None
    for k, w in enumerate(words):
        if (w == "table" and k > 0 and words[k - 1] in ("alter", "create", "drop", "rename")) or w == "on" and \
                k > 0 and words[0] == "create":
            j = k + 1
            while j < len(stmt) and stmt[j].kind == "word" and stmt[j].lower in ("if", "not", "exists", "only"):
                j += 1
            found = _qname_after(stmt, j)
            if found is not None:
                table = (found[0], found[1])
                break
    open_parens = _depth_open(stmt)
    line_start = not before[: offset - len(prefix)][before.rfind("\n", 0, offset - len(prefix)) + 1:].strip()
    if line_start and not open_parens and STATEMENT_WORDS & set(grammar_keywords(stmt_text)):
        ctx.kind = "statement"  # the statement before is complete: a new one may start here
        return ctx
    last = words[-1] if words else ""
    last2 = tuple(words[-2:])
    # inside parentheses: references T (▮, create index on T (▮, check (▮, create table T (▮
    if open_parens:
        paren = open_parens[-1]
        before_paren = words[:paren]
        ref = _reference_target(stmt, paren)
        if ref is not None:
            ctx.kind, ctx.table = "columns", ref
            return ctx
        if words[0] == "create" and "index" in words[:paren] and "on" in before_paren:
            ctx.kind, ctx.table = "columns", table
            return ctx
        if before_paren and before_paren[-1] in ("check", "key", "unique") or _inside_check(words, open_parens):
            if words[0] == "create" and len(words) > 1 and words[1] == "table":
                ctx.kind, ctx.table = "columns", None
                ctx.new_columns = _new_columns(stmt, open_parens[0])
            else:
                ctx.kind, ctx.table = "columns", table
            return ctx
        if words[0] == "create" and len(words) > 1 and words[1] == "table" and len(open_parens) == 1:
            # create table T ( a int, b ▮ : after an element's name comes its type
            if last in ("(", ",") and paren == len(words) - 1 or last == ",":
                ctx.kind = "general"
                ctx.keywords = ("constraint", "primary key", "unique", "check", "foreign key")
                return ctx
            if len(words) >= 2 and words[-2] in ("(", ",") and stmt[-1].kind in ("word", "quoted"):
                ctx.kind = "type"
                return ctx
    if last == "::" or last == "type" or (last == "as" and "cast" in words):
        ctx.kind = "type"
        return ctx
    if len(words) >= 2 and (words[-2] == "add" or last2[0:1] == ("column",) and len(words) >= 3 and words[-3] == "add") \
            and stmt[-1].kind in ("word", "quoted") and last not in ("column", "constraint"):
        ctx.kind = "type"
        return ctx
    if _names_a_table_next(words):
        ctx.kind = "table"
        return ctx
    if words[:2] == ["alter", "table"] and table is not None:
        if last in ("drop", "alter", "rename") or last2 in (("drop", "column"), ("alter", "column"), ("rename", "column")):
            ctx.kind, ctx.table = "columns", table
            return ctx
        if last2 in (("drop", "constraint"), ("validate", "constraint")):
            ctx.kind, ctx.table = "constraints", table
            return ctx
    if last2 in (("drop", "index"), ("index", "concurrently")) or words[:2] == ["comment", "on"] and last == "index":
        ctx.kind = "index"
        return ctx
    if last == "enum" and words[0] in ("drop", "alter", "rename") or (words[:3] == ["comment", "on", "type"] and last == "type"):
        ctx.kind = "enum"
        return ctx
    if words[0] in ("drop", "alter") and len(words) == 2 and last in ("function", "procedure"):
        ctx.kind, ctx.keywords = "routine", (last,)  # (`drop function if exists` goes on to keywords)
        return ctx
    if words[0] == "drop" and len(words) >= 2 and last == words[1]:
        ctx.kind, ctx.keywords = "object", (words[1],)
        return ctx
    if words[0] in ("alter", "create") and table is not None and last in ("using", "default", "where", "and", "or", "="):
        ctx.kind, ctx.table = "columns", table
        return ctx
    return ctx


def _names_a_table_next(words: list[str]) -> bool:
    """Does a table's name come next: after `alter table`, `drop table [if exists]`, `rename table`,
    `references`, `create index ... on`, `comment on table`?"""
    last = words[-1] if words else ""
    if last == "table":
        return len(words) >= 2 and words[-2] in ("alter", "drop", "rename", "on")
    if last == "exists":
        return words[:2] == ["drop", "table"]
    if last == "references":
        return True
    return last == "on" and words[0] == "create"


def _reference_target(stmt: list[Token], paren: int) -> tuple[str | None, str] | None:
    """The table of `references T (` when the open parenthesis at `paren` is its column list."""
    k = paren - 1
    if k >= 0 and stmt[k].kind in ("word", "quoted"):
        start = k - 2 if k >= 2 and stmt[k - 1].text == "." else k
        if start >= 1 and stmt[start - 1].kind == "word" and stmt[start - 1].lower == "references":
            found = _qname_after(stmt, start)
            if found is not None:
                return found[0], found[1]
    return None


def _inside_check(words: list[str], open_parens: list[int]) -> bool:
    return any(p > 0 and words[p - 1] == "check" for p in open_parens)


def _new_columns(stmt: list[Token], paren: int) -> tuple[str, ...]:
    """Column names of a `create table` written so far: each element's first name at depth 1."""
    names: list[str] = []
    depth = 0
    expect = False
    for t in stmt[paren:]:
        if t.text == "(":
            depth += 1
            expect = depth == 1
            continue
        if t.text == ")":
            depth -= 1
            continue
        if depth == 1 and t.text == ",":
            expect = True
            continue
        if expect and depth == 1:
            if t.kind in ("word", "quoted") and t.lower not in ("constraint", "primary", "unique", "check", "foreign"):
                names.append(t.lower if t.kind == "word" else t.text[1:-1])
            expect = False
    return tuple(names)


# ---------------------------------------------------------------------------- the items


def grammar_keywords(statement_text: str) -> list[str]:
    """The keywords the grammar accepts after `statement_text` (a statement's beginning)."""
    from migc.syntax.parser import _parser

    parser = _parser(False)
    try:
        ip = parser.parse_interactive(statement_text)
        ip.exhaust_lexer()
        accepted = ip.accepts()
    except Exception:  # the text so far does not parse: no keyword advice
        return []
    out: list[str] = []
    for name in sorted(accepted):
        if name in _REGEX_KEYWORDS:
            out.extend(_REGEX_KEYWORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str" and pattern.value.isalpha():
            out.append(pattern.value.lower())
        elif pattern.type == "re":
            words = _regex_words(pattern.value)
            if words:
                out.append(words)
    return out


def _regex_words(pattern: str) -> str | None:
    """`not\\s+null(?![A-Za-z0-9_$])` -> "not null": a terminal that is words apart by whitespace."""
    body = pattern.split("(?!")[0]
    parts = body.split("\\s+")
    if len(parts) >= 2 and all(p.isalpha() for p in parts):
        return " ".join(p.lower() for p in parts)
    return None


def resolve_table(schema: Schema, written: tuple[str | None, str] | None) -> Any:
    from migc.ir.model import Name

    if written is None:
        return None
    return schema.tables.get(Name(written[0] or "public", written[1]))


def _shown(name: Name) -> str:
    return name.display()


def relations(schema: Schema) -> list[Item]:
    """Tables, and every stored object kind whose objects are relations (views...)."""
    items = [Item(_shown(n), "table", f"table ({len(t.columns)} columns)") for n, t in sorted(schema.tables.items())]
    for kind, store in sorted(schema.objects.items()):
        if kind in ("view", "materialized view", "materialized_view", "foreign table"):
            for key in sorted(store, key=str):
                items.append(Item(_key_label(key), "view", kind))
    return items


def _key_label(key: Any) -> str:
    from migc.ir.model import Name

    if isinstance(key, Name):
        return key.display()
    if isinstance(key, tuple) and key and isinstance(key[0], Name):
        return str(key[0].display())
    return str(key)


def type_items(schema: Schema) -> list[Item]:
    from migc import typenames

    items = [Item(name, "type", "built-in type") for name in sorted(set(typenames.ALIASES) | set(typenames.SERIAL_TYPES))
             if " " not in name or name in ("double precision", "character varying", "timestamp with time zone")]
    for enum_name, enum in sorted(schema.enums.items()):
        items.append(Item(_shown(enum_name), "enum", "enum (" + ", ".join(f"'{v}'" for v in enum.values[:6]) + (", …" if len(enum.values) > 6 else "") + ")"))
    tables = {(n.schema, n.name) for n in schema.tables}
    enums = {(n.schema, n.name) for n in schema.enums}
    for ns in sorted(schema.schemas):
        for type_name in sorted(schema.type_names(ns)):
            if (ns, type_name) in tables or (ns, type_name) in enums:
                continue
            shown = type_name if ns == "public" else f"{ns}.{type_name}"
            items.append(Item(shown, "type", "type"))
    return items


def column_items(table: Any) -> list[Item]:
    out = []
    for c in table.columns:
        detail = c.type.sql() if hasattr(c.type, "sql") else str(c.type)
        if c.not_null:
            detail += " not null"
        out.append(Item(c.name, "column", f"{detail} — {table.name.display()}"))
    return out


def code_items() -> list[Item]:
    from migc.codes import CODES

    return [Item(code, "code", f"{c.severity}: {c.summary}") for code, c in sorted(CODES.items())]


def items_for(ctx: Context, schema: Schema) -> list[Item]:
    out: list[Item] = []
    if ctx.kind == "none":
        return []
    if ctx.kind == "code":
        return code_items()
    if ctx.kind == "statement":
        out.extend(Item(label, "snippet", "statement", body, True) for label, body in SNIPPETS)
        out.extend(Item(k, "keyword") for k in grammar_keywords(""))
        return out
    if ctx.kind == "table":
        out.extend(relations(schema))
    elif ctx.kind == "columns":
        if ctx.table is None:
            out.extend(Item(c, "column", "column of this table") for c in ctx.new_columns)
        else:
            table = resolve_table(schema, ctx.table)
            if table is not None:
                out.extend(column_items(table))
    elif ctx.kind == "constraints":
        table = resolve_table(schema, ctx.table)
        if table is not None:
            out.extend(Item(c.name, "constraint", c.kind) for c in table.constraints)
    elif ctx.kind == "type":
        out.extend(type_items(schema))
    elif ctx.kind == "index":
        out.extend(Item(_shown(n), "index", f"on {i.table.display()}") for n, i in sorted(schema.indexes.items()))
    elif ctx.kind == "enum":
        out.extend(Item(_shown(n), "enum", "enum") for n in sorted(schema.enums))
        for kind in ("domain", "composite type", "type"):
            out.extend(Item(_key_label(k), "type", kind) for k in schema.store(kind))
    elif ctx.kind == "routine":  # functions and procedures share one store; offer those of the kind named
        kind = ctx.keywords[0] if ctx.keywords else "function"
        out.extend(Item(key.display(), kind, kind) for key, routine in sorted(schema.store("function").items(), key=str)
                   if getattr(routine, "kind", "") == kind and hasattr(key, "display"))
    elif ctx.kind == "object":
        kind = ctx.keywords[0] if ctx.keywords else ""
        out.extend(Item(_key_label(k), "object", kind) for k in schema.store(kind))
    keywords = ctx.keywords if ctx.kind == "general" and ctx.keywords else ()
    out.extend(Item(k, "keyword") for k in keywords)
    if ctx.statement_text:
        seen = {i.label for i in out}
        out.extend(Item(k, "keyword") for k in grammar_keywords(ctx.statement_text) if k not in seen)
    return out
