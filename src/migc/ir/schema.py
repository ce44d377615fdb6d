"""`Schema`: the modelled catalog. `apply(op)` is the pure state transition (Django's
state_forwards): it trusts the op, which lowering has already checked against this schema."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field, replace

from migc.ir import exprs
from migc.ir import ops as o
from migc.ir.model import Column, Constraint, EnumType, ForeignKey, Index, Name, Table
from migc.ir.types import SqlType
from migc.syntax.ast import Cast, Expr, Literal


@dataclass(frozen=True)
class Schema:
    schemas: frozenset[str] = frozenset({"public"})
    tables: dict[Name, Table] = field(default_factory=dict)
    indexes: dict[Name, Index] = field(default_factory=dict)
    enums: dict[Name, EnumType] = field(default_factory=dict)
    # per-schema name sets, built on first use and then carried from schema to schema by each op's
    # delta (rebuilding them per statement made a 1000-migration compile quadratic)
    _names: _NameIndex | None = field(default=None, compare=False, repr=False)

    # ------------------------------------------------------------ queries

    def _index(self) -> _NameIndex:
        if self._names is None:
            object.__setattr__(self, "_names", _NameIndex.build(self))
        assert self._names is not None
        return self._names

    def relation_names(self, schema: str) -> Set[str]:
        """Names taken in a schema's relation namespace: tables, indexes, constraint indexes, sequences.
        A live view: read it before the next `apply`."""
        return self._index().relations.get(schema, _EMPTY)

    def constraint_names(self, schema: str) -> Set[str]:
        return self._index().constraints.get(schema, _EMPTY)

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
            if c.type.is_enum and (c.type.enum_schema, c.type.name) == (enum.schema, enum.name)
        ]

    # ------------------------------------------------------------ transitions

    def apply(self, op: o.Op) -> Schema:
        handler = _HANDLERS[type(op)]
        after: Schema = handler(self, op)  # type: ignore[operator]
        if self._names is not None:
            # the index moves to the new schema and is updated in place (O(change), not O(schema));
            # this schema rebuilds its own if it is ever asked again
            names, self_names = self._names, None
            object.__setattr__(self, "_names", self_names)
            names.update(op)
            object.__setattr__(after, "_names", names)
        return after

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_names"] = None  # derived: rebuilt on first use
        return state


def _relation_contrib(table: Table) -> set[str]:
    return {table.name.name} | {c.name for c in table.constraints if c.has_index} | {
        c.sequence for c in table.columns if c.sequence
    }


@dataclass
class _NameIndex:
    relations: dict[str, set[str]]
    constraints: dict[str, set[str]]

    @staticmethod
    def build(s: Schema) -> _NameIndex:
        rel: dict[str, set[str]] = {}
        con: dict[str, set[str]] = {}
        for t in s.tables.values():
            rel.setdefault(t.name.schema, set()).update(_relation_contrib(t))
            con.setdefault(t.name.schema, set()).update(c.name for c in t.constraints)
        for i in s.indexes:
            rel.setdefault(i.schema, set()).add(i.name)
        return _NameIndex(rel, con)

    def update(self, op: o.Op) -> None:
        delta = _delta(op)
        if delta is None:
            return
        schema, rel_add, rel_del, con_add, con_del = delta
        rel = self.relations.setdefault(schema, set())
        rel -= rel_del
        rel |= rel_add
        con = self.constraints.setdefault(schema, set())
        con -= con_del
        con |= con_add


_Delta = tuple[str, frozenset[str], frozenset[str], frozenset[str], frozenset[str]]
_NONE: frozenset[str] = frozenset()
_EMPTY: frozenset[str] = frozenset()


def _delta(op: o.Op) -> _Delta | None:
    match op:
        case o.CreateTableOp(table=t):
            return t.name.schema, frozenset(_relation_contrib(t)), _NONE, frozenset(c.name for c in t.constraints), _NONE
        case o.DropTableOp(table=t, indexes=indexes, incoming=incoming):
            rel = _relation_contrib(t) | {i.name.name for i in indexes}
            con = {c.name for c in t.constraints} | {c.name for _, c in incoming}
            return t.name.schema, _NONE, frozenset(rel), _NONE, frozenset(con)
        case o.RenameTableOp(old=old, new=new):
            return old.schema, frozenset({new.name}), frozenset({old.name}), _NONE, _NONE
        case o.AddColumnOp(table=t, column=col, constraints=cons):
            rel = {c.name for c in cons if c.has_index} | ({col.sequence} if col.sequence else set())
            return t.schema, frozenset(rel), _NONE, frozenset(c.name for c in cons), _NONE
        case o.DropColumnOp(table=t, column=col, constraints=cons, indexes=indexes):
            rel = {c.name for c in cons if c.has_index} | {i.name.name for i in indexes}
            rel |= {col.sequence} if col.sequence else set()
            return t.schema, _NONE, frozenset(rel), _NONE, frozenset(c.name for c in cons)
        case o.AddConstraintOp(table=t, constraint=c):
            return t.schema, frozenset({c.name}) if c.has_index else _NONE, _NONE, frozenset({c.name}), _NONE
        case o.DropConstraintOp(table=t, constraint=c):
            return t.schema, _NONE, frozenset({c.name}) if c.has_index else _NONE, _NONE, frozenset({c.name})
        case o.CreateIndexOp(index=i):
            return i.name.schema, frozenset({i.name.name}), _NONE, _NONE, _NONE
        case o.DropIndexOp(index=i):
            return i.name.schema, _NONE, frozenset({i.name.name}), _NONE, _NONE
    return None


def _with_tables(s: Schema, tables: dict[Name, Table], **kw: object) -> Schema:
    return replace(s, tables=tables, **kw)  # type: ignore[arg-type]


def _create_schema(s: Schema, op: o.CreateSchemaOp) -> Schema:
    return replace(s, schemas=s.schemas | {op.name})


def _drop_schema(s: Schema, op: o.DropSchemaOp) -> Schema:
    return replace(s, schemas=s.schemas - {op.name})


def _create_table(s: Schema, op: o.CreateTableOp) -> Schema:
    tables = dict(s.tables)
    tables[op.table.name] = op.table
    return _with_tables(s, tables)


def _drop_table(s: Schema, op: o.DropTableOp) -> Schema:
    name = op.table.name
    tables = {k: v for k, v in s.tables.items() if k != name}
    for other, fk in op.incoming:
        if other in tables:
            t = tables[other]
            tables[other] = replace(t, constraints=tuple(c for c in t.constraints if c.name != fk.name))
    indexes = {k: v for k, v in s.indexes.items() if v.table != name}
    return _with_tables(s, tables, indexes=indexes)


def _rename_table(s: Schema, op: o.RenameTableOp) -> Schema:
    tables = dict(s.tables)
    del tables[op.old]
    tables[op.new] = replace(s.tables[op.old], name=op.new)
    for key, table in tables.items():
        if _references(table, op.old):
            tables[key] = _retarget_fks(table, op.old, op.new)
    indexes = dict(s.indexes)
    for key, i in s.indexes.items():
        if i.table == op.old:
            indexes[key] = replace(i, table=op.new)
    return _with_tables(s, tables, indexes=indexes)


def _references(table: Table, target: Name) -> bool:
    for c in table.constraints:
        if c.references is not None and c.references.table == target:
            return True
    return False


def _retarget_fks(table: Table, old: Name, new: Name) -> Table:
    if not any(c.references and c.references.table == old for c in table.constraints):
        return table
    return replace(table, constraints=tuple(
        replace(c, references=replace(c.references, table=new)) if c.references and c.references.table == old else c
        for c in table.constraints
    ))


def _add_column(s: Schema, op: o.AddColumnOp) -> Schema:
    tables = dict(s.tables)
    t = tables[op.table]
    tables[op.table] = replace(t, columns=t.columns + (op.column,), constraints=t.constraints + op.constraints)
    return _with_tables(s, tables)


def _drop_column(s: Schema, op: o.DropColumnOp) -> Schema:
    tables = dict(s.tables)
    t = tables[op.table]
    gone = {c.name for c in op.constraints}
    tables[op.table] = replace(
        t,
        columns=tuple(c for c in t.columns if c.name != op.column.name),
        constraints=tuple(c for c in t.constraints if c.name not in gone),
    )
    dropped = {i.name for i in op.indexes}
    indexes = {k: v for k, v in s.indexes.items() if k not in dropped}
    return _with_tables(s, tables, indexes=indexes)


def _rename_in_constraint(c: Constraint, old: str, new: str) -> Constraint:
    return replace(
        c,
        columns=tuple(new if x == old else x for x in c.columns),
        check=exprs.rename_column(c.check, old, new) if c.check is not None else None,
    )


def _rename_column(s: Schema, op: o.RenameColumnOp) -> Schema:
    old, new = op.old, op.new
    tables = dict(s.tables)
    t = tables[op.table]
    tables[op.table] = replace(
        t,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
        constraints=tuple(_rename_in_constraint(c, old, new) for c in t.constraints),
    )
    # foreign keys (of any table, itself included) into the renamed column follow it
    for key, t in tables.items():
        if _references(t, op.table):
            tables[key] = replace(t, constraints=tuple(
                replace(c, references=replace(
                    c.references, columns=tuple(new if x == old else x for x in c.references.columns)))
                if c.references and c.references.table == op.table else c
                for c in t.constraints
            ))
    indexes = dict(s.indexes)
    for key, i in s.indexes.items():
        if i.table == op.table and old in i.columns:
            indexes[key] = replace(
                i,
                elements=tuple(replace(e, expr=exprs.rename_column(e.expr, old, new)) for e in i.elements),
                where=exprs.rename_column(i.where, old, new) if i.where is not None else None,
                columns=tuple(new if x == old else x for x in i.columns),
            )
    return _with_tables(s, tables, indexes=indexes)


def _update_column(s: Schema, table: Name, name: str, **changes: object) -> Schema:
    tables = dict(s.tables)
    t = tables[table]
    col = t.column(name)
    assert col is not None
    tables[table] = t.with_column(replace(col, **changes))  # type: ignore[arg-type]
    return _with_tables(s, tables)


def _alter_type(s: Schema, op: o.AlterColumnTypeOp) -> Schema:
    col = s.tables[op.table].column(op.column)
    assert col is not None
    default = _retyped_default(col.default, op.old_type, op.new_type)
    return _update_column(s, op.table, op.column, type=op.new_type, default=default)


def _retyped_default(default: Expr | None, old: SqlType, new: SqlType) -> Expr | None:
    """PostgreSQL stores a string default as a constant of the column's type at the time; a type
    change keeps that constant (`''::character varying` on a column now text). The model says so
    with an explicit cast, which the way back removes again."""
    if default is None or (old.name, old.enum_schema) == (new.name, new.enum_schema):
        return default
    if isinstance(default, Literal) and default.kind == "string":
        return Cast(default, o.type_ref(SqlType(old.name, (), old.array_dims, old.enum_schema)))
    if isinstance(default, Cast) and isinstance(default.operand, Literal) and default.operand.kind == "string":
        if o.type_ref(SqlType(new.name, (), new.array_dims, new.enum_schema)) == default.type:
            return default.operand
    return default


def _set_not_null(s: Schema, op: o.SetNotNullOp) -> Schema:
    return _update_column(s, op.table, op.column, not_null=True)


def _drop_not_null(s: Schema, op: o.DropNotNullOp) -> Schema:
    return _update_column(s, op.table, op.column, not_null=False)


def _set_default(s: Schema, op: o.SetDefaultOp) -> Schema:
    return _update_column(s, op.table, op.column, default=op.default)


def _drop_default(s: Schema, op: o.DropDefaultOp) -> Schema:
    return _update_column(s, op.table, op.column, default=None)


def _add_constraint(s: Schema, op: o.AddConstraintOp) -> Schema:
    tables = dict(s.tables)
    t = tables[op.table]
    # lowering emits SetNotNullOp before a primary key on nullable columns, so the inverse is exact
    tables[op.table] = replace(t, constraints=t.constraints + (op.constraint,))
    return _with_tables(s, tables)


def _drop_constraint(s: Schema, op: o.DropConstraintOp) -> Schema:
    tables = dict(s.tables)
    t = tables[op.table]
    tables[op.table] = replace(t, constraints=tuple(c for c in t.constraints if c.name != op.constraint.name))
    return _with_tables(s, tables)


def _validate_constraint(s: Schema, op: o.ValidateConstraintOp) -> Schema:
    tables = dict(s.tables)
    t = tables[op.table]
    tables[op.table] = replace(
        t, constraints=tuple(replace(c, validated=True) if c.name == op.name else c for c in t.constraints)
    )
    return _with_tables(s, tables)


def _create_index(s: Schema, op: o.CreateIndexOp) -> Schema:
    indexes = dict(s.indexes)
    indexes[op.index.name] = op.index
    return replace(s, indexes=indexes)


def _drop_index(s: Schema, op: o.DropIndexOp) -> Schema:
    return replace(s, indexes={k: v for k, v in s.indexes.items() if k != op.index.name})


def _create_enum(s: Schema, op: o.CreateEnumOp) -> Schema:
    enums = dict(s.enums)
    enums[op.enum.name] = op.enum
    return replace(s, enums=enums)


def _drop_enum(s: Schema, op: o.DropEnumOp) -> Schema:
    return replace(s, enums={k: v for k, v in s.enums.items() if k != op.enum.name})


def _add_enum_value(s: Schema, op: o.AddEnumValueOp) -> Schema:
    enums = dict(s.enums)
    e = enums[op.enum]
    values = list(e.values)
    if op.anchor is None:
        values.append(op.value)
    else:
        at = values.index(op.anchor)
        values.insert(at if op.position == "before" else at + 1, op.value)
    enums[op.enum] = replace(e, values=tuple(values))
    return replace(s, enums=enums)


def _rename_enum(s: Schema, op: o.RenameEnumOp) -> Schema:
    enums = {(op.new if k == op.old else k): (replace(v, name=op.new) if k == op.old else v) for k, v in s.enums.items()}
    old, new = (op.old.schema, op.old.name), (op.new.schema, op.new.name)
    tables: dict[Name, Table] = {}
    for key, t in s.tables.items():
        cols = tuple(
            replace(c, type=c.type.with_name(op.new.schema, op.new.name),
                    default=exprs.rename_type(c.default, old, new) if c.default is not None else None)
            if c.type.is_enum and (c.type.enum_schema, c.type.name) == old else c
            for c in t.columns
        )
        tables[key] = replace(t, columns=cols) if cols != t.columns else t
    return _with_tables(s, tables, enums=enums)


def _raw_sql(s: Schema, op: o.RawSqlOp) -> Schema:
    return s  # opaque to the model


_HANDLERS = {
    o.CreateSchemaOp: _create_schema, o.DropSchemaOp: _drop_schema,
    o.CreateTableOp: _create_table, o.DropTableOp: _drop_table, o.RenameTableOp: _rename_table,
    o.AddColumnOp: _add_column, o.DropColumnOp: _drop_column, o.RenameColumnOp: _rename_column,
    o.AlterColumnTypeOp: _alter_type, o.SetNotNullOp: _set_not_null, o.DropNotNullOp: _drop_not_null,
    o.SetDefaultOp: _set_default, o.DropDefaultOp: _drop_default,
    o.AddConstraintOp: _add_constraint, o.DropConstraintOp: _drop_constraint,
    o.ValidateConstraintOp: _validate_constraint,
    o.CreateIndexOp: _create_index, o.DropIndexOp: _drop_index,
    o.CreateEnumOp: _create_enum, o.DropEnumOp: _drop_enum, o.AddEnumValueOp: _add_enum_value,
    o.RenameEnumOp: _rename_enum, o.RawSqlOp: _raw_sql,
}

__all__ = ["Schema", "Column", "Constraint", "EnumType", "ForeignKey", "Index", "Name", "Table"]
