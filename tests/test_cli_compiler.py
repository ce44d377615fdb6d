"""The compiler's commands as a user runs them: real processes, exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import os
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
    assert re.search(r"0100_bad\.mig:1:8: error\[E001\]: unexpected 'tabel'; expected ", result.stdout)
    assert "did you mean 'table'?" in result.stdout  # the expected list is cut at 10 words: the hint names it


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
    last = max(int(p.name.split("_", 1)[0]) for p in (project / "migrations").glob("*.mig"))
    result = migc("new", "add_things", cwd=project)
    assert result.returncode == 0
    assert result.stdout.strip() == f"migrations/{last + 1:04d}_add_things.mig"
    assert (project / "migrations" / f"{last + 1:04d}_add_things.mig").exists()
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


# ---- issue 8: user errors are user errors, and inputs are never skipped in silence


@pytest.mark.parametrize("args, says", [
    (["emit", "²"], "'²' is not a migration version"),
    (["emit", "--from", "٣"], "'٣' is not a migration version"),
    (["emit", "--from", "5", "--to", "2"], "--from 5 is after --to 2"),
    (["emit", "--from", "99"], "--from 99: no migration is in that range"),
    (["emit", "--from", "3", "--to", "3"], ""),
])
def test_bad_versions_are_errors_not_crashes_or_nothing(project: Path, args: list[str], says: str) -> None:
    result = migc(*args, cwd=project)
    if not says:  # a range that selects something is fine
        assert result.returncode == 0 and "migration 0003" in result.stdout
        return
    assert result.returncode == 1 and says in result.stderr and result.stdout == ""


def test_a_range_from_zero_selects_from_the_first(project: Path) -> None:
    result = migc("emit", "--from", "0", "--to", "2", cwd=project)
    assert result.returncode == 0 and "migration 0001" in result.stdout and "migration 0002" in result.stdout


def test_new_where_it_cannot_write_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    result = migc("new", "x", "--dir", str(tmp_path / "file" / "migrations"), cwd=tmp_path)
    assert result.returncode == 1 and "cannot create the migrations directory" in result.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = migc("new", "x", "--dir", str(locked), cwd=tmp_path)
        if os.geteuid() == 0:  # root writes anywhere: then it simply works
            assert result.returncode == 0
        else:
            assert result.returncode == 1 and "cannot write" in result.stderr
    finally:
        locked.chmod(0o700)


def test_nul_byte_in_a_file_is_an_error_at_check_time(project: Path) -> None:
    write(project, "0100_nul.mig", 'create table t (id bigint pk, "a\x00b" text)\n')
    result = migc("check", cwd=project)
    assert result.returncode == 1
    assert "0100_nul.mig:1:33: error[E002]: file holds a NUL character" in result.stdout


def test_a_utf8_bom_is_accepted(project: Path) -> None:
    (project / "migrations" / "0100_bom.mig").write_bytes("\ufeffcreate table bom (id bigint pk)\n".encode())
    result = migc("check", "--format", "json", cwd=project)
    assert result.returncode == 0
    assert all(d["file"] != "migrations/0100_bom.mig" for d in json.loads(result.stdout))
    write(project, "0101_after.mig", "create index on bom (idd)\n")
    result = migc("check", cwd=project)
    assert "0101_after.mig:1:22: error[E103]" in result.stdout


@pytest.mark.parametrize("make, what", [
    (lambda p: p.mkdir(), "a directory"),
    (lambda p: os.mkfifo(p), "a named pipe"),
    (lambda p: p.symlink_to(p.parent / "nowhere.mig"), "a symbolic link to nothing"),
])
def test_non_files_named_like_migrations_are_errors(project: Path, make: object, what: str) -> None:
    make(project / "migrations" / "0100_odd.mig")  # type: ignore[operator]
    result = migc("check", cwd=project)
    assert result.returncode == 1
    assert f"error[E002]: '0100_odd.mig' is {what}, not a migration file" in result.stdout


def test_a_newline_in_a_name_cannot_end_the_description_comment(project: Path, fresh_db: str) -> None:
    """`emit` writes `-- description` above each statement; a quoted name holding a line break would
    end that comment early and make the rest SQL that psql runs."""
    write(project, "0100_evil.mig", 'create table "x\ncreate table pwned (id int); --" (id bigint pk)\n')
    emitted = migc("emit", "100", cwd=project)
    assert emitted.returncode == 0
    psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", fresh_db], input=emitted.stdout, text=True,
                   check=True, capture_output=True)
    import psycopg

    with psycopg.connect(fresh_db) as conn:
        tables = {r[0] for r in conn.execute("select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace")}
    assert tables == {"x\ncreate table pwned (id int); --"}


def test_minus_minus_one_is_not_a_comment(project: Path) -> None:
    write(project, "0100_neg.mig", "create table neg (id bigint pk, a int default - -1, b int check (b > - -1))\n")
    result = migc("emit", "100", cwd=project)
    assert result.returncode == 0 and "--1" not in result.stdout.replace("-- ", "")
    assert "DEFAULT - -1" in result.stdout and "> - -1" in result.stdout
