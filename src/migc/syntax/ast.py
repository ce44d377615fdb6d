"""The AST: the frozen nodes the parser builds, with spans that never take part in equality.

This module holds what every statement kind shares: the base classes `Statement` (one `.mig`
statement) and `AlterAction` (one action of `alter table`), the parts of column and table
definitions that several statements take (`ColumnDef`, `TableConstraint`, ...), and `Migration`,
the file. Each statement's own node lives with the rest of its kind in `migc/kinds/`, and every
node's builder stands beside it (`@builder("rule")`, see tree.py). Expressions, names and types are
the one expression tree of `migc.expr`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc.expr import Expr, Ident, QName, TypeRef
from migc.source import Span
from migc.tree import (
    Marker,
    Node,
    builder,
    has_token,
    marker,
    marker_value,
    markers,
    node,
    nodes,
    optional,
    span_of,
    string_value,
    token,
    token_span,
)
from migc.tree import span_field as _span


class Statement(Node):
    """Base of the statement nodes (each kind's module defines its own)."""

    __slots__ = ()

    def declares(self) -> QName | None:
        """The name a `create` statement makes (None: it makes none). When the statement fails to
        compile, later statements stay quiet about that name (see Schema.failed)."""
        return None


class AlterAction(Node):
    """Base of the actions of `alter table` (comma-separated, each its own op)."""

    __slots__ = ()


# ------------------------------------------------------------------ shared shapes


@dataclass(frozen=True, slots=True)
class OnName(Statement):
    """A statement about one named object: `drop table users`."""

    ARGS = ("name",)
    name: QName
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Renaming(Statement):
    """`rename <kind> NAME to NEW_NAME`."""

    ARGS = ("name", "new_name")
    name: QName
    new_name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class OnColumn(AlterAction):
    """An `alter table` action about one column: `drop column email`."""

    ARGS = ("column",)
    column: Ident
    span: Span = _span()


# ------------------------------------------------------------------ shared parts


@dataclass(frozen=True, slots=True)
class StringLit(Node):
    value: str
    span: Span = _span()


def string_lits(c: list[Any]) -> list[StringLit]:
    """The 'string' tokens among a rule's children, as nodes."""
    return [StringLit(string_value(t), token_span(t)) for t in c if getattr(t, "type", None) == "STRING"]


@builder("ident_list")
def _ident_list(c: list[Any]) -> Marker:
    return Marker("idents", tuple(nodes(c, Ident)), span_of(c))


@dataclass(frozen=True, slots=True)
class ForeignKeyRef(Node):
    ARGS = ("table", "columns")
    table: QName
    columns: tuple[Ident, ...]  # empty: the referenced table's primary key
    on_delete: str | None  # "cascade" | "restrict" | "set null" | "set default" | "no action"
    on_update: str | None
    not_valid: bool
    span: Span = _span()


@builder("fk_action")
def _fk_action(c: list[Any]) -> str:
    return " ".join(c[0].value.lower().split())


@builder("on_delete")
def _on_delete(c: list[Any]) -> Marker:
    return Marker("on delete", c[-1], span_of(c))


@builder("on_update")
def _on_update(c: list[Any]) -> Marker:
    return Marker("on update", c[-1], span_of(c))


@builder("not_valid")
def _not_valid(c: list[Any]) -> Marker:
    return Marker("not valid", True, span_of(c))


def _fk_ref(table: QName, columns: tuple[Ident, ...], c: list[Any]) -> ForeignKeyRef:
    return ForeignKeyRef(table, columns, marker_value(c, "on delete"), marker_value(c, "on update"),
                         marker(c, "not valid") is not None, span_of(c))


@dataclass(frozen=True, slots=True)
class ConstraintTiming(Node):
    """`deferrable` / `not deferrable` and `initially deferred` / `initially immediate`, as written
    (None: the part is not written). Lowering resolves them as PostgreSQL does: `initially
    deferred` alone implies `deferrable`, and `not deferrable initially deferred` is an error."""

    deferrable: bool | None
    initially_deferred: bool | None
    span: Span = _span()

    def resolved(self) -> tuple[bool, bool]:
        """(deferrable, initially deferred), what PostgreSQL makes of the words."""
        deferred = bool(self.initially_deferred)
        return bool(self.deferrable) or deferred, deferred

    @property
    def conflicting(self) -> bool:
        return self.deferrable is False and self.initially_deferred is True


@builder("constraint_timing")
def _constraint_timing(c: list[Any]) -> ConstraintTiming:
    deferrable = True if has_token(c, "DEFERRABLE") else False if has_token(c, "NOT_DEFERRABLE") else None
    initially = True if has_token(c, "DEFERRED") else False if has_token(c, "IMMEDIATE") else None
    return ConstraintTiming(deferrable, initially, span_of(c))


@dataclass(frozen=True, slots=True)
class ColumnModifier(Node):
    """One modifier of a column definition.

    kind: "pk" | "unique" | "not null" | "null" | "default" | "check" | "references" | "identity"
          | "generated" | "collate"
    """

    ARGS = ("constraint_name", "expr", "references", "collation", "options", "timing")
    kind: str
    constraint_name: Ident | None = None
    expr: Expr | None = None  # default / check / generated
    references: ForeignKeyRef | None = None
    identity_always: bool = False
    span: Span = _span()
    options: tuple[SeqOption, ...] = ()  # an identity's sequence options, as written
    collation: QName | None = None
    timing: ConstraintTiming | None = None  # pk / unique / references (check / not null: an error)


@dataclass(frozen=True, slots=True)
class SeqOption(Node):
    """One sequence option of an identity column: `start with 10`, `no cycle` (value None)."""

    name: str  # "start" | "increment" | "minvalue" | "maxvalue" | "cache" | "cycle"
    value: int | bool | None
    span: Span = _span()


def _seq_option(name: str, value: Any = "int") -> Any:
    def build(c: list[Any]) -> SeqOption:
        v = next((x for x in c if isinstance(x, int) and not isinstance(x, bool)), None) if value == "int" else value
        return SeqOption(name, v, span_of(c))

    return build


for _name in ("start", "increment", "minvalue", "maxvalue", "cache"):
    builder(f"identity_{_name}")(_seq_option(_name))
builder("identity_no_minvalue")(_seq_option("minvalue", None))
builder("identity_no_maxvalue")(_seq_option("maxvalue", None))
builder("identity_cycle")(_seq_option("cycle", True))
builder("identity_no_cycle")(_seq_option("cycle", False))


@builder("identity_int")
def _identity_int(c: list[Any]) -> int:
    return -int(c[-1].value) if has_token(c, "MINUS") else int(c[-1].value)


@builder("identity_options")
def _seq_options(c: list[Any]) -> Marker:
    return Marker("seq options", tuple(nodes(c, SeqOption)), span_of(c))


def _modifier(kind: str) -> Any:
    def build(c: list[Any]) -> ColumnModifier:
        return ColumnModifier(kind, span=span_of(c), timing=optional(c, ConstraintTiming))

    return build


builder("pk_mod")(_modifier("pk"))
builder("unique_mod")(_modifier("unique"))
builder("not_null_mod")(_modifier("not null"))
builder("null_mod")(_modifier("null"))


@builder("default_mod")
def _default_mod(c: list[Any]) -> ColumnModifier:
    return ColumnModifier("default", expr=node(c, Expr), span=span_of(c))


@builder("check_mod")
def _check_mod(c: list[Any]) -> ColumnModifier:
    return ColumnModifier("check", expr=node(c, Expr), span=span_of(c), timing=optional(c, ConstraintTiming))


@builder("identity_mod")
def _identity_mod(c: list[Any]) -> ColumnModifier:
    return ColumnModifier("identity", identity_always=has_token(c, "ALWAYS"), span=span_of(c),
                          options=marker_value(c, "seq options") or ())


@builder("generated_mod")
def _generated_mod(c: list[Any]) -> ColumnModifier:
    return ColumnModifier("generated", expr=node(c, Expr), span=span_of(c))


@builder("collate_mod")
def _collate_mod(c: list[Any]) -> ColumnModifier:
    return ColumnModifier("collate", collation=node(c, QName), span=span_of(c))


@builder("references_mod")
def _references_mod(c: list[Any]) -> ColumnModifier:
    fk = _fk_ref(node(c, QName), tuple(nodes(c, Ident)), c)
    return ColumnModifier("references", references=fk, span=span_of(c), timing=optional(c, ConstraintTiming))


@builder("named_mod")
def _named_mod(c: list[Any]) -> ColumnModifier:
    inner = node(c, ColumnModifier)
    return ColumnModifier(inner.kind, node(c, Ident), inner.expr, inner.references, inner.identity_always, span_of(c),
                          inner.options, inner.collation, inner.timing)


@dataclass(frozen=True, slots=True)
class ColumnDef(Node):
    ARGS = ("name", "type", "modifiers")
    name: Ident
    type: TypeRef
    modifiers: tuple[ColumnModifier, ...]
    span: Span = _span()


@builder("column_def")
def _column_def(c: list[Any]) -> ColumnDef:
    return ColumnDef(c[0], c[1], tuple(nodes(c, ColumnModifier)), span_of(c))


@dataclass(frozen=True, slots=True)
class TableConstraint(Node):
    ARGS = ("name", "columns", "expr", "references", "exclusion", "timing")
    kind: str  # "primary key" | "unique" | "check" | "foreign key" | "exclude"
    name: Ident | None
    columns: tuple[Ident, ...]
    expr: Expr | None = None
    references: ForeignKeyRef | None = None
    not_valid: bool = False  # a check added `not valid` (a foreign key says so in `references`)
    span: Span = _span()
    exclusion: ExcludeSpec | None = None  # kind "exclude"
    timing: ConstraintTiming | None = None  # `deferrable initially deferred`, as written


@dataclass(frozen=True, slots=True)
class ExcludeElem(Node):
    ARGS = ("expr",)
    expr: Expr
    operator: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExcludeSpec(Node):
    ARGS = ("elements", "where")
    method: str | None
    elements: tuple[ExcludeElem, ...]
    where: Expr | None
    span: Span = _span()


@builder("exclude_elem")
def _exclude_elem(c: list[Any]) -> ExcludeElem:
    operator = token(c, "CMP_OP", "OTHER_OP")
    assert operator is not None
    return ExcludeElem(node(c, Expr), operator.value, span_of(c))


@builder("exclude_tc")
def _exclude_tc(c: list[Any]) -> Marker:
    method = token(c, "NAME")
    exprs = [x for x in c if isinstance(x, Expr)]
    spec = ExcludeSpec(method.value.lower() if method is not None else None, tuple(nodes(c, ExcludeElem)),
                       exprs[-1] if exprs else None, span_of(c))
    return Marker("exclude", (spec, optional(c, ConstraintTiming)), span_of(c))


@builder("pk_tc")
def _pk_tc(c: list[Any]) -> Marker:
    return Marker("primary key", (marker_value(c, "idents"), optional(c, ConstraintTiming)), span_of(c))


@builder("unique_tc")
def _unique_tc(c: list[Any]) -> Marker:
    return Marker("unique", (marker_value(c, "idents"), optional(c, ConstraintTiming)), span_of(c))


@builder("check_tc")
def _check_tc(c: list[Any]) -> Marker:
    return Marker("check", (node(c, Expr), marker(c, "not valid") is not None, optional(c, ConstraintTiming)),
                  span_of(c))


@builder("fk_tc")
def _fk_tc(c: list[Any]) -> Marker:
    lists = markers(c, "idents")
    fk = _fk_ref(node(c, QName), lists[1].value if len(lists) > 1 else (), c)
    return Marker("foreign key", (lists[0].value, fk, optional(c, ConstraintTiming)), span_of(c))


@builder("table_constraint")
def _table_constraint(c: list[Any]) -> TableConstraint:
    name = optional(c, Ident)
    body = node(c, Marker)
    span = span_of(c)
    if body.kind == "check":
        expr, not_valid, timing = body.value
        return TableConstraint("check", name, (), expr=expr, not_valid=not_valid, span=span, timing=timing)
    if body.kind == "foreign key":
        columns, fk, timing = body.value
        return TableConstraint("foreign key", name, columns, references=fk, span=span, timing=timing)
    if body.kind == "exclude":
        spec, timing = body.value
        return TableConstraint("exclude", name, (), span=span, exclusion=spec, timing=timing)
    columns, timing = body.value
    return TableConstraint(body.kind, name, columns, span=span, timing=timing)


# ------------------------------------------------------------------ the file


@dataclass(frozen=True, slots=True)
class Migration(Node):
    ARGS = ("statements", "down")
    statements: tuple[Statement, ...]
    down: tuple[Statement, ...] | None  # the explicit `down { }` block, if any
    down_span: Span | None = None


@builder("down_block")
def _down_block(c: list[Any]) -> Marker:
    return Marker("down block", tuple(nodes(c, Statement)), span_of(c))


@builder("start")
def _start(c: list[Any]) -> Migration:
    down = marker(c, "down block")
    return Migration(tuple(nodes(c, Statement)), down.value if down else None, down.span if down else None)


__all__ = [
    "AlterAction", "ColumnDef", "ColumnModifier", "ConstraintTiming", "Expr", "ForeignKeyRef", "Ident", "Migration", "OnColumn",
    "OnName", "QName", "Renaming", "SeqOption", "Statement", "StringLit", "TableConstraint", "TypeRef", "string_lits",
]
