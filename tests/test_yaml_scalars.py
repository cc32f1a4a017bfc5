"""Unquoted scalars read by meptool's quick paths equal what PyYAML builds.

`yamldoc.plain_scalar` reads the common forms (times, dates, whole numbers,
decimals) with C code instead of PyYAML's constructors; PyYAML's own pure-Python
loader is the reference: same value, same type, same time zone — or both refuse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from meptool.files import yamldoc


def reference(value: str) -> Any:
    """PyYAML's value for `value` written unquoted (None when YAML reads it otherwise)."""
    text = f"v: {value}\n"
    try:
        scalars = [e for e in yaml.parse(text) if isinstance(e, yaml.ScalarEvent)]
    except yaml.YAMLError:
        return None
    if [(e.value, e.style) for e in scalars] != [("v", None), (value, None)]:
        return None  # not one plain scalar: not what plain_scalar is given
    return yaml.load(text, Loader=yaml.SafeLoader)["v"]


def same(value: str) -> None:
    try:
        expected: Any = reference(value)
    except (ValueError, OverflowError):
        expected = ValueError
    if expected is None:
        return
    got: Any = yamldoc.plain_scalar(value)
    if expected is ValueError:  # PyYAML cannot build it: meptool keeps the text (issue 18)
        assert got == value, value
        return
    if isinstance(got, yamldoc.Yaml11Int | yamldoc.Yaml11Float):  # marked for number fields
        assert got.raw == value
        got = type(expected)(got)
    assert type(got) is type(expected), value
    assert repr(got) == repr(expected), value
    if isinstance(got, dt.datetime):
        assert got.utcoffset() == expected.utcoffset(), value


zones = st.one_of(
    st.none(),
    st.just(dt.UTC),
    st.integers(-23 * 60, 23 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)


@st.composite
def written_times(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=dt.datetime(1, 1, 1), timezones=zones))
    text = moment.replace(microsecond=0).isoformat(sep=draw(st.sampled_from("T ")))
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        written_times(),
        st.dates().map(dt.date.isoformat),
        st.from_regex(yamldoc._ISO, fullmatch=True),  # impossible dates and zones too
        st.from_regex(yamldoc._DECIMAL, fullmatch=True),
        st.from_regex(yamldoc._POINT, fullmatch=True),
        st.from_regex(r"[0-9+.-][0-9:._eE+-]{0,25}", fullmatch=True),
    )
)
def test_quick_scalars_equal_pyyaml(value: str) -> None:
    same(value)


def test_known_forms() -> None:
    for value in [
        "2026-11-21T09:30:00+01:00",
        "2026-11-21 09:30:00+01:00",
        "2026-11-21 09:30:00 +01:00",
        "2026-11-21 09:30:00 -05:30",
        "2026-11-21 09:30:00 Z",
        "2026-11-21T09:30:00.123456+01:00",
        "2026-11-21 09:30:00.000000 -00:00",
        "2026-11-21T09:30:00.123456",
        "2026-11-21T09:30:00.123456 +99:00",
        "2026-11-21T09:30:00Z",
        "2026-11-21T09:30:00-00:00",
        "2026-11-21T09:30:00",
        "2026-11-21",
        "2026-02-30",
        "2026-11-21T24:00:00",
        "2026-11-21T09:30:00+01:60",
        "2026-11-21T09:30:00+24:00",
        "0",
        "007",
        "12",
        "1_000",
        "1.10",
        "0.5",
        "1e3",
        "1.0e+3",
        ".5",
        "1:30",
    ]:
        same(value)
