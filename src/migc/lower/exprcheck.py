"""Checking the expressions of defaults, checks, indexes and `using` against the table they touch."""

from __future__ import annotations

import difflib
from collections.abc import Callable

from migc import expr as ex
from migc.ir.model import Column, EnumType, Name
from migc.ir.types import SqlType
from migc.lower import extensions, functions
from migc.lower.context import Lowering, did_you_mean
from migc.lower.defaults import default_problem
from migc.lower.typecheck import BOOLEAN, CallResolver, Typed, fits, infer


def _lookup(lw: Lowering, columns: dict[str, Column], table: str, what: str) -> Callable[[ex.ColumnRef], SqlType | None]:
    def column(ref: ex.ColumnRef) -> SqlType | None:
        col = columns.get(ref.name.value)
        if col is None:
            lw.bag.error("E103", ref.span, f"{what} names unknown column '{ref.name.value}' of table '{table}'",
                         did_you_mean(ref.name.value, columns))
            return None
        return base_type(col.type)

    return column


def call_resolver(lw: Lowering) -> CallResolver:
    """How `infer` resolves calls during lowering: through `functions.lookup`, with the model's
    functions. A call whose name only the model's functions have, and none of them fits (arity or
    argument types), is E219, as PostgreSQL says "function f(integer) does not exist"."""
    reported: set[object] = set()

    def call(fc: ex.FuncCall, args: list[tuple[SqlType | None, bool]]) -> functions.Call:
        name = fc.name.name.value
        in_schema = fc.name.schema.value if fc.name.schema is not None else None
        name = {"trim": "btrim"}.get(name, name) if in_schema in (None, "pg_catalog") else name
        found = functions.lookup(lw.schema, name, args, in_schema)
        users = functions.user_routines(lw.schema, name, in_schema) if in_schema != "pg_catalog" else []
        users = [r for r in users if r.kind == "function"]
        if (not found.candidates and users and not (in_schema is None and functions.builtin(name))
                and fc.span not in reported):
            reported.add(fc.span)
            given = ", ".join(t.display() if t is not None else ("unknown" if not lit else "literal")
                              for t, lit in args)
            takes = "; ".join(f"{r.name.display()}({r.key.args})" for r in users)
            lw.bag.error("E219", fc.name.span, f"no function {fc.name.name.value}({given}): the model has {takes}",
                         "give the arguments the types it takes (a cast: x::text)")
        return found

    return call


def check_functions(lw: Lowering, expr: ex.Expr) -> None:
    """Every function an expression calls exists: one of PostgreSQL's, or the model's. After raw
    `sql` (which may have made one) an unknown function is a warning, not an error."""
    for call in expr.find_all(ex.FuncCall):
        name = call.name.name.value
        if call.name.schema is not None and call.name.schema.value != "pg_catalog":
            continue  # a schema's own function (or an extension's there): language v2 models them
        if (functions.is_known(name) or functions.user_routines(lw.schema, name)  # public: the search path
                or extensions.functions_named(lw.schema, name)):
            continue
        if lw.schema.opaque:
            lw.bag.warning("W004", call.name.span, f"function '{name}' is not one migc knows: the model cannot "
                           "check it (an earlier raw sql statement may have made it)",
                           "make it with `create function` so the model knows it")
            continue
        close = difflib.get_close_matches(name, list(functions.builtin_names()), n=1, cutoff=0.8)
        owner = extensions.function_owner(name)
        where = next((ext.schema for ext, _ in extensions.installed(lw.schema) if ext.name == owner), None)
        hint = f"did you mean '{close[0]}'?" if close else None
        if owner is not None:
            hint = f"extension {owner} is in schema {where}: write {where}.{name}(...)" if where is not None \
                else f"{name}() comes with extension {owner}: create extension {owner} first"
        lw.unknown(Name("public", name), "E219", call.name.span, f"unknown function '{name}'", hint)


def check_default(lw: Lowering, expr: ex.Expr, column: Column) -> Typed:
    """A default may not name columns, and its value must fit the column's type."""
    check_functions(lw, expr)
    check_sequences(lw, expr)
    for ref in expr.column_refs():
        lw.bag.error("E210", ref.span, f"a default cannot refer to column '{ref.name.value}'",
                     "to quote a string, use single quotes: 'text'")
    typed = infer(expr, lambda ref: None, lw.resolve_cast_type, calls=call_resolver(lw))
    problem = fits(typed, column.type)
    if problem is None and typed.literal == "string" and column.type.is_enum and not column.type.array_dims:
        enum = lw.schema.enums.get(Name(column.type.schema or "public", column.type.name))
        problem = _enum_label_problem(typed.value or "", enum)
    if problem is not None:
        lw.bag.error("E201", expr.span, f"default for column '{column.name}': {problem}")
    elif (refused := default_problem(lw, expr, column.type)) is not None:  # language v2: constants' input
        lw.bag.error("E201", refused[0].span, f"default for column '{column.name}': {refused[1]}")
    elif typed.literal == "string" and column.type.is_enum:
        _new_label_used(lw, Name(column.type.schema or "public", column.type.name), typed.value or "", expr)
    return typed


def _new_label_used(lw: Lowering, enum: Name, label: str, where: ex.Expr) -> None:
    """PostgreSQL refuses (55P04) to use an enum label before the transaction that added it commits."""
    if (enum, label) in lw.added_labels:
        lw.bag.error("E218", where.span, f"enum label '{label}' of {enum.display()} is added by this migration: "
                     "PostgreSQL cannot use it before the migration has committed",
                     "use it in a later migration (add the value in a migration of its own)")


def _new_labels_compared(lw: Lowering, expr: ex.Expr, columns: dict[str, Column]) -> None:
    """`role = 'owner'`, `role in ('owner', ...)` where 'owner' was added to role's enum just now."""
    if not lw.added_labels:
        return
    for node in expr.walk():
        pairs: list[tuple[ex.Expr, ex.Expr]] = []
        if isinstance(node, ex.Binary):
            pairs = [(node.left, node.right), (node.right, node.left)]
        elif isinstance(node, ex.InList):
            pairs = [(node.operand, item) for item in node.items]
        for column_side, value in pairs:
            col = columns.get(column_side.name.value) if isinstance(column_side, ex.ColumnRef) else None
            if col is not None and col.type.is_enum and isinstance(value, ex.Literal) and value.kind == "string":
                _new_label_used(lw, Name(col.type.schema or "public", col.type.name), value.value, value)


def _enum_label_problem(label: str, enum: EnumType | None) -> str | None:
    if enum is None or label in enum.values:
        return None
    listed = ", ".join(f"'{v}'" for v in enum.values)
    return f"'{label}' is not a label of enum {enum.name.display()} ({listed})"


def check_boolean(lw: Lowering, expr: ex.Expr, columns: dict[str, Column], table: str, what: str) -> None:
    """Check and where expressions: known columns, and a boolean result where the type is known."""
    typed = infer(expr, _lookup(lw, columns, table, what), lw.resolve_cast_type, calls=call_resolver(lw))
    check_functions(lw, expr)
    _new_labels_compared(lw, expr, columns)
    if typed.type is not None and typed.type != BOOLEAN:
        lw.bag.error("E211", expr.span, f"{what} must be boolean, not {typed.type.display()}")
    elif typed.literal == "string" and typed.value is not None and fits(typed, BOOLEAN) is not None:
        lw.bag.error("E211", expr.span, f"{what} must be boolean, not a string")


def check_columns(lw: Lowering, expr: ex.Expr, columns: dict[str, Column], table: str, what: str) -> Typed:
    check_functions(lw, expr)
    _new_labels_compared(lw, expr, columns)
    return infer(expr, _lookup(lw, columns, table, what), lw.resolve_cast_type, calls=call_resolver(lw))


def columns_by_name(columns: tuple[Column, ...] | list[Column]) -> dict[str, Column]:
    return {c.name: c for c in columns}


# ---------------------------------------------------------------- sequences named in nextval('...')

SEQUENCE_FUNCTIONS = frozenset({"nextval", "currval", "setval"})


def regclass_name(text: str) -> Name | None:
    """The relation a regclass literal names, read as PostgreSQL reads it (SplitIdentifierString:
    dots between parts, double quotes keep case, other letters fold to lower case); unqualified
    means the first schema of the search path, public."""
    parts: list[str] = []
    i, text = 0, text.strip()
    while True:
        if text[i:i + 1] == '"':
            end = i + 1
            word = ""
            while True:
                close = text.find('"', end)
                if close < 0:
                    return None
                word += text[end:close]
                if text[close + 1:close + 2] == '"':
                    word += '"'
                    end = close + 2
                    continue
                i = close + 1
                break
        else:
            end = i
            while end < len(text) and text[end] not in '."' and not text[end].isspace():
                end += 1
            word = text[i:end].lower()
            if not word:
                return None
            i = end
        parts.append(word)
        while text[i:i + 1].isspace():
            i += 1
        if i >= len(text):
            break
        if text[i] != ".":
            return None
        i += 1
        while text[i:i + 1].isspace():
            i += 1
    if len(parts) == 1:
        return Name("public", parts[0])
    return Name(parts[0], parts[1]) if len(parts) == 2 else None


def sequence_literals(expr: ex.Expr, *, unreadable: bool = False) -> list[tuple[ex.Literal, Name]]:
    """The regclass literals of nextval('s') / currval / setval calls, and the sequence each names
    (with `unreadable`, also those that name nothing PostgreSQL can read, as Name("", text))."""
    found: list[tuple[ex.Literal, Name]] = []
    for call in expr.find_all(ex.FuncCall):
        if call.name.name.value not in SEQUENCE_FUNCTIONS or not call.args:
            continue
        if call.name.schema is not None and call.name.schema.value != "pg_catalog":
            continue
        arg = call.args[0]
        if isinstance(arg, ex.Cast) and arg.type.name.name.value == "regclass" and not arg.type.array_dims:
            arg = arg.operand
        if isinstance(arg, ex.Literal) and arg.kind == "string":
            name = regclass_name(arg.value)
            if name is not None:
                found.append((arg, name))
            elif unreadable:
                found.append((arg, Name("", arg.value)))
    return found


def check_sequences(lw: Lowering, expr: ex.Expr) -> None:
    """nextval('s') needs the sequence s (PostgreSQL resolves the regclass when the default is made)."""
    for literal, name in sequence_literals(expr, unreadable=True):
        if not name.schema:
            lw.bag.error("E232", literal.span, f"'{name.name}' does not name a sequence",
                         "write the sequence's name: 'name' or 'schema.name' (double quotes keep case)")
            continue
        if lw.sequence_exists(name):
            continue
        if lw.schema.opaque:
            lw.bag.warning("W004", literal.span, f"sequence '{name.display()}' is not one migc knows: the model "
                           "cannot check it (an earlier raw sql statement may have made it)",
                           "make it with `create sequence` so the model knows it")
            continue
        lw.unknown(name, "E232", literal.span, f"unknown sequence '{name.display()}'",
                   f"create it first: create sequence {name.display()}")


# ---------------------------------------------------------------- volatility (index expressions)

# Where the model's own functions (`create function`, with their declared volatility; PostgreSQL
# inlines simple `language sql` ones first) answer for a call: each source gives "i" / "s" / "v", or
# None when the call is not one of its functions. `call_volatility` asks them before PostgreSQL's.
VOLATILITY_SOURCES: list[Callable[[Lowering, ex.FuncCall, list[tuple[SqlType | None, bool]]], str | None]] = []

_LEAST = "isv"
_GRAMMAR_NAMES = {"trim": "btrim"}


def call_volatility(lw: Lowering, call: ex.FuncCall, args: list[tuple[SqlType | None, bool]]) -> str | None:
    """How volatile a call is ("i" immutable, "s" stable, "v" volatile), giving it the benefit of the
    doubt: the least volatile of the functions it may be; None when the model does not know it."""
    for source in VOLATILITY_SOURCES:
        found = source(lw, call, args)
        if found is not None:
            return found
    name = _GRAMMAR_NAMES.get(call.name.name.value, call.name.name.value)
    if call.name.schema is None or call.name.schema.value == "pg_catalog":
        if name in functions.SYNTAX_FUNCTIONS:
            return "i"
        candidates = [*functions.builtin(name), *extensions.functions_named(lw.schema, name)]
    else:
        candidates = extensions.functions_named(lw.schema, name, call.name.schema.value)
    resolved = functions.resolve(candidates, args)
    if not resolved.candidates:
        return None
    return min((c.volatility for c in resolved.candidates), key=_LEAST.index)


def check_immutable(lw: Lowering, expr: ex.Expr, columns: dict[str, Column], what: str) -> None:
    """PostgreSQL refuses an index expression or predicate that calls a function that is not
    immutable (the index would go stale when the result changes): report the first one (E230)."""

    def silent(ref: ex.ColumnRef) -> SqlType | None:
        col = columns.get(ref.name.value)
        return base_type(col.type) if col is not None else None

    for node in expr.walk():
        if isinstance(node, ex.ValueKeyword):
            lw.bag.error("E230", node.span, f"{what} uses {node.name}, which is not immutable (its value depends "
                         "on the session or the moment)", "an index can only use immutable functions")
            return
        if not isinstance(node, ex.FuncCall):
            continue
        typed = [infer(a, silent, lw.known_type) for a in node.args]
        volatility = call_volatility(lw, node, [(t.type, t.literal is not None) for t in typed])
        if volatility in ("s", "v"):
            kind = "stable" if volatility == "s" else "volatile"
            lw.bag.error("E230", node.name.span, f"{what} calls {node.name.name.value}(), which is {kind}, not "
                         "immutable", "PostgreSQL refuses it in an index (the index would go stale when the "
                         "function's result changes): use an immutable function")
            return


def base_type(t: SqlType) -> SqlType:
    """A domain's values are its base type's, for operators and functions."""
    while t.kind == "domain" and t.base is not None:
        t = t.base.with_dims(t.base.array_dims + t.array_dims)
    return t
