"""`meptool portal build`: the site, built incrementally, swapped in whole.

The unit of work is one incident in one language. What it shows depends on
its `incident.yaml` (read through the cache of parsed incidents,
`meptool.cache`), its sent `.eml` files and its client retrospective; their
stat keys are kept in `.meptool/cache/portal-*.json` with what each page
showed the client's home and feeds. A unit whose files did not change is not
read again: its page is carried over as it is. The client's home, Atom and
iCalendar feeds are rendered again only when a card or an entry of theirs
changed.

Nothing is half-written: the new site is assembled in a temporary folder next
to the output (unchanged files hard-linked from the old site), then swapped
in by two renames. `.meptool-portal.json` in the output lists every file
meptool wrote with its SHA-256 (no time in it: same facts, same bytes); a
file the manifest does not list is someone else's, and the build refuses to
replace a folder holding one unless `--force`.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool import __version__
from meptool.errors import InputError, NotFoundError, UsageError
from meptool.workspace import Workspace

if TYPE_CHECKING:
    from meptool.cache import Index
    from meptool.model import Incident

MANIFEST = ".meptool-portal.json"
FORMAT = 1
DEFAULT_OUTPUT = "portal"
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


def config_facts(ws: Workspace) -> dict[str, Any]:
    """What the portal needs of `meptool.yaml`, validated only when the file changed.

    A build with nothing to do then imports neither Pydantic nor Jinja.
    """
    where = ws.state_dir / "cache" / "portal-config.json"
    key = [__version__, FORMAT, _stat(ws.config_path)]
    stored = _read_json(where)
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
    _save_state(where, {"key": key, "facts": facts})
    return facts


def output_folder(ws: Workspace, output: str | None) -> Path:
    """The output folder: `--output`, else `portal.output` of meptool.yaml, else `portal/`."""
    if output is not None:
        path = Path(output).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
    else:
        path = ws.root / (config_facts(ws)["output"] or DEFAULT_OUTPUT)
    path = Path(os.path.abspath(path))
    resolved = path.resolve()
    root = ws.root.resolve()
    for inside, what in ((ws.incidents_dir, "incidents/"), (ws.state_dir, ".meptool/")):
        if resolved == inside.resolve() or inside.resolve() in resolved.parents:
            raise UsageError(
                f"--output {ws.display(path)} is inside {what}: the portal would be mixed with "
                "the incident files",
                hint="choose a folder of its own, e.g. --output portal",
            )
    if resolved == root or resolved in root.parents:
        raise UsageError(
            f"--output {ws.display(path)} holds the workspace itself",
            hint="choose a folder of its own, e.g. --output portal",
        )
    return path


def _state_file(ws: Workspace, out: Path) -> Path:
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return ws.state_dir / "cache" / f"portal-{digest}.json"


# --- what changed ----------------------------------------------------------------------------


def _stat(path: Path | str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _code_fingerprint(ws: Workspace) -> str:
    """meptool's version and every file that decides how a page looks."""
    from meptool import templating

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
            parts.append(f"{path}:{_stat(path)}")
    parts.append(f"config:{_stat(ws.config_path)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


# --- reading incidents -----------------------------------------------------------------------


class _Reader:
    """Incidents from the cache, opened only when a file changed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.index: Index | None = None

    def row(self, path: Path, key: Any) -> Any:
        from meptool import cache

        if self.index is None:
            self.index = cache.refresh(self.ws)
        return self.index.row(path, key)

    def incident(self, path: Path, key: Any) -> Incident:
        from pydantic import ValidationError

        from meptool.model import Incident
        from meptool.store import load

        row = self.row(path, key)
        try:
            return Incident.model_validate_json(row.data or "", context={"tz": self.ws.tz})
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
    from meptool.store import locked

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
        self.manifest_bytes = _read_bytes(out / MANIFEST)
        self.old_manifest = _manifest(self.manifest_bytes) or {}
        state = _read_json(self.state_path)
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
        from meptool import cache

        for path, key in cache.scan(self.ws):
            incident_id = path.parent.name
            rec = self.recs.get(incident_id)
            if rec is not None and rec["key"] == list(key) and _deps_unchanged(rec["deps"]):
                self.current[incident_id] = rec
            else:
                self._read(path, key)
        names = sorted({rec["client"] for rec in self.current.values()})
        chosen = _choose_client(names, client) if client else names
        self.result.clients = chosen
        self.slugs = _slugs(names)
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
        data = json.loads(row.data or "{}")
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
        foreign = _foreign(out, self.old_manifest if self.manifest_bytes is not None else None)
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
        rec["deps"] = {str(dep): _stat(dep) for dep in visible.dependencies(ws, incident)}
        updates = visible.sent_updates(ws, incident, self.result.warnings)
        for code in langs:
            v = visible.view(ws, incident, code, default_lang=self.default_lang, updates=updates)
            page = site.incident_page(
                envs[code],
                v,
                client=name,
                langs=_switch(langs, code, f"{incident_id}.html", depth=1),
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
                        langs=_switch(langs, code, "index.html", depth=depth),
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
            _swap(self.ws, self.tree, manifest_text)
        else:
            self.tree.abort()
            result.up_to_date = True
        _save_state(
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
    return all(_stat(p) == key for p, key in deps.items())


def _order(langs: set[str], default_lang: str) -> list[str]:
    """The workspace's language first (it is the client's home at the folder's top)."""
    return sorted(langs, key=lambda code: (code != default_lang, code))


def _slugs(names: list[str]) -> dict[str, str]:
    from meptool.portal.visible import slug

    out: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name in names:
        base = slug(name)
        if base in taken:
            base = f"{base}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:6]}"
        taken[base] = name
        out[name] = base
    return out


def _choose_client(names: list[str], wanted: str) -> list[str]:
    from meptool.portal.visible import slug

    for name in names:
        if wanted.casefold() in (name.casefold(), slug(name)):
            return [name]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    if not close:
        folded = {n.casefold(): n for n in names}
        found = difflib.get_close_matches(wanted.casefold(), list(folded), n=1, cutoff=0.5)
        close = [folded[found[0]]] if found else []
    known = ", ".join(names) if names else "none yet"
    hint = f"did you mean '{close[0]}'?" if close else f"the workspace's clients: {known}"
    raise NotFoundError(f"no client '{wanted}' in this workspace's incidents", hint=hint)


def _switch(langs: list[str], current: str, page: str, depth: int) -> list[dict[str, Any]]:
    """The language links of a page: `depth` 1 inside `<client>/<lang>/`, 0 at `<client>/`."""
    from meptool.portal.wording import WORDS

    up = "../" if depth else ""
    return [
        {
            "code": code,
            "name": WORDS[code]["language_name"][code].capitalize(),
            "href": f"{up}{code}/{page}",
            "current": code == current,
        }
        for code in langs
    ]


class Tree:
    """The new site, written as it is rendered into a temporary folder next to the output."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
        self.files: dict[str, str] = {}  # rel -> sha256
        self.keep: list[str] = []  # carried over from the old site
        self._made: set[Path] = set()
        self._started = False

    def _folder(self, target: Path) -> None:
        if not self._started:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp.mkdir()
            self._started = True
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)

    def put(self, rel: str, data: bytes, mine: dict[str, str]) -> None:
        """Write a file of the new site."""
        target = self.tmp / rel
        self._folder(target)
        with open(target, "wb") as fh:
            fh.write(data)
        sha = hashlib.sha256(data).hexdigest()
        self.files[rel] = sha
        mine[rel] = sha

    def carry(self, rel: str, sha: str) -> None:
        """Take a file of the old site over unchanged."""
        self.files[rel] = sha
        self.keep.append(rel)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- writing -----------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _manifest(data: bytes | None) -> dict[str, str] | None:
    if data is None:
        return None
    try:
        found = json.loads(data)
    except ValueError:
        return None
    files = found.get("files") if isinstance(found, dict) else None
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items()}


def _walk(root: Path, prefix: str = "") -> Iterator[str]:
    """Every file under `root`, as a relative POSIX path, in sorted order."""
    with os.scandir(root) as entries:
        found = sorted(entries, key=lambda e: e.name)
    for entry in found:
        rel = f"{prefix}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), f"{rel}/")
        else:
            yield rel


def _foreign(out: Path, old_manifest: dict[str, str] | None) -> list[str]:
    """Files in the output folder that meptool did not write."""
    if not out.is_dir():
        return []
    known = old_manifest or {}
    return [rel for rel in _walk(out) if rel != MANIFEST and rel not in known]


def _swap(ws: Workspace, tree: Tree, manifest: bytes) -> None:
    """Carry the unchanged files over, then put the new site in the old one's place."""
    out, tmp = tree.out, tree.tmp
    trash = out.parent / f".{out.name}.{os.getpid()}.old.tmp"
    try:
        tree._folder(tmp / MANIFEST)
        made = {str(p) for p in tree._made}
        old_root, new_root = str(out), str(tmp)
        for rel in tree.keep:
            source = os.path.join(old_root, rel)
            target = os.path.join(new_root, rel)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        with open(tmp / MANIFEST, "wb") as fh:
            fh.write(manifest)
            fh.flush()
            os.fsync(fh.fileno())
        if out.exists():
            os.rename(out, trash)
        os.rename(tmp, out)
    except OSError as exc:
        tree.abort()
        if trash.exists() and not out.exists():
            os.rename(trash, out)  # put the old site back
        raise InputError(
            f"cannot write the portal to {ws.display(out)}: {exc.strerror or exc}; "
            "the previous site is unchanged",
            hint="check the folder's permissions and free space, or choose another --output",
        ) from None
    except BaseException:
        tree.abort()
        raise
    shutil.rmtree(trash, ignore_errors=True)


def _save_state(path: Path, state: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # without it the next build is only slower
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
