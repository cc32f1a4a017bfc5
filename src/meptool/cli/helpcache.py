"""The root help text, kept once rendered, so `meptool --help` does not load Typer.

Rendering it costs importing Typer and building every command (~6× the time of
starting Python); the text only changes with meptool's CLI code, Typer and the
terminal width. It is kept in the user's cache folder (`$XDG_CACHE_HOME/meptool`,
else `~/.cache/meptool`) under a name that hashes all of those, with a checksum:
a stale, foreign or damaged file is never printed, the help is rendered anew.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

HEADER = "meptool-help v1 "


def _key() -> str | None:
    """What the help depends on; None when it cannot be told cheaply (then no cache)."""
    import importlib.util

    from meptool import __version__

    spec = importlib.util.find_spec("typer")
    if spec is None or spec.origin is None:
        return None
    parts = [__version__, sys.version, str(shutil.get_terminal_size().columns)]
    for name in ("TYPER_USE_RICH", "_TYPER_STANDARD_TRACEBACK", "TERMINAL_WIDTH"):
        parts.append(f"{name}={os.environ.get(name, '')}")
    here = Path(__file__).resolve().parent
    for path in [*sorted(here.glob("*.py")), Path(spec.origin)]:
        try:
            st = path.stat()
        except OSError:
            return None
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _folder() -> Path:
    from meptool import usercache

    return usercache.folder()


def cached(key: str) -> str | None:
    """The help text kept for this key, if intact."""
    try:
        raw = (_folder() / f"help-{key[:32]}.txt").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    first, _, text = raw.partition("\n")
    digest = hashlib.sha256((key + text).encode()).hexdigest()
    return text if first == HEADER + digest else None


def keep(key: str, text: str) -> None:
    """Keep the help text for next time (silently skipped when the folder is not writable)."""
    folder = _folder()
    digest = hashlib.sha256((key + text).encode()).hexdigest()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".help-{os.getpid()}.tmp"
        tmp.write_text(f"{HEADER}{digest}\n{text}", encoding="utf-8")
        os.replace(tmp, folder / f"help-{key[:32]}.txt")
    except OSError:
        pass


def root_help() -> int | None:
    """Print the root help from the cache, or render, print and keep it; None: not handled."""
    if os.environ.get("MEPTOOL_NO_CACHE") or any(k.startswith("_MEPTOOL") for k in os.environ):
        return None
    key = _key()
    if key is None:
        return None
    text = cached(key)
    if text is None:
        import contextlib
        import io

        from meptool.cli.app import run

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = run(["--help"])
        text = buffer.getvalue()
        if code != 0:
            sys.stdout.write(text)
            return code
        keep(key, text)
    sys.stdout.write(text)
    return 0
