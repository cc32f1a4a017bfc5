"""The check's lexicons, compiled once and kept in the user's cache folder, behave exactly
as `re.compile` makes them (meptool.updates.check_regex)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from meptool import usercache
from meptool.updates import check_regex
from meptool.updates.check_finding import lexicon
from meptool.updates.check_patterns import NAMES, norm


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An empty user cache folder for each test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _pattern(name: str) -> str:
    return "|".join(f"(?:{p})" for p in lexicon(name).patterns)


def _kept() -> list[Path]:
    return sorted(usercache.folder(check_regex.SUBFOLDER).glob("*.json"))


def _same(a: re.Pattern[str], b: re.Pattern[str], texts: list[str]) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (
        b.pattern,
        b.flags,
        b.groups,
        b.groupindex,
    )
    for text in texts:
        found = [(m.span(), m.groups()) for m in a.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in b.finditer(text)], text


def _texts(name: str) -> list[str]:
    lex = lexicon(name)
    return [norm(t) for t in (*lex.examples, *lex.counterexamples)] + ["", "x" * 50]


@pytest.mark.parametrize("name", NAMES)
def test_every_lexicon_from_the_cache_is_the_one_re_compiles(name: str) -> None:
    pattern = _pattern(name)
    fresh = re.compile(pattern)
    cold = check_regex.compile_cached(pattern)  # compiled, then kept
    assert _kept()
    warm = check_regex.compile_cached(pattern)  # read back from the cache
    assert warm is not cold
    for got in (cold, warm):
        _same(got, fresh, _texts(name))


def test_kept_as_data_in_the_user_cache_folder_only() -> None:
    check_regex.compile_cached(_pattern("own"))
    folder = usercache.folder(check_regex.SUBFOLDER)
    assert folder.is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
    assert folder.stat().st_mode & 0o077 == 0
    for path in _kept():
        data = json.loads(path.read_text())
        assert set(data) == {"for", "flags", "code", "groups", "groupindex", "indexgroup"}
        assert data["for"] == path.stem
        assert all(type(c) is int for c in data["code"])


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00garbage",
        b"{}",
        b"FOR",  # a program the engine refuses, for this very pattern
        json.dumps(
            {"flags": 32, "code": "x", "groups": 0, "groupindex": {}, "indexgroup": [None]}
        ).encode(),
    ],
)
def test_a_damaged_or_foreign_file_is_compiled_again(damage: bytes) -> None:
    pattern = _pattern("deny")
    check_regex.compile_cached(pattern)
    for path in _kept():
        if damage == b"FOR":
            program = {"for": path.stem, "flags": 32, "code": [1, 2, 3], "groups": 0}
            damage = json.dumps({**program, "groupindex": {}, "indexgroup": [None]}).encode()
        path.write_bytes(damage)
    again = check_regex.compile_cached(pattern)
    _same(again, re.compile(pattern), _texts("deny"))
    # and kept anew
    _same(check_regex.compile_cached(pattern), re.compile(pattern), _texts("deny"))


def test_a_program_for_another_pattern_is_not_served() -> None:
    own, deny = _pattern("own"), _pattern("deny")
    check_regex.compile_cached(own)
    (kept,) = _kept()
    check_regex.compile_cached(deny)
    other = next(p for p in _kept() if p != kept)
    other.write_bytes(kept.read_bytes())  # deny's file now holds own's program
    got = check_regex.compile_cached(deny)
    assert got.pattern == deny
    _same(got, re.compile(deny), _texts("deny") + _texts("own"))


def test_a_folder_others_can_write_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = usercache.folder(check_regex.SUBFOLDER)
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    pattern = _pattern("deflect")
    _same(check_regex.compile_cached(pattern), re.compile(pattern), _texts("deflect"))
    assert not _kept()


def test_without_the_engine_internals_re_compile_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    check_regex._compiler_key.cache_clear()
    monkeypatch.setattr(check_regex, "_internals", lambda: (_ for _ in ()).throw(ImportError()))
    try:
        pattern = _pattern("ask")
        _same(check_regex.compile_cached(pattern), re.compile(pattern), _texts("ask"))
        assert not _kept()
    finally:
        check_regex._compiler_key.cache_clear()
