"""Workspace locks: one writer at a time per incident file, per ID allocation, per config.

An exclusive `flock` on `.meptool/locks/<name>.lock`, as filelock takes it on
POSIX: the kernel drops it when the process dies, so a killed meptool never
blocks the next one. A held lock is waited for (`MEPTOOL_LOCK_TIMEOUT`, default
10 s), then the command stops with exit 4.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from meptool.errors import InputError, LockedError, from_os_error
from meptool.files.workspace import Workspace

DEFAULT_LOCK_TIMEOUT = 10.0


def lock_timeout() -> float:
    """Seconds to wait for a lock (`MEPTOOL_LOCK_TIMEOUT`, default 10)."""
    from meptool.values import env_seconds

    return env_seconds("MEPTOOL_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT, low=0, high=3600)


LOCK_POLL = 0.05  # seconds between two tries of a held lock


@contextlib.contextmanager
def locked(ws: Workspace, name: str) -> Iterator[None]:
    """Hold the workspace lock `name` (exit 4 when another process keeps it too long).

    An exclusive `flock` on `.meptool/locks/<name>.lock`, as filelock takes it on
    POSIX: the kernel drops it when the process dies, so a killed meptool never
    blocks the next one. Taken here with `fcntl` directly — importing filelock 4
    (its logging, inspect and secrets) cost more than the rest of the lock; where
    there is no `fcntl`, filelock takes it.
    """
    folder = ws.state_dir / "locks"
    path = folder / f"{name}.lock"
    timeout = lock_timeout()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        with _filelock(ws, path, name, timeout):
            yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise _lock_problem(ws, path, exc) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _held(name) from None
                time.sleep(LOCK_POLL)
            except OSError as exc:
                raise _lock_problem(ws, path, exc) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _held(name: str) -> LockedError:
    return LockedError(
        f"{name} is locked by another meptool process",
        hint="wait for it to finish and run the command again",
    )


def _lock_problem(ws: Workspace, path: Path, exc: OSError) -> InputError:
    problem = from_os_error(exc, exc.filename or path)
    return InputError(
        f"cannot take the lock {ws.display(path)}: {problem.message}", hint=problem.hint
    )


@contextlib.contextmanager
def _filelock(ws: Workspace, path: Path, name: str, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout  # pragma: no cover - not POSIX

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path), timeout=timeout)
        lock.acquire()
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        raise _held(name) from None
    except OSError as exc:
        raise _lock_problem(ws, path, exc) from None
    try:
        yield
    finally:
        lock.release()
