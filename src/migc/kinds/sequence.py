"""`create sequence`, `alter sequence` (options, `restart`, `owned by`), `alter sequence ... rename to` /
`rename sequence`, `drop sequence` (PostgreSQL's sequences made on their own, beside the ones serial
and identity columns own).

The model keeps a sequence's options as pg_sequence shows them (what was not written filled in as
PostgreSQL does, by type and direction). Its owner is an attribute of the owning column ("owns": the
names of the sequences it owns), so it follows renames of the table and column as PostgreSQL's
dependency does; dropping the column or its table drops the sequence (Schema.owned_objects), and the
derived down gives it back. A default's `nextval('s')` names the sequence: renaming it rewrites the
literal as PostgreSQL shows the stored OID under its new name."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from migc import expr as ex
from migc import quoting
from migc.expr import Ident, QName, TypeRef
from migc.ir.catalog import USER_NS, CatalogSection, catalog_section, not_extension_member, qualified
from migc.ir.creation import attribute_ops, creator, restorer
from migc.ir.model import Attrs, HasAttrs, Name, ObjectRef, Table
from migc.ir.op import Lock, Op
from migc.ir.schema import OWNED_OBJECTS, TABLE_DEPENDENCIES, ObjectKind, Schema, object_kind
from migc.lower.comment_targets import CommentSubject, Found, comment_sql, comment_target
from migc.lower.context import Lowering, did_you_mean
from migc.lower.dispatch import lowers
from migc.lower.exprcheck import sequence_literals
from migc.source import Span
from migc.syntax.ast import Statement
from migc.tree import Marker, Node, builder, has_token, marker_value, node, nodes, optional, span_of, token
from migc.tree import span_field as _span
from migc.typenames import canonical_name

LIMITS = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}

# ------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class SeqOption(Node):
    """One option: kind "as" (type), "increment", "min", "max", "start", "cache" (number; None for `no
    minvalue` / `no maxvalue`), "cycle" (flag), "owned" (table and column; none: `owned by none`),
    "restart" (number or None)."""

    ARGS = ("type", "table", "column")
    kind: str
    number: int | None = None
    flag: bool = False
    type: TypeRef | None = None
    table: QName | None = None
    column: Ident | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CreateSequence(Statement):
    ARGS = ("name", "options")
    name: QName
    options: tuple[SeqOption, ...]
    if_not_exists: bool = False
    span: Span = _span()

    def declares(self) -> QName | None:
        return self.name


@dataclass(frozen=True, slots=True)
class AlterSequence(Statement):
    ARGS = ("name", "options")
    name: QName
    options: tuple[SeqOption, ...]
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RenameSequence(Statement):
    ARGS = ("name", "new_name")
    name: QName
    new_name: Ident
    if_exists: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DropSequence(Statement):
    ARGS = ("name",)
    name: QName
    if_exists: bool = False
    span: Span = _span()


@builder("signed_int")
def _signed_int(c: list[Any]) -> Marker:
    tok = token(c, "INT")
    assert tok is not None
    digits = int(tok.value)
    return Marker("int", -digits if has_token(c, "MINUS") else digits, span_of(c))


def _number_option(kind: str) -> Any:
    def build(c: list[Any]) -> SeqOption:
        return SeqOption(kind, marker_value(c, "int"), span=span_of(c))

    return build


builder("seq_increment")(_number_option("increment"))
builder("seq_minvalue")(_number_option("min"))
builder("seq_maxvalue")(_number_option("max"))
builder("seq_start")(_number_option("start"))
builder("seq_cache")(_number_option("cache"))
builder("seq_restart")(_number_option("restart"))


@builder("seq_as")
def _seq_as(c: list[Any]) -> SeqOption:
    return SeqOption("as", type=node(c, TypeRef), span=span_of(c))


@builder("seq_cycle")
def _seq_cycle(c: list[Any]) -> SeqOption:
    return SeqOption("cycle", flag=not has_token(c, "NO_CYCLE"), span=span_of(c))


@builder("seq_owned_by")
def _seq_owned_by(c: list[Any]) -> SeqOption:
    path = optional(c, Marker)
    if path is None:
        return SeqOption("owned", span=span_of(c))
    table, column = path.value
    return SeqOption("owned", table=table, column=column, span=span_of(c))


@builder("create_sequence")
def _create_sequence(c: list[Any]) -> CreateSequence:
    return CreateSequence(node(c, QName), tuple(nodes(c, SeqOption)), has_token(c, "IF_NOT_EXISTS"), span_of(c))


@builder("alter_sequence")
def _alter_sequence(c: list[Any]) -> AlterSequence:
    return AlterSequence(node(c, QName), tuple(nodes(c, SeqOption)), has_token(c, "IF_EXISTS"), span_of(c))


@builder("rename_sequence")
def _rename_sequence(c: list[Any]) -> RenameSequence:
    return RenameSequence(node(c, QName), node(c, Ident), has_token(c, "IF_EXISTS"), span_of(c))


@builder("drop_sequence")
def _drop_sequence(c: list[Any]) -> DropSequence:
    return DropSequence(node(c, QName), has_token(c, "IF_EXISTS"), span_of(c))


# ------------------------------------------------------------------ the model


@dataclass(frozen=True, slots=True)
class Sequence(HasAttrs):
    """A sequence's options as pg_sequence holds them."""

    name: Name
    type: str = "bigint"  # smallint | integer | bigint
    start: int = 1
    increment: int = 1
    min: int = 1
    max: int = 2**63 - 1
    cache: int = 1
    cycle: bool = False
    attrs: Attrs = ()

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("sequence", self.name)

    def clauses(self) -> str:
        """Its options, as CREATE SEQUENCE takes them: only those that differ from the defaults."""
        lo, hi = default_bounds(self.type, self.increment)
        parts = [f"AS {self.type}"] if self.type != "bigint" else []
        if self.increment != 1:
            parts.append(f"INCREMENT BY {self.increment}")
        if self.min != lo:
            parts.append(f"MINVALUE {self.min}")
        if self.max != hi:
            parts.append(f"MAXVALUE {self.max}")
        if self.start != (self.min if self.increment > 0 else self.max):
            parts.append(f"START WITH {self.start}")
        if self.cache != 1:
            parts.append(f"CACHE {self.cache}")
        if self.cycle:
            parts.append("CYCLE")
        return "".join(" " + p for p in parts)

    def changes_from(self, before: Sequence) -> str:
        """ALTER SEQUENCE's options that turn `before` into this one. A type change states both
        bounds: PostgreSQL would otherwise move a bound that was the old type's limit."""
        parts = [f"AS {self.type}"] if self.type != before.type else []
        if self.increment != before.increment:
            parts.append(f"INCREMENT BY {self.increment}")
        if self.min != before.min or self.type != before.type:
            parts.append(f"MINVALUE {self.min}")
        if self.max != before.max or self.type != before.type:
            parts.append(f"MAXVALUE {self.max}")
        if self.start != before.start:
            parts.append(f"START WITH {self.start}")
        if self.cache != before.cache:
            parts.append(f"CACHE {self.cache}")
        if self.cycle != before.cycle:
            parts.append("CYCLE" if self.cycle else "NO CYCLE")
        return "".join(" " + p for p in parts)


def default_bounds(type_name: str, increment: int) -> tuple[int, int]:
    lo, hi = LIMITS[type_name]
    return (1, hi) if increment > 0 else (lo, -1)


def owner_of(schema: Schema, name: Name) -> tuple[Name, str] | None:
    """The column that owns a sequence (`owned by`), if any."""
    for table in schema.tables.values():
        if table.name.schema != name.schema:
            continue
        for column in table.columns:
            owns = column.attr("owns")
            if isinstance(owns, tuple) and name.name in owns:
                return table.name, column.name
    return None


def _with_owner(schema: Schema, sequence: str, owner: tuple[Name, str], owned: bool) -> Schema:
    table, column = owner
    ref = ObjectRef.of_column(table, column)
    col = schema.tables[table].column(column)
    assert col is not None
    current = col.attr("owns")
    names = set(current) if isinstance(current, tuple) else set()
    names = names | {sequence} if owned else names - {sequence}
    return schema.with_attr(ref, "owns", tuple(sorted(names)) or None)


def _owned(schema: Schema, table: Name, column: str | None) -> list[tuple[str, Any, Any]]:
    found: list[tuple[str, Any, Any]] = []
    t = schema.tables.get(table)
    if t is None:
        return found
    store = schema.store("sequence")
    for c in t.columns:
        owns = c.attr("owns")
        if (column is None or c.name == column) and isinstance(owns, tuple):
            for seq in owns:
                key = Name(table.schema, seq)
                if key in store:
                    found.append(("sequence", key, store[key]))
    return found


def _used_by_table(table: Table) -> list[ObjectRef]:
    return [ObjectRef("sequence", name) for c in table.columns if c.default is not None
            for _, name in sequence_literals(c.default)]


object_kind(ObjectKind("sequence", names=lambda key, seq: [("relation", key.schema, key.name)], rank=20))
OWNED_OBJECTS.append(_owned)
TABLE_DEPENDENCIES.append(_used_by_table)


def _regclass_text(name: Name, qualified_text: bool) -> str:
    def part(word: str) -> str:
        return word if _PLAIN.fullmatch(word) else '"' + word.replace('"', '""') + '"'

    return f"{part(name.schema)}.{part(name.name)}" if qualified_text else part(name.name)


_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def _sequence_renamed(old: Name, new: Name) -> Callable[[ex.Expr], ex.Expr]:
    """nextval('old') after the sequence was renamed: PostgreSQL stored its OID, and shows the new
    name; the model rewrites the literal (keeping a schema the text named)."""

    def rewrite(e: ex.Expr) -> ex.Expr:
        targets = {id(lit) for lit, name in sequence_literals(e) if name == old}
        if not targets:
            return e

        def swap(n: Node) -> Node | None:
            if isinstance(n, ex.Literal) and id(n) in targets:
                return replace(n, value=_regclass_text(new, "." in n.value))
            return None

        return e.transform(swap)

    return rewrite


def _renamed_in_defaults(table: Table, old: Name, new: Name) -> Table:
    rewrite = _sequence_renamed(old, new)
    columns = tuple(replace(c, default=rewrite(c.default)) if c.default is not None else c for c in table.columns)
    return replace(table, columns=columns) if columns != table.columns else table


# ------------------------------------------------------------------ ops


@dataclass(frozen=True, slots=True)
class CreateSequenceOp(Op):
    sequence: Sequence
    span: Span = _span()
    TEMPLATE = "CREATE SEQUENCE {{ op.sequence.name|qname }}{{ op.sequence.clauses() }}"

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object("sequence", self.sequence.name, self.sequence)

    def invert(self) -> tuple[Op, ...]:
        return (DropSequenceOp(self.sequence, None, self.span),)

    def describe(self) -> str:
        return f"create sequence {self.sequence.name.display()}"

    def lock(self) -> Lock | None:
        return None

    def creates(self) -> tuple[ObjectRef, ...]:
        return (self.sequence.ref,)


@dataclass(frozen=True, slots=True)
class AlterSequenceOp(Op):
    before: Sequence
    after: Sequence
    restart: tuple[int | None, ...] = ()  # (): no restart; (None,): restart at start; (n,): restart with n
    span: Span = _span()
    TEMPLATE = ("ALTER SEQUENCE {{ op.after.name|qname }}{{ op.after.changes_from(op.before) }}"
                "{% if op.restart %} RESTART{% if op.restart[0] is not none %} WITH {{ op.restart[0] }}{% endif %}"
                "{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        return schema.with_object("sequence", self.after.name, replace(self.after, attrs=self.current(schema).attrs))

    def current(self, schema: Schema) -> Sequence:
        found: Sequence = schema.store("sequence")[self.after.name]
        return found

    def invert(self) -> tuple[Op, ...]:
        if self.before == self.after:
            return ()  # a restart alone: the position a sequence had is not part of the schema
        return (AlterSequenceOp(self.after, self.before, (), self.span),)

    def describe(self) -> str:
        return f"alter sequence {self.after.name.display()}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class SetSequenceOwnerOp(Op):
    sequence: Name
    owner: tuple[Name, str] | None  # (table, column); None: owned by none
    previous: tuple[Name, str] | None
    span: Span = _span()
    TEMPLATE = ("ALTER SEQUENCE {{ op.sequence|qname }} OWNED BY "
                "{% if op.owner %}{{ op.owner[0]|qname }}.{{ op.owner[1]|ident }}{% else %}NONE{% endif %}")

    def apply(self, schema: Schema) -> Schema:
        if self.previous is not None:
            schema = _with_owner(schema, self.sequence.name, self.previous, False)
        if self.owner is not None:
            schema = _with_owner(schema, self.sequence.name, self.owner, True)
        return schema

    def invert(self) -> tuple[Op, ...]:
        return (SetSequenceOwnerOp(self.sequence, self.previous, self.owner, self.span),)

    def describe(self) -> str:
        owner = f"{self.owner[0].display()}.{self.owner[1]}" if self.owner else "none"
        return f"sequence {self.sequence.display()} owned by {owner}"

    def lock(self) -> Lock | None:
        return None


@dataclass(frozen=True, slots=True)
class RenameSequenceOp(Op):
    old: Name
    new: Name
    span: Span = _span()
    TEMPLATE = "ALTER SEQUENCE {{ op.old|qname }} RENAME TO {{ op.new.name|ident }}"

    def apply(self, schema: Schema) -> Schema:
        seq: Sequence = schema.store("sequence")[self.old]
        owner = owner_of(schema, self.old)
        after = schema.with_object("sequence", self.new, replace(seq, name=self.new), replacing=self.old)
        if owner is not None:
            after = _with_owner(_with_owner(after, self.old.name, owner, False), self.new.name, owner, True)
        after = after.with_tables([_renamed_in_defaults(t, self.old, self.new) for t in after.tables.values()
                                   if any(ObjectRef("sequence", self.old) == u for u in _used_by_table(t))])
        return after.with_expressions_rewritten(_sequence_renamed(self.old, self.new))

    def invert(self) -> tuple[Op, ...]:
        return (RenameSequenceOp(self.new, self.old, self.span),)

    def describe(self) -> str:
        return f"rename sequence {self.old.display()} to {self.new.name}"

    def lock(self) -> Lock | None:
        return None

    def renames(self) -> tuple[ObjectRef, ObjectRef] | None:
        return ObjectRef("sequence", self.old), ObjectRef("sequence", self.new)


@dataclass(frozen=True, slots=True)
class DropSequenceOp(Op):
    sequence: Sequence  # with its attributes, to give them back
    owner: tuple[Name, str] | None
    span: Span = _span()
    TEMPLATE = "DROP SEQUENCE {{ op.sequence.name|qname }}"

    def apply(self, schema: Schema) -> Schema:
        if self.owner is not None:
            schema = _with_owner(schema, self.sequence.name.name, self.owner, False)
        return schema.without_object("sequence", self.sequence.name)

    def invert(self) -> tuple[Op, ...]:
        owner = (SetSequenceOwnerOp(self.sequence.name, self.owner, None, self.span),) if self.owner else ()
        return (CreateSequenceOp(self.sequence.without_attrs(), self.span),
                *attribute_ops(self.sequence.ref, self.sequence), *owner)

    def describe(self) -> str:
        return f"drop sequence {self.sequence.name.display()}"

    def lock(self) -> Lock | None:
        return None


@creator(Sequence)
def _create(sequence: Sequence) -> tuple[Op, ...]:
    return (CreateSequenceOp(sequence),)


@restorer("owns")
def _restore_owner(column: ObjectRef, value: object) -> tuple[Op, ...]:
    assert isinstance(value, tuple) and column.column is not None
    return tuple(SetSequenceOwnerOp(Name(column.name.schema, seq), (column.name, column.column), None)
                 for seq in value)


# ------------------------------------------------------------------ lowering


def _sequence(lw: Lowering, qname: QName) -> Sequence | None:
    name = lw.name(qname)
    if name is None:
        return None
    found: Sequence | None = lw.schema.store("sequence").get(name)
    if found is None:
        hint = did_you_mean(name.name, [n.name for n in lw.schema.store("sequence") if n.schema == name.schema])
        if lw.sequence_exists(name):
            hint = "it belongs to a serial or identity column: change it through the column"
        lw.unknown(name, "E232", qname.span, f"unknown sequence '{name.display()}'", hint)
    return found


def _settle(lw: Lowering, name: Name, base: Sequence | None, options: tuple[SeqOption, ...]) -> Sequence | None:
    """The sequence after its options, as PostgreSQL's init_params settles them (what is not given is
    kept, or on creation filled in by type and direction), or None after an error (E235)."""
    given: dict[str, SeqOption] = {}
    for o in options:
        if o.number is not None and not LIMITS["bigint"][0] <= o.number <= LIMITS["bigint"][1]:
            lw.bag.error("E235", o.span, f"value {o.number} is out of range for type bigint")
            return None
        if o.kind in ("owned", "restart"):
            continue
        if o.kind in given:
            lw.bag.error("E235", o.span, "conflicting or redundant options")
            return None
        given[o.kind] = o
    init = base is None
    old = base or Sequence(name)
    type_name = old.type
    reset_max = reset_min = False
    if "as" in given:
        ref = given["as"].type
        assert ref is not None
        canonical = canonical_name(ref.name.name.value) if ref.name.schema is None else None
        if canonical not in LIMITS or ref.args or ref.array_dims:
            lw.bag.error("E235", ref.span, "sequence type must be smallint, integer, or bigint")
            return None
        assert canonical is not None
        if not init:
            lo, hi = LIMITS[old.type]
            reset_max, reset_min = old.max == hi, old.min == lo
        type_name = canonical
    lo, hi = LIMITS[type_name]

    def number(kind: str, default: int) -> int:
        o = given.get(kind)
        return o.number if o is not None and o.number is not None else default

    increment = number("increment", old.increment)
    if increment == 0:
        lw.bag.error("E235", given["increment"].span, "INCREMENT must not be zero")
        return None
    if "max" in given and given["max"].number is not None:
        maximum = number("max", 0)
    elif init or "max" in given or reset_max:
        maximum = hi if increment > 0 or reset_max else -1
    else:
        maximum = old.max
    if "min" in given and given["min"].number is not None:
        minimum = number("min", 0)
    elif init or "min" in given or reset_min:
        minimum = lo if increment < 0 or reset_min else 1
    else:
        minimum = old.min
    where = NO_OPTIONS
    for value, what in ((maximum, "MAXVALUE"), (minimum, "MINVALUE")):
        if not lo <= value <= hi:
            lw.bag.error("E235", (given.get("max" if what == "MAXVALUE" else "min") or given.get("as") or
                                  _first(options, where)).span,
                         f"{what} ({value}) is out of range for sequence data type {type_name}")
            return None
    if minimum >= maximum:
        lw.bag.error("E235", _first(options, where).span, f"MINVALUE ({minimum}) must be less than MAXVALUE ({maximum})")
        return None
    start = number("start", (minimum if increment > 0 else maximum) if init else old.start)
    if not minimum <= start <= maximum:
        bound = ("less than MINVALUE", minimum) if start < minimum else ("greater than MAXVALUE", maximum)
        lw.bag.error("E235", (given.get("start") or _first(options, where)).span,
                     f"START value ({start}) cannot be {bound[0]} ({bound[1]})")
        return None
    for o in options:
        if o.kind == "restart" and o.number is not None and not minimum <= o.number <= maximum:
            lw.bag.error("E235", o.span, f"RESTART value ({o.number}) is outside {minimum}..{maximum}")
            return None
    cache = number("cache", old.cache)
    if cache < 1:
        lw.bag.error("E235", given["cache"].span, f"CACHE ({cache}) must be greater than zero")
        return None
    cycle = given["cycle"].flag if "cycle" in given else old.cycle
    return Sequence(name, type_name, start, increment, minimum, maximum, cache, cycle, old.attrs)


NO_OPTIONS = SeqOption("none")


def _first(options: tuple[SeqOption, ...], default: SeqOption) -> SeqOption:
    return options[0] if options else default


def _owner(lw: Lowering, sequence: Name, option: SeqOption) -> tuple[bool, tuple[Name, str] | None]:
    """(ok, owner) of an `owned by` option."""
    if option.table is None or option.column is None:
        return True, None
    table = lw.table(option.table)
    if table is None:
        return False, None
    column = lw.column(table, option.column)
    if column is None:
        return False, None
    if table.name.schema != sequence.schema:
        lw.bag.error("E235", option.span, f"sequence '{sequence.display()}' must be in the same schema as table "
                     f"'{table.name.display()}', which owns it")
        return False, None
    return True, (table.name, column.name)


@lowers(CreateSequence)
def _lower_create(lw: Lowering, stmt: CreateSequence) -> None:
    name = lw.name(stmt.name, new=True)
    if name is None:
        return
    if stmt.if_not_exists and (name in lw.schema.store("sequence") or lw.sequence_exists(name)):
        lw.does_nothing(stmt.span, f"sequence '{name.display()}' already exists")
        return
    if not lw.relation_free(name, stmt.name.span, "E233", "sequence"):
        return
    sequence = _settle(lw, name, None, stmt.options)
    if sequence is None:
        return
    owned = [o for o in stmt.options if o.kind == "owned"]
    ok, owner = _owner(lw, name, owned[-1]) if owned else (True, None)
    if not ok:
        return
    lw.emit(CreateSequenceOp(sequence, stmt.span))
    if owner is not None:
        lw.emit(SetSequenceOwnerOp(name, owner, None, stmt.span))


@lowers(AlterSequence)
def _lower_alter(lw: Lowering, stmt: AlterSequence) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.store("sequence"):
            lw.does_nothing(stmt.span, f"there is no sequence '{name.display()}'")
            return
    sequence = _sequence(lw, stmt.name)
    if sequence is None:
        return
    after = _settle(lw, sequence.name, sequence, stmt.options)
    if after is None:
        return
    owned = [o for o in stmt.options if o.kind == "owned"]
    ok, owner = _owner(lw, sequence.name, owned[-1]) if owned else (True, None)
    if not ok:
        return
    restarts = [o for o in stmt.options if o.kind == "restart"]
    restart: tuple[int | None, ...] = (restarts[-1].number,) if restarts else ()
    if after != sequence or restart:
        lw.emit(AlterSequenceOp(sequence, after, restart, stmt.span))
    if owned:
        previous = owner_of(lw.schema, sequence.name)
        if previous != owner:
            lw.emit(SetSequenceOwnerOp(sequence.name, owner, previous, stmt.span))


@lowers(RenameSequence)
def _lower_rename(lw: Lowering, stmt: RenameSequence) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.store("sequence"):
            lw.does_nothing(stmt.span, f"there is no sequence '{name.display()}'")
            return
    sequence = _sequence(lw, stmt.name)
    if sequence is None or not lw.check_ident(stmt.new_name):
        return
    new = sequence.name.renamed(stmt.new_name.value)
    if not lw.relation_free(new, stmt.new_name.span, "E233", "cannot rename to"):
        return
    lw.emit(RenameSequenceOp(sequence.name, new, stmt.span))


@lowers(DropSequence)
def _lower_drop(lw: Lowering, stmt: DropSequence) -> None:
    if stmt.if_exists:
        name = lw.name(stmt.name)
        if name is None:
            return
        if name not in lw.schema.store("sequence"):
            lw.does_nothing(stmt.span, f"there is no sequence '{name.display()}'")
            return
    sequence = _sequence(lw, stmt.name)
    if sequence is None:
        return
    for kind, key, _ in lw.schema.users_of(sequence.ref):
        if kind != "table":
            lw.bag.error("E234", stmt.span, f"cannot drop sequence '{sequence.name.display()}': {kind} "
                         f"'{key.display() if isinstance(key, Name) else key}' uses it")
            return
    for table in lw.schema.tables.values():
        for column in table.columns:
            if column.default is not None and any(n == sequence.name for _, n in sequence_literals(column.default)):
                lw.bag.error("E234", stmt.span, f"cannot drop sequence '{sequence.name.display()}': the default of "
                             f"column '{table.name.display()}.{column.name}' uses it",
                             f"drop that default first: alter table {table.name.display()} alter column "
                             f"{column.name} drop default")
                return
    lw.emit(DropSequenceOp(sequence, owner_of(lw.schema, sequence.name), stmt.span))


@comment_target("sequence")
def _comment_target(lw: Lowering, subject: CommentSubject) -> Found | None:
    sequence = _sequence(lw, subject.name)
    return (sequence, sequence.ref) if sequence is not None else None


@comment_sql("sequence")
def _comment_sql(ref: ObjectRef) -> str:
    return f"SEQUENCE {quoting.qualified(ref.name.schema, ref.name.name)}"


# ------------------------------------------------------------------ catalog

# every sequence: those `create sequence` makes, and those serial and identity columns own
catalog_section(CatalogSection(
    "sequences", "sequence",
    f"""SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
            s.seqmin, s.seqmax, s.seqcycle,
            (SELECT tn.nspname || '.' || tc.relname || '.' || ta.attname FROM pg_depend d
               JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
               JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
               AND d.refobjsubid > 0 LIMIT 1), s.seqcache
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND {not_extension_member('pg_class', 'c.oid')}""",
    lambda row: ((qualified(row[0], row[1]),), {
        "type": row[2], "start": row[3], "increment": row[4], "min": row[5], "max": row[6], "cycle": row[7],
        "owned_by": row[8], "cache": row[9],
    }),
))
