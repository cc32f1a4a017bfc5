"""What a cold `portal build` cannot skip, each part measured alone in one process.

Run by `bench/run.py` right after a cold build of a workspace (its `portal/` is
there): prints one JSON line, the CPU seconds (user + system) of each part, so
that they can be set against the CSafeLoader floor of the same files.

- "render": the portal's incident template rendered in the sandbox, as the
  build renders it, for as many pages as the site has incident pages; the
  contexts (the views of every tenth incident, in each language the site
  holds) are built first and not counted.
- "write": the site's files, the same bytes, written into a fresh folder by the
  build's own writer (`meptool.portal.pages.write`, the manifest's SHA-256
  included); reading them first is not counted.

Usage: python bench/portal_parts.py WORKSPACE FOLDER (where the files are written)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def render(ws_root: Path) -> float:
    from meptool.files.store import load
    from meptool.files.workspace import Workspace
    from meptool.portal import site, visible
    from meptool.portal.pages import RETRO, languages
    from meptool.writing import templating

    ws = Workspace.find(str(ws_root))
    default = ws.config.language.value
    files = sorted(ws.incidents_dir.glob("*/incident.yaml"))
    sample = files[::10]
    pages = list((ws_root / "portal").glob("*/*/MEP-*.html"))
    langs = languages({p.parent.name for p in pages} - {RETRO}, default)
    pages_in_site = sum(1 for p in pages if p.parent.name != RETRO)
    envs = {code: site.environment(ws, code) for code in langs}
    shared = {code: site.chrome(envs[code], ws.tz, code) for code in langs}
    calls = []
    for path in sample:
        try:
            incident = load(ws, path)
        except Exception:  # an invalid file of the hand-kept shape: not rendered by the build
            continue
        updates = visible.sent_updates(ws, incident, [])
        client = (incident.client.name if incident.client else None) or "client"
        for code in langs:
            v = visible.view(ws, incident, code, default_lang=default, updates=updates)
            switch = site.switch(langs, code, f"{incident.id}.html", depth=1)
            calls.append((envs[code], v, client, switch, shared[code]))
    if not calls:
        return 0.0
    rounds = max(1, round(pages_in_site / len(calls)))
    start = time.process_time()
    with templating.many():
        for _ in range(rounds):
            for env, v, client, switch, chrome in calls:
                site.incident_page(env, v, client=client, langs=switch, shared=chrome)
    spent = time.process_time() - start
    return spent * pages_in_site / (rounds * len(calls))


def write(ws_root: Path, into: Path) -> float:
    from meptool.portal import pages

    site_dir = ws_root / "portal"
    contents = [
        (p.relative_to(site_dir).as_posix(), p.read_bytes())
        for p in sorted(site_dir.rglob("*"))
        if p.is_file()
    ]
    # a fresh folder, left for the caller to delete after every run (as the old sites are:
    # creating files just after deleting as many costs this machine's kernel more)
    into.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="parts-", dir=into))
    start = time.process_time()
    files: dict[str, str] = {}
    made: set[str] = set()
    for rel, data in contents:
        pages.write(str(target), rel, data, files, made)
    return time.process_time() - start


def main() -> int:
    root = Path(sys.argv[1])
    print(json.dumps({"render": render(root), "write": write(root, Path(sys.argv[2]))}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
