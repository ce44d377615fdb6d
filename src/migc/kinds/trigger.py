"""`create [or replace] trigger T before|after|instead of EVENTS on TABLE [for each row|statement]
[when (COND)] execute function F(ARGS)`, `drop trigger [if exists] T on TABLE`, `alter trigger T on
TABLE rename to U`, and the `alter table` actions `enable|disable trigger T|all|user`.

A trigger belongs to its table (the table's "triggers" attribute, ir/routine.py): it follows the
table's renames and goes with it when the table is dropped, whose down gives it back. Its function
must exist and return `trigger`; its `when` condition is checked against the table's columns through
`old` / `new`, as PostgreSQL does."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc import expr as ex
from migc.expr import Expr, Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import attribute_ops, creator, restorer
from migc.ir.model import Name, ObjectRef, Table
from migc.ir.op import PASS_MISC, Lock, Op, TableAction
from migc.ir.routine import (
    FunctionKey, RenameTableMemberOp, Routine, Trigger, TriggerEvent, members_mapped, members_rewritten,
    table_member_kind, triggers_of, with_table_member,
)
from migc.ir.schema import EXPRESSION_HOLDERS, RENAME_FOLLOWERS, Schema
from migc.ir.types import SqlType
from migc.lower.context import Lowering, did_you_mean
from migc.lower.dispatch import lowers, lowers_action
from migc.lower.exprcheck import call_resolver, check_functions
from migc.lower.members import find_member, lower_drop_member, lower_rename_member, member_comments
from migc.lower.typecheck import BOOLEAN, infer
from migc.source import Span
from migc.syntax.ast import AlterAction, Statement
from migc.tree import Node, builder, has_token, node, nodes, optional, span_of, string_value, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class EventNode(Node):
    ARGS = ("columns",)
    event: str
    columns: tuple[Ident, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateTrigger(Statement):
    ARGS = ("name", "events", "table", "when", "function")
    or_replace: bool
    name: Ident
    timing: str  # "before" | "after" | "instead of"
    events: tuple[EventNode, ...]
    table: QName
    for_each: str  # "row" | "statement"
    when: Expr | None
    function: QName
    args: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropTrigger(Statement):
    ARGS = ("name", "table")
    name: Ident
    table: QName
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RenameTrigger(Statement):
    ARGS = ("name", "table", "new_name")
    name: Ident
    table: QName
    new_name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class EnableTrigger(AlterAction):
    ARGS = ("name",)
    enable: bool
    name: Ident | None  # None: `all` or `user` (see `which`)
    which: str  # "one" | "all" | "user"
    span: Span = _span()


@builder("trigger_event")
def _trigger_event(c: list[Any]) -> EventNode:
    from migc.tree import marker_value

    idents = list(marker_value(c, "idents", ()))
    event = token(c, "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    assert event is not None
    return EventNode(str(event.value).lower(), tuple(idents), span_of(c))


@builder("trigger_when")
def _trigger_when(c: list[Any]) -> Any:
    from migc.tree import Marker

    return Marker("when", node(c, Expr), span_of(c))


@builder("trigger_arg")
def _trigger_arg(c: list[Any]) -> Any:
    from migc.tree import Marker

    first = c[0]
    if isinstance(first, Ident):
        return Marker("arg", first.value, first.span)
    value = string_value(first) if first.type == "STRING" else str(first.value)
    return Marker("arg", value, span_of(c))


@builder("create_trigger")
def _create_trigger(c: list[Any]) -> CreateTrigger:
    from migc.tree import Marker

    timing = "before" if has_token(c, "BEFORE") else "after" if has_token(c, "AFTER") else "instead of"
    qnames = nodes(c, QName)
    when = next((m.value for m in c if isinstance(m, Marker) and m.kind == "when"), None)
    args = tuple(m.value for m in c if isinstance(m, Marker) and m.kind == "arg")
    return CreateTrigger(has_token(c, "OR_REPLACE"), node(c, Ident), timing, tuple(nodes(c, EventNode)), qnames[0],
                         "row" if has_token(c, "FOR_EACH_ROW") else "statement", when, qnames[1], args, span_of(c))


@builder("drop_trigger")
def _drop_trigger(c: list[Any]) -> DropTrigger:
    return DropTrigger(node(c, Ident), node(c, QName), has_token(c, "IF_EXISTS"), span_of(c))


@builder("alter_trigger")
def _alter_trigger(c: list[Any]) -> RenameTrigger:
    idents = nodes(c, Ident)
    return RenameTrigger(idents[0], node(c, QName), idents[-1], span_of(c))


@builder("enable_trigger")
def _enable_trigger(c: list[Any]) -> EnableTrigger:
    name = optional(c, Ident)
    which = "one" if name is not None else ("all" if has_token(c, "ALL") else "user")
    return EnableTrigger(has_token(c, "ENABLE"), name, which, span_of(c))


# ------------------------------------------------------------------ ops

_DEF = """
{%- set t = op.trigger -%}
CREATE {% if op.or_replace %}OR REPLACE {% endif %}TRIGGER {{ t.name|ident }} {{ t.timing|upper }}
{%- for e in t.events %}{% if not loop.first %} OR{% endif %} {{ e.event|upper }}
{%- if e.columns %} OF {{ e.columns|idents }}{% endif %}{% endfor %} ON {{ t.table|qname }} FOR EACH {{ t.for_each|upper }}
{%- if t.when is not none %} WHEN ({{ t.when|expr }}){% endif %} EXECUTE FUNCTION {{ t.function.name|qname }}(
{%- for a in t.args %}{% if not loop.first %}, {% endif %}{{ a|literal }}{% endfor %})
{%- if not t.enabled %}{{ NEXT }}ALTER TABLE {{ t.table|qname }} DISABLE TRIGGER {{ t.name|ident }}{% endif %}"""


def _with_trigger(schema: Schema, table: Name, trigger: Trigger | None, gone: str | None = None) -> Schema:
    return with_table_member(schema, table, "triggers", trigger, gone)


table_member_kind("trigger", "triggers")
EXPRESSION_HOLDERS.append(lambda schema, rewrite: members_rewritten(schema, "triggers", ("when",), rewrite))


def _follow_function(before: Schema, after: Schema, old: ObjectRef, new: ObjectRef) -> Schema:
    """Triggers execute a renamed function under its new name (RENAME_FOLLOWERS; PostgreSQL keeps its OID)."""
    if old.kind != "function":
        return after
    return members_mapped(after, "triggers", lambda x: replace(x, function=FunctionKey(new.name, x.function.args))
                          if x.function.name == old.name else x)


RENAME_FOLLOWERS.append(_follow_function)


@dataclass(frozen=True, slots=True)
class CreateTriggerOp(Op):
    trigger: Trigger
    replacing: Trigger | None = None
    or_replace: bool = False
    span: Span = _span()
    TEMPLATE = _DEF

    def apply(self, schema: Schema) -> Schema:
        trigger = self.trigger
        if self.replacing is not None:
            trigger = replace(trigger, attrs=self.replacing.attrs)
        return _with_trigger(schema, trigger.table, trigger)

    def invert(self) -> tuple[Op, ...]:
        if self.replacing is not None:
            return (CreateTriggerOp(self.replacing, self.trigger, True, self.span),)
        return (DropTriggerOp(self.trigger, self.span),)

    def describe(self) -> str:
        return f"{'replace' if self.replacing else 'create'} trigger {self.trigger.name} on {self.trigger.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.trigger.table, "SHARE ROW EXCLUSIVE")

    def creates(self) -> tuple[ObjectRef, ...]:
        return () if self.replacing is not None else (self.trigger.ref,)


@dataclass(frozen=True, slots=True)
class DropTriggerOp(Op):
    trigger: Trigger  # with its attributes (a comment), to give them back
    span: Span = _span()
    TEMPLATE = "DROP TRIGGER {{ op.trigger.name|ident }} ON {{ op.trigger.table|qname }}"

    def apply(self, schema: Schema) -> Schema:
        return _with_trigger(schema, self.trigger.table, None, self.trigger.name)

    def invert(self) -> tuple[Op, ...]:
        return (CreateTriggerOp(self.trigger.without_attrs(), None, False, self.span),
                *attribute_ops(self.trigger.ref, self.trigger))

    def describe(self) -> str:
        return f"drop trigger {self.trigger.name} on {self.trigger.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.trigger.table, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class RenameTriggerOp(RenameTableMemberOp):
    KIND = "trigger"
    ATTR = "triggers"
    TEMPLATE = "ALTER TRIGGER {{ op.old|ident }} ON {{ op.table|qname }} RENAME TO {{ op.new|ident }}"


@dataclass(frozen=True, slots=True)
class SetTriggerEnabledOp(TableAction):
    table: Name
    name: str | None  # None: `all` / `user` (which)
    which: str  # "one" | "all" | "user"
    enable: bool
    changed: tuple[str, ...]  # the triggers whose state it changes (what its inverse turns back)
    span: Span = _span()
    ACTION = ("{{ 'ENABLE' if op.enable else 'DISABLE' }} TRIGGER "
              "{% if op.which == 'one' %}{{ op.name|ident }}{% else %}{{ op.which|upper }}{% endif %}")
    PASS = PASS_MISC

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        triggers = tuple(replace(x, enabled=self.enable) if self.which != "one" or x.name == self.name else x
                         for x in triggers_of(t))
        return schema.with_attr(t.ref, "triggers", triggers or None)

    def invert(self) -> tuple[Op, ...]:
        return tuple(SetTriggerEnabledOp(self.table, n, "one", not self.enable, (n,), self.span) for n in self.changed)

    def describe(self) -> str:
        what = self.name if self.which == "one" else self.which
        return f"{'enable' if self.enable else 'disable'} trigger {what} on {self.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "SHARE ROW EXCLUSIVE")

    def touches(self) -> frozenset[str]:
        return frozenset({f"trigger:{self.name or self.which}"})


@creator(Trigger)
def _create(trigger: Trigger) -> tuple[Op, ...]:
    return (CreateTriggerOp(trigger),)


@restorer("triggers")
def _restore(target: ObjectRef, value: object) -> tuple[Op, ...]:
    ops: list[Op] = []
    for trigger in value if isinstance(value, tuple) else ():
        trigger = replace(trigger, table=target.name)  # the table's name now
        ops += [CreateTriggerOp(trigger.without_attrs()), *attribute_ops(trigger.ref, trigger)]
    return tuple(ops)


# ------------------------------------------------------------------ lowering


def _find(lw: Lowering, table: Table, name: Ident) -> Trigger | None:
    found: Trigger | None = find_member(lw, table, name, "trigger", "triggers")
    return found


def _function(lw: Lowering, qname: QName) -> FunctionKey | None:
    name = lw.name(qname)
    if name is None:
        return None
    key = FunctionKey(name, "")
    routine = lw.schema.store("function").get(key)
    if not isinstance(routine, Routine):
        same = [k for k in lw.schema.store("function") if isinstance(k, FunctionKey) and k.name == name]
        if lw.schema.opaque and not same:
            lw.bag.warning("W004", qname.span, f"function '{name.display()}()' is not one migc knows: the model "
                           "cannot check it (an earlier raw sql statement may have made it)",
                           "make it with `create function` so the model knows it")
            return key
        hint = ("a trigger function takes no declared arguments: it has " + ", ".join(k.display() for k in same)
                if same else "create it first: create function ... returns trigger language plpgsql as $$ ... $$")
        lw.unknown(name, "E244", qname.span, f"unknown function {name.display()}()", hint)
        return None
    if routine.kind != "function" or routine.result != "trigger":
        lw.bag.error("E241", qname.span, f"{routine.display()} must return trigger to run as a trigger "
                     f"(it {'is a procedure' if routine.kind != 'function' else 'returns ' + routine.result})",
                     "give the trigger a function declared `returns trigger`")
        return None
    return key


def _check_when(lw: Lowering, stmt: CreateTrigger, table: Table, events: set[str]) -> bool:
    assert stmt.when is not None
    ok = True
    columns = {c.name: c for c in table.columns}

    def column(ref: ex.ColumnRef) -> SqlType | None:
        nonlocal ok
        row = ref.table.value if ref.table is not None else None
        if stmt.for_each == "statement":
            lw.bag.error("E241", ref.span, "a statement trigger's when condition cannot name column values",
                         "use `for each row`, or test inside the function")
            ok = False
            return None
        if row not in ("old", "new"):
            lw.bag.error("E241", ref.span, f"a trigger's when condition names columns through old or new, "
                         f"not '{ref.sql()}'", f"write old.{ref.name.value} or new.{ref.name.value}")
            ok = False
            return None
        if row == "old" and "insert" in events:
            lw.bag.error("E241", ref.span, "an insert trigger's when condition cannot name old: there is no old row")
            ok = False
            return None
        if row == "new" and "delete" in events:
            lw.bag.error("E241", ref.span, "a delete trigger's when condition cannot name new: there is no new row")
            ok = False
            return None
        col = columns.get(ref.name.value)
        if col is None:
            lw.bag.error("E103", ref.name.span, f"table '{table.name.display()}' has no column '{ref.name.value}'",
                         did_you_mean(ref.name.value, columns))
            ok = False
            return None
        return col.type

    typed = infer(stmt.when, column, lw.resolve_cast_type, calls=call_resolver(lw))
    check_functions(lw, stmt.when)
    if typed.type is not None and typed.type != BOOLEAN:
        lw.bag.error("E211", stmt.when.span, f"a trigger's when condition must be boolean, not {typed.type.display()}")
        ok = False
    return ok


@lowers(CreateTrigger)
def _lower_create(lw: Lowering, stmt: CreateTrigger) -> None:
    table = lw.table(stmt.table)
    if table is None or not lw.check_ident(stmt.name):
        return
    ok = True
    if stmt.timing == "instead of":
        lw.bag.error("E241", stmt.span, "an instead of trigger is for views, not tables",
                     "use before or after on a table")
        return
    existing = next((t for t in triggers_of(table) if t.name == stmt.name.value), None)
    if existing is not None and not stmt.or_replace:
        lw.bag.error("E242", stmt.name.span, f"trigger '{stmt.name.value}' on table '{table.name.display()}' "
                     "already exists", "use `create or replace trigger` to change it")
        return
    events: list[TriggerEvent] = []
    for e in stmt.events:
        if any(x.event == e.event for x in events):
            continue
        for col in e.columns:
            if lw.column(table, col) is None:
                ok = False
        if e.event == "truncate" and stmt.for_each == "row":
            lw.bag.error("E241", e.span, "truncate triggers are statement triggers: `for each row` is not allowed",
                         "use `for each statement`")
            ok = False
        events.append(TriggerEvent(e.event, tuple(dict.fromkeys(c.value for c in e.columns))))
    if stmt.when is not None and not _check_when(lw, stmt, table, {e.event for e in events}):
        ok = False
    function = _function(lw, stmt.function)
    if not ok or function is None:
        return
    trigger = Trigger(stmt.name.value, table.name, stmt.timing, tuple(events), stmt.for_each, stmt.when, function,
                      stmt.args)
    if existing is not None:
        lw.emit(CreateTriggerOp(replace(trigger, enabled=existing.enabled), existing, True, stmt.span))
        return
    lw.emit(CreateTriggerOp(trigger, None, stmt.or_replace, stmt.span))


@lowers(DropTrigger)
def _lower_drop(lw: Lowering, stmt: DropTrigger) -> None:
    lower_drop_member(lw, stmt.table, stmt.name, stmt.if_exists, stmt.span, "trigger", "triggers", DropTriggerOp)


@lowers(RenameTrigger)
def _lower_rename(lw: Lowering, stmt: RenameTrigger) -> None:
    lower_rename_member(lw, stmt.table, stmt.name, stmt.new_name, stmt.span, "trigger", "triggers", RenameTriggerOp)


@lowers_action(EnableTrigger)
def _lower_enable(lw: Lowering, table: Table, action: EnableTrigger) -> None:
    if action.name is not None:
        trigger = _find(lw, table, action.name)
        if trigger is None:
            return
        one: tuple[str, ...] = (trigger.name,) if trigger.enabled != action.enable else ()
        lw.emit(SetTriggerEnabledOp(table.name, trigger.name, "one", action.enable, one, action.span))
        return
    changed = tuple(t.name for t in triggers_of(table) if t.enabled != action.enable)
    lw.emit(SetTriggerEnabledOp(table.name, None, action.which, action.enable, changed, action.span))


member_comments("trigger", "triggers")


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables/*/triggers", "trigger",
    f"""SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled::text
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), row[2]), {"definition": row[3], "enabled": row[4]}),
))
