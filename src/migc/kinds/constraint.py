"""The constraint actions of `alter table`: add, validate and drop a constraint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Ident
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import NOT_NULL_FOR_KEY, creator
from migc.ir.model import Constraint, Name, OnTable, Table
from migc.ir.op import PASS_ADD_CONSTR, PASS_DROP, PASS_MISC, Lock, Op, TableAction, constraint_touched
from migc.ir.schema import Schema
from migc.lower.context import TYPE_CHANGE_REBUILDERS, Lowering, did_you_mean
from migc.lower.definitions import resolve, table_constraint, timing_ok
from migc.lower.dispatch import lowers_action
from migc.source import Span
from migc.syntax.ast import AlterAction, ConstraintTiming, TableConstraint
from migc.tree import build_from, builder, has_token, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class AddConstraint(AlterAction):
    ARGS = ("constraint",)
    constraint: TableConstraint
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class OnConstraint(AlterAction):
    ARGS = ("name",)
    name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ValidateConstraint(OnConstraint):
    pass


@dataclass(frozen=True, slots=True)
class DropConstraint(OnConstraint):
    if_exists: bool = False


builder("add_constraint")(build_from(AddConstraint, TableConstraint))
builder("validate_constraint")(build_from(ValidateConstraint, Ident))
@dataclass(frozen=True, slots=True)
class RenameConstraint(AlterAction):
    ARGS = ("name", "new_name")
    name: Ident
    new_name: Ident
    span: Span = _span()


builder("rename_constraint")(build_from(RenameConstraint, Ident, Ident))


@dataclass(frozen=True, slots=True)
class AlterConstraint(AlterAction):
    """`alter constraint NAME deferrable initially deferred`: a foreign key's timing."""

    ARGS = ("name", "timing")
    name: Ident
    timing: ConstraintTiming
    span: Span = _span()


builder("alter_constraint")(build_from(AlterConstraint, Ident, ConstraintTiming))


@builder("drop_constraint")
def _drop_constraint(c: list[Any]) -> DropConstraint:
    return DropConstraint(node(c, Ident), span_of(c), has_token(c, "IF_EXISTS"))


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class ConstraintChange(TableAction):
    """Adding or dropping one constraint."""

    table: Name
    constraint: Constraint
    span: Span = _span()
    rebuilt: bool = False  # dropped and made again around a type change (lints say nothing of it)

    def with_constraints(self, schema: Schema, keep: Callable[[Constraint], bool], *added: Constraint) -> Schema:
        t = schema.tables[self.table]
        return schema.with_table(replace(t, constraints=tuple(c for c in t.constraints if keep(c)) + added))

    def touches(self) -> frozenset[str]:
        return constraint_touched(self.constraint)

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class AddConstraintOp(ConstraintChange):
    PASS = PASS_ADD_CONSTR
    ACTION = "ADD {{ d.constraint(op.constraint) }}"

    def apply(self, schema: Schema) -> Schema:
        # lowering emits SetNotNullOp before a primary key on nullable columns, so the inverse is exact
        return self.with_constraints(schema, lambda c: True, self.constraint)

    def invert(self) -> tuple[Op, ...]:
        return (DropConstraintOp(self.table, self.constraint, self.span, self.rebuilt),)

    def describe(self) -> str:
        return f"add constraint {self.constraint.name} to {self.table.display()}"


@dataclass(frozen=True, slots=True)
class DropConstraintOp(ConstraintChange):
    PASS = PASS_DROP
    ACTION = "DROP CONSTRAINT {{ op.constraint.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        return self.with_constraints(schema, lambda c: c.name != self.constraint.name)

    def invert(self) -> tuple[Op, ...]:
        return (AddConstraintOp(self.table, self.constraint, self.span, self.rebuilt),)

    def describe(self) -> str:
        return f"drop constraint {self.constraint.name} from {self.table.display()}"


@dataclass(frozen=True, slots=True)
class ValidateConstraintOp(TableAction):
    table: Name
    name: str
    span: Span = _span()
    PASS = PASS_MISC
    ACTION = "VALIDATE CONSTRAINT {{ op.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        return schema.with_table(replace(
            t, constraints=tuple(replace(c, validated=True) if c.name == self.name else c for c in t.constraints)
        ))

    def invert(self) -> tuple[Op, ...]:
        return ()  # a validated constraint stays valid: nothing to undo

    def describe(self) -> str:
        return f"validate constraint {self.name} on {self.table.display()}"

    def touches(self) -> frozenset[str]:
        return frozenset({f"constraint:{self.name}"})

    def lock(self) -> Lock | None:
        return None  # SHARE UPDATE EXCLUSIVE (and ROW SHARE on a referenced table): reads and writes go on


@dataclass(frozen=True, slots=True)
class RenameConstraintOp(Op):
    """ALTER TABLE ... RENAME CONSTRAINT: a primary key's or unique constraint's index takes the new
    name too (PostgreSQL renames both)."""

    table: Name
    old: str
    new: str
    span: Span = _span()
    TEMPLATE = "ALTER TABLE {{ op.table|qname }} RENAME CONSTRAINT {{ op.old|ident }} TO {{ op.new|ident }}"

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        return schema.with_table(replace(
            t, constraints=tuple(replace(c, name=self.new) if c.name == self.old else c for c in t.constraints)))

    def invert(self) -> tuple[Op, ...]:
        return (RenameConstraintOp(self.table, self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename constraint {self.old} of {self.table.display()} to {self.new}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class AlterConstraintOp(TableAction):
    """ALTER TABLE ... ALTER CONSTRAINT: a foreign key's timing. The SQL always says both parts, so
    that it means the same on every PostgreSQL version; the op carries the timing it replaces, for
    its inverse."""

    table: Name
    name: str
    deferrable: bool
    initially_deferred: bool
    was_deferrable: bool
    was_initially_deferred: bool
    span: Span = _span()
    PASS = PASS_MISC
    ACTION = ("ALTER CONSTRAINT {{ op.name|ident }} {{ 'DEFERRABLE' if op.deferrable else 'NOT DEFERRABLE' }} "
              "INITIALLY {{ 'DEFERRED' if op.initially_deferred else 'IMMEDIATE' }}")

    def apply(self, schema: Schema) -> Schema:
        """The constraint, and its copies on the table's partitions (PostgreSQL alters them too)."""
        todo = [(self.table, self.name, False)]
        while todo:
            table, name, copy = todo.pop()
            t = schema.tables[table]
            schema = schema.with_table(replace(t, constraints=tuple(
                replace(c, deferrable=self.deferrable, initially_deferred=self.initially_deferred)
                if (c.inherited_from if copy else c.name) == name else c for c in t.constraints)))
            mine = t.constraint(name) if not copy else next((c for c in t.constraints if c.inherited_from == name), None)
            todo += [(p.name, mine.name, True) for p in schema.tables.values()
                     if mine is not None and p.partition_of is not None and p.partition_of.parent == table]
        return schema

    def invert(self) -> tuple[Op, ...]:
        return (AlterConstraintOp(self.table, self.name, self.was_deferrable, self.was_initially_deferred,
                                  self.deferrable, self.initially_deferred, self.span),)

    def describe(self) -> str:
        timing = (("deferrable initially deferred" if self.initially_deferred else "deferrable")
                  if self.deferrable else "not deferrable")
        return f"make constraint {self.name} of {self.table.display()} {timing}"

    def touches(self) -> frozenset[str]:
        return frozenset({f"constraint:{self.name}"})

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")


@creator(OnTable)
def _create(on: OnTable) -> tuple[Op, ...]:
    return (AddConstraintOp(on.table, on.constraint),)


# ------------------------------------------------------------------ lowering


@lowers_action(AddConstraint)
def _lower_add(lw: Lowering, table: Table, action: AddConstraint) -> None:
    constraints = resolve(lw, table, [table_constraint(action.constraint)])
    if constraints is None:
        return
    constraint = constraints[0]
    if constraint.kind == "primary key":
        for name in constraint.columns:  # PostgreSQL makes the key columns not null: say so, to invert it
            col = table.column(name)
            if col is not None and not col.not_null:
                lw.emit(NOT_NULL_FOR_KEY[0](table.name, name, action.span))
    lw.emit(AddConstraintOp(table.name, constraint, action.span))


def _rebuild_checks(lw: Lowering, table: Table, column: str, rewrite: bool,
                    span: Span) -> tuple[tuple[Op, ...], tuple[Op, ...]]:
    """A column's type changes (kinds/column_type.py): its checks are dropped before and made again
    after, as written. Without a rewrite they come back `not valid` and are validated after the
    statement, in one of their own (a scan that blocks no reads or writes)."""
    checks = [c for c in table.constraints if c.kind == "check" and column in c.columns]
    for check in checks:  # not under the ALTER TABLE's lock
        if check.validated and not rewrite:
            lw.after_statement.append(functools.partial(_validate, lw, table.name, check.name, span))
    return (tuple(DropConstraintOp(table.name, c, span, rebuilt=True) for c in checks),
            tuple(AddConstraintOp(table.name, replace(c, validated=c.validated and rewrite), span, rebuilt=True)
                  for c in checks))


def _validate(lw: Lowering, table: Name, check: str, span: Span) -> None:
    """Validate a check made again `not valid`, unless a later action of its statement dropped it
    (or its table) meanwhile."""
    current = lw.schema.tables.get(table)
    constraint = current.constraint(check) if current is not None else None
    if constraint is not None and not constraint.validated:
        lw.emit(ValidateConstraintOp(table, check, span))


TYPE_CHANGE_REBUILDERS.append((10, _rebuild_checks))


@lowers_action(ValidateConstraint)
def _lower_validate(lw: Lowering, table: Table, action: ValidateConstraint) -> None:
    constraint = _constraint(lw, table, action.name)
    if constraint is None:
        return
    if constraint.kind not in ("foreign key", "check"):
        lw.bag.error("E217", action.name.span, f"constraint '{constraint.name}' is a {constraint.kind}: "
                     "only foreign key and check constraints can be validated")
        return
    lw.emit(ValidateConstraintOp(table.name, constraint.name, action.span))


@lowers_action(DropConstraint)
def _lower_drop(lw: Lowering, table: Table, action: DropConstraint) -> None:
    if action.if_exists and table.constraint(action.name.value) is None:
        lw.does_nothing(action.span, f"table '{table.name.display()}' has no constraint '{action.name.value}'", "the action")
        return
    constraint = _constraint(lw, table, action.name)
    if constraint is None:
        return
    if constraint.has_index and not constraint.deferrable:  # no foreign key can use a deferrable key
        for other in lw.schema.tables.values():
            for fk in other.constraints:
                ref = fk.references
                if ref is not None and ref.table == table.name and set(ref.columns) == set(constraint.columns):
                    if other.name == table.name and fk.name == constraint.name:
                        continue
                    lw.bag.error("E205", action.span, f"cannot drop constraint '{constraint.name}': foreign key "
                                 f"'{fk.name}' of table '{other.name.display()}' depends on it")
                    return
    lw.emit(DropConstraintOp(table.name, constraint, action.span))


@lowers_action(RenameConstraint)
def _lower_rename(lw: Lowering, table: Table, action: RenameConstraint) -> None:
    constraint = _constraint(lw, table, action.name)
    if constraint is None or not lw.check_ident(action.new_name):
        return
    new = action.new_name.value
    schema = table.name.schema
    taken = table.constraint(new) is not None or (constraint.has_index and new in lw.schema.relation_names(schema))
    if taken:
        lw.bag.error("E108", action.new_name.span, f"constraint name '{new}' cannot be used: it is already taken "
                     f"{'by table ' + repr(table.name.display()) if table.constraint(new) else 'in schema ' + repr(schema)}")
        return
    lw.emit(RenameConstraintOp(table.name, constraint.name, new, action.span))


@lowers_action(AlterConstraint)
def _lower_alter(lw: Lowering, table: Table, action: AlterConstraint) -> None:
    constraint = _constraint(lw, table, action.name)
    if not timing_ok(lw, action.timing) or constraint is None:
        return
    if constraint.kind != "foreign key":  # PostgreSQL 15-18 alter only foreign keys
        lw.bag.error("E262", action.name.span, f"constraint '{constraint.name}' is a {constraint.kind}: only "
                     "a foreign key's timing can be altered",
                     "drop the constraint and add it again with the timing it should have")
        return
    if constraint.inherited_from is not None:
        parent = table.partition_of.parent.display() if table.partition_of is not None else "its parent"
        lw.bag.error("E262", action.name.span, f"constraint '{constraint.name}' of partition "
                     f"'{table.name.display()}' is a copy of constraint '{constraint.inherited_from}' of '{parent}'",
                     f"alter the constraint of '{parent}': its partitions follow")
        return
    deferrable, deferred = action.timing.resolved()
    lw.emit(AlterConstraintOp(table.name, constraint.name, deferrable, deferred, constraint.deferrable,
                              constraint.initially_deferred, action.span))


def _constraint(lw: Lowering, table: Table, ident: Ident) -> Constraint | None:
    constraint = table.constraint(ident.value)
    if constraint is None:
        lw.bag.error("E107", ident.span, f"table '{table.name.display()}' has no constraint '{ident.value}'",
                     did_you_mean(ident.value, [c.name for c in table.constraints]))
    return constraint


# ------------------------------------------------------------------ catalog

# NOT NULL constraints (PostgreSQL 18 names them) are compared through the columns' nullability
catalog_section(CatalogSection(
    "tables/*/constraints", "constraint",
    f"""SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid, true)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype <> 'n' AND c.relkind IN ('r', 'p') AND {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), row[2]), row[3]),
))
