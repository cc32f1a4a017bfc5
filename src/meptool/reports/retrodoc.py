"""The retrospective of one incident: the team's version and the client's, rendered and written.

The client version is built from the same facts with three things taken out
before any template sees them: internal timeline entries, actions not marked
`client_visible`, and the names of our people (replaced by a role).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.files.workspace import Workspace
from meptool.incident import timing as retro
from meptool.incident.redact import ROLE, Redactor, team_names
from meptool.labels import LABELS, filters
from meptool.model.enums import Visibility
from meptool.model.incident import Feedback, Incident, Person, ScheduleImpact

AUDIENCES = ("team", "client")
FORMATS = ("md", "html")


@dataclass(frozen=True)
class EntryView:
    """A timeline entry as the audience may see it."""

    at: dt.datetime
    text: str
    kind: str | None
    status: str | None
    by: str | None
    internal: bool


@dataclass(frozen=True)
class ActionView:
    """A corrective-plan action as the audience may see it."""

    id: str
    action: str
    type: str
    owner: str | None
    due: dt.date | None
    status: str
    effort_days: float | None
    client_visible: bool
    overdue: bool


@dataclass(frozen=True)
class UpdateView:
    """A client update that was sent."""

    seq: int
    sent_at: dt.datetime
    subject: str
    audience: str


@dataclass(frozen=True)
class ExpectationView:
    """Something the client asked of us, and what became of it."""

    id: str
    text: str
    by: str | None
    at: dt.datetime
    call: int | None
    status: str
    answer: str | None


@dataclass
class Report:
    """Everything a retrospective template may print, already filtered for its audience."""

    audience: str
    lang: str
    id: str
    title: str
    project: str | None
    client: str | None
    severity: str
    status: str
    release: dict[str, Any]
    detected_at: dt.datetime | None
    detected_by: str | None
    impact: dict[str, Any]
    acknowledgement: dict[str, Any] | None
    milestones: retro.Milestones
    spans: list[retro.Span]
    cadence: dt.timedelta
    gaps: list[retro.Gap]
    updates: list[UpdateView]
    entries: list[EntryView]
    root_cause: dict[str, Any] | None
    actions: list[ActionView]
    schedule: ScheduleImpact | None
    feedback: list[Feedback]
    retro: dict[str, list[str]]
    contact: Person | None
    now: dt.datetime
    missing: list[str] = field(default_factory=list)
    expectations: list[ExpectationView] = field(default_factory=list)
    agency: str | None = None

    @property
    def late_gaps(self) -> int:
        """How many gaps between client updates were longer than promised."""
        return sum(1 for g in self.gaps if g.late)

    @property
    def overdue_actions(self) -> int:
        """Actions past their due date and not done."""
        return sum(1 for a in self.actions if a.overdue)


def build(
    ws: Workspace, incident: Incident, audience: str, now: dt.datetime | None = None
) -> Report:
    """The report's facts for `audience` ('team' or 'client')."""
    now = now or ws.now()
    lang = (incident.language or ws.config.language).value
    client = audience == "client"
    extra = []
    if ws.config.team:
        extra = [
            *ws.config.team.members,
            *([ws.config.team.lead.name] if ws.config.team.lead else []),
        ]
    redactor = Redactor(team_names(incident, extra) if client else [], ROLE[lang])

    def text(value: str | None) -> str | None:
        return redactor(value) if client else value

    def who(value: str | None) -> str | None:
        if value is None:
            return None
        return ROLE[lang] if client else value

    entries = (
        client_chronology(incident, lang, text)
        if client
        else [
            EntryView(
                e.at,
                f"{e.text} — {e.note}" if e.note else str(e.text),
                e.kind.value if e.kind else None,
                e.status.value if e.status else None,
                e.by,
                e.visibility is Visibility.INTERNAL,
            )
            for e in sorted(incident.timeline, key=lambda e: e.at.astimezone(dt.UTC))
        ]
    )
    today = now.astimezone(ws.tz).date()
    shown = [a for a in incident.corrective_plan if not client or a.client_visible]
    actions = [
        ActionView(
            str(n) if client else a.id,  # the client sees 1, 2, 3: no gap where one is internal
            text(_in(a.action, lang)) or "",
            a.type.value,
            who(a.owner),
            a.due,
            a.status.value,
            a.effort_days,
            a.client_visible,
            retro.overdue(a, today),
        )
        for n, a in enumerate(shown, start=1)
    ]
    rc = incident.root_cause
    root_cause: dict[str, Any] | None = None
    if client and rc and (rc.client_summary or rc.summary or rc.escape):
        # Only what was written for the client: the plain cause and why it got through.
        root_cause = {
            "summary": text(_in(rc.client_summary or rc.summary, lang)),
            "category": None,
            "whys": [],
            "factors": [],
            "escape": text(_in(rc.escape, lang)),
        }
    elif (
        not client
        and rc
        and (rc.summary or rc.whys or rc.contributing_factors or rc.escape or rc.category)
    ):
        root_cause = {
            "summary": text(rc.summary),
            "category": rc.category.value if rc.category else None,
            "whys": [text(w) for w in rc.whys],
            "factors": [text(f) for f in rc.contributing_factors],
            "escape": text(rc.escape),
        }
    ack = incident.acknowledgement
    lead = (incident.team.lead if incident.team and incident.team.lead else None) or (
        ws.config.team.lead if ws.config.team else None
    )
    sched = incident.schedule_impact
    if sched and client and sched.budget_impact:
        sched = sched.model_copy(update={"budget_impact": text(_in(sched.budget_impact, lang))})
    impact = incident.impact
    rel = incident.release
    lessons = incident.retro
    expectations = [
        ExpectationView(
            e.id,
            text(_in(e.text, lang)) or "",
            e.by,
            e.at,
            e.call,
            e.status.value,
            text(_in(e.answer, lang)),
        )
        for e in incident.expectations
    ]
    report = Report(
        audience=audience,
        lang=lang,
        id=incident.id,
        title=text(_in(incident.title, lang)) or incident.title,
        project=incident.project or ws.config.project,
        client=(incident.client.name if incident.client else None)
        or (ws.config.client.name if ws.config.client else None),
        severity=incident.severity.value,
        status=incident.status.value,
        release={
            "version": rel.version if rel else None,
            "deployed_at": rel.deployed_at if rel else None,
            "environment": rel.environment if rel else None,
            "commit": (rel.commit[:12] if rel and rel.commit else None),
        },
        detected_at=incident.detected_at,
        detected_by=text(incident.detected_by),
        impact={
            "summary": text(_in(impact.summary, lang)) if impact else None,
            "users_affected": text(_in(impact.users_affected, lang)) if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
        },
        acknowledgement=(
            {
                "at": ack.at,
                # The client reads the lead's words, signed by the lead.
                "by": lead.name if client and lead else who(ack.by),
                "title": _in(lead.title, lang) if client and lead else None,
                "statement": _in(ack.statement, lang) if client else ack.statement,
            }
            if ack
            else None
        ),
        milestones=retro.milestones(incident),
        spans=list(retro.durations(incident, now).values()),
        cadence=ws.config.cadence(incident.severity),
        gaps=[]
        if client
        else retro.update_gaps(incident, ws.config.cadence(incident.severity), now),
        updates=[]
        if client  # in the client's chronology, by date
        else [
            UpdateView(c.seq, c.sent_at, text(c.subject) or "", c.audience.value)
            for c in sorted(incident.communications, key=lambda c: c.seq)
            if c.sent_at and c.is_update
        ],
        entries=entries,
        root_cause=root_cause,
        actions=actions,
        schedule=sched,
        feedback=[
            f.model_copy(update={"comment": text(f.comment)}) if client else f
            for f in incident.feedback
        ],
        retro={
            "went_well": [text(t) or "" for t in (lessons.went_well if lessons else [])],
            "went_badly": [text(t) or "" for t in (lessons.went_badly if lessons else [])],
            "lessons": [text(t) or "" for t in (lessons.lessons if lessons else [])],
        },
        contact=lead.model_copy(update={"title": _in(lead.title, lang)}) if lead else None,
        now=now,
        expectations=expectations,
        agency=ws.config.agency.name if ws.config.agency else None,
    )
    report.missing = _missing(report)
    return report


def _in(value: Any, lang: str) -> Any:
    """A two-language text in `lang` (as the file has it when that language is missing)."""
    from meptool.model.incident import Localized

    if isinstance(value, Localized):
        return value.translations.get(lang, str(value)) if value.translations else str(value)
    return value


def client_chronology(incident: Incident, lang: str, text: Any) -> list[EntryView]:
    """What the client may read of the timeline, in time order, each fact once.

    A person's entry reads as written; one meptool wrote (a status change, the
    acknowledgement…) as a sentence of the document's language; meptool's
    bookkeeping (an update drafted, approved, sent) never — the updates the
    client received are listed by the date they were sent, once each.
    """
    from meptool.updates.compose import HIDDEN_KINDS, _entry

    def tr(value: Any) -> str | None:
        return None if value is None else text(_in(value, lang))

    items: list[tuple[dt.datetime, str, str | None]] = []
    for e in incident.timeline:
        if e.visibility is not Visibility.CLIENT or e.kind in HIDDEN_KINDS:
            continue
        said = _entry(e, tr, lang)["text"] or ""
        items.append((e.at, said, e.kind.value if e.kind else None))
    word = "Nous vous avons adressé un point d'étape" if lang == "fr" else "We sent you an update"
    for c in incident.communications:
        if c.sent_at:
            items.append((c.sent_at, f"{word}.", "update"))
    seen: set[tuple[dt.datetime, str]] = set()
    out = []
    for at, said, kind in sorted(items, key=lambda i: i[0].astimezone(dt.UTC)):
        key = (at.replace(second=0, microsecond=0), said)
        if not said.strip() or key in seen:
            continue
        seen.add(key)
        out.append(EntryView(at, said, kind, None, None, False))
    return out


def _missing(r: Report) -> list[str]:
    """Sections with nothing recorded yet, so the report can say so plainly."""
    out = []
    if not r.impact["summary"]:
        out.append("impact")
    if r.root_cause is None:
        out.append("root_cause")
    elif not r.root_cause["whys"]:
        out.append("whys")
    if r.root_cause is not None and not r.root_cause["escape"]:
        out.append("escape")
    if not r.actions:
        out.append("actions")
    if r.schedule is None:
        out.append("schedule")
    if not r.feedback:
        out.append("feedback")
    for key in ("went_well", "went_badly", "lessons"):
        if not r.retro[key]:
            out.append(key)
    return out


def timeline_chart(ws: Workspace, r: Report) -> Any:
    """The timeline picture of a report (HTML)."""
    from meptool.writing import timelinechart as charts

    fmt = filters(r.lang, ws.tz)
    names = LABELS[r.lang]["milestone"]
    events = [
        charts.Event(at, names[key], fmt["retro_when"](at), "milestone")
        for key, at in vars(r.milestones).items()
        if at is not None
    ]
    word = "Point" if r.lang == "fr" else "Update"
    events += [
        charts.Event(
            u.sent_at,
            f"{word} n° {u.seq}" if r.lang == "fr" else f"{word} #{u.seq}",
            fmt["retro_when"](u.sent_at),
            "update",
        )
        for u in r.updates
    ]
    events += [charts.Event(e.at, e.text, fmt["retro_when"](e.at), "entry") for e in r.entries]
    start = r.milestones.impact_start
    end = r.impact["ended_at"] or r.milestones.mitigated or r.milestones.resolved
    end = end or r.now  # an impact not over yet runs until now
    impact = (start, end) if start and retro.elapsed(start, end) > dt.timedelta(0) else None

    def tick(t: dt.datetime) -> str:
        return (
            str(fmt["retro_clock"](t))
            if (t.hour, t.minute) != (0, 0)
            else str(fmt["retro_day"](t.date()))
        )

    return charts.timeline(events, tz=ws.tz, tick_label=tick, impact=impact)


def render(ws: Workspace, incident: Incident, audience: str, fmt: str) -> str:
    """The retrospective as Markdown or self-contained HTML."""
    from meptool.writing import templating

    report = build(ws, incident, audience)
    context: dict[str, Any] = {"r": report, "labels": LABELS[report.lang]}
    if fmt == "html":
        context["timeline"] = timeline_chart(ws, report)
    env = templating.for_workspace(ws, filters=filters(report.lang, ws.tz))
    if audience != "client":
        return tidy(templating.render(env, f"retro/{report.lang}/report.{fmt}.j2", context), fmt)
    # The client's version: one text (client.md.j2), French typography as in the mails,
    # and for HTML that text inside a page with the timeline picture.
    from meptool.updates.compose import typo_fr

    text = tidy(templating.render(env, f"retro/{report.lang}/client.md.j2", context), "md")
    if report.lang == "fr":
        text = typo_fr(text)
    _check_client(ws, incident, report.lang, text)
    if fmt == "md":
        return text
    from markupsafe import Markup

    # The timeline picture goes under the chronology's heading (else after the text).
    html = _markdown(text)
    word = "Chronologie" if report.lang == "fr" else "Timeline"
    head, heading, rest = html.partition(f"<h2>{word}</h2>")
    context["body"] = Markup(head + heading)
    context["rest"] = Markup(rest)
    return templating.render(env, f"retro/{report.lang}/client.html.j2", context)


def _check_client(ws: Workspace, incident: Incident, lang: str, text: str) -> None:
    """`update check`'s rules on the client's report before it is written (SPEC.md 5 *(v2)*):
    nothing internal, no secret, nobody blamed. (A report is no update: the rules on what an
    update must contain do not apply.)"""
    from meptool.errors import InputError
    from meptool.model.texts import localized
    from meptool.updates.check import Draft, check_drafts

    found = check_drafts(
        [Draft("client retrospective", text.splitlines(), None)],
        incident=localized(incident, lang),
        internal_hostnames=ws.config.internal_hostnames,
    )
    blocking = [f for f in found if f.blocking and not f.rule.startswith("missing-")]
    if blocking:
        raise InputError(
            f"the client retrospective of {incident.id} fails the check:\n"
            + "\n".join(str(f) for f in blocking),
            hint="mark the entry or action internal, or reword it, then write the report again",
        )


def _markdown(text: str) -> str:
    """The client's report as HTML: CommonMark with tables, raw HTML escaped, no links."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.disable(["link", "image", "autolink", "html_inline", "html_block"])
    return str(md.render(text))


def tidy(text: str, fmt: str) -> str:
    """Markdown without the runs of blank lines that optional sections leave behind."""
    if fmt != "md":
        return text
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def default_path(ws: Workspace, incident_id: str, audience: str, fmt: str) -> Path:
    """`incidents/ID/retro.<fmt>` for the team, `retro-client.<fmt>` for the client."""
    name = "retro" if audience == "team" else "retro-client"
    return ws.incident_dir(incident_id) / f"{name}.{fmt}"


def review(ws: Workspace, incident: Incident, audience: str, text: str, fmt: str) -> list[Any]:
    """`update check`'s rules over a rendered retrospective, before it is written.

    The client's version runs every rule but the update's six elements (ownership
    stance, blame, internal leaks, secrets): its blocking findings stop the
    report. The team's version may quote internal notes, so only secrets are
    looked for, and they warn (the team reads it, but a password in an internal
    note is still one to rotate).
    """
    from dataclasses import replace

    from meptool.updates.check import CLIENT_REPORT, TEAM_REPORT, check_text

    client = audience == "client"
    found = check_text(
        text,
        source=ws.display(default_path(ws, incident.id, audience, fmt)),
        incident=incident,
        internal_hostnames=ws.config.internal_hostnames,
        rules=CLIENT_REPORT if client else TEAM_REPORT,
        html=fmt == "html",
    )
    return found if client else [replace(f, level="warning") for f in found]
