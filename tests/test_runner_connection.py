"""Connecting: clear errors, never a password, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from migc.errors import MigcError
from migc.project import ProjectConfig
from migc.runner.run_commands import RunOptions, run_status
from migc.runner.report import Output
from migc.runner.session import connect
from migc.runner.urls import DatabaseTarget, database_name, redact_text, redact_url, with_database

PASSWORD = "Sup3r-S3cret-pw"


def test_redact_url_forms() -> None:
    assert redact_url("postgresql://app:pw1234@db:5432/x") == "postgresql://app:****@db:5432/x"
    assert redact_url("postgres://app@db/x") == "postgres://app@db/x"
    assert redact_url("host=db user=app password=pw1234 dbname=x") == "host=db user=app password=**** dbname=x"
    assert redact_url("postgresql:///x?password=pw1234&sslmode=require") == "postgresql:///x?password=****&sslmode=require"
    assert "pw1234" not in redact_text('connection to "postgresql://u:pw1234@h/d" failed: pw1234', ("pw1234",))


def test_with_database_keeps_everything_but_the_name() -> None:
    url = "postgresql://postgres:@/postgres?host=/tmp/some dir"
    moved = with_database(url, "other")
    assert database_name(moved) == "other"
    assert parse_qs(urlsplit(moved).query)["host"] == ["/tmp/some dir"]
    assert database_name(with_database("host=h dbname=old user=u", "new")) == "new"


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A server of its own that asks for passwords (the shared one trusts everybody)."""
    from migc.runner.embedded import embedded_url, release

    base = Path(tempfile.mkdtemp(prefix="migc-test-pwpg-"))
    state_dir = base / ".migc"
    try:
        admin = embedded_url(state_dir)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE app LOGIN PASSWORD '{PASSWORD}'")
            hba = Path(conn.execute("SHOW hba_file").fetchone()[0])  # type: ignore[index]
            hba.write_text("local all postgres trust\nlocal all all scram-sha-256\n")
            conn.execute("SELECT pg_reload_conf()")
        yield admin
    finally:
        release(state_dir, stop_now=True)
        shutil.rmtree(base, ignore_errors=True)


def _app_url(admin_url: str, password: str) -> str:
    return admin_url.replace("postgres:@", f"app:{password}@", 1)


def test_right_password_connects(password_server: str) -> None:
    with connect(DatabaseTarget(_app_url(password_server, PASSWORD), "test")) as session:
        assert session.rows("select current_user") == [("app",)]


def test_wrong_password_is_a_clear_error_without_the_password(password_server: str) -> None:
    wrong = "Wr0ng-" + PASSWORD
    with pytest.raises(MigcError) as caught:
        connect(DatabaseTarget(_app_url(password_server, wrong), "--database-url"))
    text = caught.value.message + (caught.value.hint or "")
    assert "password authentication failed" in text
    assert "cannot connect to the database" in text and "app:****@" in text
    assert wrong not in text and PASSWORD not in text


def test_unreachable_server_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:1/appdb"
    out = Output(interactive=False)
    (tmp_path / "migrations").mkdir()
    with pytest.raises(MigcError) as caught:
        run_status(ProjectConfig(tmp_path / "migrations"), out, RunOptions(database_url=url))
    text = caught.value.message
    assert "cannot connect to the database postgresql://app:****@127.0.0.1:1/appdb (from --database-url)" in text
    assert "refused" in text.lower()
    assert PASSWORD not in text


def test_unreachable_server_fails_with_a_clear_message_from_connect() -> None:
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:1/appdb"
    with pytest.raises(MigcError) as caught:
        connect(DatabaseTarget(url, "--database-url"))
    text = caught.value.message
    assert "cannot connect to the database postgresql://app:****@127.0.0.1:1/appdb (from --database-url)" in text
    assert "refused" in text.lower() and PASSWORD not in text and "\t" not in text


def test_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(MigcError) as caught:
        connect(DatabaseTarget(f"postgresql://app:{PASSWORD}@host:notaport/db", "DATABASE_URL"))
    assert PASSWORD not in caught.value.message and "DATABASE_URL" in caught.value.message


# ---- issue 8, item 15: hostile passwords, through the CLI, against a server that asks for them

HOSTILE = ["Secr3t/Pw", "p@ss@w0rd", "my secret pw", "a:b/c@d e", "100%pw", "pa?ss#w&x=y", "quo'te\\back"]


def _pieces(password: str) -> list[str]:
    """The password and the pieces of it that a libpq misreading could echo (4+ characters, so
    that ordinary words of a message do not count)."""
    import re

    return [password, *(p for p in re.split(r"[/@:?#&=\s]+", password) if len(p) >= 4)]


@pytest.fixture(scope="module")
def hostile_roles(password_server: str) -> list[tuple[str, str]]:
    roles = []
    with psycopg.connect(password_server, autocommit=True) as conn:
        for i, password in enumerate(HOSTILE):
            role = f"hostile{i}"
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password.replace(chr(39), chr(39) * 2)}'".encode())
            roles.append((role, password))
    return roles


def test_hostile_passwords_are_never_shown(password_server: str, hostile_roles: list[tuple[str, str]],
                                           tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    from urllib.parse import quote

    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_a.mig").write_text("create table a (id int)\n")
    socket_dir = parse_qs(urlsplit(password_server).query)["host"][0]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGPASSWORD")}

    def migc(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "migc", *args], cwd=tmp_path, env={**env, **extra_env},
                              text=True, capture_output=True, timeout=60)

    for role, password in hostile_roles:
        encoded = f"postgresql://{role}:{quote(password, safe='')}@/postgres?host={quote(socket_dir)}"
        raw = f"postgresql://{role}:{password}@/postgres?host={quote(socket_dir)}"
        keywords = f"host={socket_dir} dbname=postgres user={role} password='" + \
            password.replace("\\", "\\\\").replace("'", "\\'") + "'"
        wrong = f"postgresql://{role}:{quote('x' + password, safe='')}@/postgres?host={quote(socket_dir)}"
        # percent-encoded, or in key=value form: it works (and `up` says nothing of the password)
        for url in (encoded, keywords):
            result = migc("status", "--database-url", url)
            assert result.returncode == 0, (password, result.stderr)
        result = migc("status", DATABASE_URL=encoded)
        assert result.returncode == 0, (password, result.stderr)
        outputs = [migc("up", "--dry-run", "--database-url", encoded)]
        # raw, wrong, or given wrongly: an error, never a traceback, never the password or a piece of it
        # (raw, it works where libpq reads it whole: '?', '#', '&', '%' followed by hex digits)
        for url in (raw, wrong, keywords.replace(f"user={role}", "user=nobody")):
            for command in (["status"], ["up", "--dry-run"], ["down", "--dry-run"]):
                failed = migc(*command, "--database-url", url)
                outputs.append(failed)
                if url != raw or failed.returncode != 0:
                    assert failed.returncode == 1, (password, url, failed.stdout + failed.stderr)
                    assert "error:" in failed.stderr and "Traceback" not in failed.stderr
            outputs.append(migc("status", DATABASE_URL=url))
        for result in outputs:
            shown = result.stdout + result.stderr
            for piece in _pieces(password):
                assert piece not in shown, (password, piece, shown)
    # a raw '@', '/' or blank is refused before libpq reads it the wrong way, saying how to write it
    role, password = hostile_roles[0]
    refused = migc("status", "--database-url", f"postgresql://{role}:{password}@/postgres?host={quote(socket_dir)}")
    assert f"postgresql://{role}:****@/postgres" in refused.stderr and "%2F" in refused.stderr


def test_redaction_of_hostile_urls() -> None:
    assert redact_url("postgresql://u:Secr3t/Pw@host/db") == "postgresql://u:****@host/db"
    assert redact_url("postgresql://u:p@ss@host:5/db?sslmode=require") == "postgresql://u:****@host:5/db?sslmode=require"
    assert redact_url("postgresql://u:my secret@host/db") == "postgresql://u:****@host/db"
    assert redact_url("postgres://u:pw@h/d?password=x%20y&a=b") == "postgres://u:****@h/d?password=****&a=b"
    assert redact_url("host=h password='a b\\' c' user=u") == "host=h password=**** user=u"
    assert redact_url("host=h password=a\\ b user=u") == "host=h password=**** user=u"
    assert redact_url("postgresql://host:5432/db") == "postgresql://host:5432/db"
    assert redact_url("postgresql://u@host/db") == "postgresql://u@host/db"
    secrets = DatabaseTarget("postgresql://u:Secr3t/Pw@host/db", "test").secrets
    assert "Secr3t/Pw" in secrets and "Secr3t" in secrets
    assert "Secr3t" not in redact_text('invalid integer value "Secr3t" for connection option "port"', secrets)
