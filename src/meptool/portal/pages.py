"""The pages of incidents, rendered here or in worker processes.

An incident's pages depend on it alone (given its client's folder and
languages), so many are rendered across cores: forked workers inherit the
build's Jinja environments (the templates compiled once, in the parent) and
write their pages straight into the build's temporary folder; what comes back
is small — each file's SHA-256, the cards and feed entries the client's home
and feeds need, the warnings. Where `fork` is not available, or for a few
incidents, everything happens in this process.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError
from meptool.portal.settings import stat_key

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace
    from meptool.model.incident import Incident

RETRO = "retro"  # the folder of the client retrospectives, in each client's folder
PARALLEL_MIN = 200  # below this many incidents to render, one process is quicker than a pool
CHUNK = 40
HEAVY_CLIENT = 500  # a client of this many incidents: its home and feeds are worth a pool


@dataclass
class Setup:
    """What every incident page of one build shares."""

    ws: Workspace
    tmp: str  # the temporary folder the new site is assembled in
    default_lang: str
    envs: dict[str, Any]  # language -> Jinja environment (`site.environment`)
    shared: dict[str, Any]  # language -> what every page shares (`site.chrome`)


@dataclass
class Job:
    """One incident to render: where it is, its cached data, its client's folder and languages."""

    id: str
    path: str
    key: tuple[Any, ...]
    data: str | None  # the cache's data of the file, None to read the file itself
    head: dict[str, Any]  # key, client, own languages (see `build`)
    slug: str
    langs: list[str]


@dataclass
class Done:
    """An incident rendered (`head`, `views`), or left out (`invalid`, `problem`)."""

    id: str
    head: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)  # written: rel -> SHA-256
    views: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    invalid: str | None = None
    problem: str | None = None


def languages(own: set[str], default_lang: str) -> list[str]:
    """A client's languages, the workspace's first (it is the client's home at the top)."""
    return sorted(own, key=lambda code: (code != default_lang, code))


def digest(value: Any) -> str:
    """A short digest of plain JSON data: what decides whether a page is rendered again."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def write(root: str, rel: str, data: bytes, files: dict[str, str], made: set[str]) -> None:
    """Write one file of the new site under `root`; its SHA-256 goes into `files`."""
    target = f"{root}/{rel}"
    folder = target.rpartition("/")[0]
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:  # no buffered file: it would ask the kernel three more things per page
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    files[rel] = hashlib.sha256(data).hexdigest()


def _incident(ws: Workspace, job: Job) -> Incident:
    """The incident from its cached data, else from its file (located errors)."""
    from pydantic import ValidationError

    from meptool.files.store import load
    from meptool.model.incident import Incident

    try:
        return Incident.model_validate_json(job.data or "", context={"tz": ws.tz})
    except (ValueError, ValidationError):
        return load(ws, Path(job.path))


def render(setup: Setup, job: Job, made: set[str]) -> Done:
    """Every page of one incident, in each of its client's languages, and its retrospective."""
    from meptool.portal import feeds, site, visible

    ws = setup.ws
    try:
        incident = _incident(ws, job)
    except InputError as exc:
        return Done(job.id, invalid=ws.display(Path(job.path)), problem=str(exc))
    done = Done(job.id)
    head = dict(job.head, langs=job.langs)
    head["deps"] = {str(dep): stat_key(dep) for dep in visible.dependencies(ws, incident)}
    files: dict[str, str] = {}
    digests: dict[str, list[str]] = {}
    updates = visible.sent_updates(ws, incident, done.warnings)
    due = False
    for code in job.langs:
        v = visible.view(ws, incident, code, default_lang=setup.default_lang, updates=updates)
        page = site.incident_page(
            setup.envs[code],
            v,
            client=job.head["client"],
            langs=site.switch(job.langs, code, f"{job.id}.html", depth=1),
            shared=setup.shared[code],
        )
        write(setup.tmp, f"{job.slug}/{code}/{job.id}.html", page.encode("utf-8"), files, made)
        card = site.card(v)
        events = feeds.events(v, job.slug)
        done.views[code] = {"card": card, "events": events}
        digests[code] = [digest(card), digest(events)]
        due = bool(card["open"] and card["due"])
        if v.retro and code == job.langs[0]:
            data = (ws.incident_dir(job.id) / visible.RETRO_FILE).read_bytes()
            write(setup.tmp, f"{job.slug}/{RETRO}/{job.id}.html", data, files, made)
    head.update(files=sorted(files), digests=digests, due=due)  # their SHA-256: the manifest's
    done.files = files
    done.head = head
    return done


# --- the client's home and feeds -------------------------------------------------------------


def client_file(setup: Setup, kind: str, code: str, args: dict[str, Any]) -> bytes:
    """One of a client's homes ("home"), Atom ("atom") or iCalendar ("ics") feeds."""
    from meptool.portal import feeds, site, visible

    if kind == "ics":
        return feeds.calendar(lang=code, **args)
    env = setup.envs[code]
    if kind == "home":
        text = site.home_page(env, lang=code, shared=setup.shared[code], **args)
    else:
        text = feeds.atom(
            env, lang=code, text_of=lambda source: visible.update_text(setup.ws, source), **args
        )
    return text.encode("utf-8")


# --- across processes ------------------------------------------------------------------------

_SETUP: Setup | None = None  # the build's setup, inherited by forked workers


def _render_chunk(jobs: list[Job]) -> list[Done]:
    """Worker: render a chunk of incidents with the setup inherited from the parent."""
    assert _SETUP is not None, "workers are forked from a build"
    return _render_all(_SETUP, jobs)


def _render_all(setup: Setup, jobs: list[Job]) -> list[Done]:
    from meptool.writing import templating

    made: set[str] = set()
    with templating.many():
        return [render(setup, job, made) for job in jobs]


def _client_file(kind: str, code: str, args: dict[str, Any]) -> bytes:
    assert _SETUP is not None, "workers are forked from a build"
    return client_file(_SETUP, kind, code, args)


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class _Now:
    """A result computed in this process, read like a future's."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class Workers:
    """Where the build renders: forked worker processes when `many`, else this process.

    Results are read in the order things were handed in; on leaving (an error
    included), no worker is left writing into the folder the caller may remove.
    """

    def __init__(self, setup: Setup, *, many: bool) -> None:
        import multiprocessing

        self.setup = setup
        self.pool: Any = None
        count = min(_workers(), 8)
        if many and count >= 2 and "fork" in multiprocessing.get_all_start_methods():
            from concurrent.futures import ProcessPoolExecutor

            global _SETUP  # noqa: PLW0603 - inherited by the forked workers, taken back on exit
            _SETUP = setup
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=count, mp_context=context)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        global _SETUP  # noqa: PLW0603
        if self.pool is not None:  # on success, what was handed in is done when this returns
            self.pool.shutdown(wait=True, cancel_futures=kind is not None)
            _SETUP = None

    def submit(self, fn: Any, *args: Any) -> Any:
        """A future of `fn(*args)` run by a worker (None without workers: do it here)."""
        return None if self.pool is None else self.pool.submit(fn, *args)

    def incidents(self, jobs: list[Job]) -> list[Any]:
        """Futures of the jobs' `Done`, a list per chunk, in order."""
        chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        if self.pool is None:
            return [_Now(_render_all(self.setup, chunk)) for chunk in chunks]
        return [self.pool.submit(_render_chunk, chunk) for chunk in chunks]

    def client_file(self, kind: str, code: str, args: dict[str, Any]) -> Any:
        """A future of one client file's bytes (see `client_file`)."""
        if self.pool is None:
            return _Now(client_file(self.setup, kind, code, args))
        return self.pool.submit(_client_file, kind, code, args)
