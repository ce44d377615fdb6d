"""Compiling before running: errors stop the run before the database is touched."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from migc.compiled import CompiledProject
from migc.diagnostics import Diagnostic, Severity, render_text
from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.report import Output
from migc.source import source_lines


def compile_checked(config: ProjectConfig, out: Output) -> CompiledProject:
    """The compiled project, or a MigcError after printing every error diagnostic."""
    from migc.compiler import compile_project

    project = compile_project(config)
    if not project.ok:
        errors = [d for d in project.diagnostics if d.severity is Severity.ERROR]
        print_diagnostics(out, errors)
        raise MigcError(
            f"{len(errors)} error(s) in the migrations; nothing was applied",
            "fix them (`migc check` lists them with warnings) and run again",
        )
    return project


def print_diagnostics(out: Output, diags: Iterable[Diagnostic]) -> None:
    lines: dict[str, list[str]] = {}
    for diag in diags:
        if diag.file not in lines:
            try:
                lines[diag.file] = source_lines(Path(diag.file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                lines[diag.file] = []
        source = lines[diag.file]
        line = source[diag.span.line - 1] if 0 < diag.span.line <= len(source) else None
        out.note(render_text(diag, line))
