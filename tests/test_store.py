"""The store: comments survive edits; writes are atomic, locked and conflict-checked."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from meptool.errors import ConflictError, InputError
from meptool.files import store
from meptool.files.workspace import Workspace

GOLDEN = Path(__file__).parent / "golden"


def put(ws_root: Path, incident_id: str, text: str) -> Path:
    folder = ws_root / "incidents" / incident_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "incident.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_commented_file_keeps_every_byte_outside_the_edit(workspace: Path) -> None:
    original = (GOLDEN / "hand_commented.yaml").read_text(encoding="utf-8")
    path = put(workspace, "MEP-2026-001", original)
    ws = Workspace(workspace)
    at = dt.datetime(2026, 11, 20, 19, 5, tzinfo=ws.tz)
    with store.edit(ws, "MEP-2026-001") as ed:
        ed.set("status", value="acknowledged")
        ed.set(
            "acknowledgement",
            value={
                "at": at,
                "by": "Julie Leroy",
                "statement": "C'est notre erreur.\nNous corrigeons.",
            },
        )
        ed.entry("Status: open → acknowledged", kind="status", status="acknowledged", at=at)
        ed.append("root_cause", "whys", item="La règle 3-D Secure a changé")
        ed.set("root_cause", "category", value="testing")
        ed.append(
            "corrective_plan", item={"id": "A1", "action": "Corriger", "due": dt.date(2026, 11, 23)}
        )
        ed.set("impact", "ended_at", value=at)
        ed.set("title", value="Paiement refusé: cartes étrangères")
    after = path.read_text(encoding="utf-8")
    expected = (GOLDEN / "hand_commented.after.yaml").read_text(encoding="utf-8")
    assert after == expected
    for line in original.splitlines():
        if "#" in line:
            comment = line[line.index("#") :]
            assert comment in after, comment
    incident = store.load(ws, path)
    assert incident.status.value == "acknowledged"
    assert incident.root_cause is not None
    assert incident.root_cause.whys[-1] == "La règle 3-D Secure a changé"


def test_no_change_writes_nothing(workspace: Path) -> None:
    original = (GOLDEN / "hand_commented.yaml").read_text(encoding="utf-8")
    path = put(workspace, "MEP-2026-001", original)
    before = path.stat().st_mtime_ns
    with store.edit(Workspace(workspace), "MEP-2026-001") as ed:
        ed.set("status", value="open")
    assert path.read_text(encoding="utf-8") == original
    assert path.stat().st_mtime_ns == before


def test_invalid_change_is_refused_and_file_untouched(workspace: Path) -> None:
    original = (GOLDEN / "hand_commented.yaml").read_text(encoding="utf-8")
    path = put(workspace, "MEP-2026-001", original)
    with (
        pytest.raises(InputError, match="severity"),
        store.edit(Workspace(workspace), "MEP-2026-001") as ed,
    ):
        ed.set("severity", value="apocalyptic")
    assert path.read_text(encoding="utf-8") == original


def test_file_changed_since_read_is_not_overwritten(workspace: Path) -> None:
    ws = Workspace(workspace)
    path = put(workspace, "MEP-2026-001", (GOLDEN / "hand_commented.yaml").read_text())
    _, snapshot = store.read(ws, "MEP-2026-001")
    edited = path.read_text().replace("rollback lancé", "rollback lancé à 19 h")
    path.write_text(edited)
    with pytest.raises(ConflictError), store.edit(ws, "MEP-2026-001", expected=snapshot) as ed:
        ed.set("status", value="acknowledged")
    assert path.read_text() == edited


def test_an_incident_already_read_is_used_only_while_the_file_holds_the_same_bytes(
    workspace: Path,
) -> None:
    ws = Workspace(workspace)
    path = put(workspace, "MEP-2026-001", (GOLDEN / "hand_commented.yaml").read_text())
    known = store.read(ws, "MEP-2026-001")
    with store.edit(ws, "MEP-2026-001", known=known) as ed:
        assert ed.incident is known[0]  # the same bytes: not parsed and validated again
        ed.set("status", value="acknowledged")
    assert ed.written == store.read(ws, "MEP-2026-001")[1]  # chained to the next edit
    # Saved by someone in between: read again, their save kept, no conflict.
    path.write_text(path.read_text().replace("rollback lancé", "rollback lancé à 19 h"))
    with store.edit(ws, "MEP-2026-001", known=known) as ed:
        assert ed.incident is not known[0]
        assert ed.incident.status.value == "acknowledged"
        ed.set("severity", value="major")
    text = path.read_text()
    assert "rollback lancé à 19 h" in text and "severity: major" in text


def test_symlinked_file_stays_a_symlink_with_its_mode(workspace: Path) -> None:
    ws = Workspace(workspace)
    real = workspace / "elsewhere.yaml"
    real.write_text((GOLDEN / "hand_commented.yaml").read_text())
    real.chmod(0o640)
    folder = workspace / "incidents" / "MEP-2026-001"
    folder.mkdir(parents=True)
    (folder / "incident.yaml").symlink_to(real)
    with store.edit(ws, "MEP-2026-001") as ed:
        ed.set("status", value="acknowledged")
    assert (folder / "incident.yaml").is_symlink()
    assert "status: acknowledged" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640


def _meptool(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "meptool", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_opens_get_distinct_ids(workspace: Path) -> None:
    procs = [
        _meptool(
            "incident",
            "open",
            "--title",
            f"Panne {i}",
            "--severity",
            "major",
            cwd=workspace,
            MEPTOOL_LOCK_TIMEOUT="30",
        )
        for i in range(6)
    ]
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        ids.append(out.strip())
    assert sorted(ids) == [f"MEP-2026-{n:03d}" for n in range(1, 7)]
    ws = Workspace(workspace)
    titles = {store.load(ws, p).title for p in ws.incident_files()}
    assert titles == {f"Panne {i}" for i in range(6)}


def test_lock_held_gives_exit_4(workspace: Path) -> None:
    from filelock import FileLock

    locks = workspace / ".meptool" / "locks"
    locks.mkdir(parents=True)
    with FileLock(str(locks / "ids.lock")):
        proc = _meptool(
            "incident",
            "open",
            "--title",
            "x",
            "--severity",
            "minor",
            cwd=workspace,
            MEPTOOL_LOCK_TIMEOUT="0.3",
        )
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4
    assert "locked by another meptool process" in err
    assert "Traceback" not in err


WRITER = """
import sys
from meptool.files import store
from meptool.files.workspace import Workspace
ws = Workspace(__import__("pathlib").Path(sys.argv[1]))
i = 0
while True:
    i += 1
    with store.edit(ws, "MEP-2026-001") as ed:
        ed.entry("entry %d " % i + "x" * 2000)
    print(i, flush=True)
"""


def test_sigkill_during_writes_never_tears_the_file(workspace: Path) -> None:
    ws = Workspace(workspace)
    path = put(workspace, "MEP-2026-001", (GOLDEN / "hand_commented.yaml").read_text())
    for round_ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(workspace)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one write done
        time.sleep(0.05 * (round_ + 1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        incident = store.load(ws, path)  # parses and validates: never torn
        count = len(incident.timeline)
        assert count > 2
        # the killed process's lock does not block the next writer
        start = time.monotonic()
        with store.edit(ws, "MEP-2026-001") as ed:
            ed.entry("after the kill")
        assert time.monotonic() - start < 5
        assert len(store.load(ws, path).timeline) == count + 1
    assert "# end of file: nothing below" in path.read_text()


def test_flow_values_become_blocks_without_touching_the_rest() -> None:
    from meptool.files.yamledit import edit_text

    text = "a: 8.78647427269835e-215  # keep\nimpact: {}   # empty for now\nlist: [x]\n"
    out = edit_text(
        text,
        [
            ("set", ("impact", "users_affected"), "environ 1 200"),
            ("append", ("list",), "y\nz"),
        ],
    )
    assert out == (
        "a: 8.78647427269835e-215  # keep\n"
        "impact:   # empty for now\n"
        "  users_affected: environ 1 200\n"
        'list: [x, "y\\nz"]\n'
    )
