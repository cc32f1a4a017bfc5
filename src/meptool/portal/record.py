"""The record of the last build: what each incident's pages were made from, and what they gave.

One SQLite file per output folder under `.meptool/cache/` (stdlib `sqlite3`,
plain JSON text, never a pickle). Per incident, a small *head* read on every
build — the stat keys of its files, its client and languages, the files of
its pages (their SHA-256 are the manifest's), digests of what it gives the
client's home and feeds — and its *views* (the cards and feed entries themselves), read only
for a client whose home or feeds must be rendered again. Per client, the
digests and files of its home and feeds.

The record holds only when it was written by the same code, with the same
options, for the site on disk (the SHA-256 of its manifest); otherwise it is
empty and the build starts over. A build rewrites only the rows of the
incidents it rendered. A corrupt, locked or unwritable record means a slower
build, never a wrong one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool import __version__
from meptool.portal.settings import FORMAT, config_facts, stat_key

if TYPE_CHECKING:
    import sqlite3

    from meptool.files.workspace import Workspace

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, head TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS views (id TEXT PRIMARY KEY, client TEXT NOT NULL, views TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS views_by_client ON views (client);
CREATE TABLE IF NOT EXISTS clients (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def record_file(ws: Workspace, out: Path) -> Path:
    """Where the record of the site built in `out` lives."""
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return ws.state_dir / "cache" / f"portal-{digest}.sqlite3"


def code_fingerprint(ws: Workspace) -> str:
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


def deps_unchanged(deps: dict[str, Any]) -> bool:
    """Whether the files an incident's pages show besides its own file (a head's `deps`)
    still have the stat keys recorded."""
    return all(stat_key(p) == key for p, key in deps.items())


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Record:
    """The record of one output folder, read when opened (heads and clients, not views)."""

    def __init__(self, path: Path, meta: dict[str, str]) -> None:
        self.path = path
        self.meta = meta  # what the record must have been written with to hold
        self.heads: dict[str, dict[str, Any]] = {}
        self.clients: dict[str, dict[str, Any]] = {}
        self.valid = False
        self.db: sqlite3.Connection | None = None
        try:
            self._read()
        except Exception:  # corrupt, foreign, locked: start over
            self._forget()

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        if self.db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=5.0, isolation_level=None)
            # as the cache of parsed files: a crash loses at most the last build's record
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        return self.db

    def _read(self) -> None:
        if not self.path.is_file():
            return
        db = self._connect()
        if dict(db.execute("SELECT key, value FROM meta").fetchall()) != self.meta:
            return
        loads = json.loads
        self.heads = {i: loads(head) for i, head in db.execute("SELECT id, head FROM incidents")}
        self.clients = {
            n: loads(value) for n, value in db.execute("SELECT name, value FROM clients")
        }
        self.valid = True

    def forget(self) -> None:
        """Start over: the record is removed, the next save writes it whole."""
        self._forget()

    def _forget(self) -> None:
        self.heads, self.clients, self.valid = {}, {}, False
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def views(self, client: str) -> dict[str, Any]:
        """The cards and feed entries of a client's incidents, by ID (those the record holds)."""
        if not self.valid:
            return {}
        try:
            rows = self._connect().execute(
                "SELECT id, views FROM views WHERE client = ?", (client,)
            )
            return {incident_id: json.loads(views) for incident_id, views in rows}
        except Exception:
            return {}

    def save(
        self,
        meta: dict[str, str],
        *,
        rendered: dict[str, tuple[dict[str, Any], dict[str, Any]]],
        keep: set[str],
        clients: dict[str, dict[str, Any]],
    ) -> None:
        """Write what the next build needs: `rendered` (id → head, views) new or changed,
        `keep` every incident of this build (the others' rows are dropped)."""
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            if not self.valid:  # another meptool's record may have other columns
                for table in ("incidents", "views", "clients", "meta"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute("DROP INDEX IF EXISTS views_by_client")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
            gone = [(i,) for i in self.heads if i not in keep]
            db.executemany("DELETE FROM incidents WHERE id = ?", gone)
            db.executemany("DELETE FROM views WHERE id = ?", gone)
            db.executemany(
                "INSERT OR REPLACE INTO incidents VALUES (?, ?)",
                ((i, _dumps(head)) for i, (head, _) in rendered.items()),
            )
            db.executemany(
                "INSERT OR REPLACE INTO views VALUES (?, ?, ?)",
                ((i, head["client"], _dumps(views)) for i, (head, views) in rendered.items()),
            )
            db.execute("DELETE FROM clients")
            db.executemany(
                "INSERT INTO clients VALUES (?, ?)",
                ((name, _dumps(value)) for name, value in sorted(clients.items())),
            )
            db.execute("DELETE FROM meta")
            db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            db.execute("COMMIT")
        except Exception:  # without it the next build is only slower
            self._forget()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None
