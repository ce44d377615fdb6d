"""Safety lints: the warnings about locks, rewrites, lost data and breaking changes.

One lint = one module here, named after its code (squawk's rules/*.rs layout): a function registered
with `@lint("W101")` that looks at a lowered migration's ops (`Lint.each`) and yields `Finding`s.
Lowering reports errors; lints only advise, and see only what lowering accepted. Each code has its
section in docs/diagnostics.md and its golden cases (tests/golden/warn_*).

Importing this package imports every lint module, which registers them; `check` runs them all,
then applies the `-- migc: allow` comments (allow.py) and the rest of the migration-level rules.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from migc.codes import registered
from migc.diagnostics import Diagnostic, Severity
from migc.ir.model import Name, ObjectRef
from migc.ir.op import Op
from migc.ir.schema import Schema
from migc.lower import LoweredMigration
from migc.source import Span
from migc.syntax.ast import Migration

O = TypeVar("O", bound=Op)
O2 = TypeVar("O2", bound=Op)
O3 = TypeVar("O3", bound=Op)
O4 = TypeVar("O4", bound=Op)


@dataclass(frozen=True)
class Finding:
    span: Span
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Step:
    """One op of the migration, with what a lint needs to judge it."""

    index: int
    before: Schema  # the schema just before the op
    lint: Lint

    def existed(self, ref: ObjectRef) -> bool:
        """Did the object exist before this migration (not made by an earlier op of it)?"""
        made = self.lint.made.get(ref)
        return made is None or made >= self.index

    def table_existed(self, table: Name) -> bool:
        return self.existed(ObjectRef.table(table))


@dataclass
class Lint:
    """A lowered migration as the lints see it."""

    lowered: LoweredMigration
    lock_timeout_off: bool = False  # the runner will not set lock_timeout (the project turned it off)
    made: dict[ObjectRef, int] = field(default_factory=dict)  # object -> the op that made it
    by_type: dict[type, list[int]] = field(default_factory=dict)  # op class -> where its ops are

    def __post_init__(self) -> None:
        for index, op in enumerate(self.lowered.ops):
            self.by_type.setdefault(type(op), []).append(index)
            for ref in op.creates():
                self.made.setdefault(ref, index)
            renamed = op.renames()
            if renamed is not None and renamed[0] in self.made:  # a new object renamed stays new
                self.made.setdefault(renamed[1], index)

    @property
    def ops(self) -> tuple[Op, ...]:
        return self.lowered.ops

    def step(self, index: int) -> Step:
        return Step(index, self.lowered.before[index], self)

    @overload
    def each(self, k1: type[O], /) -> Iterator[tuple[O, Step]]: ...
    @overload
    def each(self, k1: type[O], k2: type[O2], /) -> Iterator[tuple[O | O2, Step]]: ...
    @overload
    def each(self, k1: type[O], k2: type[O2], k3: type[O3], /) -> Iterator[tuple[O | O2 | O3, Step]]: ...
    @overload
    def each(self, k1: type[O], k2: type[O2], k3: type[O3], k4: type[O4], /) -> Iterator[tuple[O | O2 | O3 | O4, Step]]: ...

    def each(self, *kinds: type[Op]) -> Iterator[tuple[Op, Step]]:
        """The ops of these kinds (exactly these classes), in order, each with its step; not those
        that only make again what was there (a check around a type change: `rebuilt`)."""
        where = [i for kind in kinds for i in self.by_type.get(kind, ())]
        if len(kinds) > 1:
            where.sort()
        ops, before = self.lowered.ops, self.lowered.before
        for index in where:
            if not getattr(ops[index], "rebuilt", False):  # made again as it was: nothing to judge
                yield ops[index], Step(index, before[index], self)


class _NotLoaded(Op):
    """An op class of a kind this process has not loaded: no op is one."""


def op_class(kind: str, name: str) -> Any:
    """The op class `name` of statement kind `kind`, or, if this process has not loaded the kind,
    a class no op belongs to. Some kinds load on first use (migc.kinds): before that there are no
    ops of theirs, and a lint must not import them itself, which would load them for every history.
    Annotate the result with the class imported under TYPE_CHECKING."""
    module = sys.modules.get(f"migc.kinds.{kind}")
    return getattr(module, name) if module is not None else _NotLoaded


Rule = Callable[[Lint], Iterator[Finding]]
RULES: dict[str, Rule] = {}
R = TypeVar("R", bound=Rule)


def lint(code: str) -> Callable[[R], R]:
    if not registered(code, "warning"):
        raise RuntimeError(f"lint {code} is not a registered warning code (migc/codes.py)")

    def register(fn: R) -> R:
        if code in RULES:
            raise RuntimeError(f"two lints for {code}")
        RULES[code] = fn
        return fn

    return register


@functools.cache
def _in_order() -> tuple[tuple[str, Rule], ...]:
    return tuple(sorted(RULES.items()))


def check(lowered: LoweredMigration, migration: Migration, file: str, text: str, *,
          lock_timeout_off: bool = False) -> tuple[Diagnostic, ...]:
    """Lowering's diagnostics and every lint's warnings, less what allow comments silence."""
    from migc.lints.allow import apply_allows

    m = Lint(lowered, lock_timeout_off)
    found = [*lowered.diagnostics]
    for code, rule in _in_order():
        found += [Diagnostic(code, Severity.WARNING, f.message, file, f.span, f.hint) for f in rule(m)]
    return tuple(apply_allows(found, file, [*migration.statements, *(migration.down or ())], text))


MODULES = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
)
