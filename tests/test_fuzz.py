"""Fuzzing the checker: whatever the .mig files hold, `migc check` reports diagnostics and never
crashes.

Inputs are mutated valid projects (the example project in migrations/ and every golden case, one
of whose files is mutated: tokens and lines deleted, duplicated, swapped; keywords, punctuation and
unusual characters inserted; truncation; random bytes, invalid UTF-8 and NUL), plus purely random
text and bytes. In process, `compile_project` must return (never raise) diagnostics with a known
code and a span inside the file they name, and rendering them must work; through the real command
line (`python -m migc check --dir D`) the exit code must be 0 or 1, no traceback may be printed,
and every error line must read `path:line:col: error[CODE]: message` with line and column inside
that file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from migc.compiled import CompiledProject
from migc.codes import registered
from migc.compiler import compile_project
from migc.diagnostics import Diagnostic, Severity, render_json, render_text
from migc.project import ProjectConfig

REPO = Path(__file__).resolve().parents[1]


def _seed_projects() -> list[tuple[tuple[str, bytes], ...]]:
    projects = [tuple((p.name, p.read_bytes()) for p in sorted((REPO / "migrations").glob("*.mig")))]
    for case in sorted((REPO / "tests" / "golden").iterdir()):
        files = tuple((p.name, p.read_bytes()) for p in sorted(case.glob("*.mig")))
        if files:
            projects.append(files)
    return [p for p in projects if p]


SEEDS = _seed_projects()

WORDS = [
    "create", "table", "alter", "drop", "rename", "to", "add", "column", "constraint", "index", "unique", "on",
    "pk", "primary", "key", "foreign", "references", "check", "default", "not", "null", "not null", "valid",
    "validate", "type", "using", "set", "data", "enum", "value", "before", "after", "schema", "sql", "down",
    "down {", "concurrently", "where", "in", "between", "like", "ilike", "is", "and", "or", "cascade",
    "restrict", "set null", "no action", "identity", "generated", "always", "as", "by", "desc", "nulls first",
    "int", "bigint", "text", "varchar(0)", "varchar(10485761)", "numeric(0)", "numeric(1001, 2)", "numeric(5,-2000)",
    "int[][]", "serial", "bigserial", "double precision", "timestamptz", "user_role", "public.users", "app.x",
    "now()", "current_timestamp", "true", "null::int", "'x'::text", "1e999", "9" * 40, "-0", ".5", "$$", "$$ $$",
    "'", "''", '"', '""', '"a""b"', "(", ")", "((", "))", "[", "]", "{", "}", ",", ";", ";;", ".", "::", ":", "=",
    "<>", "!=", "+", "-", "*", "/", "%", "--", "-- migc: allow W101", "/*", "*/", "/* x */", "\\", "`", "@", "#",
    "é", "日本", "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\r", "\r\n", "\t", "\ufeff", "\x00",
    "(" * 40, ")" * 40, " or a = 1" * 30,
    "😀", "\u0301", "\ud7ff", "x" * 64, '"' + "é" * 32 + '"', "users", "id", "email",
]

TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|\d+|.", re.S)


@st.composite
def mutated_text(draw, text: str) -> str:  # type: ignore[no-untyped-def]
    for _ in range(draw(st.integers(1, 4))):
        tokens = TOKEN.findall(text) or [""]
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "delete_line",
                                   "duplicate_line", "swap_lines", "truncate", "same_kind", "same_kind",
                                   "number", "crossover"]))
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(0, len(tokens) - 1))
        words = [k for k, t in enumerate(tokens) if t[:1].isalpha() or t[:1] in "_\""]
        numbers = [k for k, t in enumerate(tokens) if t.isdigit()]
        if op == "same_kind" and words:  # a name or keyword where another one was: mostly still parses
            tokens[draw(st.sampled_from(words))] = tokens[draw(st.sampled_from(words))]
        elif op == "number" and numbers:
            tokens[draw(st.sampled_from(numbers))] = draw(st.sampled_from(
                ["0", "1", "2", "63", "64", "1000", "1001", "10485760", "10485761", "2147483648", "9" * 30]))
        elif op == "crossover":  # statements of another project: unknown or duplicate objects
            other = draw(st.sampled_from(SEEDS))[-1][1].decode("utf-8").split("\n")
            a = draw(st.integers(0, len(other) - 1))
            chunk = other[a: a + draw(st.integers(1, 8))]
            lines = text.split("\n")
            at = draw(st.integers(0, len(lines)))
            text = "\n".join(lines[:at] + chunk + lines[at:])
            continue
        elif op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "insert":
            tokens.insert(i, draw(st.sampled_from([" ", ""])) + draw(st.sampled_from(WORDS))
                          + draw(st.sampled_from([" ", ""])))
        elif op == "replace":
            tokens[i] = draw(st.sampled_from(WORDS) | st.text(max_size=3))
        if op in ("delete_line", "duplicate_line", "swap_lines"):
            lines = text.split("\n")
            a = draw(st.integers(0, len(lines) - 1))
            b = draw(st.integers(0, len(lines) - 1))
            if op == "delete_line":
                del lines[a]
            elif op == "duplicate_line":
                lines.insert(a, lines[a])
            else:
                lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        else:
            text = "".join(tokens)
    return text


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:  # type: ignore[no-untyped-def]
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\x00", b"\xc3", b"\xe6\x97", b"\xed\xa0\x80",
                                     b"\xc0\xaf", b"\x80", b"\r", b"\x1b[31m"]) | st.binary(min_size=1, max_size=4))
        if draw(st.booleans()) or not data:
            data = data[:pos] + junk + data[pos:]
        else:
            data = data[:pos] + junk + data[pos + len(junk):]
    return data


@dataclass(frozen=True)
class Project:
    files: tuple[tuple[str, bytes], ...]

    def __repr__(self) -> str:  # how hypothesis shows a falsifying example
        return "Project(\n" + "".join(f"--- {name}\n{content!r}\n" for name, content in self.files) + ")"


@st.composite
def fuzzed_projects(draw) -> Project:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "mutated_bytes", "random_text",
                                 "random_bytes", "random_words"]))
    if kind.startswith("random"):
        if kind == "random_text":
            content = draw(st.text(max_size=400)).encode("utf-8", errors="surrogatepass")
        elif kind == "random_bytes":
            content = draw(st.binary(max_size=400))
        else:
            words = draw(st.lists(st.sampled_from(WORDS), max_size=60))
            content = " ".join(words).encode("utf-8", errors="surrogatepass")
        files = [("0001_fuzz.mig", content)]
    else:
        files = list(draw(st.sampled_from(SEEDS)))
        k = draw(st.integers(0, len(files) - 1))
        name, content = files[k]
        if kind == "mutated":
            text = draw(mutated_text(content.decode("utf-8")))
            content = text.encode("utf-8", errors="surrogatepass")
        else:
            content = draw(mutated_bytes(content))
        files[k] = (name, content)
        files = files[: k + 1 + draw(st.integers(0, len(files) - k - 1))]
    if draw(st.integers(0, 19)) == 0:  # a file named against the rules
        files.append((draw(st.sampled_from(["1_Bad-Name.mig", "x_y.mig", "0001_dup.mig", "0002_.mig"])), b""))
    return Project(tuple(files))


def write_project(project: Project, root: Path) -> Path:
    migrations = root / "migrations"
    migrations.mkdir()
    for name, content in project.files:
        (migrations / name).write_bytes(content)
    return migrations


def compile_in(tmp: str, project: Project) -> CompiledProject:
    """Compile the project in a temporary directory, as `migc check` run there would."""
    cwd = os.getcwd()
    os.chdir(tmp)  # diagnostics name files relative to the working directory
    try:
        write_project(project, Path(tmp))
        return compile_project(ProjectConfig(migrations_dir=Path("migrations")), use_cache=False)
    finally:
        os.chdir(cwd)


CODE = re.compile(r"^[EW]\d{3}$")


def span_inside(content: bytes, line: int, col: int) -> bool:
    """Is (line, col) a position in the text (1-based; one past the end of a line is allowed)?"""
    lines = content.decode("utf-8", errors="replace").split("\n")
    return 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1


def check_diagnostic(d: Diagnostic, files: dict[str, bytes]) -> None:
    assert isinstance(d, Diagnostic)
    assert d.severity in (Severity.ERROR, Severity.WARNING)
    assert CODE.match(d.code), d
    assert registered(d.code, d.severity.value), f"{d.code} is not in the registry as a {d.severity.value}"
    assert d.message.strip(), d
    assert d.file in files, f"diagnostic names a file that is not in the project: {d.file}"
    content = files[d.file]
    assert span_inside(content, d.span.line, d.span.col), f"span outside the file: {d}"
    assert (d.span.end_line, d.span.end_col) >= (d.span.line, d.span.col), f"span ends before it starts: {d}"
    lines = content.decode("utf-8", errors="replace").split("\n")
    render_text(d, lines[d.span.line - 1] if d.span.line <= len(lines) else None)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project=fuzzed_projects())
def test_checker_returns_diagnostics_and_never_raises(project: Project) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = compile_in(tmp, project)
    files = {f"migrations/{name}": content for name, content in project.files}
    for d in result.diagnostics:
        note(f"{d.file}:{d.span.line}:{d.span.col}: {d.severity.value}[{d.code}]: {d.message}")
        check_diagnostic(d, files)
    render_json(result.diagnostics)
    assert result.ok == (not any(d.severity is Severity.ERROR for d in result.diagnostics))
    if result.ok:
        assert len(result.migrations) == len(project.files)
    for m in result.migrations:  # every migration's own diagnostics are among the project's
        assert set(m.diagnostics) <= set(result.diagnostics)


ERROR_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: \S.*$")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project=fuzzed_projects())
@example(project=Project((("0001_bom.mig", b"\xef\xbb\xbf create"),)))  # a BOM is not part of the line shown
def test_cli_check_exits_0_or_1_and_prints_diagnostics(project: Project) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        migrations = write_project(project, Path(tmp))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        done = subprocess.run([sys.executable, "-m", "migc", "check", "--dir", str(migrations)], cwd=tmp, env=env,
                              capture_output=True, timeout=120)
    out = done.stdout.decode("utf-8", errors="replace")
    err = done.stderr.decode("utf-8", errors="replace")
    note(f"exit {done.returncode}\nstdout:\n{out}\nstderr:\n{err}")
    assert done.returncode in (0, 1)
    assert "Traceback" not in out and "Traceback" not in err
    files = {f"migrations/{name}": content for name, content in project.files}
    reported = 0
    printed = (out + "\n" + err).split("\n")
    for n, line in enumerate(printed):
        if line.startswith(" "):  # the source line, the caret, the hint under a diagnostic
            continue
        if "error" not in line and "warning[" not in line:
            continue
        if re.match(r"^\d+ errors?, \d+ warnings? in \d+ migrations?$", line):
            continue
        match = ERROR_LINE.match(line)
        assert match, f"not a diagnostic line: {line!r}"
        assert match["path"] in files, f"names a file that is not in the project: {line!r}"
        assert span_inside(files[match["path"]], int(match["line"]), int(match["col"])), f"outside the file: {line!r}"
        assert registered(match["code"], match["severity"]), f"unregistered code: {line!r}"
        reported += match["severity"] == "error"
        # a UTF-8 byte order mark is no character of the file (columns are counted without it)
        content = files[match["path"]].decode("utf-8", errors="replace").removeprefix("\ufeff")
        # lines end at \n only (not at a form feed, a lone \r, U+2028 as str.splitlines has it); the
        # diagnostic's own line is shown under it, a tab or control character as one space
        source = content.split("\n")[int(match["line"]) - 1].removesuffix("\r")
        if source.strip():
            shown = "".join(" " if ch == "\t" or not ch.isprintable() else ch for ch in source)
            assert printed[n + 1] == "  " + shown, f"wrong source line under {line!r}"
    assert (done.returncode == 1) == (reported > 0), "exit code 1 exactly when errors are reported"


# Bugs these tests found (fixed in 1d9303f): an end-of-file syntax error counted lines with
# str.splitlines, which also breaks at form feeds, vertical tabs, U+2028...; and expressions of ~1000
# operators raised RecursionError out of compile_project (`migc check` exited 2, "internal error").
@pytest.mark.parametrize("content", [
    pytest.param(b"create table t (\x0ca int", id="form-feed"),
    pytest.param("create table t (\u2028a int".encode(), id="line-separator"),
    pytest.param(b"create table t (\x0ba int\n", id="vertical-tab"),
])
def test_end_of_file_error_is_on_the_last_line(content: bytes) -> None:
    project = Project((("0001_t.mig", content),))
    with tempfile.TemporaryDirectory() as tmp:
        result = compile_in(tmp, project)
    [d] = result.diagnostics
    assert d.code == "E001"
    assert d.span.line == 1, d
    check_diagnostic(d, {"migrations/0001_t.mig": content})


LONG_OR_CHAIN = ("create table t (a int check (" + " or ".join(f"a = {i}" for i in range(1200)) + "))\n").encode()


def test_long_expression_does_not_crash_the_checker() -> None:
    project = Project((("0001_t.mig", LONG_OR_CHAIN),))
    with tempfile.TemporaryDirectory() as tmp:
        result = compile_in(tmp, project)
    assert result.ok, result.diagnostics


def test_long_expression_through_the_cli() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        migrations = write_project(Project((("0001_t.mig", LONG_OR_CHAIN),)), Path(tmp))
        done = subprocess.run([sys.executable, "-m", "migc", "check", "--dir", str(migrations)], cwd=tmp,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stdout + done.stderr


# Found here, fixed in b43b1f7: allow comments were found, and the CLI picked the source line to
# show, with str.splitlines too.
def test_allow_comment_after_a_form_feed() -> None:
    project = Project((("0001_a.mig", b"create table t (a int)\n"),
                       ("0002_b.mig", b"\x0c-- migc: allow W101\ncreate index on t (a)\n")))
    with tempfile.TemporaryDirectory() as tmp:
        result = compile_in(tmp, project)
    assert [(d.code, d.span.line) for d in result.diagnostics] == []


@pytest.mark.parametrize("content, line, shown", [
    pytest.param(b"\x0c\ncreate table t (a int)\ncreate table t (b int)\n", 3, "  create table t (b int)",
                 id="form-feed"),
    # lone carriage returns do not end a line (the parser counts \n): the one line is shown whole,
    # its \r as a space, so the caret stays under the column
    pytest.param(b"create table t (a int)\rcreate table t (b int)\r", 1,
                 "  create table t (a int) create table t (b int)", id="carriage-returns"),
])
def test_cli_shows_the_diagnostics_own_line(content: bytes, line: int, shown: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        migrations = write_project(Project((("0001_t.mig", content),)), Path(tmp))
        done = subprocess.run([sys.executable, "-m", "migc", "check", "--dir", str(migrations)], cwd=tmp,
                              capture_output=True, text=True, timeout=120)
    printed = done.stdout.split("\n")
    header = next(i for i, text in enumerate(printed) if "error[E102]" in text)
    assert printed[header].startswith(f"migrations/0001_t.mig:{line}:")
    assert printed[header + 1] == shown, printed[header: header + 3]
