"""`Schema`: the modelled catalog, and the transitions ops make of it.

A `Schema` is a value: `apply(op)` returns a new one (the op's own `apply` says how, through the
`with_*` / `without_*` transitions below) and leaves this one as it was. One thing is shared: the
per-schema sets of names taken (relations, types, constraints), which lowering asks about for every
new name. Rebuilding them per statement made a long history quadratic, so they are built once, on
first use, and then handed from each schema to the next with only the change applied; a schema that
gave its sets away rebuilds its own if it is ever asked again.

Tables, indexes and enums have fields of their own. Every other kind of object (views, functions,
sequences, domains, extensions...) lives in `objects`, one store per kind, registered by the kind's
module with `object_kind(...)`: what names each object takes, and what it depends on, so name
clashes and "dropping what something uses" are answered the same way for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migc.expr import Expr
from migc.ir.model import (
    INDEX_OWNING_KINDS, Attrs, Column, Constraint, EnumType, ForeignKey, HasAttrs, Index, Name, Namespace, ObjectRef,
    Table,
)

if TYPE_CHECKING:
    from migc.ir.op import Op

_EMPTY: frozenset[str] = frozenset()
# what a new database's schemas carry: PostgreSQL's template database comments `public`
INITIAL_SCHEMA_ATTRS: dict[str, Attrs] = {"public": (("comment", "standard public schema"),)}

# a name an object takes: (namespace, schema, name); namespaces "relation", "type", "constraint"
Taken = tuple[str, str, str]


def _by_name(ref: ObjectRef) -> Any:
    return ref.name


@dataclass(frozen=True)
class ObjectKind:
    """A store of model objects of one kind, beyond tables, indexes and enums.

    An object is named by an `ObjectRef` whose `kind` is the store's (`ref`); `key_of` turns such a
    ref back into the store's key (by default the ref's name: a function's key also holds its
    argument types, which its ref keeps in `column`). Objects that are `HasAttrs` take attributes
    (a comment) through `Schema.with_attr` like tables do. `rank` orders independent objects when
    `migc schema` builds everything from nothing (dependencies first, then rank, then name):
    extensions 0, enums 10, other types 15, sequences 20, functions 30, tables 40, indexes 45,
    views 50, triggers 60, policies 70, privileges 80."""

    kind: str  # "view", "function", "sequence", ...
    names: Callable[[Any, Any], Iterable[Taken]]  # (key, object) -> the names it takes
    depends_on: Callable[[Any, Any], Iterable[ObjectRef]] = lambda key, obj: ()  # what it uses
    ref: Callable[[Any, Any], ObjectRef] | None = None  # (key, object) -> its ref; None: ObjectRef(kind, key)
    key_of: Callable[[ObjectRef], Any] = _by_name
    rank: int = 50

    def ref_of(self, key: Any, obj: Any) -> ObjectRef:
        return self.ref(key, obj) if self.ref is not None else ObjectRef(self.kind, key)


OBJECT_KINDS: dict[str, ObjectKind] = {}

# What a table uses beyond its own columns (a domain as a column's type, a function in a default, a
# sequence in nextval(...)): each kind that can be used so registers a finder, so `users_of` and the
# build order of `migc schema` see tables as users too. Same for indexes (a function in an expression).
TABLE_DEPENDENCIES: list[Callable[[Table], Iterable[ObjectRef]]] = []
INDEX_DEPENDENCIES: list[Callable[[Index], Iterable[ObjectRef]]] = []

# What follows a renamed type (an enum, a domain, a composite type), as PostgreSQL's OIDs do: each kind
# whose objects hold types (a domain's base type, a composite type's attributes) registers a function
# (schema, kind of the type, old name, new name) -> schema with its objects rewritten.
TYPE_FOLLOWERS: list[Callable[[Schema, str, Name, Name], Schema]] = []

# Kinds whose stored objects hold expressions (a domain's default and checks) register how to rewrite
# them, (schema, rewrite) -> schema, so a change that PostgreSQL follows by OID (a renamed sequence in
# `nextval('s')`) reaches them too: `Schema.with_expressions_rewritten`.
EXPRESSION_HOLDERS: list[Callable[[Schema, Callable[[Expr], Expr]], Schema]] = []

# What PostgreSQL drops together with a table, or with one of its columns (a sequence `owned by` it):
# each kind that has such objects registers a finder (schema, table, column or None for any column)
# -> (kind, key, object), so drop table / drop column take them along and their inverses give them back.
OWNED_OBJECTS: list[Callable[[Schema, Name, str | None], Iterable[tuple[str, Any, Any]]]] = []


# Objects kept inside another object's attributes (a table's triggers and policies, which PostgreSQL
# keeps with the table): how to find one by its ref, and how to put a changed one back, so that
# `lookup` and `with_attr` (a comment on a trigger) reach them like any object.
NestedGet = Callable[["Schema", ObjectRef], HasAttrs | None]
NestedPut = Callable[["Schema", ObjectRef, Any], "Schema"]
NESTED_KINDS: dict[str, tuple[NestedGet, NestedPut]] = {}
# Run after every op's own `apply`: what PostgreSQL does by itself beyond the op (a partitioned
# table's partitions take its new columns, constraints and indexes). Registered by the kind modules.
APPLY_HOOKS: list[Callable[[Op, Schema], Schema]] = []


def object_kind(kind: ObjectKind) -> ObjectKind:
    """Register a kind's store (from the kind's module)."""
    OBJECT_KINDS[kind.kind] = kind
    return kind


def same_object(used: ObjectRef, ref: ObjectRef) -> bool:
    """Does a dependency on `used` point at `ref`? A column's user uses its table; a dependency
    on a function without its argument types (`column` None) uses every function of that name."""
    if used == ref:
        return True
    if ref.kind == "table" and used.kind == "column":
        return used.name == ref.name
    return used.kind == ref.kind and used.name == ref.name and used.column is None and ref.kind != "column"


@dataclass(frozen=True)
class Schema:
    schemas: frozenset[str] = frozenset({"public"})
    # attributes of schemas (a comment): PostgreSQL's template database comments `public`
    schema_attrs: Mapping[str, Attrs] = field(default_factory=lambda: dict(INITIAL_SCHEMA_ATTRS))
    tables: dict[Name, Table] = field(default_factory=dict)
    indexes: dict[Name, Index] = field(default_factory=dict)
    enums: dict[Name, EnumType] = field(default_factory=dict)
    objects: dict[str, dict[Any, Any]] = field(default_factory=dict)  # kind -> key -> object
    # a raw `sql` statement ran: it may have made objects the model does not know (a function...),
    # so "unknown" is then a warning where it would be an error
    opaque: bool = False
    # names whose creating statement failed to compile: lowering says nothing more of them ("unknown
    # table" after a `create table` with an error), so a mistake is reported once, where it is made.
    # Not part of the model: not compared, and forgotten once an op makes the name.
    failed: frozenset[Name] = field(default=frozenset(), compare=False, repr=False)
    _names: _NameIndex | None = field(default=None, compare=False, repr=False)

    # ------------------------------------------------------------ queries

    def _index(self) -> _NameIndex:
        if self._names is None:
            object.__setattr__(self, "_names", _NameIndex.build(self))
        assert self._names is not None
        return self._names

    def relation_names(self, schema: str) -> Set[str]:
        """Names taken in a schema's relation namespace: tables, indexes, constraint indexes, sequences.
        A live view: read it before the next transition."""
        return self._index().relations.get(schema, _EMPTY)

    def constraint_names(self, schema: str) -> Set[str]:
        return self._index().constraints.get(schema, _EMPTY)

    def type_names(self, schema: str) -> Set[str]:
        """Names taken in a schema's type namespace: enums, tables (their row types), and what the
        object kinds say (domains, composite types, views...)."""
        return self._index().types.get(schema, _EMPTY)

    def store(self, kind: str) -> Mapping[Any, Any]:
        """The objects of one registered kind, by key."""
        return self.objects.get(kind, {})

    def users_of(self, ref: ObjectRef) -> list[tuple[str, Any, Any]]:
        """(kind, key, object) of every object that depends on `ref` (or on a column of `ref` when
        it is a table): stored objects, and tables and indexes through the registered finders
        (kind "table" / "index", keyed by name). A table is not its own user."""
        found: list[tuple[str, Any, Any]] = []
        for kind, objects in self.objects.items():
            depends_on = OBJECT_KINDS[kind].depends_on
            for key, obj in objects.items():
                if any(same_object(used, ref) for used in depends_on(key, obj)):
                    found.append((kind, key, obj))
        if TABLE_DEPENDENCIES:
            for name, table in self.tables.items():
                if name != ref.name and any(same_object(used, ref) for finder in TABLE_DEPENDENCIES
                                            for used in finder(table)):
                    found.append(("table", name, table))
        if INDEX_DEPENDENCIES:
            for name, index in self.indexes.items():
                if any(same_object(used, ref) for finder in INDEX_DEPENDENCIES for used in finder(index)):
                    found.append(("index", name, index))
        return found

    def owned_objects(self, table: Name, column: str | None = None) -> tuple[tuple[str, Any, Any], ...]:
        """(kind, key, object) of what PostgreSQL drops with the table (with that column of it)."""
        return tuple(found for finder in OWNED_OBJECTS for found in finder(self, table, column))

    def with_type_renamed(self, kind: str, old: Name, new: Name) -> Schema:
        """The stored objects that hold a type (TYPE_FOLLOWERS) after it was renamed, and every cast
        to it in a stored expression (EXPRESSION_HOLDERS: PostgreSQL keeps the type's OID there)."""
        after = self
        for follow in TYPE_FOLLOWERS:
            after = follow(after, kind, old, new)
        pair_old, pair_new = (old.schema, old.name), (new.schema, new.name)
        return after.with_expressions_rewritten(lambda e: e.with_type_renamed(pair_old, pair_new))

    def with_expressions_rewritten(self, rewrite: Callable[[Expr], Expr]) -> Schema:
        """The stored objects that hold expressions (EXPRESSION_HOLDERS), each expression rewritten."""
        after = self
        for holder in EXPRESSION_HOLDERS:
            after = holder(after, rewrite)
        return after

    def without_owned(self, owned: Iterable[tuple[str, Any, Any]]) -> Schema:
        after = self
        for kind, key, _ in owned:
            if key in after.store(kind):
                after = after.without_object(kind, key)
        return after

    def referencing(self, target: Name, column: str | None = None) -> list[tuple[Table, Constraint]]:
        """Foreign keys of *other* tables that point at `target` (at `column`, if given)."""
        found = []
        for table in self.tables.values():
            if table.name == target:
                continue
            for c in table.constraints:
                fk = c.references
                if fk is not None and fk.table == target and (column is None or column in fk.columns):
                    found.append((table, c))
        return found

    def indexes_of(self, table: Name) -> list[Index]:
        return [i for i in self.indexes.values() if i.table == table]

    def enum_users(self, enum: Name) -> list[tuple[Table, Column]]:
        return [
            (t, c) for t in self.tables.values() for c in t.columns
            if c.type.is_enum and (c.type.schema, c.type.name) == (enum.schema, enum.name)
        ]

    def lookup(self, ref: ObjectRef) -> HasAttrs | None:
        """The object a reference names, if it exists."""
        if ref.kind == "table":
            return self.tables.get(ref.name)
        if ref.kind == "column":
            table = self.tables.get(ref.name)
            return table.column(ref.column or "") if table is not None else None
        if ref.kind == "index":
            return self.indexes.get(ref.name)
        if ref.kind == "enum":
            return self.enums.get(ref.name)
        if ref.kind == "schema":
            return self.namespace(ref.name.schema)
        kind = OBJECT_KINDS.get(ref.kind)
        if kind is not None:
            found = self.store(ref.kind).get(kind.key_of(ref))
            return found if isinstance(found, HasAttrs) else None
        if ref.kind in NESTED_KINDS:
            return NESTED_KINDS[ref.kind][0](self, ref)
        return None

    # ------------------------------------------------------------ transitions

    def apply(self, op: Op) -> Schema:
        after = op.apply(self)
        for hook in APPLY_HOOKS:  # what PostgreSQL does on its own after some ops (partitions follow their parent)
            after = hook(op, after)
        return after

    def _moved(self, **changes: object) -> Schema:
        """A new schema with `changes`; the name sets move to it (see the module's docstring)."""
        after = object.__new__(Schema)  # a copy of the fields without dataclasses.replace's cost
        after.__dict__.update(self.__dict__)
        after.__dict__.update(changes)
        object.__setattr__(self, "_names", None)
        return after

    def with_failed(self, name: Name) -> Schema:
        return self._moved(failed=self.failed | {name})

    def without_failed(self, names: Iterable[Name]) -> Schema:
        return self._moved(failed=self.failed.difference(names))

    def with_opaque_sql(self) -> Schema:
        return self if self.opaque else self._moved(opaque=True)

    def with_schema(self, name: str) -> Schema:
        return self._moved(schemas=self.schemas | {name})

    def without_schema(self, name: str) -> Schema:
        attrs = {k: v for k, v in self.schema_attrs.items() if k != name}
        return self._moved(schemas=self.schemas - {name}, schema_attrs=attrs)

    def namespace(self, name: str) -> Namespace | None:
        """The schema named, with its attributes, if it exists."""
        return Namespace(name, tuple(self.schema_attrs.get(name, ()))) if name in self.schemas else None

    def with_table(self, table: Table, *, replacing: Name | None = None) -> Schema:
        """Add `table`, or replace the table named `replacing` (default: the same name) by it."""
        old_name = replacing or table.name
        old = self.tables.get(old_name)
        tables = dict(self.tables)
        if replacing is not None and replacing != table.name:
            del tables[replacing]
        tables[table.name] = table
        names = self._names
        after = self._moved(tables=tables)
        if names is not None:
            names.replace_table(old, table)
        return after

    def with_tables(self, changed: Iterable[Table]) -> Schema:
        """Replace several tables (by name) at once, e.g. every table whose foreign keys follow a rename."""
        result = self
        for table in changed:
            result = result.with_table(table)
        return result

    def without_table(self, name: Name) -> Schema:
        old = self.tables[name]
        tables = {k: v for k, v in self.tables.items() if k != name}
        names = self._names
        after = self._moved(tables=tables)
        if names is not None:
            names.replace_table(old, None)
        return after

    def with_index(self, index: Index, *, replacing: Name | None = None) -> Schema:
        indexes = dict(self.indexes)
        if replacing is not None and replacing != index.name:
            del indexes[replacing]
        old = self.indexes.get(replacing or index.name)
        indexes[index.name] = index
        names = self._names
        after = self._moved(indexes=indexes)
        if names is not None:
            names.replace_index(old.name if old else None, index.name)
        return after

    def without_indexes(self, gone: Iterable[Name]) -> Schema:
        gone = set(gone)
        if not gone:
            return self
        names = self._names
        after = self._moved(indexes={k: v for k, v in self.indexes.items() if k not in gone})
        if names is not None:
            for name in gone:
                names.replace_index(name, None)
        return after

    def with_enum(self, enum: EnumType, *, replacing: Name | None = None) -> Schema:
        enums = dict(self.enums)
        old = replacing or enum.name
        if replacing is not None and replacing != enum.name:
            del enums[replacing]
        enums[enum.name] = enum
        names = self._names
        after = self._moved(enums=enums)
        if names is not None:
            names.replace([("type", old.schema, old.name)], [("type", enum.name.schema, enum.name.name)])
        return after

    def without_enum(self, name: Name) -> Schema:
        names = self._names
        after = self._moved(enums={k: v for k, v in self.enums.items() if k != name})
        if names is not None:
            names.replace([("type", name.schema, name.name)], ())
        return after

    def with_object(self, kind: str, key: Any, obj: Any, *, replacing: Any = None) -> Schema:
        """Add an object of a registered kind, or replace the one keyed `replacing` (default: `key`)."""
        store = dict(self.store(kind))
        old_key = key if replacing is None else replacing
        old = store.pop(old_key, None)
        store[key] = obj
        names = self._names
        after = self._moved(objects={**self.objects, kind: store})
        if names is not None:
            describe = OBJECT_KINDS[kind].names
            names.replace(describe(old_key, old) if old is not None else (), describe(key, obj))
        return after

    def without_object(self, kind: str, key: Any) -> Schema:
        store = dict(self.store(kind))
        old = store.pop(key)
        names = self._names
        after = self._moved(objects={**self.objects, kind: store})
        if names is not None:
            names.replace(OBJECT_KINDS[kind].names(key, old), ())
        return after

    def with_attr(self, ref: ObjectRef, key: str, value: object | None) -> Schema:
        """Set (None: remove) an attribute of the object `ref` names; the object must exist."""
        if ref.kind == "table":
            return self.with_table(self.tables[ref.name].with_attr(key, value))
        if ref.kind == "column":
            table = self.tables[ref.name]
            column = table.column(ref.column or "")
            assert column is not None
            return self.with_table(table.with_column(column.with_attr(key, value)))
        if ref.kind == "index":
            return self.with_index(self.indexes[ref.name].with_attr(key, value))
        if ref.kind == "enum":
            return self.with_enum(self.enums[ref.name].with_attr(key, value))
        if ref.kind == "schema":
            namespace = self.namespace(ref.name.schema)
            assert namespace is not None
            attrs = namespace.with_attr(key, value).attrs
            changed = {k: v for k, v in self.schema_attrs.items() if k != namespace.name}
            if attrs:
                changed[namespace.name] = attrs
            return self._moved(schema_attrs=changed)
        kind = OBJECT_KINDS.get(ref.kind)
        if kind is not None:
            store_key = kind.key_of(ref)
            return self.with_object(ref.kind, store_key, self.store(ref.kind)[store_key].with_attr(key, value))
        if ref.kind in NESTED_KINDS:
            get, put = NESTED_KINDS[ref.kind]
            nested = get(self, ref)
            assert nested is not None
            return put(self, ref, nested.with_attr(key, value))
        raise ValueError(f"{ref.kind} objects have no attributes in the model")

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_names"] = None  # derived: rebuilt on first use
        return state


def _relation_names(table: Table) -> set[str]:
    """The names a table takes in its schema's relation namespace."""
    return {table.name.name} | {c.name for c in table.constraints if c.kind in INDEX_OWNING_KINDS} | {  # hot
        c.sequence for c in table.columns if c.sequence
    }


@dataclass
class _NameIndex:
    relations: dict[str, set[str]]
    constraints: dict[str, set[str]]
    types: dict[str, set[str]]

    @staticmethod
    def build(s: Schema) -> _NameIndex:
        index = _NameIndex({}, {}, {})
        for t in s.tables.values():
            index.replace_table(None, t)
        for i in s.indexes:
            index.replace_index(None, i)
        for e in s.enums:
            index.types.setdefault(e.schema, set()).add(e.name)
        for kind, objects in s.objects.items():
            describe = OBJECT_KINDS[kind].names
            for key, obj in objects.items():
                index.replace((), describe(key, obj))
        return index

    def _namespace(self, name: str) -> dict[str, set[str]]:
        return {"relation": self.relations, "constraint": self.constraints, "type": self.types}[name]

    def replace(self, old: Iterable[Taken], new: Iterable[Taken]) -> None:
        for namespace, schema, name in old:
            self._namespace(namespace).get(schema, set()).discard(name)
        for namespace, schema, name in new:
            self._namespace(namespace).setdefault(schema, set()).add(name)

    def replace_table(self, old: Table | None, new: Table | None) -> None:
        if old is not None:
            self.relations.get(old.name.schema, set()).difference_update(_relation_names(old))
            self.constraints.get(old.name.schema, set()).difference_update(c.name for c in old.constraints)
            self.types.get(old.name.schema, set()).discard(old.name.name)
        if new is not None:
            self.relations.setdefault(new.name.schema, set()).update(_relation_names(new))
            self.constraints.setdefault(new.name.schema, set()).update(c.name for c in new.constraints)
            self.types.setdefault(new.name.schema, set()).add(new.name.name)

    def replace_index(self, old: Name | None, new: Name | None) -> None:
        if old is not None:
            self.relations.get(old.schema, set()).discard(old.name)
        if new is not None:
            self.relations.setdefault(new.schema, set()).add(new.name)


# Objects that name tables, views or columns in what they keep (a view's query) follow a rename, as
# PostgreSQL's do (it stores references, not names): each such kind registers a follower, (schema
# before the rename, schema after it, old ref, new ref) -> the schema after, and the ops that rename
# a table, a view or a column call `follow_rename`.
RENAME_FOLLOWERS: list[Callable[[Schema, Schema, ObjectRef, ObjectRef], Schema]] = []


def follow_rename(before: Schema, after: Schema, old: ObjectRef, new: ObjectRef) -> Schema:
    for follow in RENAME_FOLLOWERS:
        after = follow(before, after, old, new)
    return after


__all__ = ["OBJECT_KINDS", "RENAME_FOLLOWERS", "follow_rename", "ObjectKind", "Schema", "Column", "Constraint", "EnumType", "ForeignKey", "Index", "Name",
           "Table", "object_kind"]
