"""The command-line layer: parses arguments, prompts and prints; the core does the work."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    from meptool.cli.app import run

    return run(argv)
