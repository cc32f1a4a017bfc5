"""`incident open --from-ci`, GitHub/GitLab outputs, annotations, pre-commit hook, examples."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from meptool.ci import output as ci_output
from meptool.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SHA = "5e0c8a1f3b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever CI runs these tests, its variables must not leak into them."""
    keep = {"MEPTOOL_NOW", "MEPTOOL_LOCK_TIMEOUT"}
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GITLAB_", "CI_", "RUNNER_")) or (
            name.startswith("MEPTOOL_") and name not in keep
        ):
            monkeypatch.delenv(name)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, workspace: Path) -> dict[str, Path]:
    """A simulated GitHub Actions job (run 4242, attempt 1, tag v2.3.0)."""
    files = {"output": workspace.parent / "gh_output", "summary": workspace.parent / "gh_summary"}
    for path in files.values():
        path.write_text("")
    env = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://git.acme.example",
        "GITHUB_REPOSITORY": "acme/boutique",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_SHA": SHA,
        "GITHUB_REF": "refs/tags/v2.3.0",
        "GITHUB_REF_NAME": "v2.3.0",
        "GITHUB_REF_TYPE": "tag",
        "GITHUB_ACTOR": "karim",
        "GITHUB_WORKFLOW": "Deploy",
        "GITHUB_WORKSPACE": str(workspace.parent),
        "GITHUB_OUTPUT": str(files["output"]),
        "GITHUB_STEP_SUMMARY": str(files["summary"]),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return files


def parse_outputs(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT back the way the runner does (heredoc form only)."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        name, delimiter = lines[i].split("<<", 1)
        end = lines.index(delimiter, i + 1)
        out[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def incident_dirs(workspace: Path) -> list[str]:
    return sorted(p.name for p in (workspace / "incidents").iterdir())


def assert_no_workflow_command(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line


# --- GitHub Actions -------------------------------------------------------------------


def test_github_actions_opens_incident(run, workspace: Path, github) -> None:
    result = run("incident", "open", "--from-ci")
    assert result.exit_code == 0, result.output
    assert result.stdout == "MEP-2026-001\n"
    assert "Opened MEP-2026-001" in result.stderr

    path = workspace / "incidents" / "MEP-2026-001" / "incident.yaml"
    data = load(path)
    assert data["title"] == "Deploy of v2.3.0 failed (5e0c8a1)"
    assert data["severity"] == "major"  # the documented default for a failed deploy
    assert data["project"] == "boutique"  # the workspace names none: the repository's name
    assert data["release"] == {
        "version": "v2.3.0",
        "commit": SHA,
        "pipeline_url": "https://git.acme.example/acme/boutique/actions/runs/4242",
        "ci": {
            "provider": "github-actions",
            "run_url": "https://git.acme.example/acme/boutique/actions/runs/4242",
            "run_id": "4242",
            "attempt": "1",
            "ref": "v2.3.0",
            "tag": "v2.3.0",
            "actor": "karim",
            "workflow": "Deploy",
            "repository": "acme/boutique",
        },
    }
    assert data["detected_by"] == "GitHub Actions run 4242"

    outputs = parse_outputs(github["output"].read_text())
    assert outputs == {
        "incident-id": "MEP-2026-001",
        "incident-path": "ws/incidents/MEP-2026-001/incident.yaml",  # relative to the checkout
    }
    summary = github["summary"].read_text()
    assert summary.startswith("### Deploy of v2.3.0 failed (5e0c8a1) — incident MEP-2026-001\n")
    assert "meptool opened incident **MEP-2026-001**" in summary
    assert "[GitHub Actions run 4242 (attempt 1)](https://git.acme.example/acme/" in summary
    for step in ("incident ack", "incident rootcause", "incident plan", "update draft"):
        assert f"`meptool {step} MEP-2026-001" in summary
    assert "| Commit | `" + SHA + "` |" in summary


def test_flags_win_over_the_environment(run, workspace: Path, github, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_ENVIRONMENT", "recette")
    result = run(
        "incident",
        "open",
        "--from-ci",
        "--severity",
        "critical",
        "--title",
        "Paiement refusé après la MEP",
        "--release",
        "v2.3.1",
        "--project",
        "Boutique",
        "--json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["id"] == "MEP-2026-001"
    assert out["created"] is True
    assert out["path"] == "ws/incidents/MEP-2026-001/incident.yaml"
    assert out["severity"] == "critical"
    assert out["version"] == "v2.3.1"
    assert out["run_url"].endswith("/actions/runs/4242")
    data = load(workspace / "incidents" / "MEP-2026-001" / "incident.yaml")
    assert data["title"] == "Paiement refusé après la MEP"
    assert data["project"] == "Boutique"
    assert data["release"]["version"] == "v2.3.1"
    assert data["release"]["environment"] == "recette"


def test_rerun_finds_the_incident_it_opened(run, workspace: Path, github, monkeypatch) -> None:
    first = run("incident", "open", "--from-ci")
    assert first.exit_code == 0, first.output
    run("incident", "open", "--title", "Autre chose", "--severity", "minor")  # unrelated
    github["summary"].write_text("")
    github["output"].write_text("")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "2")

    again = run("incident", "open", "--from-ci", "--json")
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)
    assert (out["id"], out["created"], out["attempt"]) == ("MEP-2026-001", False, "2")
    assert "already opened by GitHub Actions run 4242 (attempt 2)" in again.stderr
    assert incident_dirs(workspace) == ["MEP-2026-001", "MEP-2026-002"]
    assert parse_outputs(github["output"].read_text())["incident-id"] == "MEP-2026-001"
    assert "was already opened by this pipeline run" in github["summary"].read_text()

    monkeypatch.setenv("GITHUB_RUN_ID", "4243")  # a new run is a new incident
    other = run("incident", "open", "--from-ci")
    assert other.stdout == "MEP-2026-003\n"


def test_two_jobs_of_one_run_at_once_open_one_incident(workspace: Path, github) -> None:
    env = {**os.environ, "MEPTOOL_LOCK_TIMEOUT": "30"}
    cmd = [sys.executable, "-m", "meptool", "incident", "open", "--from-ci"]
    procs = [
        subprocess.Popen(
            cmd,
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.communicate(timeout=120), p.returncode) for p in procs]
    assert [code for _, code in results] == [0, 0], results
    assert [out for (out, _), _ in results] == ["MEP-2026-001\n", "MEP-2026-001\n"]
    errs = sorted("already opened" in err for (_, err), _ in results)
    assert errs == [False, True]
    assert incident_dirs(workspace) == ["MEP-2026-001"]
    written = github["output"].read_text()
    assert written.count("incident-id<<") == 2  # each job sets its own step outputs
    assert parse_outputs(written)["incident-id"] == "MEP-2026-001"


@pytest.mark.parametrize(
    "title",
    [
        "::set-output name=x::y",
        "Paiement\n::error::pwned\r\n##[warning]x",
        "  ::add-mask::secret",
    ],
)
def test_user_text_cannot_act_as_a_workflow_command(run, workspace: Path, github, title) -> None:
    result = run("incident", "open", "--from-ci", "--title", title)
    assert result.exit_code == 0, result.output
    assert result.stdout == "MEP-2026-001\n"
    assert_no_workflow_command(result.stdout)
    assert_no_workflow_command(result.stderr)
    assert "%3A" in result.stderr or "%5B" in result.stderr  # shown escaped, not dropped
    stored = load(workspace / "incidents" / "MEP-2026-001" / "incident.yaml")["title"]
    assert stored == " ".join(title.split())  # one line in the file, text kept

    as_json = run("incident", "open", "--from-ci", "--title", title, "--json")
    assert as_json.exit_code == 0, as_json.output
    assert_no_workflow_command(as_json.stdout)
    assert json.loads(as_json.stdout)["title"] == stored  # same data, escaped only in form
    assert parse_outputs(github["output"].read_text())["incident-id"] == "MEP-2026-001"


def test_errors_quoting_user_text_are_neutralised(run, github) -> None:
    result = run("incident", "open", "--from-ci", "--deployed-at", "::error::x\n##[y")
    assert result.exit_code == 2
    assert "--deployed-at" in result.stderr and ":%3Aerror" in result.stderr
    assert_no_workflow_command(result.stderr)


def test_unwritable_github_output_fails_after_printing_the_id(
    run, workspace: Path, github, monkeypatch
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(workspace / "missing" / "out"))
    result = run("incident", "open", "--from-ci")
    assert result.exit_code == 1
    assert result.stdout == "MEP-2026-001\n"
    assert "MEP-2026-001 is open, but $GITHUB_OUTPUT" in result.stderr
    assert run("incident", "open", "--from-ci").stdout == "MEP-2026-001\n"


def test_outside_github_titles_are_printed_as_they_are(run, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_RUN_ID", "7")
    result = run("incident", "open", "--from-ci", "--title", "A::B")
    assert result.exit_code == 0, result.output
    assert "A::B" in result.stderr


def test_escaping_rules() -> None:
    assert ci_output.escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert ci_output.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = ci_output.command("error", "bad: 50%\nnext", file="a,b.yaml", line=3, title="x:y")
    assert line == "::error file=a%2Cb.yaml,line=3,title=x%3Ay::bad: 50%25%0Anext"
    assert "\n" not in ci_output.neutralise("a\n::b")
    assert ci_output.neutralise("::x ##[y") == ":%3Ax ##%5By"


def test_output_delimiter_never_occurs_in_the_value(monkeypatch) -> None:
    tokens = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(ci_output.secrets, "token_hex", lambda n: next(tokens))
    block = ci_output.output_block("incident-path", "x\nghadelimiter_aaaa\ny")
    assert block == "incident-path<<ghadelimiter_bbbb\nx\nghadelimiter_aaaa\ny\nghadelimiter_bbbb\n"
    assert parse_outputs(block) == {"incident-path": "x\nghadelimiter_aaaa\ny"}


def test_summary_stays_under_the_limit(run, github) -> None:
    github["summary"].write_text("x" * (ci_output.MAX_SUMMARY_BYTES - 100))
    result = run("incident", "open", "--from-ci")
    assert result.exit_code == 0, result.output
    assert "summary is full" in result.stderr
    assert github["summary"].stat().st_size == ci_output.MAX_SUMMARY_BYTES - 100


def test_markdown_of_user_text_is_inert() -> None:
    assert ci_output.md("<img src=x> [a](http://x) | *b*") == (
        "&lt;img src=x&gt; \\[a\\](http://x) \\| \\*b\\*"
    )
    assert ci_output.md_code("a`b") == "`` a`b ``"
    assert ci_output.md_link("run", "javascript:alert(1)") == "javascript:alert(1)"


# --- GitLab CI and the generic fallback ----------------------------------------------------


def test_gitlab_ci_with_dotenv(run, workspace: Path, monkeypatch) -> None:
    env = {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_ID": "987",
        "CI_PIPELINE_URL": "https://gitlab.acme.example/shop/boutique/-/pipelines/987",
        "CI_JOB_URL": "https://gitlab.acme.example/shop/boutique/-/jobs/5555",
        "CI_COMMIT_SHA": SHA,
        "CI_COMMIT_REF_NAME": "main",
        "CI_PROJECT_PATH": "shop/boutique",
        "CI_PROJECT_DIR": str(workspace),
        "CI_ENVIRONMENT_NAME": "production",
        "GITLAB_USER_LOGIN": "sophie",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (workspace / "meptool.env").write_text("OTHER=1\nMEPTOOL_INCIDENT_ID=stale\n")
    result = run("incident", "open", "--from-ci", "--dotenv", "meptool.env")
    assert result.exit_code == 0, result.output
    assert result.stdout == "MEP-2026-001\n"
    assert (workspace / "meptool.env").read_text() == (
        "OTHER=1\n"
        "MEPTOOL_INCIDENT_ID=MEP-2026-001\n"
        "MEPTOOL_INCIDENT_PATH=incidents/MEP-2026-001/incident.yaml\n"
    )
    data = load(workspace / "incidents" / "MEP-2026-001" / "incident.yaml")
    assert data["title"] == "Deploy of main to production failed (5e0c8a1)"
    assert data["release"]["environment"] == "production"
    assert data["release"]["pipeline_url"].endswith("/-/pipelines/987")
    assert data["release"]["ci"]["job_url"].endswith("/-/jobs/5555")
    assert data["release"]["ci"]["provider"] == "gitlab-ci"
    assert "version" not in data["release"]  # a branch is not a version
    assert not list(workspace.parent.glob("gh_*"))

    monkeypatch.setenv("CI_COMMIT_TAG", "v2.3.0")  # retry of the same pipeline
    again = run("incident", "open", "--from-ci", "--dotenv", "meptool.env")
    assert again.exit_code == 0, again.output
    assert again.stdout == "MEP-2026-001\n"
    assert "already opened by GitLab CI run 987" in again.stderr


def test_generic_environment(run, workspace: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_RELEASE_VERSION", "2026.11.3")
    monkeypatch.setenv("MEPTOOL_COMMIT", "abc1234def")
    monkeypatch.setenv("MEPTOOL_PIPELINE_URL", "https://jenkins.acme.example/job/deploy/81/")
    monkeypatch.setenv("MEPTOOL_RUN_ID", "81")
    monkeypatch.setenv("MEPTOOL_CI_PROVIDER", "jenkins")
    monkeypatch.setenv("MEPTOOL_SEVERITY", "critical")
    monkeypatch.setenv("MEPTOOL_DEPLOYED_AT", "2026-11-21T08:55")
    result = run("incident", "open", "--from-ci")
    assert result.exit_code == 0, result.output
    data = load(workspace / "incidents" / "MEP-2026-001" / "incident.yaml")
    assert data["title"] == "Deploy of 2026.11.3 failed (abc1234)"
    assert data["severity"] == "critical"
    assert data["release"]["deployed_at"] == "2026-11-21T08:55:00+01:00"
    assert data["release"]["ci"] == {
        "provider": "jenkins",
        "run_url": "https://jenkins.acme.example/job/deploy/81/",
        "run_id": "81",
    }
    assert run("incident", "open", "--from-ci").stdout == "MEP-2026-001\n"


def test_without_a_run_id_it_warns(run, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_COMMIT", "abc1234")
    result = run("incident", "open", "--from-ci")
    assert result.exit_code == 0, result.output
    assert "set MEPTOOL_RUN_ID" in result.stderr


def test_errors(run, monkeypatch) -> None:
    nothing = run("incident", "open", "--from-ci")
    assert nothing.exit_code == 2
    assert "no CI run found" in nothing.stderr and "MEPTOOL_RUN_ID" in nothing.stderr
    assert run("incident", "open", "--dotenv", "x.env").exit_code == 2
    monkeypatch.setenv("MEPTOOL_RUN_ID", "1")
    monkeypatch.setenv("MEPTOOL_SEVERITY", "urgent")
    bad = run("incident", "open", "--from-ci")
    assert bad.exit_code == 2
    assert "MEPTOOL_SEVERITY" in bad.stderr


def test_project_from_the_workspace_first(example: Path, run_in, monkeypatch) -> None:
    monkeypatch.setenv("MEPTOOL_RUN_ID", "1")
    monkeypatch.setenv("MEPTOOL_REPOSITORY", "acme/boutique")
    result = run_in(example)("incident", "open", "--from-ci")
    assert result.exit_code == 0, result.output
    data = load(example / "incidents" / result.stdout.strip() / "incident.yaml")
    assert data["project"] == "Boutique en ligne"
    assert data["title"] == "Deploy failed"


# --- validate: annotations and pre-commit ---------------------------------------------------


def test_validate_annotations_on_github(example: Path, run_in, monkeypatch) -> None:
    path = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^severity: .*$", "severity: '::set-output name=a::b'", text))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(example.parent))

    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "severity:" in t)
    annotations = [t for t in result.stderr.splitlines() if t.startswith("::error ")]
    assert len(annotations) == 1
    expected = (
        f"::error file=example/incidents/MEP-2026-002/incident.yaml,line={line},col=11,"
        "title=meptool%3A severity::'::set-output name=a::b' is not allowed"
    )
    assert annotations[0].startswith(expected)
    assert_no_workflow_command(result.stdout)
    assert f"incidents/MEP-2026-002/incident.yaml:{line}:11: severity:" in result.stdout

    as_json = run_in(example)("incident", "validate", "--json")
    assert as_json.exit_code == 1
    assert_no_workflow_command(as_json.stdout)
    problems = json.loads(as_json.stdout)["files"]
    bad = [p for f in problems for p in f["problems"]]
    assert bad[0]["message"].startswith("'::set-output name=a::b' is not allowed")

    monkeypatch.delenv("GITHUB_ACTIONS")
    plain = run_in(example)("incident", "validate")
    assert "::error" not in plain.stderr


def test_pre_commit_hook(example: Path, tmp_path: Path, run_in) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "meptool-validate"
    assert hook["language"] == "python"
    assert hook["entry"] == "meptool incident validate"
    pattern = re.compile(hook["files"])
    assert pattern.search("incidents/MEP-2026-001/incident.yaml")
    assert pattern.search("ops/meptool/incidents/MEP-2026-001/incident.yaml")
    assert not pattern.search("incidents/MEP-2026-001/updates/001-decision-makers-fr.md")
    assert not pattern.search("meptool.yaml")

    # pre-commit runs from the repository root, outside the workspace, with the files.
    files = sorted(
        str(p.relative_to(tmp_path)) for p in (example / "incidents").glob("*/incident.yaml")
    )
    result = run_in(tmp_path)(*hook["entry"].split()[1:], *files)
    assert result.exit_code == 0, result.output
    assert "2 file(s) valid" in result.stderr


def test_validate_reads_a_file_in_its_own_workspace(example: Path, tmp_path: Path) -> None:
    from meptool.incident.registry import _owner

    path = example / "incidents" / "MEP-2026-001" / "incident.yaml"
    owner = _owner(path, {})
    assert owner is not None and owner.root == example
    assert str(owner.tz) == "Europe/Paris"
    assert _owner(tmp_path / "loose.yaml", {}) is None


# --- the example pipelines ------------------------------------------------------------------


def meptool_commands(script: str) -> list[list[str]]:
    """Every `meptool …` command in a shell script, as argv (variables kept as text)."""
    out: list[list[str]] = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        current: list[str] = []
        for token in [*lexer, ";"]:
            if token in {";", "|", "||", "&&", "&", "(", ")"}:
                if current[:1] == ["meptool"]:
                    out.append(current[1:])
                current = []
            else:
                current.append(token)
    return out


def shape(argv: list[str]) -> tuple[str, ...]:
    """A command as its sub-commands and option names (values dropped)."""
    return tuple(w for w in argv if w.startswith("--") or re.fullmatch(r"[a-z]+", w))


def readme_commands() -> set[tuple[str, ...]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("<!-- section: ci -->", 1)[1].split("<!-- section:", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, flags=re.S)
    cmds = set()
    for block in blocks:
        for raw in block.splitlines():
            line = raw.strip().removeprefix("$ ").removeprefix("- ")
            if line.startswith("meptool "):
                cmds.add(shape(shlex.split(line, comments=True)[1:]))
    return cmds


def scripts_of(node: object) -> list[str]:
    """Every `run:` (GitHub) and `script:`/`before_script:` (GitLab) text in a pipeline."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                out.append(value)
            elif key in {"script", "before_script", "after_script"} and isinstance(value, list):
                out.extend(str(v) for v in value)
            else:
                out.extend(scripts_of(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(scripts_of(item))
    return out


def check_against_cli(argv: list[str]) -> bool:
    """The command exists in meptool and accepts those options (parsed, not run);
    False for `meptool update …`, another capability, when it is not merged yet."""
    import typer

    command = typer.main.get_command(app)
    args = list(argv)
    while hasattr(command, "list_commands"):  # a group: descend to the sub-command
        name = args.pop(0)
        sub = command.get_command(typer.Context(command), name)
        if sub is None:
            assert name == "update", argv
            return False
        command = sub
    ctx = command.make_context("meptool", args)  # raises on an unknown option or bad value
    assert ctx.params
    return True


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_example_pipelines_call_meptool_as_the_readme_says(name: str) -> None:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / name).read_text())
    commands = [c for s in scripts_of(doc) for c in meptool_commands(s)]
    shapes = {shape(c) for c in commands}
    assert any(s[:3] == ("incident", "open", "--from-ci") for s in shapes), shapes
    assert shapes <= readme_commands(), shapes - readme_commands()
    installs = [s for s in scripts_of(doc) if "pip install" in s]
    assert installs and all("MEPTOOL_INSTALL" in s for s in installs)
    checked = [check_against_cli(argv) for argv in commands]
    assert checked[0] is True  # `incident open --from-ci` at least


def test_github_example_runs_after_a_failed_deploy() -> None:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text())
    job = doc["jobs"]["incident"]
    assert job["needs"] == "deploy" and job["if"] == "failure()"
    steps = {s.get("id") or s.get("name"): s for s in job["steps"]}
    assert steps["incident"]["run"] == "meptool incident open --from-ci"
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert "steps.incident.outputs.incident-id" in upload["with"]["path"]
    draft = next(s for s in job["steps"] if "update draft" in s.get("run", ""))
    assert draft["continue-on-error"] is True
    assert "${{" not in "".join(s.get("run", "") for s in job["steps"])  # no script injection


def test_gitlab_example_runs_after_a_failed_deploy() -> None:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text())
    job = doc["incident"]
    assert doc["stages"].index(job["stage"]) > doc["stages"].index(doc["deploy"]["stage"])
    assert all(rule["when"] == "on_failure" for rule in job["rules"])
    opened = next(c for c in job["script"] if "--from-ci" in c)
    dotenv = shlex.split(opened)[shlex.split(opened).index("--dotenv") + 1]
    assert job["artifacts"]["reports"]["dotenv"] == dotenv
    assert "$MEPTOOL_WORKSPACE/incidents/" in job["artifacts"]["paths"]


# --- the GitHub example, run for real against a local git remote ------------------------------

EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _expand(value: str, context: dict[str, str]) -> str:
    return EXPR.sub(lambda m: context[m.group(1)], value)


def run_github_job(doc: dict, checkout: Path, env: dict[str, str], tmp: Path) -> dict[str, str]:
    """Run the `run:` steps of the example's `incident` job the way the runner does
    (bash -e, step env with expressions, $GITHUB_OUTPUT per step); `uses:` steps and
    the pip install are skipped (meptool is already on PATH)."""
    job = doc["jobs"]["incident"]
    context = {"github.run_id": env["GITHUB_RUN_ID"]}
    base = {**env, **{k: _expand(str(v), context) for k, v in doc["env"].items()}}
    base.update({k: _expand(str(v), context) for k, v in job["env"].items()})
    outputs: dict[str, str] = {}
    for n, step in enumerate(job["steps"]):
        if "run" not in step or "pip install" in step["run"]:
            continue
        out = tmp / f"output-{n}"
        out.write_text("")
        step_env = {**base, "GITHUB_OUTPUT": str(out)}
        step_env.update({k: _expand(str(v), context) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            check=False,
            cwd=checkout,
            env=step_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0 or step.get("continue-on-error"), (step, proc.stderr)
        if "id" in step:
            for key, value in parse_outputs(out.read_text()).items():
                context[f"steps.{step['id']}.outputs.{key}"] = value
                outputs[key] = value
    return outputs


def test_github_example_job_reruns_find_the_incident_through_its_branch(tmp_path: Path) -> None:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text())
    workspace_dir = doc["env"]["MEPTOOL_WORKSPACE"]

    def git(*args: str, cwd: Path = tmp_path) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
        ).stdout.strip()

    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", str(origin))
    seed = tmp_path / "seed"
    (seed / workspace_dir).parent.mkdir(parents=True)
    shutil.copytree(ROOT / "examples" / "workspace", seed / workspace_dir)
    git("init", "-q", "-b", "main", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "s", cwd=seed)
    git("push", "-q", f"file://{origin}", "HEAD:refs/heads/main", cwd=seed)
    sha = git("rev-parse", "HEAD", cwd=seed)

    def attempt(number: int) -> dict[str, str]:
        checkout = tmp_path / f"attempt-{number}"
        git("clone", "-q", f"file://{origin}", str(checkout))
        git("checkout", "-q", "--detach", sha, cwd=checkout)
        summary = tmp_path / f"summary-{number}"
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_ACTIONS": "true",
            "GITHUB_SERVER_URL": "https://git.acme.example",
            "GITHUB_REPOSITORY": "acme/boutique",
            "GITHUB_RUN_ID": "777",
            "GITHUB_RUN_ATTEMPT": str(number),
            "GITHUB_SHA": sha,
            "GITHUB_REF_NAME": "main",
            "GITHUB_WORKSPACE": str(checkout),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        outputs = run_github_job(doc, checkout, env, tmp_path)
        assert summary.read_text().count("incident MEP-2026-003") == 1
        return outputs

    first = attempt(1)
    assert first == {
        "incident-id": "MEP-2026-003",
        "incident-path": f"{workspace_dir}/incidents/MEP-2026-003/incident.yaml",
    }
    assert attempt(2) == first  # a fresh checkout, yet the re-run finds its incident
    branch = tmp_path / "branch"
    git("clone", "-q", "-b", "meptool/run-777", f"file://{origin}", str(branch))
    incidents = sorted(p.name for p in (branch / workspace_dir / "incidents").iterdir())
    assert incidents == ["MEP-2026-001", "MEP-2026-002", "MEP-2026-003"]
    data = load(branch / workspace_dir / "incidents" / "MEP-2026-003" / "incident.yaml")
    assert data["release"]["ci"]["attempt"] == "1"
    assert data["release"]["environment"] == "production"


def test_gitlab_example_script_runs(tmp_path: Path) -> None:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text())
    job = doc["incident"]
    checkout = tmp_path / "project"
    workspace_dir = doc["variables"]["MEPTOOL_WORKSPACE"]
    shutil.copytree(ROOT / "examples" / "workspace", checkout / workspace_dir)
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", f"file://{tmp_path}/none.git"], check=True, cwd=checkout
    )
    env = {
        **os.environ,
        **{k: str(v) for k, v in doc["variables"].items()},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITLAB_CI": "true",
        "CI_PIPELINE_ID": "31",
        "CI_PIPELINE_URL": "https://gitlab.acme.example/shop/boutique/-/pipelines/31",
        "CI_COMMIT_SHA": SHA,
        "CI_COMMIT_TAG": "v2.3.0",
        "CI_COMMIT_REF_NAME": "v2.3.0",
        "CI_PROJECT_DIR": str(checkout),
        "CI_SERVER_HOST": "gitlab.acme.example",
    }
    env.update({k: v.replace("$CI_PIPELINE_ID", "31") for k, v in job["variables"].items()})
    lines = [
        line
        for line in job["before_script"] + job["script"]
        if not line.startswith(("apt-get", "python -m pip"))
    ]
    # GitLab runs the lines in one shell that stops at the first failure.
    script = "set -eo pipefail\n" + "\n".join(lines) + '\necho "id=$MEPTOOL_INCIDENT_ID"'
    proc = subprocess.run(
        ["bash", "-c", script],
        check=False,
        cwd=checkout,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "MEP-2026-003"
    assert proc.stdout.splitlines()[-1] == "id=MEP-2026-003"
    assert (checkout / "meptool.env").read_text() == (
        "MEPTOOL_INCIDENT_ID=MEP-2026-003\n"
        f"MEPTOOL_INCIDENT_PATH={workspace_dir}/incidents/MEP-2026-003/incident.yaml\n"
    )
    data = load(checkout / workspace_dir / "incidents" / "MEP-2026-003" / "incident.yaml")
    assert data["title"] == "Deploy of v2.3.0 to production failed (5e0c8a1)"
