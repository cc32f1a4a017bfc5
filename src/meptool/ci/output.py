"""What a pipeline reads back from meptool: GitHub workflow commands, step outputs and
job summary, GitLab dotenv reports.

GitHub's runner treats any output line starting with `::` (after spaces) or
holding `##[` as a command, so user text is escaped before it reaches a log.
Escaping follows the runner's rules: in data `%`, CR, LF become `%25`, `%0D`,
`%0A`; in properties `:` and `,` also become `%3A`, `%2C`.
https://docs.github.com/actions/reference/workflow-commands-for-github-actions
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from meptool.errors import InputError

if TYPE_CHECKING:
    from meptool.ci.pipeline import Opened
    from meptool.errors import Problem

MAX_SUMMARY_BYTES = 1024 * 1024
"""GitHub refuses a step summary past 1 MiB."""
DOTENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# --- workflow commands -----------------------------------------------------------


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (`file=`, `title=`) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def neutralise(text: str) -> str:
    """User text made safe for a plain log line: one line, and no `::` or `##[` the
    runner could take for a command (wherever a terminal wraps the line)."""
    text = text.replace("\r", "%0D").replace("\n", "%0A")
    return text.replace("::", ":%3A").replace("##[", "##%5B")


def neutralise_lines(text: str) -> str:
    """`neutralise` for each line of a message meant to span lines."""
    return "\n".join(neutralise(line) for line in text.split("\n"))


def neutralise_json(text: str) -> str:
    """JSON text that means the same data but holds no `::` or `##[`: inside strings
    (the only place they can occur) `:` and `[` are written as \\u escapes."""
    return text.replace("::", ":\\u003a").replace("##[", "##\\u005b")


def command(name: str, message: str, **properties: str | int) -> str:
    """One workflow command line, e.g. `::error file=a.yaml,line=3::bad value`."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def problem_annotations(
    problems: Iterable[Problem], *, root: str | None = None, cwd: Path | None = None
) -> list[str]:
    """`::error` annotations for validation problems, files relative to the checkout
    (`GITHUB_WORKSPACE`) so GitHub pins them on the right file."""
    here = cwd or Path.cwd()
    base = Path(root).resolve() if root else None
    out = []
    for p in problems:
        file = p.file
        if base is not None:
            target = (here / p.file).resolve()
            if target.is_relative_to(base):
                file = target.relative_to(base).as_posix()
        title = f"meptool: {p.field}" if p.field else "meptool"
        out.append(command("error", p.message, file=file, line=p.line, col=p.col, title=title))
    return out


# --- step outputs ----------------------------------------------------------------


def output_block(name: str, value: str) -> str:
    """`name<<DELIM ... DELIM` for $GITHUB_OUTPUT, with a random delimiter absent from the value."""
    while True:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        if delimiter not in value and delimiter not in name:
            return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def append_text(path: str | Path, text: str) -> None:
    """Append to a file the runner gave us (it may not exist yet)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def write_outputs(path: str | Path, values: Mapping[str, str]) -> None:
    """Set step outputs (`steps.<id>.outputs.<name>`)."""
    append_text(path, "".join(output_block(k, v) for k, v in values.items()))


# --- job summary -----------------------------------------------------------------

# Mid-line, these are the characters that can start emphasis, code, links, tables.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str, limit: int = 300) -> str:
    """User text as inert Markdown on one line: no HTML, no links, no table breaks."""
    from meptool.ci.pipeline import one_line

    flat = one_line(text, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def md_code(text: str, limit: int = 300) -> str:
    """Text in a code span, whatever backticks it holds."""
    from meptool.ci.pipeline import one_line

    flat = one_line(text, limit).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}" if longest else f"`{flat}`"


def md_link(label: str, url: str | None) -> str:
    """A link only to an http(s) URL; anything else is shown as text."""
    if url and re.match(r"^https?://[^\s<>()\"']+$", url) and len(url) < 2000:
        return f"[{md(label)}]({url})"
    return md(url or label)


def summary(opened: Opened, path: str) -> str:
    """The Markdown a project lead reads on the failed run's page."""
    run = opened.run
    iid = opened.id
    lines = [f"### {md(opened.title)} — incident {iid}", ""]
    if opened.created:
        lines.append(f"meptool opened incident **{iid}** in {md_code(path)}.")
    else:
        lines.append(
            f"Incident **{iid}** ({md_code(path)}) was already opened by this pipeline run; "
            "no new incident."
        )
    rows = [
        ("Severity", md(opened.severity.value)),
        ("Release", md(run.version) if run.version else None),
        ("Environment", md(run.environment) if run.environment else None),
        ("Commit", md_code(run.commit) if run.commit else None),
        ("Ref", md(run.ref) if run.ref else None),
        ("Run", md_link(run.describe(), run.run_url)),
        ("Job", md_link("job log", run.job_url) if run.job_url else None),
        ("Triggered by", md(run.actor) if run.actor else None),
    ]
    lines += ["", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows if v]
    lines += [
        "",
        "#### Next steps for the project lead",
        "",
        "The client may already have seen it. Get the incident file (this run's artifacts, "
        "or the branch the workflow pushed) into your workspace, then:",
        "",
        f"1. **Own the error**, early and in plain words: "
        f'`meptool incident ack {iid} --by "Your Name" --statement "…"`',
        f"2. **Find the cause** (five whys): `meptool incident rootcause {iid}`",
        f"3. **Plan the fix**, with owners and dates: `meptool incident plan {iid}`",
        f"4. **Tell the client**: `meptool update draft {iid} --audience decision-makers`, "
        f"have it approved (`meptool update approve {iid} --by NAME`), then send it.",
        f"5. Check the severity (`{opened.severity.value}` was set by the pipeline) and "
        "the release fields in the file.",
        "",
    ]
    return "\n".join(lines)


def append_summary(path: str | Path, text: str) -> bool:
    """Append to $GITHUB_STEP_SUMMARY unless it would pass GitHub's 1 MiB limit."""
    data = text if text.endswith("\n") else text + "\n"
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    if used + len(data.encode("utf-8")) >= MAX_SUMMARY_BYTES:
        return False
    append_text(path, data)
    return True


def publish(opened: Opened, path: str, *, env: Mapping[str, str], dotenv: str | None) -> list[str]:
    """Hand the incident to later steps: GitHub outputs and summary (when `env` names their
    files), the GitLab dotenv file (when asked). Returns warnings; InputError when a file
    cannot be written."""
    warnings = []
    targets = [
        ("$GITHUB_OUTPUT", env.get("GITHUB_OUTPUT")),
        ("$GITHUB_STEP_SUMMARY", env.get("GITHUB_STEP_SUMMARY")),
        ("--dotenv", dotenv),
    ]
    for name, target in targets:
        if not target:
            continue
        try:
            if name == "$GITHUB_OUTPUT":
                write_outputs(target, {"incident-id": opened.id, "incident-path": path})
            elif name == "$GITHUB_STEP_SUMMARY":
                if not append_summary(target, summary(opened, path)):
                    warnings.append(
                        "warning: the job summary is full (1 MiB); meptool's part was left out"
                    )
            else:
                write_dotenv(
                    target, {"MEPTOOL_INCIDENT_ID": opened.id, "MEPTOOL_INCIDENT_PATH": path}
                )
        except OSError as exc:
            raise InputError(
                f"{opened.id} is open, but {name} ({target}) could not be written: "
                f"{exc.strerror or exc}",
                hint="check the path; running the job again finds the same incident",
            ) from None
    return warnings


# --- GitLab dotenv ---------------------------------------------------------------


def write_dotenv(path: str | Path, values: Mapping[str, str]) -> None:
    """Write `KEY=value` lines for `artifacts:reports:dotenv`, keeping other keys there.

    GitLab's dotenv format has no quoting of spaces or newlines: such a value is refused.
    """
    from meptool.files.store import atomic_write

    target = Path(path)
    for key, value in values.items():
        if not DOTENV_KEY.match(key):  # pragma: no cover - our own keys
            raise InputError(f"--dotenv: '{key}' is not a valid variable name")
        if any(ch.isspace() for ch in value) or not value:
            raise InputError(
                f"--dotenv: {key} would hold spaces or line breaks, which dotenv files cannot",
                hint="keep the workspace in a folder whose path has no spaces",
            )
    kept: list[str] = []
    if target.is_file():
        for line in target.read_text(encoding="utf-8").splitlines():
            if line.strip() and line.split("=", 1)[0].strip() not in values:
                kept.append(line)
    body = "".join(f"{line}\n" for line in kept)
    body += "".join(f"{key}={value}\n" for key, value in values.items())
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, body.encode("utf-8"))
