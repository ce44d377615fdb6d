"""The statement kinds of the .mig language, one module each (see docs/architecture.md).

A kind's module holds everything about it: its AST node(s) and their builders (the grammar rule
itself is in grammar/migc.lark), its lowering (checks against the replayed schema), its op(s) with
apply / invert / describe / SQL template / lint facts, how to re-create what it models, and how its
objects are read back from PostgreSQL's catalog for `verify` and `diff`. Importing a kind's module
registers all of that; nothing else lists the kinds.

Importing this package imports the kinds every history uses (tables, columns, constraints,
indexes, enums, identity, sequences, schemas, extensions, raw sql). The others are imported on
first use, so that a cold `migc check` of a history without views or functions does not pay for
making their ~100 classes:

- when the parser first builds one of their nodes: `ON_DEMAND_RULES` lists the grammar rules each
  one builds (tests/test_completeness.py checks the lists against what each module registers);
- when a schema read back from the compile cache holds their objects (cache.py records which
  were loaded when it was written, and loads them again first);
- by `load_all()`: whatever reads PostgreSQL's catalog (verify, diff, import, init, squash), the
  import translator, and the test session.

This is sound because a kind's registrations only ever concern its own objects (a view's rename
follower follows views; a domain's type resolver finds domains), and those cannot exist before
its module is loaded. `comment on` and `grant` name objects of every kind, so loading either loads
all. tests/test_lazy_kinds.py compiles every golden case in processes where kinds load on demand
and compares everything with a process that has them all.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from types import ModuleType

from migc.tree import ON_DEMAND

# module -> the grammar rules (or aliases) whose builders it registers
ON_DEMAND_RULES: dict[str, tuple[str, ...]] = {
    "migc.kinds.comment": ("column_path", "comment_args", "comment_on", "comment_word"),
    "migc.kinds.composite": ("alter_type", "create_type", "drop_type", "type_add_attribute", "type_attribute",
                             "type_drop_attribute", "type_rename", "type_rename_attribute"),
    "migc.kinds.domain": ("alter_domain", "create_domain", "domain_add_constraint", "domain_check",
                          "domain_drop_constraint", "domain_drop_default", "domain_drop_not_null", "domain_rename",
                          "domain_set_default", "domain_set_not_null", "domain_validate", "drop_domain"),
    "migc.kinds.function": ("alter_function", "create_function", "drop_function", "func_column", "func_option",
                            "func_param", "func_reset", "func_returns", "func_set_value"),
    "migc.kinds.grant": ("grant", "grant_target", "privileges", "revoke"),
    "migc.kinds.partition": ("attach_partition", "bound_default", "bound_hash", "bound_list", "bound_range",
                             "create_partition", "detach_partition"),
    "migc.kinds.policy": ("alter_policy", "create_policy", "drop_policy", "policy_check", "policy_using",
                          "role_list", "row_security"),
    "migc.kinds.trigger": ("alter_trigger", "create_trigger", "drop_trigger", "enable_trigger", "trigger_arg",
                           "trigger_event", "trigger_when"),
    "migc.kinds.view": ("create_view", "drop_view", "refresh_view", "rename_view", "view_sql"),
    # not a kind: the query language (views, policies, subqueries), its nodes and their builders
    "migc.query.nodes": ("alias", "any_subquery", "cte", "distinct_clause", "exists", "from_clause",
                         "from_function", "from_subquery", "from_table", "group_by", "having", "in_subquery", "join", "join_cond",
                         "join_type", "limit_clause", "offset_clause", "query", "scalar_subquery", "select_core",
                         "select_item", "select_star", "set_op", "values_list", "values_row", "with_clause"),
}
_LOADS_ALL = frozenset({"migc.kinds.comment", "migc.kinds.grant"})  # they name objects of any kind

ALL = tuple(f"{__name__}.{info.name}" for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name))


def load(module: str) -> None:
    """Import an on-demand module (and, for comment and grant, every kind)."""
    if module in sys.modules:
        return
    if module in _LOADS_ALL:
        load_all()
    else:
        importlib.import_module(module)


def load_all() -> tuple[ModuleType, ...]:
    """Every kind's module, imported now if it was not yet."""
    for module in ON_DEMAND_RULES:
        importlib.import_module(module)
    return tuple(importlib.import_module(module) for module in ALL)


def loaded_on_demand() -> tuple[str, ...]:
    """The on-demand modules this process has imported."""
    return tuple(module for module in ON_DEMAND_RULES if module in sys.modules)


for _module in ALL:
    if _module not in ON_DEMAND_RULES:
        importlib.import_module(_module)
for _module, _rules in ON_DEMAND_RULES.items():
    _load = functools.partial(load, _module)
    for _rule in _rules:
        ON_DEMAND.setdefault(_rule, _load)
