"""Readable renderings of an incident for the terminal (Rich markup, escaped)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meptool.model.incident import Incident


def escape(text: str) -> str:
    """Text with Rich markup escaped (Rich is imported only when something is rendered)."""
    from rich.markup import escape as rich_escape

    from meptool.safetext import printable

    return rich_escape(printable(text))


# One scheme everywhere (terminal, retrospective, portfolio): critical red, major orange,
# minor blue-grey.
SEVERITY_STYLE = {"critical": "red", "major": "dark_orange", "minor": "steel_blue"}
STATUS_STYLE = {
    "open": "bold red",
    "acknowledged": "yellow",
    "mitigated": "cyan",
    "resolved": "green",
    "closed": "dim",
}


def when(value: dt.datetime | dt.date | None, tz: dt.tzinfo | None = None) -> str:
    """A compact time: 2026-11-20 18:40 +01:00."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        local = value.astimezone(tz) if tz else value
        # strftime("%Y-%m-%d %H:%M %z") with "+0000" said "UTC", from the (quicker)
        # ISO text; strftime itself where the two could differ (a year before 1000,
        # an offset in seconds, no offset at all).
        text = local.isoformat(" ", "minutes")
        if len(text) != 22 or local.year < 1000:
            return local.strftime("%Y-%m-%d %H:%M %z").replace("+0000", "UTC")
        offset = text[16:]
        return f"{text[:16]} {'UTC' if offset == '+00:00' else offset[:3] + offset[4:]}"
    return value.isoformat()


def _kv(label: str, value: object) -> str:
    return f"[bold]{label}:[/] {escape(str(value))}"


def incident_lines(
    inc: Incident, *, tz: dt.tzinfo, due: dt.datetime | None, now: dt.datetime
) -> list[str]:
    """The incident as Rich-markup lines."""
    sev, status = inc.severity.value, inc.status.value
    out = [
        f"[bold]{escape(inc.id)}[/]  {escape(inc.title)}",
        f"severity: [{SEVERITY_STYLE[sev]}]{sev}[/]   status: [{STATUS_STYLE[status]}]{status}[/]"
        f"   project: {escape(inc.project or '—')}   language: {inc.language or '—'}",
    ]
    if inc.release:
        r = inc.release
        parts = [r.version or "?"]
        if r.commit:
            parts.append(f"({r.commit[:12]})")
        if r.environment:
            parts.append(f"to {r.environment}")
        if r.deployed_at:
            parts.append(f"at {when(r.deployed_at, tz)}")
        out.append(_kv("release", " ".join(parts)))
        if r.pipeline_url:
            out.append(_kv("pipeline", r.pipeline_url))
    detected = when(inc.detected_at, tz)
    out.append(_kv("detected", detected + (f" by {inc.detected_by}" if inc.detected_by else "")))
    if inc.impact and (inc.impact.summary or inc.impact.users_affected):
        out.append(_kv("impact", inc.impact.summary or "—"))
        if inc.impact.users_affected:
            out.append(_kv("users affected", inc.impact.users_affected))
    if inc.client:
        out.append(_kv("client", inc.client.name or "—"))
        for c in inc.client.contacts:
            extra = ", ".join(x for x in (c.role, c.kind.value) if x)
            out.append(f"  - {escape(c.name)} <{escape(c.email or '?')}> ({escape(extra)})")
    if inc.team and inc.team.lead:
        out.append(_kv("project lead", inc.team.lead.name))
    if inc.acknowledgement:
        a = inc.acknowledgement
        out.append(_kv("acknowledged", f"{when(a.at, tz)} by {a.by}"))
        out.append(f"  “{escape(a.statement)}”")
    if due:
        late = " [bold red](overdue)[/]" if due < now else ""
        out.append(f"[bold]next client update due:[/] {when(due, tz)}{late}")
    if inc.timeline:
        out.append("[bold]timeline:[/]")
        for e in inc.timeline:
            vis = "[green]client[/]  " if e.visibility.value == "client" else "[dim]internal[/]"
            out.append(f"  {when(e.at, tz)}  {vis}  {escape(e.text)}")
    out += _cause_and_plan(inc, tz=tz, now=now)
    for f in inc.feedback:
        comment = f" — {f.comment}" if f.comment else ""
        out.append(_kv("feedback", f"CSAT {f.csat}/5 ({when(f.at, tz)}){comment}"))
    if inc.retro:
        for label, items in (
            ("went well", inc.retro.went_well),
            ("went badly", inc.retro.went_badly),
            ("lessons", inc.retro.lessons),
        ):
            for item in items:
                out.append(f"  {label}: {escape(item)}")
    return out


def _cause_and_plan(inc: Incident, *, tz: dt.tzinfo, now: dt.datetime) -> list[str]:
    """Root cause, corrective plan, schedule and client updates."""
    out: list[str] = []
    if inc.root_cause:
        rc = inc.root_cause
        cat = rc.category.value if rc.category else "uncategorised"
        out.append(_kv("root cause", f"[{cat}] {rc.summary or '—'}"))
        for i, why in enumerate(rc.whys, 1):
            out.append(f"  why {i}: {escape(why)}")
        for factor in rc.contributing_factors:
            out.append(f"  factor: {escape(factor)}")
        if rc.escape:
            out.append(f"  escaped because: {escape(rc.escape)}")
    if inc.corrective_plan:
        out.append("[bold]corrective plan:[/]")
        total = 0.0
        for act in inc.corrective_plan:
            total += act.effort_days or 0
            vis = "client-visible" if act.client_visible else "internal"
            overdue = act.due and act.status.value != "done" and act.due < now.date()
            due_text = when(act.due) + (" [bold red](overdue)[/]" if overdue else "")
            out.append(
                f"  {act.id} {act.type.value:<10} {act.status.value:<5} {escape(act.action)}"
                f" — {escape(act.owner or 'no owner')}, due {due_text}"
                f", {act.effort_days or 0:g} d, {vis}"
            )
        out.append(f"  total effort: {total:g} days")
    if inc.schedule_impact:
        s = inc.schedule_impact
        bits = []
        if s.delay_days is not None:
            bits.append(f"delay {s.delay_days:g} days")
        if s.new_delivery_date:
            bits.append(f"new delivery {s.new_delivery_date.isoformat()}")
        if s.budget_impact:
            bits.append(f"budget: {s.budget_impact}")
        if s.client_agreement:
            bits.append(f"client agreement: {s.client_agreement.value}")
        out.append(_kv("schedule", "; ".join(bits) or "—"))
    out += _calls_and_expectations(inc, tz=tz)
    if inc.communications:
        out.append("[bold]client updates:[/]")
        for comm in inc.communications:
            sent = (
                f", sent {when(comm.sent_at, tz)} to {len(comm.recipients)}" if comm.sent_at else ""
            )
            out.append(
                f"  #{comm.seq} {comm.audience.value} {comm.language.value} {comm.status.value}"
                f"{sent}: {escape(comm.subject)}"
            )
    return out


def _calls_and_expectations(inc: Incident, *, tz: dt.tzinfo) -> list[str]:
    """The client calls, what was heard, and what the client asked of us."""
    out: list[str] = []
    if inc.schedule_impact and inc.schedule_impact.agreement:
        a = inc.schedule_impact.agreement
        words = f": “{escape(a.words)}”" if a.words else ""
        out.append(_kv("client's answer", f"{a.by}, {when(a.at, tz)}, by {a.via.value}") + words)
    if inc.calls:
        out.append("[bold]client calls:[/]")
        for c in sorted(inc.calls, key=lambda c: c.seq):
            out.append(
                f"  #{c.seq} {when(c.at, tz)} {c.duration} min {c.status.value}"
                f" with {escape(', '.join(c.with_) or '—')}"
            )
            for said in c.heard:
                out.append(f"    heard: “{escape(said)}”")
    if inc.expectations:
        opened = len(inc.open_expectations)
        out.append(f"[bold]client expectations:[/] {opened} open of {len(inc.expectations)}")
        for e in inc.expectations:
            style = {"open": "bold yellow", "met": "green", "declined": "dim"}[e.status.value]
            answer = f" — {escape(e.answer)}" if e.answer else ""
            by = f" ({escape(e.by)})" if e.by else ""
            out.append(f"  {e.id} [{style}]{e.status.value}[/] {escape(e.text)}{by}{answer}")
    return out
