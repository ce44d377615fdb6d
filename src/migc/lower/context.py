"""The state of lowering one migration: the schema as replayed so far, the ops made, the problems
found, and the lookups every statement needs (with "did you mean" hints)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from migc import typenames
from migc.diagnostics import DiagnosticBag
from migc.expr import Ident, QName, TypeRef
from migc.ir.model import Column, EnumType, Index, Name, ObjectRef, Table
from migc.ir.op import Irreversible, Op
from migc.ir.schema import Schema
from migc.ir.types import SERIAL_TYPES, SqlType, canonical_name, check_args
from migc.lower import extensions
from migc.lower.names import NAMEDATALEN
from migc.source import Span


# User-defined types beyond enums: each kind that makes types (domains, composite types, extensions)
# registers a resolver, (schema, Name) -> the type (kind, base...) or None, and may register a hint
# for an unknown type name ("citext comes with extension citext").
TYPE_RESOLVERS: list[Callable[[Schema, Name], SqlType | None]] = []
TYPE_HINTS: list[Callable[[Schema, str], str | None]] = []

# What must be dropped before a column's type changes and made again after, as it was (kinds/column_type.py
# asks; the kinds whose objects PostgreSQL would re-parse register: checks, expression indexes). A
# rebuilder gets (lowering, table, column, whether the change rewrites the table, span) and returns
# (ops before the change, ops after it); rank orders them: the lowest is dropped last and made first.
Rebuilder = Callable[["Lowering", Table, str, bool, Span], tuple[tuple[Op, ...], tuple[Op, ...]]]
TYPE_CHANGE_REBUILDERS: list[tuple[int, Rebuilder]] = []


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@dataclass
class Lowering:
    schema: Schema
    bag: DiagnosticBag
    ops: list[Op] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # per op: the statement it came from (see `statement`)
    group: int = 0
    before: list[Schema] = field(default_factory=list)  # per op: the schema just before it
    # what to do once the statement is done (ops it emits make a statement of their own)
    after_statement: list[Callable[[], None]] = field(default_factory=list)
    # enum labels this migration adds to enums it did not create: unusable until it commits
    added_labels: set[tuple[Name, str]] = field(default_factory=set)
    inverses: list[tuple[Op, ...] | None] = field(default_factory=list)  # per op; None = irreversible
    irreversible: list[tuple[Op, str]] = field(default_factory=list)

    # ------------------------------------------------------------ ops

    def statement(self) -> None:
        """The ops emitted from here on come from the next statement (codegen merges the actions of
        one `alter table` into one ALTER TABLE, never those of two)."""
        self.group += 1

    def emit(self, op: Op) -> None:
        """Record an op; its inverse is taken now, from the schema before it (the op carries it)."""
        try:
            self.inverses.append(op.invert())
        except Irreversible as why:
            self.inverses.append(None)
            self.irreversible.append((op, str(why)))
        self.ops.append(op)
        self.groups.append(self.group)
        self.before.append(self.schema)
        self.schema = self.schema.apply(op)
        if self.schema.failed:  # a name made at last (or renamed to) is known again
            renamed = op.renames()
            self.schema = self.schema.without_failed([ref.name for ref in op.creates()] +
                                                     ([renamed[1].name] if renamed is not None else []))

    def failed(self, qname: QName) -> None:
        """The statement that makes `qname` failed: from here on, what names it is not reported as
        unknown (the mistake was reported where it was made)."""
        self.schema = self.schema.with_failed(Name(qname.schema_name, qname.name.value))

    def unknown(self, name: Name, code: str, span: Span, message: str, hint: str | None = None) -> None:
        """Report an unknown object, unless a failed statement was to make it."""
        if name not in self.schema.failed:
            self.bag.error(code, span, message, hint)

    def does_nothing(self, span: Span, why: str, what: str = "the statement", hint: str | None = None) -> None:
        """`if [not] exists` settled at compile time: the statement (or one action of `alter table`:
        `what`) would do nothing, so it emits no op (and no SQL), and `check` says so (W005)."""
        self.bag.warning("W005", span, f"{why}: {what} does nothing and emit writes nothing for it",
                         hint or "remove it, or drop `if [not] exists` if the model is wrong about the database "
                         "(migc diff shows drift)")

    # ------------------------------------------------------------ names

    def check_ident(self, ident: Ident) -> bool:
        if len(ident.value.encode("utf-8")) > NAMEDATALEN - 1:
            self.bag.error("E004", ident.span, f"identifier '{ident.value[:20]}...' is longer than 63 bytes",
                           "PostgreSQL would silently truncate it; choose a shorter name")
            return False
        return True

    def name(self, qname: QName, *, new: bool = False) -> Name | None:
        """Resolve a possibly schema-qualified name; the schema must exist."""
        schema = qname.schema_name
        if new and not self.check_ident(qname.name):
            return None
        if schema not in self.schema.schemas:
            assert qname.schema is not None
            self.bag.error("E111", qname.schema.span, f"unknown schema '{schema}'",
                           did_you_mean(schema, self.schema.schemas) or f"create it first: create schema {schema}")
            return None
        return Name(schema, qname.name.value)

    def table(self, qname: QName) -> Table | None:
        name = self.name(qname)
        if name is None:
            return None
        table = self.schema.tables.get(name)
        if table is None:
            others = [n.name for n in self.schema.tables if n.schema == name.schema]
            self.unknown(name, "E101", qname.span, f"unknown table '{name.display()}'", did_you_mean(name.name, others))
        return table

    def column(self, table: Table, ident: Ident) -> Column | None:
        col = table.column(ident.value)
        if col is None:
            self.bag.error("E103", ident.span, f"table '{table.name.display()}' has no column '{ident.value}'",
                           did_you_mean(ident.value, [c.name for c in table.columns]))
        return col

    def enum(self, qname: QName) -> EnumType | None:
        name = self.name(qname)
        if name is None:
            return None
        enum = self.schema.enums.get(name)
        if enum is None:
            self.unknown(name, "E109", qname.span, f"unknown enum '{name.display()}'",
                           did_you_mean(name.name, [n.name for n in self.schema.enums]))
        return enum

    def index(self, qname: QName, *, constraint_hint: str = "drop the constraint instead: alter table {table} drop "
              "constraint {constraint}") -> Index | None:
        """The index named; `constraint_hint` tells what to do when the name is a constraint's index."""
        name = self.name(qname)
        if name is None:
            return None
        index = self.schema.indexes.get(name)
        if index is None:
            for table in self.schema.tables.values():
                c = table.constraint(name.name)
                if table.name.schema == name.schema and c is not None and c.has_index:
                    self.bag.error("E217", qname.span,
                                   f"index '{name.display()}' belongs to constraint '{c.name}' of table "
                                   f"'{table.name.display()}'",
                                   constraint_hint.format(table=table.name.display(), constraint=c.name))
                    return None
            self.unknown(name, "E105", qname.span, f"unknown index '{name.display()}'",
                           did_you_mean(name.name, [n.name for n in self.schema.indexes if n.schema == name.schema]))
        return index

    def used_by_view(self, ref: ObjectRef, span: Span, doing: str) -> bool:
        """Does a view use `ref` (a table, a column, a view)? PostgreSQL refuses to drop it or change
        its type then (without cascade): E254, naming the view and where it was made."""
        if not self.schema.store("view") and not self.schema.store("materialized view"):
            return False
        for kind, _, obj in self.schema.users_of(ref):
            if kind in ("view", "materialized view") and getattr(obj, "ref", None) != ref:
                origin = getattr(obj, "origin", "")
                where = f" (made at {origin})" if origin else ""
                self.bag.error("E254", span, f"{doing}: {getattr(obj, 'what', 'view')} '{obj.name.display()}'{where} "
                               "uses it", "drop the view first (and create it again after), or leave this alone")
                return True
        return False

    def reads_rows(self, ref: ObjectRef, span: Span, doing: str) -> bool:
        """Does a view read the rows of `ref` (a table, a composite type) through a function in FROM?
        PostgreSQL keeps such a view reading the rows as they were when it was made (its function's
        alias names their columns then), which no `create view` can make again once the rows have
        changed: so the model refuses to add columns to them or drop any (E254)."""
        if not self.schema.store("view") and not self.schema.store("materialized view"):
            return False
        from migc.lower.query import check_query
        from migc.query import FunctionRef

        for kind, _, obj in self.schema.users_of(ref):
            query = getattr(obj, "query", None)
            if kind not in ("view", "materialized view") or query is None:
                continue
            if next(query.find_all(FunctionRef), None) is None:
                continue  # only a function in FROM reads rows: no need to check the query again
            checked = check_query(Lowering(self.schema, DiagnosticBag("<rows>")), query)
            if checked is not None and ref in checked.rows:
                what = getattr(obj, "what", "view")
                self.bag.error("E254", span, f"{doing}: {what} '{obj.name.display()}' reads its rows through a "
                               "function, and PostgreSQL keeps it reading them as they were",
                               "drop the view first (and create it again after)")
                return True
        return False

    def relation(self, qname: QName) -> Table | None:
        """A table, or a materialized view seen as a table of its columns (what `create index` takes)."""
        name = self.name(qname)
        if name is None:
            return None
        view = self.schema.store("materialized view").get(name)
        if view is not None and getattr(view, "indexable", False):
            table: Table = view.as_table()
            return table
        return self.table(qname)
    def sequence_exists(self, name: Name) -> bool:
        """A sequence of `create sequence`, or one a serial or identity column owns."""
        if name in self.schema.store("sequence"):
            return True
        return any(c.sequence == name.name for t in self.schema.tables.values() if t.name.schema == name.schema
                   for c in t.columns)

    def relation_free(self, name: Name, span: Span, code: str, what: str) -> bool:
        """Tables, indexes, sequences and constraint indexes share one namespace per schema."""
        if name.name in self.schema.relation_names(name.schema):
            self.bag.error(code, span, f"{what} '{name.display()}': the name is already taken in schema '{name.schema}'")
            return False
        return True

    # ------------------------------------------------------------ types

    def resolve_type(self, ref: TypeRef, *, allow_serial: bool = False) -> tuple[SqlType, bool] | None:
        """The canonical type, and whether it was declared serial."""
        qname = ref.name
        base = qname.name.value
        serial = False
        if qname.schema is None and base in SERIAL_TYPES and allow_serial and not ref.args and not ref.array_dims:
            return SqlType(SERIAL_TYPES[base]), True
        canonical = canonical_name(base) if qname.schema is None else None
        if canonical is not None:
            problem = check_args(canonical, ref.args)
            if problem:
                self.bag.error("E114", ref.span, problem)
                return None
            return SqlType(canonical, ref.args, ref.array_dims), serial
        schema = qname.schema_name
        enum = self.schema.enums.get(Name(schema, base))
        if enum is None:
            found = self._user_type(Name(schema, base), ref)
            if found is not None:
                return (found, False) if found.name else None
            hint = did_you_mean(base, [*typenames.SUGGESTIONS, *(n.name for n in self.schema.enums),
                                       *self.schema.type_names(schema)])
            for more in TYPE_HINTS:
                hint = more(self.schema, base) or hint
            if base in SERIAL_TYPES:
                hint = "serial types are only allowed as a column's type in create table / add column"
            if extensions.any_unknown(self.schema):  # an extension migc does not know may have made it
                self.bag.warning("W004", ref.span, f"type '{base}' is not one migc knows: the model cannot check "
                                 "it (an extension migc does not know may have made it)", hint)
                return SqlType(base, ref.args, ref.array_dims, schema, "base"), False
            self.unknown(Name(schema, base), "E113", ref.span, f"unknown type '{base}'", hint)
            return None
        if ref.args:
            self.bag.error("E114", ref.span, f"enum type {base} takes no modifiers")
            return None
        return SqlType(base, (), ref.array_dims, schema, "enum"), False

    def known_type(self, ref: TypeRef) -> SqlType | None:
        """The type, without reporting anything when it is unknown (regclass, say)."""
        qname = ref.name
        canonical = canonical_name(qname.name.value) if qname.schema is None else None
        if canonical is not None:
            return SqlType(canonical, ref.args, ref.array_dims)
        name = Name(qname.schema_name, qname.name.value)
        if name in self.schema.enums:
            return SqlType(name.name, (), ref.array_dims, name.schema, "enum")
        for resolver in TYPE_RESOLVERS:
            found = resolver(self.schema, name)
            if found is not None:
                return found.with_dims(ref.array_dims)
        return None

    def _user_type(self, name: Name, ref: TypeRef) -> SqlType | None:
        """A domain, composite type or extension's type (TYPE_RESOLVERS); SqlType("") after an error."""
        for resolver in TYPE_RESOLVERS:
            found = resolver(self.schema, name)
            if found is None:
                continue
            if ref.args and found.kind != "base":
                self.bag.error("E114", ref.span, f"{found.kind} type {name.display()} takes no modifiers")
                return SqlType("")
            return SqlType(found.name, ref.args, ref.array_dims, found.schema, found.kind, found.base,
                           found.typcategory)
        return None

    def resolve_cast_type(self, ref: TypeRef) -> SqlType | None:
        resolved = self.resolve_type(ref)
        return resolved[0] if resolved else None
