"""The embedded server's lifecycle, owned by migc: whole `migc` processes, real servers, real signals.

Each test works in a project of its own, so each starts (and, through its fixture, always stops)
an embedded server of its own. As root (the CI sandbox) the server runs as another user, with its
data under MIGC_EMBEDDED_DIR (see conftest), never in the project; as an ordinary user it is in
the project's `.migc`.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from embedded_harness import (
    active_query, execute, rows, run_migc, running_server, start_migc, stop_project_server, wait_until,
)
from migc.runner import processes
from migc.runner.embedded import embedded_url, locate, release
from migc.runner.embedded_layout import Layout, server_bindir, server_user
from migc.runner.scratch import is_stale, scratch_name
from migc.runner.urls import with_database

ROOT = os.geteuid() == 0


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """An empty project; whatever server it started is stopped afterwards, whatever happened."""
    root = tmp_path / "project"
    (root / "migrations").mkdir(parents=True)
    try:
        yield root
    finally:
        stop_project_server(root)


def write_migrations(project: Path, *texts: str) -> None:
    for version, text in enumerate(texts, start=1):
        (project / "migrations" / f"{version:04d}_m{version}.mig").write_text(text)


def states(project: Path) -> list[str]:
    status = run_migc(project, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    return [line.split()[2] for line in status.stdout.splitlines()]


def assert_calm(stderr: str) -> None:
    for alarming in ("Traceback", "Exception ignored", "NoSuchProcess", "internal error"):
        assert alarming not in stderr, stderr


# ---- 1: a stale postmaster.pid never gets an unrelated process signalled

DECOY = """
import signal, sys
got = []
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(s, lambda n, f: got.append(signal.Signals(n).name))
print("ready", flush=True)
sys.stdin.read()
print(",".join(got) or "none", flush=True)
"""


def write_stale_pid_file(pgdata: Path, pid: int) -> None:
    (pgdata / "postmaster.pid").write_text(
        f"{pid}\n{pgdata}\n{int(time.time())}\n5432\n{pgdata}\n\n  12345  67890\nready   \n")


def test_stale_pid_file_naming_an_unrelated_process(project: Path) -> None:
    write_migrations(project, "create table a (id int)\n")
    assert states(project) == ["pending"]  # initialised, started, stopped
    layout = locate(project / ".migc")
    assert layout is not None
    decoy = subprocess.Popen([sys.executable, "-c", DECOY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert decoy.stdout is not None and decoy.stdout.readline() == "ready\n"
        write_stale_pid_file(layout.pgdata, decoy.pid)  # as a crash leaves it, once the pid is reused

        up = run_migc(project, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        assert "applied 0001_m1" in up.stdout
        assert decoy.poll() is None
    finally:
        received, _ = decoy.communicate("", timeout=30)
    assert received.strip() == "none"


def test_stale_pid_file_naming_another_data_directorys_server(project: Path, tmp_path: Path) -> None:
    write_migrations(project, "create table a (id int)\n")
    assert states(project) == ["pending"]
    layout = locate(project / ".migc")
    assert layout is not None
    other = tmp_path / "other" / ".migc"
    other_url = embedded_url(other)  # a real postgres, of another data directory
    try:
        other_server = running_server(other.parent)
        assert other_server is not None
        write_stale_pid_file(layout.pgdata, other_server.pid)  # e.g. a .migc copied from a running project

        up = run_migc(project, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        assert rows(other_url, "select 1") == [(1,)]  # still up: never signalled
        assert processes.identify(other_server.pid) == other_server.ours
    finally:
        release(other, stop_now=True)


# ---- 2: a project path with shell metacharacters is only ever an argument

# $( ), ;, &, quotes, a space and a non-ASCII letter; the command writes where any user may
WEIRD = "$(cd ..;cd ..;cd d;touch marker) &;'q'\"d\"\u00e9"


def test_paths_with_shell_metacharacters(shared_tmp_path: Path) -> None:
    shared_tmp_path.chmod(0o711)  # as root the server's user passes through it to MIGC_EMBEDDED_DIR
    (shared_tmp_path / "d").mkdir(mode=0o777)
    (shared_tmp_path / "d").chmod(0o777)
    weird = shared_tmp_path / WEIRD
    weird.mkdir(mode=0o711)
    project = weird / "project"
    (project / "migrations").mkdir(parents=True)
    write_migrations(project, "create table a (id int)\n")
    # as root, the data goes to MIGC_EMBEDDED_DIR: make that path just as hostile
    env = {"MIGC_EMBEDDED_DIR": str(weird / "e")}
    try:
        up = run_migc(project, "up", env=env)
        assert sorted(shared_tmp_path.rglob("marker")) == [], up.stderr
        assert up.returncode == 0, up.stdout + up.stderr
        assert run_migc(project, "status", env=env).stdout.split()[:3] == ["0001", "m1", "applied"]
        layout = _locate_with(project, env)
        assert layout is not None and WEIRD in str(layout.pgdata)  # the hostile path reached initdb and postgres
        assert layout.socket_dir() == layout.run_dir  # and unix_socket_directories
    finally:
        _stop_with(project, env)
    assert sorted(shared_tmp_path.rglob("marker")) == [] and not Path("marker").exists()


def _locate_with(project: Path, env: dict[str, str]) -> Layout | None:
    saved = os.environ.copy()
    os.environ.update(env)
    try:
        return locate(project / ".migc")
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _stop_with(project: Path, env: dict[str, str]) -> None:
    saved = os.environ.copy()
    os.environ.update(env)
    try:
        stop_project_server(project)
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ---- 3: no chmod of the user's directories; as root the server runs as another user


def modes(path: Path) -> dict[Path, int]:
    return {p: stat.S_IMODE(p.stat().st_mode) for p in [path, *path.parents]}


def test_directories_keep_their_permissions(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    project = private / "work" / "project"
    (project / "migrations").mkdir(parents=True)
    (project.parent).chmod(0o750)
    write_migrations(project, "create table a (id int)\n")
    before = modes(project)
    binaries = modes(server_bindir(None).parent)
    try:
        up = run_migc(project, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        assert modes(project) == before
        assert modes(server_bindir(None).parent) == binaries
        assert (project / ".migc" / ".gitignore").read_text().splitlines()[-1] == "*"
        layout = locate(project / ".migc")
        assert layout is not None
        owner = layout.pgdata.stat().st_uid
        assert owner == (server_user().uid if ROOT else os.geteuid()) and owner != 0
        if ROOT:
            assert not (project / ".migc" / "pgdata").exists()  # the data is out of the project
    finally:
        stop_project_server(project)


def test_binaries_out_of_the_servers_reach_are_copied_not_opened_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A virtualenv under /root: the server's user cannot run its binaries; migc copies them."""
    import migc.runner.embedded_layout as embedded_layout

    if not ROOT:
        assert server_bindir(None) == embedded_layout.installed_bindir()  # an ordinary user runs its own
        return

    installed = embedded_layout.installed_bindir().parent
    private = tmp_path / "venv"
    private.mkdir(mode=0o700)
    for folder, _, files in os.walk(installed):  # hard links: fast, and the same files
        here = private / Path(folder).relative_to(installed)
        here.mkdir(exist_ok=True)
        for name in files:
            os.link(Path(folder) / name, here / name, follow_symlinks=False)
    monkeypatch.setattr(embedded_layout, "installed_bindir", lambda: private / "bin")
    base = Path(os.environ["MIGC_EMBEDDED_DIR"])
    bindir = server_bindir(server_user(), base)
    assert bindir.parent.parent == base
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    user = server_user()
    done = subprocess.run([str(bindir / "postgres"), "--version"], user=user.uid, group=user.gid, extra_groups=[],
                          capture_output=True, text=True, cwd="/")
    assert done.returncode == 0 and "PostgreSQL" in done.stdout


# ---- 4: a first run killed during initdb does not leave .migc broken


def children_named(parent: int, name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat_line = (entry / "stat").read_text()
            except OSError:
                continue
            comm = stat_line[stat_line.index("(") + 1:stat_line.rindex(")")]
            ppid = int(stat_line[stat_line.rindex(")") + 2:].split()[1])
            if comm == name and ppid == parent:
                found.append(int(entry.name))
    return found


def test_first_run_killed_during_initdb(project: Path) -> None:
    write_migrations(project, "create table a (id int)\n")
    first = start_migc(project, "up", start_new_session=True)
    try:
        wait_until(lambda: bool(children_named(first.pid, "initdb")), 60, "initdb to run")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # migc and its initdb, as a closed terminal would
        first.communicate(timeout=30)

    again = run_migc(project, "up")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "applied 0001_m1" in again.stdout
    assert_calm(again.stderr)


# ---- 5: waiting for another migc is bounded and said

HOLD = """
import sys
from pathlib import Path
from migc.runner.lockfile import LockFile
lock = LockFile(Path(sys.argv[1]))
assert lock.try_lock(exclusive=True)
lock.say("start")
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def lock_holder(project: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the embedded server's start/stop lock, as a migc starting it does."""
    (project / ".migc").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(project / ".migc" / "embedded.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def test_waiting_for_another_start_gives_up_after_the_timeout(
    project: Path, lock_holder: subprocess.Popen[str]
) -> None:
    write_migrations(project, "create table a (id int)\n")
    started = time.monotonic()
    status = run_migc(project, "status", env={"MIGC_EMBEDDED_TIMEOUT": "1"}, timeout=60)
    assert time.monotonic() - started < 30
    assert status.returncode == 1, status.stdout + status.stderr
    waiting = f"waiting for another migc (pid {lock_holder.pid}) to start the embedded PostgreSQL in .migc"
    assert waiting in status.stderr
    assert f"gave up after 1 s {waiting}" in status.stderr
    assert "MIGC_EMBEDDED_TIMEOUT" in status.stderr
    assert_calm(status.stderr)


def test_waiting_for_another_start_goes_on_when_it_is_done(
    project: Path, lock_holder: subprocess.Popen[str]
) -> None:
    write_migrations(project, "create table a (id int)\n")
    waiter = start_migc(project, "up")
    assert waiter.stderr is not None
    line = waiter.stderr.readline()  # blocks until migc says something
    assert f"waiting for another migc (pid {lock_holder.pid}) to start the embedded PostgreSQL" in line
    lock_holder.stdin.close()  # type: ignore[union-attr]  # the holder exits: its lock goes with it
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, out + err
    assert "applied 0001_m1" in out


# ---- 6: SIGTERM and Ctrl-C roll back, say "interrupted", and stop the server if nobody else uses it

SLOW = "create table b (id int)\nsql $$ select pg_sleep(600) $$ down $$ select 1 $$\n"


def start_slow_run(project: Path) -> tuple[subprocess.Popen[str], int]:
    write_migrations(project, "create table a (id int)\n", SLOW)
    runner = start_migc(project, "up")
    wait_until(lambda: active_query(project, "%pg_sleep(600)%"), 60, "the slow migration to run")
    server = running_server(project)
    assert server is not None
    return runner, server.pid


@pytest.mark.parametrize(("sig", "code", "name"), [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl-C")])
def test_interrupted_run_rolls_back_and_stops_the_server(
    project: Path, sig: signal.Signals, code: int, name: str
) -> None:
    runner, server_pid = start_slow_run(project)
    runner.send_signal(sig)
    out, err = runner.communicate(timeout=60)
    assert runner.returncode == code, out + err
    assert f"interrupted ({name})" in err and "rolled back" in err
    assert_calm(err)
    assert "applied 0001_m1" in out and "0002" not in out
    assert running_server(project) is None
    assert processes.identify(server_pid) is None  # the server was stopped, not left behind
    assert states(project) == ["applied", "pending"]


def test_interrupted_run_leaves_the_server_to_a_connected_client(project: Path) -> None:
    runner, server_pid = start_slow_run(project)
    server = running_server(project)
    assert server is not None
    with psycopg.connect(server.url, autocommit=True) as client:  # psql, say, reaching it by URL
        runner.send_signal(signal.SIGTERM)
        out, err = runner.communicate(timeout=60)
        assert runner.returncode == 143, out + err
        assert "keeps running: 1 other connection(s)" in err
        assert client.execute("select count(*) from migc_migrations").fetchone() == (1,)
    assert processes.identify(server_pid) is not None
    assert states(project) == ["applied", "pending"]  # this run finds it unused, and stops it
    assert running_server(project) is None


def test_a_second_migc_reaching_the_server_by_url_keeps_it_up(project: Path, shared_tmp_path: Path) -> None:
    """Gates are FIFOs the server reads with COPY: no test connection stays open meanwhile."""
    shared_tmp_path.chmod(0o711)
    gate_a, gate_b = shared_tmp_path / "a", shared_tmp_path / "b"
    for gate in (gate_a, gate_b):
        os.mkfifo(gate)
        gate.chmod(0o666)
    write_migrations(project, f"create table ga (line text)\nsql $$ copy ga from '{gate_a}' $$ down $$ select 1 $$\n")
    second = project.parent / "second"
    (second / "migrations").mkdir(parents=True)
    (second / "migrations" / "0001_gb.mig").write_text(
        f"create table gb (line text)\nsql $$ copy gb from '{gate_b}' $$ down $$ select 1 $$\n")
    first = start_migc(project, "up")
    runners = [first]
    try:
        wait_until(lambda: active_query(project, "%copy ga%"), 60, "the first run to wait at its gate")
        server = running_server(project)
        assert server is not None
        execute(server.url, "create database other")
        by_url = start_migc(second, "up", "--database-url", with_database(server.url, "other"))
        runners.append(by_url)
        wait_until(lambda: active_query(project, "%copy gb%"), 60, "the second run to wait at its gate")

        gate_a.write_text("go\n")
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, out + err
        assert "keeps running" not in err  # not a client it waits for: a migc that uses the server
        assert processes.identify(server.pid) == server.ours

        gate_b.write_text("go\n")
        out, err = by_url.communicate(timeout=60)
        assert by_url.returncode == 0, out + err
        assert processes.identify(server.pid) is None  # the last migc to leave stopped it
    finally:
        for runner in runners:
            runner.kill()
            runner.communicate()
        for gate in (gate_a, gate_b):  # let a backend still waiting at a gate go
            try:
                os.close(os.open(gate, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass


# ---- 7: a closed stdout does not stop the run


def test_closed_stdout_does_not_stop_the_run(tmp_path: Path, fresh_db: str) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migc.toml").write_text('lock_timeout = "0"\n')
    write_migrations(
        tmp_path, "create table a (id int)\n",
        "create table b (id int)\nsql $$ select pg_advisory_lock(777) $$ down $$ select 1 $$\n",
        "create table c (id int)\n", "create table d (id int)\n",
    )
    with psycopg.connect(fresh_db, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(777)")  # holds the run at 0002 until head is gone
        runner = start_migc(tmp_path, "up", "--database-url", fresh_db)
        assert runner.stdout is not None
        head = subprocess.Popen(["head", "-1"], stdin=runner.stdout, stdout=subprocess.PIPE, text=True)
        runner.stdout.close()  # head holds the only reading end
        first_line, _ = head.communicate(timeout=60)
        assert first_line.startswith("applied 0001_m1")
        holder.execute("select pg_advisory_unlock(777)")
        _, err = runner.communicate(timeout=60)
    assert runner.returncode == 0, err
    assert "broken pipe" in err
    assert_calm(err)
    assert rows(fresh_db, "select count(*) from migc_migrations") == [(4,)]


# ---- 10: a server that dies mid-run: a clear error, and nothing alarming at exit


def test_server_killed_mid_run(project: Path) -> None:
    runner, server_pid = start_slow_run(project)
    os.kill(server_pid, signal.SIGKILL)
    out, err = runner.communicate(timeout=60)
    assert runner.returncode == 1, out + err
    assert "error:" in err
    assert_calm(err)
    # started again from the crashed state; 0001 may be lost with the crash, since the run commits
    # without waiting for the WAL flush until its end (docs/runner.md, Durability)
    assert states(project) in (["applied", "pending"], ["pending", "pending"])


# ---- 26: scratch databases of a killed `migc verify` are dropped by the next one


def test_scratch_database_of_a_killed_verify(tmp_path: Path, fresh_db: str) -> None:
    (tmp_path / "migrations").mkdir()
    write_migrations(tmp_path, "create table a (id int)\n",
                     "sql $$ select pg_sleep(coalesce(nullif(current_setting('migc_test.sleep', true), ''), '0')::float)"
                     " $$ down $$ select 1 $$\n")
    # the scratch databases' URLs keep the option: only this run's migration sleeps
    slow_url = fresh_db + ("&" if "?" in fresh_db else "?") + "options=-c%20migc_test.sleep%3D600"
    sleeping = ("select datname from pg_stat_activity where state = 'active' and query like '%pg_sleep%' "
                "and datname like 'migc\\_scratch\\_%'")
    verify = start_migc(tmp_path, "verify", "--database-url", slow_url)
    try:
        wait_until(lambda: bool(rows(fresh_db, sleeping)), 60, "verify to run the slow migration")
        leaked = rows(fresh_db, sleeping)[0][0]
    finally:
        verify.send_signal(signal.SIGKILL)
        verify.communicate(timeout=30)
    assert rows(fresh_db, "select count(*) from pg_database where datname = %s", [leaked]) == [(1,)]

    again = run_migc(tmp_path, "verify", "--database-url", fresh_db)
    assert again.returncode == 0, again.stdout + again.stderr
    assert rows(fresh_db, "select count(*) from pg_database where datname = %s", [leaked]) == [(0,)]


def test_which_scratch_databases_are_stale() -> None:
    mine = scratch_name()
    assert is_stale(mine) is None  # this process is alive
    host, pid, start = mine.split("_")[2:5]
    reused = f"migc_scratch_{host}_{pid}_{int(start) - 100}_abc123"  # this pid, an older process
    assert is_stale(reused) == "dead"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert is_stale(f"migc_scratch_{host}_{gone.stdout.strip()}_{start}_abc123") == "dead"
    assert is_stale(f"migc_scratch_00000000_{pid}_{start}_abc123") is None  # another host's, recent
    assert is_stale(f"migc_scratch_00000000_{pid}_{int(start) - 2 * 86400}_abc123") == "old"
    assert is_stale("migc_scratch_0123456789ab") is None  # named by an older migc: not ours to judge


# ---- where the data lives, when a project is moved or copied


def test_moved_project_keeps_its_data_copied_one(tmp_path: Path) -> None:
    first = tmp_path / "first"
    (first / "migrations").mkdir(parents=True)
    write_migrations(first, "create table a (id int)\n")
    moved, copied = tmp_path / "moved", tmp_path / "copied"
    try:
        assert run_migc(first, "up").returncode == 0
        first.rename(moved)
        assert states(moved) == ["applied"]
        subprocess.run(["cp", "-a", str(moved), str(copied)], check=True)
        status = run_migc(copied, "status")
        assert status.returncode == 0, status.stderr
        # as root the copy gets a server of its own, empty; otherwise the copy carries the data
        assert status.stdout.split()[2] == ("pending" if ROOT else "applied")
        assert ("is a copy of" in status.stderr) == ROOT
        assert states(moved) == ["applied"]
    finally:
        for project in (first, moved, copied):
            stop_project_server(project)


def test_socket_directory_falls_back_for_long_or_comma_paths(tmp_path: Path) -> None:
    short = Layout(tmp_path, tmp_path / "home", None)
    assert short.socket_dir() == tmp_path / "home" / "run"
    for home in (tmp_path / ("x" * 120), tmp_path / "a,b"):
        fallback = Layout(tmp_path, home, None).socket_dir()
        assert fallback.parent.name == f"migc-{os.geteuid()}" and "," not in str(fallback)
        assert len(os.fsencode(fallback / ".s.PGSQL.5432")) <= 107


def test_deleting_migc_starts_afresh_and_frees_its_data(project: Path) -> None:
    write_migrations(project, "create table a (id int)\n")
    assert run_migc(project, "up").returncode == 0
    layout = locate(project / ".migc")
    assert layout is not None
    subprocess.run(["rm", "-rf", str(project / ".migc")], check=True)  # "always safe"
    assert states(project) == ["pending"]
    assert not layout.pgdata.exists()  # as root its data, kept elsewhere, went too
