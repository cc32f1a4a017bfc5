"""The command-line layer: parses arguments, prompts and prints; the core does the work."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    import sys

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
