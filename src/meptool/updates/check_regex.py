"""The check's lexicons compiled once per machine, not once per run.

A lexicon is one regular expression of up to 5,000 characters (its French and
English alternatives); CPython compiles regular expressions in pure Python,
~2 µs a character: the ~17 lexicons a draft's check needs cost ~30 ms of every
`update draft`, more than rendering it. What the compiler produces is a list
of integers (the SRE engine's program) and a few tables; they are kept, as
JSON, in the user's cache folder (`meptool.usercache`, never the workspace)
under the SHA-256 of the pattern, its flags, the interpreter's version and
the compiler's own source, and handed back to the engine (`_sre.compile`,
which validates a program before it runs it) on the next run.

That engine entry point is CPython's own, not a public API: anything
unexpected — another interpreter, a changed signature, a damaged or foreign
file, a folder others can write — compiles the pattern with `re.compile`, as
before. tests/test_check_regex.py holds every lexicon, from the cache, to the
pattern `re.compile` makes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
from typing import Any

from meptool import usercache

SUBFOLDER = "regex"


def _internals() -> tuple[Any, Any, Any]:
    """CPython's regular expression engine, compiler and parser (not public modules)."""
    import importlib

    return (
        importlib.import_module("_sre"),
        importlib.import_module("re._compiler"),
        importlib.import_module("re._parser"),
    )


@functools.cache
def _compiler_key() -> str | None:
    """What the compiled form depends on besides the pattern; None: no cache here."""
    try:
        _sre, _compiler, _ = _internals()
        with open(_compiler.__file__, "rb") as fh:
            source = hashlib.sha256(fh.read()).hexdigest()
        return f"{sys.implementation.name}\0{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{source}"
    except (ImportError, AttributeError, OSError, TypeError):
        return None


def _parts(pattern: str, flags: int) -> dict[str, Any]:
    """What `re._compiler.compile` hands the engine, as plain data."""
    _, _compiler, _parser = _internals()
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return {
        "flags": flags | parsed.state.flags,
        "code": list(code),
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
    }


def _engine(pattern: str, parts: dict[str, Any]) -> re.Pattern[str]:
    _sre = _internals()[0]
    compiled: re.Pattern[str] = _sre.compile(
        pattern,
        int(parts["flags"]),
        [int(c) for c in parts["code"]],
        int(parts["groups"]),
        {str(k): int(v) for k, v in parts["groupindex"].items()},
        tuple(None if g is None else str(g) for g in parts["indexgroup"]),
    )
    return compiled


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, its compiled form kept in the user's cache folder."""
    key = _compiler_key()
    if key is None:
        return re.compile(pattern, flags)
    folder = usercache.folder(SUBFOLDER)
    digest = hashlib.sha256(f"{key}\0{flags}\0{pattern}".encode("utf-8", "surrogatepass"))
    name = digest.hexdigest()
    path = folder / f"{name}.json"
    try:
        kept = json.loads(path.read_bytes())
        if kept.get("for") == name:  # the program of this pattern, not of another one
            return _engine(pattern, kept)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError):
        pass  # none kept yet, damaged, or not this engine's: compile it
    try:
        parts = _parts(pattern, flags)
        compiled = _engine(pattern, parts)
    except Exception:  # the compiler's internals are not what they were: the public way
        return re.compile(pattern, flags)
    if usercache.private(folder):
        _keep(path, {"for": name, **parts})
    return compiled


def _keep(path: os.PathLike[str], parts: dict[str, Any]) -> None:
    """Write atomically; a full disk or a read-only home only costs a compilation next time."""
    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(parts, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass
