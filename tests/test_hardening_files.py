"""Broken incident files against the commands that render documents: `update draft`, `retro report`.

Same mutations as test_fuzz_files (deleted, duplicated, re-indented lines, stray YAML,
odd Unicode, control characters, truncation, huge values): exit 0 or 1, a located
`file:line:col` message on 1, never a traceback, never a hang (an alarm fails the test).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings

from test_fuzz_files import LOCATED, LONG, SHORT, mutated

ID = "MEP-2026-001"
COMMANDS = [
    ["update", "draft", ID, "--format", "eml,md,html,txt"],
    ["update", "draft", ID, "--audience", "all", "--format", "md", "--output", "-"],
    ["retro", "report", ID, "--format", "md"],
    ["retro", "report", ID, "--format", "html"],
    ["retro", "report", ID, "--audience", "client", "--format", "md"],
    ["retro", "report", ID, "--audience", "client", "--format", "html"],
    ["retro", "report", "--all", "--format", "md", "--output", "-"],
]
FEW = settings(SHORT, max_examples=int(os.environ.get("MEPTOOL_FUZZ_EXAMPLES", "5")))


class Hang(Exception):
    pass


@contextmanager
def no_hang(seconds: int = 30) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"a command took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check(run, raw: bytes, example: Path) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    path.write_bytes(raw)
    invalid = run("incident", "validate").exit_code == 1
    for args in COMMANDS:
        path.write_bytes(raw)  # a draft appends to the file: every command sees the mutant
        with no_hang():
            result = run(*args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            # An invalid file is pointed at line and column; a valid one that lacks
            # what the document needs gets one clear message naming it.
            assert result.output.startswith("error: "), (args, result.output)
            if invalid and "--all" not in args:
                assert LOCATED.search(result.output), (args, result.output)


@FEW
@given(raw=mutated())
def test_mutated_files_against_draft_and_retro(raw: bytes, example: Path, run_in) -> None:
    _check(run_in(example), raw, example)


@pytest.mark.slow
@LONG
@given(raw=mutated())
def test_mutated_files_against_draft_and_retro_long(raw: bytes, example: Path, run_in) -> None:
    _check(run_in(example), raw, example)


def test_the_unmutated_file_drafts_and_reports(example: Path, run_in) -> None:
    """The harness itself: the real file passes every command with exit 0."""
    run = run_in(example)
    for args in COMMANDS:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
