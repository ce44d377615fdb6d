"""`create table`, `drop table`, `rename table`, and `alter table` (whose actions are the column and
constraint kinds' own nodes, each lowered by its kind)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from migc.expr import Expr, Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import creator, owned_creation, recreation_ops
from migc.ir.model import Column, Constraint, Index, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import EXPRESSION_HOLDERS, TYPE_FOLLOWERS, Schema, follow_rename
from migc.ir.types import renamed_type
from migc.lower import names
from migc.lower.context import Lowering
from migc.lower.definitions import Pending, build_column, generated_ok, resolve, table_constraint, with_sequences
from migc.lower.dispatch import lower_action, lowers
from migc.lower.partitioning import PartitionBy, check_keys, partition_key, partitions_of
from migc.source import Span
from migc.syntax.ast import AlterAction, ColumnDef, OnName, Renaming, Statement, TableConstraint
from migc.tree import builder, has_token, node, nodes, optional, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreateTable(Statement):
    ARGS = ("name", "columns", "constraints", "partition_by")
    name: QName
    columns: tuple[ColumnDef, ...]
    constraints: tuple[TableConstraint, ...]
    span: Span = _span()
    if_not_exists: bool = False
    unlogged: bool = False
    partition_by: PartitionBy | None = None

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class DropTable(OnName):
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenameTable(Renaming):
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class AlterTable(Statement):
    ARGS = ("name", "actions")
    name: QName
    actions: tuple[AlterAction, ...]
    span: Span = _span()
    if_exists: bool = False
    only: bool = False  # `alter table only t`: the same on a table without partitions

    @property
    def concurrently(self) -> bool:
        """`detach partition ... concurrently` cannot run in a transaction (see E207)."""
        return any(getattr(a, "concurrently", False) is True for a in self.actions)


@builder("create_table")
def _create_table(c: list[Any]) -> CreateTable:
    return CreateTable(node(c, QName), tuple(nodes(c, ColumnDef)), tuple(nodes(c, TableConstraint)), span_of(c),
                       has_token(c, "IF_NOT_EXISTS"), has_token(c, "UNLOGGED"), optional(c, PartitionBy))


@builder("drop_table")
def _drop_table(c: list[Any]) -> DropTable:
    return DropTable(node(c, QName), span_of(c), has_token(c, "IF_EXISTS"))


@builder("alter_table")
def _alter_table(c: list[Any]) -> AlterTable:
    return AlterTable(node(c, QName), tuple(nodes(c, AlterAction)), span_of(c), has_token(c, "IF_EXISTS"),
                      has_token(c, "ONLY"))


@builder("rename_table")
def _rename_table(c: list[Any]) -> RenameTable:
    return RenameTable(node(c, QName), node(c, Ident), span_of(c), has_token(c, "IF_EXISTS"))


def _rewritten(schema: Schema, rewrite: Callable[[Expr], Expr]) -> Schema:
    """A table's expressions after a change PostgreSQL follows by OID (EXPRESSION_HOLDERS): its
    columns' defaults and generation expressions, its checks and exclusion constraints."""
    def maybe(e: Expr | None) -> Expr | None:
        return rewrite(e) if e is not None else None

    def constraint(c: Constraint) -> Constraint:
        x = c.exclusion
        if x is not None:
            x = replace(x, where=maybe(x.where),
                        elements=tuple((replace(el, expr=rewrite(el.expr)), op) for el, op in x.elements))
        return replace(c, check=maybe(c.check), exclusion=x)

    changed = []
    for t in schema.tables.values():
        after = replace(t, columns=tuple(replace(c, default=maybe(c.default), generated=maybe(c.generated))
                                         for c in t.columns),
                        constraints=tuple(constraint(c) for c in t.constraints))
        if after != t:
            changed.append(after)
    return schema.with_tables(changed)


EXPRESSION_HOLDERS.append(_rewritten)


def _follow_type(schema: Schema, kind: str, old: Name, new: Name) -> Schema:
    """Columns of a renamed type, or of a domain over it (TYPE_FOLLOWERS): PostgreSQL keeps the OID."""
    changed = []
    for t in schema.tables.values():
        columns = tuple(replace(c, type=renamed_type(c.type, kind, old, new)) for c in t.columns)
        if columns != t.columns:
            changed.append(replace(t, columns=columns))
    return schema.with_tables(changed)


TYPE_FOLLOWERS.append(_follow_type)


# ------------------------------------------------------------------ ops


def split_constraints(table: Table) -> tuple[list[Constraint], list[Constraint]]:
    """Which constraints go inside CREATE TABLE and which are added after it: NOT VALID ones (only
    ALTER TABLE can add those), and a second key on the same columns (CREATE TABLE would merge it
    into the first; a model with both got them from separate ALTER TABLEs). A partition's own
    constraints all come after it (PARTITION OF lists no columns); its inherited ones PostgreSQL
    makes itself."""
    inline: list[Constraint] = []
    later: list[Constraint] = []
    key_columns: set[tuple[str, ...]] = set()
    for c in table.constraints:
        if c.inherited_from is not None:
            continue
        if table.partition_of is not None:
            later.append(c)
            continue
        if not c.validated or (c.has_index and c.columns in key_columns):
            later.append(c)
            continue
        if c.has_index:
            key_columns.add(c.columns)
        inline.append(c)
    # a foreign key to the table itself needs a key on its columns that is not deferrable (55000):
    # when CREATE TABLE has only a deferrable one, it comes after the keys added later
    immediate = {frozenset(c.columns) for c in inline if c.has_index and not c.deferrable}
    waits = [c for c in inline if c.references is not None and c.references.table == table.name
             and frozenset(c.references.columns) not in immediate]
    if waits:
        inline = [c for c in inline if c not in waits]
        later = [c for c in later if c.has_index] + waits + [c for c in later if not c.has_index]
    return inline, later


@dataclass(frozen=True, slots=True)
class CreateTableOp(Op):
    table: Table
    span: Span = _span()
    name_span: Span = _span()  # where lints point: the table's name, and each column's type
    type_spans: tuple[tuple[str, Span], ...] = field(default=(), compare=False, repr=False)
    TEMPLATE = """
{%- set t = op.table %}
{%- set inline, later = op.split() %}
{%- if t.partition_of %}CREATE {{ "UNLOGGED " if t.unlogged }}TABLE {{ t.name|qname }} PARTITION OF {{ t.partition_of.parent|qname }} {{ d.bound(t.partition_of.bound) }}{{ d.partition_by(t.partition_by) }}
{%- for fresh, name in op.renamed_copies() %}{{ NEXT }}ALTER TABLE {{ t.name|qname }} RENAME CONSTRAINT {{ fresh|ident }} TO {{ name|ident }}{% endfor %}
{%- else %}
{{- d.sequences_before(t.name, t.columns) }}CREATE {{ "UNLOGGED " if t.unlogged }}TABLE {{ t.name|qname }} (
{% for c in t.columns %}  {{ d.column(t.name, c) }}{{ "," if not loop.last or inline }}
{% endfor %}
{%- for k in inline %}  {{ d.constraint(k) }}{{ "," if not loop.last }}
{% endfor %})
{{- d.partition_by(t.partition_by) }}
{{- d.sequences_after(t.name, t.columns) }}{% endif %}
{%- for k in later %}{{ NEXT }}ALTER TABLE {{ t.name|qname }} ADD {{ d.constraint(k) }}{% endfor %}"""

    def split(self) -> tuple[list[Constraint], list[Constraint]]:
        return split_constraints(self.table)

    def renamed_copies(self) -> list[tuple[str, str]]:
        """A partition's copies of its parent's keys that PostgreSQL would name otherwise now (their
        columns were renamed since): (the name PARTITION OF gives, the name it had)."""
        return [(fresh, c.name) for c in self.table.constraints
                if c.inherited_from is not None and c.owns_index
                and (fresh := names.choose_name(self.table.name.name, None if c.kind == "primary key" else
                                                names.join_column_names(c.columns),
                                                {"primary key": "pkey", "unique": "key"}.get(c.kind, "excl"),
                                                set())) != c.name]

    def apply(self, schema: Schema) -> Schema:
        return schema.with_table(self.table)

    def invert(self) -> tuple[Op, ...]:
        return (DropTableOp(self.table, (), self.span),)

    def describe(self) -> str:
        return f"create {'unlogged ' if self.table.unlogged else ''}table {self.table.name.display()}"

    def lock(self) -> Lock | None:
        """A foreign key locks the table it references (SHARE ROW EXCLUSIVE)."""
        refs = [c.references.table for c in self.table.constraints if c.references is not None]
        other = next((t for t in refs if t != self.table.name), None)
        return Lock(other, "SHARE ROW EXCLUSIVE") if other is not None else None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.table.ref,)


@dataclass(frozen=True, slots=True)
class DropTableOp(Op):
    table: Table  # with its attributes and its columns' (comments...), to give them back
    indexes: tuple[Index, ...]  # its own indexes (not those of its constraints)
    span: Span = _span()
    owned: tuple[tuple[str, Any, Any], ...] = ()  # what goes with it (Schema.owned_objects): its sequences
    TEMPLATE = "DROP TABLE {{ op.table.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        gone = [i.name for i in schema.indexes_of(self.table.name)]
        return schema.without_table(self.table.name).without_indexes(gone).without_owned(self.owned)

    def invert(self) -> tuple[Op, ...]:
        before, after = owned_creation(self.owned)
        ops = [*before, *recreation_ops(self.table)]
        for index in self.indexes:
            ops += recreation_ops(index)
        return (*ops, *after)

    def describe(self) -> str:
        return f"drop table {self.table.name.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.table.name, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class RenameTableOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER TABLE {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        old, new = self.old, self.new
        after = schema.with_table(replace(schema.tables[old], name=new), replacing=old)
        after = after.with_tables(_retarget_fks(t, old, new) for t in list(after.tables.values()) if t.references(old))
        for index in [i for i in after.indexes.values() if i.table == old]:
            after = after.with_index(replace(index, table=new))
        # its row type is renamed with it: what holds the type follows (a function's `setof` it)
        after = after.with_type_renamed("composite", old, new)
        return follow_rename(schema, after, ObjectRef.table(old), ObjectRef.table(new))

    def invert(self) -> tuple[Op, ...]:
        return (RenameTableOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename table {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return Lock(self.old, "ACCESS EXCLUSIVE")

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef.table(self.old), ObjectRef.table(self.new)


def _retarget_fks(table: Table, old: Name, new: Name) -> Table:
    return replace(table, constraints=tuple(
        replace(c, references=replace(c.references, table=new)) if c.references and c.references.table == old else c
        for c in table.constraints
    ))


@creator(Table)
def _create(table: Table) -> tuple[Op, ...]:
    return (CreateTableOp(table),)


# ------------------------------------------------------------------ lowering


@lowers(CreateTable)
def _lower_create(lw: Lowering, stmt: CreateTable) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if stmt.if_not_exists and name in lw.schema.tables:
        lw.does_nothing(stmt.span, f"table '{name.display()}' already exists")
        return
    if not stmt.columns:
        lw.bag.error("E209", stmt.span, f"table '{name.display()}' has no columns")
        return
    if not lw.relation_free(name, stmt.name.span, "E102", "table"):
        return
    if name in lw.schema.enums or name.name in lw.schema.type_names(name.schema):
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists (an enum)"
                     if name in lw.schema.enums else f"type '{name.display()}' already exists")
        return
    columns: list[Column] = []
    pending: list[Pending] = []
    ok = True
    for cdef in stmt.columns:
        if any(c.name == cdef.name.value for c in columns):
            lw.bag.error("E104", cdef.name.span, f"column '{cdef.name.value}' is declared twice")
            ok = False
            continue
        built = build_column(lw, name, cdef)
        if built is None:
            ok = False
            continue
        columns.append(built[0])
        pending.extend(built[1])
    pending.extend(table_constraint(tc) for tc in stmt.constraints)
    # primary key columns are not null (PostgreSQL sets attnotnull for them)
    pk_cols = {c for p in pending if p.kind == "primary key" for c in p.columns}
    columns = [replace(c, not_null=True) if c.name in pk_cols else c for c in columns]
    columns = with_sequences(lw, name, columns)
    table = Table(name, tuple(columns), unlogged=stmt.unlogged)
    ok = generated_ok(lw, table) and ok
    constraints = resolve(lw, table, pending)
    if not ok or constraints is None:
        return
    created = replace(table, constraints=tuple(constraints))
    if stmt.partition_by is not None:
        key = partition_key(lw, created, stmt.partition_by)
        if key is None or not check_keys(lw, replace(created, partition_by=key), key, stmt.partition_by.span):
            return
        created = replace(created, partition_by=key)
    type_spans = tuple((c.name.value, c.type.span) for c in stmt.columns)
    lw.emit(CreateTableOp(created, stmt.span, stmt.name.span, type_spans))


@lowers(DropTable)
def _lower_drop(lw: Lowering, stmt: DropTable) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is not None and name not in lw.schema.tables:
            lw.does_nothing(stmt.span, f"there is no table '{name.display()}'")
            return
    table = lw.table(stmt.name)
    if table is None:
        return
    if lw.used_by_view(table.ref, stmt.span, f"cannot drop table '{table.name.display()}'"):
        return
    refs = lw.schema.referencing(table.name)
    if refs:
        other, fk = refs[0]
        lw.bag.error("E206", stmt.span, f"cannot drop table '{table.name.display()}': foreign key '{fk.name}' "
                     f"of table '{other.name.display()}' references it",
                     f"drop that constraint first: alter table {other.name.display()} drop constraint {fk.name}")
        return
    for part in partitions_of(lw.schema, table.name):  # PostgreSQL drops them with it: say so, to give them back
        _drop_partitions_first(lw, part, stmt.span)
    table = lw.schema.tables[table.name]
    lw.emit(DropTableOp(table, _own_indexes(lw, table.name), stmt.span, lw.schema.owned_objects(table.name)))


def _own_indexes(lw: Lowering, table: Name) -> tuple[Index, ...]:
    """A table's indexes (a partition's copies of its parent's come back with it, under the names
    they had: see kinds/partition.py)."""
    return tuple(lw.schema.indexes_of(table))


def _drop_partitions_first(lw: Lowering, part: Table, span: Span) -> None:
    for sub in partitions_of(lw.schema, part.name):
        _drop_partitions_first(lw, sub, span)
    part = lw.schema.tables[part.name]
    lw.emit(DropTableOp(part, _own_indexes(lw, part.name), span, lw.schema.owned_objects(part.name)))


@lowers(RenameTable)
def _lower_rename(lw: Lowering, stmt: RenameTable) -> None:
    if stmt.if_exists and _absent(lw, stmt.name, stmt.span):
        return
    table = lw.table(stmt.name)
    if table is None or not lw.check_ident(stmt.new_name):
        return
    new = table.name.renamed(stmt.new_name.value)
    if not lw.relation_free(new, stmt.new_name.span, "E102", "cannot rename to"):
        return
    if new in lw.schema.enums or new.name in lw.schema.type_names(new.schema):
        lw.bag.error("E110", stmt.new_name.span, f"type '{new.display()}' already exists")
        return
    lw.emit(RenameTableOp(table.name, new, stmt.span))


def _absent(lw: Lowering, qname: QName, span: Span) -> bool:
    """`alter table if exists` of a table the model does not have: the statement does nothing."""
    name = lw.name(qname)
    if name is not None and name not in lw.schema.tables:
        lw.does_nothing(span, f"there is no table '{name.display()}'")
        return True
    return False


@lowers(AlterTable)
def _lower_alter(lw: Lowering, stmt: AlterTable) -> None:
    if stmt.if_exists and _absent(lw, stmt.name, stmt.span):
        return
    table = lw.table(stmt.name)
    if table is None:
        return
    if stmt.only and partitions_of(lw.schema, table.name):
        lw.bag.error("E228", stmt.name.span, f"`alter table only` on partitioned table '{table.name.display()}' "
                     "would leave its partitions without the change: migc does not model that",
                     "leave out `only` (the partitions follow), or change each partition")
        return
    for action in stmt.actions:  # each action sees the table as the ones before it left it
        lower_action(lw, lw.schema.tables[table.name], action)


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables", "table",
    f"""SELECT n.nspname, c.relname, c.relkind = 'p', c.relpersistence = 'u',
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
            (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid),
            pg_get_expr(c.relpartbound, c.oid)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND {USER_NS} AND {not_extension_member('pg_class', 'c.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"partitioned": row[2], "unlogged": row[3], "partition_key": row[4],
                                                 "partition_of": row[5], "bound": row[6]}),
))
