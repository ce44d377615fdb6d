"""Imports go one way: each room of src/migc imports only the rooms listed before it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "migc"

# rooms in order: each may import only rooms of an earlier (or its own) rank
LAYERS = [
    {"source", "errors", "codes", "diagnostics", "private_cache", "__init__"},
    {"quoting", "typenames", "sqlsplit"},
    {"tree"},
    {"expr"},
    {"query"},
    {"syntax"},
    {"ir"},
    {"lower"},
    {"codegen"},
    {"kinds"},
    {"lints"},
    {"project", "compiled", "cache", "compiler", "compile_commands"},
    {"runner", "editor"},
    {"adopt"},
    {"cli", "__main__"},
]
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "migc" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            if node.module == "migc":  # `from migc import quoting`: a room (not `__version__`)
                found |= {f"migc.{a.name}" for a in node.names
                          if (SRC / f"{a.name}.py").exists() or (SRC / a.name).is_dir()}
    return found


def test_every_room_has_a_rank() -> None:
    rooms = {p.stem if p.is_file() else p.name for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert sorted(rooms - RANK.keys()) == []


def test_imports_go_down_only() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        me = rel.parts[0].removesuffix(".py")
        for module in _imports(path):
            room = _room(module)
            if room is not None and room != me and RANK[room] > RANK[me]:
                wrong.append(f"{rel} imports {module}")
    assert wrong == []


def test_no_kind_imports_another() -> None:
    """A statement kind reaches other kinds only through registries (ir/creation.py, ir/schema.py,
    lower/context.py...), so each kind module can be read, changed or removed on its own."""
    wrong = []
    for path in sorted((SRC / "kinds").glob("*.py")):
        if path.name == "__init__.py":
            continue
        for module in _imports(path):
            if module.startswith("migc.kinds.") or module == "migc.kinds":
                wrong.append(f"kinds/{path.name} imports {module}")
    assert wrong == []
