"""The column actions of `alter table`: add / drop / rename column, change its type, set or drop its
not null and its default."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Expr, Ident
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import NOT_NULL_FOR_KEY, attribute_ops, creation_ops, owned_creation, recreation_ops
from migc.ir.model import Column, Constraint, Index, Name, ObjectRef, OnTable, Table
from migc.ir.op import (
    DownRisk,
    PASS_ADD_COL,
    PASS_COL_ATTRS,
    PASS_ADD_OTHERCONSTR,
    PASS_DROP,
    Lock,
    Op,
    TableAction,
    columns_touched,
    constraint_touched,
)
from migc.ir.schema import Schema, follow_rename
from migc.ir.routine import column_users, with_column_renamed
from migc.lower import names
from migc.lower.context import Lowering
from migc.lower.definitions import build_column, generated_ok, resolve, with_sequences
from migc.lower.dispatch import lowers_action
from migc.lower.exprcheck import check_default
from migc.lower.generated import generated_user, partition_column_change
from migc.source import Span
from migc.syntax.ast import AlterAction, ColumnDef, OnColumn
from migc.tree import build_from, builder, has_token, node, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class AddColumn(AlterAction):
    ARGS = ("column",)
    column: ColumnDef
    span: Span = _span()
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropColumn(OnColumn):
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class RenameColumn(AlterAction):
    ARGS = ("column", "new_name")
    column: Ident
    new_name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SetNotNull(OnColumn):
    pass


@dataclass(frozen=True, slots=True)
class DropNotNull(OnColumn):
    pass


@dataclass(frozen=True, slots=True)
class SetDefault(AlterAction):
    ARGS = ("column", "expr")
    column: Ident
    expr: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropDefault(OnColumn):
    pass


@builder("add_column")
def _add_column(c: list[Any]) -> AddColumn:
    return AddColumn(node(c, ColumnDef), span_of(c), has_token(c, "IF_NOT_EXISTS"))


@builder("drop_column")
def _drop_column(c: list[Any]) -> DropColumn:
    return DropColumn(node(c, Ident), span_of(c), has_token(c, "IF_EXISTS"))
builder("rename_column")(build_from(RenameColumn, Ident, Ident))
builder("set_not_null")(build_from(SetNotNull, Ident))
builder("drop_not_null")(build_from(DropNotNull, Ident))
builder("set_default")(build_from(SetDefault, Ident, Expr))
builder("drop_default")(build_from(DropDefault, Ident))


# ------------------------------------------------------------------ ops


def _column_lock(table: Name) -> Lock:
    return Lock(table, "ACCESS EXCLUSIVE")


def _on(table: Name, column: str) -> str:
    return f"{table.display()}.{column}"


@dataclass(frozen=True, slots=True)
class AddColumnOp(TableAction):
    table: Name
    column: Column
    constraints: tuple[Constraint, ...]  # declared on the column itself
    span: Span = _span()
    column_span: Span = _span()  # the column's definition, and its type: where lints point
    type_span: Span = _span()
    PASS = PASS_ADD_COL
    BEFORE = "{{ d.sequences_before(op.table, [op.column]) }}"
    ACTION = "ADD COLUMN {{ d.column(op.table, op.column) }}{% for k in op.constraints %}, ADD {{ d.constraint(k) }}{% endfor %}"
    AFTER = "{{ d.sequences_after(op.table, [op.column]) }}"

    def around(self) -> bool:
        return self.column.serial is not None  # its sequence is made before and owned after

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        return schema.with_table(replace(t, columns=t.columns + (self.column,), constraints=t.constraints + self.constraints))

    def invert(self) -> tuple[Op, ...]:
        # the constraints it added go with the column: an action on one of them later in the
        # statement must not be overtaken by the DROP COLUMN (PostgreSQL runs drops first)
        return (DropColumnOp(self.table, self.column, self.constraints, (), self.span),)

    def touches(self) -> frozenset[str]:
        return columns_touched(self.column.name).union(*(constraint_touched(c) for c in self.constraints))

    def describe(self) -> str:
        return f"add column {self.column.name} to {self.table.display()}"

    def lock(self) -> Lock | None:
        return _column_lock(self.table)

    def creates(self) -> tuple[ObjectRef, ...]:
        return (ObjectRef.of_column(self.table, self.column.name),)


@dataclass(frozen=True, slots=True)
class DropColumnOp(TableAction):
    table: Name
    column: Column  # with its attributes (a comment), to give them back
    constraints: tuple[Constraint, ...]  # every constraint of the table that mentions the column
    indexes: tuple[Index, ...]  # every index that mentions the column
    span: Span = _span()
    owned: tuple[tuple[str, Any, Any], ...] = ()  # what goes with it (Schema.owned_objects): its sequences
    PASS = PASS_DROP
    ACTION = "DROP COLUMN {{ op.column.name|ident }}"

    def merge_conflict(self, other: TableAction) -> bool:
        """PostgreSQL 18 refuses `DROP COLUMN a, ADD COLUMN a ..., ADD PRIMARY KEY (a)` in one ALTER
        TABLE (42P16, "primary key column a is not marked NOT NULL": it looks at the dropped
        column): a primary key on a column of this name goes in a statement of its own."""
        key = getattr(other, "constraint", None)
        return getattr(key, "kind", None) == "primary key" and self.column.name in getattr(key, "columns", ())

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        gone = {c.name for c in self.constraints}
        after = schema.with_table(replace(
            t,
            columns=tuple(c for c in t.columns if c.name != self.column.name),
            constraints=tuple(c for c in t.constraints if c.name not in gone),
        ))
        return after.without_indexes(i.name for i in self.indexes).without_owned(self.owned)

    @property
    def comes_back_nullable(self) -> bool:
        """A not null column without a default cannot be added back to a table with rows: its down
        adds it nullable (its values are gone anyway)."""
        c = self.column
        return c.not_null and c.default is None and c.identity is None and c.serial is None

    def down_risks(self) -> tuple[DownRisk, ...]:
        if not self.comes_back_nullable:
            return ()
        where = _on(self.table, self.column.name)
        key = next((k for k in self.constraints if k.kind == "primary key"), None)
        if key is not None:  # the key makes it not null again, and cannot hold over empty values
            return (DownRisk("data", self.table, self.column.name,
                             f"its down cannot restore primary key '{key.name}' once {where} comes back empty "
                             "in a table with rows"),)
        return (DownRisk("nullable", self.table, self.column.name,
                         f"its down re-adds {where} nullable: the values it held are gone"),)

    def invert(self) -> tuple[Op, ...]:
        column = self.column.without_attrs()
        if self.comes_back_nullable:
            column = replace(column, not_null=False)
        before, after = owned_creation(self.owned)
        ops: list[Op] = [*before, AddColumnOp(self.table, column, (), self.span)]
        for c in self.constraints:
            ops += creation_ops(OnTable(self.table, c))
        for index in self.indexes:
            ops += recreation_ops(index)
        ops += attribute_ops(ObjectRef.of_column(self.table, self.column.name), self.column)
        return (*ops, *after)

    def describe(self) -> str:
        return f"drop column {self.column.name} from {self.table.display()}"

    def touches(self) -> frozenset[str]:
        return columns_touched(self.column.name).union(*(constraint_touched(c) for c in self.constraints))

    def lock(self) -> Lock | None:
        return _column_lock(self.table)


@dataclass(frozen=True, slots=True)
class RenameColumnOp(Op):
    table: Name
    old: str
    new: str
    span: Span = _span()
    TEMPLATE = "ALTER TABLE {{ op.table|qname }} RENAME COLUMN {{ op.old|ident }} TO {{ op.new|ident }}"

    def apply(self, schema: Schema) -> Schema:
        old, new = self.old, self.new
        t = schema.tables[self.table]
        after = schema.with_table(with_column_renamed(replace(
            t,
            columns=tuple(_rename_in_column(c, old, new) for c in t.columns),
            constraints=tuple(_rename_in_constraint(c, old, new) for c in t.constraints),
        ), old, new))  # its triggers and policies follow
        # foreign keys (of any table, itself included) into the renamed column follow it
        after = after.with_tables([_follow_fks(t, self.table, old, new)
                                   for t in after.tables.values() if t.references(self.table, old)])
        for index in [i for i in after.indexes.values() if i.table == self.table and old in i.columns]:
            after = after.with_index(replace(
                index,
                column_labels=index.column_labels or tuple(names.index_column_names(e.expr for e in index.elements)),
                elements=tuple(replace(e, expr=e.expr.with_column_renamed(old, new)) for e in index.elements),
                where=index.where.with_column_renamed(old, new) if index.where is not None else None,
                columns=tuple(new if x == old else x for x in index.columns),
                include=tuple(new if x == old else x for x in index.include),
            ))
        return follow_rename(schema, after, ObjectRef.of_column(self.table, old), ObjectRef.of_column(self.table, new))

    def invert(self) -> tuple[Op, ...]:
        return (RenameColumnOp(self.table, self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename column {self.old} of {self.table.display()} to {self.new}"

    def lock(self) -> Lock | None:
        return _column_lock(self.table)

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef.of_column(self.table, self.old), ObjectRef.of_column(self.table, self.new)


def _rename_in_column(c: Column, old: str, new: str) -> Column:
    """The column renamed, and a generation expression following the rename."""
    if c.name == old:
        c = replace(c, name=new)
    if c.generated is not None and old in c.generated.column_names():
        c = replace(c, generated=c.generated.with_column_renamed(old, new))
    return c


def _rename_in_constraint(c: Constraint, old: str, new: str) -> Constraint:
    excl = c.exclusion
    if excl is not None:
        excl = replace(excl, elements=tuple((replace(e, expr=e.expr.with_column_renamed(old, new)), op)
                                            for e, op in excl.elements),
                       where=excl.where.with_column_renamed(old, new) if excl.where is not None else None)
    return replace(
        c,
        columns=tuple(new if x == old else x for x in c.columns),
        check=c.check.with_column_renamed(old, new) if c.check is not None else None,
        exclusion=excl,
    )


def _follow_fks(table: Table, target: Name, old: str, new: str) -> Table:
    return replace(table, constraints=tuple(
        replace(c, references=replace(c.references, columns=tuple(new if x == old else x for x in c.references.columns)))
        if c.references and c.references.table == target else c
        for c in table.constraints
    ))


@dataclass(frozen=True, slots=True)
class ColumnChange(TableAction):
    """An action that changes one attribute of one column (not null, default)."""

    table: Name
    column: str

    def changed_to(self, schema: Schema, **changes: Any) -> Schema:
        t = schema.tables[self.table]
        col = t.column(self.column)
        assert col is not None
        return schema.with_table(t.with_column(replace(col, **changes)))

    def touches(self) -> frozenset[str]:
        return columns_touched(self.column)

    def lock(self) -> Lock | None:
        return _column_lock(self.table)

    def _words(self, what: str) -> str:
        return f"{what} {_on(self.table, self.column)}"


@dataclass(frozen=True, slots=True)
class SetNotNullOp(ColumnChange):
    changed: bool = True  # False: the column was already not null, so the way back does nothing
    span: Span = _span()
    for_key: bool = False  # made by `add primary key` (which sets its columns not null), not by the user
    PASS = PASS_COL_ATTRS
    ACTION = "ALTER COLUMN {{ op.column|ident }} SET NOT NULL"

    def apply(self, schema: Schema) -> Schema:
        return self.changed_to(schema, not_null=True)

    def invert(self) -> tuple[Op, ...]:
        return (DropNotNullOp(self.table, self.column, self.changed, self.span),) if self.changed else ()

    def describe(self) -> str:
        return self._words("set not null on")


NOT_NULL_FOR_KEY.append(lambda table, column, span: SetNotNullOp(table, column, True, span, for_key=True))


@dataclass(frozen=True, slots=True)
class DropNotNullOp(ColumnChange):
    changed: bool = True  # False: the column was already nullable
    span: Span = _span()
    PASS = PASS_DROP
    ACTION = "ALTER COLUMN {{ op.column|ident }} DROP NOT NULL"

    def apply(self, schema: Schema) -> Schema:
        return self.changed_to(schema, not_null=False)

    def invert(self) -> tuple[Op, ...]:
        return (SetNotNullOp(self.table, self.column, self.changed, self.span),) if self.changed else ()

    def describe(self) -> str:
        return self._words("drop not null on")


@dataclass(frozen=True, slots=True)
class SetDefaultOp(ColumnChange):
    default: Expr
    previous: Expr | None
    span: Span = _span()
    PASS = PASS_ADD_OTHERCONSTR
    ACTION = "ALTER COLUMN {{ op.column|ident }} SET DEFAULT {{ op.default|expr }}"

    def apply(self, schema: Schema) -> Schema:
        return self.changed_to(schema, default=self.default)

    def invert(self) -> tuple[Op, ...]:
        if self.previous is None:
            return (DropDefaultOp(self.table, self.column, self.default, self.span),)
        return (SetDefaultOp(self.table, self.column, self.previous, self.default, self.span),)

    def describe(self) -> str:
        return self._words("set default of")


@dataclass(frozen=True, slots=True)
class DropDefaultOp(ColumnChange):
    previous: Expr | None  # None: there was no default, so the way back does nothing
    span: Span = _span()
    PASS = PASS_DROP
    ACTION = "ALTER COLUMN {{ op.column|ident }} DROP DEFAULT"

    def apply(self, schema: Schema) -> Schema:
        return self.changed_to(schema, default=None)

    def invert(self) -> tuple[Op, ...]:
        return (SetDefaultOp(self.table, self.column, self.previous, None, self.span),) if self.previous is not None else ()

    def describe(self) -> str:
        return self._words("drop default of")


# ------------------------------------------------------------------ lowering


@lowers_action(AddColumn)
def _lower_add(lw: Lowering, table: Table, action: AddColumn) -> None:
    cdef = action.column
    if partition_column_change(lw, table, action.span, "add a column"):
        return
    if action.if_not_exists and table.column(cdef.name.value) is not None:
        lw.does_nothing(action.span, f"column '{cdef.name.value}' of table '{table.name.display()}' already exists", "the action")
        return
    if table.column(cdef.name.value) is not None:
        lw.bag.error("E104", cdef.name.span, f"table '{table.name.display()}' already has a column '{cdef.name.value}'")
        return
    if lw.reads_rows(table.ref, action.span, f"cannot add column '{cdef.name.value}'"):
        return
    built = build_column(lw, table.name, cdef)
    if built is None:
        return
    column, pending = built
    column = with_sequences(lw, table.name, [column])[0]
    with_column = Table(table.name, table.columns + (column,), table.constraints)
    if column.generated is not None and not generated_ok(lw, with_column):
        return
    constraints = resolve(lw, with_column, pending)
    if constraints is None:
        return
    lw.emit(AddColumnOp(table.name, column, tuple(constraints), action.span, cdef.span, cdef.type.span))


@lowers_action(DropColumn)
def _lower_drop(lw: Lowering, table: Table, action: DropColumn) -> None:
    if action.if_exists and table.column(action.column.value) is None:
        lw.does_nothing(action.span, f"table '{table.name.display()}' has no column '{action.column.value}'", "the action")
        return
    column = lw.column(table, action.column)
    if column is None or partition_column_change(lw, table, action.span, "drop a column"):
        return
    name = column.name
    if lw.used_by_view(ObjectRef.of_column(table.name, name), action.span, f"cannot drop column '{name}'") \
            or lw.reads_rows(table.ref, action.span, f"cannot drop column '{name}'"):
        return
    for other in lw.schema.tables.values():
        for fk in other.constraints:
            ref = fk.references
            if ref is not None and ref.table == table.name and name in ref.columns and not (
                other.name == table.name and name in fk.columns
            ):
                lw.bag.error("E205", action.span, f"cannot drop column '{name}': foreign key '{fk.name}' of table "
                             f"'{other.name.display()}' references it",
                             f"drop that constraint first: alter table {other.name.display()} drop constraint {fk.name}")
                return
    users = column_users(table, name)
    if users:
        lw.bag.error("E249", action.span, f"cannot drop column '{name}': {users[0]} on table "
                     f"'{table.name.display()}' uses it", "drop or change that first")
        return
    user = generated_user(table, name)
    if user is not None:
        lw.bag.error("E223", action.span, f"cannot drop column '{name}': generated column '{user.name}' of table "
                     f"'{table.name.display()}' is computed from it",
                     f"drop column {user.name} first (or in the same statement, before it)")
        return
    constraints = tuple(c for c in table.constraints if name in c.columns)
    indexes = tuple(i for i in lw.schema.indexes_of(table.name) if name in i.columns)
    lw.emit(DropColumnOp(table.name, column, constraints, indexes, action.span,
                         lw.schema.owned_objects(table.name, name)))


@lowers_action(RenameColumn)
def _lower_rename(lw: Lowering, table: Table, action: RenameColumn) -> None:
    column = lw.column(table, action.column)
    if column is None or not lw.check_ident(action.new_name):
        return
    if partition_column_change(lw, table, action.span, "rename a column"):
        return
    if table.column(action.new_name.value) is not None:
        lw.bag.error("E104", action.new_name.span, f"table '{table.name.display()}' already has a column "
                     f"'{action.new_name.value}'")
        return
    lw.emit(RenameColumnOp(table.name, column.name, action.new_name.value, action.span))


@lowers_action(SetNotNull)
def _lower_set_not_null(lw: Lowering, table: Table, action: SetNotNull) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    lw.emit(SetNotNullOp(table.name, column.name, not column.not_null, action.span))


@lowers_action(DropNotNull)
def _lower_drop_not_null(lw: Lowering, table: Table, action: DropNotNull) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    pk = table.primary_key
    if pk is not None and column.name in pk.columns:
        lw.bag.error("E217", action.span, f"column '{column.name}' is in primary key '{pk.name}': it stays not null")
        return
    if column.identity is not None:
        lw.bag.error("E217", action.span, f"identity column '{column.name}' stays not null")
        return
    lw.emit(DropNotNullOp(table.name, column.name, column.not_null, action.span))


@lowers_action(SetDefault)
def _lower_set_default(lw: Lowering, table: Table, action: SetDefault) -> None:
    column = lw.column(table, action.column)
    if column is None:
        return
    if column.identity is not None:
        lw.bag.error("E216", action.span, f"identity column '{column.name}' cannot have a default")
        return
    if column.generated is not None:
        lw.bag.error("E216", action.span, f"generated column '{column.name}' cannot have a default")
        return
    mark = lw.bag.mark()
    check_default(lw, action.expr, column)
    if not lw.bag.errors_since(mark):
        lw.emit(SetDefaultOp(table.name, column.name, action.expr, column.default, action.span))


@lowers_action(DropDefault)
def _lower_drop_default(lw: Lowering, table: Table, action: DropDefault) -> None:
    column = lw.column(table, action.column)
    if column is not None and column.generated is not None:
        lw.bag.error("E216", action.span, f"generated column '{column.name}' has no default: its value is its "
                     "expression")
        return
    if column is not None:
        lw.emit(DropDefaultOp(table.name, column.name, column.default, action.span))


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables/*/columns", "column",
    f"""SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
            pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text,
            CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), row[2]), {
        "type": row[3], "not_null": row[4], "default": row[5],
        "identity": row[6] or None, "generated": row[7] or None, "collation": row[8],
    }),
))
