"""What differs between two modelled schemas, in words. Column order is ignored: PostgreSQL can
only add a column at the end, so no down migration can put a dropped column back in place."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set as AbstractSet
from typing import Any, TypeVar

from migc.ir.model import Column, Constraint, HasAttrs, Name, Table
from migc.ir.schema import Schema


K = TypeVar("K", str, Name)


def _column_words(c: Column) -> str:
    words = [c.type.display()]
    if c.not_null:
        words.append("not null")
    if c.default is not None:
        words.append("with a default")
    if c.identity:
        words.append(f"identity {c.identity}")
    return " ".join(words)


def _attr_differences(what: str, expected: HasAttrs, actual: HasAttrs) -> list[str]:
    """`comment of table users is 'x', expected 'y'`, for each attribute that differs."""
    out = []
    for key in sorted({k for k, _ in expected.attrs} | {k for k, _ in actual.attrs}):
        e, a = expected.attr(key), actual.attr(key)
        if e != a:
            out.append(f"{key} of {what} is {_shown(a)}, expected {_shown(e)}")
    return out


def _shown(value: object) -> str:
    return "none" if value is None else repr(value)


def _table_differences(expected: Table, actual: Table) -> list[str]:
    name = expected.name.display()
    out = _attr_differences(f"table {name}", expected, actual)
    exp_cols = {c.name: c for c in expected.columns}
    act_cols = {c.name: c for c in actual.columns}
    for col in sorted(exp_cols.keys() - act_cols.keys()):
        out.append(f"column {name}.{col} is missing")
    for col in sorted(act_cols.keys() - exp_cols.keys()):
        out.append(f"column {name}.{col} should not exist")
    for col in sorted(exp_cols.keys() & act_cols.keys()):
        e, a = exp_cols[col], act_cols[col]
        out += _attr_differences(f"column {name}.{col}", e, a)
        e, a = e.without_attrs(), a.without_attrs()
        if e != a:
            out.append(f"column {name}.{col} is {_column_words(a)}, expected {_column_words(e)}"
                       if _column_words(a) != _column_words(e) else f"column {name}.{col} differs (default or sequence)")
    exp_cons: dict[str, Constraint] = {c.name: c for c in expected.constraints}
    act_cons: dict[str, Constraint] = {c.name: c for c in actual.constraints}
    for con in sorted(exp_cons.keys() - act_cons.keys()):
        out.append(f"constraint {con} of {name} is missing")
    for con in sorted(act_cons.keys() - exp_cons.keys()):
        out.append(f"constraint {con} of {name} should not exist")
    for con in sorted(exp_cons.keys() & act_cons.keys()):
        if exp_cons[con] != act_cons[con]:
            out.append(f"constraint {con} of {name} differs")
    return out


def _presence(kind: str, expected: AbstractSet[K], actual: AbstractSet[K], show: Callable[[K], str]) -> list[str]:
    """`kind X is missing` / `kind X should not exist`, in name order."""
    return [f"{kind} {show(k)} is missing" for k in sorted(expected - actual)] + [
        f"{kind} {show(k)} should not exist" for k in sorted(actual - expected)]


def _shown_key(key: object) -> str:
    show = getattr(key, "display", None)
    return str(show()) if callable(show) else str(key)


def _object_differences(kind: str, expected: Mapping[Any, Any], actual: Mapping[Any, Any]) -> list[str]:
    """Objects of a registered kind: missing, extra, different (attributes named)."""
    keys = {_shown_key(k): k for k in [*expected, *actual]}
    out = [f"{kind} {shown} is missing" for shown, k in sorted(keys.items()) if k in expected and k not in actual]
    out += [f"{kind} {shown} should not exist" for shown, k in sorted(keys.items()) if k in actual and k not in expected]
    for shown, k in sorted(keys.items()):
        if k in expected and k in actual and expected[k] != actual[k]:
            e, a = expected[k], actual[k]
            if isinstance(e, HasAttrs) and isinstance(a, HasAttrs):
                out += _attr_differences(f"{kind} {shown}", e, a)
                e, a = e.without_attrs(), a.without_attrs()
            if e != a:
                out.append(f"{kind} {shown} differs")
    return out


def schema_differences(expected: Schema, actual: Schema) -> list[str]:
    out = _presence("schema", expected.schemas, actual.schemas, str)
    out += _presence("table", expected.tables.keys(), actual.tables.keys(), Name.display)
    for t in sorted(expected.tables.keys() & actual.tables.keys()):
        out.extend(_table_differences(expected.tables[t], actual.tables[t]))
    out += _presence("index", expected.indexes.keys(), actual.indexes.keys(), Name.display)
    for i in sorted(expected.indexes.keys() & actual.indexes.keys()):
        e_index, a_index = expected.indexes[i], actual.indexes[i]
        out += _attr_differences(f"index {i.display()}", e_index, a_index)
        if e_index.without_attrs() != a_index.without_attrs():
            out.append(f"index {i.display()} differs")
    for kind in sorted(expected.objects.keys() | actual.objects.keys()):
        out += _object_differences(kind, expected.store(kind), actual.store(kind))
    out += _presence("enum", expected.enums.keys(), actual.enums.keys(), Name.display)
    for e in sorted(expected.enums.keys() & actual.enums.keys()):
        out += _attr_differences(f"enum {e.display()}", expected.enums[e], actual.enums[e])
        if expected.enums[e].values != actual.enums[e].values:
            out.append(f"enum {e.display()} has labels {list(actual.enums[e].values)}, expected "
                       f"{list(expected.enums[e].values)}")
    return out
