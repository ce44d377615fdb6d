"""What each name in a statement stands for, and each object's history across the migrations.

Generic over statement kinds: a statement's nodes are walked (`Node.walk`, through `ARGS`), and
every qualified name (`QName`) is looked up in the schema just before the statement and just after
it: a table, an index, an enum, or an object of any kind registered in `ir.schema.OBJECT_KINDS`
(views, functions, ... as other kinds add them). A bare name (`Ident`) is looked up among the
columns and constraints of the statement's table (the nearest node with a `table` name, else the
first name in the statement that is a table), then as a relation or type of its own.

Object identity follows the ops: `creates()` starts an object, `renames()` carries it to its new
name (a table's columns move with it), so "references" finds an object under every name it had."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migc.expr import Ident, QName, TypeRef
from migc.source import Span
from migc.tree import Node

if TYPE_CHECKING:
    from migc.ir.model import Name, ObjectRef
    from migc.ir.schema import Schema
    from migc.syntax.ast import Migration, Statement


@dataclass(frozen=True)
class Mention:
    span: Span  # the name's span in its file
    ref: ObjectRef  # what it names, as named at that point of history
    statement: Span  # the statement it is in


def _pos(span: Span) -> tuple[int, int]:
    return span.line, span.col


def _end(span: Span) -> tuple[int, int]:
    return span.end_line, span.end_col


def schema_at(lowered: Any, point: tuple[int, int], fallback: Schema) -> Schema:
    """The schema after every op of the file that ends at or before `point` (1-based line, col)."""
    if lowered is None:
        return fallback
    for op, before in zip(lowered.ops, lowered.before):
        if _end(op.span) > point:
            return before  # type: ignore[no-any-return]
    return lowered.schema_after  # type: ignore[no-any-return]


def statement_schemas(lowered: Any, stmt: Statement, start: Schema) -> tuple[Schema, Schema]:
    """The schema just before a statement and just after it."""
    if lowered is None:
        return start, start
    pre = schema_at_start(lowered, _pos(stmt.span))
    post = schema_at_start(lowered, _end(stmt.span))
    return pre, post


def schema_at_start(lowered: Any, point: tuple[int, int]) -> Schema:
    """The schema before the first op that starts at or after `point`."""
    for op, before in zip(lowered.ops, lowered.before):
        if _pos(op.span) >= point:
            return before  # type: ignore[no-any-return]
    return lowered.schema_after  # type: ignore[no-any-return]


def lookup_name(schema: Schema, name: Name) -> ObjectRef | None:
    """What a qualified name is in `schema`: a table, enum, index, or a stored object of any kind."""
    from migc.ir.model import ObjectRef
    from migc.ir.schema import OBJECT_KINDS

    if name in schema.tables:
        return ObjectRef("table", name)
    if name in schema.enums:
        return ObjectRef("enum", name)
    if name in schema.indexes:
        return ObjectRef("index", name)
    for kind, store in schema.objects.items():
        for key, obj in store.items():
            key_name = key if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) else getattr(key, "name", key)
            if key_name == name or (isinstance(key, tuple) and key and key[0] == name):
                return OBJECT_KINDS[kind].ref_of(key, obj)
    return None


def _table_of(schema: Schema, ref: ObjectRef | None) -> Any:
    if ref is not None and ref.kind == "table":
        return schema.tables.get(ref.name)
    return None


def statement_mentions(stmt: Statement, pre: Schema, post: Schema) -> list[Mention]:
    """Every name in `stmt` that names an object, with the object's ref (as named before the
    statement where it existed then, else as named after it)."""
    from migc.ir.model import Name

    found: list[Mention] = []
    context: list[ObjectRef] = []

    def resolve(name: Name) -> ObjectRef | None:
        return lookup_name(pre, name) or lookup_name(post, name)

    for node in stmt.walk():
        if isinstance(node, QName):
            ref = resolve(Name(node.schema_name, node.name.value))
            if ref is not None and ref.kind == "table":
                context.append(ref)
                break

    def visit(node: Node, table: ObjectRef | None) -> None:
        own = getattr(node, "table", None)
        if isinstance(own, QName):
            ref = resolve(Name(own.schema_name, own.name.value))
            if ref is not None and ref.kind == "table":
                table = ref
        if isinstance(node, QName):
            ref = resolve(Name(node.schema_name, node.name.value))
            if ref is not None:
                found.append(Mention(node.span, ref, stmt.span))
            return
        if isinstance(node, Ident):  # a QName's own idents are never reached: it returns above
            ref = _ident_ref(node.value, table, pre, post)
            if ref is not None:
                found.append(Mention(node.span, ref, stmt.span))
            return
        if isinstance(node, TypeRef):
            visit(node.name, table)
            return
        for child in node.children():
            visit(child, table)

    visit(stmt, context[0] if context else None)
    return found


def _ident_ref(value: str, table: ObjectRef | None, pre: Schema, post: Schema) -> ObjectRef | None:
    from migc.ir.model import Name, ObjectRef

    if table is not None:
        for schema in (pre, post):
            t = schema.tables.get(table.name)
            if t is not None and t.column(value) is not None:
                return ObjectRef.of_column(table.name, value)
        for schema in (pre, post):
            t = schema.tables.get(table.name)
            if t is not None and t.constraint(value) is not None:
                return ObjectRef("constraint", table.name, value)
    schema_name = table.name.schema if table is not None else "public"
    name = Name(schema_name, value)
    ref = lookup_name(post, name) or lookup_name(pre, name)
    if ref is None and schema_name != "public":
        ref = lookup_name(post, Name("public", value))
    if ref is None and value in post.schemas | pre.schemas and table is None:
        return ObjectRef("schema", Name(value, ""))
    return ref


# ---------------------------------------------------------------------------- history


@dataclass
class Event:
    file: int  # index of the migration
    span: Span  # the name's span
    statement: Span
    role: str  # "create" | "rename" | "use"
    ref: ObjectRef  # the name it had there


@dataclass
class History:
    """Every object's events over the whole history, and each mention's object."""

    events: dict[int, list[Event]] = field(default_factory=dict)  # object id -> events in order
    at: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (file, line, col) of a mention -> id
    spans: dict[int, list[tuple[Span, int]]] = field(default_factory=dict)  # file -> [(mention span, id)]

    def object_at(self, file: int, line: int, col: int) -> int | None:
        for span, oid in self.spans.get(file, ()):
            if (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col):
                return oid
        return None


@dataclass(frozen=True)
class StatementNames:
    """What one statement names, and what its ops create and rename (a file's part of the history)."""

    span: Span
    mentions: tuple[tuple[Mention, bool], ...]  # each with: did the object exist before the statement?
    created: frozenset[ObjectRef]
    renamed: tuple[tuple[ObjectRef, ObjectRef], ...]  # (new, old)
    down: bool = False  # a statement of an explicit `down { }`: it names objects as the file left them


def file_names(migration: Migration, lowered: Any, start: Schema) -> tuple[StatementNames, ...]:
    """The names of one file's statements (depends on the file and the schema before it only)."""
    out: list[StatementNames] = []
    for stmt in migration.statements:
        pre, post = statement_schemas(lowered, stmt, start)
        mentions = statement_mentions(stmt, pre, post)
        ops = [op for op in lowered.ops if _pos(stmt.span) <= _pos(op.span) and _end(op.span) <= _end(stmt.span)]
        created = frozenset(ref for op in ops for ref in op.creates())
        renamed = tuple((r[1], r[0]) for op in ops for r in [op.renames()] if r is not None)
        existed = tuple(
            (m, (pre.lookup(m.ref) is not None) if m.ref.kind != "constraint" else _constraint_in(pre, m.ref))
            for m in mentions)
        out.append(StatementNames(stmt.span, existed, created, renamed))
    after: Schema | None = getattr(lowered, "schema_after", None)
    if after is None:
        return tuple(out)
    for stmt in migration.down or ():
        mentions = statement_mentions(stmt, after, after)
        existed = tuple(
            (m, (after.lookup(m.ref) is not None) if m.ref.kind != "constraint" else _constraint_in(after, m.ref))
            for m in mentions)
        out.append(StatementNames(stmt.span, existed, frozenset(), (), down=True))
    return tuple(out)


def build_history(files: list[tuple[StatementNames, ...] | None]) -> History:
    """`files`: per migration, its statements' names (None for a file that could not be checked)."""
    from migc.ir.model import ObjectRef

    history = History()
    ident: dict[ObjectRef, int] = {}
    counter = iter(range(1, 1 << 62))

    def new_id() -> int:
        return next(counter)

    def record(i: int, m: Mention, role: str, oid: int) -> None:
        history.events.setdefault(oid, []).append(Event(i, m.span, m.statement, role, m.ref))
        history.spans.setdefault(i, []).append((m.span, oid))

    for i, statements in enumerate(files):
        if statements is None:
            continue
        for st in statements:
            if st.down:  # what the way back names: uses of the objects as the file left them, nothing made
                for m, existed in st.mentions:
                    if existed and m.ref in ident:
                        record(i, m, "use", ident[m.ref])
                continue
            created = st.created
            renamed = dict(st.renamed)
            old_names = set(renamed.values())
            # names as they were before the statement
            before_ids: dict[int, int] = {}
            for k, (m, existed) in enumerate(st.mentions):
                if existed and m.ref not in created:
                    if m.ref not in ident:
                        ident[m.ref] = new_id()
                    before_ids[k] = ident[m.ref]
            # the statement's own changes
            for new, old in renamed.items():
                oid = ident.pop(old) if old in ident else new_id()
                ident[new] = oid
                if new.kind == "table":
                    for ref in [r for r in ident if r.kind in ("column", "constraint") and r.name == old.name]:
                        ident[ObjectRef(ref.kind, new.name, ref.column)] = ident.pop(ref)
            for ref in created:
                ident[ref] = new_id()
            for k, (m, _) in enumerate(st.mentions):
                if k in before_ids and (m.ref not in old_names or m.ref not in renamed):
                    record(i, m, "use", before_ids[k])
                    continue
                role = "create" if m.ref in created or m.ref not in ident else "rename" if m.ref in renamed else "use"
                if m.ref not in ident:
                    ident[m.ref] = new_id()
                record(i, m, role, ident[m.ref])
    return history


def _constraint_in(schema: Schema, ref: ObjectRef) -> bool:
    t = schema.tables.get(ref.name)
    return t is not None and t.constraint(ref.column or "") is not None
