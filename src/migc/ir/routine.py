"""The model's functions and procedures, and what hangs on a table besides columns: its triggers,
row-level security, policies, and the privileges granted on it.

Functions and procedures live in `schema.store("function")`, keyed by `FunctionKey` (name and input
argument types, as PostgreSQL identifies a routine). Their ref is `ObjectRef("function", name,
column=<argument types as text>)`. Triggers, policies, row-level security and grants are
attributes of their table (`Table.attrs`: "triggers", "policies", "row_security", "grants"), as
PostgreSQL keeps them with the table: they follow a rename, go with a drop, and the drop's derived
down gives them back (ir/creation.py restorers). Grants on a function are attributes of the function.

Defined here, not in the kinds, because lowering (lower/functions.py resolves calls to user
functions) reads them; the kinds' modules (kinds/function.py, trigger.py, policy.py, grant.py)
own their statements, ops and catalog sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, NamedTuple

from migc.expr import Expr
from migc.ir.model import Attrs, HasAttrs, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import NESTED_KINDS, Schema
from migc.ir.types import SqlType
from migc.source import Span
from migc.tree import span_field as _span


class FunctionKey(NamedTuple):
    """How PostgreSQL identifies a routine: its name and its input argument types (format_type's
    names, joined by ", ")."""

    name: Name
    args: str

    def display(self) -> str:
        return f"{self.name.display()}({self.args})"


@dataclass(frozen=True, slots=True)
class Param:
    mode: str  # "in" | "out" | "inout" | "variadic"
    name: str | None
    type: SqlType
    pg_type: str  # PostgreSQL's name of the type (format_type, no modifiers): what calls match against
    default: Expr | None = None

    @property
    def is_input(self) -> bool:
        return self.mode != "out"


@dataclass(frozen=True, slots=True)
class Routine(HasAttrs):
    """A function or a procedure, as `create function` / `create procedure` made it."""

    name: Name
    kind: str  # "function" | "procedure"
    params: tuple[Param, ...]
    returns: SqlType | None  # None: a procedure, `void`, `trigger`, or `table (...)` (see `pseudo`)
    pseudo: str  # "" or "void" | "trigger" | "record" (`returns table (...)`)
    returns_set: bool
    table_columns: tuple[tuple[str, SqlType], ...]  # `returns table (name type, ...)`
    language: str
    volatility: str  # "i" | "s" | "v"
    strict: bool
    security_definer: bool
    body: str
    result: str  # what a call returns, in PostgreSQL's words ("text", "void", "trigger", "record")
    tag: str = ""  # the dollar-quote tag it was written with (not part of the definition)
    leakproof: bool = False
    parallel: str = ""  # "" (unsafe, the default) | "safe" | "restricted"
    cost: str = ""  # `cost N` as written ("": PostgreSQL's default)
    rows: str = ""  # `rows N` (a set-returning function's estimate)
    # `set NAME to VALUE, ...` options: (setting, ((kind, text), ...)), kind "ident" | "string" | "number"
    config: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    attrs: Attrs = ()

    @property
    def key(self) -> FunctionKey:
        return FunctionKey(self.name, ", ".join(p.pg_type for p in self.params if p.is_input))

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("function", self.name, self.key.args)

    def display(self) -> str:
        return f"{self.kind} {self.key.display()}"


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    event: str  # "insert" | "update" | "delete" | "truncate"
    columns: tuple[str, ...] = ()  # `update of ...`


@dataclass(frozen=True, slots=True)
class Trigger(HasAttrs):
    name: str
    table: Name
    timing: str  # "before" | "after" | "instead of"
    events: tuple[TriggerEvent, ...]
    for_each: str  # "row" | "statement"
    when: Expr | None
    function: FunctionKey
    args: tuple[str, ...] = ()
    enabled: bool = True
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("trigger", self.table, self.name)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of its table it names (`update of`, and `old.x` / `new.x` in `when`)."""
        named = [c for e in self.events for c in e.columns]
        if self.when is not None:
            named += [ref.name.value for ref in self.when.column_refs()]
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True, slots=True)
class Policy(HasAttrs):
    name: str
    table: Name
    permissive: bool
    command: str  # "all" | "select" | "insert" | "update" | "delete"
    roles: tuple[str, ...]  # role names; "public" when none given
    using: Expr | None
    check: Expr | None
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("policy", self.table, self.name)


@dataclass(frozen=True, slots=True)
class Grant:
    """One privilege held by one role (`public`: everyone) on an object."""

    privilege: str  # "select", "usage", "execute", ...
    grantee: str
    grant_option: bool = False


# ---------------------------------------------------------------- named objects kept on a table

def table_members(table: Table | None, attr: str) -> tuple[Any, ...]:
    """A table's triggers or policies (`attr` "triggers" / "policies"), each named by the table's
    current name: they follow its renames."""
    if table is None:
        return ()
    found = table.attr(attr)
    if not isinstance(found, tuple):
        return ()
    return tuple(m if m.table == table.name else replace(m, table=table.name) for m in found)


def with_table_member(schema: Schema, table: Name, attr: str, member: Any | None, gone: str | None = None) -> Schema:
    """The schema with `member` put on its table (replacing one of its name) and `gone` taken off."""
    t = schema.tables[table]
    kept = [m for m in table_members(t, attr) if m.name != gone and (member is None or m.name != member.name)]
    if member is not None:
        kept.append(member)
    return schema.with_attr(t.ref, attr, tuple(sorted(kept, key=lambda m: m.name)) or None)


def members_mapped(schema: Schema, attr: str, change: Callable[[Any], Any]) -> Schema:
    """Every table's triggers or policies (`attr`), each through `change`."""
    after = schema
    for t in schema.tables.values():
        found = t.attr(attr)
        if not isinstance(found, tuple):
            continue
        new = tuple(change(m) for m in found)
        if new != found:
            after = after.with_attr(t.ref, attr, new)
    return after


def members_rewritten(schema: Schema, attr: str, fields: tuple[str, ...], rewrite: Callable[[Expr], Expr]) -> Schema:
    """Every table's triggers or policies with their expressions (`fields`) rewritten: what a kind
    registers in EXPRESSION_HOLDERS."""
    return members_mapped(schema, attr, lambda m: replace(
        m, **{f: rewrite(getattr(m, f)) for f in fields if getattr(m, f) is not None}))


def table_member_kind(kind: str, attr: str) -> None:
    """Register `kind` ("trigger") as objects kept in their table's `attr`, found by
    ObjectRef(kind, table, name): comments, grants and renames reach them through Schema.get."""

    def get(schema: Schema, ref: ObjectRef) -> Any | None:
        return next((m for m in table_members(schema.tables.get(ref.name), attr) if m.name == ref.column), None)

    NESTED_KINDS[kind] = (get, lambda schema, ref, member: with_table_member(schema, ref.name, attr, member))


@dataclass(frozen=True, slots=True)
class RenameTableMemberOp(Op):
    """`alter trigger|policy OLD on TABLE rename to NEW`; a kind subclasses it with its KIND, ATTR and
    TEMPLATE."""

    table: Name
    old: str
    new: str
    span: Span = _span()
    KIND: ClassVar[str] = ""  # "trigger"
    ATTR: ClassVar[str] = ""  # "triggers"

    def apply(self, schema: Schema) -> Schema:
        member = next(m for m in table_members(schema.tables[self.table], self.ATTR) if m.name == self.old)
        return with_table_member(schema, self.table, self.ATTR, replace(member, name=self.new), self.old)

    def invert(self) -> tuple[Op, ...]:
        return (type(self)(self.table, self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename {self.KIND} {self.old} on {self.table.display()} to {self.new}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef(self.KIND, self.table, self.old), ObjectRef(self.KIND, self.table, self.new)


def triggers_of(table: Table) -> tuple[Trigger, ...]:
    """The table's triggers (named by the table's current name: they follow its renames)."""
    return table_members(table, "triggers")


def policies_of(table: Table) -> tuple[Policy, ...]:
    return table_members(table, "policies")


def _row_column_renamed(e: Expr, old: str, new: str) -> Expr:
    """`old.x` / `new.x` (a trigger's `when`) and `x` follow a renamed column."""
    from migc.expr import ColumnRef, Ident
    from migc.tree import Node

    def rename(node: Node) -> Node | None:
        if isinstance(node, ColumnRef) and node.name.value == old and (
                node.table is None or node.table.value in ("old", "new")):
            return replace(node, name=Ident(new, node.name.span))
        return None

    return e.transform(rename)


def with_column_renamed(table: Table, old: str, new: str) -> Table:
    """The table's triggers and policies after one of its columns was renamed (PostgreSQL keeps
    them by column number, so they follow)."""
    triggers = tuple(replace(
        t, events=tuple(replace(e, columns=tuple(new if c == old else c for c in e.columns)) for e in t.events),
        when=_row_column_renamed(t.when, old, new) if t.when is not None else None) for t in triggers_of(table))
    policies = tuple(replace(
        p, using=p.using.with_column_renamed(old, new) if p.using is not None else None,
        check=p.check.with_column_renamed(old, new) if p.check is not None else None) for p in policies_of(table))
    if triggers:
        table = table.with_attr("triggers", triggers)
    if policies:
        table = table.with_attr("policies", policies)
    return table


def grants_of(obj: HasAttrs) -> tuple[Grant, ...]:
    found = obj.attr("grants")
    return found if isinstance(found, tuple) else ()


def column_users(table: Table, column: str) -> list[str]:
    """The table's triggers and policies that name a column (`update of`, `when`, `using`, `with
    check`): PostgreSQL refuses to drop it or change its type while they do."""
    found = [f"trigger {t.name}" for t in triggers_of(table) if column in t.columns]
    for p in policies_of(table):
        named = [ref.name.value for e in (p.using, p.check) if e is not None for ref in e.column_refs()]
        if column in named:
            found.append(f"policy {p.name}")
    return found
