"""Compiled templates, kept in the user's cache folder and keyed on their bytes.

Never in the workspace: a workspace is shared through git and CI, and a
compiled template is code (issue 18: a planted `.meptool/jinja/*.cache` was
unpickled and run). Jinja's own file cache reads a pickled checksum from each
file and finds it by the template's name and path; this one stores only
marshalled code, under the SHA-256 of the template's name, path and source
(and the Jinja and Python versions), in a folder only the user can write.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any


def user_cache_dir() -> Path:
    """Where compiled templates are kept: `$XDG_CACHE_HOME/meptool/jinja` (~/.cache/…).

    Never in the workspace: a workspace is shared through git and CI, and a
    compiled template is code. The user's own cache folder is as trusted as
    their home (a relative XDG_CACHE_HOME is ignored: see `meptool.usercache`).
    """
    from meptool import usercache

    return usercache.folder("jinja")


def bytecode_cache(folder: Path) -> Any:
    """A bytecode cache in `folder` keyed on each template's bytes; None when unsafe.

    Jinja's own file cache reads a pickled checksum from each file and finds the
    file by the template's name and path; this one stores only marshalled code,
    under the SHA-256 of the template's name, path and source (and the Jinja and
    Python versions), in a folder only the user can write. Anything unreadable
    is compiled again.
    """
    import os

    from jinja2.bccache import BytecodeCache

    from meptool import usercache

    if not usercache.private(folder):
        return None  # someone else could plant code there: compile in memory only

    class SourceKeyedCache(BytecodeCache):
        """Compiled templates in the user's cache folder, keyed on their bytes."""

        def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Any:
            import hashlib

            from jinja2 import __version__ as jinja_version
            from jinja2.bccache import Bucket

            digest = hashlib.sha256()
            for part in (jinja_version, sys.version, name, filename or "", source):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
            bucket = Bucket(environment, digest.hexdigest(), "")
            self.load_bytecode(bucket)
            return bucket

        def _path(self, bucket: Any) -> Path:
            return folder / f"{bucket.key}.code"

        def load_bytecode(self, bucket: Any) -> None:
            import marshal

            try:
                data = self._path(bucket).read_bytes()
                code = marshal.loads(data)
            except (OSError, EOFError, ValueError, TypeError):
                return
            import types

            if isinstance(code, types.CodeType):
                bucket.code = code

        def dump_bytecode(self, bucket: Any) -> None:
            import marshal
            import tempfile

            try:
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(marshal.dumps(bucket.code))
                    os.replace(tmp, self._path(bucket))
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
            except OSError:
                pass  # a full disk or a read-only home only costs a compilation

    return SourceKeyedCache()
