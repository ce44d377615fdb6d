"""Golden cases: `tests/golden/<case>/` holds a small migrations project (`*.mig`); its last migration is
the one under test. Beside it:

- `up.sql`: exactly what `migc emit <last>` prints;
- `down.sql`: exactly what `migc emit <last> --down` prints (absent when the migration is irreversible
  or has errors);
- `diagnostics.txt`: every diagnostic of the project, one `file:line:col: severity[CODE]` per line
  (codes and spans, not wording).

Set MIGC_UPDATE_GOLDEN=1 to (re)write the expected files from the current compiler, then review the diff.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migc.codegen.statement import render_script
from migc.compiled import CompiledProject
from migc.compiler import compile_project
from migc.project import ProjectConfig, load_config

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MIGC_UPDATE_GOLDEN") == "1"


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir() and any(p.glob("*.mig")))


@dataclass(frozen=True)
class Rendered:
    project: CompiledProject
    up: str | None
    down: str | None
    diagnostics: str


def compile_case(case: Path) -> Rendered:
    cwd = Path.cwd()
    os.chdir(case)  # diagnostics name files relative to the case
    try:
        # a case may carry its own migc.toml (settings that change what is reported)
        config = load_config(cwd=case, dir_override=Path(".")) if (case / "migc.toml").exists() \
            else ProjectConfig(migrations_dir=Path("."))
        project = compile_project(config, use_cache=False)
    finally:
        os.chdir(cwd)
    diagnostics = "".join(
        f"{d.file}:{d.span.line}:{d.span.col}: {d.severity.value}[{d.code}]\n" for d in project.diagnostics
    )
    if not project.ok:
        return Rendered(project, None, None, diagnostics)
    last = project.migrations[-1]
    up = render_script(last.up)
    down = render_script(last.down) if last.down is not None else None
    return Rendered(project, up, down, diagnostics)


def compare_or_update(path: Path, actual: str | None) -> str | None:
    """The expected text (None: the file should not exist); in update mode, write `actual` first."""
    if UPDATE:
        if actual is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8") if path.exists() else None


# the connection holding each case's roles (below), by the tuple of role names
_ROLE_HOLDERS: dict[tuple[str, ...], Any] = {}


def create_roles(case: Path, server_url: str) -> list[str]:
    """The roles a case grants to (its `roles.txt`, one per line), made on the server: roles are
    cluster-wide, so each case names its own and `drop_roles` removes them after it. Several test
    files run the same case, on other xdist workers at the same time, against the one shared server:
    a session advisory lock per role name, taken here in sorted order and held until `drop_roles`,
    makes them take turns instead of dropping each other's roles."""
    import psycopg

    path = case / "roles.txt"
    roles = path.read_text().split() if path.exists() else []
    if not roles:
        return roles
    holder = psycopg.connect(server_url, autocommit=True)
    for role in sorted(roles):
        holder.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"migc-test-role:{role}",))
    _ROLE_HOLDERS[tuple(roles)] = holder
    with psycopg.connect(server_url, autocommit=True) as conn:
        for role in roles:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"'.encode())
            conn.execute(f'CREATE ROLE "{role}"'.encode())
    return roles


def drop_roles(server_url: str, roles: list[str], *databases: str) -> None:
    """Drop the case's roles, with what they hold in its databases, and let the next user of them go."""
    import psycopg

    if not roles:
        return
    try:
        listed = ", ".join(f'"{r}"' for r in roles)
        for url in databases:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP OWNED BY {listed}".encode())
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {listed}".encode())
    finally:
        holder = _ROLE_HOLDERS.pop(tuple(roles), None)
        if holder is not None:
            holder.close()  # ends the session: its advisory locks go


def full_dump(case: Path) -> str:
    """Everything compiling a case yields, wording included: each diagnostic with its message and
    hint, every migration's up and down SQL, its down notes, and the final schema's script (which
    re-creates every object the model holds). Two compilers that agree on this agree on the case."""
    project = compile_case(case).project
    parts = [f"{d.file}:{d.span}: {d.severity.value}[{d.code}] {d.message} | {d.hint}" for d in project.diagnostics]
    for m in project.migrations:
        parts.append(f"-- {m.file.name}: irreversible={m.irreversible_at} non_transactional={m.non_transactional}")
        parts.append(render_script(m.up))
        parts.append(render_script(m.down) if m.down is not None else "(no down)")
        parts.extend(repr(note) for note in m.down_notes)
    parts.append(render_script(project.schema_sql))
    return "\n".join(parts)
