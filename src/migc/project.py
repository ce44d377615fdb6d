"""Finding the project: its config, its migrations directory and its migration files."""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from migc.diagnostics import Diagnostic, Severity
from migc.errors import MigcError
from migc.source import Span

MIGRATION_NAME = re.compile(r"^(?P<version>[0-9]+)_(?P<slug>[a-z0-9_]+)\.mig$")


@dataclass(frozen=True)
class ProjectConfig:
    migrations_dir: Path
    database_url: str | None = None
    tracking_schema: str = "public"
    tracking_table: str = "migc_migrations"
    lock_timeout: str = "5s"  # PostgreSQL's lock_timeout for migration statements
    statement_timeout: str = "0"  # 0 = off
    config_file: Path | None = None
    lint: dict[str, str] = field(default_factory=dict)  # code -> "off" | "warning" | "error"

    @property
    def state_dir(self) -> Path:
        """`.migc/` beside the migrations directory: caches and the embedded server."""
        return self.migrations_dir.resolve().parent / ".migc"


_KNOWN_KEYS = {
    "dir", "database_url", "tracking_schema", "tracking_table", "lock_timeout", "statement_timeout", "lint",
}


# PostgreSQL's time units (guc.c) in ms; a number without a unit is ms for lock_timeout and
# statement_timeout
_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>us|ms|s|min|h|d)?\s*$")
_UNIT_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
MAX_DURATION_MS = 2_147_483_647  # an int of ms: PostgreSQL refuses more at connection time


def duration_ms(text: str) -> int | None:
    """A lock_timeout / statement_timeout value in whole milliseconds, as the runner sends it: a
    positive value under 1 ms is 1 ms (PostgreSQL would round it to 0, which means no limit);
    None when PostgreSQL would not take it."""
    match = _DURATION.match(text)
    if match is None:
        return None
    ms = float(match["n"]) * _UNIT_MS[match["unit"] or "ms"]
    whole = 0 if ms == 0 else max(1, math.ceil(ms - 1e-9))
    return whole if whole <= MAX_DURATION_MS else None


DURATION_HINT = ("a number with a unit, e.g. '500ms', '5s' or '2min' (us, ms, s, min, h, d; no unit means ms), "
                 "at most 24 days; '0' means no limit")


def _find_config(start: Path) -> tuple[Path, dict[str, object]] | None:
    for folder in [start, *start.parents]:
        migc_toml = folder / "migc.toml"
        if migc_toml.is_file():
            return migc_toml, _read_toml(migc_toml)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool")
            if isinstance(tool, dict) and isinstance(tool.get("migc"), dict):
                return pyproject, tool["migc"]
    return None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MigcError(f"{path}: invalid TOML: {exc}", "fix the syntax of the config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MigcError(f"{path}: cannot read config: {exc}") from None


def _check_lint_code(code: str, config_file: Path | None) -> None:
    from migc.codes import CODES

    known = CODES.get(code.upper())
    if known is None:
        raise MigcError(f"{config_file}: [lint] names {code!r}, which is not a migc diagnostic code",
                        "the codes are listed in docs/diagnostics.md (W101, W102, ...)")
    if known.severity == "error":
        raise MigcError(f"{config_file}: [lint] names {code}, which is an error: errors cannot be turned off "
                        "or down", "only warning codes (Wnnn) can be configured")


def load_config(cwd: Path | None = None, dir_override: Path | None = None) -> ProjectConfig:
    """`--dir` wins, then the config's `dir` (relative to the config file), then `./migrations`."""
    cwd = cwd or Path.cwd()
    found = _find_config(cwd)
    values: dict[str, object] = {}
    config_file: Path | None = None
    if found is not None:
        config_file, values = found
        unknown = sorted(set(values) - _KNOWN_KEYS)
        if unknown:
            raise MigcError(
                f"{config_file}: unknown setting(s) in migc config: {', '.join(unknown)}",
                f"known settings: {', '.join(sorted(_KNOWN_KEYS))}",
            )
    for key in _KNOWN_KEYS - {"lint"}:
        if key in values and not isinstance(values[key], str):
            raise MigcError(f"{config_file}: setting '{key}' must be a string")
    for key in ("lock_timeout", "statement_timeout"):
        if key in values and duration_ms(str(values[key])) is None:
            raise MigcError(f"{config_file}: setting '{key}' = {values[key]!r} is not a duration PostgreSQL takes",
                            f"use {DURATION_HINT}")
    for key in ("tracking_schema", "tracking_table"):
        if key in values and not str(values[key]).strip():
            raise MigcError(f"{config_file}: setting '{key}' is empty", "give a name, or leave the setting out")
    lint = values.get("lint", {})
    if not isinstance(lint, dict) or not all(
        isinstance(v, str) and v in ("off", "warning", "error") for v in lint.values()
    ):
        raise MigcError(f"{config_file}: [lint] maps codes to \"off\", \"warning\" or \"error\"")
    for code in lint:
        _check_lint_code(str(code), config_file)

    if dir_override is not None:
        migrations_dir = dir_override
    elif "dir" in values and config_file is not None:
        migrations_dir = config_file.parent / str(values["dir"])
    else:
        migrations_dir = cwd / "migrations"

    def text(key: str, default: str) -> str:
        value = values.get(key, default)
        return value if isinstance(value, str) else default

    return ProjectConfig(
        migrations_dir=migrations_dir,
        database_url=text("database_url", "") or None,
        tracking_schema=text("tracking_schema", "public"),
        tracking_table=text("tracking_table", "migc_migrations"),
        lock_timeout=text("lock_timeout", "5s"),
        statement_timeout=text("statement_timeout", "0"),
        config_file=config_file,
        lint={str(k).upper(): str(v) for k, v in lint.items()},
    )


def parse_version(text: str | None, option: str) -> int | None:
    """Versions on the command line are numbers: 5 and 0005 are the same migration."""
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]+", text):  # ASCII digits: str.isdigit() also takes '²' and '٣'
        raise MigcError(f"{option}: '{text}' is not a migration version", "versions are numbers, e.g. 7 or 0007")
    return int(text)


@dataclass(frozen=True)
class MigrationFile:
    version: int
    version_text: str  # as written in the file name, e.g. "0007"
    name: str  # the slug
    path: Path
    shown_path: str  # how diagnostics name it
    content: bytes

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version_text}_{self.name}"

    @property
    def squashes(self) -> frozenset[int]:
        """The versions this migration replaces, when `migc squash` wrote it (its first line is
        `-- migc: squash of versions 1-4, 7`; its own version is among them); else empty."""
        return squashed_versions(self.content)


SQUASH_HEADER = "-- migc: squash of versions "


def squashed_versions(content: bytes) -> frozenset[int]:
    if not content.startswith(SQUASH_HEADER.encode()):
        return frozenset()
    line = content.split(b"\n", 1)[0][len(SQUASH_HEADER):].decode("ascii", "replace")
    versions: set[int] = set()
    for part in line.split(","):
        m = re.fullmatch(r"\s*([0-9]+)(?:\s*-\s*([0-9]+))?\s*", part)
        if m is None:
            return frozenset()  # edited into something else: not a squash
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 0 <= last - first <= 100_000:  # migc writes a range only for consecutive versions it replaced
            return frozenset()
        versions.update(range(first, last + 1))
    return frozenset(versions)


def versions_text(versions: set[int] | frozenset[int]) -> str:
    """`1-4, 7` for {1, 2, 3, 4, 7}: the squash header's list."""
    parts: list[str] = []
    ordered = sorted(versions)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ", ".join(parts)


def shown_path(path: Path, cwd: Path | None = None) -> str:
    try:
        return str(path.resolve().relative_to((cwd or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def _what_it_is(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return "a symbolic link to nothing"
    if path.is_dir():
        return "a directory"
    if path.is_fifo():
        return "a named pipe"
    return "not a regular file"


def list_migrations(migrations_dir: Path) -> tuple[list[MigrationFile], list[Diagnostic]]:
    """All `.mig` files in version order; bad names and duplicate versions become diagnostics."""
    if not migrations_dir.is_dir():
        raise MigcError(
            f"migrations directory not found: {migrations_dir}",
            "create it, run `migc new SLUG`, or point --dir / [tool.migc] dir at it",
        )
    diags: list[Diagnostic] = []
    files: list[MigrationFile] = []
    shown_dir = shown_path(migrations_dir)  # resolved once, not per file
    for path in sorted(migrations_dir.iterdir()):
        if path.name.startswith(".") or path.suffix != ".mig":
            continue
        shown = path.name if shown_dir == "." else f"{shown_dir}/{path.name}"
        if not path.is_file():  # never skipped in silence: it looks like a migration
            diags.append(Diagnostic("E002", Severity.ERROR, f"'{path.name}' is {_what_it_is(path)}, not a migration "
                                    "file", shown, Span(1, 1, 1, 1),
                                    "a migration is a regular file; rename or remove this one"))
            continue
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            diags.append(Diagnostic(
                "E002", Severity.ERROR,
                f"migration file name '{path.name}' does not match <version>_<slug>.mig",
                shown, Span(1, 1, 1, 1),
                "name it like 0001_create_users.mig: digits, '_', then [a-z0-9_]+",
            ))
            continue
        try:
            content = path.read_bytes()
        except OSError as exc:
            diags.append(Diagnostic("E002", Severity.ERROR, f"cannot read migration: {exc.strerror}", shown, Span(1, 1, 1, 1)))
            continue
        version_text = match.group("version")
        files.append(MigrationFile(int(version_text), version_text, match.group("slug"), path, shown, content))
    files.sort(key=lambda f: (f.version, f.path.name))
    seen: dict[int, MigrationFile] = {}
    for f in files:
        if f.version in seen:
            diags.append(Diagnostic(
                "E003", Severity.ERROR,
                f"duplicate migration version {f.version}: also used by {seen[f.version].path.name}",
                f.shown_path, Span(1, 1, 1, 1), "give each migration its own version (`migc new` picks the next one)",
            ))
        else:
            seen[f.version] = f
    return files, diags
