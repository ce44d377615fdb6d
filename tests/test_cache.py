"""The compile cache gives the same answers as compiling afresh, and notices every change."""

from __future__ import annotations

import shutil
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
