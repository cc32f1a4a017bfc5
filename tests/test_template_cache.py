"""Compiled templates are cached in the workspace's `.meptool/jinja/` and reused."""

from __future__ import annotations

from pathlib import Path

from meptool.files.workspace import Workspace
from meptool.writing import templating


def test_bytecode_cache_in_state_dir(workspace: Path, tmp_path: Path) -> None:
    ws = Workspace(workspace)
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "hello.txt.j2").write_text("{% for n in names %}Bonjour {{ n }}\n{% endfor %}")
    assert ws.jinja_cache_dir == workspace / ".meptool" / "jinja"

    env = templating.environment(user, cache_dir=ws.jinja_cache_dir)
    first = templating.render(env, "hello.txt.j2", {"names": ["Claire", "Marc"]})
    cached = list(ws.jinja_cache_dir.glob("__jinja2_*.cache"))
    assert len(cached) == 1

    loads: list[str] = []
    again = templating.environment(user, cache_dir=ws.jinja_cache_dir)
    assert again.bytecode_cache is not None
    real = again.bytecode_cache.load_bytecode

    def spy(bucket):  # type: ignore[no-untyped-def]
        real(bucket)
        loads.append("hit" if bucket.code is not None else "miss")

    again.bytecode_cache.load_bytecode = spy  # type: ignore[method-assign]
    second = templating.render(again, "hello.txt.j2", {"names": ["Claire", "Marc"]})
    assert second == first == "Bonjour Claire\nBonjour Marc\n"
    assert loads == ["hit"]

    # an edited template is compiled again, never served stale
    (user / "hello.txt.j2").write_text("Salut {{ names[0] }}\n")
    fresh = templating.environment(user, cache_dir=ws.jinja_cache_dir)
    assert templating.render(fresh, "hello.txt.j2", {"names": ["Léa"]}) == "Salut Léa\n"
