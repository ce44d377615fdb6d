"""SQL text -> `.mig` text, statement by statement, against the model of the history so far.

The `.mig` language is SQL-like on purpose, so most PostgreSQL DDL already is `.mig`. Each
statement of the SQL is (a) skipped when it is session noise tools write (`SET ...`, `BEGIN`, ...),
with a note; (b) rewritten by the small table `REWRITES` where PostgreSQL has a spelling `.mig`
lacks; (c) parsed by migc's own parser and lowered against the schema so far: when that works
without errors it is written natively, else it stays raw `sql $tag$ ... $tag$`, with the reason.
Data changes and `do` blocks stay raw by design. `translate_sql` is the one entry point; `migc
import` calls it per migration, and a baseline (`pg_dump --schema-only`) or a squash can call it
on their SQL the same way."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from migc.diagnostics import DiagnosticBag, Severity
from migc.ir.schema import Schema
from migc.sqlsplit import Piece, SplitError, split_sql

ItemKind = Literal["native", "raw", "skipped", "meta"]


@dataclass(frozen=True)
class Item:
    """One statement of the source and what became of it."""

    kind: ItemKind
    piece: Piece
    text: str  # native: the .mig statement; raw: the SQL as it will run; skipped/meta: the source
    reason: str | None  # raw, skipped, meta: why
    where: str  # file:line:col of the statement in the source
    rewrites: tuple[str, ...] = ()  # the names of the rewrites applied


@dataclass
class Translation:
    items: list[Item]
    schema_after: Schema
    body: str = ""  # the .mig statements (no header, no down block)
    notes: list[str] = field(default_factory=list)
    reversible: bool = True  # the derived down exists (no irreversible statement)
    trailing: str = ""  # comments after the last statement

    @property
    def native(self) -> int:
        return sum(1 for i in self.items if i.kind == "native")

    @property
    def raw(self) -> int:
        return sum(1 for i in self.items if i.kind == "raw")

    @property
    def all_native(self) -> bool:
        return self.raw == 0 and not any(i.kind == "meta" for i in self.items)


# ---------------------------------------------------------------- what is skipped

# Session settings a dump or a tool writes; they configure the session that runs the script, not
# the schema (migc's runner sets its own session).
_SESSION_SETTINGS = {
    "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "client_encoding",
    "standard_conforming_strings", "check_function_bodies", "xmloption", "client_min_messages", "row_security",
    "default_tablespace", "default_table_access_method", "default_with_oids", "escape_string_warning",
    "transaction_timeout", "synchronous_commit", "application_name",
}

_NOISE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(begin|start\s+transaction|commit|end|rollback)(\s+(work|transaction))?$", re.I),
     "transaction control: migc runs each migration in a transaction of its own"),
    (re.compile(r"^select\s+pg_catalog\.set_config\s*\(", re.I), "a session setting written by pg_dump"),
    (re.compile(r"^comment\s+on\s+extension\s+plpgsql\s", re.I), "plpgsql's own comment, present in every database"),
    (re.compile(r"^create\s+extension\s+(if\s+not\s+exists\s+)?\"?plpgsql\"?(\s|$)", re.I),
     "plpgsql is installed in every database"),
    (re.compile(r"^create\s+schema\s+(if\s+not\s+exists\s+)?\"?public\"?$", re.I), "the schema public exists in every database"),
    (re.compile(r"^alter\s+(\w+\s+)*?[^;]*\sowner\s+to\s+[^\s]+$", re.I | re.S),
     "ownership: objects belong to the role that runs the migrations"),
    (re.compile(r"^select\s+('([^']|'')*'|[0-9]+)$", re.I), "a select of a constant does nothing"),
]


def _noise(sql: str) -> str | None:
    m = re.match(r"^(set|reset)\s+(session\s+|local\s+)?(\"?[a-z_.]+\"?)", sql, re.I)
    if m is not None:
        name = m.group(3).strip('"').lower()
        if name in _SESSION_SETTINGS or m.group(1).lower() == "reset" and name in _SESSION_SETTINGS:
            return f"a session setting ({name})"
        return None
    for pattern, why in _NOISE:
        if pattern.match(sql):
            return why
    return None


# ---------------------------------------------------------------- rewrites


@dataclass(frozen=True)
class Rewrite:
    """A PostgreSQL spelling `.mig` lacks, and the `.mig` one: `example` becomes `result`."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    example: str
    result: str

    def apply(self, sql: str) -> str:
        return self.pattern.sub(self.replacement, sql, count=1)


_NAME = r"(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*)"
_QNAME = rf"{_NAME}(?:\s*\.\s*{_NAME})?"

REWRITES: tuple[Rewrite, ...] = (
    Rewrite("create type as enum", re.compile(rf"^create\s+type\s+({_QNAME})\s+as\s+enum\s*\(", re.I),
            r"create enum \1 (", "CREATE TYPE mood AS ENUM ('sad', 'ok')", "create enum mood ('sad', 'ok')"),
    Rewrite("alter type add value",
            re.compile(rf"^alter\s+type\s+({_QNAME})\s+add\s+value\s+", re.I), r"alter enum \1 add value ",
            "ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok'", "alter enum mood add value 'happy' AFTER 'ok'"),
    Rewrite("alter type rename to", re.compile(rf"^alter\s+type\s+({_QNAME})\s+rename\s+to\s+({_NAME})$", re.I),
            r"rename enum \1 to \2", "ALTER TYPE mood RENAME TO feeling", "rename enum mood to feeling"),
    Rewrite("drop type", re.compile(rf"^drop\s+type\s+({_QNAME})(\s+restrict)?$", re.I), r"drop enum \1",
            "DROP TYPE mood", "drop enum mood"),
    Rewrite("alter table rename to",
            re.compile(rf"^alter\s+table\s+(?:only\s+)?({_QNAME})\s+rename\s+to\s+({_NAME})$", re.I),
            r"rename table \1 to \2", "ALTER TABLE users RENAME TO accounts", "rename table users to accounts"),
    Rewrite("alter table only", re.compile(r"^alter\s+table\s+only\s+", re.I), "alter table ",
            "ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id)",
            "alter table users ADD CONSTRAINT users_pkey PRIMARY KEY (id)"),
    Rewrite("index using btree",
            re.compile(rf"^(create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:{_NAME}\s+)?on\s+)(?:only\s+)?"
                       rf"({_QNAME})\s+using\s+btree\s*\(", re.I),
            r"\1\2 (", "CREATE INDEX users_email_idx ON public.users USING btree (email)",
            "CREATE INDEX users_email_idx ON public.users (email)"),
    Rewrite("drop restrict", re.compile(r"^(drop\s+(?:table|index|schema)\s+.*?)\s+restrict$", re.I | re.S), r"\1",
            "DROP TABLE sessions RESTRICT", "DROP TABLE sessions"),
    # pg_dump qualifies an operator that is not in pg_catalog (citext's ~), as it runs with an
    # empty search_path; migc's session finds it by name
    Rewrite("qualified operator",
            re.compile(r"\bOPERATOR\s*\(\s*(?:pg_catalog|public)\s*\.\s*([-+*/<>=~!@#%^&|`?]+)\s*\)", re.I),
            r"\1", "CREATE DOMAIN email AS citext CHECK (VALUE OPERATOR(public.~) '@')",
            "CREATE DOMAIN email AS citext CHECK (VALUE ~ '@')"),
    # pg_dump names an identity column's sequence, which PostgreSQL names the same way by itself
    Rewrite("identity sequence name",
            re.compile(rf"(\bas\s+identity)\s*\(\s*sequence\s+name\s+{_QNAME}\s*(\)?)", re.I),
            lambda m: m.group(1) if m.group(2) else m.group(1) + " (",
            "ALTER TABLE orgs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME orgs_id_seq START WITH 1)",
            "ALTER TABLE orgs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH 1)"),
)

_CONCURRENTLY = re.compile(r"^((?:create\s+(?:unique\s+)?index|drop\s+index|reindex\s+\w+)\s+)concurrently\s+", re.I)


# `if [not] exists` where the .mig statement lacks it: left out when the statement without it lowers
# (the model then knows the column, index... does not exist, or does, as the clause expects)
_IF_EXISTS = (
    re.compile(r"(\b(?:add|drop)(?:\s+column)?\s+)if\s+(?:not\s+)?exists\s+", re.I),
    re.compile(r"^(create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?)if\s+not\s+exists\s+", re.I),
    re.compile(r"^(drop\s+(?:index|schema|type|table)\s+(?:concurrently\s+)?)if\s+exists\s+", re.I),
    re.compile(r"^(create\s+schema\s+)if\s+not\s+exists\s+", re.I),
    re.compile(r"^(alter\s+table\s+)if\s+exists\s+", re.I),
    re.compile(r"(\bdrop\s+constraint\s+)if\s+exists\s+", re.I),
)


def _without_if_exists(sql: str) -> str:
    for pattern in _IF_EXISTS:
        sql = pattern.sub(r"\1", sql)
    return sql


def rewritten(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with every rewrite of the table that matches it applied, and their names."""
    names = []
    for rewrite in REWRITES:
        after = rewrite.apply(sql)
        if after != sql:
            names.append(rewrite.name)
            sql = after
    return sql, tuple(names)


# ---------------------------------------------------------------- what stays raw by design

_BY_DESIGN = {
    "insert": "data change (insert): raw by design", "update": "data change (update): raw by design",
    "delete": "data change (delete): raw by design", "copy": "data change (copy): raw by design",
    "truncate": "data change (truncate): raw by design", "merge": "data change (merge): raw by design",
    "do": "a do block: raw by design", "with": "a query (with ...): raw by design",
    "select": "a query (select ...): raw by design", "call": "a procedure call: raw by design",
}


def statement_kind(sql: str) -> str:
    """The words that say what a statement is: `create function`, `alter table`, `insert`."""
    words = re.findall(r"[A-Za-z_]+", sql[:200].lower())
    if not words:
        return "?"
    skip = {"or", "replace", "unique", "temporary", "temp", "unlogged", "materialized", "global", "local",
            "recursive", "constraint", "trusted", "procedural", "if", "not", "exists", "only", "concurrently"}
    kind = [words[0]]
    if words[0] in ("create", "drop", "alter", "comment", "grant", "revoke", "rename", "refresh", "security"):
        for w in words[1:]:
            if w in skip:
                if w in ("materialized", "unique"):
                    kind.append(w)
                continue
            kind.append(w)
            break
    if kind[:2] == ["comment", "on"] and len(words) > 2:
        kind = ["comment", "on", words[2]]
    return " ".join(kind)


# ---------------------------------------------------------------- translation


def translate_sql(
    text: str, schema: Schema, file: str, *, first_line: int = 1,
    force_raw: Iterable[int] = (), raw_reasons: dict[int, str] | None = None,
) -> Translation:
    """Translate one migration's SQL `text` (from `file`, starting on its line `first_line`)
    against `schema`, the model before it. `force_raw`: indexes (in the order of the statements) to
    write raw whatever they are (`raw_reasons` says why), as the proof asks when a native
    translation changed the catalog. Raises SplitError on text PostgreSQL's lexer refuses."""
    import migc.kinds

    migc.kinds.load_all()  # every statement kind, those loaded on demand too

    split = split_sql(text)
    pieces = [p for p in split if p.kind != "trailing"]
    forced = set(force_raw)
    reasons = raw_reasons or {}
    statements = [p for p in pieces if p.kind == "statement" and _noise(p.sql) is None]
    several = len(statements) > 1
    items: list[Item] = []
    index = -1
    current = schema
    for piece in pieces:
        where = f"{file}:{first_line + piece.line - 1}:{piece.col}"
        if piece.kind == "meta":
            items.append(Item("meta", piece, piece.sql, "a psql meta-command: PostgreSQL cannot run it", where))
            continue
        noise = _noise(piece.sql)
        if noise is not None:
            items.append(Item("skipped", piece, piece.sql, noise, where))
            continue
        index += 1
        # raw SQL is the source's, as written (only `concurrently` goes where it cannot run); the
        # rewrites are for the native attempt
        source_sql, raw_names = piece.sql, tuple[str, ...]()
        if several and _CONCURRENTLY.match(source_sql):  # migc runs a migration of several statements in a transaction
            source_sql = _CONCURRENTLY.sub(r"\1", source_sql, count=1)
            raw_names = ("concurrently in a migration of several statements",)
        if index in forced:
            items.append(Item("raw", piece, source_sql, reasons.get(index, "forced raw"), where, raw_names))
            continue
        kind = statement_kind(source_sql)
        by_design = _BY_DESIGN.get(kind.split(" ")[0])
        if by_design is not None:
            items.append(Item("raw", piece, source_sql, by_design, where, raw_names))
            continue
        sql, names = rewritten(source_sql)
        names = raw_names + names
        native, why, after = _native(sql, current, file)
        if native is None:
            settled = _without_if_exists(sql)
            if settled != sql:
                native2, _, after2 = _native(settled, current, file)
                if native2 is not None:
                    native, after, names = native2, after2, names + ("if [not] exists settled by the model",)
        if native is not None and after is not None:
            items.append(Item("native", piece, native, None, where, names))
            current = after
        else:
            if not current.opaque:
                current = current.with_opaque_sql()
            if why is None or not why.startswith(("the checks", "parses as", "nested")):
                # where the parser stopped, unless that is in the statement's first words (no such statement at all)
                head = {w.lower() for w in re.findall(r"[A-Za-z_]+", source_sql)[:4]}
                at = why if why and why.strip("'").lower() not in head else None
                why = f"no .mig form for {kind}" + (f" (at {at})" if at else "")
            items.append(Item("raw", piece, source_sql, why, where, raw_names))
    translation = Translation(items, current, trailing=_comment("".join(p.raw for p in split if p.kind == "trailing")))
    _settle(translation, schema, file)
    return translation


def _native(sql: str, schema: Schema, file: str) -> tuple[str | None, str | None, Schema | None]:
    """`sql` as a .mig statement when it parses as one and lowers without errors against `schema`:
    (the text, None, the schema after); else (None, why, None)."""
    from migc.lower.context import Lowering
    from migc.lower.dispatch import lower_statement
    from migc.syntax.parser import parse
    from migc.kinds.raw_sql import RawSql

    migration, syntax = parse(sql, file)
    if migration is None:  # the caller names the statement kind; this, what the parser stopped at
        stopped = syntax[0].message.split(";")[0] if syntax else ""
        return None, stopped.replace("unexpected ", "", 1) if stopped.startswith("unexpected ") else None, None
    if len(migration.statements) != 1 or migration.down is not None or isinstance(migration.statements[0], RawSql):
        return None, "parses as something else in .mig", None
    bag = DiagnosticBag(file)
    lw = Lowering(schema, bag)
    try:
        lower_statement(lw, migration.statements[0])
    except RecursionError:
        return None, "nested too deeply for migc", None
    errors = [d for d in bag.items if d.severity is Severity.ERROR]
    if errors:
        return None, f"the checks refused it: {errors[0].code} {errors[0].message}", None
    return sql, None, lw.schema


def _settle(translation: Translation, schema: Schema, file: str) -> None:
    """Compile the whole .mig body as the compiler will; a statement the whole file refuses (what
    single statements cannot see) becomes raw, and the rest is compiled again."""
    from migc.lower import lower_migration
    from migc.syntax.parser import parse

    for _ in range(len(translation.items) + 1):
        body, lines = render_body(translation.items)
        if translation.trailing:
            body = (body.rstrip() + "\n\n" + translation.trailing).lstrip()
        translation.body = body
        migration, syntax = parse(body, file)
        if migration is None:
            culprit = _item_at(lines, syntax[0].span.line if syntax else 1)
            reason = f"the file does not parse with it: {syntax[0].message}" if syntax else "the file does not parse"
        else:
            lowered = lower_migration(migration, schema, file)
            errors = [d for d in lowered.diagnostics if d.severity is Severity.ERROR]
            if not errors:
                translation.schema_after = lowered.schema_after
                translation.reversible = lowered.irreversible is None
                return
            culprit = _item_at(lines, errors[0].span.line)
            reason = f"the checks refused it in its migration: {errors[0].code} {errors[0].message}"
        if culprit is None or translation.items[culprit].kind != "native":
            raise AssertionError(f"cannot settle the translation of {file}:\n{body}")
        item = translation.items[culprit]
        text = item.piece.sql
        if "concurrently in a migration of several statements" in item.rewrites:
            text = _CONCURRENTLY.sub(r"\1", text, count=1)
        rewrites = tuple(r for r in item.rewrites if r == "concurrently in a migration of several statements")
        translation.items[culprit] = Item("raw", item.piece, text, reason, item.where, rewrites)


def _item_at(lines: list[tuple[int, int, int]], line: int) -> int | None:
    for first, last, index in lines:
        if first <= line <= last:
            return index
    return None


def dollar_tag(body: str, base: str = "sql") -> str:
    """A dollar-quote tag that does not occur in `body`."""
    tag, n = f"${base}$", 0
    while tag in body:
        n += 1
        tag = f"${base}{n}$"
    return tag


def raw_block(sql: str, down: str | None = None) -> str:
    tag = dollar_tag(sql + (down or ""))
    text = f"sql {tag}\n{sql}\n{tag}"
    if down is not None:
        text += f" down {tag}\n{down}\n{tag}"
    return text


def _comment(trivia: str) -> str:
    """Leading comments of a statement, as `--` lines (a .mig file has no nested /* */)."""
    lines = [line.strip() for line in trivia.strip().splitlines()]
    return "".join(f"{line}\n" if line.startswith("--") else f"-- {line}\n" for line in lines if line)


def render_body(items: list[Item]) -> tuple[str, list[tuple[int, int, int]]]:
    """The .mig statements of the items, and for each native item the lines it spans."""
    out: list[str] = []
    spans: list[tuple[int, int, int]] = []
    line = 1
    i = 0

    def add(text: str) -> None:
        nonlocal line
        out.append(text)
        line += text.count("\n")

    while i < len(items):
        item = items[i]
        leading = _comment(item.piece.leading)
        if item.kind == "raw":
            run = [item]
            while i + len(run) < len(items) and items[i + len(run)].kind == "raw":
                run.append(items[i + len(run)])
            add(leading)
            chunks = []
            for n, r in enumerate(run):
                chunks.append(("" if n == 0 else r.piece.leading) + r.text + ";")
            first = line
            add(raw_block("".join(chunks).strip()) + "\n\n")
            spans.extend((first, line - 2, i + k) for k in range(len(run)))
            i += len(run)
            continue
        add(leading)
        if item.kind == "native":
            first = line
            add(item.text.strip() + "\n\n")
            spans.append((first, line - 2, i))
        elif item.kind == "skipped":
            shown = item.text.splitlines()[0] if item.text else ""
            add(f"-- migc import skipped: {shown[:100]} ({item.reason})\n\n")
        else:
            add(f"-- migc import: psql meta-command left out: {item.text}\n\n")
        i += 1
    return "".join(out).rstrip() + "\n", spans


def render_file(translation: Translation, header: str, down: str | None) -> str:
    """The whole .mig file: a header comment, the statements, the explicit down (raw SQL) if any."""
    text = "".join(f"-- {line}\n" for line in header.splitlines()) + "\n" + translation.body
    if down is not None:
        text += f"\ndown {{\n{raw_block(down.strip())}\n}}\n"
    return text


def readable(text: str) -> str:
    """Generated .mig text (a baseline from pg_dump, a squash from `migc schema`) as a person writes
    it: a quoted name that needs no quotes (lower case, not a keyword of the language) unquoted, then
    `migc fmt`'s layout (keywords in lower case). Strings, dollar-quoted bodies, raw `sql` and
    comments are left as they are. The text is returned unchanged if the result would not parse to
    the same statements (the proof that follows runs on what is returned)."""
    from migc.editor.fmt import FormatError, format_text
    from migc.editor.tokens import tokenize
    from migc.syntax.parser import keywords, parse

    taken = keywords()
    out = []
    for token in tokenize(text):
        inner = token.text[1:-1]
        if token.kind == "quoted" and re.fullmatch(r"[a-z_][a-z0-9_]*", inner) and inner not in taken:
            out.append(inner)
        else:
            out.append(token.text)
    before, _ = parse(text, "<generated>")
    after, _ = parse("".join(out), "<generated>")
    if before is None or after is None or before.statements != after.statements:
        return text
    try:
        return format_text("".join(out))
    except FormatError:
        return "".join(out)


__all__ = ["REWRITES", "SplitError", "Translation", "Item", "translate_sql", "render_file", "raw_block", "readable"]
