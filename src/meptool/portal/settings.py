"""What the portal keeps between builds: `meptool.yaml`'s facts, stat keys, small JSON files."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from meptool import __version__
from meptool.files.workspace import Workspace

FORMAT = 1


def config_facts(ws: Workspace) -> dict[str, Any]:
    """What the portal needs of `meptool.yaml`, validated only when the file changed.

    A build with nothing to do then imports neither Pydantic nor Jinja.
    """
    where = ws.state_dir / "cache" / "portal-config.json"
    key = [__version__, FORMAT, stat_key(ws.config_path)]
    stored = read_json(where)
    if (
        isinstance(stored, dict)
        and stored.get("key") == key
        and isinstance(stored.get("facts"), dict)
    ):
        found: dict[str, Any] = stored["facts"]
        return found
    config = ws.config  # validates, with located errors
    portal = config.portal
    team = config.team
    facts = {
        "language": config.language.value,
        "client": config.client.name if config.client else None,
        "base_url": portal.base_url if portal else None,
        "output": portal.output if portal else None,
        "author": team.lead.name if team and team.lead else None,
        "templates_dir": str(ws.templates_dir) if ws.templates_dir else None,
    }
    save_json(where, {"key": key, "facts": facts})
    return facts


def stat_key(path: Path | str) -> list[int] | None:
    """Size, mtime and inode of a file; None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def save_json(path: Path, state: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # without it the next build is only slower
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
