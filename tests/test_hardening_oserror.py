"""Issue 18 case 11: every OSError a user can cause is one message naming the path and
what to do, exit 1, never a traceback; a write that fails leaves the old file whole.

The read-only workspace and the full disk are real: a read-only bind mount and a
small tmpfs, made in a private mount namespace (`unshare -m`) that disappears with
the command, so nothing is left mounted whatever happens.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ID = "MEP-2026-001"
INCIDENT = Path("incidents") / ID / "incident.yaml"
MEPTOOL = [sys.executable, "-m", "meptool"]


def _namespace_ok() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _namespace_ok(), reason="needs root and unshare -m to mount a tmpfs"
)


def _in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _cmd(args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in [*MEPTOOL, *args])


READ_ONLY_COMMANDS = [
    ["incident", "note", ID, "--text", "Note"],
    ["update", "draft", ID, "--format", "md"],
    ["incident", "open", "--title", "Panne", "--severity", "minor", "--no-input"],
    ["feedback", "record", ID, "--csat", "4", "--no-input"],
    ["schema", "--output", "schemas/x.json"],
    ["templates", "export", "tpl"],
]


@needs_mounts
@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_a_read_only_workspace_is_one_message(args: list[str], example: Path) -> None:
    # Warm the caches first: a read-only workspace that was never read works too,
    # but the question here is the write.
    subprocess.run([*MEPTOOL, "incident", "list"], cwd=example, capture_output=True, check=False)
    before = (example / INCIDENT).read_bytes()
    ws = shlex.quote(str(example))
    script = (
        f"mount --bind {ws} {ws} && mount -o remount,ro,bind {ws} && "
        f"cd {ws} && {_cmd(args)}; echo rc=$?"
    )
    done = _in_namespace(script, example)
    assert "rc=1" in done.stdout, (done.stdout, done.stderr)
    assert "Read-only file system" in done.stderr, done.stderr
    assert "read-only" in done.stderr and "hint:" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert (example / INCIDENT).read_bytes() == before


@needs_mounts
def test_a_full_disk_is_one_message_and_the_file_stays_whole(example: Path, tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    m = shlex.quote(str(mnt))
    src = shlex.quote(str(example))
    # The incident file is ~8 kB: a disk with a few kB left cannot take its new copy.
    script = (
        f"mount -t tmpfs -o size=256k tmpfs {m} && cp -r {src} {m}/ws && cd {m}/ws && "
        f"{_cmd(['incident', 'list'])} >/dev/null 2>&1; "
        f"sha256sum {INCIDENT} > /tmp/.h18-before-$$; "
        f"dd if=/dev/zero of={m}/fill bs=1k 2>/dev/null; "
        f"{_cmd(['incident', 'note', ID, '--text', 'Note sur disque plein'])}; echo rc=$?; "
        f"sha256sum -c /tmp/.h18-before-$$ && echo whole; rm -f /tmp/.h18-before-$$; "
        f"ls -a incidents/{ID}"
    )
    done = _in_namespace(script, example)
    assert "rc=1" in done.stdout, (done.stdout, done.stderr)
    assert "No space left on device" in done.stderr and "disk is full" in done.stderr
    assert "unchanged" in done.stderr
    assert "whole" in done.stdout  # the old file is intact
    assert ".tmp" not in done.stdout  # no temp file left behind
    assert "Traceback" not in done.stderr


def test_a_full_disk_during_the_write_leaves_the_old_file(
    example: Path, run_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without mounts too: the disk fills while the new copy is being synced."""
    import errno

    from meptool.files import store

    before = (example / INCIDENT).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(store.os, "fsync", full)
        result = run_in(example)("incident", "note", ID, "--text", "x")
    assert result.exit_code == 1, result.output
    assert "incident.yaml: No space left on device" in result.output
    assert (example / INCIDENT).read_bytes() == before
    assert not list((example / INCIDENT).parent.glob(".*.tmp"))


@pytest.mark.parametrize(
    "setup,expected",
    [
        ("state-is-a-file", "Not a directory"),
        ("locks-is-a-file", "File exists"),
        ("lock-is-a-folder", "Is a directory"),
    ],
)
def test_state_folders_that_are_not_folders(
    setup: str, expected: str, example: Path, run_in
) -> None:
    state = example / ".meptool"
    shutil.rmtree(state, ignore_errors=True)
    if setup == "state-is-a-file":
        state.write_text("x")
    elif setup == "locks-is-a-file":
        state.mkdir()
        (state / "locks").write_text("x")
    else:
        (state / "locks" / f"{ID}.lock").mkdir(parents=True)
    result = run_in(example)("incident", "note", ID, "--text", "x")
    assert result.exit_code == 1, result.output
    assert expected in result.output and "hint:" in result.output
    assert "Traceback" not in result.output
    assert run_in(example)("incident", "list").exit_code == 0  # reading still works


@pytest.mark.parametrize(
    "args",
    [
        ["init", "/etc/passwd"],
        ["templates", "export", "meptool.yaml"],
        ["schema", "--output", "/proc/version"],
        ["update", "draft", ID, "--format", "md", "--output", "/proc/self/x/y"],
    ],
)
def test_paths_that_cannot_be_used_are_one_message(args: list[str], example: Path, run_in) -> None:
    result = run_in(example)(*args)
    assert result.exit_code in (1, 2), result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
