"""`create [or replace] function|procedure NAME(args) [returns ...] language ... as $tag$ body $tag$`,
`drop function|procedure [if exists] NAME[(argtypes)]`, `alter function|procedure NAME[(argtypes)]
OPTIONS | rename to NEW`.

The model (ir/routine.py) knows a routine's signature, what it returns, its language, volatility and
options; its body stays opaque text (PostgreSQL checks a `language sql` body when it is created).
Calls to it in defaults, checks, indexes, policies and views resolve through lower/functions.py.
`create or replace` of an existing routine inverts to its previous definition; its return type
cannot change (as in PostgreSQL). Dropping a routine that a trigger, default, check, index, policy
or view uses is an error naming the user; the down of a drop re-creates it (with its comment and
grants)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc import expr as ex
from migc.expr import Expr, Ident, QName, TypeRef
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import creator, recreation_of
from migc.ir.model import Index, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.routine import FunctionKey, Param, Routine, policies_of, triggers_of
from migc.ir.schema import (
    EXPRESSION_HOLDERS, INDEX_DEPENDENCIES, TABLE_DEPENDENCIES, TYPE_FOLLOWERS, ObjectKind, Schema, follow_rename,
    object_kind,
)
from migc.ir.types import SqlType, renamed_type
from migc.lower import functions
from migc.lower.comment_targets import CommentSubject, Found, comment_sql, comment_target
from migc.lower.context import Lowering
from migc.lower.dispatch import lowers
from migc.lower.exprcheck import check_default
from migc.lower.routines import find_routine
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, dollar_body, has_token, node, nodes, optional, span_of, string_value, token
from migc.tree import span_field as _span

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class FuncParam(Node):
    ARGS = ("name", "type", "default")
    mode: str  # "in" | "out" | "inout" | "variadic"
    name: Ident | None
    type: TypeRef
    default: Expr | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FuncColumn(Node):
    ARGS = ("name", "type")
    name: Ident
    type: TypeRef
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FuncReturns(Node):
    ARGS = ("type", "columns")
    type: TypeRef | None  # None: `returns table (...)`
    setof: bool
    columns: tuple[FuncColumn, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateFunction(Statement):
    ARGS = ("name", "params", "returns")
    kind: str  # "function" | "procedure"
    or_replace: bool
    name: QName
    params: tuple[FuncParam, ...]
    returns: FuncReturns | None
    options: tuple[tuple[str, str, Span], ...]  # (option, value, where): ("language", "sql"), ("volatility", "i")...
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class DropFunction(Statement):
    ARGS = ("name", "params")
    kind: str
    name: QName
    params: tuple[FuncParam, ...] | None  # None: no argument list (the only one of that name)
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AlterFunction(Statement):
    """`alter function|procedure NAME[(args)] ACTION ...`: the options of `create function` (not its
    language or body), `reset NAME | all`; or `rename to NEW`."""

    ARGS = ("name", "params", "new_name")
    kind: str
    name: QName
    params: tuple[FuncParam, ...] | None
    options: tuple[tuple[str, str, Span], ...]  # as in CreateFunction; `reset x`: ("reset", "x"), `reset all`: ("reset", "")
    new_name: Ident | None = None
    span: Span = _span()


@builder("func_param")
def _func_param(c: list[Any]) -> FuncParam:
    mode = token(c, "IN", "OUT", "INOUT", "VARIADIC")
    exprs = [x for x in c if isinstance(x, Expr)]
    return FuncParam(str(mode.value).lower() if mode is not None else "in", optional(c, Ident), node(c, TypeRef),
                     exprs[0] if exprs else None, span_of(c))


builder("func_column")(lambda c: FuncColumn(node(c, Ident), node(c, TypeRef), span_of(c)))


@builder("func_returns")
def _func_returns(c: list[Any]) -> FuncReturns:
    columns = tuple(nodes(c, FuncColumn))
    return FuncReturns(None if columns else node(c, TypeRef), has_token(c, "SETOF"), columns, span_of(c))


_SEP = "\x1f"


@builder("func_set_value")
def _func_set_value(c: list[Any]) -> Marker:
    first = c[0]
    if isinstance(first, Ident):
        return Marker("set value", ("ident", first.value), first.span)
    if first.type == "STRING":
        return Marker("set value", ("string", string_value(first)), span_of(c))
    return Marker("set value", ("number", str(first.value)), span_of(c))


@builder("func_option")
def _func_option(c: list[Any]) -> Marker:
    span = span_of(c)
    first = c[0]
    word = str(getattr(first, "value", "")).lower()
    kind = getattr(first, "type", "")
    if kind in ("IMMUTABLE", "STABLE", "VOLATILE"):
        return Marker("option", ("volatility", word[0], span), span)
    if kind in ("STRICT", "RETURNS_NULL_ON_NULL_INPUT"):
        return Marker("option", ("strict", "true", span), span)
    if kind == "CALLED_ON_NULL_INPUT":
        return Marker("option", ("strict", "false", span), span)
    if kind in ("SECURITY_DEFINER", "SECURITY_INVOKER"):
        return Marker("option", ("security", "definer" if kind == "SECURITY_DEFINER" else "invoker", span), span)
    if kind in ("NOT", "LEAKPROOF"):
        return Marker("option", ("leakproof", "false" if kind == "NOT" else "true", span), span)
    if word == "language":
        return Marker("option", ("language", node(c, Ident).value, span), span)
    if word == "set":
        setting = node(c, Ident)
        values = [m.value for m in c if isinstance(m, Marker) and m.kind == "set value"]
        cmp = token(c, "CMP_OP")
        if cmp is not None and cmp.value != "=":
            values = []  # reported by lowering: `set NAME = VALUE` or `set NAME to VALUE`
        return Marker("option", (f"set {setting.value}", _SEP.join(f"{k}:{v}" for k, v in values), span), span)
    if word in ("cost", "rows"):
        return Marker("option", (word, str(c[-1].value), span), span)
    if word == "parallel":
        return Marker("option", ("parallel", node(c, Ident).value, span), span)
    body = c[-1]  # `as` STRING | DOLLAR_STRING
    text = str(body.value)
    if body.type == "DOLLAR_STRING":
        tag = text[1:text.index("$", 1)]
        return Marker("option", ("as", tag + "$" + dollar_body(text), span), span)
    return Marker("option", ("as", "$" + text[1:-1].replace("''", "'"), span), span)


def _word(c: list[Any], *types: str) -> str:
    """The keyword among the children (the grammar guarantees one), lower case."""
    found = token(c, *types)
    assert found is not None
    return str(found.value).lower()


@builder("create_function")
def _create_function(c: list[Any]) -> CreateFunction:
    kind = _word(c, "FUNCTION", "PROCEDURE")
    options = tuple(m.value for m in c if isinstance(m, Marker) and m.kind == "option")
    return CreateFunction(kind, has_token(c, "OR_REPLACE"), node(c, QName), tuple(nodes(c, FuncParam)),
                          optional(c, FuncReturns), options, span_of(c))


@builder("func_reset")
def _func_reset(c: list[Any]) -> Marker:
    span = span_of(c)
    setting = optional(c, Ident)
    return Marker("option", ("reset", setting.value if setting is not None else "", span), span)


@builder("alter_function")
def _alter_function(c: list[Any]) -> AlterFunction:
    kind = _word(c, "FUNCTION", "PROCEDURE")
    has_list = any(getattr(x, "value", None) == "(" for x in c)
    idents = [x for x in c if isinstance(x, Ident)]
    options = tuple(m.value for m in c if isinstance(m, Marker) and m.kind == "option")
    return AlterFunction(kind, node(c, QName), tuple(nodes(c, FuncParam)) if has_list else None, options,
                         idents[-1] if idents and not options else None, span_of(c))


@builder("drop_function")
def _drop_function(c: list[Any]) -> DropFunction:
    kind = _word(c, "FUNCTION", "PROCEDURE")
    has_list = any(getattr(x, "value", None) == "(" for x in c)
    return DropFunction(kind, node(c, QName), tuple(nodes(c, FuncParam)) if has_list else None,
                        has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ ops

_DEF = """
{%- set r = op.routine -%}
{% if not op.check_body %}SET check_function_bodies = off{{ NEXT }}{% endif -%}
CREATE {% if op.or_replace %}OR REPLACE {% endif %}{{ r.kind|upper }} {{ r.name|qname }}(
{%- for p in r.params %}{% if not loop.first %}, {% endif %}{% if p.mode != "in" %}{{ p.mode|upper }} {% endif %}
{%- if p.name %}{{ p.name|ident }} {% endif %}{{ p.type|sqltype }}{% if p.default is not none %} DEFAULT {{ p.default|expr }}{% endif %}
{%- endfor %})
{%- if r.table_columns %} RETURNS TABLE({% for n, t in r.table_columns %}{% if not loop.first %}, {% endif %}{{ n|ident }} {{ t|sqltype }}{% endfor %})
{%- elif r.returns is not none %} RETURNS {% if r.returns_set %}SETOF {% endif %}{{ r.returns|sqltype }}
{%- elif r.pseudo %} RETURNS {% if r.returns_set %}SETOF {% endif %}{{ r.pseudo }}{% endif %}
{{- " " }}LANGUAGE {{ r.language|ident }}
{%- if r.volatility == "i" %} IMMUTABLE{% elif r.volatility == "s" %} STABLE{% endif %}
{%- if r.strict %} STRICT{% endif %}
{%- if r.security_definer %} SECURITY DEFINER{% endif %}
{%- if r.leakproof %} LEAKPROOF{% endif %}
{%- if r.cost %} COST {{ r.cost }}{% endif %}
{%- if r.rows %} ROWS {{ r.rows }}{% endif %}
{%- if r.parallel %} PARALLEL {{ r.parallel|upper }}{% endif %}
{%- for name, values in r.config %} SET {{ name|ident }} TO {{ op.setting_sql(values) }}{% endfor %}
{{- " " }}AS {{ op.quoted_body }}
{%- if not op.check_body %}{{ NEXT }}RESET check_function_bodies{% endif %}"""


def _dollar_quoted(routine: Routine) -> str:
    tag = routine.tag
    while f"${tag}$" in routine.body:
        tag = (tag or "body") + "_"
    return f"${tag}${routine.body}${tag}$"


def _identity(attr: str) -> str:
    """A template's `KIND name(argument types)` of the op's routine `attr`."""
    r = f"op.{attr}"
    return (f"{{{{ {r}.kind|upper }}}} {{{{ {r}.name|qname }}}}({{% for p in {r}.params if p.mode != 'out' %}}"
            "{% if not loop.first %}, {% endif %}{{ p.type|sqltype }}{% endfor %})")


@dataclass(frozen=True, slots=True)
class CreateFunctionOp(Op):
    routine: Routine
    replacing: Routine | None = None  # `create or replace` of an existing routine: its definition before
    or_replace: bool = False
    # False when the op builds a routine from the model (migc schema): its `language sql` body may name
    # tables made later in that script, so PostgreSQL does not check it then (as pg_dump does); SET,
    # not SET LOCAL, because the compiled schema may run outside a transaction
    check_body: bool = True
    span: Span = _span()
    TEMPLATE = _DEF

    @property
    def quoted_body(self) -> str:
        return _dollar_quoted(self.routine)

    @staticmethod
    def setting_sql(values: tuple[tuple[str, str], ...]) -> str:
        """A `set NAME to VALUE, ...` option's values: names quoted as names, strings as literals."""
        from migc import quoting

        return ", ".join(quoting.ident(v) if k == "ident" else quoting.literal(v) if k == "string" else v
                         for k, v in values)

    def apply(self, schema: Schema) -> Schema:
        if self.replacing is not None:
            kept = schema.store("function").get(self.replacing.key)
            routine = replace(self.routine, attrs=kept.attrs) if isinstance(kept, Routine) else self.routine
            return schema.with_object("function", routine.key, routine, replacing=self.replacing.key)
        return schema.with_object("function", self.routine.key, self.routine)

    def invert(self) -> tuple[Op, ...]:
        if self.replacing is not None:
            return (CreateFunctionOp(self.replacing, self.routine, True, True, self.span),)
        return (DropFunctionOp(self.routine, self.span),)

    def describe(self) -> str:
        verb = "replace" if self.replacing is not None else "create"
        return f"{verb} {self.routine.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return () if self.replacing is not None else (self.routine.ref,)


@dataclass(frozen=True, slots=True)
class DropFunctionOp(Op):
    routine: Routine  # with its attributes (comment, grants), to give them back
    span: Span = _span()
    TEMPLATE = "DROP " + _identity("routine")

    def apply(self, schema: Schema) -> Schema:
        return schema.without_object("function", self.routine.key)

    def invert(self) -> tuple[Op, ...]:
        return tuple(replace(op, span=self.span, check_body=True) if isinstance(op, CreateFunctionOp) else op
                     for op in recreation_of(self.routine))

    def describe(self) -> str:
        return f"drop {self.routine.display()}"

    def lock(self) -> Lock | None:
        return None


Config = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def set_config(config: Config, name: str, values: tuple[tuple[str, str], ...]) -> Config:
    """`set NAME to VALUE` on a routine's settings, as PostgreSQL does it: in place, or at the end."""
    if any(n == name for n, _ in config):
        return tuple((n, values if n == name else v) for n, v in config)
    return config + ((name, values),)


def reset_config(config: Config, name: str) -> Config:
    """`reset NAME` (`reset all`: name "")."""
    return () if not name else tuple(entry for entry in config if entry[0] != name)


def config_steps(old: Config, new: Config) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The `set` / `reset` actions that turn a routine's settings `old` into `new`, in order
    (PostgreSQL keeps them in order, and shows them so): what changed, or else everything again."""
    steps: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    current = old
    for name, values in new:
        if dict(current).get(name) != values:
            steps.append(("set", name, values))
            current = set_config(current, name, values)
    for name, _ in old:
        if name not in dict(new):
            steps.append(("reset", name, ()))
            current = reset_config(current, name)
    if current != new:
        steps = [("reset", "", ())] + [("set", name, values) for name, values in new]
    return steps


@dataclass(frozen=True, slots=True)
class AlterFunctionOp(Op):
    """ALTER FUNCTION|PROCEDURE ... with the options that differ between two definitions of one
    routine (same name, arguments, body): its inverse is the same the other way."""

    before: Routine
    after: Routine
    span: Span = _span()
    TEMPLATE = "ALTER " + _identity("before") + " {{ op.actions }}"

    @property
    def actions(self) -> str:
        a, b = self.before, self.after
        out = []
        if a.volatility != b.volatility:
            out.append({"i": "IMMUTABLE", "s": "STABLE", "v": "VOLATILE"}[b.volatility])
        if a.strict != b.strict:
            out.append("STRICT" if b.strict else "CALLED ON NULL INPUT")
        if a.security_definer != b.security_definer:
            out.append("SECURITY DEFINER" if b.security_definer else "SECURITY INVOKER")
        if a.leakproof != b.leakproof:
            out.append("LEAKPROOF" if b.leakproof else "NOT LEAKPROOF")
        if a.parallel != b.parallel:
            out.append(f"PARALLEL {(b.parallel or 'unsafe').upper()}")
        if a.cost != b.cost:  # PostgreSQL's default for sql and plpgsql: 100
            out.append(f"COST {b.cost or '100'}")
        if a.rows != b.rows:  # and for a set: 1000 rows
            out.append(f"ROWS {b.rows or '1000'}")
        from migc import quoting

        for step, name, values in config_steps(a.config, b.config):
            if step == "reset":
                out.append(f"RESET {quoting.ident(name)}" if name else "RESET ALL")
            else:
                out.append(f"SET {quoting.ident(name)} TO {CreateFunctionOp.setting_sql(values)}")
        return " ".join(out)

    def apply(self, schema: Schema) -> Schema:
        current = schema.store("function").get(self.before.key)
        attrs = current.attrs if isinstance(current, Routine) else self.after.attrs
        return schema.with_object("function", self.after.key, replace(self.after, attrs=attrs))

    def invert(self) -> tuple[Op, ...]:
        return (AlterFunctionOp(self.after, self.before, self.span),)

    def describe(self) -> str:
        return f"alter {self.before.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameFunctionOp(Op):
    routine: Routine
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER " + _identity("routine") + " RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        """PostgreSQL keeps what calls a routine by its object id, and shows the new name: calls in
        stored expressions and queries follow, and triggers name the new function (the lowering
        only lets a used routine be renamed when every call of its name is a call of it)."""
        current = schema.store("function").get(self.routine.key)
        routine = current if isinstance(current, Routine) else self.routine
        renamed = replace(routine, name=self.new)
        after = schema.with_object("function", renamed.key, renamed, replacing=self.routine.key)
        after = follow_rename(schema, after, ObjectRef("function", self.routine.name), ObjectRef("function", self.new))
        return after.with_expressions_rewritten(_calls_renamed(self.routine.name, self.new))

    def invert(self) -> tuple[Op, ...]:
        return (RenameFunctionOp(replace(self.routine, name=self.new), self.routine.name, self.span),)

    def describe(self) -> str:
        return f"rename {self.routine.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return self.routine.ref, replace(self.routine, name=self.new).ref


def _calls_renamed(old: Name, new: Name) -> Callable[[Expr], Expr]:
    """Calls of `old` (qualified with its schema, or unqualified when it is in public) call `new`."""
    def rewrite(e: Expr) -> Expr:
        def swap(n: Node) -> Node | None:
            if isinstance(n, ex.FuncCall) and n.name.name.value == old.name \
                    and (n.name.schema.value if n.name.schema is not None else "public") == old.schema:
                return replace(n, name=replace(n.name, name=Ident(new.name, n.name.name.span)))
            return None

        return e.transform(swap)

    return rewrite


@creator(Routine)
def _create(routine: Routine) -> tuple[Op, ...]:
    return (CreateFunctionOp(routine, None, False, routine.language != "sql"),)


# ------------------------------------------------------------------ the model's store


def _type_refs(t: SqlType | None) -> list[ObjectRef]:
    if t is None or t.schema is None:
        return []
    name = Name(t.schema, t.name)
    if t.kind == "composite":  # a table's row type, or a composite type
        return [ObjectRef("table", name), ObjectRef("composite", name)]
    return [ObjectRef(t.kind or "enum", name)]


def _depends_on(key: FunctionKey, routine: Routine) -> list[ObjectRef]:
    uses = [ref for p in routine.params for ref in _type_refs(p.type)]
    uses += _type_refs(routine.returns) + [ref for _, t in routine.table_columns for ref in _type_refs(t)]
    return uses


def _follow_type(schema: Schema, kind: str, old: Name, new: Name) -> Schema:
    """Routines whose parameters or result have a renamed type (TYPE_FOLLOWERS): PostgreSQL keeps
    them by the type's object id, so they show the new name; a routine's identity (its argument
    types) changes with it."""
    def moved(p: Param) -> Param:
        t = renamed_type(p.type, kind, old, new)
        return p if t == p.type else replace(p, type=t, pg_type=functions.pg_name(t))

    after = schema
    for key, r in list(schema.store("function").items()):
        if not isinstance(r, Routine):
            continue
        params = tuple(moved(p) for p in r.params)
        returns = renamed_type(r.returns, kind, old, new) if r.returns is not None else None
        columns = tuple((n, renamed_type(t, kind, old, new)) for n, t in r.table_columns)
        if (params, returns, columns) == (r.params, r.returns, r.table_columns):
            continue
        result = functions.pg_name(returns) if returns is not None and returns != r.returns else r.result
        if returns is None and len(outs := [p for p in params if p.mode in ("out", "inout")]) == 1:
            result = outs[0].pg_type
        routine = replace(r, params=params, returns=returns, table_columns=columns, result=result)
        after = after.with_object("function", routine.key, routine, replacing=key)
    return after


TYPE_FOLLOWERS.append(_follow_type)


def _rewritten(schema: Schema, rewrite: Callable[[Expr], Expr]) -> Schema:
    """Parameter defaults after a change PostgreSQL follows by OID (EXPRESSION_HOLDERS); bodies are
    text, which PostgreSQL does not follow either."""
    after = schema
    for key, r in list(schema.store("function").items()):
        if not isinstance(r, Routine):
            continue
        params = tuple(replace(p, default=rewrite(p.default)) if p.default is not None else p for p in r.params)
        if params != r.params:
            after = after.with_object("function", key, replace(r, params=params))
    return after


EXPRESSION_HOLDERS.append(_rewritten)


object_kind(ObjectKind(
    "function", names=lambda key, obj: (), depends_on=_depends_on, ref=lambda key, obj: obj.ref,
    key_of=lambda ref: FunctionKey(ref.name, ref.column or ""), rank=30,
))


def calls_in(e: Expr | None) -> list[ObjectRef]:
    """The user functions an expression may call: every function of that name (the model cannot
    always tell overloads apart without the schema); PostgreSQL's own names, unqualified, are not."""
    if e is None:
        return []
    found = []
    for call in e.find_all(ex.FuncCall):
        name = call.name.name.value
        if call.name.schema is None:
            if functions.is_known(name):
                continue
            found.append(ObjectRef("function", Name("public", name)))
        elif call.name.schema.value != "pg_catalog":
            found.append(ObjectRef("function", Name(call.name.schema.value, name)))
    return found


def _table_uses(table: Table) -> list[ObjectRef]:
    uses = [ref for c in table.columns for ref in calls_in(c.default)]
    uses += [ref for k in table.constraints for ref in calls_in(k.check)]
    uses += [ref for p in policies_of(table) for e in (p.using, p.check) for ref in calls_in(e)]
    uses += [ObjectRef("function", t.function.name, t.function.args) for t in triggers_of(table)]
    uses += [ref for t in triggers_of(table) for ref in calls_in(t.when)]
    return uses


def _index_uses(index: Index) -> list[ObjectRef]:
    return [ref for e in (*(el.expr for el in index.elements), index.where) for ref in calls_in(e)]


TABLE_DEPENDENCIES.append(_table_uses)
INDEX_DEPENDENCIES.append(_index_uses)


def _uses(ref: ObjectRef, e: Expr | None) -> bool:
    return any(used.name == ref.name and used.column is None for used in calls_in(e))


def _what_uses(ref: ObjectRef, table: Table) -> str:
    """How an error names the part of a table that uses a function."""
    for t in triggers_of(table):
        if (t.function.name, t.function.args) == (ref.name, ref.column) or _uses(ref, t.when):
            return f"trigger {t.name} on table {table.name.display()}"
    for p in policies_of(table):
        if _uses(ref, p.using) or _uses(ref, p.check):
            return f"policy {p.name} on table {table.name.display()}"
    for c in table.columns:
        if _uses(ref, c.default):
            return f"the default of column {table.name.display()}.{c.name}"
    for k in table.constraints:
        if _uses(ref, k.check):
            return f"constraint {k.name} of table {table.name.display()}"
    return f"table {table.name.display()}"


def describe_user(ref: ObjectRef, kind: str, key: Any, obj: Any) -> str:
    if kind == "table" and isinstance(obj, Table):
        return _what_uses(ref, obj)
    if kind == "index" and isinstance(obj, Index):
        return f"index {obj.name.display()}"
    name = key.display() if hasattr(key, "display") else str(key)
    return f"{kind} {name}"


# ------------------------------------------------------------------ lowering

_PSEUDO = {"void", "trigger", "record"}


def resolve_type(lw: Lowering, ref: TypeRef) -> SqlType | None:
    """A parameter's or result's type: a column type, or a table's row type (`returns setof events`)."""
    name = Name(ref.name.schema_name, ref.name.name.value)
    if name in lw.schema.tables and not ref.args and lw.known_type(ref) is None:
        return SqlType(name.name, (), ref.array_dims, name.schema, "composite")
    resolved = lw.resolve_type(ref)
    return resolved[0] if resolved is not None else None


def _param(lw: Lowering, p: FuncParam) -> Param | None:
    t = resolve_type(lw, p.type)
    if t is None:
        return None
    if p.default is not None:
        if p.mode == "out":
            lw.bag.error("E240", p.default.span, "an out parameter cannot have a default")
            return None
        check_default(lw, p.default, _as_column(p, t))
    return Param(p.mode, p.name.value if p.name is not None else None, t, functions.pg_name(t), p.default)


def _as_column(p: FuncParam, t: SqlType) -> Any:
    from migc.ir.model import Column

    return Column(p.name.value if p.name is not None else "$arg", t)


def _options(lw: Lowering, stmt: CreateFunction) -> dict[str, str] | None:
    found: dict[str, str] = {}
    ok = True
    for option, value, span in stmt.options:
        if option in found:
            lw.bag.error("E240", span, f"{option.replace('as', 'body')} given twice (conflicting or redundant options)")
            ok = False
        found[option] = value
    if "language" not in found:
        lw.bag.error("E240", stmt.name.span, f"{stmt.kind} {stmt.name.name.value} has no `language`",
                     "add `language sql` or `language plpgsql`")
        ok = False
    elif found["language"] not in ("sql", "plpgsql"):
        lw.bag.error("E240", stmt.span, f"language '{found['language']}' is not one migc models",
                     "write it as raw sql, or use language sql or plpgsql")
        ok = False
    if "as" not in found:
        lw.bag.error("E240", stmt.span, f"{stmt.kind} {stmt.name.name.value} has no body",
                     "add `as $$ ... $$`")
        ok = False
    returns_set = stmt.returns is not None and (stmt.returns.setof or bool(stmt.returns.columns))
    for option, value, span in stmt.options:
        problem = _option_problem(stmt.kind, option, value, returns_set)
        if problem is not None:
            lw.bag.error("E240", span, problem)
            ok = False
    return found if ok else None


_FUNCTION_ONLY = ("volatility", "strict", "leakproof", "parallel", "cost", "rows")


def _option_problem(kind: str, option: str, value: str, returns_set: bool) -> str | None:
    """What PostgreSQL refuses in one option of `create` or `alter function|procedure` (E240)."""
    if kind == "procedure" and option in _FUNCTION_ONLY:
        return f"a procedure takes no {option} option (only functions do)"
    if option.startswith("set ") and not value:
        return f"`{option}`: write `{option} = VALUE` or `{option} to VALUE`"
    if option == "parallel" and value not in ("safe", "restricted", "unsafe"):
        return f"parallel '{value}': it is safe, restricted or unsafe"
    if option in ("cost", "rows") and float(value) <= 0:  # PostgreSQL: "COST must be positive"
        return f"`{option}` must be positive"
    if option == "rows" and not returns_set:
        return "`rows` is for a function that returns a set"
    return None


def _with_option(r: Routine, option: str, value: str) -> Routine:
    """The routine with one option of `create` or `alter function` (not its language or body),
    as PostgreSQL applies it: a setting replaces one of its name in place or goes at the end."""
    if option.startswith("set "):
        values = tuple(tuple(v.split(":", 1)) for v in value.split(_SEP))
        return replace(r, config=set_config(r.config, option[4:], values))  # type: ignore[arg-type]
    match option:
        case "reset":
            return replace(r, config=reset_config(r.config, value))
        case "volatility":
            return replace(r, volatility=value)
        case "strict":
            return replace(r, strict=value == "true")
        case "security":
            return replace(r, security_definer=value == "definer")
        case "leakproof":
            return replace(r, leakproof=value == "true")
        case "parallel":
            return replace(r, parallel="" if value == "unsafe" else value)
        case "cost":
            return replace(r, cost=value)
        case "rows":
            return replace(r, rows=value)
    return r


def _returns(lw: Lowering, stmt: CreateFunction, params: list[Param], language: str) -> Routine | None:
    """The return part of the routine (the rest filled in by the caller)."""
    ret = stmt.returns
    outs = [p for p in params if p.mode in ("out", "inout")]
    blank = Routine(Name("", ""), stmt.kind, tuple(params), None, "", False, (), language, "v", False, False, "",
                    "void")
    if stmt.kind == "procedure":
        if ret is not None:
            lw.bag.error("E240", ret.span, "a procedure returns nothing: it takes no `returns`",
                         "use a function, or out parameters")
            return None
        return blank
    if ret is None:
        if not outs:
            lw.bag.error("E240", stmt.name.span, f"function {stmt.name.name.value} has no `returns`",
                         "add `returns TYPE` (or `returns void`)")
            return None
        result = outs[0].pg_type if len(outs) == 1 else "record"
        return replace(blank, returns=outs[0].type if len(outs) == 1 else None, result=result)
    if ret.columns:
        columns = []
        for col in ret.columns:
            col_type = resolve_type(lw, col.type)
            if col_type is None:
                return None
            columns.append((col.name.value, col_type))
        return replace(blank, pseudo="record", returns_set=True, table_columns=tuple(columns), result="record")
    assert ret.type is not None
    word = ret.type.name.name.value
    if ret.type.name.schema is None and word in _PSEUDO and not ret.type.args and not ret.type.array_dims:
        if word == "trigger":
            if ret.setof:
                lw.bag.error("E240", ret.span, "a trigger function returns `trigger`, not a set")
                return None
            if language == "sql":
                lw.bag.error("E240", ret.span, "a `language sql` function cannot return trigger",
                             "write trigger functions in plpgsql")
                return None
            if [p for p in params if p.is_input]:
                lw.bag.error("E240", stmt.params[0].span, "a trigger function takes no declared arguments",
                             "read the trigger's arguments from tg_argv")
                return None
        return replace(blank, pseudo=word, returns_set=ret.setof, result=word)
    t = resolve_type(lw, ret.type)
    if t is None:
        return None
    if outs and not (len(outs) == 1 and outs[0].type.same_type(t)):
        lw.bag.error("E240", ret.span, "the return type must be what the out parameters make "
                     f"({outs[0].pg_type if len(outs) == 1 else 'record'})")
        return None
    return replace(blank, returns=t, returns_set=ret.setof, result=functions.pg_name(t))


def _signature(r: Routine) -> tuple[object, ...]:
    return (r.result, r.returns_set, r.table_columns, tuple((p.mode, p.pg_type) for p in r.params if not p.is_input))


@lowers(CreateFunction)
def _lower_create(lw: Lowering, stmt: CreateFunction) -> None:
    name = lw.name(stmt.name, new=True)
    params = [_param(lw, p) for p in stmt.params]
    options = _options(lw, stmt)
    if name is None or options is None or any(p is None for p in params):
        return
    given = [p for p in params if p is not None]
    names = [p.name for p in given if p.name]
    for p in stmt.params:
        if p.name is not None and names.count(p.name.value) > 1:
            lw.bag.error("E240", p.name.span, f"parameter name '{p.name.value}' used more than once")
            return
    defaults = [p.default is not None for p in given if p.is_input]
    if True in defaults and not all(defaults[defaults.index(True):]):
        lw.bag.error("E240", stmt.span, "input parameters after one with a default must also have defaults")
        return
    shape = _returns(lw, stmt, given, options["language"])
    if shape is None:
        return
    tag, body = options["as"].split("$", 1)
    routine = replace(shape, name=name, language=options["language"], body=body, tag=tag)
    for option, value, _ in stmt.options:
        if option not in ("language", "as"):
            routine = _with_option(routine, option, value)
    existing = lw.schema.store("function").get(routine.key)
    if isinstance(existing, Routine):
        what = f"{existing.kind} {existing.key.display()}"
        if not stmt.or_replace:
            lw.bag.error("E242", stmt.name.span, f"{what} already exists",
                         f"use `create or replace {stmt.kind}` to change it")
            return
        if existing.kind != routine.kind:
            lw.bag.error("E243", stmt.name.span, f"cannot change {what} into a {routine.kind}",
                         f"drop {existing.kind} {existing.key.display()} first")
            return
        if _signature(existing) != _signature(routine):
            lw.bag.error("E243", stmt.returns.span if stmt.returns is not None else stmt.name.span,
                         f"cannot change the return type of {what} (it returns "
                         f"{'setof ' if existing.returns_set else ''}{existing.result})",
                         f"drop {existing.kind} {existing.key.display()} first, then create it")
            return
        old_names = [p.name for p in existing.params if p.is_input]
        new_names = [p.name for p in routine.params if p.is_input]
        changed = [(a, b) for a, b in zip(old_names, new_names) if a and a != b]
        if changed:
            lw.bag.error("E243", stmt.name.span, f"cannot change the name of input parameter '{changed[0][0]}' "
                         f"of {what}", f"drop {existing.kind} {existing.key.display()} first, then create it")
            return
        if sum(p.default is not None for p in existing.params) > sum(p.default is not None for p in routine.params):
            lw.bag.error("E243", stmt.name.span, f"cannot remove parameter defaults from {what}",
                         f"drop {existing.kind} {existing.key.display()} first, then create it")
            return
        lw.emit(CreateFunctionOp(routine, existing, True, True, stmt.span))
        return
    lw.emit(CreateFunctionOp(routine, None, stmt.or_replace, True, stmt.span))


@lowers(DropFunction)
def _lower_drop(lw: Lowering, stmt: DropFunction) -> None:
    params = None if stmt.params is None else [(p.mode, p.type) for p in stmt.params]
    routine = find_routine(lw, stmt.kind, stmt.name, params, stmt.if_exists, stmt.span)
    if routine is None:
        return
    users = lw.schema.users_of(routine.ref)
    if users:
        kind, key, obj = users[0]
        lw.bag.error("E246", stmt.span, f"cannot drop {routine.display()}: {describe_user(routine.ref, kind, key, obj)} "
                     "uses it", "drop or change what uses it first")
        return
    lw.emit(DropFunctionOp(routine, stmt.span))


@lowers(AlterFunction)
def _lower_alter(lw: Lowering, stmt: AlterFunction) -> None:
    params = None if stmt.params is None else [(p.mode, p.type) for p in stmt.params]
    routine = find_routine(lw, stmt.kind, stmt.name, params, span=stmt.span)
    if routine is None:
        return
    if stmt.new_name is not None:
        _lower_rename(lw, stmt, routine, stmt.new_name)
        return
    after = _altered(lw, stmt, routine)
    if after is None:
        return
    if after == routine:
        lw.does_nothing(stmt.span, f"{routine.display()} is already so",
                        hint="remove it (if the database differs from the model, migc diff shows the drift)")
        return
    lw.emit(AlterFunctionOp(routine, after, stmt.span))


def _altered(lw: Lowering, stmt: AlterFunction, routine: Routine) -> Routine | None:
    """The routine with the statement's options, or None after an error."""
    seen: set[str] = set()
    after = routine
    for option, value, span in stmt.options:
        if option in ("language", "as"):
            lw.bag.error("E240", span, f"`alter {stmt.kind}` cannot change its {option.replace('as', 'body')}",
                         f"use `create or replace {stmt.kind}`")
            return None
        key = f"reset {value}" if option == "reset" else option
        if key in seen or (option.startswith("set ") and f"reset {option[4:]}" in seen) \
                or (option == "reset" and f"set {value}" in seen):
            lw.bag.error("E240", span, "conflicting or redundant options")
            return None
        seen.add(key)
        problem = _option_problem(stmt.kind, option, value, routine.returns_set)
        if problem is not None:
            lw.bag.error("E240", span, problem)
            return None
        after = _with_option(after, option, value)
    return after


def _lower_rename(lw: Lowering, stmt: AlterFunction, routine: Routine, new_name: Ident) -> None:
    if not lw.check_ident(new_name):
        return
    new = routine.name.renamed(new_name.value)
    taken = lw.schema.store("function").get(FunctionKey(new, routine.key.args))
    if isinstance(taken, Routine):
        lw.bag.error("E242", new_name.span, f"{taken.display()} already exists")
        return
    users = lw.schema.users_of(routine.ref)
    why = _calls_ambiguous(lw.schema, routine, new) if users else None
    if why is not None:
        kind, key, obj = users[0]
        lw.bag.error("E246", stmt.span, f"cannot rename {routine.display()}: {describe_user(routine.ref, kind, key, obj)} "
                     f"calls it by its name, and {why}", "PostgreSQL would follow the rename, but the model "
                     "cannot tell which calls are of this routine: create the new one beside it, and move the "
                     "callers to it")
        return
    lw.emit(RenameFunctionOp(routine, new, stmt.span))


def _calls_ambiguous(schema: Schema, routine: Routine, new: Name) -> str | None:
    """Why the model cannot follow a rename into the calls of a routine (which it does by name),
    or None: another routine of its name (an overload), or a PostgreSQL function of the old or the
    new name (an unqualified call may be PostgreSQL's)."""
    same = [k for k in schema.store("function") if isinstance(k, FunctionKey) and k.name == routine.name]
    if len(same) > 1:
        return f"{len(same) - 1} more {routine.kind}(s) have that name"
    for name in (routine.name.name, new.name):
        if functions.is_known(name):
            return f"PostgreSQL has a function {name}()"
    return None


def _comment_finder(kind: str) -> Any:
    def find(lw: Lowering, subject: CommentSubject) -> Found | None:
        params = None if subject.args is None else [("in", t) for t in subject.args]
        routine = find_routine(lw, kind, subject.name, params)
        return (routine, routine.ref) if routine is not None else None

    return find


comment_target("function")(_comment_finder("function"))
comment_target("procedure")(_comment_finder("procedure"))


@comment_sql("function")
def _comment_sql(ref: ObjectRef) -> str:
    """ROUTINE: a function or a procedure (the ref does not say which)."""
    from migc import quoting

    return f"ROUTINE {quoting.qualified(ref.name.schema, ref.name.name)}({ref.column or ''})"


# ------------------------------------------------------------------ catalog

catalog_section(CatalogSection(
    "functions", "function",
    f"""SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
            pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p') AND {USER_NS} AND {not_extension_member('pg_proc', 'p.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {"definition": row[2]}),
))
