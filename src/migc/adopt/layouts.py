"""The migration histories of other tools, read into one shape: an ordered list of `SourceMigration`s
(version, slug, up SQL, down SQL when the tool has one), from the file names and section markers.

Layouts (docs/adopt.md): flyway, golang-migrate, dbmate, goose, prisma, sqitch, plain. Detected
from the file names (and, for dbmate and goose, the markers inside); `--layout` forces one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from migc.errors import MigcError

LAYOUTS = ("flyway", "golang-migrate", "dbmate", "goose", "prisma", "sqitch", "plain")


@dataclass(frozen=True)
class Section:
    """SQL taken from a file: the text, the file, and the line of the file the text starts on."""

    text: str
    path: Path
    first_line: int = 1

    def where(self, line: int, col: int) -> str:
        return f"{self.path}:{self.first_line + line - 1}:{col}"


@dataclass(frozen=True)
class SourceMigration:
    version: int
    slug: str
    up: Section
    down: Section | None
    transactional: bool = True  # goose `NO TRANSACTION`, dbmate `transaction:false`: statement by statement
    version_text: str = ""  # the version as the source writes it ("001", "20210425153745"), if it has one

    @property
    def file_name(self) -> str:
        """The .mig file's name: the source's version as written (or padded), and the slug."""
        return f"{self.version_text or f'{self.version:04d}'}_{self.slug}.mig"


@dataclass(frozen=True)
class SourceHistory:
    layout: str
    migrations: tuple[SourceMigration, ...]
    notes: tuple[str, ...] = ()  # what was left out, and why (flyway repeatables, ...)


_FLYWAY = re.compile(r"^(?P<kind>[VU])(?P<version>[0-9]+(?:[._][0-9]+)*)__(?P<name>.+)\.sql$", re.I)
_FLYWAY_REPEATABLE = re.compile(r"^R__(?P<name>.+)\.sql$", re.I)
_GOLANG = re.compile(r"^(?P<version>[0-9]+)_(?P<name>.+)\.(?P<direction>up|down)\.sql$", re.I)
_NUMBERED = re.compile(r"^(?P<version>[0-9]+)[_-](?P<name>.+)\.sql$", re.I)
_PRISMA_DIR = re.compile(r"^(?P<version>[0-9]+)_(?P<name>.+)$")
_GOOSE_UP = re.compile(r"^--\s*\+goose\s+up\b.*$", re.I | re.M)
_DBMATE_UP = re.compile(r"^--\s*migrate:up\b.*$", re.I | re.M)
_PLACEHOLDER = re.compile(r"\{\{\s*\.(?P<go>[A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{(?P<env>[A-Za-z_][A-Za-z0-9_.]*)\}")


def slug_of(name: str) -> str:
    """A migc slug ([a-z0-9_]+) from another tool's migration name."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "migration"


def read_history(source: Path, layout: str | None = None, values: dict[str, str] | None = None) -> SourceHistory:
    """The history in `source` (a directory), in the order its tool applies it. `values` fill the
    templates' placeholders (`{{ .NAME }}`, `${NAME}`); one left unfilled is an error naming it."""
    if not source.exists():
        raise MigcError(f"source directory not found: {source}", "give the directory that holds the SQL migrations")
    if not source.is_dir():
        raise MigcError(f"not a directory: {source}", "give the directory that holds the SQL migrations")
    if layout is not None and layout not in LAYOUTS:
        raise MigcError(f"unknown layout {layout!r}", f"one of: {', '.join(LAYOUTS)}")
    chosen = layout or detect_layout(source)
    reader = {
        "flyway": _flyway, "golang-migrate": _golang, "dbmate": _dbmate, "goose": _goose, "prisma": _prisma,
        "sqitch": _sqitch, "plain": _plain,
    }[chosen]
    history = reader(source)
    if not history.migrations:
        raise MigcError(f"no {chosen} migrations found in {source}",
                        "check the directory, or force a layout with --layout " + "|".join(LAYOUTS))
    _check_versions(history)
    return _filled(history, values or {}, strict_env=chosen == "flyway")


def detect_layout(source: Path) -> str:
    names = [p.name for p in source.iterdir()]
    if (source / "sqitch.plan").is_file() or ((source / "deploy").is_dir() and (source / "revert").is_dir()):
        return "sqitch"
    if any(p.is_dir() and (p / "migration.sql").is_file() and _PRISMA_DIR.match(p.name) for p in source.iterdir()):
        return "prisma"
    sql = [n for n in names if n.lower().endswith(".sql")]
    if any(_FLYWAY.match(n) for n in sql):
        return "flyway"
    if any(_GOLANG.match(n) for n in sql):
        return "golang-migrate"
    numbered = [source / n for n in sql if _NUMBERED.match(n)]
    for path in numbered:
        text = _read(path)
        if _GOOSE_UP.search(text):
            return "goose"
        if _DBMATE_UP.search(text):
            return "dbmate"
    if numbered:
        return "plain"
    raise MigcError(f"no SQL migrations found in {source}",
                    "expected files such as V1__init.sql, 0001_init.up.sql, 0001_init.sql or 0001_init/migration.sql; "
                    "force a layout with --layout " + "|".join(LAYOUTS))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise MigcError(f"cannot read {path}: not UTF-8 ({err.reason} at byte {err.start})",
                        "convert the file to UTF-8") from None
    except OSError as err:
        raise MigcError(f"cannot read {path}: {err.strerror}", "check the file's permissions") from None


def _version(text: str) -> int:
    return int(text)


# ---------------------------------------------------------------- layouts


def _flyway(source: Path) -> SourceHistory:
    ups: dict[str, Path] = {}
    downs: dict[str, Path] = {}
    notes: list[str] = []
    for path in sorted(source.rglob("*.sql")):
        if _FLYWAY_REPEATABLE.match(path.name):
            notes.append(f"{path}: a Flyway repeatable migration (R__): not imported, migc has none; "
                         "write what it does into a migration of its own")
            continue
        m = _FLYWAY.match(path.name)
        if m is None:
            continue
        (ups if m["kind"].upper() == "V" else downs)[m["version"]] = path

    def key(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.split(r"[._]", version))

    ordered = sorted(ups, key=key)
    integral = all(re.fullmatch(r"[0-9]+", v) for v in ordered)
    if not integral:
        notes.append("Flyway versions with parts (1.1, 2_0_1) become positions 1, 2, 3... in their order")
    migrations = []
    for position, version in enumerate(ordered, 1):
        path = ups[version]
        m = _FLYWAY.match(path.name)
        assert m is not None
        down = downs.get(version)
        migrations.append(SourceMigration(
            int(version) if integral else position, slug_of(m["name"]), Section(_read(path), path),
            Section(_read(down), down) if down is not None else None, version_text=version if integral else "",
        ))
    return SourceHistory("flyway", tuple(migrations), tuple(notes))


def _golang(source: Path) -> SourceHistory:
    found: dict[int, dict[str, Path]] = {}
    names: dict[int, str] = {}
    texts: dict[int, str] = {}
    for path in sorted(source.glob("*.sql")):
        m = _GOLANG.match(path.name)
        if m is None:
            continue
        version = _version(m["version"])
        side = found.setdefault(version, {})
        direction = m["direction"].lower()
        if direction in side:
            raise MigcError(f"two {direction} migrations with version {version}: {side[direction].name} and {path.name}",
                            "golang-migrate refuses this too; rename one")
        side[direction] = path
        names.setdefault(version, m["name"])
        texts.setdefault(version, m["version"])
    migrations = []
    for version in sorted(found):
        side = found[version]
        if "up" not in side:
            raise MigcError(f"{side['down']}: a down migration without its up", "add the .up.sql file or remove this one")
        down = side.get("down")
        migrations.append(SourceMigration(version, slug_of(names[version]), Section(_read(side["up"]), side["up"]),
                                          Section(_read(down), down) if down is not None else None,
                                          version_text=texts[version]))
    return SourceHistory("golang-migrate", tuple(migrations))


def _sections(path: Path, text: str, up_marker: re.Pattern[str], down_marker: re.Pattern[str]) -> tuple[Section, Section | None]:
    """The up and down sections of a one-file migration (dbmate, goose)."""
    up = up_marker.search(text)
    if up is None:
        raise MigcError(f"{path}: no up section (expected a line `{up_marker.pattern}`)",
                        "every migration of this layout needs one; force another layout with --layout")
    down = down_marker.search(text)
    if down is not None and down.start() < up.start():
        raise MigcError(f"{path}: the down section comes before the up section", "put the up section first")
    up_start = up.end() + 1 if up.end() < len(text) else up.end()
    up_text = text[up_start:down.start() if down is not None else len(text)]
    up_section = Section(up_text, path, text.count("\n", 0, up_start) + 1)
    if down is None:
        return up_section, None
    down_start = down.end() + 1 if down.end() < len(text) else down.end()
    down_text = text[down_start:]
    if not down_text.strip():
        return up_section, None
    return up_section, Section(down_text, path, text.count("\n", 0, down_start) + 1)


_DBMATE_DOWN = re.compile(r"^--\s*migrate:down\b.*$", re.I | re.M)
_GOOSE_DOWN = re.compile(r"^--\s*\+goose\s+down\b.*$", re.I | re.M)
_GOOSE_MARKER = re.compile(r"^--\s*\+goose\s+(statementbegin|statementend|envsub\s+\w+)\s*$", re.I | re.M)


def _numbered_files(source: Path) -> list[tuple[int, str, Path, str]]:
    files = []
    for path in sorted(source.glob("*.sql")):
        m = _NUMBERED.match(path.name)
        if m is not None:
            files.append((_version(m["version"]), m["name"], path, m["version"]))
    return sorted(files, key=lambda f: (f[0], f[2].name))


def _dbmate(source: Path) -> SourceHistory:
    migrations = []
    for version, name, path, written in _numbered_files(source):
        text = _read(path)
        up, down = _sections(path, text, _DBMATE_UP, _DBMATE_DOWN)
        marker = _DBMATE_UP.search(text)
        transactional = marker is None or "transaction:false" not in marker.group(0).replace(" ", "").lower()
        migrations.append(SourceMigration(version, slug_of(name), up, down, transactional, written))
    return SourceHistory("dbmate", tuple(migrations))


def _goose(source: Path) -> SourceHistory:
    migrations = []
    for version, name, path, written in _numbered_files(source):
        text = _read(path)
        # StatementBegin/End only help goose's own splitter; ours knows PostgreSQL: blank them
        # (keeping the lines, so positions stay right)
        text_clean = _GOOSE_MARKER.sub("", text)
        up, down = _sections(path, text_clean, _GOOSE_UP, _GOOSE_DOWN)
        transactional = re.search(r"^--\s*\+goose\s+no\s+transaction\b", text, re.I | re.M) is None
        migrations.append(SourceMigration(version, slug_of(name), up, down, transactional, written))
    return SourceHistory("goose", tuple(migrations))


def _prisma(source: Path) -> SourceHistory:
    migrations = []
    dirs = sorted((p for p in source.iterdir() if p.is_dir() and _PRISMA_DIR.match(p.name)
                   and (p / "migration.sql").is_file()), key=lambda p: p.name)
    for path in dirs:
        m = _PRISMA_DIR.match(path.name)
        assert m is not None
        file = path / "migration.sql"
        migrations.append(SourceMigration(_version(m["version"]), slug_of(m["name"]), Section(_read(file), file), None,
                                          version_text=m["version"]))
    return SourceHistory("prisma", tuple(migrations))


def _sqitch(source: Path) -> SourceHistory:
    plan = source / "sqitch.plan"
    if plan.is_file():
        names = []
        for line in _read(plan).splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith(("%", "#", "@")):
                continue
            names.append(stripped.split()[0])
    else:
        names = sorted(p.stem for p in (source / "deploy").glob("*.sql"))
    migrations = []
    for position, name in enumerate(names, 1):
        deploy, revert = source / "deploy" / f"{name}.sql", source / "revert" / f"{name}.sql"
        if not deploy.is_file():
            raise MigcError(f"{plan}: change {name!r} has no deploy script {deploy}", "add it, or remove the change from the plan")
        down = Section(_read(revert), revert) if revert.is_file() else None
        migrations.append(SourceMigration(position, slug_of(name), Section(_read(deploy), deploy), down))
    return SourceHistory("sqitch", tuple(migrations))


def _plain(source: Path) -> SourceHistory:
    migrations = [SourceMigration(version, slug_of(name), Section(_read(path), path), None, version_text=written)
                  for version, name, path, written in _numbered_files(source)]
    return SourceHistory("plain", tuple(migrations))


# ---------------------------------------------------------------- checks and templates


def _check_versions(history: SourceHistory) -> None:
    seen: dict[int, SourceMigration] = {}
    for m in history.migrations:
        if m.version in seen:
            raise MigcError(f"two migrations with version {m.version}: {seen[m.version].up.path} and {m.up.path}",
                            "give one of them another version first")
        seen[m.version] = m


def _filled(history: SourceHistory, values: dict[str, str], *, strict_env: bool) -> SourceHistory:
    """`{{ .NAME }}` always takes a value; `${NAME}` too where it is the tool's own placeholder
    (Flyway), elsewhere only when given one (SQL may hold `${` in a string)."""
    def fill(section: Section | None) -> Section | None:
        if section is None:
            return None
        text = section.text

        def value(m: re.Match[str]) -> str:
            name = m["go"] or m["env"]
            if name not in values and m["env"] and not strict_env:
                return m.group(0)
            if name not in values:
                line = text.count("\n", 0, m.start()) + section.first_line
                raise MigcError(f"{section.path}:{line}: template placeholder {m.group(0)} has no value",
                                f"give it one with --set {name}=VALUE")
            return values[name]

        return Section(_PLACEHOLDER.sub(value, text), section.path, section.first_line)

    migrations = []
    for m in history.migrations:
        up = fill(m.up)
        assert up is not None
        migrations.append(SourceMigration(m.version, m.slug, up, fill(m.down), m.transactional, m.version_text))
    return SourceHistory(history.layout, tuple(migrations), history.notes)
