"""`create domain NAME [as] TYPE [default EXPR] [not null] [[constraint C] check (EXPR)]...`,
`alter domain NAME add [constraint C] check (EXPR) [not valid] | drop constraint [if exists] C |
validate constraint C | set default EXPR | drop default | set not null | drop not null | rename to NEW`,
`drop domain [if exists] NAME`.

A domain is a column type (SqlType kind "domain", its `base` what operators and functions see);
its checks name the value as `value`. Unnamed checks are named as PostgreSQL names them
(`DOMAIN_check`, numbered when the name is taken by a constraint of the schema)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc import expr as ex
from migc import quoting
from migc.expr import Expr, Ident, QName, TypeRef
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import attribute_ops, creator
from migc.ir.model import Attrs, Column, HasAttrs, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import EXPRESSION_HOLDERS, TABLE_DEPENDENCIES, TYPE_FOLLOWERS, ObjectKind, Schema, object_kind
from migc.ir.types import SqlType, renamed_type
from migc.lower import names
from migc.lower.comment_targets import TYPE_KINDS, CommentSubject, Found, comment_sql, comment_target
from migc.lower.context import TYPE_RESOLVERS, Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.exprcheck import check_boolean, check_default, sequence_literals
from migc.source import Span
from migc.syntax.ast import ColumnModifier, Statement
from migc.tree import Node, builder, has_token, marker, node, nodes, optional, span_of
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class DomainCheck(Node):
    ARGS = ("name", "expr")
    name: Ident | None
    expr: Expr
    not_valid: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateDomain(Statement):
    ARGS = ("name", "type", "default", "checks", "modifiers")
    name: QName
    type: TypeRef
    default: Expr | None
    not_null: bool | None  # None: neither `null` nor `not null` written
    checks: tuple[DomainCheck, ...]
    span: Span = _span()
    modifiers: tuple[ColumnModifier, ...] = ()  # as written, to find conflicting ones

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class AlterDomain(Statement):
    """One action: "add" (check), "drop constraint" / "validate" (constraint), "set default" (expr),
    "drop default", "set not null", "drop not null", "rename" (new_name)."""

    ARGS = ("name", "check", "constraint", "expr", "new_name")
    name: QName
    action: str
    check: DomainCheck | None = None
    constraint: Ident | None = None
    expr: Expr | None = None
    new_name: Ident | None = None
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropDomain(Statement):
    ARGS = ("name",)
    name: QName
    if_exists: bool = False
    span: Span = _span()


@builder("domain_check")
def _domain_check(c: list[Any]) -> DomainCheck:
    return DomainCheck(optional(c, Ident), node(c, Expr), marker(c, "not valid") is not None, span_of(c))


@builder("create_domain")
def _create_domain(c: list[Any]) -> CreateDomain:
    mods = nodes(c, ColumnModifier)
    default = next((m.expr for m in mods if m.kind == "default"), None)
    nulls = [m.kind == "not null" for m in mods if m.kind in ("null", "not null")]
    return CreateDomain(node(c, QName), node(c, TypeRef), default, nulls[-1] if nulls else None,
                        tuple(nodes(c, DomainCheck)), span_of(c), tuple(mods))


class _Action:
    """What a `_domain_action` rule hands up to `alter_domain`."""

    def __init__(self, action: str, c: list[Any]) -> None:
        self.action, self.children, self.span = action, c, span_of(c)


def _action(action: str) -> Any:
    def build(c: list[Any]) -> _Action:
        return _Action(action, c)

    return build


for _rule, _name in (("domain_add_constraint", "add"), ("domain_drop_constraint", "drop constraint"),
                     ("domain_validate", "validate"), ("domain_set_default", "set default"),
                     ("domain_drop_default", "drop default"), ("domain_set_not_null", "set not null"),
                     ("domain_drop_not_null", "drop not null"), ("domain_rename", "rename")):
    builder(_rule)(_action(_name))


@builder("alter_domain")
def _alter_domain(c: list[Any]) -> AlterDomain:
    act = next(x for x in c if isinstance(x, _Action))
    inner = act.children
    ident = optional(inner, Ident)
    return AlterDomain(
        node(c, QName), act.action, optional(inner, DomainCheck),
        ident if act.action in ("drop constraint", "validate") else None,
        optional(inner, Expr) if act.action == "set default" else None,
        ident if act.action == "rename" else None, has_token(inner, "IF_EXISTS"), span_of(c))


@builder("drop_domain")
def _drop_domain(c: list[Any]) -> DropDomain:
    return DropDomain(node(c, QName), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ the model


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expr: Expr
    validated: bool = True


@dataclass(frozen=True, slots=True)
class Domain(HasAttrs):
    name: Name
    base: SqlType
    default: Expr | None = None
    not_null: bool = False
    checks: tuple[Check, ...] = ()
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("domain", self.name)

    def type(self, array_dims: int = 0) -> SqlType:
        return SqlType(self.name.name, (), array_dims, self.name.schema, "domain", self.base)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


def _names(key: Name, d: Domain) -> list[tuple[str, str, str]]:
    return [("type", key.schema, key.name), *(("constraint", key.schema, c.name) for c in d.checks)]


def type_ref(t: SqlType) -> ObjectRef | None:
    """What a type names among the model's objects (to find who uses a domain)."""
    if t.schema is None:
        return None
    return ObjectRef({"domain": "domain", "composite": "composite", "enum": "enum"}.get(t.kind, "type"),
                     Name(t.schema, t.name))


def _depends(key: Name, d: Domain) -> list[ObjectRef]:
    ref = type_ref(d.base)
    exprs = [*([d.default] if d.default is not None else []), *(c.expr for c in d.checks)]
    return [*([ref] if ref is not None else []),
            *(ObjectRef("sequence", name) for e in exprs for _, name in sequence_literals(e))]


def _rewritten(schema: Schema, rewrite: Callable[[Expr], Expr]) -> Schema:
    """Its default and checks after a change PostgreSQL follows by OID (EXPRESSION_HOLDERS)."""
    after = schema
    for key, d in list(schema.store("domain").items()):
        changed = replace(d, default=rewrite(d.default) if d.default is not None else None,
                          checks=tuple(replace(c, expr=rewrite(c.expr)) for c in d.checks))
        if changed != d:
            after = after.with_object("domain", key, changed)
    return after


EXPRESSION_HOLDERS.append(_rewritten)


def _table_uses(table: Table) -> list[ObjectRef]:
    return [ObjectRef("domain", Name(c.type.schema or "public", c.type.name)) for c in table.columns
            if c.type.kind == "domain"]


object_kind(ObjectKind("domain", names=_names, depends_on=_depends, rank=15))
TABLE_DEPENDENCIES.append(_table_uses)


def _type_of(schema: Schema, name: Name) -> SqlType | None:
    found = schema.store("domain").get(name)
    return found.type() if isinstance(found, Domain) else None


TYPE_RESOLVERS.append(_type_of)


def _follow(schema: Schema, kind: str, old: Name, new: Name) -> Schema:
    """Domains over a renamed type (TYPE_FOLLOWERS; their columns follow with every column)."""
    after = schema
    for key, d in list(schema.store("domain").items()):
        base = renamed_type(d.base, kind, old, new)
        if base != d.base:
            after = after.with_object("domain", key, replace(d, base=base))
    return after


TYPE_FOLLOWERS.append(_follow)


# ------------------------------------------------------------------ ops


def _check_sql(c: Check) -> str:
    return f"CONSTRAINT {quoted(c.name)} CHECK ({c.expr.sql()})" + ("" if c.validated else " NOT VALID")


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class CreateDomainOp(Op):
    domain: Domain
    span: Span = _span()
    TEMPLATE = ("CREATE DOMAIN {{ op.domain.name|qname }} AS {{ op.domain.base|sqltype }}"
                "{% if op.domain.default is not none %} DEFAULT {{ op.domain.default|default_expr }}{% endif %}"
                "{% if op.domain.not_null %} NOT NULL{% endif %}"
                "{% for c in op.domain.checks if c.validated %} {{ op.check_sql(c) }}{% endfor %}"
                "{% for c in op.domain.checks if not c.validated %}{{ NEXT }}ALTER DOMAIN {{ op.domain.name|qname }} "
                "ADD {{ op.check_sql(c) }}{% endfor %}")

    @staticmethod
    def check_sql(c: Check) -> str:
        return _check_sql(c)

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object("domain", self.domain.name, self.domain)

    def invert(self) -> tuple[Op, ...]:
        return (DropDomainOp(self.domain, self.span),)

    def describe(self) -> str:
        return f"create domain {self.domain.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.domain.ref,)


@dataclass(frozen=True, slots=True)
class DropDomainOp(Op):
    domain: Domain  # with its attributes, to give them back
    span: Span = _span()
    TEMPLATE = "DROP DOMAIN {{ op.domain.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.without_object("domain", self.domain.name)

    def invert(self) -> tuple[Op, ...]:
        return (CreateDomainOp(self.domain.without_attrs(), self.span), *attribute_ops(self.domain.ref, self.domain))

    def describe(self) -> str:
        return f"drop domain {self.domain.name.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class AddDomainCheckOp(Op):
    domain: Name
    check: Check
    span: Span = _span()
    TEMPLATE = "ALTER DOMAIN {{ op.domain|qname }} ADD {{ op.check_sql(op.check) }}"

    @staticmethod
    def check_sql(c: Check) -> str:
        return _check_sql(c)

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.domain]
        return schema.with_object("domain", self.domain, replace(d, checks=(*d.checks, self.check)))

    def invert(self) -> tuple[Op, ...]:
        return (DropDomainCheckOp(self.domain, self.check, self.span),)

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("domain", self.domain)

    def describe(self) -> str:
        return f"add constraint {self.check.name} to domain {self.domain.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class DropDomainCheckOp(Op):
    domain: Name
    check: Check
    span: Span = _span()
    TEMPLATE = "ALTER DOMAIN {{ op.domain|qname }} DROP CONSTRAINT {{ op.check.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.domain]
        return schema.with_object("domain", self.domain,
                                  replace(d, checks=tuple(c for c in d.checks if c.name != self.check.name)))

    def invert(self) -> tuple[Op, ...]:
        return (AddDomainCheckOp(self.domain, self.check, self.span),)

    def describe(self) -> str:
        return f"drop constraint {self.check.name} of domain {self.domain.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class ValidateDomainCheckOp(Op):
    domain: Name
    name: str
    span: Span = _span()
    TEMPLATE = "ALTER DOMAIN {{ op.domain|qname }} VALIDATE CONSTRAINT {{ op.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.domain]
        return schema.with_object("domain", self.domain, replace(d, checks=tuple(
            replace(c, validated=True) if c.name == self.name else c for c in d.checks)))

    def invert(self) -> tuple[Op, ...]:
        return ()  # as for tables: validating has no down

    def describe(self) -> str:
        return f"validate constraint {self.name} of domain {self.domain.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class SetDomainDefaultOp(Op):
    domain: Name
    default: Expr | None  # None: drop default
    previous: Expr | None
    span: Span = _span()
    TEMPLATE = ("ALTER DOMAIN {{ op.domain|qname }} {% if op.default is none %}DROP DEFAULT"
                "{% else %}SET DEFAULT {{ op.default|default_expr }}{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.domain]
        return schema.with_object("domain", self.domain, replace(d, default=self.default))

    def invert(self) -> tuple[Op, ...]:
        return (SetDomainDefaultOp(self.domain, self.previous, self.default, self.span),)

    def describe(self) -> str:
        return f"{'drop' if self.default is None else 'set'} default of domain {self.domain.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class SetDomainNotNullOp(Op):
    domain: Name
    not_null: bool
    span: Span = _span()
    TEMPLATE = "ALTER DOMAIN {{ op.domain|qname }} {{ 'SET' if op.not_null else 'DROP' }} NOT NULL"

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.domain]
        return schema.with_object("domain", self.domain, replace(d, not_null=self.not_null))

    def invert(self) -> tuple[Op, ...]:
        return (SetDomainNotNullOp(self.domain, not self.not_null, self.span),)

    def describe(self) -> str:
        return f"{'set' if self.not_null else 'drop'} not null of domain {self.domain.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameDomainOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER DOMAIN {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        d: Domain = schema.store("domain")[self.old]
        after = schema.with_object("domain", self.new, replace(d, name=self.new), replacing=self.old)
        return after.with_type_renamed("domain", self.old, self.new)

    def invert(self) -> tuple[Op, ...]:
        return (RenameDomainOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename domain {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef("domain", self.old), ObjectRef("domain", self.new)


@creator(Domain)
def _create(domain: Domain) -> tuple[Op, ...]:
    return (CreateDomainOp(domain),)


# ------------------------------------------------------------------ lowering


def _domain(lw: Lowering, qname: QName) -> Domain | None:
    name = lw.name(qname)
    if name is None:
        return None
    found = lw.schema.store("domain").get(name)
    if not isinstance(found, Domain):
        lw.unknown(name, "E232", qname.span, f"unknown domain '{name.display()}'",
                     did_you_mean(name.name, [n.name for n in lw.schema.store("domain") if n.schema == name.schema]))
        return None
    return found


def _check_expr(lw: Lowering, name: str, base: SqlType, check: DomainCheck) -> bool:
    """A domain's check names only `value`, and is a condition."""
    mark = lw.bag.mark()
    for ref in check.expr.find_all(ex.ColumnRef):
        if ref.name.value != "value" or ref.table is not None:
            lw.bag.error("E236", ref.span, f"a check of domain '{name}' can only name the value, as `value`, "
                         f"not '{ref.name.value}'")
            return False
    check_boolean(lw, check.expr, {"value": Column("value", base)}, name, "domain check")
    return not lw.bag.errors_since(mark)


def _name_check(lw: Lowering, domain: Name, check: DomainCheck, taken: set[str], own: set[str]) -> str | None:
    if check.name is not None:
        if not lw.check_ident(check.name):
            return None
        if check.name.value in own:
            lw.bag.error("E236", check.name.span, f"constraint '{check.name.value}' for domain "
                         f"'{domain.display()}' already exists")
            return None
        return check.name.value
    return names.choose_name(domain.name, None, "check", names.Taken(lw.schema.constraint_names(domain.schema), taken))


def _type_free(lw: Lowering, name: Name, span: Span) -> bool:
    if name.name in lw.schema.type_names(name.schema) or name in lw.schema.enums:
        lw.bag.error("E110", span, f"type '{name.display()}' already exists")
        return False
    return True


@lowers(CreateDomain)
def _lower_create(lw: Lowering, stmt: CreateDomain) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None or not _type_free(lw, name, stmt.name.span):
        return
    resolved = lw.resolve_type(stmt.type)
    if resolved is None:
        return
    base = resolved[0]
    if base.kind == "composite":
        lw.bag.error("E217", stmt.type.span, f"a domain cannot be over composite type {base.display()}")
        return
    mark = lw.bag.mark()
    nulls = {m.kind for m in stmt.modifiers if m.kind in ("null", "not null")}
    defaults = [m for m in stmt.modifiers if m.kind == "default"]
    if len(nulls) > 1 or len(defaults) > 1:
        where = [m for m in stmt.modifiers if m.kind in ("null", "not null", "default")][-1]
        lw.bag.error("E236", where.span, f"conflicting or redundant null / not null / default in domain "
                     f"'{name.display()}'")
        return
    if stmt.default is not None:
        check_default(lw, stmt.default, Column(name.name, base))
    checks: list[Check] = []
    taken: set[str] = set()
    for c in stmt.checks:
        if c.not_valid:
            lw.bag.error("E236", c.span, "a check of create domain cannot be not valid",
                         "add it later with alter domain ... add constraint ... not valid")
            continue
        if not _check_expr(lw, name.name, base, c):
            continue
        chosen = _name_check(lw, name, c, taken, taken)
        if chosen is not None:
            taken.add(chosen)
            checks.append(Check(chosen, c.expr))
    if lw.bag.errors_since(mark):
        return
    lw.emit(CreateDomainOp(Domain(name, base, stmt.default, bool(stmt.not_null), tuple(checks)), stmt.span))


@lowers(AlterDomain)
def _lower_alter(lw: Lowering, stmt: AlterDomain) -> None:
    domain = _domain(lw, stmt.name)
    if domain is None:
        return
    match stmt.action:
        case "add":
            check = stmt.check
            assert check is not None
            if not _check_expr(lw, domain.name.name, domain.base, check):
                return
            own = {c.name for c in domain.checks}
            chosen = _name_check(lw, domain.name, check, set(), own)
            if chosen is None:
                return
            if check.name is not None and chosen in lw.schema.constraint_names(domain.name.schema) and chosen not in own:
                pass  # PostgreSQL allows a domain constraint named like a table's
            lw.emit(AddDomainCheckOp(domain.name, Check(chosen, check.expr, not check.not_valid), stmt.span))
        case "drop constraint" | "validate":
            assert stmt.constraint is not None
            found = domain.check(stmt.constraint.value)
            if found is None:
                if stmt.if_exists:
                    lw.does_nothing(stmt.span, f"domain '{domain.name.display()}' has no constraint "
                                    f"'{stmt.constraint.value}'")
                    return
                lw.bag.error("E236", stmt.constraint.span, f"domain '{domain.name.display()}' has no constraint "
                             f"'{stmt.constraint.value}'", did_you_mean(stmt.constraint.value,
                                                                         [c.name for c in domain.checks]))
                return
            if stmt.action == "validate":
                lw.emit(ValidateDomainCheckOp(domain.name, found.name, stmt.span))
            else:
                lw.emit(DropDomainCheckOp(domain.name, found, stmt.span))
        case "set default":
            assert stmt.expr is not None
            mark = lw.bag.mark()
            check_default(lw, stmt.expr, Column(domain.name.name, domain.base))
            if not lw.bag.errors_since(mark):
                lw.emit(SetDomainDefaultOp(domain.name, stmt.expr, domain.default, stmt.span))
        case "drop default":
            if domain.default is not None:
                lw.emit(SetDomainDefaultOp(domain.name, None, domain.default, stmt.span))
        case "set not null" | "drop not null":
            wanted = stmt.action == "set not null"
            if domain.not_null != wanted:
                lw.emit(SetDomainNotNullOp(domain.name, wanted, stmt.span))
        case "rename":
            assert stmt.new_name is not None
            if not lw.check_ident(stmt.new_name):
                return
            new = domain.name.renamed(stmt.new_name.value)
            if _type_free(lw, new, stmt.new_name.span):
                lw.emit(RenameDomainOp(domain.name, new, stmt.span))


def users_of_type(schema: Schema, ref: ObjectRef) -> str | None:
    """Who uses a type, named for a message: the first column (or domain, or composite type)."""
    for kind, key, obj in schema.users_of(ref):
        if kind == "table":
            column = next((c.name for c in obj.columns if type_ref(c.type) == ref
                           or (c.type.kind == ref.kind and Name(c.type.schema or "", c.type.name) == ref.name)), "?")
            return f"column '{key.display()}.{column}' uses it"
        return f"{kind} '{key.display() if isinstance(key, Name) else key}' uses it"
    return None


@lowers(DropDomain)
def _lower_drop(lw: Lowering, stmt: DropDomain) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.store("domain"):
            lw.does_nothing(stmt.span, f"there is no domain '{name.display()}'")
            return
    domain = _domain(lw, stmt.name)
    if domain is None:
        return
    used = users_of_type(lw.schema, domain.ref)
    if used is not None:
        lw.bag.error("E234", stmt.span, f"cannot drop domain '{domain.name.display()}': {used}")
        return
    lw.emit(DropDomainOp(domain, stmt.span))


@comment_target("domain")
def _comment_target(lw: Lowering, subject: CommentSubject) -> Found | None:
    domain = _domain(lw, subject.name)
    return (domain, domain.ref) if domain is not None else None


@comment_sql("domain")
def _comment_sql(ref: ObjectRef) -> str:
    return f"DOMAIN {quoting.qualified(ref.name.schema, ref.name.name)}"


TYPE_KINDS.append("domain")  # `comment on type NAME` names a domain too, as in PostgreSQL


# ------------------------------------------------------------------ catalog

# the default through pg_get_expr(typdefaultbin): typdefault is its text as made, which does not follow
# a renamed sequence in nextval('s') (the expression holds the OID, and shows the new name)
catalog_section(CatalogSection(
    "domains", "domain",
    f"""SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
            pg_get_expr(t.typdefaultbin, 0),
            coalesce((SELECT array_agg(con.conname || ': ' || pg_get_constraintdef(con.oid, true)
                                       ORDER BY con.conname)
                      FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c'), '{{}}')
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'd' AND {USER_NS} AND {not_extension_member('pg_type', 't.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"type": row[2], "not_null": row[3], "default": row[4],
                                                "checks": list(row[5])}),
))
