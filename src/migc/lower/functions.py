"""Function calls against PostgreSQL's own functions and the model's: does the function exist, what
does it return, how volatile is it.

PostgreSQL's built-in functions come from src/migc/data/pg_catalog.json.gz, generated from pg_proc of
the supported versions (tools/gen_pg_catalog.py), read on first use. Resolution follows PostgreSQL's
in outline (func_select_candidate): the candidates of that name and argument count; those whose
every argument is the same type, an implicit cast away, an untyped literal, or a polymorphic type
(anyelement...); the exact matches first. Where the model cannot know an argument's type, any
candidate is possible, and a result is given only when they all agree. Unknown stays unknown:
migc reports only what it can be sure of.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from migc.expr import FuncCall
from migc.ir.model import Name, ObjectRef
from migc.ir.schema import OBJECT_KINDS, Schema
from migc.ir.routine import FunctionKey, Routine
from migc.ir.types import SqlType
from migc.typenames import canonical_name


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple[str, ...]  # PostgreSQL's type names (format_type): "integer", "text[]", "anyelement"
    returns: str
    volatility: str  # "i" immutable, "s" stable, "v" volatile
    kind: str = "f"  # "f" function, "a" aggregate, "w" window, "p" procedure
    variadic: bool = False
    returns_set: bool = False
    schema: str = "pg_catalog"  # a user function's schema (the model's)
    optional: int = 0  # trailing arguments with defaults (a user function's), which a call may leave out

    @property
    def volatile(self) -> bool:
        return self.volatility == "v"


@dataclass(frozen=True)
class _Catalog:
    functions: dict[str, list[Function]]
    implicit: frozenset[tuple[str, str]]  # (source, target) PostgreSQL converts on its own
    categories: dict[str, str]  # type name -> pg_type.typcategory


@functools.cache
def _catalog() -> _Catalog:
    data: Any = json.loads(gzip.decompress(resources.files("migc").joinpath("data/pg_catalog.json.gz").read_bytes()))
    functions: dict[str, list[Function]] = {}
    for f in data["functions"]:
        functions.setdefault(f["name"], []).append(Function(
            f["name"], tuple(f["args"]), f["returns"], f["volatility"], f["kind"], f["variadic"], f["set"]))
    implicit = frozenset((s, t) for s, t, context in data["casts"] if context == "i")
    categories = {name: v[0] for name, v in data["types"].items()}
    return _Catalog(functions, implicit, categories)


def builtin(name: str) -> list[Function]:
    """PostgreSQL's functions of that name (lower case, unqualified or in pg_catalog)."""
    return _catalog().functions.get(name, [])


def implicit_casts() -> frozenset[tuple[str, str]]:
    """(source, target) type names PostgreSQL converts between on its own (pg_cast context 'i')."""
    return _catalog().implicit


def builtin_names() -> Iterable[str]:
    return _catalog().functions.keys()


# written like calls, but PostgreSQL's grammar turns them into expressions of their own
SYNTAX_FUNCTIONS = frozenset({"coalesce", "nullif", "greatest", "least", "trim"})


def is_known(name: str) -> bool:
    return name in SYNTAX_FUNCTIONS or name in _catalog().functions


def volatility(name: str) -> str | None:
    """The most volatile a built-in function of that name can be; None when there is none."""
    found = builtin(name)
    if not found:
        return "i" if name in SYNTAX_FUNCTIONS else None
    return max((f.volatility for f in found), key="isv".index)


# canonical (model) type name -> PostgreSQL's format_type name, where they differ
_PG_NAMES = {
    "varchar": "character varying", "char": "character", "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "timetz": "time with time zone",
    "time": "time without time zone", "varbit": "bit varying",
}
_POLYMORPHIC = frozenset({
    "anyelement", "anyarray", "anynonarray", "anyenum", "anyrange", "anymultirange", "anycompatible",
    "anycompatiblearray", "anycompatiblenonarray", "anycompatiblerange", "anycompatiblemultirange", '"any"',
})


def pg_name(t: SqlType) -> str:
    """PostgreSQL's name of a model type, without modifiers (what pg_proc's arguments say)."""
    base = f"{t.schema}.{t.name}" if t.is_user else _PG_NAMES.get(t.name, t.name)
    return base + "[]" * t.array_dims


def model_type(pg: str) -> SqlType | None:
    """A model type from PostgreSQL's name; None for polymorphic or unmodelled ones."""
    dims = 0
    while pg.endswith("[]"):
        pg, dims = pg[:-2], dims + 1
    canonical = canonical_name(pg)
    return SqlType(canonical, (), dims) if canonical is not None else None


@dataclass(frozen=True)
class Call:
    """What the model knows of a call: the candidate functions it may be, and what they agree on."""

    candidates: tuple[Function, ...]  # the ones the arguments fit (all of that name when unsure)
    arity_fits: bool  # some function of that name takes this many arguments

    @property
    def result(self) -> SqlType | None:
        results = {c.returns for c in self.candidates if c.returns not in _POLYMORPHIC and not c.returns_set}
        if len(results) == 1 and not any(c.returns in _POLYMORPHIC for c in self.candidates):
            return model_type(results.pop())
        return None

    @property
    def volatility(self) -> str | None:
        """The least volatile the call can be ("i" < "s" < "v"), None when unknown."""
        if not self.candidates:
            return None
        return max((c.volatility for c in self.candidates), key="isv".index)


def _takes(f: Function, count: int) -> bool:
    return len(f.args) - f.optional <= count <= len(f.args) or (f.variadic and count >= len(f.args) - 1)


def _fits(arg: SqlType | None, literal: bool, param: str) -> int:
    """2: the same type; 1: an implicit cast, a literal, a polymorphic or unknown argument; 0: no."""
    if param in _POLYMORPHIC or param.startswith("any"):
        return 1
    if arg is None:
        return 1  # an untyped literal, or an argument the model cannot type: it may fit
    name = pg_name(arg)
    if name == param:
        return 2
    if (name, param) in _catalog().implicit:
        return 1
    if arg.is_enum and param in ("anyenum", "anyelement"):
        return 1
    return 0


def resolve(candidates: list[Function], args: list[tuple[SqlType | None, bool]]) -> Call:
    """`args`: each argument's type (None: unknown) and whether it is an untyped literal."""
    by_count = [f for f in candidates if _takes(f, len(args))]
    scored = []
    for f in by_count:
        params = list(f.args)
        if f.variadic and params:
            params = params[:-1] + [params[-1].removesuffix("[]")] * (len(args) - len(params) + 1)
        scores = [_fits(a, lit, p) for (a, lit), p in zip(args, params)]
        if all(scores):
            scored.append((sum(scores), f))
    if not scored:
        return Call((), bool(by_count))
    best = max(score for score, _ in scored)
    exact = tuple(f for score, f in scored if score == best)
    return Call(exact, True)


# ---------------------------------------------------------------- the model's functions


def model_functions_called(schema: Schema, call: FuncCall) -> tuple[ObjectRef, ...]:
    """The model's own functions (`create function`, kept in `schema.store("function")`) that a call
    may be: what whatever makes the call (a view) depends on. By name and schema; without argument
    types (`column` None), which `same_object` takes as every function of that name."""
    store = schema.store("function")
    if not store:
        return ()
    kind = OBJECT_KINDS.get("function")
    if kind is None:
        return ()
    schema_name = call.name.schema.value if call.name.schema is not None else None
    found: dict[ObjectRef, None] = {}
    for key, obj in store.items():
        ref = kind.ref_of(key, obj)
        if ref.name.name == call.name.name.value and schema_name in (None, ref.name.schema):
            found.setdefault(ObjectRef(ref.kind, ref.name), None)
    return tuple(found)
# ---------------------------------------------------------------- the model's functions (language v2)
# One lookup for every call the model checks (defaults, checks, generated columns, indexes, views,
# policies): PostgreSQL's own functions and those `create function` made, with the same overload
# resolution and volatility. An unqualified name searches pg_catalog and public (PostgreSQL's
# default search_path); a qualified one, that schema only.


def _as_function(routine: Routine) -> Function:
    inputs = [p for p in routine.params if p.is_input]
    return Function(routine.name.name, tuple(p.pg_type for p in inputs), routine.result, routine.volatility,
                    "p" if routine.kind == "procedure" else "f", bool(inputs) and inputs[-1].mode == "variadic",
                    routine.returns_set, routine.name.schema,
                    sum(1 for p in inputs if p.default is not None))


def user_routines(schema: Schema, name: str, in_schema: str | None = None) -> list[Routine]:
    """The model's functions and procedures of that name (in that schema, or in public when None)."""
    wanted = in_schema or "public"
    return [r for key, r in schema.store("function").items()
            if isinstance(key, FunctionKey) and key.name == (wanted, name)]


def candidates(schema: Schema, name: str, in_schema: str | None = None) -> list[Function]:
    """Every function a call of this name may be: PostgreSQL's (unqualified or pg_catalog) and the
    model's (procedures are not called from expressions)."""
    found = builtin(name) if in_schema in (None, "pg_catalog") else []
    if in_schema != "pg_catalog":
        found = found + [_as_function(r) for r in user_routines(schema, name, in_schema) if r.kind == "function"]
    return found


def lookup(schema: Schema, name: str, args: list[tuple[SqlType | None, bool]], in_schema: str | None = None) -> Call:
    """THE call lookup: what `name(args)` may be, what it returns and how volatile it is.
    `args`: each argument's type (None: unknown) and whether it is an untyped literal."""
    return resolve(candidates(schema, name, in_schema), args)


def model_routine(routines: list[Routine], found: Call) -> Routine | None:
    """Which of `routines` (the model's of the call's name) a call resolved to: None when it may be
    PostgreSQL's function, or more than one."""
    if len(found.candidates) != 1 or found.candidates[0].schema == "pg_catalog":
        return None
    chosen = found.candidates[0]
    return next((r for r in routines if r.kind == "function"
                 and tuple(p.pg_type for p in r.params if p.is_input) == chosen.args), None)


def result_columns(schema: Schema, routine: Routine) -> tuple[list[tuple[str, SqlType]], ObjectRef | None] | None:
    """The columns a function gives in FROM, as PostgreSQL names them: `returns table (...)`'s; its
    out parameters' (unnamed ones `column1`...; a single one gives one column, named after it); a
    table's or composite type's row (with the table or type). None: one column of its scalar
    result (named by the caller)."""
    if routine.table_columns:
        return list(routine.table_columns), None
    outs = [p for p in routine.params if p.mode in ("out", "inout")]
    if len(outs) > 1 or (outs and outs[0].name is not None):
        return [(p.name or f"column{i}", p.type) for i, p in enumerate(outs, 1)], None
    row = routine.returns
    if outs or row is None or row.kind != "composite" or row.array_dims or row.schema is None:
        return None
    row_name = Name(row.schema, row.name)
    table = schema.tables.get(row_name)
    if table is not None:
        return [(c.name, c.type) for c in table.columns], table.ref
    composite = schema.store("composite").get(row_name)
    attributes: list[tuple[str, SqlType]] = list(getattr(composite, "attributes", None) or ())
    return (attributes, ObjectRef("composite", row_name)) if attributes else None


def user_key(function: Function) -> FunctionKey | None:
    """The model's key of a user function (None for PostgreSQL's own)."""
    if function.schema == "pg_catalog":
        return None
    from migc.ir.model import Name

    return FunctionKey(Name(function.schema, function.name), ", ".join(function.args))
