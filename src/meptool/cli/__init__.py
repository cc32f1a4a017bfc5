"""The command-line layer: parses arguments, prompts and prints; the core does the work."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    import sys

    short_lived()
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        # The most common scripted call answers before the CLI framework is imported.
        from meptool import __version__

        sys.stdout.write(f"meptool {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        from meptool.cli.helpcache import root_help

        code = root_help()
        if code is not None:
            return code
    from meptool.cli.app import run

    return run(argv)


# The youngest objects are collected after 50,000 new ones (CPython: 700), the middle
# generation every 20 such rounds (10), all of them every 10 of those (10) — and, as
# in CPython, only once the oldest grew by a quarter.
GC_THRESHOLDS = (50_000, 20, 10)


def short_lived() -> None:
    """Tune the interpreter for a process that lives a second, not a day.

    Starting meptool allocates ~100,000 objects that live as long as the process
    (modules, classes, the models): with CPython's defaults they are walked ~150
    times, twice all of them, and once more at exit — ~10 % of an `update draft`.
    Cycles are still collected, less often; at exit, what the process holds is
    left to the operating system instead of walked once more (`gc.freeze`:
    finalizers of objects that are not garbage by then still run as module
    teardown drops them; files are written with `with`, the cache commits).
    """
    import atexit
    import gc
    import os

    gc.set_threshold(*GC_THRESHOLDS)
    atexit.register(gc.freeze)
    # meptool's models validate meptool's files: no third-party Pydantic plugin has
    # business there, and looking for one reads the metadata of every installed
    # package when the first model is built (Pydantic's documented switch; a value
    # the user set is kept).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
