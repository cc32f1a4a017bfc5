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

    entries = [
        EntryView(
            e.at,
            text(e.text) or "",
            e.kind.value if e.kind else None,
            e.status.value if e.status else None,
            who(e.by),
            e.visibility is Visibility.INTERNAL,
        )
        for e in sorted(incident.timeline, key=lambda e: e.at.astimezone(dt.UTC))
        if not client or e.visibility is Visibility.CLIENT
    ]
    today = now.astimezone(ws.tz).date()
    actions = [
        ActionView(
            a.id,
            text(a.action) or "",
            a.type.value,
            who(a.owner),
            a.due,
            a.status.value,
            a.effort_days,
            a.client_visible,
            retro.overdue(a, today),
        )
        for a in incident.corrective_plan
        if not client or a.client_visible
    ]
    rc = incident.root_cause
    root_cause = None
    if rc and (rc.summary or rc.whys or rc.contributing_factors or rc.escape or rc.category):
        root_cause = {
            "summary": text(rc.summary),
            "category": rc.category.value if rc.category else None,
            "whys": [text(w) for w in rc.whys],
            "factors": [text(f) for f in rc.contributing_factors],
            "escape": text(rc.escape),
        }
    ack = incident.acknowledgement
    sched = incident.schedule_impact
    if sched and client and sched.budget_impact:
        sched = sched.model_copy(update={"budget_impact": text(sched.budget_impact)})
    impact = incident.impact
    rel = incident.release
    lessons = incident.retro
    report = Report(
        audience=audience,
        lang=lang,
        id=incident.id,
        title=text(incident.title) or incident.title,
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
            "summary": text(impact.summary) if impact else None,
            "users_affected": text(impact.users_affected) if impact else None,
            "started_at": impact.started_at if impact else None,
            "ended_at": impact.ended_at if impact else None,
        },
        acknowledgement=(
            {"at": ack.at, "by": who(ack.by), "statement": text(ack.statement)} if ack else None
        ),
        milestones=retro.milestones(incident),
        spans=list(retro.durations(incident, now).values()),
        cadence=ws.config.cadence(incident.severity),
        gaps=retro.update_gaps(incident, ws.config.cadence(incident.severity), now),
        updates=[
            UpdateView(c.seq, c.sent_at, text(c.subject) or "", c.audience.value)
            for c in sorted(incident.communications, key=lambda c: c.seq)
            if c.sent_at
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
        contact=(incident.team.lead if incident.team and incident.team.lead else None)
        or (ws.config.team.lead if ws.config.team else None),
        now=now,
    )
    report.missing = _missing(report)
    return report


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
    return tidy(templating.render(env, f"retro/{report.lang}/report.{fmt}.j2", context), fmt)


def tidy(text: str, fmt: str) -> str:
    """Markdown without the runs of blank lines that optional sections leave behind."""
    if fmt != "md":
        return text
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def default_path(ws: Workspace, incident_id: str, audience: str, fmt: str) -> Path:
    """`incidents/ID/retro.<fmt>` for the team, `retro-client.<fmt>` for the client."""
    name = "retro" if audience == "team" else "retro-client"
    return ws.incident_dir(incident_id) / f"{name}.{fmt}"
