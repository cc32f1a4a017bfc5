"""One exception tree: every error a user can cause, with the exit code of SPEC.md.

The message of each says what went wrong, where, and how to fix it. The CLI edge
(`meptool.cli.app`) turns them into one message on stderr and the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass


class MeptoolError(Exception):
    """Base class: an error meptool reports without a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(MeptoolError):
    """The input has problems: an invalid file, a failed check, a refused move."""

    exit_code = 1


class MaybeSent(InputError):
    """The mail server had the whole message when the conversation failed: it may be sent."""


class UsageError(MeptoolError):
    """The command line is wrong: a missing flag, a bad value, a bad combination."""

    exit_code = 2


class NotFoundError(MeptoolError):
    """A workspace, an incident or a file that does not exist."""

    exit_code = 3


class WorkspaceNotFound(NotFoundError):
    """No `meptool.yaml` in the given folder or any parent."""


class IncidentNotFound(NotFoundError):
    """No incident with that ID in the workspace."""


class BusyError(MeptoolError):
    """Another meptool process holds the lock, or the file changed under us."""

    exit_code = 4


class LockedError(BusyError):
    """The lock could not be taken in time."""


class ConflictError(BusyError):
    """The file changed on disk between meptool's read and its write."""


class Interrupted(MeptoolError):
    """Ctrl-C: the user stopped; nothing half-done was saved."""

    exit_code = 130


_OS_HINTS = {
    "EROFS": "the file system is read-only: run meptool where it can write (or remount it)",
    "ENOSPC": "the disk is full: free some space and run the command again",
    "EDQUOT": "your disk quota is used up: free some space and run the command again",
    "EACCES": "check the permissions of that path (ls -ld), or run meptool as its owner",
    "EPERM": "the path may be immutable or owned by someone else: check it with ls -ld (lsattr)",
    "ENOTDIR": "a part of that path is a file where meptool needs a folder: move the file away",
    "EISDIR": "that path is a folder where meptool needs a file: move it away or name a file",
    "EEXIST": "a file is already there where meptool needs a folder (or the other way "
    "round): move it away or choose another path",
    "EBUSY": "that path is busy (a mount point?): choose another path",
    "ENAMETOOLONG": "the path is too long: choose a shorter one",
    "ELOOP": "symlinks there point at each other: fix or remove them",
    "ENOENT": "a folder on that path does not exist: create it, or check the path",
}


def from_os_error(exc: OSError, path: object = None) -> InputError:
    """One message for an OSError a user can cause: what, which path, and what to do."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    where = path if path is not None else exc.filename
    what = exc.strerror or str(exc)
    message = f"{where}: {what}" if where is not None else what
    if exc.filename2 is not None and path is None:
        message += f" (and {exc.filename2})"
    hint = _OS_HINTS.get(name, "check that path, then run the command again")
    if name in ("ENOSPC", "EDQUOT", "EROFS"):
        hint += "; the file meptool was writing is unchanged"
    return InputError(message, hint=hint)


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a file: `file:line:col: field: message`."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def as_dict(self) -> dict[str, str | int]:
        """The problem as JSON-ready data."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "message": self.message,
        }


class InvalidFile(InputError):
    """A file that cannot be read or does not match its schema; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines))
