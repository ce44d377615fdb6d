"""Lowering indexes, enums and raw sql."""

from __future__ import annotations

from migc.ir import exprs
from migc.ir import ops as o
from migc.ir.model import EnumType, Index, IndexElement, Name
from migc.lower import lints, names
from migc.lower.context import Lowering
from migc.lower.expressions import check_boolean, check_columns, columns_by_name
from migc.syntax import ast


def create_index(lw: Lowering, stmt: ast.CreateIndex) -> None:
    table = lw.table(stmt.table)
    if table is None:
        return
    columns = columns_by_name(table.columns)
    before = len(lw.bag.items)
    for elem in stmt.elements:
        check_columns(lw, elem.expr, columns, table.name.display(), "index expression")
    if stmt.where is not None:
        check_boolean(lw, stmt.where, columns, table.name.display(), "index predicate")
    if len(lw.bag.items) > before:
        return
    if stmt.name is not None:
        if not lw.check_ident(stmt.name):
            return
        name = Name(table.name.schema, stmt.name.value)
        if not lw.relation_free(name, stmt.name.span, "E106", "index"):
            return
    else:
        addition = names.join_column_names(names.index_column_names(e.expr for e in stmt.elements))
        chosen = names.choose_name(table.name.name, addition, "idx", lw.schema.relation_names(table.name.schema))
        name = Name(table.name.schema, chosen)
    mentioned: dict[str, None] = {}
    for e in [*(el.expr for el in stmt.elements), *([stmt.where] if stmt.where is not None else [])]:
        for col in exprs.column_names(e):
            mentioned.setdefault(col, None)
    index = Index(
        name, table.name, stmt.unique,
        tuple(IndexElement(e.expr, e.order, e.nulls) for e in stmt.elements), stmt.where, tuple(mentioned),
    )
    if not stmt.concurrently and lw.existed_before(table.name):
        lw.warn("W101", stmt.span, f"creating index '{name.name}' without concurrently blocks writes to "
                f"'{table.name.display()}' while it builds",
                "create index concurrently, alone in its own migration")
    lw.emit(o.CreateIndexOp(index, stmt.concurrently, stmt.span))


def drop_index(lw: Lowering, stmt: ast.DropIndex) -> None:
    index = lw.index(stmt.name)
    if index is None:
        return
    if not stmt.concurrently and lw.existed_before(index.table):
        lw.warn("W101", stmt.span, f"dropping index '{index.name.name}' without concurrently blocks "
                f"'{index.table.display()}' until it is done",
                "drop index concurrently, alone in its own migration")
    lw.emit(o.DropIndexOp(index, stmt.concurrently, stmt.span))


def _type_taken(lw: Lowering, name: Name) -> bool:
    return name in lw.schema.enums or name in lw.schema.tables  # a table is also a row type


def create_enum(lw: Lowering, stmt: ast.CreateEnum) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if _type_taken(lw, name):
        lw.bag.error("E110", stmt.name.span, f"type '{name.display()}' already exists")
        return
    seen: set[str] = set()
    for value in stmt.values:
        if value.value in seen:
            lw.bag.error("E214", value.span, f"enum label '{value.value}' is listed twice")
            return
        if len(value.value.encode("utf-8")) > 63:
            lw.bag.error("E214", value.span, "enum labels are at most 63 bytes")
            return
        seen.add(value.value)
    lw.created_enums.add(name)
    lw.emit(o.CreateEnumOp(EnumType(name, tuple(v.value for v in stmt.values)), stmt.span))


def alter_enum(lw: Lowering, stmt: ast.AlterEnumAddValue) -> None:
    enum = lw.enum(stmt.name)
    if enum is None:
        return
    if stmt.value.value in enum.values:
        lw.bag.error("E214", stmt.value.span, f"enum {enum.name.display()} already has the label '{stmt.value.value}'")
        return
    if stmt.anchor is not None and stmt.anchor.value not in enum.values:
        lw.bag.error("E214", stmt.anchor.span, f"enum {enum.name.display()} has no label '{stmt.anchor.value}'")
        return
    op = o.AddEnumValueOp(enum.name, stmt.value.value, stmt.position, stmt.anchor.value if stmt.anchor else None,
                          stmt.span)
    lints.enum_position(lw, op)
    lw.emit(op)


def rename_enum(lw: Lowering, stmt: ast.RenameEnum) -> None:
    enum = lw.enum(stmt.name)
    if enum is None or not lw.check_ident(stmt.new_name):
        return
    new = enum.name.renamed(stmt.new_name.value)
    if _type_taken(lw, new):
        lw.bag.error("E110", stmt.new_name.span, f"type '{new.display()}' already exists")
        return
    if enum.name in lw.created_enums:
        lw.created_enums.add(new)
    else:
        lw.warn("W107", stmt.span, f"renaming enum '{enum.name.display()}' breaks code that casts to the old name",
                "create the new type, move columns to it, then drop the old one")
    lw.emit(o.RenameEnumOp(enum.name, new, stmt.span))


def drop_enum(lw: Lowering, stmt: ast.DropEnum) -> None:
    enum = lw.enum(stmt.name)
    if enum is None:
        return
    users = lw.schema.enum_users(enum.name)
    if users:
        table, column = users[0]
        lw.bag.error("E215", stmt.span, f"cannot drop enum '{enum.name.display()}': column "
                     f"'{table.name.display()}.{column.name}' uses it")
        return
    if enum.name not in lw.created_enums:
        lw.warn("W108", stmt.span, f"dropping enum '{enum.name.display()}' breaks code that still casts to it",
                "deploy code that no longer uses the type first")
    lw.emit(o.DropEnumOp(enum, stmt.span))


def raw_sql(lw: Lowering, stmt: ast.RawSql) -> None:
    lw.emit(o.RawSqlOp(stmt.up, stmt.down, stmt.span))
