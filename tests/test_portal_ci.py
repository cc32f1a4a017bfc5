"""The portal's CI examples: their `meptool portal build` run for real, where Pages expects it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "examples" / "ci"


def run_script(lines: list[str], cwd: Path, env: dict[str, str]) -> None:
    """The script lines as the runner runs them (bash -e), meptool already installed."""
    script = "\n".join(line for line in lines if "pip install" not in line)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    proc = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env={**os.environ, **env, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def checkout(tmp_path: Path, folder: str) -> Path:
    """A repository whose `folder` is the example workspace."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "workspace", repo / folder)
    return repo


def test_gitlab_pages_job_publishes_public(tmp_path: Path) -> None:
    doc = yaml.safe_load((CI / "portal-gitlab-pages.yml").read_text("utf-8"))
    job = doc["pages"]  # GitLab publishes the artifacts of the job named `pages`
    assert job["artifacts"]["paths"] == ["public"]
    rule = job["rules"][0]
    assert rule["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert "$MEPTOOL_WORKSPACE/incidents/**/*" in rule["changes"]
    repo = checkout(tmp_path, doc["variables"]["MEPTOOL_WORKSPACE"])
    env = {k: str(v) for k, v in doc["variables"].items()}
    env["MEPTOOL_WORKSPACE"] = str(repo / env["MEPTOOL_WORKSPACE"])
    run_script(job["script"], repo, {**env, "CI_PROJECT_DIR": str(repo), "CI": "true"})
    assert (repo / "public" / "maison-dupont" / "index.html").is_file()
    assert (repo / "public" / "maison-dupont" / "fr" / "feed.atom").is_file()


def test_github_pages_workflow_uploads_the_site(tmp_path: Path) -> None:
    doc = yaml.safe_load((CI / "portal-github-pages.yml").read_text("utf-8"))
    assert doc["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "${{ runner.temp }}/site"
    repo = checkout(tmp_path, doc["env"]["MEPTOOL_WORKSPACE"])
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {k: str(v) for k, v in doc["env"].items()}
    env["MEPTOOL_WORKSPACE"] = str(repo / env["MEPTOOL_WORKSPACE"])
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert "${{" not in "".join(runs)  # no expression in a shell line: no script injection
    run_script(runs, repo, {**env, "RUNNER_TEMP": str(runner_temp), "CI": "true"})
    assert (runner_temp / "site" / "maison-dupont" / "index.html").is_file()
    watched = doc[True]["push"]["paths"]  # PyYAML reads the key `on` as YAML 1.1 true
    assert f"{doc['env']['MEPTOOL_WORKSPACE']}/incidents/**" in watched
