"""Shared fixtures: a frozen clock, a fresh workspace, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from meptool.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "workspace"
NOW = "2026-11-21T09:30:00+01:00"


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Frozen clock, no colour, no CI, no inherited workspace, a narrow fixed terminal,
    and a user cache folder of the test run's own (never the developer's ~/.cache)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    monkeypatch.setenv("MEPTOOL_NOW", NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("MEPTOOL_LOCK_TIMEOUT", "2")
    for name in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "MEPTOOL_WORKSPACE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


class Run:
    """Invoke meptool in-process and keep stdout and stderr apart."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        import os

        old = Path.cwd()
        os.chdir(self.cwd)
        try:
            return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(old)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A new empty workspace (`meptool init`) in a temporary folder."""
    from meptool.files.scaffold import init_workspace

    root = tmp_path / "ws"
    init_workspace(root, language="fr", client="Maison Dupont", lead="Julie Leroy")
    return root


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example workspace."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def run(workspace: Path) -> Run:
    """Run meptool inside the fresh workspace."""
    return Run(workspace)


@pytest.fixture
def run_in() -> Callable[[Path], Run]:
    """Run meptool in any folder."""
    return Run


@pytest.fixture
def smtp_server():
    """Start aiosmtpd servers on 127.0.0.1: `start(refused)` gives (handler, port)."""
    from aiosmtpd.controller import Controller

    from updates_helpers import Handler, free_port

    handlers: list[Any] = []

    def start(refused: set[str] | None = None) -> tuple[Handler, int]:
        handler = Handler(refused or set())
        port = free_port()  # aiosmtpd's start-up probe cannot use port 0
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        handlers.append(controller)
        return handler, port

    yield start
    for controller in handlers:
        controller.stop()
