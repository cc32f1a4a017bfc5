"""Crashes and concurrency through real processes.

Every writing command is SIGKILLed at points spread over its run (seeded, so a
failure replays); afterwards every incident file validates, every `.eml` is a
whole message, every logged draft has its files with the recorded fingerprint,
nothing is marked sent that the server did not receive, and the next command
is not blocked by the dead process's lock. `pytest -m slow` kills more often.
"""

from __future__ import annotations

import email
import email.policy
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.updates.drafts import fingerprint
from meptool.updates.sending import interrupted_note
from updates_helpers import ID, set_smtp

ROUNDS = int(os.environ.get("MEPTOOL_CRASH_ROUNDS", "1"))
COMMANDS: dict[str, list[str]] = {
    "open": ["incident", "open", "--title", "Panne", "--severity", "major", "--no-input"],
    "ack": ["incident", "ack", ID, "--by", "Julie Leroy", "--statement", "C'est notre erreur."],
    "note": ["incident", "note", ID, "--text", "Une note", "--client"],
    "plan": ["incident", "plan", ID, "--action", "Vérifier", "--owner", "Karim", "--due", "+2"],
    "draft": ["update", "draft", ID, "--format", "eml,md,html,txt"],
    "approve": ["update", "approve", ID, "--by", "Paul Roux"],
    # --resend: a round killed after the message left must not stop the next rounds.
    "send": ["update", "send", ID, "--yes", "--resend"],
}


def _spawn(root: Path, args: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "meptool", *args],
        cwd=root,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _invariants(root: Path, received: set[str]) -> None:
    ws = Workspace(root)
    for path in ws.incident_files():
        incident = store.load(ws, path)  # raises if torn or invalid
        for comm in incident.communications:
            # Logged ⇒ every file there, exactly as drafted (or as approved).
            assert fingerprint(ws, list(comm.files)) in (comm.sha256, comm.approved_sha256)
            if comm.status.value == "sent":
                assert comm.message_id in received, f"update {comm.seq} marked sent, never sent"
            elif comm.message_id in received:  # left, unrecorded: the next send must know
                note = interrupted_note(ws, incident.id, comm.seq)
                assert note.exists(), f"update {comm.seq} sent, not marked, no note"
    for eml in root.glob("incidents/*/updates/*.eml"):
        raw = eml.read_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        boundary = msg.get_boundary()
        assert boundary and raw.rstrip().endswith(f"--{boundary}--".encode()), eml
        assert msg.get_body(preferencelist=("html",)) is not None, eml


def _not_blocked(root: Path, run_in) -> None:
    """The dead process's lock is gone: the next command gets it within the 2 s of conftest."""
    result = run_in(root)("incident", "note", ID, "--text", "après")
    assert result.exit_code == 0, result.output


def _prepare(root: Path, name: str, run_in) -> None:
    """Bring the incident where the command can do its work."""
    run = run_in(root)
    if name not in ("approve", "send"):
        return
    incident = store.read(Workspace(root), ID)[0]
    last = max(incident.communications, key=lambda c: c.seq, default=None)
    if last is None or last.status.value == "sent":
        assert run("update", "draft", ID).exit_code == 0
    if name == "send" and (last is None or last.status.value != "approved"):
        assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0


def _timed(root: Path, args: list[str]) -> float:
    start = time.monotonic()
    proc = _spawn(root, args)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1), err
    return time.monotonic() - start


_DURATIONS: dict[str, float] = {}


def _duration(root: Path, name: str) -> float:
    """How long a command takes here (measured once per session: processes are slow to start)."""
    if name not in _DURATIONS:
        _DURATIONS[name] = _timed(root, COMMANDS[name])
    return _DURATIONS[name]


def _kill_rounds(name: str, rounds: int, example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server()
    set_smtp(example, port)
    rng = random.Random(f"{name}-{rounds}")
    _prepare(example, name, run_in)
    duration = _duration(example, name)
    for i in range(rounds):
        _prepare(example, name, run_in)
        # Spread over the run, later points more likely (the writes come last).
        delay = duration * (0.5 + 0.6 * rng.random()) if i else duration * 0.85
        proc = _spawn(example, COMMANDS[name])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        received = {
            str(m[2].split(b"Message-ID: ", 1)[1].split(b"\r\n")[0].decode())
            for m in handler.messages
            if b"Message-ID: " in m[2]
        }
        _invariants(example, received)
        _not_blocked(example, run_in)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_sigkill_during_a_writing_command_leaves_nothing_half_done(
    name: str, example: Path, run_in, smtp_server
) -> None:
    _kill_rounds(name, ROUNDS, example, run_in, smtp_server)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_sigkill_during_a_writing_command_long(
    name: str, example: Path, run_in, smtp_server
) -> None:
    _kill_rounds(name, 25, example, run_in, smtp_server)


def test_two_notes_at_once_are_both_kept(example: Path) -> None:
    """Both wait for the lock or meet a changed file (exit 4); a retry always succeeds."""
    texts = [f"Note concurrente {i}" for i in range(3)]
    procs = {
        t: _spawn(example, ["incident", "note", ID, "--text", t], MEPTOOL_LOCK_TIMEOUT="30")
        for t in texts
    }
    for text, proc in procs.items():
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 4), err
        if proc.returncode == 4:
            retry = _spawn(example, ["incident", "note", ID, "--text", text])
            _, err = retry.communicate(timeout=60)
            assert retry.returncode == 0, err
    timeline = [e.text for e in store.read(Workspace(example), ID)[0].timeline]
    for text in texts:
        assert timeline.count(text) == 1, (text, timeline)


def test_a_held_lock_gives_exit_4_then_the_retry_succeeds(example: Path) -> None:
    from filelock import FileLock

    locks = example / ".meptool" / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"{ID}.lock")):
        proc = _spawn(example, COMMANDS["note"], MEPTOOL_LOCK_TIMEOUT="0.3")
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err
    assert "locked by another meptool process" in err and "Traceback" not in err
    retry = _spawn(example, COMMANDS["note"])
    _, err = retry.communicate(timeout=60)
    assert retry.returncode == 0, err


def test_file_saved_by_a_person_between_read_and_send_is_not_overwritten(
    example: Path, run_in, monkeypatch, smtp_server
) -> None:
    """`update send` read the incident, then someone saved it: exit 4, nothing sent."""
    from meptool.updates import sending

    handler, port = smtp_server()
    set_smtp(example, port)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    path = example / "incidents" / ID / "incident.yaml"
    real_prepare = sending.prepare

    def prepare_then_edit(*args: Any, **kwargs: Any) -> Any:
        preview = real_prepare(*args, **kwargs)
        path.write_text(path.read_text(encoding="utf-8") + "# saved in an editor\n", "utf-8")
        return preview

    monkeypatch.setattr(sending, "prepare", prepare_then_edit)
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 4, result.output
    assert "changed on disk" in result.stderr
    assert path.read_text(encoding="utf-8").endswith("# saved in an editor\n")
    assert not handler.messages
    assert store.read(Workspace(example), ID)[0].communications[0].sent_at is None
