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
