"""Compiled templates are cached in the user's cache folder, keyed on their bytes, and reused;
nothing in the workspace is ever loaded as code (issue 18 case 3)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from meptool.writing import jinja_cache, templating

ID = "MEP-2026-001"


def test_bytecode_cache_in_the_user_cache_folder(tmp_path: Path) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "hello.txt.j2").write_text("{% for n in names %}Bonjour {{ n }}\n{% endfor %}")
    folder = jinja_cache.user_cache_dir()
    assert folder == Path(os.environ["XDG_CACHE_HOME"]) / "meptool" / "jinja"

    env = templating.environment(user, cache_dir=folder)
    first = templating.render(env, "hello.txt.j2", {"names": ["Claire", "Marc"]})
    assert folder.stat().st_mode & 0o077 == 0
    before = set(folder.glob("*.code"))
    assert before

    loads: list[str] = []
    again = templating.environment(user, cache_dir=folder)
    assert again.bytecode_cache is not None
    real = again.bytecode_cache.load_bytecode

    def spy(bucket):  # type: ignore[no-untyped-def]
        real(bucket)
        loads.append("hit" if bucket.code is not None else "miss")

    again.bytecode_cache.load_bytecode = spy  # type: ignore[method-assign]
    second = templating.render(again, "hello.txt.j2", {"names": ["Claire", "Marc"]})
    assert second == first == "Bonjour Claire\nBonjour Marc\n"
    assert loads == ["hit"]
    assert set(folder.glob("*.code")) == before  # nothing new compiled

    # an edited template is compiled again (another key), never served stale
    (user / "hello.txt.j2").write_text("Salut {{ names[0] }}\n")
    fresh = templating.environment(user, cache_dir=folder)
    assert templating.render(fresh, "hello.txt.j2", {"names": ["Léa"]}) == "Salut Léa\n"
    assert len(set(folder.glob("*.code")) - before) == 1


def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "a.txt.j2").write_text("A{{ x }}\n")
    folder = tmp_path / "cache"
    templating.render(templating.environment(user, cache_dir=folder), "a.txt.j2", {"x": 1})
    for path in folder.glob("*.code"):
        path.write_bytes(b"\x00garbage")
    env = templating.environment(user, cache_dir=folder)
    assert templating.render(env, "a.txt.j2", {"x": 2}) == "A2\n"


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    env = templating.environment(None, cache_dir=folder)
    assert env.bytecode_cache is None


class _Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {os.environ['MEPTOOL_PWNED']}",))


def _payload() -> bytes:
    from jinja2.bccache import bc_magic

    return bc_magic + pickle.dumps(_Boom(), 2)


def test_a_planted_cache_file_in_the_workspace_never_runs(
    example: Path, run_in, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack of case 3: a crafted `.meptool/jinja/__jinja2_<sha1>.cache` in a workspace."""
    from jinja2.bccache import BytecodeCache

    marker = tmp_path / "pwned"
    monkeypatch.setenv("MEPTOOL_PWNED", str(marker))
    state = example / ".meptool" / "jinja"
    state.mkdir(parents=True)
    roots = [templating.package_templates()]
    for root in roots:
        for path in root.rglob("*.j2"):
            name = path.relative_to(root).as_posix()
            for filename in {str(path), os.path.normpath(str(path))}:
                key = BytecodeCache().get_cache_key(name, filename)
                (state / f"__jinja2_{key}.cache").write_bytes(_payload())
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    assert result.exit_code == 0, result.output
    result = run_in(example)("retro", "report", ID, "--output", "-")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert not any(p.suffix == ".code" for p in (example / ".meptool").rglob("*"))


def test_a_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XDG: relative paths are invalid. Run in a workspace, `XDG_CACHE_HOME=.cache` would
    # put compiled templates in the workspace, shared through git with everyone else.
    home = tmp_path / "home"
    workspace = tmp_path / "ws"
    workspace.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(workspace)
    for value in (".cache", "cache/here", ""):
        monkeypatch.setenv("XDG_CACHE_HOME", value)
        folder = jinja_cache.user_cache_dir()
        assert folder == home / ".cache" / "meptool" / "jinja", value
        env = templating.environment(None, cache_dir=folder)
        assert env.bytecode_cache is not None
    assert not any(workspace.rglob("*"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert jinja_cache.user_cache_dir() == tmp_path / "xdg" / "meptool" / "jinja"
