"""Compiling before running: errors stop the run before the database is touched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from migc.compiled import CompiledProject
from migc.diagnostics import Diagnostic, Severity, render_all
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.report import Output


def compile_checked(config: ProjectConfig, out: Output) -> CompiledProject:
    """The compiled project, or a MigcError after printing every error diagnostic."""
    from migc.compiler import compile_project

    project = compile_project(config)
    if not project.ok:
        errors = [d for d in project.diagnostics if d.severity is Severity.ERROR]
        print_diagnostics(out, errors, project.contents)
        raise MigcError(
            f"{len(errors)} error(s) in the migrations; nothing was applied",
            "fix them (`migc check` lists them with warnings) and run again",
        )
    return project


def print_diagnostics(out: Output, diags: Iterable[Diagnostic], contents: Mapping[str, bytes] | None = None) -> None:
    for text in render_all(diags, contents or {}):
        out.note(text)
