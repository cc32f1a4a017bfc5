"""`meptool portal build`: the site, built incrementally, swapped in whole (`output`).

What an incident's pages show depends on its `incident.yaml` (read through
the cache of parsed incidents, `meptool.files.cache`), its sent `.eml` files and
its client retrospective; their stat keys are kept in
`.meptool/cache/portal-*.json` with what its pages gave the client's home and
feeds. An incident whose files did not change is not read again: its pages
are carried over as they are. The client's home, Atom and iCalendar feeds
are each rendered again only when what they show changed. A folder holding
files meptool did not write is refused unless `--force`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool import __version__
from meptool.errors import InputError
from meptool.files.workspace import Workspace
from meptool.portal import output as site_output
from meptool.portal.output import (
    MANIFEST,
    Tree,
    output_folder,
    read_bytes,
    read_manifest,
    swap,
)
from meptool.portal.settings import FORMAT, config_facts, read_json, save_json, stat_key
from meptool.portal.visible import choose_client, slugs

if TYPE_CHECKING:
    from meptool.files.cache import Index
    from meptool.model.incident import Incident

RETRO = "retro"


@dataclass
class Built:
    """What a build did."""

    output: Path
    clients: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # new or changed files
    removed: list[str] = field(default_factory=list)
    files: int = 0
    invalid: list[str] = field(default_factory=list)  # incident files left out
    problems: list[str] = field(default_factory=list)  # of the invalid files, one line each
    warnings: list[str] = field(default_factory=list)  # what else was left out, and why
    up_to_date: bool = False


# --- where ---------------------------------------------------------------------------------


def _state_file(ws: Workspace, out: Path) -> Path:
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return ws.state_dir / "cache" / f"portal-{digest}.json"


# --- what changed ----------------------------------------------------------------------------


def _code_fingerprint(ws: Workspace) -> str:
    """meptool's version and every file that decides how a page looks."""
    from meptool.writing import templating

    parts = [__version__, str(FORMAT)]
    roots = [Path(__file__).parent, templating.package_templates() / "portal"]
    roots.append(templating.package_templates() / "retro" / "_style.css.j2")
    user = config_facts(ws)["templates_dir"]
    if user is not None:
        roots.append(Path(user) / "portal")
        roots.append(Path(user) / "retro" / "_style.css.j2")
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            parts.append(f"{path}:{stat_key(path)}")
    parts.append(f"config:{stat_key(ws.config_path)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# --- reading incidents -----------------------------------------------------------------------


class _Reader:
    """Incidents from the cache, opened only when a file changed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.index: Index | None = None

    def row(self, path: Path, key: Any) -> Any:
        from meptool.incident import reading

        if self.index is None:
            self.index = reading.index(self.ws)
        return self.index.row(path.parent.name, key)

    def incident(self, path: Path, key: Any) -> Incident:
        from pydantic import ValidationError

        from meptool.files.store import load
        from meptool.model.incident import Incident

        row = self.row(path, key)
        data = self.index.data(path.parent.name, key, row) if self.index is not None else None
        try:
            return Incident.model_validate_json(data or "", context={"tz": self.ws.tz})
        except (ValueError, ValidationError):
            return load(self.ws, path)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


def _problems(ws: Workspace, path: Path, row: Any) -> list[str]:
    """The located problems of an invalid file, as `incident validate` prints them."""
    from meptool.errors import Problem

    shown = ws.display(path)
    return [
        str(Problem(file if file is not None else shown, line, col, name, message))
        for line, col, name, message, file in json.loads(row.problems or "[]")
    ]


# --- the build ----------------------------------------------------------------------------------


def build(
    ws: Workspace,
    *,
    client: str | None = None,
    lang: str | None = None,
    output: str | None = None,
    force: bool = False,
) -> Built:
    """Build the portal (see the module's text); `client`/`lang` restrict what it holds."""
    from meptool.files.store import locked

    out = output_folder(ws, output)
    with locked(ws, "portal"):
        return _build(ws, out, client=client, lang=lang, force=force)


def _build(ws: Workspace, out: Path, *, client: str | None, lang: str | None, force: bool) -> Built:
    run = _Run(ws, out, client=client, lang=lang)
    try:
        chosen = run.scan(client)
        if run.nothing_changed():
            run.result.up_to_date = True
            run.result.files = len(run.old_manifest)
            return run.result
        run.check_output(force=force)
        for name in chosen:
            run.client(name)
        run.finish()
    except BaseException:
        run.tree.abort()
        raise
    finally:
        run.reader.close()
    return run.result


class _Run:
    """One build: the state of the last one, what changed, the new tree."""

    def __init__(self, ws: Workspace, out: Path, *, client: str | None, lang: str | None) -> None:
        config = config_facts(ws)
        self.ws = ws
        self.out = out
        self.out_str = str(out)
        self.lang = lang
        self.default_lang: str = config["language"]
        self.default_client: str | None = config["client"]
        self.base_url: str | None = config["base_url"]
        self.author: str | None = config["author"]
        self.result = Built(out)
        self.reader = _Reader(ws)
        self.tree = Tree(out)
        self.options: dict[str, Any] = {"client": client, "lang": lang, "base_url": self.base_url}
        self.fingerprint = _code_fingerprint(ws)
        self.state_path = _state_file(ws, out)
        self.manifest_bytes = read_bytes(out / MANIFEST)
        self.old_manifest = read_manifest(self.manifest_bytes) or {}
        state = read_json(self.state_path)
        self.state: dict[str, Any] = {"incidents": {}, "clients": {}}
        if (
            isinstance(state, dict)
            and state.get("fingerprint") == self.fingerprint
            and state.get("options") == self.options
            and self.manifest_bytes is not None
            and state.get("manifest") == hashlib.sha256(self.manifest_bytes).hexdigest()
        ):
            self.state = state
        self.recs: dict[str, Any] = self.state["incidents"]
        self.current: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, tuple[Path, Any]] = {}
        self.new_recs: dict[str, Any] = {}
        self.new_clients: dict[str, Any] = {}
        self.by_client: dict[str, list[str]] = {}
        self.slugs: dict[str, str] = {}

    # pass 1 ------------------------------------------------------------------------------

    def scan(self, client: str | None) -> list[str]:
        """Which incidents changed, and for those their client and languages; the clients."""
        from meptool.files import cache

        for path, key in cache.scan(self.ws):
            incident_id = path.parent.name
            rec = self.recs.get(incident_id)
            if rec is not None and rec["key"] == list(key) and _deps_unchanged(rec["deps"]):
                self.current[incident_id] = rec
            else:
                self._read(path, key)
        names = sorted({rec["client"] for rec in self.current.values()})
        chosen = choose_client(names, client) if client else names
        self.result.clients = chosen
        self.slugs = slugs(names)
        for incident_id, rec in self.current.items():
            self.by_client.setdefault(rec["client"], []).append(incident_id)
        return chosen

    def _read(self, path: Path, key: Any) -> None:
        ws = self.ws
        row = self.reader.row(path, key)
        if not row.ok:
            self.result.invalid.append(ws.display(path))
            self.result.problems.extend(_problems(ws, path, row))
            return
        raw = self.reader.index.data(path.parent.name, key, row) if self.reader.index else None
        data = json.loads(raw or row.data or "{}")
        name = ((data.get("client") or {}).get("name")) or self.default_client
        if not name:
            self.result.warnings.append(
                f"{ws.display(path)}: no client named (client.name), in the file or in "
                "meptool.yaml; left out of the portal"
            )
            return
        own = {data.get("language") or self.default_lang}
        own.update(
            c.get("language") for c in data.get("communications") or [] if c.get("status") == "sent"
        )
        incident_id = path.parent.name
        self.current[incident_id] = {"key": list(key), "client": name, "own": sorted(own)}
        self.changed[incident_id] = (path, key)

    def nothing_changed(self) -> bool:
        return (
            not self.changed
            and self.recs.keys() == self.current.keys()
            and self.out.is_dir()
            and bool(self.state.get("clients"))
        )

    def check_output(self, *, force: bool) -> None:
        """Refuse a folder holding someone else's files (unless `force`), or a file."""
        ws, out = self.ws, self.out
        if out.exists() and not out.is_dir():
            raise InputError(
                f"{ws.display(out)} is a file, not a folder", hint="choose another --output"
            )
        foreign = site_output.foreign(
            out, self.old_manifest if self.manifest_bytes is not None else None
        )
        if foreign and (not force or (out / ".git").exists() or (out / "meptool.yaml").exists()):
            listed = ", ".join(foreign[:5])
            if len(foreign) > 5:
                listed += f" and {len(foreign) - 5} more"
            raise InputError(
                f"{ws.display(out)} holds files meptool did not write ({listed}); "
                "nothing was written",
                hint="choose an empty or new --output, or pass --force to replace that folder "
                "(its other files are removed; never a git repository or a workspace)",
            )

    # pass 2 ------------------------------------------------------------------------------

    def client(self, name: str) -> None:
        """Every file of one client: incident pages, retrospectives, homes, feeds."""
        from meptool.portal import site

        ids = self.by_client[name]
        own = {code for i in ids for code in self.current[i]["own"]}
        langs = [self.lang] if self.lang else _order(own, self.default_lang)
        envs = {code: site.environment(self.ws, code) for code in langs}
        shared = {code: site.chrome(envs[code], self.ws.tz, code) for code in langs}
        cards: dict[str, list[dict[str, Any]]] = {code: [] for code in langs}
        found: dict[str, list[dict[str, Any]]] = {code: [] for code in langs}
        for incident_id in ids:
            views = self._incident(incident_id, name, langs, envs, shared)
            for code, shown in (views or {}).items():
                cards[code].append(shown["card"])
                found[code].extend(shown["events"])
        self._client_pages(name, langs, envs, shared, cards=cards, found=found)

    def _incident(
        self,
        incident_id: str,
        name: str,
        langs: list[str],
        envs: dict[str, Any],
        shared: dict[str, Any],
    ) -> dict[str, Any] | None:
        """The pages of one incident (carried over when nothing they show changed)."""
        from meptool.portal import feeds, site, visible

        ws, tree = self.ws, self.tree
        before = self.recs.get(incident_id)
        if (
            incident_id not in self.changed
            and before is not None
            and before.get("langs") == langs
            and all(self._kept(rel, sha) for rel, sha in before.get("files", {}).items())
        ):
            for rel, sha in before["files"].items():
                tree.carry(rel, sha)
            self.new_recs[incident_id] = before
            views: dict[str, Any] = before["views"]
            return views
        rec = dict(self.current[incident_id])
        path, key = self.changed.get(incident_id) or (
            ws.incident_path(incident_id),
            tuple(rec["key"]),
        )
        try:
            incident = self.reader.incident(path, key)
        except InputError as exc:
            self.result.invalid.append(ws.display(path))
            self.result.problems.append(str(exc))
            return None
        slug = self.slugs[name]
        rec.update(views={}, files={}, langs=langs)
        rec["deps"] = {str(dep): stat_key(dep) for dep in visible.dependencies(ws, incident)}
        updates = visible.sent_updates(ws, incident, self.result.warnings)
        for code in langs:
            v = visible.view(ws, incident, code, default_lang=self.default_lang, updates=updates)
            page = site.incident_page(
                envs[code],
                v,
                client=name,
                langs=site.switch(langs, code, f"{incident_id}.html", depth=1),
                shared=shared[code],
            )
            tree.put(f"{slug}/{code}/{incident_id}.html", page.encode("utf-8"), rec["files"])
            rec["views"][code] = {"card": site.card(v), "events": feeds.events(v, slug)}
            if v.retro and code == langs[0]:
                data = (ws.incident_dir(incident_id) / visible.RETRO_FILE).read_bytes()
                tree.put(f"{slug}/{RETRO}/{incident_id}.html", data, rec["files"])
        self.new_recs[incident_id] = rec
        result: dict[str, Any] = rec["views"]
        return result

    def _client_pages(
        self,
        name: str,
        langs: list[str],
        envs: dict[str, Any],
        shared: dict[str, Any],
        *,
        cards: dict[str, list[dict[str, Any]]],
        found: dict[str, list[dict[str, Any]]],
    ) -> None:
        """The client's homes and feeds, each rendered again only when what it shows changed."""
        from meptool.portal import feeds, site, visible

        slug = self.slugs[name]
        before = self.state["clients"].get(name)
        old = before if isinstance(before, dict) else {}
        digests: dict[str, str] = {}
        mine: dict[str, str] = {}

        def put(rel: str, inputs: Any, render: Any) -> None:
            digest = hashlib.sha256(
                json.dumps([langs, inputs, self.base_url], sort_keys=True).encode("utf-8")
            ).hexdigest()
            digests[rel] = digest
            sha = old.get("files", {}).get(rel)
            if old.get("digests", {}).get(rel) == digest and sha and self._kept(rel, sha):
                self.tree.carry(rel, sha)
                mine[rel] = sha
                return
            data = render()
            self.tree.put(rel, data if isinstance(data, bytes) else data.encode("utf-8"), mine)

        for code in langs:
            base = f"{self.base_url}/{slug}/{code}/" if self.base_url else ""
            for rel, depth, prefix in (
                (f"{slug}/{code}/index.html", 1, ""),
                (f"{slug}/index.html", 0, f"{code}/"),
            ):
                if depth == 0 and code != langs[0]:
                    continue
                put(
                    rel,
                    cards[code],
                    lambda code=code, depth=depth, prefix=prefix: site.home_page(
                        envs[code],
                        lang=code,
                        client=name,
                        cards=cards[code],
                        langs=site.switch(langs, code, "index.html", depth=depth),
                        shared=shared[code],
                        prefix=prefix,
                    ),
                )
            put(
                f"{slug}/{code}/feed.atom",
                found[code],
                lambda code=code, base=base: feeds.atom(
                    envs[code],
                    lang=code,
                    client=name,
                    slug=slug,
                    author=self.author or name,
                    base=base,
                    found=found[code],
                    text_of=lambda source: visible.update_text(self.ws, source),
                ),
            )
            due = [c for c in cards[code] if c["open"] and c["due"]]
            put(
                f"{slug}/{code}/updates.ics",
                due,
                lambda code=code, base=base, due=due: feeds.calendar(
                    lang=code, client=name, slug=slug, base=base, cards=due
                ),
            )
        self.new_clients[name] = {"digests": digests, "files": mine}

    def _kept(self, rel: str, sha: str) -> bool:
        """Whether the old site still holds this file as meptool wrote it (by the manifest)."""
        return self.old_manifest.get(rel) == sha and os.path.isfile(os.path.join(self.out_str, rel))

    # the end -----------------------------------------------------------------------------

    def finish(self) -> None:
        """Swap the new site in when anything differs; keep what the next build needs."""
        result, old = self.result, self.old_manifest
        manifest = dict(sorted(self.tree.files.items()))
        text = json.dumps(
            {"format": FORMAT, "generator": "meptool portal build", "files": manifest},
            indent=1,
            sort_keys=True,
        )
        manifest_text = (text + "\n").encode("utf-8")
        result.files = len(manifest)
        result.written = sorted(rel for rel, sha in manifest.items() if old.get(rel) != sha)
        result.removed = sorted(rel for rel in old if rel not in manifest)
        if self.manifest_bytes != manifest_text or not self.out.is_dir():
            swap(self.ws, self.tree, manifest_text)
        else:
            self.tree.abort()
            result.up_to_date = True
        save_json(
            self.state_path,
            {
                "fingerprint": self.fingerprint,
                "options": self.options,
                "manifest": hashlib.sha256(manifest_text).hexdigest(),
                "incidents": self.new_recs,
                "clients": self.new_clients,
            },
        )


def _deps_unchanged(deps: dict[str, Any]) -> bool:
    return all(stat_key(p) == key for p, key in deps.items())


def _order(langs: set[str], default_lang: str) -> list[str]:
    """The workspace's language first (it is the client's home at the folder's top)."""
    return sorted(langs, key=lambda code: (code != default_lang, code))
