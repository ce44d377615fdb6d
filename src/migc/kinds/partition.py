"""Partitioned tables: `create table ... partition by range|list|hash (...)` (the key; the statement
itself is `create table`'s), `create table NAME partition of PARENT for values ... | default`,
`alter table PARENT attach partition NAME for values ...`, `alter table PARENT detach partition NAME
[concurrently]`.

The model mirrors what PostgreSQL does with a partition: it has its parent's columns; it has a
copy of each of its parent's constraints (checks and foreign keys under the parent's name, keys
under names PostgreSQL chooses for the partition: `events_2025_pkey`) and of each of its parent's
indexes (`events_2025_at_idx`), marked `inherited_from`. Whatever changes the parent later (a new
column, a constraint, an index) reaches every partition through the schema's apply hook below, as
in PostgreSQL. Inherited objects are made by PostgreSQL (PARTITION OF, ATTACH), never by an op of
their own; after `detach` they stay, now the table's own, as in PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc import expr as ex
from migc.expr import Expr, QName
from migc.ir.creation import INHERITED_INDEX_CREATORS, creation_ops
from migc.ir.model import (
    Column,
    Constraint,
    Index,
    Name,
    ObjectRef,
    PartitionBound,
    PartitionOf,
    Table,
)
from migc.ir.op import Lock, Op
from migc.ir.schema import APPLY_HOOKS, INDEX_DEPENDENCIES, TABLE_DEPENDENCIES, Schema
from migc.lower import names
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers, lowers_action
from migc.lower.exprcheck import columns_by_name
from migc.lower.partitioning import PartitionBy, partition_key, partitions_of
from migc.lower.typecheck import fits, infer
from migc.source import Span
from migc.syntax.ast import AlterAction, Statement
from migc.tree import Node, builder, has_token, node, nodes, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class BoundSpec(Node):
    """`for values from (...) to (...)` | `in (...)` | `with (modulus m, remainder r)` | `default`."""

    ARGS = ("lower", "upper", "items")
    kind: str  # "range" | "list" | "hash" | "default"
    lower: tuple[Expr, ...] = ()
    upper: tuple[Expr, ...] = ()
    items: tuple[Expr, ...] = ()
    modulus: int = 0
    remainder: int = 0
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreatePartition(Statement):
    ARGS = ("name", "parent", "bound", "partition_by")
    name: QName
    parent: QName
    bound: BoundSpec
    partition_by: PartitionBy | None
    unlogged: bool = False
    if_not_exists: bool = False
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class AttachPartition(AlterAction):
    ARGS = ("name", "bound")
    name: QName
    bound: BoundSpec
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DetachPartition(AlterAction):
    ARGS = ("name",)
    name: QName
    concurrently: bool = False
    span: Span = _span()


def _bound_value(e: Expr) -> Expr:
    """MINVALUE / MAXVALUE in a range bound are keywords, not columns."""
    if isinstance(e, ex.ColumnRef) and e.name.value in ("minvalue", "maxvalue") and not e.name.quoted \
            and e.table is None:
        return ex.ValueKeyword(e.name.value, e.span)
    return e


@builder("bound_range")
def _bound_range(c: list[Any]) -> BoundSpec:
    values = [x for x in c if isinstance(x, Expr)]
    to = next(i for i, x in enumerate(c) if not isinstance(x, Node) and str(getattr(x, "value", "")).lower() == "to")
    lower = tuple(_bound_value(x) for x in c[:to] if isinstance(x, Expr))
    upper = tuple(_bound_value(x) for x in c[to:] if isinstance(x, Expr))
    assert len(lower) + len(upper) == len(values)
    return BoundSpec("range", lower, upper, span=span_of(c))


@builder("bound_list")
def _bound_list(c: list[Any]) -> BoundSpec:
    return BoundSpec("list", items=tuple(nodes(c, Expr)), span=span_of(c))


@builder("bound_hash")
def _bound_hash(c: list[Any]) -> BoundSpec:
    ints = [int(t.value) for t in c if not isinstance(t, Node) and getattr(t, "type", None) == "INT"]
    return BoundSpec("hash", modulus=ints[0], remainder=ints[1], span=span_of(c))


@builder("bound_default")
def _bound_default(c: list[Any]) -> BoundSpec:
    return BoundSpec("default", span=span_of(c))


@builder("create_partition")
def _create_partition(c: list[Any]) -> CreatePartition:
    qnames = nodes(c, QName)
    by = [x for x in c if isinstance(x, PartitionBy)]
    return CreatePartition(qnames[0], qnames[1], node(c, BoundSpec), by[0] if by else None,
                           has_token(c, "UNLOGGED"), has_token(c, "IF_NOT_EXISTS"), span_of(c))


@builder("attach_partition")
def _attach(c: list[Any]) -> AttachPartition:
    return AttachPartition(node(c, QName), node(c, BoundSpec), span_of(c))


@builder("detach_partition")
def _detach(c: list[Any]) -> DetachPartition:
    return DetachPartition(node(c, QName), has_token(c, "CONCURRENTLY"), span_of(c))


# ------------------------------------------------------------------ the model: partitions follow their parent


def inherited_column(column: Column, own: Column | None) -> Column:
    """A partition's copy of its parent's column: type, not null, default, collation, generation
    (PostgreSQL copies them); not its identity or sequence, which stay the parent's."""
    copy = replace(column, identity=None, identity_options=(), serial=None, sequence=None, attrs=())
    return replace(copy, attrs=own.attrs) if own is not None else copy


def _key_label(kind: str) -> str:
    return {"primary key": "pkey", "unique": "key", "exclude": "excl"}[kind]


def _same_key(a: Constraint, b: Constraint) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind in ("primary key", "unique"):
        return a.columns == b.columns
    if a.kind == "foreign key":
        return a.columns == b.columns and a.references == b.references
    return a.name == b.name  # checks: PostgreSQL matches them by name


def _same_index(a: Index, b: Index) -> bool:
    return (a.unique, a.elements, a.where) == (b.unique, b.elements, b.where)


def _sync(schema: Schema, parent: Table, part: Table) -> Schema:
    """The partition with its parent's columns, constraints and indexes, as PostgreSQL keeps them."""
    own_cols = {c.name: c for c in part.columns}
    columns = tuple(inherited_column(c, own_cols.get(c.name)) for c in parent.columns)
    # constraints: the copies it has keep their names; its own that match become the copies (attach)
    kept: list[Constraint] = []
    by_parent = {c.inherited_from: c for c in part.constraints if c.inherited_from is not None}
    own = [c for c in part.constraints if c.inherited_from is None]
    taken = set(schema.relation_names(part.name.schema)) - {c.name for c in part.constraints if c.owns_index}
    taken |= {c.name for c in own if c.owns_index}
    for pc in parent.constraints:
        copy = by_parent.get(pc.name)
        match = next((c for c in own if _same_key(c, pc)), None) if copy is None else None
        if match is not None:
            own.remove(match)
            copy = match
        name = copy.name if copy is not None else pc.name
        if copy is None and pc.owns_index:
            name = names.choose_name(part.name.name, None if pc.kind == "primary key" else
                                     names.join_column_names(pc.columns), _key_label(pc.kind), taken)
        taken.add(name)
        kept.append(replace(pc, name=name, inherited_from=pc.name))
    synced = replace(part, columns=columns, constraints=tuple(own) + tuple(kept))
    schema = schema.with_table(synced)
    # indexes: the same, for the parent's own indexes
    parent_indexes = {i.name: i for i in schema.indexes_of(parent.name)}
    mine = schema.indexes_of(part.name)
    gone = [i.name for i in mine if i.inherited_from is not None and i.inherited_from not in parent_indexes]
    schema = schema.without_indexes(gone)
    mine = [i for i in mine if i.name not in gone]
    for pi in parent_indexes.values():
        copy_index = next((i for i in mine if i.inherited_from == pi.name), None)
        if copy_index is None:
            copy_index = next((i for i in mine if i.inherited_from is None and _same_index(i, pi)), None)
        labels = pi.column_labels or tuple(names.index_column_names(e.expr for e in pi.elements))
        if copy_index is None:  # PostgreSQL names it after the parent index's own column names
            chosen = names.choose_name(part.name.name, names.join_column_names(labels), "idx",
                                       schema.relation_names(part.name.schema))
            copy_index = Index(Name(part.name.schema, chosen), part.name, pi.unique, pi.elements, pi.where, pi.columns)
        schema = schema.with_index(replace(copy_index, elements=pi.elements, where=pi.where, columns=pi.columns,
                                           unique=pi.unique, inherited_from=pi.name, column_labels=labels))
    if synced.partition_by is not None:
        schema = _follow(schema, synced.name)
    return schema


def _follow(schema: Schema, parent_name: Name) -> Schema:
    parent = schema.tables.get(parent_name)
    if parent is None or parent.partition_by is None:
        return schema
    for part in partitions_of(schema, parent_name):
        schema = _sync(schema, schema.tables[parent_name], part)
    return schema


_TOUCHING = ("table", "index", "old", "new", "parent")
_TOUCHING_BY_OP: dict[type, tuple[str, ...]] = {}  # which of those attributes each op class has


def _touched(op: Op) -> list[Name]:
    found: list[Name] = []
    attrs = _TOUCHING_BY_OP.get(type(op))
    if attrs is None:
        attrs = _TOUCHING_BY_OP[type(op)] = tuple(a for a in _TOUCHING if hasattr(op, a))
    for attr in attrs:
        value = getattr(op, attr)
        if isinstance(value, Name):
            found.append(value)
        elif isinstance(value, Table):
            found.append(value.name)
        elif isinstance(value, Index):
            found.append(value.table)
    return found


def _after_op(op: Op, schema: Schema) -> Schema:
    """The apply hook: partitions follow what an op did to their parent (or to themselves)."""
    for name in _touched(op):
        table = schema.tables.get(name)
        if table is None:
            continue
        if table.partition_by is not None:
            schema = _follow(schema, name)
        if table.partition_of is not None and table.partition_of.parent in schema.tables:
            schema = _sync(schema, schema.tables[table.partition_of.parent], table)
    old, new = getattr(op, "old", None), getattr(op, "new", None)
    if isinstance(old, Name) and isinstance(new, Name) and old not in schema.tables and new in schema.tables:
        moved = [replace(t, partition_of=PartitionOf(new, t.partition_of.bound))
                 for t in partitions_of(schema, old) if t.partition_of is not None]
        schema = schema.with_tables(moved)
    return schema


APPLY_HOOKS.append(_after_op)
TABLE_DEPENDENCIES.append(lambda t: (ObjectRef.table(t.partition_of.parent),) if t.partition_of is not None else ())


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class AttachPartitionOp(Op):
    parent: Name
    table: Name
    bound: PartitionBound
    span: Span = _span()
    # what PostgreSQL made on the table as it attached it (copies of the parent's keys, foreign
    # keys and indexes it lacked): the way back drops them again
    created_constraints: tuple[str, ...] = ()
    created_indexes: tuple[Name, ...] = ()
    # the way back of `detach ... concurrently`: the check PostgreSQL added to the table then
    bound_check: Constraint | None = None
    TEMPLATE = ("ALTER TABLE {{ op.parent|qname }} ATTACH PARTITION {{ op.table|qname }} {{ d.bound(op.bound) }}"
                "{% if op.bound_check %}{{ NEXT }}ALTER TABLE {{ op.table|qname }} DROP CONSTRAINT "
                "{{ op.bound_check.name|ident }}{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        gone = self.bound_check.name if self.bound_check is not None else None
        return schema.with_table(replace(t, partition_of=PartitionOf(self.parent, self.bound), constraints=tuple(
            c for c in t.constraints if c.name != gone)))

    def invert(self) -> tuple[Op, ...]:
        return (DetachPartitionOp(self.parent, self.table, self.bound, self.bound_check is not None, self.span,
                                  self.created_constraints, self.created_indexes, self.bound_check),)

    def describe(self) -> str:
        return f"attach partition {self.table.display()} to {self.parent.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")  # the parent: SHARE UPDATE EXCLUSIVE


@dataclass(frozen=True, slots=True)
class DetachPartitionOp(Op):
    parent: Name
    table: Name
    bound: PartitionBound  # to attach it again
    concurrently: bool = False
    span: Span = _span()
    # the way back of an attach: what the attach made, dropped after the detach
    drop_constraints: tuple[str, ...] = ()
    drop_indexes: tuple[Name, ...] = ()
    added_check: Constraint | None = None  # `concurrently`: the check of the bound PostgreSQL adds
    TEMPLATE = ('ALTER TABLE {{ op.parent|qname }} DETACH PARTITION {{ op.table|qname }}'
                '{{ " CONCURRENTLY" if op.concurrently }}'
                '{% for c in op.drop_constraints %}{{ NEXT }}ALTER TABLE {{ op.table|qname }} DROP CONSTRAINT '
                '{{ c|ident }}{% endfor %}'
                '{% for i in op.drop_indexes %}{{ NEXT }}DROP INDEX {{ i|qname }}{% endfor %}')

    def apply(self, schema: Schema) -> Schema:
        """What the partition had from its parent stays, as its own (as in PostgreSQL); `concurrently`
        also leaves a check of the bound on it (PostgreSQL adds it)."""
        t = schema.tables[self.table]
        kept = tuple(replace(c, inherited_from=None) for c in t.constraints if c.name not in self.drop_constraints)
        added = (self.added_check,) if self.added_check is not None else ()
        after = schema.with_table(replace(t, partition_of=None, constraints=kept + added))
        for index in after.indexes_of(self.table):
            if index.inherited_from is not None:
                after = after.with_index(replace(index, inherited_from=None))
        return after.without_indexes(self.drop_indexes)

    def invert(self) -> tuple[Op, ...]:
        return (AttachPartitionOp(self.parent, self.table, self.bound, self.span, self.drop_constraints,
                                  self.drop_indexes, self.added_check),)

    def describe(self) -> str:
        return f"detach partition {self.table.display()} from {self.parent.display()}"

    def lock(self) -> Lock | None:
        return None if self.concurrently else Lock(self.parent, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class RenameInheritedIndexOp(Op):
    """A partition made again (PARTITION OF) gets copies of its parent's indexes named after the
    parent index's own column names, which differ between a database where a column was renamed
    since and one built anew: this gives the copy the name it has in the model, whichever it got."""

    table: Name
    parent_index: Name
    fresh: Name  # the name it gets in a database built anew
    name: Name
    span: Span = _span()
    TEMPLATE = """DO $migc$
DECLARE copy regclass;
BEGIN
  SELECT i.inhrelid::regclass INTO copy FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
   WHERE i.inhparent = {{ (op.parent_index|qname)|literal }}::regclass
     AND x.indrelid = {{ (op.table|qname)|literal }}::regclass;
  IF copy IS NOT NULL AND (SELECT relname FROM pg_class WHERE oid = copy) <> {{ op.name.name|literal }} THEN
    EXECUTE format('ALTER INDEX %s RENAME TO %I', copy, {{ op.name.name|literal }});
  END IF;
END
$migc$"""

    def apply(self, schema: Schema) -> Schema:
        found = next((i for i in schema.indexes_of(self.table) if i.inherited_from == self.parent_index), None)
        if found is None or found.name == self.name:
            return schema
        return schema.with_index(replace(found, name=self.name), replacing=found.name)

    def invert(self) -> tuple[Op, ...]:
        return (RenameInheritedIndexOp(self.table, self.parent_index, self.name, self.fresh, self.span),)

    def describe(self) -> str:
        return f"rename index {self.fresh.display()} to {self.name.name}"

    def lock(self) -> Lock | None:
        return None


def _inherited_index(index: Index) -> tuple[Op, ...]:
    assert index.inherited_from is not None
    addition = names.join_column_names(names.index_column_names(e.expr for e in index.elements))
    table = index.table
    fresh = Name(index.name.schema, names.choose_name(table.name, addition, "idx", set()))
    return () if fresh == index.name else (RenameInheritedIndexOp(table, index.inherited_from, fresh, index.name),)


INHERITED_INDEX_CREATORS.append(_inherited_index)
INDEX_DEPENDENCIES.append(lambda i: (ObjectRef("index", i.inherited_from),) if i.inherited_from is not None else ())


# ------------------------------------------------------------------ lowering


def bound(lw: Lowering, parent: Table, spec: BoundSpec, what: str) -> PartitionBound | None:
    """The bound, checked against the parent's key (E228)."""
    key = parent.partition_by
    assert key is not None
    pname = parent.name.display()
    strategy = key.strategy
    if spec.kind == "default":
        if strategy == "hash":
            lw.bag.error("E228", spec.span, f"hash-partitioned table '{pname}' cannot have a default partition")
            return None
        existing = next((t for t in partitions_of(lw.schema, parent.name)
                         if t.partition_of is not None and t.partition_of.bound.kind == "default"), None)
        if existing is not None:
            lw.bag.error("E228", spec.span, f"table '{pname}' already has a default partition: "
                         f"'{existing.name.display()}'")
            return None
        return PartitionBound("default")
    if spec.kind != strategy:
        form = {"range": "for values from (...) to (...)", "list": "for values in (...)",
                "hash": "for values with (modulus M, remainder R)"}[strategy]
        lw.bag.error("E228", spec.span, f"{what}: '{pname}' is partitioned by {strategy}: its partitions are "
                     f"bound with `{form}`")
        return None
    columns = columns_by_name(parent.columns)
    mark = lw.bag.mark()
    if spec.kind == "hash":
        if spec.modulus < 1 or not 0 <= spec.remainder < spec.modulus:
            lw.bag.error("E228", spec.span, f"{what}: the remainder must be at least 0 and less than the modulus, "
                         "which must be positive")
            return None
        return PartitionBound("hash", ((ex.Literal("int", str(spec.modulus)), ex.Literal("int", str(spec.remainder))),))
    if spec.kind == "range":
        if len(spec.lower) != len(key.elements) or len(spec.upper) != len(key.elements):
            lw.bag.error("E228", spec.span, f"{what}: '{pname}' has {len(key.elements)} partition key column(s): "
                         f"each range bound needs as many values")
            return None
        values = [*spec.lower, *spec.upper]
        targets = [*key.elements, *key.elements]
    else:
        values = list(spec.items)
        targets = [key.elements[0]] * len(values)
    for value, target in zip(values, targets):
        if isinstance(value, ex.ValueKeyword) and value.name in ("minvalue", "maxvalue"):
            if spec.kind != "range":
                lw.bag.error("E228", value.span, f"{what}: {value.name} only bounds a range partition")
            continue
        for ref in value.column_refs():
            lw.bag.error("E228", ref.span, f"{what}: a partition bound cannot name column '{ref.name.value}'")
        if lw.bag.errors_since(mark):
            continue
        col = columns.get(target.expr.name.value) if isinstance(target.expr, ex.ColumnRef) else None
        if col is not None:
            problem = fits(infer(value, lambda r: None, lw.resolve_cast_type), col.type)
            if problem is not None:
                lw.bag.error("E228", value.span, f"{what}: bound for column '{col.name}': {problem}")
    if lw.bag.errors_since(mark):
        return None
    if spec.kind == "range":
        return PartitionBound("range", (spec.lower, spec.upper))
    return PartitionBound("list", (spec.items,))


@lowers(CreatePartition)
def _lower_create(lw: Lowering, stmt: CreatePartition) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if stmt.if_not_exists and name in lw.schema.tables:
        lw.does_nothing(stmt.span, f"table '{name.display()}' already exists")
        return
    parent = lw.table(stmt.parent)
    if parent is None:
        return
    if parent.partition_by is None:
        lw.bag.error("E228", stmt.parent.span, f"table '{parent.name.display()}' is not partitioned",
                     "partition it when it is made: create table ... partition by range|list|hash (...)")
        return
    if not lw.relation_free(name, stmt.name.span, "E102", "table"):
        return
    if name in lw.schema.enums or name.name in lw.schema.type_names(name.schema):
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists")
        return
    made = bound(lw, parent, stmt.bound, f"partition '{name.display()}'")
    if made is None:
        return
    columns = tuple(inherited_column(c, None) for c in parent.columns)
    table = Table(name, columns, unlogged=stmt.unlogged, partition_of=PartitionOf(parent.name, made))
    if stmt.partition_by is not None:
        key = partition_key(lw, table, stmt.partition_by)
        if key is None:
            return
        table = replace(table, partition_by=key)
    for op in creation_ops(table):  # create table's own op (kinds/table.py), which knows partitions
        object.__setattr__(op, "span", stmt.span)  # (a frozen op just made: where it came from)
        lw.emit(op)


@lowers_action(AttachPartition)
def _lower_attach(lw: Lowering, parent: Table, action: AttachPartition) -> None:
    pname = parent.name.display()
    if parent.partition_by is None:
        lw.bag.error("E228", action.span, f"table '{pname}' is not partitioned")
        return
    table = lw.table(action.name)
    if table is None:
        return
    tname = table.name.display()
    if table.partition_of is not None:
        lw.bag.error("E228", action.name.span, f"table '{tname}' is already a partition of "
                     f"'{table.partition_of.parent.display()}'", f"detach it first: alter table "
                     f"{table.partition_of.parent.display()} detach partition {tname}")
        return
    if table.name == parent.name:
        lw.bag.error("E228", action.name.span, f"table '{tname}' cannot be a partition of itself")
        return
    problem = _columns_differ(parent, table)
    if problem is not None:
        lw.bag.error("E228", action.name.span, f"table '{tname}' cannot be a partition of '{pname}': {problem}",
                     "a partition has exactly its parent's columns, of the same types")
        return
    missing = [c.name for c in parent.constraints if c.kind == "check" and table.constraint(c.name) is None]
    if missing:
        lw.bag.error("E228", action.name.span, f"table '{tname}' lacks check constraint '{missing[0]}' of "
                     f"'{pname}': PostgreSQL attaches a partition only with its parent's checks",
                     f"add it first: alter table {tname} add constraint {missing[0]} check (...)")
        return
    made = bound(lw, parent, action.bound, f"partition '{tname}'")
    if made is None:
        return
    op = AttachPartitionOp(parent.name, table.name, made, action.span)
    trial = lw.schema.apply(op)  # what PostgreSQL will make on the table: the way back drops it
    had = {c.name for c in table.constraints}
    had_indexes = {i.name for i in lw.schema.indexes_of(table.name)}
    made_constraints = tuple(c.name for c in trial.tables[table.name].constraints if c.name not in had)
    made_indexes = tuple(i.name for i in trial.indexes_of(table.name) if i.name not in had_indexes)
    lw.emit(replace(op, created_constraints=made_constraints, created_indexes=made_indexes))


def _columns_differ(parent: Table, table: Table) -> str | None:
    mine = {c.name: c for c in table.columns}
    for c in parent.columns:
        other = mine.pop(c.name, None)
        if other is None:
            return f"it has no column '{c.name}'"
        if not c.type.same_type(other.type) or c.type.args != other.type.args:
            return f"its column '{c.name}' is {other.type.display()}, not {c.type.display()}"
        if c.not_null and not other.not_null:
            return f"its column '{c.name}' may be null, unlike the parent's"
    if mine:
        return f"it has column '{next(iter(mine))}', which the parent has not"
    return None


@lowers_action(DetachPartition)
def _lower_detach(lw: Lowering, parent: Table, action: DetachPartition) -> None:
    table = lw.table(action.name)
    if table is None:
        return
    if table.partition_of is None or table.partition_of.parent != parent.name:
        lw.bag.error("E228", action.name.span, f"table '{table.name.display()}' is not a partition of "
                     f"'{parent.name.display()}'")
        return
    if action.concurrently and any(t.partition_of is not None and t.partition_of.bound.kind == "default"
                                   for t in partitions_of(lw.schema, parent.name)):
        lw.bag.error("E228", action.span, f"'{parent.name.display()}' has a default partition: PostgreSQL cannot "
                     "detach a partition concurrently then", "detach it without concurrently")
        return
    added = None
    if action.concurrently:
        added = bound_check(lw, parent, table)
        if added is None:
            lw.bag.error("E228", action.span, "migc models `detach ... concurrently` (and the check PostgreSQL "
                         "leaves on the table) for a range or list partition of a one-column key only",
                         "detach it without concurrently")
            return
    lw.emit(DetachPartitionOp(parent.name, table.name, table.partition_of.bound, action.concurrently, action.span,
                              added_check=added))


def bound_check(lw: Lowering, parent: Table, table: Table) -> Constraint | None:
    """The check PostgreSQL adds to a partition it detaches concurrently: its partition constraint
    (`at IS NOT NULL AND at >= '...'::timestamptz AND at < '...'::timestamptz`), named
    TABLE_COLUMN_check; None where migc does not model it."""
    key = parent.partition_by
    assert key is not None and table.partition_of is not None
    b = table.partition_of.bound
    if len(key.elements) != 1 or not isinstance(key.elements[0].expr, ex.ColumnRef) or b.kind not in ("range", "list"):
        return None
    column = table.column(key.elements[0].expr.name.value)
    if column is None or column.type.is_user:
        return None
    col: Expr = ex.ColumnRef(ex.Ident(column.name))
    type_ref = ex.TypeRef(ex.QName(None, ex.Ident(column.type.name)), column.type.args, column.type.array_dims)

    def typed(value: Expr) -> Expr:
        return ex.Cast(value, type_ref) if isinstance(value, ex.Literal) and value.kind == "string" else value

    terms: list[Expr] = [ex.IsNull(col, True)]
    if b.kind == "range":
        low, high = b.values[0][0], b.values[1][0]
        if not isinstance(low, ex.ValueKeyword):
            terms.append(ex.Binary(">=", col, typed(low)))
        if not isinstance(high, ex.ValueKeyword):
            terms.append(ex.Binary("<", col, typed(high)))
    else:
        items = b.values[0]
        if not all(isinstance(i, ex.Literal) and i.kind in ("string", "int", "decimal") for i in items):
            return None
        if len(items) == 1:
            terms.append(ex.Binary("=", col, typed(items[0])))
        else:  # PostgreSQL writes the list as one array constant: k = ANY ('{a,b}'::text[])
            text = "{" + ",".join('"' + i.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
                                  for i in items if isinstance(i, ex.Literal)) + "}"
            array = ex.Cast(ex.Literal("string", text), replace(type_ref, array_dims=1))
            terms.append(ex.AnyAll(col, "=", "any", array))
    expr = terms[0]
    for term in terms[1:]:
        expr = ex.Binary("and", expr, term)
    taken = set(lw.schema.constraint_names(table.name.schema)) | {c.name for c in table.constraints}
    name = names.choose_name(table.name.name, column.name, "check", taken)
    return Constraint(name, "check", (column.name,), expr)
