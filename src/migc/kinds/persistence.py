"""`alter table ... set logged | set unlogged`: whether PostgreSQL writes the table to its WAL
(`create unlogged table` is in kinds/table.py). Either way PostgreSQL rewrites the table (W121)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.ir.model import Name, Table
from migc.ir.op import PASS_MISC, Lock, Op, TableAction
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers_action
from migc.source import Span
from migc.syntax.ast import AlterAction
from migc.tree import builder, has_token, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class SetPersistence(AlterAction):
    unlogged: bool
    span: Span = _span()


@builder("set_persistence")
def _set_persistence(c: list[Any]) -> SetPersistence:
    return SetPersistence(has_token(c, "UNLOGGED"), span_of(c))


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class SetPersistenceOp(TableAction):
    table: Name
    unlogged: bool
    span: Span = _span()
    PASS = PASS_MISC
    ACTION = 'SET {{ "UNLOGGED" if op.unlogged else "LOGGED" }}'

    def apply(self, schema: Schema) -> Schema:
        return schema.with_table(replace(schema.tables[self.table], unlogged=self.unlogged))

    def invert(self) -> tuple[Op, ...]:
        return (SetPersistenceOp(self.table, not self.unlogged, self.span),)

    def describe(self) -> str:
        return f"set {'unlogged' if self.unlogged else 'logged'} {self.table.display()}"

    def touches(self) -> frozenset[str]:
        return frozenset({"persistence"})

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")


# ------------------------------------------------------------------ lowering


@lowers_action(SetPersistence)
def _lower(lw: Lowering, table: Table, action: SetPersistence) -> None:
    name = table.name.display()
    if table.partition_by is not None:  # PostgreSQL accepts it and changes nothing
        lw.bag.error("E225", action.span, f"table '{name}' is partitioned: PostgreSQL sets nothing on it; set logged / unlogged applies to "
                     "its partitions, one by one")
        return
    if action.unlogged:
        for other, fk in lw.schema.referencing(table.name):
            if not other.unlogged:
                lw.bag.error("E225", action.span, f"table '{name}' cannot be unlogged: foreign key '{fk.name}' of "
                             f"logged table '{other.name.display()}' references it",
                             "a logged table may reference only logged tables")
                return
    else:
        for fk in table.constraints:
            target = lw.schema.tables.get(fk.references.table) if fk.references is not None else None
            if target is not None and target.unlogged and target.name != table.name:
                lw.bag.error("E225", action.span, f"table '{name}' cannot be logged: its foreign key '{fk.name}' "
                             f"references unlogged table '{target.name.display()}'",
                             f"set {target.name.display()} logged first")
                return
    if table.unlogged == action.unlogged:
        lw.does_nothing(action.span, f"table '{name}' is already {'unlogged' if table.unlogged else 'logged'}",
                        "the action")
        return
    lw.emit(SetPersistenceOp(table.name, action.unlogged, action.span))
