"""The compiler's commands as a user runs them: real processes, exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migc import __version__

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "migrations"


def migc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "migc", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project in a fresh directory."""
    shutil.copytree(EXAMPLE, tmp_path / "migrations")
    return tmp_path


def write(project: Path, name: str, text: str) -> Path:
    path = project / "migrations" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_version(tmp_path: Path) -> None:
    result = migc("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"migc {__version__}"


def test_check_example_project_is_clean_of_errors(project: Path) -> None:
    result = migc("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error[" not in result.stdout


def test_typo_gives_position_caret_and_hint(project: Path) -> None:
    write(project, "0100_typo.mig", "create index on users (emial)\n")
    result = migc("check", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "error[E103]" in line)
    assert lines[at].startswith("migrations/0100_typo.mig:1:24: error[E103]:")
    assert lines[at + 1] == "  create index on users (emial)"
    assert lines[at + 2] == "  " + " " * 23 + "^^^^^"
    assert "did you mean 'email'" in lines[at + 3]


def test_syntax_error_says_what_was_expected(project: Path) -> None:
    write(project, "0100_bad.mig", "create tabel things (id int)\n")
    result = migc("check", cwd=project)
    assert result.returncode == 1
    assert re.search(r"0100_bad\.mig:1:8: error\[E001\]: unexpected 'tabel'; expected .*table", result.stdout)


def test_json_diagnostics(project: Path) -> None:
    write(project, "0100_typo.mig", "alter table users drop column nope\n")
    result = migc("check", "--format", "json", cwd=project)
    assert result.returncode == 1
    diags = json.loads(result.stdout)
    error = next(d for d in diags if d["severity"] == "error")
    assert set(error) == {"code", "severity", "message", "file", "line", "col", "end_line", "end_col", "hint"}
    assert (error["code"], error["file"], error["line"], error["col"]) == (
        "E103", "migrations/0100_typo.mig", 1, 31)
    assert error["end_col"] == 35


def test_strict_fails_on_warnings(project: Path) -> None:
    write(project, "0100_rename.mig", "alter table users rename column email to mail\n")
    assert migc("check", cwd=project).returncode == 0
    assert migc("check", "--strict", cwd=project).returncode == 1


def test_lint_config_turns_codes_off_or_into_errors(project: Path) -> None:
    write(project, "0100_rename.mig", "alter table users rename column email to mail\n")
    (project / "migc.toml").write_text('[lint]\nW107 = "error"\n')
    result = migc("check", cwd=project)
    assert result.returncode == 1 and "error[W107]" in result.stdout
    (project / "migc.toml").write_text('[lint]\nW107 = "off"\n')
    result = migc("check", "--format", "json", cwd=project)
    assert "W107" not in {d["code"] for d in json.loads(result.stdout)}


@pytest.mark.parametrize("setting, says", [
    ('W999 = "off"', "'W999', which is not a migc diagnostic code"),
    ('w10 = "error"', "'w10', which is not a migc diagnostic code"),
    ('E101 = "off"', "E101, which is an error: errors cannot be turned off"),
])
def test_lint_config_refuses_codes_it_cannot_apply(project: Path, setting: str, says: str) -> None:
    (project / "migc.toml").write_text(f"[lint]\n{setting}\n")
    result = migc("check", cwd=project)
    assert result.returncode == 1 and says in result.stderr and "migc.toml" in result.stderr


def test_allow_comment_naming_an_unknown_code_is_an_error(project: Path) -> None:
    write(project, "0100_rename.mig", "-- migc: allow W17 renamed on purpose\nalter table users rename column email to mail\n")
    result = migc("check", cwd=project)
    assert result.returncode == 1 and "0100_rename.mig:1:1: error[E005]: unknown diagnostic code W17" in result.stdout
    assert "warning[W107]" in result.stdout  # the typo silenced nothing


def test_emit_one_range_all_and_down(project: Path) -> None:
    one = migc("emit", "1", cwd=project)
    assert one.returncode == 0
    assert one.stdout.startswith("-- migration 0001_")
    assert "-- migration 0002_" not in one.stdout
    every = migc("emit", cwd=project).stdout
    ranged = migc("emit", "--from", "2", "--to", "0003", cwd=project).stdout
    assert "-- migration 0001_" not in ranged and "-- migration 0003_" in ranged and ranged in every
    down = migc("emit", "--down", cwd=project).stdout
    assert down.index("-- migration 0007_") < down.index("-- migration 0001_")  # newest first
    # every statement is preceded by its description
    body = [line for line in every.splitlines() if line and not line.startswith("-- migration")]
    assert body[0].startswith("-- ")


def test_emit_with_errors_prints_nothing_on_stdout(project: Path) -> None:
    write(project, "0100_bad.mig", "alter table nope add column x int\n")
    result = migc("emit", cwd=project)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error[E101]" in result.stderr


def test_emit_down_of_irreversible_names_the_operation(project: Path) -> None:
    write(project, "0100_backfill.mig", "\nsql \"update users set display_name = 'x'\"\n")
    result = migc("emit", "100", "--down", cwd=project)
    assert result.returncode == 1
    assert "migrations/0100_backfill.mig:2:1" in result.stderr


def test_unknown_version(project: Path) -> None:
    result = migc("emit", "42", cwd=project)
    assert result.returncode == 1 and "no migration has version 42" in result.stderr
    assert migc("emit", "x7", cwd=project).returncode == 1


def test_schema_prints_a_script(project: Path) -> None:
    result = migc("schema", cwd=project)
    assert result.returncode == 0
    assert 'CREATE TABLE "public"."users"' in result.stdout


def test_new_creates_next_file(project: Path) -> None:
    result = migc("new", "add_things", cwd=project)
    assert result.returncode == 0
    assert result.stdout.strip() == "migrations/0008_add_things.mig"
    assert (project / "migrations" / "0008_add_things.mig").exists()
    assert migc("new", "Bad-Slug", cwd=project).returncode == 1
    stamped = migc("new", "later", "--timestamp", cwd=project).stdout.strip()
    assert re.fullmatch(r"migrations/\d{14}_later\.mig", stamped)


def test_new_in_empty_directory(tmp_path: Path) -> None:
    result = migc("new", "first", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "migrations" / "0001_first.mig").exists()


def test_user_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    missing = migc("check", cwd=tmp_path)
    assert missing.returncode == 1 and "migrations directory not found" in missing.stderr
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migc.toml").write_text("dir = [unclosed\n")
    bad_toml = migc("check", cwd=tmp_path)
    assert bad_toml.returncode == 1 and "invalid TOML" in bad_toml.stderr
    (tmp_path / "migc.toml").write_text('colour = "blue"\n')
    unknown = migc("check", cwd=tmp_path)
    assert unknown.returncode == 1 and "unknown setting" in unknown.stderr


def test_bad_bytes_and_bad_names_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    write(tmp_path, "0001_a.mig", "create table t (a int)\n")
    (tmp_path / "migrations" / "0002_b.mig").write_bytes(b"create table u (a int)\n\xff\xfe\n")
    write(tmp_path, "3-bad.mig", "create table v (a int)\n")
    result = migc("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    found = {(d["code"], d["file"], d["line"]) for d in json.loads(result.stdout)}
    assert ("E002", "migrations/0002_b.mig", 2) in found
    assert ("E002", "migrations/3-bad.mig", 1) in found


def test_config_dir_and_dir_option(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    write_to = tmp_path / "db" / "0001_t.mig"
    write_to.write_text("create table t (a int)\n")
    (tmp_path / "pyproject.toml").write_text('[tool.migc]\ndir = "db"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    assert migc("check", cwd=sub).returncode == 0  # config found upward, dir relative to it
    assert migc("check", "--dir", str(tmp_path / "db"), cwd=tmp_path).returncode == 0
