"""The statement kinds of the .mig language, one module each (see docs/architecture.md).

A kind's module holds everything about it: its AST node(s) and their builders (the grammar rule
itself is in grammar/migc.lark), its lowering (checks against the replayed schema), its op(s) with
apply / invert / describe / SQL template / lint facts, how to re-create what it models, and how its
objects are read back from PostgreSQL's catalog for `verify` and `diff`. Importing this package
imports every module in it, which registers them all; nothing else lists the kinds.
"""

from __future__ import annotations

import importlib
import pkgutil

MODULES = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
)
