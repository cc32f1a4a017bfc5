"""The quick YAML readers give exactly what the event builder gives, or give up.

`yamlio.load_data` builds the data of a valid file as libyaml's events are made
(`yamlfast._built_data`, stand-ins for PyYAML's C event classes); without libyaml
it runs the loop over event objects (`yamlfast._fast_data`). Both are compared
with the located builder (`yamlio.load` with its quick loop switched off) over the
example workspace, both benchmark shapes (the hand-kept one with its invalid
files), the tests' own YAML files and text made to be awkward; and the C parser's
event classes are always put back.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from meptool.errors import InvalidFile
from meptool.files import yamlfast, yamlio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate
from generate_handkept import generate as generate_handkept

HERE = Path(__file__).resolve().parent
EVENTS = {name: getattr(yaml, name) for name in yamlfast._EVENT_NAMES}


def exact(raw: bytes) -> Any:
    """The event builder's data, or its error."""

    def unusual(*_: Any) -> Any:
        raise yamlfast._Unusual

    real = yamlfast._fast
    yamlfast._fast = unusual
    try:
        return repr(yamlio.load(raw, "f").data)
    except InvalidFile as exc:
        return exc
    finally:
        yamlfast._fast = real


def quick_readers(raw: bytes) -> list[Any]:
    """The data of both quick readers (None: gave up), as repr."""
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    built = yamlfast.fast_data(text, yaml.CSafeLoader)
    looped = yamlfast.fast_data(text, yaml.SafeLoader)  # no stand-ins: the pure-Python parser
    assert {name: getattr(yaml._yaml, name) for name in EVENTS} == EVENTS  # put back
    return [None if d is None else repr(d) for d in (built, looped, yamlio.load_data(raw))]


def test_c_parser_is_the_one_taken() -> None:
    assert yamlfast._c_events(yaml.CSafeLoader)
    assert not yamlfast._c_events(yaml.SafeLoader)


def _files(tmp_path: Path) -> list[Path]:
    from tests.conftest import EXAMPLE

    generate(120, tmp_path / "gen", seed=11)
    generate_handkept(60, tmp_path / "hand", invalid_every=7)
    return [
        *EXAMPLE.glob("**/*.yaml"),
        *(tmp_path / "gen").glob("**/*.yaml"),
        *(tmp_path / "hand").glob("**/*.yaml"),
        *HERE.glob("**/*.yaml"),
    ]


def test_quick_readers_equal_the_builder_on_every_shape(tmp_path: Path) -> None:
    files = _files(tmp_path)
    valid = 0
    for path in files:
        raw = path.read_bytes()
        expected = exact(raw)
        quick = quick_readers(raw)
        if isinstance(expected, InvalidFile):
            assert quick == [None, None, None], path  # every problem left to the builder
            continue
        valid += 1
        assert quick == [expected, expected, expected], path
    assert valid > 150 and len(files) - valid >= 3  # the hand-kept shape's YAML errors


AWKWARD = [
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: ! 012\n",
    "a: 1\n---\nb: 2\n",
    "--- \na: 1\n...\n",
    "- 1\n- 2\n",
    "just text\n",
    "",
    "# only a comment\n",
    "a: [" * 40 + "]" * 40 + "\n",
    "a: [" * 31 + "]" * 31 + "\n",
    "? [a, b]\n: 1\n",
    "? a\n: 1\n",
    "a: b: c\n",
    "a:\n\t- 1\n",
    "a: 0x1F\nb: 1_000\nc: 2026-11-20 18:40:00+01\nd: .inf\ne: ~\nf: 0o17\ng: 1:30\n",
    "a: yes\nb: 'yes'\nc: \"no\"\nd: On\ne: NULL\nf:\ng: ''\n",
    "a: |\n  lit\n   kept\n\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n",
    "a: \"esc \\t \\u00e9 \\x41 \\\\ \\\" \\/\"\nb: 'it''s'\n",
    "a: multi\n  line\n  plain\nb: 'multi\n  quoted'\n",
    "a: {b: 1, c: [x, y], d: {}}\ne: []\n",
    "a:\n- 1\n- - 2\n  - 3\n- b: 4\n  c: 5\n",
    "a: 2026-02-30\nb: 2026-11-20T25:00:00\nc: 99999999999999999999\n",
    "a: x" + "y" * 100_001 + "\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: line\u2028sep\nb: nel\x85here\n",
    "\ufeffa: bom\n",
    "a: 1 # comment\n# end\n",
    "'quoted key': 1\n\"other\": 2\n",
    "a: -\nb: - x\n",
    "a: 'unterminated\n",
    "[1, 2]\n",
    "a: @reserved\n",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_quick_readers_on_awkward_text(text: str) -> None:
    raw = text.encode()
    expected = exact(raw)
    for quick in quick_readers(raw):
        if isinstance(expected, InvalidFile):
            assert quick is None
        else:
            assert quick is None or quick == expected  # giving up is allowed, a change is not


SCALARS = st.sampled_from(
    ["yes", "No", "~", "null", "012", "0x1F", "1_000", "1:30", ".5", "-.inf", "2026-11-20",
     "2026-11-20 18:40:00+01", "2026-11-20T18:40:00Z", "1e3", "1.0e+3", "+7", "0b101", "a b",
     "'q'", '"d"', "x: y", "- z", "#c", "", "é", "[1]", "{a: 1}", "&a x", "*a", "!t x"]
)  # fmt: skip
KEYS = st.sampled_from(["a", "b", "yes", "1", "'k'", "c d"])


def _yaml(value: Any, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(
            f"{pad}{k}:\n{_yaml(v, indent + 2)}" if isinstance(v, dict | list) else
            f"{pad}{k}: {v}\n"
            for k, v in value.items()
        )  # fmt: skip
    return "".join(
        f"{pad}-\n{_yaml(v, indent + 2)}" if isinstance(v, dict | list) else f"{pad}- {v}\n"
        for v in value
    )


TREES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3)
        | st.dictionaries(KEYS, inner, min_size=1, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=4))
def test_quick_readers_on_made_up_files(tree: dict[str, Any]) -> None:
    raw = _yaml(tree).encode()
    expected = exact(raw)
    for quick in quick_readers(raw):
        if isinstance(expected, InvalidFile):
            assert quick is None
        else:
            assert quick is None or quick == expected


@given(st.text(max_size=12) | SCALARS)
def test_plain_text_is_left_as_it_is(raw: str) -> None:
    """`_built_data` keeps a plain scalar as its text, without calling `plain_scalar`,
    exactly when `plain_scalar` would give the text back."""
    from meptool.files.yamldoc import NOT_TEXT_STARTS, NOT_TEXT_WORDS, plain_scalar

    if raw and raw[0] not in NOT_TEXT_STARTS and raw not in NOT_TEXT_WORDS:
        assert plain_scalar(raw) is raw
    elif raw in NOT_TEXT_WORDS:
        assert plain_scalar(raw) is None or type(plain_scalar(raw)) is bool
