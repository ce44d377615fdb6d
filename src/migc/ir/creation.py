"""How to bring a modelled object into being as ops: what a dropped object's inverse re-creates, and
what `migc schema` builds from nothing.

Each statement kind registers, for the model objects it makes, a *creator* (`@creator(Index)`: the
ops that create an index), and for the attributes it hangs on objects a *restorer*
(`@restorer("comment")`: the op that sets a comment again). This module knows no kind by name, so
a kind that needs another kind's objects re-created (a dropped table's indexes and comments) asks
here instead of importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from migc.ir.model import EnumType, HasAttrs, Index, Namespace, ObjectRef, OnTable, Table
from migc.ir.op import Op
from migc.ir.schema import Schema

T = TypeVar("T")
Creator = Callable[[Any], tuple[Op, ...]]
Restorer = Callable[[ObjectRef, object], tuple[Op, ...]]

CREATORS: dict[type, Creator] = {}
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


def schema_ops(schema: Schema) -> list[Op]:
    """Ops that build `schema` from nothing, in an order that always works and diffs cleanly:
    schemas, enums, tables (with their own constraints), indexes, then foreign keys between tables,
    then the attributes of everything."""
    ops: list[Op] = []
    for namespace in sorted(schema.schemas - {"public"}):
        ops += creation_ops(Namespace(namespace))
    for _, enum in sorted(schema.enums.items()):
        ops += creation_ops(enum.without_attrs())
    foreign: list[OnTable] = []
    for name, table in sorted(schema.tables.items()):
        own = tuple(c for c in table.constraints if c.kind != "foreign key")
        foreign += [OnTable(name, c) for c in table.constraints if c.kind == "foreign key"]
        ops += creation_ops(Table(name, table.bare().columns, own))
    for _, index in sorted(schema.indexes.items()):
        ops += creation_ops(index.without_attrs())
    for fk in foreign:
        ops += creation_ops(fk)
    for _, enum in sorted(schema.enums.items()):
        ops += attribute_ops(enum.ref, enum)
    for _, table in sorted(schema.tables.items()):
        ops += attribute_ops(table.ref, table)
    for _, index in sorted(schema.indexes.items()):
        ops += attribute_ops(index.ref, index)
    return ops
