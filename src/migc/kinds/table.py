"""`create table`, `drop table`, `rename table`, and `alter table` (whose actions are the column and
constraint kinds' own nodes, each lowered by its kind)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migc.expr import Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import creator, owned_creation, recreation_ops
from migc.ir.model import Column, Constraint, Index, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import Schema
from migc.lower.context import Lowering
from migc.lower.definitions import Pending, build_column, resolve, table_constraint, with_sequences
from migc.lower.dispatch import lower_action, lowers
from migc.source import Span
from migc.syntax.ast import AlterAction, ColumnDef, OnName, Renaming, Statement, TableConstraint
from migc.tree import build_from, builder, has_token, node, nodes, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreateTable(Statement):
    ARGS = ("name", "columns", "constraints")
    name: QName
    columns: tuple[ColumnDef, ...]
    constraints: tuple[TableConstraint, ...]
    span: Span = _span()
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropTable(OnName):
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenameTable(Renaming):
    pass


@dataclass(frozen=True, slots=True)
class AlterTable(Statement):
    ARGS = ("name", "actions")
    name: QName
    actions: tuple[AlterAction, ...]
    span: Span = _span()


@builder("create_table")
def _create_table(c: list[Any]) -> CreateTable:
    return CreateTable(node(c, QName), tuple(nodes(c, ColumnDef)), tuple(nodes(c, TableConstraint)), span_of(c),
                       has_token(c, "IF_NOT_EXISTS"))


@builder("drop_table")
def _drop_table(c: list[Any]) -> DropTable:
    return DropTable(node(c, QName), span_of(c), has_token(c, "IF_EXISTS"))


@builder("alter_table")
def _alter_table(c: list[Any]) -> AlterTable:
    return AlterTable(node(c, QName), tuple(nodes(c, AlterAction)), span_of(c))


builder("rename_table")(build_from(RenameTable, QName, Ident))


# ------------------------------------------------------------------ ops


def split_constraints(table: Table) -> tuple[list[Constraint], list[Constraint]]:
    """Which constraints go inside CREATE TABLE and which are added after it: NOT VALID ones (only
    ALTER TABLE can add those), and a second key on the same columns (CREATE TABLE would merge it
    into the first; a model with both got them from separate ALTER TABLEs)."""
    inline: list[Constraint] = []
    later: list[Constraint] = []
    key_columns: set[tuple[str, ...]] = set()
    for c in table.constraints:
        if not c.validated or (c.has_index and c.columns in key_columns):
            later.append(c)
            continue
        if c.has_index:
            key_columns.add(c.columns)
        inline.append(c)
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
{{- d.sequences_before(t.name, t.columns) }}CREATE TABLE {{ t.name|qname }} (
{% for c in t.columns %}  {{ d.column(t.name, c) }}{{ "," if not loop.last or inline }}
{% endfor %}
{%- for k in inline %}  {{ d.constraint(k) }}{{ "," if not loop.last }}
{% endfor %})
{{- d.sequences_after(t.name, t.columns) }}
{%- for k in later %}{{ NEXT }}ALTER TABLE {{ t.name|qname }} ADD {{ d.constraint(k) }}{% endfor %}"""

    def split(self) -> tuple[list[Constraint], list[Constraint]]:
        return split_constraints(self.table)

    def apply(self, schema: Schema) -> Schema:
        return schema.with_table(self.table)

    def invert(self) -> tuple[Op, ...]:
        return (DropTableOp(self.table, (), self.span),)

    def describe(self) -> str:
        return f"create table {self.table.name.display()}"

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
        return after

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
    table = Table(name, tuple(columns))
    constraints = resolve(lw, table, pending)
    if not ok or constraints is None:
        return
    created = replace(table, constraints=tuple(constraints))
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
    refs = lw.schema.referencing(table.name)
    if refs:
        other, fk = refs[0]
        lw.bag.error("E206", stmt.span, f"cannot drop table '{table.name.display()}': foreign key '{fk.name}' "
                     f"of table '{other.name.display()}' references it",
                     f"drop that constraint first: alter table {other.name.display()} drop constraint {fk.name}")
        return
    lw.emit(DropTableOp(table, tuple(lw.schema.indexes_of(table.name)), stmt.span, lw.schema.owned_objects(table.name)))


@lowers(RenameTable)
def _lower_rename(lw: Lowering, stmt: RenameTable) -> None:
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


@lowers(AlterTable)
def _lower_alter(lw: Lowering, stmt: AlterTable) -> None:
    table = lw.table(stmt.name)
    if table is None:
        return
    for action in stmt.actions:  # each action sees the table as the ones before it left it
        lower_action(lw, lw.schema.tables[table.name], action)


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables", "table",
    f"""SELECT n.nspname, c.relname, c.relkind = 'p' FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND {USER_NS} AND {not_extension_member('pg_class', 'c.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"partitioned": row[2]}),
))
