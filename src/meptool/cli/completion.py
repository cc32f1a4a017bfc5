"""Shell completion of the values people type: incident IDs, action IDs, contacts, statuses.

Each completer reads as little as it can (folder names, one YAML file), never
validates, and answers nothing rather than fail: a broken file must not break
the shell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meptool.model.enums import Severity, Status


def _root(ctx: Any) -> Path | None:
    from meptool.files.workspace import find_root

    # The root callback's state (cli.common.State), read without importing cli.common,
    # which builds the command groups that attach these completions.
    given = getattr(ctx.find_root().obj, "workspace", None)
    try:
        return find_root(given or ctx.params.get("workspace"))
    except Exception:
        return None


def _data(path: Path) -> Any:
    from meptool.files.yamlio import load_data

    try:
        return load_data(path.read_bytes())
    except Exception:
        return None


def incident_ids(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """IDs of the workspace's incidents, newest first."""
    from meptool.files.workspace import ID_RE, INCIDENT_FILE, INCIDENTS, id_sort_key

    root = _root(ctx)
    if root is None or not (root / INCIDENTS).is_dir():
        return []
    ids = [
        p.name
        for p in (root / INCIDENTS).iterdir()
        if ID_RE.match(p.name) and (p / INCIDENT_FILE).is_file()
    ]
    wanted = incomplete.upper()
    return sorted((i for i in ids if i.upper().startswith(wanted)), key=id_sort_key, reverse=True)


def action_ids(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The action IDs of the incident named before (A1, A2…)."""
    from meptool.files.workspace import ID_RE, INCIDENT_FILE, INCIDENTS

    root = _root(ctx)
    incident = str(ctx.params.get("incident_id") or "")
    if root is None or not ID_RE.match(incident):
        return []
    data = _data(root / INCIDENTS / incident / INCIDENT_FILE)
    plan = data.get("corrective_plan") if isinstance(data, dict) else None
    ids = [str(a["id"]) for a in plan or [] if isinstance(a, dict) and a.get("id")]
    return [i for i in ids if i.upper().startswith(incomplete.upper())]


def contact_names(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The client contacts of the workspace (and of the incident named before)."""
    from meptool.files.workspace import CONFIG_NAME, ID_RE, INCIDENT_FILE, INCIDENTS

    root = _root(ctx)
    if root is None:
        return []
    files = [root / CONFIG_NAME]
    incident = str(ctx.params.get("incident_id") or "")
    if ID_RE.match(incident):
        files.append(root / INCIDENTS / incident / INCIDENT_FILE)
    names: list[str] = []
    for path in files:
        data = _data(path)
        client = data.get("client") if isinstance(data, dict) else None
        contacts = client.get("contacts") if isinstance(client, dict) else None
        for c in contacts or []:
            if isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"] not in names:
                names.append(c["name"])
    low = incomplete.casefold()
    return [n for n in names if n.casefold().startswith(low)]


def statuses(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Incident statuses (for --status, which takes several)."""
    return [s.value for s in Status if s.value.startswith(incomplete.lower())]


def severities(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Severities (for --severity, which takes several)."""
    return [s.value for s in Severity if s.value.startswith(incomplete.lower())]


BY_NAME = {
    "incident_id": incident_ids,
    "action_id": action_ids,
    "by": contact_names,
    "with_": contact_names,
    "status": statuses,
    "severity": severities,
}


def attach(param: Any) -> None:
    """Give `param` its completer when it has none and meptool knows its values."""
    if getattr(param, "_custom_shell_complete", None) is not None:
        return
    completer = BY_NAME.get(param.name or "")
    if completer is None:
        return
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    if choices and completer in (statuses, severities):
        return  # an enum completes by itself
    param._custom_shell_complete = completer
