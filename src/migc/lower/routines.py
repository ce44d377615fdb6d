"""Finding the model's function or procedure a statement names (`drop function f(text)`, `grant
execute on function f(text)`, `comment on function f(text)`): by its argument types, or by its name
alone when it is the only one of that name, as PostgreSQL does."""

from __future__ import annotations

from migc.expr import QName, TypeRef
from migc.ir.routine import FunctionKey, Routine
from migc.lower import functions
from migc.lower.context import Lowering
from migc.source import Span


def find_routine(lw: Lowering, kind: str, qname: QName, params: list[tuple[str, TypeRef]] | None,
                 if_exists: bool = False, span: Span | None = None) -> Routine | None:
    """The routine a `drop` / `grant ... on function` names: by its argument types, or by its
    name alone when it is the only one. Reports what is wrong (unless `if_exists`: then W005)."""
    name = lw.name(qname)
    if name is None:
        return None
    same_name = [r for k, r in lw.schema.store("function").items()
                 if isinstance(k, FunctionKey) and k.name == name and isinstance(r, Routine)]
    if params is None:
        if len(same_name) > 1:
            lw.bag.error("E245", qname.span, f"{kind} name {name.display()} is not unique: "
                         + ", ".join(sorted(r.key.display() for r in same_name)),
                         "give its argument types: " + f"{kind} {same_name[0].key.display()}")
            return None
        found = same_name[0] if same_name else None
    else:
        types = []
        for mode, type_ref in params:
            if mode == "out":
                continue
            resolved = lw.resolve_type(type_ref)
            if resolved is None:
                return None
            types.append(functions.pg_name(resolved[0]))
        key = FunctionKey(name, ", ".join(types))
        found = next((r for r in same_name if r.key == key), None)
    if found is None:
        shown = f"{name.display()}({found_args(params, lw)})" if params is not None else name.display()
        if if_exists:
            lw.does_nothing(span or qname.span, f"there is no {kind} {shown}")
            return None
        others = ", ".join(sorted(r.key.display() for r in same_name))
        lw.unknown(name, "E244", qname.span, f"unknown {kind} {shown}",
                   f"the model has {others}" if others else None)
        return None
    if found.kind != kind:
        lw.bag.error("E244", qname.span, f"{found.key.display()} is a {found.kind}, not a {kind}",
                     f"name it as a {found.kind}: {found.kind} {found.key.display()}")
        return None
    return found


def found_args(params: list[tuple[str, TypeRef]] | None, lw: Lowering) -> str:
    shown = []
    for mode, type_ref in params or ():
        if mode != "out":
            t = lw.known_type(type_ref)
            shown.append(functions.pg_name(t) if t is not None else type_ref.name.name.value)
    return ", ".join(shown)


