"""Lowering shared by the objects a table keeps by name, triggers and policies (their store is
`ir.routine.table_members`): finding one, `drop KIND [if exists] NAME on TABLE` and
`alter KIND NAME on TABLE rename to NEW`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from migc.expr import Ident, QName
from migc.ir.model import Name, Table
from migc.ir.op import Op
from migc.ir.routine import table_members
from migc.lower.context import Lowering, did_you_mean
from migc.source import Span


def find_member(lw: Lowering, table: Table, name: Ident, kind: str, attr: str) -> Any | None:
    """The table's trigger (policy) of that name, or E244."""
    members = table_members(table, attr)
    found = next((m for m in members if m.name == name.value), None)
    if found is None:
        lw.bag.error("E244", name.span, f"table '{table.name.display()}' has no {kind} '{name.value}'",
                     did_you_mean(name.value, [m.name for m in members]))
    return found


def lower_drop_member(lw: Lowering, table_name: QName, name: Ident, if_exists: bool, span: Span, kind: str,
                      attr: str, drop: Callable[[Any, Span], Op]) -> None:
    table = lw.table(table_name)
    if table is None:
        return
    if if_exists and not any(m.name == name.value for m in table_members(table, attr)):
        lw.does_nothing(span, f"table '{table.name.display()}' has no {kind} '{name.value}'")
        return
    member = find_member(lw, table, name, kind, attr)
    if member is not None:
        lw.emit(drop(member, span))


def lower_rename_member(lw: Lowering, table_name: QName, name: Ident, new_name: Ident, span: Span, kind: str,
                        attr: str, rename: Callable[[Name, str, str, Span], Op]) -> None:
    table = lw.table(table_name)
    if table is None:
        return
    member = find_member(lw, table, name, kind, attr)
    if member is None or not lw.check_ident(new_name):
        return
    if any(m.name == new_name.value for m in table_members(table, attr)):
        lw.bag.error("E242", new_name.span, f"{kind} '{new_name.value}' on table '{table.name.display()}' already exists")
        return
    lw.emit(rename(table.name, member.name, new_name.value, span))


def member_comments(kind: str, attr: str) -> None:
    """`comment on KIND NAME on TABLE is ...`: how it finds the object, and its SQL."""
    from migc import quoting
    from migc.ir.model import ObjectRef
    from migc.lower.comment_targets import CommentSubject, Found, comment_sql, comment_target

    @comment_target(kind)
    def find(lw: Lowering, subject: CommentSubject) -> Found | None:
        if subject.table is None:
            lw.bag.error("E001", subject.name.span, f"a {kind} is named with its table",
                         f"write: comment on {kind} {subject.name.name.value} on TABLE is ...")
            return None
        table = lw.table(subject.table)
        if table is None:
            return None
        member = find_member(lw, table, subject.name.name, kind, attr)
        return (member, member.ref) if member is not None else None

    @comment_sql(kind)
    def sql(ref: ObjectRef) -> str:
        return f"{kind.upper()} {quoting.ident(ref.column or '')} ON {quoting.qualified(ref.name.schema, ref.name.name)}"
