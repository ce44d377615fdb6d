"""Row-level security: `alter table T enable|disable|force|no force row level security`, `create policy P
on T [as permissive|restrictive] [for all|select|insert|update|delete] [to ROLE, ...] [using (EXPR)]
[with check (EXPR)]`, `drop policy [if exists] P on T`, `alter policy P on T rename to Q`.

Policies and the table's row-level security flags are attributes of the table (ir/routine.py): they
follow its renames, go with a drop, and come back with the drop's down. Expressions are checked like
a check constraint's (the table's columns, known functions); roles are assumed to exist."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migc.expr import Expr, Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import attribute_ops, creator, restorer
from migc.ir.model import Name, ObjectRef, Table
from migc.ir.op import PASS_MISC, Lock, Op, TableAction
from migc.ir.routine import (
    Policy, RenameTableMemberOp, members_rewritten, policies_of, table_member_kind, with_table_member,
)
from migc.ir.schema import EXPRESSION_HOLDERS, Schema
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers, lowers_action
from migc.lower.exprcheck import check_boolean, columns_by_name
from migc.lower.members import find_member, lower_drop_member, lower_rename_member, member_comments
from migc.source import Span
from migc.syntax.ast import AlterAction, Statement
from migc.tree import Marker, builder, has_token, marker_value, node, nodes, span_of, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class CreatePolicy(Statement):
    ARGS = ("name", "table", "roles", "using", "check")
    name: Ident
    table: QName
    permissive: bool
    command: str
    roles: tuple[Ident, ...]
    using: Expr | None
    check: Expr | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropPolicy(Statement):
    ARGS = ("name", "table")
    name: Ident
    table: QName
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RenamePolicy(Statement):
    ARGS = ("name", "table", "new_name")
    name: Ident
    table: QName
    new_name: Ident
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RowSecurity(AlterAction):
    setting: str  # "enable" | "disable" | "force" | "no force"
    span: Span = _span()


@builder("role_list")
def _role_list(c: list[Any]) -> Marker:
    return Marker("roles", tuple(nodes(c, Ident)), span_of(c))


builder("policy_using")(lambda c: Marker("using", node(c, Expr), span_of(c)))
builder("policy_check")(lambda c: Marker("check", node(c, Expr), span_of(c)))


@builder("create_policy")
def _create_policy(c: list[Any]) -> CreatePolicy:
    kind = token(c, "PERMISSIVE", "RESTRICTIVE")
    command = token(c, "ALL", "SELECT", "INSERT", "UPDATE", "DELETE")
    return CreatePolicy(node(c, Ident), node(c, QName), kind is None or str(kind.value).lower() == "permissive",
                        str(command.value).lower() if command is not None else "all",
                        tuple(marker_value(c, "roles", ())), marker_value(c, "using"), marker_value(c, "check"),
                        span_of(c))


@builder("drop_policy")
def _drop_policy(c: list[Any]) -> DropPolicy:
    return DropPolicy(node(c, Ident), node(c, QName), has_token(c, "IF_EXISTS"), span_of(c))


@builder("alter_policy")
def _alter_policy(c: list[Any]) -> RenamePolicy:
    idents = nodes(c, Ident)
    return RenamePolicy(idents[0], node(c, QName), idents[-1], span_of(c))


@builder("row_security")
def _row_security(c: list[Any]) -> RowSecurity:
    word = str(c[0].value).lower()
    return RowSecurity("no force" if c[0].type == "NO_FORCE" else word, span_of(c))


# ------------------------------------------------------------------ ops

# role specifications PostgreSQL spells as keywords (anything else is a role's name)
ROLE_KEYWORDS = frozenset({"public", "current_user", "current_role", "session_user"})


def role_sql(role: str) -> str:
    from migc import quoting

    return role.upper() if role in ROLE_KEYWORDS else quoting.ident(role)


_DEF = """
{%- set p = op.policy -%}
CREATE POLICY {{ p.name|ident }} ON {{ p.table|qname }}
{%- if not p.permissive %} AS RESTRICTIVE{% endif %}
{%- if p.command != "all" %} FOR {{ p.command|upper }}{% endif %}
{%- if p.roles != ("public",) %} TO {{ op.roles_sql }}{% endif %}
{%- if p.using is not none %} USING ({{ p.using|expr }}){% endif %}
{%- if p.check is not none %} WITH CHECK ({{ p.check|expr }}){% endif %}"""


def _with_policy(schema: Schema, table: Name, policy: Policy | None, gone: str | None = None) -> Schema:
    return with_table_member(schema, table, "policies", policy, gone)


table_member_kind("policy", "policies")
EXPRESSION_HOLDERS.append(lambda schema, rewrite: members_rewritten(schema, "policies", ("using", "check"), rewrite))


@dataclass(frozen=True, slots=True)
class CreatePolicyOp(Op):
    policy: Policy
    span: Span = _span()
    TEMPLATE = _DEF

    @property
    def roles_sql(self) -> str:
        return ", ".join(role_sql(r) for r in self.policy.roles)

    def apply(self, schema: Schema) -> Schema:
        return _with_policy(schema, self.policy.table, self.policy)

    def invert(self) -> tuple[Op, ...]:
        return (DropPolicyOp(self.policy, self.span),)

    def describe(self) -> str:
        return f"create policy {self.policy.name} on {self.policy.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.policy.table, "ACCESS EXCLUSIVE")

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.policy.ref,)


@dataclass(frozen=True, slots=True)
class DropPolicyOp(Op):
    policy: Policy  # with its attributes (a comment), to give them back
    span: Span = _span()
    TEMPLATE = "DROP POLICY {{ op.policy.name|ident }} ON {{ op.policy.table|qname }}"

    def apply(self, schema: Schema) -> Schema:
        return _with_policy(schema, self.policy.table, None, self.policy.name)

    def invert(self) -> tuple[Op, ...]:
        return (CreatePolicyOp(self.policy.without_attrs(), self.span), *attribute_ops(self.policy.ref, self.policy))

    def describe(self) -> str:
        return f"drop policy {self.policy.name} on {self.policy.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.policy.table, "ACCESS EXCLUSIVE")


@dataclass(frozen=True, slots=True)
class RenamePolicyOp(RenameTableMemberOp):
    KIND = "policy"
    ATTR = "policies"
    TEMPLATE = "ALTER POLICY {{ op.old|ident }} ON {{ op.table|qname }} RENAME TO {{ op.new|ident }}"


def row_security(table: Table) -> tuple[bool, bool]:
    """(enabled, forced)."""
    found = table.attr("row_security")
    return (bool(found[0]), bool(found[1])) if isinstance(found, tuple) else (False, False)


_FLAG = {"enable": (0, True), "disable": (0, False), "force": (1, True), "no force": (1, False)}
_OPPOSITE = {"enable": "disable", "disable": "enable", "force": "no force", "no force": "force"}


@dataclass(frozen=True, slots=True)
class SetRowSecurityOp(TableAction):
    table: Name
    setting: str  # "enable" | "disable" | "force" | "no force"
    changes: bool  # False: it was so already (its inverse does nothing)
    span: Span = _span()
    ACTION = "{{ op.setting|upper }} ROW LEVEL SECURITY"
    PASS = PASS_MISC

    def apply(self, schema: Schema) -> Schema:
        t = schema.tables[self.table]
        flags = list(row_security(t))
        index, value = _FLAG[self.setting]
        flags[index] = value
        return schema.with_attr(t.ref, "row_security", tuple(flags) if any(flags) else None)

    def invert(self) -> tuple[Op, ...]:
        if not self.changes:
            return ()
        return (SetRowSecurityOp(self.table, _OPPOSITE[self.setting], True, self.span),)

    def describe(self) -> str:
        return f"{self.setting} row level security on {self.table.display()}"

    def lock(self) -> Lock | None:
        return Lock(self.table, "ACCESS EXCLUSIVE")

    def touches(self) -> frozenset[str]:
        return frozenset({"row_security"})


@creator(Policy)
def _create(policy: Policy) -> tuple[Op, ...]:
    return (CreatePolicyOp(policy),)


@restorer("policies")
def _restore(target: ObjectRef, value: object) -> tuple[Op, ...]:
    ops: list[Op] = []
    for policy in value if isinstance(value, tuple) else ():
        policy = replace(policy, table=target.name)  # the table's name now
        ops += [CreatePolicyOp(policy.without_attrs()), *attribute_ops(policy.ref, policy)]
    return tuple(ops)


@restorer("row_security")
def _restore_flags(target: ObjectRef, value: object) -> tuple[Op, ...]:
    enabled, forced = value if isinstance(value, tuple) else (False, False)
    return tuple(SetRowSecurityOp(target.name, setting, True)
                 for setting, on in (("enable", enabled), ("force", forced)) if on)


# ------------------------------------------------------------------ lowering


def _find(lw: Lowering, table: Table, name: Ident) -> Policy | None:
    found: Policy | None = find_member(lw, table, name, "policy", "policies")
    return found


@lowers(CreatePolicy)
def _lower_create(lw: Lowering, stmt: CreatePolicy) -> None:
    table = lw.table(stmt.table)
    if table is None or not lw.check_ident(stmt.name):
        return
    if any(p.name == stmt.name.value for p in policies_of(table)):
        lw.bag.error("E242", stmt.name.span, f"policy '{stmt.name.value}' on table '{table.name.display()}' "
                     "already exists")
        return
    ok = True
    if stmt.check is not None and stmt.command in ("select", "delete"):
        lw.bag.error("E248", stmt.check.span, f"a policy for {stmt.command} takes no `with check`: it applies to "
                     "rows read, not rows written", "use `using (...)`")
        ok = False
    if stmt.using is not None and stmt.command == "insert":
        lw.bag.error("E248", stmt.using.span, "a policy for insert takes no `using`: it applies to new rows",
                     "use `with check (...)`")
        ok = False
    mark = lw.bag.mark()
    columns = columns_by_name(table.columns)
    for e in (stmt.using, stmt.check):
        if e is not None:
            check_boolean(lw, e, columns, table.name.display(), "a policy expression")
    if lw.bag.errors_since(mark):
        ok = False
    if not ok:
        return
    roles = tuple(dict.fromkeys(r.value for r in stmt.roles)) or ("public",)
    lw.emit(CreatePolicyOp(Policy(stmt.name.value, table.name, stmt.permissive, stmt.command, roles, stmt.using,
                                  stmt.check), stmt.span))


@lowers(DropPolicy)
def _lower_drop(lw: Lowering, stmt: DropPolicy) -> None:
    lower_drop_member(lw, stmt.table, stmt.name, stmt.if_exists, stmt.span, "policy", "policies", DropPolicyOp)


@lowers(RenamePolicy)
def _lower_rename(lw: Lowering, stmt: RenamePolicy) -> None:
    lower_rename_member(lw, stmt.table, stmt.name, stmt.new_name, stmt.span, "policy", "policies", RenamePolicyOp)


@lowers_action(RowSecurity)
def _lower_row_security(lw: Lowering, table: Table, action: RowSecurity) -> None:
    index, value = _FLAG[action.setting]
    lw.emit(SetRowSecurityOp(table.name, action.setting, row_security(table)[index] != value, action.span))


member_comments("policy", "policies")


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "tables/*/row_security", "row level security",
    f"""SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity) AND {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), "row level security"), {"enabled": row[2], "forced": row[3]}),
))

catalog_section(CatalogSection(
    "tables/*/policies", "policy",
    f"""SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd::text,
               ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
                     FROM unnest(p.polroles) r ORDER BY 1),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS}""",
    lambda row: ((qualified(row[0], row[1]), row[2]),
                 {"permissive": row[3], "command": row[4], "roles": list(row[5]), "using": row[6],
                  "with check": row[7]}),
))
