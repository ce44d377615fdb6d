"""Every statement kind has every part, so nothing is discovered missing at run time.

A kind (src/migc/kinds/*.py, docs/architecture.md) is: grammar rules, AST nodes with builders, a
lowering for each statement or `alter table` action, ops with apply / invert / describe / SQL
template / lint facts, creators for what it models, catalog sections, and a golden case that
exercises each of its nodes and ops. These tests fail when any part is missing or unused.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest

import migc.kinds
from golden_harness import cases, compile_case
from migc.codegen.postgres import compile_template
from migc.ir.catalog import SECTIONS
from migc.ir.creation import CREATORS
from migc.ir.model import EnumType, Index, Namespace, OnTable, Table
from migc.ir.op import Op, TableAction
from migc.lower.dispatch import ACTIONS, STATEMENTS
from migc.syntax.ast import AlterAction, Migration, Statement
from migc.syntax.parser import _parser, parse, rules_needing_builders
from migc.tree import BUILDERS, Node

REPO = Path(__file__).resolve().parents[1]
KIND_MODULES = migc.kinds.load_all()  # those loaded on demand too


def _subclasses(base: type) -> list[type]:
    found: list[type] = []
    for cls in base.__subclasses__():
        found.append(cls)
        found.extend(_subclasses(cls))
    # `dataclass(slots=True)` replaces a class by a new one: keep the last made of each name
    final = {f"{c.__module__}.{c.__qualname__}": c for c in found}
    return sorted(final.values(), key=lambda c: c.__qualname__)


def _concrete(base: type) -> list[type]:
    """The dataclasses deriving from `base` that nothing derives from (the others are shared shapes)."""
    classes = _subclasses(base)
    bases = {b for c in classes for b in c.__mro__[1:]}
    return [c for c in classes if dataclasses.is_dataclass(c) and c not in bases]


STATEMENT_NODES = _concrete(Statement)
ACTION_NODES = _concrete(AlterAction)
OPS = _concrete(Op)


def test_kinds_are_found() -> None:
    assert len(KIND_MODULES) >= 7
    assert len(STATEMENT_NODES) >= 13 and len(ACTION_NODES) >= 11 and len(OPS) >= 23


def test_every_grammar_rule_has_a_builder_and_every_builder_a_rule() -> None:
    needed = rules_needing_builders(_parser())
    assert sorted(needed - BUILDERS.keys()) == []
    assert sorted(BUILDERS.keys() - needed) == []


def test_the_rules_of_modules_loaded_on_demand_are_those_they_build() -> None:
    """migc.kinds.ON_DEMAND_RULES, which the parser reads before those modules are imported, lists
    exactly the rules each one registers builders for (and every module it names exists)."""
    built: dict[str, set[str]] = {}
    for rule, build in BUILDERS.items():
        built.setdefault(build.__module__, set()).add(rule)
    listed = {module: set(rules) for module, rules in migc.kinds.ON_DEMAND_RULES.items()}
    assert listed == {module: built.get(module, set()) for module in listed}
    assert set(migc.kinds.ON_DEMAND_RULES) <= {m.__name__ for m in KIND_MODULES} | {"migc.query.nodes"}


@pytest.mark.parametrize("node", STATEMENT_NODES, ids=lambda c: c.__name__)
def test_every_statement_has_a_lowering(node: type) -> None:
    assert node in STATEMENTS, f"{node.__name__} has no @lowers function"


@pytest.mark.parametrize("node", ACTION_NODES, ids=lambda c: c.__name__)
def test_every_alter_action_has_a_lowering(node: type) -> None:
    assert node in ACTIONS, f"{node.__name__} has no @lowers_action function"


def _overrides(cls: type, name: str, base: type) -> bool:
    return getattr(cls, name) is not getattr(base, name)


@pytest.mark.parametrize("op", OPS, ids=lambda c: c.__name__)
def test_every_op_has_all_its_parts(op: type) -> None:
    for method in ("apply", "invert", "describe", "lock"):
        assert _overrides(op, method, Op), f"{op.__name__} lacks {method}()"
    if issubclass(op, TableAction):
        assert isinstance(op.__dict__.get("ACTION"), str), f"{op.__name__} lacks its ACTION template"
        assert isinstance(getattr(op, "PASS", None), int), f"{op.__name__} lacks its ALTER TABLE pass"
        assert _overrides(op, "touches", TableAction), f"{op.__name__} lacks touches()"
        for source in (op.BEFORE, op.ACTION, op.AFTER):
            compile_template(source)  # a syntax error in a template fails here, not at run time
    else:
        assert isinstance(op.__dict__.get("TEMPLATE"), str), f"{op.__name__} lacks its TEMPLATE"
        compile_template(op.TEMPLATE)
    assert any(f.name == "span" for f in dataclasses.fields(op)), f"{op.__name__} has no span"


def _node_types(hint: object) -> bool:
    """Does a field's type mention a Node class (so the generic walk must reach it)?"""
    if isinstance(hint, type):
        return issubclass(hint, Node)
    return any(_node_types(arg) for arg in typing.get_args(hint))


@pytest.mark.parametrize("node", _concrete(Node), ids=lambda c: c.__name__)
def test_every_node_names_its_children(node: type) -> None:
    hints = typing.get_type_hints(node)
    holding = {f.name for f in dataclasses.fields(node) if _node_types(hints[f.name])}
    assert holding <= set(node.ARGS), f"{node.__name__}: fields {sorted(holding - set(node.ARGS))} are not in ARGS"
    assert set(node.ARGS) <= {f.name for f in dataclasses.fields(node)}


def test_every_model_object_can_be_created() -> None:
    assert {Table, Index, EnumType, Namespace, OnTable} <= CREATORS.keys()


def test_every_kind_module_reads_its_objects_back() -> None:
    """Each kind that models objects has a catalog section for them (raw sql declares what it may
    make, unmodeled)."""
    owners = {s.entry.__module__ for s in SECTIONS}
    modelling = {m.__name__ for m in KIND_MODULES if any(issubclass(c, Op) and c.__module__ == m.__name__
                                                                 and c.creates is not Op.creates for c in OPS)}
    assert modelling <= owners, f"no catalog section in {sorted(modelling - owners)}"


def _golden_coverage() -> tuple[set[type], set[type]]:
    nodes: set[type] = set()
    ops: set[type] = set()
    for case in cases():
        for mig in case.glob("*.mig"):
            tree, _ = parse(mig.read_text(encoding="utf-8", errors="replace"), mig.name)
            if tree is not None:
                nodes |= {type(n) for n in tree.walk()}
        project = compile_case(case).project
        if project.ok:
            ops |= _ops_of(case)
    return nodes, ops


def _ops_of(case: Path) -> set[type]:
    from migc.ir.schema import Schema
    from migc.lower import lower_migration
    from migc.project import list_migrations

    found: set[type] = set()
    schema = Schema()
    files, _ = list_migrations(case)
    for f in files:
        text = f.content.decode()
        tree, _ = parse(text, f.shown_path)
        assert tree is not None and isinstance(tree, Migration)
        lowered = lower_migration(tree, schema, f.shown_path)
        found |= {type(op) for op in (*lowered.ops, *(lowered.down_ops or ()))}
        schema = lowered.schema_after
    return found


def test_every_node_and_op_has_a_golden_case() -> None:
    nodes, ops = _golden_coverage()
    missing_nodes = [c.__name__ for c in [*STATEMENT_NODES, *ACTION_NODES] if c not in nodes]
    missing_ops = [c.__name__ for c in OPS if c not in ops]
    assert missing_nodes == [] and missing_ops == []


def test_every_warning_has_its_lint_and_every_lint_its_code() -> None:
    from migc.codes import WARNINGS
    from migc.lints import RULES

    # W109 is the allow comments' own; lowering's: W004 (the model cannot check what raw sql made) and
    # W005 (`if [not] exists` settled at compile time: no op is left for a lint to see), W006 (an
    # extension the model does not know), W007 (a view the model cannot see into, said where it is made)
    assert sorted(set(WARNINGS) - {"W109", "W004", "W005", "W006", "W007"}) == sorted(RULES)


def test_every_code_has_its_section_in_the_docs() -> None:
    import re

    from migc.codes import CODES

    doc = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## ([EW]\d{3})$", doc, re.MULTILINE)
    assert sorted(sections) == sorted(CODES)


def test_the_docs_list_every_code_as_the_registry_does() -> None:
    import re

    from migc.codes import CODES

    doc = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| \[([EW]\d{3})\]\(#[ew]\d{3}\) \| (.+?) \|$", doc, re.MULTILINE))
    assert listed == {code: c.summary for code, c in CODES.items()}


def test_every_comment_word_has_a_finder_and_every_finder_its_sql() -> None:
    """`comment on WORD`: the grammar's words, the finders (lower/comment_targets.py) and the SQL
    designators of what they find agree, so no comment target fails at run time."""
    from migc.lower.comment_targets import FINDERS, SQL

    grammar = (Path(__file__).parent.parent / "grammar" / "migc.lark").read_text()
    rule = next(line for line in grammar.splitlines() if line.startswith("!comment_word:"))
    words = {" ".join(w.lower() for w in re.findall(r'"([^"]+)"', alt)) for alt in rule.split(":", 1)[1].split("|")}
    assert words == set(FINDERS)
    for word in words:  # each word parses, and reaches its finder
        tree, problems = parse(f"comment on {word} x is 'c'\n", "t.mig")
        assert tree is not None and problems == []
        assert getattr(tree.statements[0], "kind") == word
    assert {"table", "column", "index", "enum", "schema"} <= set(SQL)
