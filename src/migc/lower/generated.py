"""Language v2 column features that `create table` and `add column` share: identity options (the
identity's sequence, checked as PostgreSQL's CREATE SEQUENCE would), generated columns (what their
expression may use), and collations (only on collatable types)."""

from __future__ import annotations

from migc import expr as ex
from migc.ir.model import Column, Table
from migc.ir.types import SqlType
from migc.lower import functions
from migc.lower.context import Lowering, did_you_mean
from migc.lower.exprcheck import check_functions
from migc.lower.typecheck import _GRAMMAR, fits, infer
from migc.source import Span
from migc.syntax import ast

_RANGE = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}


def identity_options(lw: Lowering, column: str, sql_type: SqlType, options: tuple[ast.SeqOption, ...],
                     span: Span) -> tuple[tuple[str, int | bool | None], ...] | None:
    """The options as the model keeps them, or None (E220) when PostgreSQL would refuse them."""
    seen: dict[str, ast.SeqOption] = {}
    for option in options:
        if option.name in seen:
            lw.bag.error("E220", option.span, f"identity of column '{column}': option '{option.name}' is given twice")
            return None
        seen[option.name] = option
    low, high = _RANGE.get(sql_type.name, _RANGE["bigint"])

    def value(name: str) -> int | None:
        v = seen[name].value if name in seen else None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    for name in ("start", "increment", "minvalue", "maxvalue", "cache"):
        v = value(name)
        if v is not None and not low <= v <= high and name != "cache":
            lw.bag.error("E220", seen[name].span, f"identity of column '{column}': {name} {v} is out of range for "
                         f"type {sql_type.display()} ({low} .. {high})")
            return None
    increment = value("increment")
    if increment == 0:
        lw.bag.error("E220", seen["increment"].span, f"identity of column '{column}': increment must not be zero")
        return None
    cache = value("cache")
    if "cache" in seen and (cache is None or cache < 1):
        lw.bag.error("E220", seen["cache"].span, f"identity of column '{column}': cache must be at least 1")
        return None
    ascending = increment is None or increment > 0
    minimum = value("minvalue")
    maximum = value("maxvalue")
    minimum = minimum if minimum is not None else (1 if ascending else low)
    maximum = maximum if maximum is not None else (high if ascending else -1)
    if minimum >= maximum:
        lw.bag.error("E220", span, f"identity of column '{column}': minvalue ({minimum}) must be less than "
                     f"maxvalue ({maximum})")
        return None
    start = value("start")
    if start is not None and not minimum <= start <= maximum:
        lw.bag.error("E220", seen["start"].span, f"identity of column '{column}': start {start} is outside "
                     f"minvalue .. maxvalue ({minimum} .. {maximum})")
        return None
    return tuple((o.name, o.value) for o in options)


def check_collation(lw: Lowering, column: str, sql_type: SqlType, span: Span) -> bool:
    """Only types of the string category take a collation (PostgreSQL: 42804)."""
    if sql_type.category == "S":
        return True
    lw.bag.error("E224", span, f"column '{column}': type {sql_type.display()} does not take a collation",
                 "collations apply to text, varchar, char (and arrays or domains of them)")
    return False


def check_generated(lw: Lowering, table: str, columns: dict[str, Column], column: Column, expr: ex.Expr) -> bool:
    """A generated column's expression: columns of the same table that are not generated themselves,
    immutable functions only (as PostgreSQL requires), no aggregates, and a value that fits."""
    mark = lw.bag.mark()

    def lookup(ref: ex.ColumnRef) -> SqlType | None:
        name = ref.name.value
        col = columns.get(name)
        if col is None:
            lw.bag.error("E103", ref.span, f"generated column '{column.name}' names unknown column '{name}' "
                         f"of table '{table}'", did_you_mean(name, columns))
            return None
        if col.generated is not None or (col.name == column.name):
            lw.bag.error("E221", ref.span, f"generated column '{column.name}' cannot use generated column "
                         f"'{name}'", "name the columns it is computed from instead")
            return None
        return col.type

    check_functions(lw, expr)
    typed = infer(expr, lookup, lw.resolve_cast_type)
    for call in expr.find_all(ex.FuncCall):
        _check_immutable(lw, column.name, call, columns)
    if lw.bag.errors_since(mark):
        return False
    problem = fits(typed, column.type) if typed.literal is None else None
    if problem is not None:
        lw.bag.error("E221", expr.span, f"generated column '{column.name}': {problem}",
                     f"cast it: ({expr.sql()})::{column.type.display()}")
        return False
    return True


def _check_immutable(lw: Lowering, column: str, call: ex.FuncCall, columns: dict[str, Column]) -> None:
    name = call.name.name.value
    if call.name.schema is not None and call.name.schema.value != "pg_catalog":
        return
    user = [obj for key, obj in lw.schema.store("function").items()
            if getattr(getattr(key, "name", key), "name", None) == name or getattr(key, "name", None) == name]
    if user:
        volatility = {getattr(f, "volatility", None) for f in user}
        if volatility - {"immutable", "i"}:
            lw.bag.error("E222", call.name.span, f"generated column '{column}' calls function '{name}', which is "
                         "not immutable", "PostgreSQL allows only immutable functions in a generation expression")
        return
    found = functions.builtin(_GRAMMAR.get(name, name))
    if not found:
        return  # unknown: check_functions said so
    if any(f.kind in ("a", "w") for f in found) and all(f.kind in ("a", "w") for f in found):
        lw.bag.error("E222", call.name.span, f"generated column '{column}' cannot use aggregate or window "
                     f"function '{name}'")
        return
    def quiet(ref: ex.ColumnRef) -> SqlType | None:
        col = columns.get(ref.name.value)
        return col.type if col is not None else None

    args = [infer(a, quiet, lw.known_type) for a in call.args]
    resolved = functions.resolve(found, [(t.type, t.literal is not None) for t in args])
    candidates = resolved.candidates or tuple(found)
    if all(f.volatility != "i" for f in candidates):
        lw.bag.error("E222", call.name.span, f"generated column '{column}' calls {name}(), which is "
                     f"{'volatile' if any(f.volatile for f in candidates) else 'stable'}: PostgreSQL requires "
                     "an immutable expression", "compute it in the application or with a trigger")


def partition_column_change(lw: Lowering, table: Table, span: Span, what: str) -> bool:
    """PostgreSQL refuses to add, drop, rename or retype a column of a partition alone: its columns
    are its parent's (E228). True when it reported that."""
    if table.partition_of is None:
        return False
    lw.bag.error("E228", span, f"cannot {what} of partition '{table.name.display()}': its columns are its "
                 "parent's", f"do it on '{table.partition_of.parent.display()}' (its partitions follow)")
    return True


def generated_user(table: Table, column: str) -> Column | None:
    """A generated column of the table whose expression uses `column`."""
    for c in table.columns:
        if c.generated is not None and c.name != column and column in c.generated.column_names():
            return c
    return None
