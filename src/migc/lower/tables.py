"""Lowering the table-level statements: create, drop and rename table, and create schema."""

from __future__ import annotations

from dataclasses import replace

from migc.codegen.quoting import qname
from migc.ir import ops as o
from migc.ir.model import Column, Name, Table
from migc.lower.constraints import Pending, build_column, resolve, sequence_name, table_constraint
from migc.lower import lints
from migc.lower.context import Lowering
from migc.syntax import ast


def create_schema(lw: Lowering, stmt: ast.CreateSchema) -> None:
    if not lw.check_ident(stmt.name):
        return
    if stmt.name.value in lw.schema.schemas:
        lw.bag.error("E112", stmt.name.span, f"schema '{stmt.name.value}' already exists")
        return
    lw.created_schemas.add(stmt.name.value)
    lw.emit(o.CreateSchemaOp(stmt.name.value, stmt.span))


def drop_schema(lw: Lowering, stmt: ast.DropSchema) -> None:
    name = stmt.name.value
    if name not in lw.schema.schemas:
        lw.bag.error("E111", stmt.name.span, f"unknown schema '{name}'")
        return
    in_use = [n.display() for n in [*lw.schema.tables, *lw.schema.enums] if n.schema == name]
    if in_use or name == "public":
        what = f"it still holds {', '.join(sorted(in_use)[:5])}" if in_use else "public is the default schema"
        lw.bag.error("E215", stmt.span, f"cannot drop schema '{name}': {what}")
        return
    if name not in lw.created_schemas:
        lw.warn("W108", stmt.span, f"dropping schema '{name}' breaks code that still uses it",
                "deploy code that no longer uses the schema first")
    lw.emit(o.DropSchemaOp(name, stmt.span))


def create_table(lw: Lowering, stmt: ast.CreateTable) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if not stmt.columns:
        lw.bag.error("E209", stmt.span, f"table '{name.display()}' has no columns")
        return
    if not lw.relation_free(name, stmt.name.span, "E102", "table"):
        return
    if name in lw.schema.enums:
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists (an enum)")
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
    columns = _with_sequences(lw, name, columns)
    table = Table(name, tuple(columns))
    constraints = resolve(lw, table, pending)
    if not ok or constraints is None:
        return
    lw.created_tables.add(name)
    created = replace(table, constraints=tuple(constraints))
    type_spans = {c.name.value: c.type.span for c in stmt.columns}
    for key in constraints:
        if key.kind == "primary key":
            lints.primary_key_type(lw, created, key, stmt.name.span, type_spans)
    lw.emit(o.CreateTableOp(created, stmt.span))


def _with_sequences(lw: Lowering, table: Name, columns: list[Column]) -> list[Column]:
    """serial and identity columns own a sequence named table_column_seq (numbered on collision)."""
    taken: set[str] = set()
    result = []
    for c in columns:
        if c.serial or c.identity:
            seq = sequence_name(lw, table, c.name, taken)
            taken.add(seq)
            c = replace(c, sequence=seq, default=nextval(Name(table.schema, seq)) if c.serial else c.default)
        result.append(c)
    return result


def nextval(sequence: Name) -> ast.Expr:
    """nextval('"schema"."seq"'::regclass), the default PostgreSQL gives a serial column."""
    qualified = qname(sequence)  # the regclass text names the sequence as SQL would
    regclass = ast.TypeRef(ast.QName(None, ast.Ident("regclass")), (), 0)
    return ast.FuncCall(ast.QName(None, ast.Ident("nextval")), (ast.Cast(ast.Literal("string", qualified), regclass),))


def add_column_sequence(lw: Lowering, table: Name, column: Column) -> Column:
    return _with_sequences(lw, table, [column])[0]


def drop_table(lw: Lowering, stmt: ast.DropTable) -> None:
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
    if lw.existed_before(table.name):
        lw.warn("W108", stmt.span, f"dropping table '{table.name.display()}' breaks code that still uses it",
                "deploy code that no longer uses the table first, then drop it in a later migration")
        lw.warn("W002", stmt.span, f"dropping table '{table.name.display()}' deletes its rows; "
                "the down migration re-creates the table empty")
    lw.emit(o.DropTableOp(table, tuple(lw.schema.indexes_of(table.name)), (), stmt.span))


def rename_table(lw: Lowering, stmt: ast.RenameTable) -> None:
    table = lw.table(stmt.name)
    if table is None or not lw.check_ident(stmt.new_name):
        return
    new = table.name.renamed(stmt.new_name.value)
    if not lw.relation_free(new, stmt.new_name.span, "E102", "cannot rename to"):
        return
    if new in lw.schema.enums:
        lw.bag.error("E110", stmt.new_name.span, f"type '{new.display()}' already exists (an enum)")
        return
    if lw.existed_before(table.name):
        lw.warn("W107", stmt.span, f"renaming table '{table.name.display()}' breaks code that uses the old name",
                "expand-contract: create the new table (or a view), dual-write, switch reads, then drop the old")
    else:
        lw.created_tables.add(new)
    lw.emit(o.RenameTableOp(table.name, new, stmt.span))
