"""What a client update says: the template context, its variant and the next promised update.

Python decides *what* may reach the client (client-visible timeline entries and
actions only, the right recipients, the next update time); the templates decide
*how* it reads in each language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from meptool.errors import InputError
from meptool.files.workspace import Workspace
from meptool.model.enums import (
    ActionStatus,
    ActionType,
    Agreement,
    Audience,
    ContactKind,
    EntryKind,
    ExpectationStatus,
    Status,
)
from meptool.model.incident import Communication, Contact, Entry, Incident, Localized
from meptool.timeutil import floor_quarter

FIRST, FOLLOW_UP, RESOLUTION = "first", "follow-up", "resolution"
KINDS = (FIRST, FOLLOW_UP, RESOLUTION)
AUDIENCE_KINDS = {
    Audience.DECISION_MAKERS: {ContactKind.DECISION_MAKER},
    Audience.DOMAIN_EXPERTS: {ContactKind.DOMAIN_EXPERT},
    Audience.ALL: set(ContactKind),
}
# After the resolution update, the next thing the client gets is the retrospective.
RETRO_DELAY = dt.timedelta(days=3)


@dataclass
class Plan:
    """What is decided before rendering: variant, recipients, next promised update."""

    kind: str
    audience: Audience
    language: str
    recipients: list[Contact]
    next_update: dt.datetime
    number: int
    context: dict[str, Any] = field(default_factory=dict)


def recipients(
    incident: Incident, audience: Audience, language: str | None = None
) -> list[Contact]:
    """The client contacts an update for `audience` goes to (those with an e-mail address).

    With `language`, only those who read that language (a contact's own
    `language`, else the incident's).
    """
    kinds = AUDIENCE_KINDS[audience]
    contacts = incident.client.contacts if incident.client else []
    home = incident.language.value if incident.language else None
    out = [c for c in contacts if c.kind in kinds and c.email]
    if language is None:
        return out
    mine = [c for c in out if (c.language.value if c.language else home or language) == language]
    return mine or out  # asked for a language nobody reads: the audience still gets it


def languages(incident: Incident, audience: Audience, default: str) -> list[str]:
    """The languages the recipients of an update for `audience` read, the incident's first."""
    home = incident.language.value if incident.language else default
    found = [c.language.value if c.language else home for c in recipients(incident, audience)]
    return sorted(set(found) or {home}, key=lambda lang: (lang != home, lang))


def sent_updates(incident: Incident) -> list[Communication]:
    """The client updates that were sent (call invitations are not updates)."""
    return [c for c in incident.communications if c.sent_at and c.is_update]


def _reaches(comm: Communication, audience: Audience) -> bool:
    return audience == Audience.ALL or comm.audience in (audience, Audience.ALL)


def kind_of(incident: Incident, audience: Audience) -> str:
    """First update for this audience, a follow-up, or the resolution update."""
    if incident.status in (Status.RESOLVED, Status.CLOSED):
        return RESOLUTION
    sent = [c for c in sent_updates(incident) if _reaches(c, audience)]
    return FOLLOW_UP if sent else FIRST


def next_update(ws: Workspace, incident: Incident, kind: str) -> dt.datetime:
    """When this update promises the next one, always within the severity's cadence.

    A `next_update_due` still ahead that no earlier update promised was set by a
    person for this purpose: keep it. Otherwise now + cadence, rounded *down* to
    the quarter hour so that the promise stays inside the cadence.
    """
    now = ws.now()
    if kind == RESOLUTION:
        return floor_quarter(now + RETRO_DELAY).replace(hour=12, minute=0)
    cadence = ws.config.cadence(incident.severity)
    due = incident.next_update_due
    promised = {c.next_update_at for c in sent_updates(incident)}
    if due is not None and now < due <= now + cadence and due not in promised:
        return due
    rounded = floor_quarter(now + cadence)
    return rounded if rounded > now else now + cadence


def greetings(contacts: list[Contact], lang: str, home: str | None = None) -> list[str]:
    """How the letter opens: each chosen form of address on its own line, then the others
    greeted together by their full names (never a first name alone).

    A contact's `greeting` is in the language they read, else in the language of the
    file it is written in (`meptool.yaml` for a workspace contact): a letter in another
    language greets them by their full name.
    """

    def own_words(c: Contact) -> bool:
        return bool(c.greeting) and c.greeting_language(home or lang) == lang

    own = [_comma(c.greeting or "") for c in contacts if own_words(c)]
    rest = [c.name for c in contacts if not own_words(c)]
    word, last = ("Bonjour", " et ") if lang == "fr" else ("Dear", " and ")
    if rest:
        names = rest[0] if len(rest) == 1 else ", ".join(rest[:-1]) + last + rest[-1]
        own.append(f"{word} {names},")
    if not own:
        own.append("Madame, Monsieur," if lang == "fr" else "Dear Sir or Madam,")
    return list(dict.fromkeys(own))


def _comma(greeting: str) -> str:
    text = greeting.strip()
    return text if text[-1:] in ",!:" else text + ","


def _action(a: Any, tr: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "action": tr(a.action),
        "type": a.type.value,
        "owner": a.owner,
        "due": a.due,
        "status": a.status.value,
        "done": a.status == ActionStatus.DONE,
    }


def workaround(incident: Incident) -> Entry | None:
    """The client-visible entry that says how the service came back (the mitigation)."""
    found = [
        e
        for e in incident.timeline
        if e.visibility.value == "client"
        and e.kind == EntryKind.STATUS
        and e.status == Status.MITIGATED
        and (e.note or not is_machine_line(str(e.text)))
    ]
    return max(found, key=lambda e: e.at) if found else None


_MACHINE = re.compile(
    r"^(Statut|Status|Incident (opened|ouvert|reconnu|acknowledged)|Update \d|Point \d|"
    r"Action A\d|Cause racine|Root cause|Impact planning|Schedule/budget"
    r"|Déclaration de reconnaissance|Acknowledgement statement)\b"
)


def is_machine_line(text: str) -> bool:
    """Whether a timeline text is one of meptool's own log lines (never shown to a client)."""
    return bool(_MACHINE.match(text.strip()))


def entry_note(entry: Entry) -> str | None:
    """The words a person wrote on an entry: its note, or a legacy `text — note` tail."""
    if entry.note is not None:
        return str(entry.note)
    text = str(entry.text)
    if not is_machine_line(text):
        return text
    if " — " in text:
        return text.split(" — ", 1)[1]
    return None


def build_context(
    ws: Workspace, incident: Incident, plan: Plan, *, seq: int, now: dt.datetime
) -> dict[str, Any]:
    """Everything a template may use; only client-visible material is in it."""
    from meptool.model.texts import home

    lead = incident.team.lead if incident.team else None
    if lead is None:
        raise InputError(
            f"{incident.id} has no project lead (team.lead): every update is signed by one",
            hint="set the workspace's lead (every incident without one uses it): "
            'meptool init --lead "Your Name" --lead-email you@agency.example',
        )
    lang = plan.language
    origin = home(incident, ws.config.language.value)

    def tr(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, Localized):
            return value.in_language(lang, origin) or str(value.primed(lang))
        return str(value)

    visible = [a for a in incident.corrective_plan if a.client_visible]
    impact = incident.impact
    rc = incident.root_cause
    sched = incident.schedule_impact
    schedule = None
    if sched and (sched.delay_days or sched.budget_impact or sched.new_delivery_date):
        schedule = {
            "delay_days": sched.delay_days,
            "budget_impact": tr(sched.budget_impact),
            "new_delivery_date": sched.new_delivery_date,
            "agreement": (sched.client_agreement or Agreement.PENDING).value,
        }
    corrective = [_action(a, tr) for a in visible if a.type == ActionType.CORRECTIVE]
    open_fix = any(not a["done"] for a in corrective)
    mitigated = incident.status in (Status.MITIGATED, Status.RESOLVED, Status.CLOSED)
    sent_before = [c for c in sent_updates(incident) if _reaches(c, plan.audience)]
    fix = workaround(incident)
    agency = ws.config.agency.name if ws.config.agency else None
    return {
        "lang": lang,
        "timezone": ws.config.timezone,
        "now": now,
        "kind": plan.kind,
        "audience": plan.audience.value,
        "seq": seq,
        "number": plan.number,
        "apologised": bool(sent_before),
        "incident": {
            "id": incident.id,
            "title": tr(incident.title),
            "severity": incident.severity.value,
            "status": incident.status.value,
            "project": incident.project or ws.config.project,
            "detected_at": incident.detected_at,
        },
        "client": {"name": incident.client.name if incident.client else None},
        "greetings": greetings(plan.recipients, lang, origin),
        "recipients": [{"name": c.name, "role": c.role} for c in plan.recipients],
        "lead": {
            "name": lead.name,
            "title": tr(lead.title),
            "agency": agency,
            "email": lead.email,
            "phone": lead.phone,
        },
        "release": {
            "version": _version(incident.release.version if incident.release else None),
            "deployed_at": incident.release.deployed_at if incident.release else None,
        },
        "statement": tr(incident.acknowledgement.statement) if incident.acknowledgement else None,
        "impact": {
            "summary": tr(impact.summary) if impact else None,
            "users_affected": tr(impact.users_affected) if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
            "same_day": bool(
                impact
                and impact.started_at
                and impact.ended_at
                and impact.started_at.astimezone(ws.tz).date()
                == impact.ended_at.astimezone(ws.tz).date()
            ),
        },
        "mitigated": mitigated,
        "resolved": incident.status in (Status.RESOLVED, Status.CLOSED),
        "cause": {
            "known": bool(rc and (rc.summary or rc.client_summary)),
            "client_summary": tr(rc.client_summary) if rc else None,
            "summary": tr(rc.summary) if rc else None,
            "escape": tr(rc.escape) if rc else None,
        },
        "workaround": {"at": fix.at, "text": tr(fix.note) if fix.note else tr(fix.text)}
        if fix
        else None,
        "unknown": {
            "cause": not (rc and (rc.summary or rc.client_summary)),
            "end": not mitigated,
            "users": not (impact and impact.users_affected),
            "fix": open_fix,
            "plan": not visible,
        },
        "timeline": [
            _entry(e, tr, lang)
            for e in sorted(incident.timeline, key=lambda e: e.at)
            if e.visibility.value == "client" and e.kind not in HIDDEN_KINDS
        ],
        "corrective": corrective,
        "preventive": [_action(a, tr) for a in visible if a.type == ActionType.PREVENTIVE],
        "schedule": schedule,
        "expectations": expectations(incident, tr),
        "next_update": plan.next_update,
    }


# meptool's bookkeeping: an update drafted, approved or sent never reaches a client as such.
HIDDEN_KINDS = {EntryKind.UPDATE, EntryKind.FEEDBACK}


def _entry(e: Entry, tr: Any, lang: str) -> dict[str, Any]:
    """A client-visible entry: a person's words as written, meptool's own as a sentence."""
    from meptool.labels import entry_sentence

    if e.kind in (None, EntryKind.NOTE) or (e.note is None and not is_machine_line(str(e.text))):
        return {"at": e.at, "text": tr(e.text)}
    said = entry_sentence(e.kind.value, e.status.value if e.status else None, lang)
    words = tr(e.note) if e.note is not None else entry_note(e)
    if not words:
        return {"at": e.at, "text": said}
    return {"at": e.at, "text": f"{said} {_sentence(words)}" if said else _sentence(words)}


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?…" else text + "."


def expectations(incident: Incident, tr: Callable[[Any], str | None]) -> list[dict[str, Any]]:
    """What the client asked of us that the next update answers (SPEC.md 8): every open one,
    and those met or declined since the last update was sent; `tr` gives a text in the
    update's language."""
    sent = [c.sent_at for c in sent_updates(incident) if c.sent_at]
    last = max(sent) if sent else None
    return [
        {"id": e.id, "text": tr(e.text), "status": e.status.value, "answer": tr(e.answer)}
        for e in incident.expectations
        if e.status is ExpectationStatus.OPEN
        or last is None
        or e.answered_at is None
        or e.answered_at > last
    ]


def plan_update(ws: Workspace, incident: Incident, audience: Audience, language: str) -> Plan:
    """Decide the variant, the recipients and the next promised update."""
    kind = kind_of(incident, audience)
    sent = [c for c in sent_updates(incident) if _reaches(c, audience)]
    return Plan(
        kind=kind,
        audience=audience,
        language=language,
        recipients=recipients(incident, audience, language),
        next_update=next_update(ws, incident, kind),
        number=len(sent) + 1,
    )


def _version(value: str | None) -> str | None:
    """'v2.3.0' reads '2.3.0' after the word 'version'."""
    if value and len(value) > 1 and value[0] in "vV" and value[1].isdigit():
        return value[1:]
    return value


_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_BEFORE = re.compile(r" ([;:!?»])")
_AFTER = re.compile(r"« ")
_UNIT = re.compile(r"(?<=\d) (?=(h|jours?|heures?|minutes?)\b)|(?<=\d h) (?=\d)")


def typo_fr(text: str) -> str:
    """French typography: narrow no-break space before ; : ! ? », after «; curly apostrophes."""
    text = _APOSTROPHE.sub("’", text)
    text = _BEFORE.sub("\u202f\\1", text)
    text = _UNIT.sub("\u00a0", text)  # never break "18 h 40" or "3 jours" across lines
    return _AFTER.sub("«\u202f", text)
