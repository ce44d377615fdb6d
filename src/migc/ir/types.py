"""Canonical PostgreSQL types, and which values PostgreSQL converts into which (with or without a
cast), which changes rewrite a table and which lose data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from migc import quoting
from migc.typenames import CATEGORY, SERIAL_TYPES, canonical_name

if TYPE_CHECKING:
    from migc.ir.model import Name

# which canonical types take which (count of) modifiers
_ARGS_ALLOWED: dict[str, tuple[int, ...]] = {"varchar": (0, 1), "char": (0, 1), "numeric": (0, 1, 2),
                                             "bit": (0, 1), "varbit": (0, 1)}
# fractional-second precision, 0..6
_PRECISION_TYPES = frozenset({"timestamp", "timestamptz", "time", "timetz", "interval"})
_ARGS_ALLOWED.update({name: (0, 1) for name in _PRECISION_TYPES})


@dataclass(frozen=True, slots=True)
class SqlType:
    """A column type. For a built-in type, `name` is canonical (`integer`, `varchar`, ...); a
    user-defined type (an enum, a domain, a composite type, an extension's type) has its `schema`
    and `kind` set."""

    name: str
    args: tuple[int, ...] = ()
    array_dims: int = 0
    schema: str | None = None  # set for user-defined types
    kind: str = ""  # "" built-in; "enum", "domain", "composite", or "base" (an extension's type)
    base: SqlType | None = None  # a domain's underlying type (what operators and casts see)
    typcategory: str = ""  # an extension's type: pg_type.typcategory ("S" for citext...)

    @property
    def is_enum(self) -> bool:
        return self.kind == "enum"

    @property
    def is_user(self) -> bool:
        """A user-defined type: the model (or an extension) made it."""
        return self.schema is not None

    @property
    def category(self) -> str:
        """pg_type.typcategory of the element type: what PostgreSQL converts it with."""
        if not self.kind:
            return CATEGORY.get(self.name, "?")
        if self.kind == "domain" and self.base is not None:
            return self.base.category
        return {"enum": "E", "composite": "C"}.get(self.kind) or self.typcategory or "U"

    def element(self) -> SqlType:
        return SqlType(self.name, self.args, 0, self.schema, self.kind, self.base, self.typcategory)

    def with_dims(self, array_dims: int) -> SqlType:
        return SqlType(self.name, self.args, array_dims, self.schema, self.kind, self.base, self.typcategory)

    def with_name(self, schema: str, name: str) -> SqlType:
        """The same type after it was renamed."""
        return SqlType(name, self.args, self.array_dims, schema, self.kind, self.base, self.typcategory)

    def same_type(self, other: SqlType) -> bool:
        """The same type, modifiers aside."""
        return (self.name, self.schema, self.array_dims) == (other.name, other.schema, other.array_dims)

    def sql(self) -> str:
        """The type as emitted SQL spells it."""
        base = quoting.qualified(self.schema, self.name) if self.schema is not None else self.name
        if self.args:
            base += "(" + ",".join(str(a) for a in self.args) + ")"
        return base + "[]" * self.array_dims

    def display(self) -> str:
        """How messages name the type."""
        base = f"{self.schema}.{self.name}" if self.schema and self.schema != "public" else self.name
        if self.args:
            base += "(" + ",".join(map(str, self.args)) + ")"
        return base + "[]" * self.array_dims


def check_args(name: str, args: tuple[int, ...]) -> str | None:
    """A problem with a type's modifiers, or None."""
    allowed = _ARGS_ALLOWED.get(name, (0,))
    if len(args) not in allowed:
        return f"type {name} takes no modifiers" if allowed == (0,) else f"type {name} takes at most {max(allowed)} modifier(s)"
    if name in ("varchar", "char", "bit", "varbit") and args and not 1 <= args[0] <= 10485760:
        return f"length for type {name} must be between 1 and 10485760, not {args[0]}"
    if name in _PRECISION_TYPES and args and not 0 <= args[0] <= 6:
        return f"{name} precision must be between 0 and 6, not {args[0]}"
    if name == "numeric" and args:
        precision = args[0]
        if not 1 <= precision <= 1000:
            return f"numeric precision {precision} must be between 1 and 1000"
        if len(args) == 2 and not -1000 <= args[1] <= 1000:
            return f"numeric scale {args[1]} must be between -1000 and 1000"
    return None


def assignable(src: SqlType, dst: SqlType) -> bool:
    """Does PostgreSQL convert a `src` value into a `dst` column on its own (an implicit or
    assignment cast), as it must for a default, an insert, or `alter column type` without `using`?"""
    if dst.array_dims == 0 and dst.category == "S":
        return True  # every type has an assignment I/O cast to the string types
    if src.array_dims != dst.array_dims:
        return False
    if src.is_enum or dst.is_enum:
        return src.name == dst.name and src.schema == dst.schema
    if src.name == dst.name:
        return True
    same_family = src.category == dst.category and src.category in "NSDTJA"
    if same_family:
        return True
    return (src.category, dst.category) in {("D", "T")}  # timestamp -> time


def _numeric_fits(src: tuple[int, ...], dst: tuple[int, ...]) -> bool:
    """Does every numeric(src) value fit numeric(dst) exactly? () is unconstrained."""
    if not dst:
        return True
    if not src:
        return False
    src_scale, dst_scale = (src[1] if len(src) > 1 else 0), (dst[1] if len(dst) > 1 else 0)
    return dst_scale >= src_scale and dst[0] - dst_scale >= src[0] - src_scale


def _length_fits(src: SqlType, dst: SqlType) -> bool:
    """Does every src string fit dst? varchar without a length and text are unbounded."""
    if dst.name == "text" or (dst.name == "varchar" and not dst.args):
        return True
    if src.name == "text" or not src.args:
        return False
    return dst.args[0] >= src.args[0]


def castable(src: SqlType, dst: SqlType) -> bool:
    """Is there a cast, explicit or not, from src to dst (so `using col::dst` works)?"""
    if assignable(src, dst) or src.category == "S" or dst.category == "S":
        return True  # strings convert to and from anything through its text form
    if src.array_dims != dst.array_dims:
        return False
    pair = (src.category, dst.category)
    if pair in {("D", "T"), ("D", "D"), ("T", "T"), ("N", "N"), ("J", "J"), ("A", "A")}:
        return True
    return {src.name, dst.name} == {"integer", "boolean"}  # int4 <-> bool exists, other widths do not


def rewrites_table(src: SqlType, dst: SqlType) -> bool:
    """Does `alter column type src -> dst` rewrite the table (and its indexes)?
    PostgreSQL skips the rewrite for binary-coercible changes that only relax a limit."""
    if src == dst:
        return False
    if src.array_dims != dst.array_dims or src.is_enum or dst.is_enum:
        return True
    if src.name in ("varchar", "text") and dst.name in ("varchar", "text"):
        return not _length_fits(src, dst)  # shortening must check (and PostgreSQL rewrites) every row
    if src.name == "numeric" and dst.name == "numeric":
        # more integer digits at the same scale, or dropping the limit, is a relabel only
        same_scale = (src.args[1:] or (0,)) == (dst.args[1:] or (0,))
        return not (not dst.args or (src.args and same_scale and dst.args[0] >= src.args[0]))
    if src.name == dst.name and src.name in _PRECISION_TYPES:
        return _less_precise(src, dst)  # more (or unlimited) precision is a relabel only
    return True  # timestamp <-> timestamptz is free only when the session time zone is UTC


def _less_precise(src: SqlType, dst: SqlType) -> bool:
    """Does dst keep fewer fractional-second digits than src (6 when unlimited)?"""
    return (dst.args[0] if dst.args else 6) < (src.args[0] if src.args else 6)


_INTEGER_DIGITS = {"smallint": 5, "integer": 10, "bigint": 19}

# numeric changes that keep every value exactly
_EXACT_WIDENING = {
    ("smallint", "integer"), ("smallint", "bigint"), ("smallint", "numeric"), ("smallint", "real"),
    ("smallint", "double precision"), ("integer", "bigint"), ("integer", "numeric"),
    ("integer", "double precision"), ("bigint", "numeric"), ("real", "double precision"),
}  # floating point to numeric is not here: PostgreSQL converts through 15 significant digits


def narrows(src: SqlType, dst: SqlType) -> bool:
    """Can converting `src` to `dst` lose data (so a down migration cannot restore it)?"""
    if src == dst:
        return False
    if src.array_dims != dst.array_dims:
        return True
    if src.category == "N" and dst.category == "N":
        if src.name == dst.name == "numeric":
            return not _numeric_fits(src.args, dst.args)
        if dst.name == "numeric" and dst.args:  # room for every digit of the source?
            digits = _INTEGER_DIGITS.get(src.name)
            return digits is None or dst.args[0] - (dst.args[1] if len(dst.args) > 1 else 0) < digits
        return (src.name, dst.name) not in _EXACT_WIDENING
    if src.category == "S" and dst.category == "S":
        return dst.name == "char" or src.name == "char" and dst.name != "text" or not _length_fits(src, dst)
    if dst.category == "S":
        return dst.name != "text" and not (dst.name == "varchar" and not dst.args)
    if src.name == dst.name and src.name in _PRECISION_TYPES:
        return _less_precise(src, dst)  # rounds to fewer fractional digits
    return src.name != dst.name or src.args != dst.args


__all__ = ["SqlType", "SERIAL_TYPES", "assignable", "canonical_name", "castable", "check_args", "narrows",
           "rewrites_table"]


def renamed_type(t: SqlType, kind: str, old: Name, new: Name) -> SqlType:
    """A type after the enum, domain, composite type or table (`kind` "composite": its row type)
    `old` was renamed to `new`: PostgreSQL keeps types by OID, so what holds one shows the new name
    (a domain over it too)."""
    if t.kind == kind and (t.schema, t.name) == (old.schema, old.name):
        return t.with_name(new.schema, new.name)
    if t.kind == "domain" and t.base is not None:
        base = renamed_type(t.base, kind, old, new)
        if base != t.base:
            return SqlType(t.name, t.args, t.array_dims, t.schema, t.kind, base, t.typcategory)
    return t
