"""The user's own cache folder: `$XDG_CACHE_HOME/meptool`, else `~/.cache/meptool`.

What meptool keeps between runs that is not the workspace's (compiled
templates, the check's compiled lexicons, the root help text) lives here, never
in the workspace: a workspace is shared through git and CI, the user's cache
folder is as trusted as their home.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def folder(*parts: str) -> Path:
    """`$XDG_CACHE_HOME/meptool/…`, or `~/.cache/meptool/…`.

    A relative `XDG_CACHE_HOME` is ignored, as the XDG Base Directory
    specification requires: it would name a folder inside whatever folder the
    command runs in — a workspace, most of the time.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "meptool", *parts)


def private(path: Path) -> bool:
    """Make `path` (mode 0700) if missing; whether only this user can write there."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
