"""`incident list`'s quick paths give exactly what the general ones give.

The list reads only the times of a summary it needs, prints piped tables without
making fitted cells, formats times from ISO text and writes `--json` of flat
records with C's string encoder: each is compared here with the code it stands for.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meptool.cli import incident as incident_cli
from meptool.cli import output
from meptool.cli.views import when
from meptool.files.workspace import Workspace
from meptool.incident import reading
from meptool.incident.registry import Row, list_rows, summary_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate

ZONES = [
    None,
    dt.UTC,
    ZoneInfo("Europe/Paris"),
    ZoneInfo("America/St_Johns"),
    ZoneInfo("Asia/Kathmandu"),
    dt.timezone(dt.timedelta(seconds=3661)),
    dt.timezone(dt.timedelta(hours=-5)),
]


def strftime_when(value: dt.datetime, tz: dt.tzinfo | None) -> str:
    """`views.when` as it was: strftime."""
    local = value.astimezone(tz) if tz else value
    return local.strftime("%Y-%m-%d %H:%M %z").replace("+0000", "UTC")


@given(
    moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    source=st.sampled_from(ZONES),
    target=st.sampled_from(ZONES),
)
def test_when_equals_strftime(
    moment: dt.datetime, source: dt.tzinfo | None, target: dt.tzinfo | None
) -> None:
    value = moment.replace(tzinfo=source)
    try:
        expected: object = strftime_when(value, target)
    except (OverflowError, ValueError) as exc:
        expected = type(exc)
    try:
        got: object = when(value, target)
    except (OverflowError, ValueError) as exc:
        got = type(exc)
    assert got == expected


TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["a\u200db", "é\u200dé", "\x1b[31m", "tab\there", "line\nbreak", "\u202eevil", "—"]
)
SCALAR = TEXT | st.none() | st.booleans() | st.integers(-(10**20), 10**20)


@given(st.lists(st.dictionaries(TEXT, SCALAR, max_size=6), max_size=5))
def test_records_json_equals_json_dumps(records: list[dict[str, object]]) -> None:
    expected = json.dumps(records, indent=2, ensure_ascii=False, default=str)
    quick = output._records_json(records)
    assert quick is None or quick == expected
    if records and all(records):
        assert quick is not None  # flat records always take the quick path


def test_records_json_leaves_the_rest_to_json() -> None:
    for data in ([{"a": 1.5}], [{"a": [1]}], [{1: "a"}], [{}], [], {"a": 1}, [["a"]]):
        assert output._records_json(data) is None


def _rows(tz: dt.tzinfo) -> list[Row]:
    paris = ZoneInfo("Europe/Paris")
    texts = ["Paiement refusé", "\x1b[2Jwipe", "a\u200db é\u200dé", "x" * 70, "tab\tin", ""]
    rows = []
    for i, title in enumerate(texts * 3):
        detected = None if i % 5 == 4 else dt.datetime(2026, 3, 29, 1, i, tzinfo=paris)
        due = None if i % 3 == 0 else dt.datetime(2026, 11, 1, 12, i, tzinfo=dt.UTC)
        rows.append(
            Row(
                id=f"MEP-2026-{i:03d}",
                title=title,
                severity=["critical", "major", "minor"][i % 3],
                status=["open", "resolved", "acknowledged", "mitigated"][i % 4],
                project=None,
                client="Maison Dupont",
                detected_at=detected,
                next_update_due=due,
                overdue=i % 2 == 0 and due is not None,
                path=f"incidents/MEP-2026-{i:03d}/incident.yaml",
                open_expectations=i % 4,
            )
        )
    return rows


class _Ws:
    tz = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("count", [0, 1, 18])
def test_plain_table_equals_fitted_piped(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    ws: object = _Ws()
    rows = _rows(_Ws.tz)[:count]
    monkeypatch.setattr(output, "is_tty", lambda: False)
    outputs = []
    for show in (
        lambda: output.fitted(incident_cli._columns(), incident_cli._cells(ws, rows, tty=False)),  # type: ignore[arg-type]
        lambda: incident_cli._print_plain(ws, rows),  # type: ignore[arg-type]
    ):
        buffer = io.StringIO()
        monkeypatch.setattr(sys, "stdout", buffer)
        show()
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
    assert "\\x1b" in outputs[1] or count < 2


def test_list_rows_equal_revived_summaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows read from stored times equal the rows of revived summaries, whatever the
    clock says (before, between and after the incidents' times)."""
    root = tmp_path / "gen"
    generate(40, root)
    old = time.time() - 3600
    for path in [root / "meptool.yaml", *root.glob("incidents/*/incident.yaml")]:
        os.utime(path, (old, old))
    monkeypatch.chdir(root)
    for now in ("2024-06-01T00:00:00+02:00", "2025-01-10T12:00:00+01:00", "2027-01-01T00:00Z"):
        monkeypatch.setenv("MEPTOOL_NOW", now)
        ws = Workspace(root)
        rows, broken = list_rows(ws)
        reference = [
            summary_row(ws, None, item, ws.now(), shown=f"incidents/{name}/incident.yaml")
            for name, item in reading.summaries_named(ws)
            if isinstance(item, dict)
        ]
        assert [r.as_dict() for r in rows] == [r.as_dict() for r in reference]
        assert [(r.detected_at, r.next_update_due) for r in rows] == [
            (r.detected_at, r.next_update_due) for r in reference
        ]
        assert not broken and len(rows) == 40
