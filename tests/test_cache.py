"""The compile cache gives the same answers as compiling afresh, and notices every change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migc.compiled import CompiledProject
from migc.compiler import compile_project
from migc.project import ProjectConfig

EXAMPLE = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture
def config(tmp_path: Path) -> ProjectConfig:
    shutil.copytree(EXAMPLE, tmp_path / "migrations")
    return ProjectConfig(migrations_dir=tmp_path / "migrations")


def summary(p: CompiledProject) -> tuple[object, ...]:
    return (
        [(m.file.name, m.up, m.down, m.irreversible_at, m.non_transactional) for m in p.migrations],
        p.diagnostics, p.schema_sql,
    )


def test_cached_equals_fresh(config: ProjectConfig) -> None:
    fresh = compile_project(config, use_cache=False)
    first = compile_project(config)
    assert (config.state_dir / "cache" / "compiled.pickle").exists()
    second = compile_project(config)  # from the cache
    assert summary(first) == summary(fresh) == summary(second)


def test_editing_an_earlier_file_invalidates_later_ones(config: ProjectConfig) -> None:
    compile_project(config)
    first = sorted(config.migrations_dir.glob("0001_*.mig"))[0]
    # renaming a column in 0001 breaks every later migration that names it
    first.write_text(first.read_text().replace("email", "mail"))
    cached = compile_project(config)
    assert summary(cached) == summary(compile_project(config, use_cache=False))
    assert not cached.ok


def test_adding_a_file_reuses_the_rest(config: ProjectConfig) -> None:
    compile_project(config)
    (config.migrations_dir / "0100_more.mig").write_text("alter table users add column extra int\n")
    cached = compile_project(config)
    assert summary(cached) == summary(compile_project(config, use_cache=False))
    assert cached.migrations[-1].up[0].sql.endswith('ADD COLUMN "extra" integer')


def test_a_corrupt_cache_is_ignored(config: ProjectConfig) -> None:
    compile_project(config)
    for f in (config.state_dir / "cache").iterdir():
        f.write_bytes(b"not a pickle")
    assert summary(compile_project(config)) == summary(compile_project(config, use_cache=False))


def test_resume_after_an_edit_in_a_long_history(tmp_path: Path) -> None:
    """Past a schema snapshot (every 100 migrations), an edit recompiles from the snapshot."""
    d = tmp_path / "migrations"
    d.mkdir()
    for i in range(1, 131):
        (d / f"{i:04d}_m.mig").write_text(f"create table t{i} (id bigint pk, v int)\n")
    config = ProjectConfig(migrations_dir=d)
    compile_project(config)
    (d / "0120_m.mig").write_text("create table t120 (id bigint pk, v int)\ncreate index on t1 (v)\n")
    (d / "0125_m.mig").write_text("alter table t120 drop column v\n")
    cached = compile_project(config)
    assert summary(cached) == summary(compile_project(config, use_cache=False))
    assert cached.ok


def test_a_cache_from_elsewhere_is_never_loaded(config: ProjectConfig, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A `.migc/` committed or unpacked from elsewhere holds pickles signed with another key (or
    none): loading one would run its code. It is ignored, and what it would have run never runs."""
    import pickle

    from migc import cache

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (marker.write_text, ("ran",))  # type: ignore[return-value]

    compile_project(config)  # a genuine cache, signed with this user's key
    assert (config.state_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    forged = pickle.dumps((Exploit(), {}))
    for name in ("compiled.pickle", "snapshots.pickle"):
        # unsigned, and signed with another user's key: both refused
        (config.state_dir / "cache" / name).write_bytes(b"\0" * 32 + forged)
    assert summary(compile_project(config)) == summary(compile_project(config, use_cache=False))
    other_key = b"k" * 32
    import hashlib
    import hmac

    for name in ("compiled.pickle", "snapshots.pickle"):
        (config.state_dir / "cache" / name).write_bytes(hmac.new(other_key, forged, hashlib.sha256).digest() + forged)
    assert summary(compile_project(config)) == summary(compile_project(config, use_cache=False))
    assert not marker.exists()
    # this user's own signature is what makes a cache usable
    assert cache._key() is not None and cache._key() != other_key


def test_no_key_means_no_cache_not_an_unsigned_one(config: ProjectConfig, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from migc import cache

    monkeypatch.setattr(cache, "_key", lambda: None)
    result = compile_project(config)
    assert result.ok and not (config.state_dir / "cache" / "compiled.pickle").exists()


def _emit_all(project: Path, cache: str) -> subprocess.CompletedProcess[str]:
    shutil.rmtree(project / ".migc", ignore_errors=True)  # no compile cache: every template is used
    env = {**os.environ, "MIGC_CACHE_DIR": cache}
    return subprocess.run([sys.executable, "-m", "migc", "emit"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_parse_tables_and_templates_are_kept_across_processes_and_never_fail_a_command(tmp_path: Path) -> None:
    """migc.private_cache: Lark's tables and Jinja2's compiled templates. The SQL is the same
    whether they were made now, read back, read from a damaged cache, or there is no safe place for
    a cache at all (not a directory; writable by others); and nothing of it reaches the output."""
    shutil.copytree(EXAMPLE, tmp_path / "migrations")
    cache = tmp_path / "templates"
    cache.mkdir(mode=0o700)
    first = _emit_all(tmp_path, str(cache))
    assert first.returncode == 0, first.stderr
    kept = sorted(cache.glob("templates-*.cache")) + sorted(cache.glob("lark-*.pickle"))
    assert {f.name.split("-")[0] for f in kept} == {"templates", "lark"}, "the first run keeps both"
    second = _emit_all(tmp_path, str(cache))
    assert (second.returncode, second.stdout, second.stderr) == (0, first.stdout, first.stderr)
    for f in kept:
        f.write_bytes(b"garbage, not a template")
    damaged = _emit_all(tmp_path, str(cache))
    assert (damaged.returncode, damaged.stdout, damaged.stderr) == (0, first.stdout, first.stderr)
    assert all(f.read_bytes() != b"garbage, not a template" for f in kept), "a damaged entry is made again"
    cache.chmod(0o777)
    for f in kept:
        f.write_bytes(b"planted by someone else")
    shared = _emit_all(tmp_path, str(cache))
    assert (shared.returncode, shared.stdout, shared.stderr) == (0, first.stdout, first.stderr)
    assert all(f.read_bytes() == b"planted by someone else" for f in kept), "a directory others can write is not used"
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("")
    nowhere = _emit_all(tmp_path, str(not_a_dir))
    assert (nowhere.returncode, nowhere.stdout, nowhere.stderr) == (0, first.stdout, first.stderr)
    off = _emit_all(tmp_path, "0")
    assert (off.returncode, off.stdout) == (0, first.stdout)


def test_the_private_cache_drops_entries_long_unused_and_keeps_those_in_use(tmp_path: Path) -> None:
    """Each migc or Lark version makes its own parse tables and templates: an entry's modification
    time is its last use, and entries unused for STALE_DAYS go when a new one is made."""
    from migc.private_cache import STALE_DAYS

    shutil.copytree(EXAMPLE, tmp_path / "migrations")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    long_ago = time.time() - (STALE_DAYS + 1) * 86400
    lately = time.time() - (STALE_DAYS - 1) * 86400
    stale = [cache / "lark-0000old.pickle", cache / "templates-0000old.cache"]
    recent = [cache / "lark-0000recent.pickle", cache / "templates-0000recent.cache"]
    for f, when in [*((f, long_ago) for f in stale), *((f, lately) for f in recent)]:
        f.write_bytes(b"made by another version")
        os.utime(f, (when, when))
    first = _emit_all(tmp_path, str(cache))
    assert first.returncode == 0, first.stderr
    assert not any(f.exists() for f in stale), "entries unused for long go as new ones are made"
    assert all(f.exists() for f in recent), "entries used lately stay (another install may use them)"
    made = [f for f in cache.iterdir() if f not in recent]
    assert {f.name.split("-")[0] for f in made} >= {"lark", "templates"}
    for f in made:  # pretend the current entries were made long ago: using them marks them used
        os.utime(f, (long_ago, long_ago))
    second = _emit_all(tmp_path, str(cache))
    assert (second.returncode, second.stdout) == (0, first.stdout)
    assert all(f.stat().st_mtime > lately for f in made if f.name.startswith("lark-")), "the tables read are marked used"
    assert any(f.stat().st_mtime > lately for f in made if f.name.startswith("templates-")), "templates read are marked used"
