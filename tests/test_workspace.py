"""`meptool init`, workspace discovery, `meptool schema`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meptool.cli.app import app  # noqa: F401 - import check


def test_init_creates_commented_workspace(tmp_path: Path, run_in) -> None:
    result = run_in(tmp_path)(
        "init", "shop", "--lang", "en", "--prefix", "ACME", "--client", "Acme"
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "shop"
    text = (root / "meptool.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=schemas/meptool.schema.json\n")
    assert "prefix: ACME" in text and "language: en" in text and "name: Acme" in text
    assert "# Longest time between two client updates" in text
    assert (root / "incidents").is_dir()
    assert ".meptool/" in (root / ".gitignore").read_text()
    schema = json.loads((root / "schemas" / "incident.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:meptool:schema:incident:1"
    again = run_in(tmp_path)("init", "shop")  # an existing workspace: only what is missing
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.stderr
    assert (root / "meptool.yaml").read_text() == text


def test_init_refuses_bad_prefix_and_timezone(tmp_path: Path, run_in) -> None:
    assert run_in(tmp_path)("init", "a", "--prefix", "M-E").exit_code == 2
    bad_tz = run_in(tmp_path)("init", "b", "--timezone", "Mars/Olympus")
    assert bad_tz.exit_code == 2
    assert "IANA" in bad_tz.stderr


def test_discovery_nearest_parent_env_and_flag(workspace: Path, run_in, monkeypatch) -> None:
    deep = workspace / "incidents" / "sub"
    deep.mkdir()
    assert run_in(deep)("incident", "list").exit_code == 0
    elsewhere = workspace.parent / "elsewhere"
    elsewhere.mkdir()
    missing = run_in(elsewhere)("incident", "list")
    assert missing.exit_code == 3
    assert "no meptool workspace" in missing.stderr
    assert "meptool init" in missing.stderr
    assert run_in(elsewhere)("incident", "list", "-w", str(workspace)).exit_code == 0
    assert run_in(elsewhere)("-w", str(workspace), "incident", "list").exit_code == 0
    monkeypatch.setenv("MEPTOOL_WORKSPACE", str(workspace))
    assert run_in(elsewhere)("incident", "list").exit_code == 0
    monkeypatch.setenv("MEPTOOL_WORKSPACE", str(elsewhere))
    wrong = run_in(elsewhere)("incident", "list")
    assert wrong.exit_code == 3
    assert "MEPTOOL_WORKSPACE" in wrong.stderr


def test_schema_command(run, workspace: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "severity" in schema["properties"]
    assert schema["additionalProperties"] is False
    out = run("schema", "--output", "out/s.json")
    assert out.exit_code == 0
    assert json.loads((workspace / "out" / "s.json").read_text())["$id"]
    config = json.loads(run("schema", "--config").stdout)
    assert "update_cadence" in config["properties"]


def test_version(run) -> None:
    from meptool import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"meptool {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["incident", "--help"]])
def test_help(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout
