"""Property-based tests: what meptool writes it reads back; broken files never crash it.

The default run is short; `pytest -m slow` runs the long variants.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.incident import Incident

PARIS = ZoneInfo("Europe/Paris")
SHORT = settings(
    max_examples=int(os.environ.get("MEPTOOL_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(SHORT, max_examples=1000)

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
line = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r\n\x00"),
    min_size=1,
    max_size=40,
)
times = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(PARIS),
    allow_imaginary=False,
).map(lambda t: t.replace(microsecond=0))
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
email = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,8}\.example", fullmatch=True)


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


incidents = st.fixed_dictionaries(
    {
        "schema_version": st.just(1),
        "id": st.just("MEP-2026-001"),
        "title": line,
        "severity": st.sampled_from(["critical", "major", "minor"]),
        "status": st.sampled_from(["open", "acknowledged", "mitigated", "resolved", "closed"]),
    },
    optional={
        "project": line,
        "language": st.sampled_from(["fr", "en"]),
        "detected_at": times,
        "impact": st.builds(
            lambda s, u, a: drop_none({"summary": s, "users_affected": u, "started_at": a}),
            opt(text),
            opt(text),
            opt(times),
        ),
        "client": st.builds(
            lambda n, cs: {"name": n, "contacts": cs},
            line,
            st.lists(
                st.fixed_dictionaries(
                    {"name": line, "email": email},
                    optional={
                        "kind": st.sampled_from(["decision-maker", "domain-expert", "other"]),
                        "role": line,
                    },
                ),
                max_size=3,
            ),
        ),
        "timeline": st.lists(
            st.fixed_dictionaries(
                {"at": times, "text": text},
                optional={"visibility": st.sampled_from(["client", "internal"])},
            ),
            max_size=4,
        ),
        "root_cause": st.fixed_dictionaries(
            {},
            optional={
                "summary": text,
                "whys": st.lists(text, max_size=5),
                "category": st.sampled_from(["testing", "process", "other"]),
            },
        ),
        "corrective_plan": st.lists(
            st.fixed_dictionaries(
                {"action": text},
                optional={
                    "due": dates,
                    "effort_days": st.floats(0, 100, allow_nan=False) | st.integers(0, 50),
                    "client_visible": st.booleans(),
                },
            ),
            max_size=3,
        ).map(lambda acts: [{"id": f"A{i + 1}", **a} for i, a in enumerate(acts)]),
        "schedule_impact": st.fixed_dictionaries(
            {}, optional={"delay_days": st.integers(0, 30), "new_delivery_date": dates}
        ),
        "feedback": st.lists(
            st.fixed_dictionaries(
                {"at": times, "csat": st.integers(1, 5)}, optional={"comment": text}
            ),
            max_size=2,
        ),
        "retro": st.fixed_dictionaries({}, optional={"lessons": st.lists(text, max_size=3)}),
    },
)


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    return Workspace(workspace)


def _roundtrip(ws: Workspace, data: dict[str, Any]) -> None:
    expected = Incident.model_validate(store.plain(data), context={"tz": PARIS})
    path = ws.incidents_dir / "MEP-2026-001" / "incident.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_new(ws, path, data)
    assert store.load(ws, path) == expected


@SHORT
@given(data=incidents)
def test_write_then_read_gives_the_same_incident(ws: Workspace, data: dict[str, Any]) -> None:
    _roundtrip(ws, data)


@SHORT
@given(data=incidents, extra=text, when=times)
def test_edit_then_read_gives_the_edited_incident(
    ws: Workspace, data: dict[str, Any], extra: str, when: dt.datetime
) -> None:
    _roundtrip(ws, data)
    with store.edit(ws, "MEP-2026-001") as ed:
        ed.entry(extra, at=when)
        ed.set("impact", "users_affected", value=extra)
    incident = store.load(ws, ws.incidents_dir / "MEP-2026-001" / "incident.yaml")
    assert incident.timeline[-1].text == extra
    assert incident.timeline[-1].at.timestamp() == when.timestamp()  # DST folds compare unequal
    assert incident.impact is not None
    assert incident.impact.users_affected == extra


# --- mutated real files ---------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "workspace"
ORIGINAL = (EXAMPLE / "incidents" / "MEP-2026-001" / "incident.yaml").read_text(encoding="utf-8")
LINES = ORIGINAL.splitlines(keepends=True)
ODD = [
    "\x00",
    "\x07",
    "\u202e",
    "\ufeff",
    "\ud7ff",
    "😀",
    "\t",
    "\r",
    "{{ x }}",
    "&a",
    "*a",
    "!!python/name:os.system",
    ": ",
    "- ",
    "[",
    "{",
    "'",
    '"',
    "|",
    ">",
    "%YAML 1.1",
    "---",
    "...",
    "<<: *x",
    "#",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "indent", "dedent", "insert", "truncate", "huge"]
            )
        )
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif kind == "insert":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(ODD) | text) + lines[i][pos:]
        elif kind == "truncate":
            lines = lines[:i]
        else:
            lines[i] = lines[i].rstrip("\n") + "x" * draw(st.sampled_from([10_000, 200_000])) + "\n"
        if not lines:
            break
    raw = "".join(lines).encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


LOCATED = re.compile(r"incident\.yaml:\d+:\d+: ")


def _check_commands(run, raw: bytes, example: Path) -> None:
    (example / "incidents" / "MEP-2026-001" / "incident.yaml").write_bytes(raw)
    for args in (
        ["incident", "validate"],
        ["incident", "show", "MEP-2026-001"],
        ["incident", "list"],
    ):
        result = run(*args)
        assert result.exit_code in (0, 1), (args, result.output)
        if result.exit_code == 1:
            assert LOCATED.search(result.output), (args, result.output)
        assert "Traceback" not in result.output


@SHORT
@given(raw=mutated())
def test_mutated_files_get_located_messages_never_a_crash(
    raw: bytes, example: Path, run_in
) -> None:
    _check_commands(run_in(example), raw, example)


@pytest.mark.slow
@LONG
@given(raw=mutated())
def test_mutated_files_long(raw: bytes, example: Path, run_in) -> None:
    _check_commands(run_in(example), raw, example)


@pytest.mark.slow
@LONG
@given(data=incidents)
def test_write_then_read_long(ws: Workspace, data: dict[str, Any]) -> None:
    _roundtrip(ws, data)


@pytest.mark.parametrize(
    "payload",
    [
        "a: &a [" + ",".join(["*a"] * 10) + "]\n",  # billion laughs needs aliases: refused at once
        "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x: " + "y" * 500_000 + "\n",
        "k" * 2_000_000,
    ],
)
def test_bombs_and_huge_input_are_refused(payload: str) -> None:
    from meptool.errors import InvalidFile

    with pytest.raises(InvalidFile):
        store.parse(payload.encode(), "bomb.yaml", PARIS)
