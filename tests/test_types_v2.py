"""Language v2's sequences, domains, composite types, extensions and index forms, where a golden case
cannot say it: an extension PostgreSQL does not have (W006 cannot run on the test server), how a
regclass literal names a sequence, the shipped extension data, and the model after each statement."""

from __future__ import annotations

from pathlib import Path

import pytest

import migc.kinds  # noqa: F401  (registers every statement kind)
from histories import model_schemas
from migc.compiler import compile_project
from migc.ir.model import Name
from migc.lower import extensions
from migc.lower.exprcheck import regclass_name
from migc.project import ProjectConfig


def _compile(tmp_path: Path, *files: str) -> tuple[list[str], object]:
    for i, text in enumerate(files, 1):
        (tmp_path / f"{i:04d}_m{i}.mig").write_text(text, encoding="utf-8")
    project = compile_project(ProjectConfig(migrations_dir=tmp_path), use_cache=False)
    return [f"{d.span.line}:{d.span.col}:{d.code}" for d in project.diagnostics], project


def test_an_unknown_extension_is_a_warning_and_what_it_may_add_is_not_checked(tmp_path: Path) -> None:
    found, project = _compile(
        tmp_path,
        "create extension postgis\n"
        "create table places (id bigint pk, g geometry, d float8 default st_area('x'))\n",
    )
    assert found == ["1:18:W006", "2:38:W004", "2:65:W004"]


def test_without_the_extension_its_type_and_function_are_errors_with_the_way_out(tmp_path: Path) -> None:
    for_type, _ = _compile(tmp_path, "create table t (id bigint pk, email citext)\n")
    assert for_type == ["1:37:E113"]
    project = compile_project(ProjectConfig(migrations_dir=tmp_path), use_cache=False)
    assert "create extension citext first" in (project.diagnostics[0].hint or "")


@pytest.mark.parametrize("text, name", [
    ("invoice_no", Name("public", "invoice_no")),
    ("Invoice_No", Name("public", "invoice_no")),
    ('"Invoice No"', Name("public", "Invoice No")),
    ("app.ticket", Name("app", "ticket")),
    (' "app" . "t""x" ', Name("app", 't"x')),
    ('"public"."users_id_seq"', Name("public", "users_id_seq")),
    ("a.b.c", None),
    ('"open', None),
    ("", None),
])
def test_regclass_literals_name_sequences_as_postgresql_reads_them(text: str, name: Name | None) -> None:
    assert regclass_name(text) == name


def test_the_shipped_extension_data_has_what_the_contract_names() -> None:
    for name in ("citext", "hstore", "ltree", "cube", "pg_trgm", "btree_gist", "btree_gin", "isn", "vector"):
        assert extensions.known(name) is not None, name
    citext = extensions.known("citext")
    assert citext is not None and [t[0] for t in citext.types] == ["citext"]
    trgm = extensions.known("pg_trgm")
    assert trgm is not None and {o.name for o in trgm.opclasses} == {"gin_trgm_ops", "gist_trgm_ops"}
    assert any(f.name == "similarity" for f in trgm.functions)
    assert {o.name for o in extensions.builtin_opclasses()} >= {"text_pattern_ops", "array_ops", "jsonb_path_ops"}


def test_an_extension_type_takes_string_defaults_of_its_own_format(tmp_path: Path) -> None:
    found, _ = _compile(tmp_path, "create extension vector\ncreate extension hstore\n"
                                  "create table t (id bigint pk, v vector(3) default '[1,2,3]', h hstore default '')\n")
    assert found == []


def test_a_sequence_follows_its_owner_and_goes_with_it(tmp_path: Path) -> None:
    found, _ = _compile(
        tmp_path,
        "create table t (id bigint pk, n bigint)\ncreate sequence s owned by t.n\n",
        "alter table t rename column n to m\nrename table t to u\n",
        "alter table u drop column m\n",
    )
    assert [f for f in found if ":E" in f] == []
    schemas = model_schemas(tmp_path)
    owner = schemas[1].tables[Name("public", "u")].column("m")
    assert owner is not None and owner.attr("owns") == ("s",)
    assert Name("public", "s") in schemas[1].store("sequence")
    assert Name("public", "s") not in schemas[2].store("sequence")


def test_a_domain_column_types_as_its_base_in_expressions(tmp_path: Path) -> None:
    found, _ = _compile(tmp_path, "create domain cents as bigint\n"
                                  "create table t (id bigint pk, a cents, check (a + 1 > 0), check (a || 'x'))\n")
    assert found == ["2:66:E211"]
