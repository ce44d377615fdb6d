"""How to bring a modelled object into being as ops: what a dropped object's inverse re-creates, and
what `migc schema` builds from nothing.

Each statement kind registers, for the model objects it makes, a *creator* (`@creator(Index)`: the
ops that create an index), and for the attributes it hangs on objects a *restorer*
(`@restorer("comment")`: the op that sets a comment again). This module knows no kind by name, so
a kind that needs another kind's objects re-created (a dropped table's indexes and comments) asks
here instead of importing it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from migc.ir.model import EnumType, HasAttrs, Index, Name, Namespace, ObjectRef, OnTable, Table
from migc.ir.op import Op
from migc.ir.schema import INDEX_DEPENDENCIES, INITIAL_SCHEMA_ATTRS, OBJECT_KINDS, TABLE_DEPENDENCIES, Schema, same_object
from migc.source import Span

T = TypeVar("T")
Creator = Callable[[Any], tuple[Op, ...]]
Restorer = Callable[[ObjectRef, object], tuple[Op, ...]]

CREATORS: dict[type, Creator] = {}
# how a partition's copy of its parent's index gets back the name it had (kinds/partition.py registers it)
INHERITED_INDEX_CREATORS: list[Callable[[Index], tuple[Op, ...]]] = []
# the op that sets a column not null because a primary key is added over it, as PostgreSQL does
# (kinds/column.py registers it; kinds/constraint.py emits it, so that the way back drops it again)
NOT_NULL_FOR_KEY: list[Callable[[Name, str, Span], Op]] = []
RESTORERS: dict[str, Restorer] = {}


def creator(model_type: type[T]) -> Callable[[Callable[[T], tuple[Op, ...]]], Callable[[T], tuple[Op, ...]]]:
    def register(fn: Callable[[T], tuple[Op, ...]]) -> Callable[[T], tuple[Op, ...]]:
        CREATORS[model_type] = fn
        return fn

    return register


def restorer(attribute: str) -> Callable[[Restorer], Restorer]:
    def register(fn: Restorer) -> Restorer:
        RESTORERS[attribute] = fn
        return fn

    return register


def creation_ops(obj: object) -> tuple[Op, ...]:
    """Ops that create `obj` (without its attributes: see `attribute_ops`)."""
    return CREATORS[type(obj)](obj)


def attribute_ops(ref: ObjectRef, obj: HasAttrs) -> tuple[Op, ...]:
    """Ops that give an object (and a table's columns) its attributes back."""
    ops = [op for key, value in obj.attrs for op in RESTORERS[key](ref, value)]
    if isinstance(obj, Table):
        for column in obj.columns:
            ops += [op for key, value in column.attrs
                    for op in RESTORERS[key](ObjectRef.of_column(obj.name, column.name), value)]
    return tuple(ops)


def recreation_ops(obj: Table | Index | EnumType) -> tuple[Op, ...]:
    """The object as it was: created bare, then its attributes set."""
    return (*creation_ops(obj.bare() if isinstance(obj, Table) else obj.without_attrs()),
            *attribute_ops(obj.ref, obj))


def recreation_of(obj: Any) -> tuple[Op, ...]:
    """Any model object as it was: created bare (without attributes), then its attributes set."""
    if isinstance(obj, (Table, Index, EnumType)):
        return recreation_ops(obj)
    bare = obj.without_attrs() if isinstance(obj, HasAttrs) else obj
    return (*creation_ops(bare), *(attribute_ops(_ref_of(obj), obj) if isinstance(obj, HasAttrs) else ()))


def owned_creation(owned: tuple[tuple[str, Any, Any], ...]) -> tuple[tuple[Op, ...], tuple[Op, ...]]:
    """What a drop that took `owned` objects along (Schema.owned_objects) gives back: the ops that
    create them bare (before the table or column comes back) and their attributes (after)."""
    create: list[Op] = []
    attrs: list[Op] = []
    for kind, key, obj in owned:
        create += creation_ops(obj.without_attrs() if isinstance(obj, HasAttrs) else obj)
        if isinstance(obj, HasAttrs):
            attrs += attribute_ops(OBJECT_KINDS[kind].ref_of(key, obj), obj)
    return tuple(create), tuple(attrs)


def _ref_of(obj: Any) -> ObjectRef:
    ref = getattr(obj, "ref", None)
    if not isinstance(ref, ObjectRef):
        raise TypeError(f"{type(obj).__name__} has no ref: give it a `ref` property to take attributes")
    return ref


@dataclass(frozen=True)
class _Node:
    rank: int
    ref: ObjectRef
    obj: Any
    uses: tuple[ObjectRef, ...]

    @property
    def order(self) -> tuple[int, str, str, str, str]:
        return (self.rank, *_sort_key(self.ref)[:2], self.ref.kind, self.ref.column or "")


def _nodes(schema: Schema) -> list[_Node]:
    nodes = [_Node(10, enum.ref, enum, ()) for enum in schema.enums.values()]
    for name, table in schema.tables.items():
        own = tuple(c for c in table.constraints if c.kind != "foreign key")
        uses = tuple(used for finder in TABLE_DEPENDENCIES for used in finder(table))
        nodes.append(_Node(40, table.ref, replace(table.bare(), constraints=own), uses))
    for index in schema.indexes.values():
        uses = (ObjectRef.table(index.table), *(used for finder in INDEX_DEPENDENCIES for used in finder(index)))
        nodes.append(_Node(45, index.ref, index.without_attrs(), uses))
    for kind_name, objects in schema.objects.items():
        kind = OBJECT_KINDS[kind_name]
        for key, obj in objects.items():
            bare = obj.without_attrs() if isinstance(obj, HasAttrs) else obj
            nodes.append(_Node(kind.rank, kind.ref_of(key, obj), bare, tuple(kind.depends_on(key, obj))))
    return nodes


def build_order(schema: Schema) -> list[Any]:
    """Every object of `schema` but schemas and foreign keys, bare, each after what it uses: the
    lowest (rank, schema, name) among those whose dependencies are all placed comes next, so the
    order is deterministic and, without dependencies, by rank (see `ObjectKind`)."""
    nodes = _nodes(schema)
    by_name: dict[tuple[str, Name], list[int]] = {}
    for i, node in enumerate(nodes):
        by_name.setdefault((node.ref.kind, node.ref.name), []).append(i)
    waiting: dict[int, int] = {}
    users: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        needed: set[int] = set()
        for used in node.uses:
            kind = "table" if used.kind == "column" else used.kind
            needed.update(j for j in by_name.get((kind, used.name), ())
                          if j != i and same_object(used, nodes[j].ref))
        waiting[i] = len(needed)
        for j in needed:
            users.setdefault(j, []).append(i)
    ready = [(node.order, i) for i, node in enumerate(nodes) if waiting[i] == 0]
    heapq.heapify(ready)
    placed: list[Any] = []
    while ready:
        _, i = heapq.heappop(ready)
        placed.append(nodes[i].obj)
        for j in users.get(i, ()):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (nodes[j].order, j))
    if len(placed) < len(nodes):  # a cycle the model let through: place the rest by rank
        rest = sorted((nodes[i] for i, n in waiting.items() if n > 0), key=lambda node: node.order)
        placed += [node.obj for node in rest]
    return placed


def _sort_key(ref: ObjectRef) -> tuple[str, str, str]:
    return ref.name.schema, ref.name.name, ref.column or ""


def schema_ops(schema: Schema) -> list[Op]:
    """Ops that build `schema` from nothing, in an order that always works and diffs cleanly:
    schemas; every object, each after what it uses (`build_order`); foreign keys between tables;
    then the attributes of everything."""
    ops: list[Op] = []
    for namespace in sorted(schema.schemas - {"public"}):
        ops += creation_ops(Namespace(namespace))
    for obj in build_order(schema):
        ops += creation_ops(obj)
    for name, table in sorted(schema.tables.items()):
        for c in table.constraints:
            if c.kind == "foreign key" and c.inherited_from is None:
                ops += creation_ops(OnTable(name, c))
    for schema_name in sorted(schema.schemas):
        space = schema.namespace(schema_name)
        initial = INITIAL_SCHEMA_ATTRS.get(schema_name, ())
        if space is not None and space.attrs != initial:
            # a new database's schemas come with attributes of their own (public's comment): set
            # what differs, and clear what the model does not have
            ops += attribute_ops(space.ref, space)
            ops += [op for key, _ in initial if space.attr(key) is None for op in RESTORERS[key](space.ref, None)]
    for _, enum in sorted(schema.enums.items()):
        ops += attribute_ops(enum.ref, enum)
    for _, table in sorted(schema.tables.items()):
        ops += attribute_ops(table.ref, table)
    for _, index in sorted(schema.indexes.items()):
        ops += attribute_ops(index.ref, index)
    for kind_name, objects in sorted(schema.objects.items()):
        kind = OBJECT_KINDS[kind_name]
        for key, obj in sorted(objects.items(), key=lambda kv: _sort_key(kind.ref_of(*kv))):
            if isinstance(obj, HasAttrs):
                ops += attribute_ops(kind.ref_of(key, obj), obj)
    return ops
