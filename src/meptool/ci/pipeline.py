"""A pipeline run read from the CI environment, and the one incident it opens (SPEC.md 7).

Providers are recognised by the variables they always set (`GITHUB_ACTIONS`,
`GITLAB_CI`); anything else falls back to `MEPTOOL_*` then common `CI_*`
names. `MEPTOOL_*` variables override what a provider says, field by field,
so a pipeline can state what the CI cannot know (the release version of a
branch deploy, the environment). No host is ever assumed: URLs are built only
from what the environment gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile, UsageError
from meptool.model.enums import Severity

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace

GITHUB = "github-actions"
GITLAB = "gitlab-ci"
GENERIC = "generic"
LABELS = {GITHUB: "GitHub Actions", GITLAB: "GitLab CI", GENERIC: "CI"}
DEFAULT_SEVERITY = Severity.MAJOR
"""A pipeline knows a deploy failed, not what the client sees: `major` (4 h update
cadence by default) until the project lead looks and raises or lowers it."""

GENERIC_HELP = (
    "run it inside GitHub Actions or GitLab CI, or set MEPTOOL_RUN_ID, MEPTOOL_COMMIT, "
    "MEPTOOL_RELEASE_VERSION, MEPTOOL_PIPELINE_URL (see the README's CI section)"
)


@dataclass(frozen=True)
class Run:
    """One pipeline run, as its environment describes it."""

    provider: str
    run_id: str | None = None
    attempt: str | None = None
    run_url: str | None = None
    job_url: str | None = None
    commit: str | None = None
    ref: str | None = None
    tag: str | None = None
    version: str | None = None
    environment: str | None = None
    actor: str | None = None
    workflow: str | None = None
    repository: str | None = None
    project_name: str | None = None
    deployed_at: str | None = None
    severity: str | None = None
    root_dir: str | None = None
    """The checkout folder (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`): paths handed to
    later steps are relative to it."""

    @property
    def label(self) -> str:
        """The provider's name for people."""
        return LABELS.get(self.provider, self.provider)

    @property
    def short_commit(self) -> str | None:
        """The commit as people quote it (7 hex digits)."""
        if not self.commit:
            return None
        is_hex = all(c in "0123456789abcdefABCDEF" for c in self.commit)
        return self.commit[:7] if is_hex else self.commit[:12]

    def ci_data(self) -> dict[str, Any]:
        """`release.ci` of the incident."""
        return {
            "provider": self.provider,
            "run_url": self.run_url,
            "job_url": self.job_url,
            "run_id": self.run_id,
            "attempt": self.attempt,
            "ref": self.ref,
            "tag": self.tag,
            "actor": self.actor,
            "workflow": self.workflow,
            "repository": self.repository,
        }

    def describe(self) -> str:
        """ "GitHub Actions run 42 (attempt 2)", for messages."""
        text = f"{self.label} run {self.run_id}" if self.run_id else f"this {self.label} run"
        return f"{text} (attempt {self.attempt})" if self.attempt else text


def _get(env: Mapping[str, str], *names: str) -> str | None:
    """The first non-empty variable of `names`, on one line."""
    for name in names:
        value = " ".join(env.get(name, "").split())
        if value:
            return value
    return None


def _raw(env: Mapping[str, str], name: str) -> str | None:
    """A path as given (folder names may hold any spacing)."""
    return env.get(name) or None


def _true(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"true", "1", "yes"}


def _github(env: Mapping[str, str]) -> Run:
    server, repo, run_id = (
        _get(env, "GITHUB_SERVER_URL"),
        _get(env, "GITHUB_REPOSITORY"),
        _get(env, "GITHUB_RUN_ID"),
    )
    ref = _get(env, "GITHUB_REF_NAME")
    is_tag = env.get("GITHUB_REF_TYPE") == "tag" or env.get("GITHUB_REF", "").startswith(
        "refs/tags/"
    )
    return Run(
        provider=GITHUB,
        run_id=run_id,
        attempt=_get(env, "GITHUB_RUN_ATTEMPT"),
        # The run page without /attempts/N: the same link for every re-run.
        run_url=f"{server.rstrip('/')}/{repo}/actions/runs/{run_id}"
        if server and repo and run_id
        else None,
        commit=_get(env, "GITHUB_SHA"),
        ref=ref,
        tag=ref if is_tag else None,
        version=ref if is_tag else None,
        actor=_get(env, "GITHUB_ACTOR"),
        workflow=_get(env, "GITHUB_WORKFLOW"),
        repository=repo,
        project_name=repo.rsplit("/", 1)[-1] if repo else None,
        root_dir=_raw(env, "GITHUB_WORKSPACE"),
    )


def _gitlab(env: Mapping[str, str]) -> Run:
    tag = _get(env, "CI_COMMIT_TAG")
    path = _get(env, "CI_PROJECT_PATH")
    return Run(
        provider=GITLAB,
        run_id=_get(env, "CI_PIPELINE_ID"),
        run_url=_get(env, "CI_PIPELINE_URL"),
        job_url=_get(env, "CI_JOB_URL"),
        commit=_get(env, "CI_COMMIT_SHA"),
        ref=_get(env, "CI_COMMIT_REF_NAME"),
        tag=tag,
        version=tag,
        environment=_get(env, "CI_ENVIRONMENT_NAME"),
        actor=_get(env, "GITLAB_USER_LOGIN"),
        workflow=_get(env, "CI_PIPELINE_NAME"),
        repository=path,
        project_name=_get(env, "CI_PROJECT_NAME") or (path.rsplit("/", 1)[-1] if path else None),
        root_dir=_raw(env, "CI_PROJECT_DIR"),
    )


def _generic(env: Mapping[str, str]) -> Run:
    # Names several CI systems share (Woodpecker, Drone-likes, GitLab-compatible runners).
    tag = _get(env, "CI_COMMIT_TAG")
    repo = _get(env, "CI_REPO", "CI_PROJECT_PATH")
    return Run(
        provider=_get(env, "MEPTOOL_CI_PROVIDER", "CI_SYSTEM_NAME") or GENERIC,
        run_id=_get(env, "CI_PIPELINE_ID"),
        run_url=_get(env, "CI_PIPELINE_URL"),
        job_url=_get(env, "CI_JOB_URL"),
        commit=_get(env, "CI_COMMIT_SHA"),
        ref=_get(env, "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH"),
        tag=tag,
        version=tag,
        repository=repo,
        project_name=repo.rsplit("/", 1)[-1] if repo else None,
        root_dir=_raw(env, "CI_PROJECT_DIR") or _raw(env, "CI_WORKSPACE"),
    )


# MEPTOOL_* variables win over what the provider says, field by field.
OVERRIDES = {
    "run_id": "MEPTOOL_RUN_ID",
    "attempt": "MEPTOOL_RUN_ATTEMPT",
    "run_url": "MEPTOOL_PIPELINE_URL",
    "job_url": "MEPTOOL_JOB_URL",
    "commit": "MEPTOOL_COMMIT",
    "ref": "MEPTOOL_REF",
    "tag": "MEPTOOL_TAG",
    "version": "MEPTOOL_RELEASE_VERSION",
    "environment": "MEPTOOL_ENVIRONMENT",
    "actor": "MEPTOOL_ACTOR",
    "workflow": "MEPTOOL_WORKFLOW",
    "repository": "MEPTOOL_REPOSITORY",
    "deployed_at": "MEPTOOL_DEPLOYED_AT",
    "severity": "MEPTOOL_SEVERITY",
}


def detect(env: Mapping[str, str] | None = None) -> Run:
    """The run described by the environment; UsageError when there is none."""
    env = os.environ if env is None else env
    if _true(env, "GITHUB_ACTIONS"):
        run = _github(env)
    elif _true(env, "GITLAB_CI"):
        run = _gitlab(env)
    else:
        run = _generic(env)
    changes = {field: value for field, name in OVERRIDES.items() if (value := _get(env, name))}
    if "tag" in changes and "version" not in changes:
        changes["version"] = changes["tag"]
    run = dataclasses.replace(run, **changes)
    if not any((run.run_id, run.run_url, run.commit, run.version, run.ref)):
        raise UsageError("--from-ci: no CI run found in the environment", hint=GENERIC_HELP)
    return run


def on_github(env: Mapping[str, str] | None = None) -> bool:
    """Whether we run inside GitHub Actions (workflow commands are read from our output)."""
    return _true(os.environ if env is None else env, "GITHUB_ACTIONS")


def override(run: Run, **values: str | None) -> Run:
    """The run with the values given on the command line (None keeps the environment's)."""
    return dataclasses.replace(run, **{k: v for k, v in values.items() if v})


def default_title(run: Run) -> str:
    """What failed, in a few words: "Deploy of v2.3.0 failed (5e0c8a1)"."""
    what = run.version or run.tag or run.ref
    text = f"Deploy of {what}" if what else "Deploy"
    if run.environment:
        text += f" to {run.environment}"
    text += " failed"
    return f"{text} ({run.short_commit})" if run.short_commit else text


def one_line(text: str, limit: int = 300) -> str:
    """Free text squeezed onto one line (a title cannot span lines)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def severity_of(run: Run, given: Severity | None) -> Severity:
    """`--severity`, else `MEPTOOL_SEVERITY`, else the default for a failed deploy."""
    if given is not None:
        return given
    if not run.severity:
        return DEFAULT_SEVERITY
    try:
        return Severity(run.severity.lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Severity)
        raise UsageError(
            f"MEPTOOL_SEVERITY: '{run.severity}' is not one of: {allowed}",
            hint="fix the variable in the pipeline, or pass --severity",
        ) from None


def find_run(ws: Workspace, provider: str, run_id: str) -> tuple[str, Path] | None:
    """The incident this run already opened, if any (same provider and run, any attempt)."""
    from meptool.files.store import parse, read_bytes

    needle = run_id.encode("utf-8")
    for path in ws.incident_files():
        try:
            raw = read_bytes(path)
        except OSError:
            continue
        if run_id.isascii() and needle not in raw:
            continue  # cheap: most files never mention the run
        try:
            incident = parse(raw, ws.display(path), ws.tz)
        except InvalidFile:
            continue
        ci = incident.release.ci if incident.release else None
        if ci is not None and ci.provider == provider and ci.run_id == run_id:
            return incident.id, path
    return None


@dataclass(frozen=True)
class Opened:
    """What `open --from-ci` did."""

    id: str
    path: Path
    created: bool
    title: str
    severity: Severity
    run: Run

    def as_dict(self, path: str) -> dict[str, Any]:
        """JSON-ready data (`path` as shown to the pipeline)."""
        return {
            "id": self.id,
            "path": path,
            "created": self.created,
            "title": self.title,
            "severity": self.severity.value,
            "provider": self.run.provider,
            "run_id": self.run.run_id,
            "attempt": self.run.attempt,
            "run_url": self.run.run_url,
            "commit": self.run.commit,
            "version": self.run.version,
        }


def open_for_run(
    ws: Workspace,
    run: Run,
    *,
    title: str | None = None,
    severity: Severity | None = None,
    project: str | None = None,
    language: str | None = None,
    deployed_at: dt.datetime | None = None,
    impact: str | None = None,
    users_affected: str | None = None,
    detected_at: dt.datetime | None = None,
    detected_by: str | None = None,
) -> Opened:
    """Open the incident of a failed deploy, or find the one this run already opened.

    The search and the creation happen under the workspace's `ids` lock, so two
    jobs of the same run racing each other still open one incident.
    """
    from meptool.files.store import create_once
    from meptool.incident.registry import OpenRequest, build_incident
    from meptool.values import parse_time

    sev = severity_of(run, severity)
    final_title = one_line(title) if title and title.strip() else default_title(run)
    if deployed_at is None and run.deployed_at:
        deployed_at = parse_time(run.deployed_at, ws.tz, "MEPTOOL_DEPLOYED_AT")
    release = {
        "version": run.version,
        "deployed_at": deployed_at,
        "environment": run.environment,
        "commit": run.commit,
        "pipeline_url": run.run_url,
        "ci": run.ci_data(),
    }
    req = OpenRequest(
        title=final_title,
        severity=sev,
        project=project or (None if ws.config.project else run.project_name),
        language=language,
        release=release,
        impact=impact,
        users_affected=users_affected,
        detected_at=detected_at,
        detected_by=detected_by or run.describe().replace(f" (attempt {run.attempt})", ""),
    )
    run_id = run.run_id
    find = (lambda: find_run(ws, run.provider, run_id)) if run_id else None
    incident_id, path, created = create_once(
        ws, lambda new_id: build_incident(ws, new_id, req), find=find
    )
    if not created:
        from meptool.files.store import load

        existing = load(ws, path)
        return Opened(incident_id, path, False, existing.title, existing.severity, run)
    return Opened(incident_id, path, created, final_title, sev, run)


def pipeline_path(ws: Workspace, path: Path, run: Run) -> str:
    """A path as later pipeline steps need it: relative to the checkout when inside it."""
    if run.root_dir:
        root = Path(run.root_dir).resolve()
        target = path.resolve()
        if target.is_relative_to(root):
            return target.relative_to(root).as_posix()
    return ws.display(path)
