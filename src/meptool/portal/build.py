"""`meptool portal build`: the site, built incrementally, swapped in whole (`output`).

What an incident's pages show depends on its `incident.yaml` (read through
the cache of parsed incidents, `meptool.files.cache`), its sent `.eml` files and
its client retrospective; their stat keys are kept in the record of the last
build (`record`) with what its pages gave the client's home and feeds. An
incident whose files did not change is not read again: its pages are carried
over as they are; the others are rendered by `pages`, across processes when
there are many. The client's home, Atom and iCalendar feeds are each rendered
again only when what they show changed. A folder holding files meptool did
not write is refused unless `--force`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.files.workspace import INCIDENT_FILE, Workspace
from meptool.portal import output as site_output
from meptool.portal.output import (
    MANIFEST,
    Tree,
    output_folder,
    read_bytes,
    read_manifest,
    swap,
)
from meptool.portal.pages import RETRO, Done, Job, Setup, Workers, digest, languages
from meptool.portal.reader import Reader, problems
from meptool.portal.record import Record, code_fingerprint, deps_unchanged, record_file
from meptool.portal.settings import FORMAT, config_facts
from meptool.portal.visible import choose_client, slugs

__all__ = ["RETRO", "Built", "build"]


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
        try:
            return _build(ws, out, client=client, lang=lang, force=force)
        except _Stale:  # the record lacks what it said it had: build without it
            return _build(ws, out, client=client, lang=lang, force=force, trust=False)


class _Stale(Exception):
    """The record of the last build does not hold the cards of an incident it carries over."""


def _build(
    ws: Workspace,
    out: Path,
    *,
    client: str | None,
    lang: str | None,
    force: bool,
    trust: bool = True,
) -> Built:
    run = _Run(ws, out, client=client, lang=lang, trust=trust)
    try:
        chosen = run.scan(client)
        if run.nothing_changed():
            run.result.up_to_date = True
            run.result.files = len(run.old_manifest)
            return run.result
        run.check_output(force=force)
        run.render(chosen)
        run.finish()
    except BaseException:
        run.tree.abort()
        raise
    finally:
        run.reader.close()
        run.record.close()
    return run.result


class _Run:
    """One build: the record of the last one, what changed, the new tree."""

    def __init__(
        self, ws: Workspace, out: Path, *, client: str | None, lang: str | None, trust: bool
    ) -> None:
        config = config_facts(ws)
        self.ws = ws
        self.out = out
        self.lang = lang
        self.default_lang: str = config["language"]
        self.default_client: str | None = config["client"]
        self.base_url: str | None = config["base_url"]
        self.author: str | None = config["author"]
        self.result = Built(out)
        self.reader = Reader(ws)
        self.tree = Tree(out)
        options = {"client": client, "lang": lang, "base_url": self.base_url}
        self.manifest_bytes = read_bytes(out / MANIFEST)
        self.old_manifest = read_manifest(self.manifest_bytes) or {}
        self.meta = {
            "format": str(FORMAT),
            "fingerprint": code_fingerprint(ws),
            "options": json.dumps(options, sort_keys=True),
        }
        old = "" if self.manifest_bytes is None else hashlib.sha256(self.manifest_bytes).hexdigest()
        self.record = Record(record_file(ws, out), {**self.meta, "manifest": old})
        if not trust:
            self.record.forget()
        self.heads = self.record.heads
        self.current: dict[str, dict[str, Any]] = {}  # id -> key, client, own languages
        self.changed: dict[str, tuple[Path, Any, str | None]] = {}  # id -> path, key, data
        self.new_heads: dict[str, dict[str, Any]] = {}
        self.rendered: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> head, views
        self.new_clients: dict[str, Any] = {}
        self.by_client: dict[str, list[str]] = {}
        self.slugs: dict[str, str] = {}
        self.present: set[str] = set()  # the regular files of the old site (`check_output`)

    # pass 1 ------------------------------------------------------------------------------

    def scan(self, client: str | None) -> list[str]:
        """Which incidents changed, and for those their client and languages; the clients."""
        from meptool.files import cache

        base = self.ws.incidents_dir
        unread: list[tuple[str, Any]] = []
        for incident_id, key in cache.scan_names(self.ws):
            head = self.heads.get(incident_id)
            if head is not None and head["key"] == list(key) and deps_unchanged(head["deps"]):
                self.current[incident_id] = head
            else:
                self.current[incident_id] = {}  # its place in the order, filled by `_read`
                unread.append((incident_id, key))
        self.reader.want(unread)
        for incident_id, key in unread:
            self._read(base / incident_id / INCIDENT_FILE, key)
            if not self.current[incident_id]:  # left out (invalid, or no client)
                del self.current[incident_id]
        names = sorted({head["client"] for head in self.current.values()})
        chosen = choose_client(names, client) if client else names
        self.result.clients = chosen
        self.slugs = slugs(names)
        for incident_id, head in self.current.items():
            self.by_client.setdefault(head["client"], []).append(incident_id)
        return chosen

    def _read(self, path: Path, key: Any) -> None:
        ws = self.ws
        row = self.reader.row(path, key)
        if not row.ok:
            self.result.invalid.append(ws.display(path))
            self.result.problems.extend(problems(ws, path, row))
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
        self.changed[incident_id] = (path, key, raw)

    def nothing_changed(self) -> bool:
        return (
            not self.changed
            and self.heads.keys() == self.current.keys()
            and self.out.is_dir()
            and bool(self.record.clients)
        )

    def check_output(self, *, force: bool) -> None:
        old = self.old_manifest if self.manifest_bytes is not None else None
        self.present = site_output.check_output(self.ws, self.out, old, force=force)

    # pass 2 ------------------------------------------------------------------------------

    def render(self, chosen: list[str]) -> None:
        """Every file of the chosen clients: incident pages, retrospectives, homes, feeds."""
        from meptool.portal import pages, site

        langs_of: dict[str, list[str]] = {}
        for name in chosen:
            own = {code for i in self.by_client[name] for code in self.current[i]["own"]}
            langs_of[name] = [self.lang] if self.lang else languages(own, self.default_lang)
        used = sorted({code for langs in langs_of.values() for code in langs})
        envs = {code: site.environment(self.ws, code) for code in used}
        shared = {code: site.chrome(envs[code], self.ws.tz, code) for code in used}
        self.tree.start()
        setup = Setup(self.ws, str(self.tree.tmp), self.default_lang, envs, shared)
        jobs = [
            job
            for name in chosen
            for incident_id in self.by_client[name]
            if (job := self._job(incident_id, name, langs_of[name])) is not None
        ]
        views: dict[str, dict[str, Any]] = {}
        files: list[tuple[str, dict[str, str], Any]] = []  # rel, its client's files, its bytes
        left = Counter(self.current[job.id]["client"] for job in jobs)
        heavy = any(len(self.by_client[name]) >= pages.HEAVY_CLIENT for name in left)
        with pages.Workers(setup, many=heavy or len(jobs) >= pages.PARALLEL_MIN) as workers:

            def ready() -> None:  # a client's home and feeds, once its incidents are done
                for name in [n for n in chosen if n not in self.new_clients and not left[n]]:
                    files.extend(self._client_pages(name, langs_of[name], views, workers))

            futures = workers.incidents(jobs)
            if workers.pool is not None:  # the pages carried over: linked while these render
                self.tree.link_elsewhere(workers.submit)
            ready()
            for future in futures:
                for done in future.result():
                    self._done(done, views)
                    left[self.current[done.id]["client"]] -= 1
                ready()
            for rel, mine, data in files:
                self.tree.put(rel, data.result(), mine)

    def _job(self, incident_id: str, name: str, langs: list[str]) -> Job | None:
        """The incident to render, or None when its pages are carried over as they are."""
        before = self.heads.get(incident_id)
        if (
            incident_id not in self.changed
            and before is not None
            and before.get("langs") == langs
            and all(self._kept(rel) for rel in before["files"])
        ):
            for rel in before["files"]:
                self.tree.carry(rel, self.old_manifest[rel])
            self.new_heads[incident_id] = before
            return None
        head = self.current[incident_id]
        if incident_id in self.changed:
            path, key, data = self.changed[incident_id]
        else:
            path, key = self.ws.incident_path(incident_id), tuple(head["key"])
            data = self.reader.data(path, key)
        slug = self.slugs[name]
        return Job(incident_id, str(path), tuple(key), data, head, slug, langs)

    def _done(self, done: Done, views: dict[str, dict[str, Any]]) -> None:
        result = self.result
        result.warnings.extend(done.warnings)
        if done.head is None:
            result.invalid.append(done.invalid or done.id)
            result.problems.append(done.problem or "")
            return
        self.tree.files.update(done.files)
        self.new_heads[done.id] = done.head
        self.rendered[done.id] = (done.head, done.views)
        views[done.id] = done.views

    def _client_pages(
        self, name: str, langs: list[str], views: dict[str, dict[str, Any]], workers: Workers
    ) -> list[tuple[str, dict[str, str], Any]]:
        """The client's homes and feeds to render again (what they show changed); the others
        are carried over."""
        from meptool.portal import site

        slug = self.slugs[name]
        ids = [i for i in self.by_client[name] if i in self.new_heads]
        before = self.record.clients.get(name)
        old = before if isinstance(before, dict) else {}
        digests: dict[str, str] = {}
        mine: dict[str, str] = {}
        todo: list[tuple[str, dict[str, str], Any]] = []
        loaded: dict[str, Any] = {}

        def view(incident_id: str, code: str) -> dict[str, Any]:
            if incident_id in views:
                return views[incident_id][code]  # type: ignore[no-any-return]
            if not loaded:
                loaded.update(self.record.views(name))
            try:
                return loaded[incident_id][code]  # type: ignore[no-any-return]
            except (KeyError, TypeError):
                raise _Stale(incident_id) from None

        def put(rel: str, inputs: Any, kind: str, code: str, args: Any) -> None:
            key = digest([langs, inputs, self.base_url])
            digests[rel] = key
            sha = old.get("files", {}).get(rel)
            if old.get("digests", {}).get(rel) == key and sha and self._kept(rel) == sha:
                self.tree.carry(rel, sha)
                mine[rel] = sha
            else:
                todo.append((rel, mine, workers.client_file(kind, code, args())))

        for code in langs:
            base = f"{self.base_url}/{slug}/{code}/" if self.base_url else ""
            shown = [(i, self.new_heads[i]["digests"][code]) for i in ids]
            cards = lambda code=code: [view(i, code)["card"] for i in ids]  # noqa: E731
            for rel, depth, prefix in (
                (f"{slug}/{code}/index.html", 1, ""),
                (f"{slug}/index.html", 0, f"{code}/"),
            ):
                if depth == 0 and code != langs[0]:
                    continue
                put(
                    rel,
                    ["home", [(i, d[0]) for i, d in shown]],
                    "home",
                    code,
                    lambda code=code, depth=depth, prefix=prefix, cards=cards: {
                        "client": name,
                        "cards": cards(),
                        "langs": site.switch(langs, code, "index.html", depth=depth),
                        "prefix": prefix,
                    },
                )
            put(
                f"{slug}/{code}/feed.atom",
                ["feed", [(i, d[1]) for i, d in shown]],
                "atom",
                code,
                lambda code=code, base=base: {
                    "client": name,
                    "slug": slug,
                    "author": self.author or name,
                    "base": base,
                    "found": [e for i in ids for e in view(i, code)["events"]],
                },
            )
            put(
                f"{slug}/{code}/updates.ics",
                ["due", [(i, d[0]) for i, d in shown if self.new_heads[i].get("due")]],
                "ics",
                code,
                lambda base=base, cards=cards: {
                    "client": name,
                    "slug": slug,
                    "base": base,
                    "cards": [c for c in cards() if c["open"] and c["due"]],
                },
            )
        self.new_clients[name] = {"digests": digests, "files": mine}
        return todo

    def _kept(self, rel: str) -> str | None:
        """The SHA-256 of a file of the old site as meptool wrote it (by the manifest), if there."""
        sha = self.old_manifest.get(rel)
        return sha if sha and rel in self.present else None

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
        self.record.save(
            {**self.meta, "manifest": hashlib.sha256(manifest_text).hexdigest()},
            rendered=self.rendered,
            keep=set(self.new_heads),
            clients=self.new_clients,
        )
