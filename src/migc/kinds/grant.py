"""`grant PRIVILEGES on [table] T, ... | sequence S, ... | schema S, ... | function F(args) to ROLE, ...
[with grant option]`, `revoke [grant option for] PRIVILEGES on ... from ROLE, ...`. `table` names
tables, views and materialized views, as in PostgreSQL.

The model knows the privileges each role holds on a table, view, sequence, function or schema beyond
the owner's own (and beyond PostgreSQL's defaults: EXECUTE for PUBLIC on a function), as the
"grants" attribute of the object; for the sequence of a serial or identity column, which is part of
its column in the model, as the column's "sequence grants" attribute (`OwnedSequenceGrants`, with
the sequence's name). So a grant inverts to
the revoke of exactly what it added (a privilege already held is not revoked by the down), and a
revoke to the grant of exactly what it took. Roles live outside the database: they are assumed to
exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migc import quoting
from migc.expr import Ident, QName
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, qualified
from migc.ir.creation import restorer
from migc.ir.model import Column, HasAttrs, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.routine import Grant, grants_of
from migc.ir.schema import NESTED_KINDS, Schema
from migc.ir.view import MATVIEW, VIEW, find_view, view_names
from migc.lower.context import Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.routines import find_routine
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, has_token, marker_value, nodes, span_of, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class GrantTarget(Node):
    ARGS = ("names", "params")
    kind: str  # "table" (or view) | "sequence" | "schema" | "function" | "procedure"
    names: tuple[QName, ...]
    params: tuple[Node, ...]  # a function's FuncParams
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class GrantStatement(Statement):
    ARGS = ("privileges", "target", "roles")
    grant: bool  # False: revoke
    privileges: tuple[Ident, ...]  # empty: all
    target: GrantTarget
    roles: tuple[Ident, ...]
    option: bool  # `with grant option` / `grant option for`
    span: Span = _span()


@builder("privileges")
def _privileges(c: list[Any]) -> Marker:
    return Marker("privileges", tuple(nodes(c, Ident)), span_of(c))


@builder("grant_target")
def _grant_target(c: list[Any]) -> GrantTarget:
    routine = token(c, "FUNCTION", "PROCEDURE")
    if routine is not None:
        return GrantTarget(str(routine.value).lower(), tuple(nodes(c, QName)),
                           tuple(x for x in c if isinstance(x, Node) and not isinstance(x, QName)), span_of(c))
    if has_token(c, "SCHEMA"):
        return GrantTarget("schema", tuple(QName(None, i, i.span) for i in nodes(c, Ident)), (), span_of(c))
    if has_token(c, "SEQUENCE"):
        return GrantTarget("sequence", tuple(nodes(c, QName)), (), span_of(c))
    return GrantTarget("table", tuple(nodes(c, QName)), (), span_of(c))


@builder("grant", "revoke")
def _grant(c: list[Any]) -> GrantStatement:
    is_grant = str(c[0].value).lower() == "grant"
    return GrantStatement(is_grant, tuple(marker_value(c, "privileges", ())), next(x for x in c if isinstance(x, GrantTarget)),
                          tuple(marker_value(c, "roles", ())),
                          has_token(c, "WITH_GRANT_OPTION") or has_token(c, "GRANT_OPTION_FOR"), span_of(c))


# ------------------------------------------------------------------ the model

_RELATION = ("select", "insert", "update", "delete", "truncate", "references", "trigger")
OWNED = "owned sequence"  # the ref kind of a serial or identity column's sequence: Name(schema, sequence)
PRIVILEGES = {
    "table": _RELATION,
    VIEW: _RELATION,
    MATVIEW: _RELATION,
    "sequence": ("usage", "select", "update"),
    OWNED: ("usage", "select", "update"),
    "function": ("execute",),
    "schema": ("usage", "create"),
}
# what PostgreSQL gives without any grant (besides the owner's own): EXECUTE for PUBLIC on a routine
DEFAULTS: dict[str, tuple[Grant, ...]] = {kind: () for kind in PRIVILEGES}
DEFAULTS["function"] = (Grant("execute", "public"),)


def _kind_of(ref: ObjectRef) -> str:
    return ref.kind


def defaults(ref: ObjectRef) -> tuple[Grant, ...]:
    """What roles hold on an object nobody granted anything on (besides its owner)."""
    if ref.kind == "schema" and ref.name.schema == "public":
        return (Grant("usage", "public"),)  # PostgreSQL 15 on: public's USAGE for everyone (not CREATE)
    return DEFAULTS[_kind_of(ref)]


@dataclass(frozen=True, slots=True)
class OwnedSequenceGrants:
    """A serial or identity column's "sequence grants": what roles hold on its sequence."""

    sequence: str
    grants: tuple[Grant, ...]


def _owner(schema: Schema, ref: ObjectRef) -> tuple[Table, Column] | None:
    """The table and column that own the sequence `ref` names (OWNED)."""
    for table in schema.tables.values():
        if table.name.schema == ref.name.schema:
            for column in table.columns:
                if column.sequence == ref.name.name:
                    return table, column
    return None


def _owned_get(schema: Schema, ref: ObjectRef) -> HasAttrs | None:
    found = _owner(schema, ref)
    return found[1] if found is not None else None


def _owned_put(schema: Schema, ref: ObjectRef, column: Any) -> Schema:
    found = _owner(schema, ref)
    assert found is not None
    return schema.with_table(found[0].with_column(column))


NESTED_KINDS[OWNED] = (_owned_get, _owned_put)


def held(schema: Schema, ref: ObjectRef) -> tuple[Grant, ...]:
    """What roles hold on the object now (PostgreSQL's defaults included)."""
    obj = schema.lookup(ref)
    if obj is None:
        return ()
    if ref.kind == OWNED:
        owned = obj.attr("sequence grants")
        return owned.grants if isinstance(owned, OwnedSequenceGrants) else defaults(ref)
    return grants_of(obj) if obj.attr("grants") is not None else defaults(ref)


def _with_held(schema: Schema, ref: ObjectRef, grants: tuple[Grant, ...]) -> Schema:
    grants = tuple(sorted(set(grants), key=lambda g: (g.grantee, g.privilege)))
    value = None if set(grants) == set(defaults(ref)) else grants
    if ref.kind == OWNED:
        return schema.with_attr(ref, "sequence grants", OwnedSequenceGrants(ref.name.name, value) if value else None)
    return schema.with_attr(ref, "grants", value)


def _target_sql(ref: ObjectRef, routine_kind: str = "function") -> str:
    if ref.kind == "schema":
        return f"SCHEMA {quoting.ident(ref.name.schema)}"
    qname = quoting.qualified(ref.name.schema, ref.name.name)
    if ref.kind == "function":
        return f"{routine_kind.upper()} {qname}({ref.column or ''})"
    if ref.kind in ("sequence", OWNED):
        return f"SEQUENCE {qname}"
    return f"TABLE {qname}"  # PostgreSQL's word for tables, views and materialized views alike


def _role_sql(role: str) -> str:
    return "PUBLIC" if role == "public" else quoting.ident(role)


# ------------------------------------------------------------------ ops

# one change of one privilege of one role: "privilege" (granted or revoked, no grant option), "both"
# (the privilege with its grant option), "option" (the grant option only)
Item = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class ChangePrivilegesOp(Op):
    target: ObjectRef
    grant: bool
    items: tuple[Item, ...]  # (privilege, grantee, what)
    after: tuple[Grant, ...]  # what roles hold once it ran
    before: tuple[Grant, ...]
    routine_kind: str = "function"
    span: Span = _span()
    TEMPLATE = "{{ op.statements()|join(NEXT) }}"

    def statements(self) -> list[str]:
        groups: dict[tuple[str, str], list[str]] = {}
        for privilege, grantee, what in self.items:
            groups.setdefault((grantee, what), []).append(privilege)
        target = _target_sql(self.target, self.routine_kind)
        lines = []
        for (grantee, what), privileges in groups.items():
            listed = ", ".join(p.upper() for p in privileges)
            if self.grant:
                option = " WITH GRANT OPTION" if what in ("both", "option") else ""
                lines.append(f"GRANT {listed} ON {target} TO {_role_sql(grantee)}{option}")
            else:
                option = "GRANT OPTION FOR " if what == "option" else ""
                lines.append(f"REVOKE {option}{listed} ON {target} FROM {_role_sql(grantee)}")
        return lines

    def apply(self, schema: Schema) -> Schema:
        return _with_held(schema, self.target, self.after)

    def invert(self) -> tuple[Op, ...]:
        changed = tuple(_inverse_item(item, self.grant, self.before) for item in self.items
                        if _changes(item, self.grant, self.before))
        if not changed:
            return ()
        return (ChangePrivilegesOp(self.target, not self.grant, changed, self.before, self.after, self.routine_kind,
                                   self.span),)

    def describe(self) -> str:
        t = self.target
        what = f"schema {t.name.schema}" if t.kind == "schema" else (
            f"{self.routine_kind} {t.name.display()}({t.column})" if t.kind == "function" else
            f"{'sequence' if t.kind == OWNED else t.kind} {t.name.display()}")
        return f"{'grant on' if self.grant else 'revoke on'} {what}"

    def lock(self) -> Lock | None:
        return None


def _inverse_item(item: Item, grant: bool, before: tuple[Grant, ...]) -> Item:
    """What undoes a changing item: a grant option given on a privilege held before is taken back alone."""
    privilege, grantee, what = item
    if grant and what == "both" and any(g.privilege == privilege and g.grantee == grantee for g in before):
        return privilege, grantee, "option"
    return item


def _changes(item: Item, grant: bool, before: tuple[Grant, ...]) -> bool:
    """Did this item change what was held before (so its inverse must undo it)?"""
    privilege, grantee, what = item
    had = next((g for g in before if g.privilege == privilege and g.grantee == grantee), None)
    if grant:
        return had is None or (what in ("both", "option") and not had.grant_option)
    if what == "option":
        return had is not None and had.grant_option
    return had is not None


def _after(before: tuple[Grant, ...], items: tuple[Item, ...], grant: bool) -> tuple[Grant, ...]:
    held_now = {(g.privilege, g.grantee): g.grant_option for g in before}
    for privilege, grantee, what in items:
        key = (privilege, grantee)
        if grant:
            held_now[key] = held_now.get(key, False) or what in ("both", "option")
        elif what == "option":
            if key in held_now:
                held_now[key] = False
        else:
            held_now.pop(key, None)
    return tuple(Grant(p, g, o) for (p, g), o in held_now.items())


def _restore_items(ref: ObjectRef, grants: tuple[Grant, ...]) -> tuple[tuple[bool, tuple[Item, ...]], ...]:
    """Grants and revokes that make PostgreSQL's defaults into `grants`."""
    default = defaults(ref)
    revoked = tuple((g.privilege, g.grantee, "privilege") for g in default
                    if not any((x.privilege, x.grantee) == (g.privilege, g.grantee) for x in grants))
    granted = tuple((g.privilege, g.grantee, "both" if g.grant_option else "privilege") for g in grants
                    if g not in default)
    return tuple(step for step in ((False, revoked), (True, granted)) if step[1])


def _restoring(ref: ObjectRef, grants: tuple[Grant, ...], routine_kind: str = "function") -> tuple[Op, ...]:
    ops: list[Op] = []
    current = defaults(ref)
    for grant, items in _restore_items(ref, grants):
        after = _after(current, items, grant)
        ops.append(ChangePrivilegesOp(ref, grant, items, after, current, routine_kind))
        current = after
    return tuple(ops)


@restorer("grants")
def _restore(target: ObjectRef, value: object) -> tuple[Op, ...]:
    return _restoring(target, value if isinstance(value, tuple) else ())


@restorer("sequence grants")
def _restore_owned(target: ObjectRef, value: object) -> tuple[Op, ...]:
    """A serial or identity column's sequence's grants (`target` is the column)."""
    if not isinstance(value, OwnedSequenceGrants):
        return ()
    return _restoring(ObjectRef(OWNED, Name(target.name.schema, value.sequence)), value.grants)


# ------------------------------------------------------------------ lowering


@lowers(GrantStatement)
def _lower(lw: Lowering, stmt: GrantStatement) -> None:
    target = stmt.target
    kind = "function" if target.kind in ("function", "procedure") else target.kind
    refs: list[ObjectRef] = []
    routine_kind = "function"
    if kind == "table":  # tables, views and materialized views
        for qname in target.names:
            name = lw.name(qname)
            if name is None:
                return
            table = lw.schema.tables.get(name)
            view = find_view(lw.schema, name) if table is None else None
            if table is not None:
                refs.append(table.ref)
            elif view is not None:
                refs.append(view.ref)
            else:
                others = [n.name for n in [*lw.schema.tables, *view_names(lw.schema)] if n.schema == name.schema]
                lw.unknown(name, "E101", qname.span, f"unknown table or view '{name.display()}'", did_you_mean(name.name, others))
                return
    elif kind == "sequence":
        for qname in target.names:
            ref = _sequence(lw, qname)
            if ref is None:
                return
            refs.append(ref)
    elif kind == "schema":
        for qname in target.names:
            if qname.name.value not in lw.schema.schemas:
                lw.bag.error("E111", qname.span, f"unknown schema '{qname.name.value}'")
                return
            refs.append(ObjectRef("schema", Name(qname.name.value, "")))
    else:
        params = [(getattr(p, "mode", "in"), getattr(p, "type")) for p in target.params]
        routine = find_routine(lw, target.kind, target.names[0], params)
        if routine is None:
            return
        refs.append(routine.ref)
        routine_kind = routine.kind
    privileges = _privileges_of(lw, stmt, {ref.kind for ref in refs} or {kind})
    if privileges is None:
        return
    if stmt.grant and stmt.option and any(r.value == "public" and not r.quoted for r in stmt.roles):
        lw.bag.error("E247", stmt.span, "grant options cannot be granted to public",
                     "grant it with grant option to a role")
        return
    what = ("option" if not stmt.grant else "both") if stmt.option else "privilege"
    for ref in refs:
        before = held(lw.schema, ref)
        items: tuple[Item, ...] = tuple((p, r.value, what) for r in stmt.roles for p in privileges)
        if not stmt.grant and not stmt.option:  # a revoke takes the grant option along: its inverse gives it back
            items = tuple((p, g, "both" if any(h.privilege == p and h.grantee == g and h.grant_option for h in before)
                           else "privilege") for p, g, _ in items)
        lw.emit(ChangePrivilegesOp(ref, stmt.grant, items, _after(before, items, stmt.grant), before, routine_kind,
                                   stmt.span))


def _privileges_of(lw: Lowering, stmt: GrantStatement, kinds: set[str]) -> list[str] | None:
    """The statement's privileges (all of them: every one the objects take), each one checked
    against every kind of object named (E247)."""
    allowed = [p for p in PRIVILEGES[min(kinds)] if all(p in PRIVILEGES[k] for k in kinds)]
    what = {VIEW: "view", MATVIEW: "materialized view"}.get(min(kinds), stmt.target.kind)
    for p in stmt.privileges:
        if p.value not in allowed:
            lw.bag.error("E247", p.span, f"privilege '{p.value}' does not apply to a {what}",
                         f"a {what} takes {', '.join(allowed)} (or all)")
            return None
    return list(dict.fromkeys(p.value for p in stmt.privileges)) or allowed


def _sequence(lw: Lowering, qname: QName) -> ObjectRef | None:
    """A sequence of `create sequence`, or the sequence of a serial or identity column (OWNED);
    E232 for an unknown one."""
    name = lw.name(qname)
    if name is None:
        return None
    if name in lw.schema.store("sequence"):
        return ObjectRef("sequence", name)
    if lw.sequence_exists(name):
        return ObjectRef(OWNED, name)
    others = [n.name for n in lw.schema.store("sequence") if n.schema == name.schema]
    lw.unknown(name, "E232", qname.span, f"unknown sequence '{name.display()}'", did_you_mean(name.name, others))
    return None


# ------------------------------------------------------------------ catalog

_ACL = """CROSS JOIN LATERAL aclexplode(coalesce({acl}, acldefault('{kind}', {owner}))) a
          LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE a.grantee <> {owner} AND {user_ns}"""
_GRANTEE = "coalesce(r.rolname::text, 'public') || ' ' || lower(a.privilege_type)"

def _relation_grants(path: str, acl_kind: str, relkinds: str) -> None:
    """The grants on relations of `relkinds` (tables, views, sequences: one ACL column, pg_class's)."""
    listed = ", ".join(f"'{k}'" for k in relkinds)
    catalog_section(CatalogSection(
        path, "grant",
        f"""SELECT n.nspname, c.relname, {_GRANTEE}, a.is_grantable
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            {_ACL.format(acl='c.relacl', kind=acl_kind, owner='c.relowner', user_ns=USER_NS)}
            AND c.relkind IN ({listed})""",
        lambda row: ((qualified(row[0], row[1]), row[2]), {"grant option": row[3]}),
    ))


_relation_grants("tables/*/grants", "r", "rp")
_relation_grants("views/*/grants", "r", "vm")
_relation_grants("sequences/*/grants", "s", "S")

catalog_section(CatalogSection(
    "functions/*/grants", "grant",
    f"""SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', {_GRANTEE},
               a.is_grantable
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        {_ACL.format(acl='p.proacl', kind='f', owner='p.proowner', user_ns=USER_NS)} AND p.prokind IN ('f', 'p')""",
    lambda row: ((qualified(row[0], row[1]), row[2]), {"grant option": row[3]}),
))

catalog_section(CatalogSection(
    "schemas/*/grants", "grant",
    f"""SELECT n.nspname, {_GRANTEE}, a.is_grantable
        FROM pg_namespace n
        {_ACL.format(acl='n.nspacl', kind='n', owner='n.nspowner', user_ns=USER_NS)}""",
    lambda row: ((row[0], row[1]), {"grant option": row[2]}),
))

