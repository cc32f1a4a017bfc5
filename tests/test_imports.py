"""Commands that need no heavy module do not import one (start-up time is a feature)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import typer

from meptool.cli.fastparams import install

HEAVY = {"pydantic", "jinja2", "ruamel", "babel"}
PROBE = """
import json, os, sys
from meptool.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open(os.environ["MEPTOOL_MODULES"], "w") as fh:
        json.dump(sorted(sys.modules), fh)
sys.exit(code)
"""


def modules(cwd: Path, *args: str) -> set[str]:
    """Top-level packages imported by `meptool ARGS` in a fresh interpreter."""
    out = cwd / ".modules.json"
    env = {**os.environ, "MEPTOOL_MODULES": str(out), "NO_COLOR": "1", "COLUMNS": "100"}
    env["XDG_CACHE_HOME"] = str(cwd / ".xdg")
    env.pop("MEPTOOL_NO_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(out.read_text())}


@pytest.fixture
def aged(example: Path) -> Path:
    """The example workspace with files old enough for the cache to trust."""
    old = time.time() - 3600
    for path in [example / "meptool.yaml", *example.glob("incidents/*/incident.yaml")]:
        os.utime(path, (old, old))
    return example


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["incident", "--help"],
        ["incident", "list", "--help"],
        ["incident", "show", "--help"],
        ["incident", "open", "--help"],
        ["incident", "validate", "--help"],
        ["init", "--help"],
        ["schema", "--help"],
        ["call", "--help"],
        ["call", "prepare", "--help"],
        ["call", "record", "--help"],
        ["expect", "met", "--help"],
        ["portal", "--help"],
        ["portal", "build", "--help"],
    ],
)
def test_help_imports_nothing_heavy(aged: Path, args: list[str]) -> None:
    assert not modules(aged, *args) & HEAVY


def test_root_help_kept_and_served_without_typer(aged: Path) -> None:
    def helptext(**extra: str) -> str:
        env = {**os.environ, "XDG_CACHE_HOME": str(aged / ".xdg"), "COLUMNS": "100", **extra}
        return subprocess.run(
            [sys.executable, "-m", "meptool", "--help"],
            cwd=aged,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    first = helptext()  # rendered by Typer, then kept
    assert "typer" in modules(aged, "incident", "--help")
    found = modules(aged, "--help")
    assert not found & (HEAVY | {"typer", "rich", "yaml"})
    assert helptext() == first
    assert first == helptext(MEPTOOL_NO_CACHE="1")  # what Typer renders itself
    kept = list((aged / ".xdg" / "meptool").glob("help-*.txt"))
    assert len(kept) == 1
    kept[0].write_text(kept[0].read_text().replace("incident", "hacked"))
    assert helptext() == first  # a damaged copy is never printed
    assert "hacked" not in kept[0].read_text()


def test_version_imports_no_framework(aged: Path) -> None:
    found = modules(aged, "--version")
    assert not found & (HEAVY | {"typer", "rich", "yaml"})


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "list"],
        ["incident", "list", "--json"],
        ["incident", "list", "--status", "open,mitigated", "--severity", "critical"],
        ["incident", "validate"],
        ["incident", "validate", "--json"],
    ],
)
def test_warm_reads_import_no_parser_or_model(aged: Path, args: list[str]) -> None:
    modules(aged, "incident", "list")  # fills the cache
    found = modules(aged, *args)
    assert not found & (HEAVY | {"yaml"}), found & (HEAVY | {"yaml"})


def test_a_portal_build_with_nothing_to_do_imports_no_model_or_template(aged: Path) -> None:
    modules(aged, "portal", "build")  # builds it
    found = modules(aged, "portal", "build")
    assert not found & (HEAVY | {"yaml", "jinja2", "icalendar"}), found & HEAVY


def test_warm_portfolio_imports_no_model_or_parser(aged: Path) -> None:
    # the facts of every file and of meptool.yaml come from the cache: no Pydantic, no
    # YAML; Jinja and Babel only to write the report
    modules(aged, "retro", "report", "--all", "--output", "-")  # fills the cache
    for args in (["--output", "-"], ["--format", "html", "--output", "-"], ["--client", "x"]):
        found = modules(aged, "retro", "report", "--all", *args)
        assert not found & {"pydantic", "pydantic_core", "yaml", "ruamel"}, args
        assert "jinja2" in found


def test_warm_list_piped_needs_no_rich(aged: Path) -> None:
    modules(aged, "incident", "list")  # fills the cache
    assert "rich" not in modules(aged, "incident", "list")


def test_drafting_an_update_loads_no_secret_scanner_or_network(aged: Path) -> None:
    # detect-secrets (and the `requests` it imports) only when a line could hold
    # a secret (meptool.updates.secret_scan); SMTP and TLS only when sending.
    found = modules(aged, "update", "draft", "MEP-2026-001", "--no-input")
    assert not found & {"detect_secrets", "requests", "urllib3", "smtplib", "ssl"}
    assert {"jinja2", "pydantic"} <= found  # it did draft


def test_cold_list_still_right_and_then_cached(aged: Path) -> None:
    def listed() -> str:
        return subprocess.run(
            [sys.executable, "-m", "meptool", "incident", "list", "--json"],
            cwd=aged,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    cold = listed()
    warm = listed()
    assert cold == warm
    assert [row["id"] for row in json.loads(warm)] == ["MEP-2026-001", "MEP-2026-002"]


def test_fast_parameters_installed_and_errors_unchanged(run) -> None:
    assert install() is True
    bad = run("incident", "open", "--title", "x", "--severity", "bogus")
    assert bad.exit_code == 2
    # Typer's message, in meptool's words (meptool.cli.groups)
    assert "error: --severity: 'bogus' is not one of: critical, major, minor" in bad.stderr
    ok = run("incident", "open", "--title", "Paiement", "--severity", "MAJOR", "--lang", "en")
    assert ok.exit_code == 2  # choices are case-sensitive, as in Typer
    ok = run("incident", "open", "--title", "Paiement", "--severity", "major", "--lang", "en")
    assert ok.exit_code == 0, ok.output
    listed = run("incident", "list", "--status", "open", "--status", "closed", "--json")
    assert [r["severity"] for r in json.loads(listed.stdout)] == ["major"]


@pytest.mark.parametrize("name", ["incident", "update", "call", "retro"])
def test_a_group_builds_only_the_command_asked_for(name: str) -> None:
    """Each command of a group is built by Typer when first asked for (a command line needs
    one); the group lists and describes its commands exactly as when all are built."""
    from typer.main import get_group_from_info

    from meptool.cli import app as root

    lazy = root._build_group(name)
    holder = typer.Typer()
    holder.add_typer(root._sub_app(name), name=name)
    eager = get_group_from_info(
        holder.registered_groups[0],
        pretty_exceptions_short=root.app.pretty_exceptions_short,
        rich_markup_mode=root.app.rich_markup_mode,
        suggest_commands=root.app.suggest_commands,
    )
    ctx = typer.Context(lazy)
    names = eager.list_commands(typer.Context(eager))
    assert lazy.list_commands(ctx) == names
    first = next(n for n in names if not isinstance(eager.commands[n], typer.core.TyperGroup))
    lazy.get_command(ctx, first)
    built = [n for n, c in lazy.commands.items() if not isinstance(c, typer.core.TyperGroup)]
    assert built == [first]

    def described(group: Any) -> str:
        formatter = group.context_class(group).make_formatter()
        group.format_commands(typer.Context(group), formatter)
        return str(formatter.getvalue())

    assert described(lazy) == described(eager)
