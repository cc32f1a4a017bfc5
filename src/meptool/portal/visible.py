"""What a client may see of an incident, and nothing else (SPEC.md 9).

Only what was sent, or written and marked for the client, crosses this
module: client-visible timeline entries (through `wording.entry`), the
updates logged as `sent` read back from their `.eml` files exactly as they
left, the actions marked `client_visible`, the schedule and budget, and the
client retrospective once `retro report --audience client --format html`
wrote it. Never an internal entry, a hidden action, a draft or an approval,
an address of ours that no sent update carried, or a file path.

Everything here is plain data (JSON-ready where the build keeps it between runs).
"""

from __future__ import annotations

import datetime as dt
import difflib
import email.utils
import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import NotFoundError
from meptool.model.enums import CommStatus, Status, Visibility
from meptool.portal import wording

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace
    from meptool.model.incident import Incident

OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED, Status.MITIGATED)
RETRO_FILE = "retro-client.html"
_NAMESPACE = uuid.UUID("6f1d3c1e-6a55-4d1c-9a4e-1c2b7f0e5d21")  # meptool portal entries


def slug(name: str) -> str:
    """A client's folder name: 'Café Ōsaka' → 'cafe-osaka'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not text:
        text = "client-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return text


def stable_id(*parts: str) -> str:
    """A `urn:uuid:` that is the same in every build for the same fact (Atom ids, ICS UIDs)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(parts))}"


@dataclass
class SentUpdate:
    """A client update as it left: when, to whom (names), its subject and its text."""

    seq: int
    sent_at: dt.datetime
    language: str
    subject: str
    recipients: list[str]
    text: str | None  # None: the file is gone or changed since it was sent
    source: str | None  # the .eml, relative to the workspace (never published)

    @property
    def anchor(self) -> str:
        return f"update-{self.seq}"


def sent_updates(ws: Workspace, incident: Incident, problems: list[str]) -> list[SentUpdate]:
    """Every update logged as sent, read from its `.eml`, in thread order (as sent)."""
    out = []
    sent = [c for c in incident.communications if c.status is CommStatus.SENT and c.sent_at]
    for comm in sorted(sent, key=lambda c: (c.sent_at or c.at, c.seq)):
        assert comm.sent_at is not None
        eml = next((f for f in comm.files if f.endswith(".eml")), None)
        names: list[str] = []
        body: str | None = None
        subject = comm.subject
        if eml is not None:
            found = read_eml(ws, eml, comm.approved_sha256 or comm.sha256, comm.files)
            if found is None:
                problems.append(
                    f"{incident.id}: update {comm.seq}: {eml} is missing or changed since it "
                    "was sent; its text is left out of the portal"
                )
            else:
                body, subject, pairs = found
                accepted = {a.casefold() for a in comm.recipients}
                names = [n or a for n, a in pairs if not accepted or a.casefold() in accepted]
        out.append(
            SentUpdate(comm.seq, comm.sent_at, comm.language.value, subject, names, body, eml)
        )
    return out


def read_eml(
    ws: Workspace, name: str, expected: str | None, files: list[str]
) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(plain text, subject, To/Cc pairs) of a sent `.eml`; None when missing or edited since."""
    from meptool.errors import InputError
    from meptool.updates import mail
    from meptool.updates.drafts import fingerprint, resolve

    try:
        if expected is not None and fingerprint(ws, files) != expected:
            return None
        message = mail.read(resolve(ws, name))
    except (OSError, InputError):
        return None
    pairs = email.utils.getaddresses(
        [str(v) for key in ("To", "Cc") for v in message.get_all(key, [])]
    )
    return mail.text_part(message), str(message.get("Subject", "")), pairs


def update_text(ws: Workspace, source: str | None) -> str | None:
    """The plain text of a sent update again (for the feeds), without the checks."""
    if source is None:
        return None
    found = read_eml(ws, source, None, [source])
    return found[0] if found else None


@dataclass
class View:
    """One incident as the client may see it, in one language."""

    id: str
    lang: str  # the language of the page
    text_lang: str  # the language the incident's texts are written in
    title: str
    status: str
    severity: str
    is_open: bool
    opened_at: dt.datetime | None
    impact: dict[str, Any]
    acknowledgement: dict[str, Any] | None
    timeline: list[dict[str, Any]]
    updates: list[SentUpdate]
    actions: list[dict[str, Any]]
    schedule: dict[str, Any] | None
    next_update_due: dt.datetime | None
    retro: bool
    # Room for the client call (issue 15): `calls` (planned and held, with whom) and
    # `expectations` (what the client asked, the answer). Filled at merge; shown when not empty.
    calls: list[dict[str, Any]] = field(default_factory=list)
    expectations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_sent(self) -> dt.datetime | None:
        return max((u.sent_at for u in self.updates), default=None)


def view(
    ws: Workspace,
    incident: Incident,
    lang: str,
    *,
    default_lang: str,
    updates: list[SentUpdate],
) -> View:
    """What the client may see of `incident`, worded in `lang` (`updates`: `sent_updates`)."""
    text_lang = (incident.language.value if incident.language else None) or default_lang

    def t(value: Any) -> str | None:
        return wording.text(value, lang)

    timeline: list[dict[str, Any]] = []
    for e in incident.timeline:
        visible = e.visibility is Visibility.CLIENT
        said = wording.entry(e.kind, e.status, e.text, visible, lang)
        if said is not None:
            timeline.append(
                {
                    "at": e.at,
                    "text": said,
                    "own": said != e.text,
                    "seq": None,
                    "lang": None,
                    "status": e.status.value if e.status else None,
                }
            )
    timeline += [
        {
            "at": u.sent_at,
            "text": u.subject,
            "own": False,
            "seq": u.seq,
            "lang": u.language,
            "status": None,
        }
        for u in updates
    ]
    timeline.sort(key=lambda item: (item["at"].astimezone(dt.UTC), item["seq"] or 0))
    actions = [
        {
            "n": n,
            "action": t(a.action) or "",
            "type": a.type.value,
            "owner": a.owner,
            "due": a.due,
            "status": a.status.value,
        }
        for n, a in enumerate((a for a in incident.corrective_plan if a.client_visible), 1)
    ]
    sched = incident.schedule_impact
    schedule = None
    if sched and (
        sched.delay_days is not None
        or sched.budget_impact
        or sched.new_delivery_date
        or sched.client_agreement
    ):
        schedule = {
            "delay_days": sched.delay_days,
            "budget": t(sched.budget_impact),
            "new_date": sched.new_delivery_date,
            "agreement": sched.client_agreement.value if sched.client_agreement else None,
            "agreed": (
                {"by": sched.agreement.by, "at": sched.agreement.at, "words": sched.agreement.words}
                if sched.agreement
                else None
            ),
        }
    impact = incident.impact
    ack = incident.acknowledgement
    is_open = incident.status in OPEN_STATUSES
    return View(
        id=incident.id,
        lang=lang,
        text_lang=text_lang,
        title=t(incident.title) or incident.id,
        status=incident.status.value,
        severity=incident.severity.value,
        is_open=is_open,
        opened_at=incident.opened_at,
        impact={
            "summary": t(impact.summary) if impact else None,
            "users": t(impact.users_affected) if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
        },
        acknowledgement=(
            {"at": ack.at, "statement": t(ack.statement)} if ack and ack.statement else None
        ),
        timeline=timeline,
        updates=updates,
        actions=actions,
        schedule=schedule,
        next_update_due=incident.next_update_due if is_open else None,
        retro=(ws.incident_dir(incident.id) / RETRO_FILE).is_file(),
        calls=[
            {
                "at": c.at,
                "status": c.status.value,
                "minutes": c.duration,
                "with": list(c.with_),
                "text": wording.call(c.status.value, c.duration, list(c.with_), lang),
            }
            for c in incident.calls
            if c.status.value != "cancelled"
        ],
        expectations=[
            {
                "id": e.id,
                "text": t(e.text) or "",
                "status": e.status.value,
                "state": wording.WORDS[lang]["expectation_state"][e.status.value],
                "answer": t(e.answer),
            }
            for e in incident.expectations
        ],
    )


def dependencies(ws: Workspace, incident: Incident) -> list[Path]:
    """The files besides `incident.yaml` whose content the portal shows."""
    deps = [ws.incident_dir(incident.id) / RETRO_FILE]
    from meptool.updates.drafts import resolve

    for comm in incident.communications:
        if comm.status is CommStatus.SENT:
            deps.extend(resolve(ws, f) for f in comm.files)
    return deps


def slugs(names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name in names:
        base = slug(name)
        if base in taken:
            base = f"{base}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:6]}"
        taken[base] = name
        out[name] = base
    return out


def choose_client(names: list[str], wanted: str) -> list[str]:
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
