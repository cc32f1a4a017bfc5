"""The facts of one incident's retrospective: milestones, durations, update gaps, actions.

Every duration is computed in UTC: two times of the same `ZoneInfo` subtract as
wall-clock times in Python, which is an hour off across a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from meptool.model.enums import ActionStatus, Status
from meptool.model.incident import Action, Incident

UTC = dt.UTC
STATUS_RANK = {s: i for i, s in enumerate(Status)}


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time between two aware datetimes, whatever their zones (DST-safe)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def reached(incident: Incident, status: Status) -> bool:
    """Whether the incident's lifecycle has reached `status`."""
    return STATUS_RANK[incident.status] >= STATUS_RANK[status]


@dataclass(frozen=True)
class Milestones:
    """The moments of an incident; None when unknown or not reached yet."""

    impact_start: dt.datetime | None
    detected: dt.datetime | None
    acknowledged: dt.datetime | None
    mitigated: dt.datetime | None
    resolved: dt.datetime | None


def _first_status(incident: Incident, statuses: Iterable[Status]) -> dt.datetime | None:
    wanted = set(statuses)
    times = [e.at for e in incident.timeline if e.status in wanted]
    return min(times, key=lambda t: t.astimezone(UTC)) if times else None


def milestones(incident: Incident) -> Milestones:
    """When the impact began, and when it was detected, acknowledged, mitigated, resolved.

    Status moments come from the timeline's status entries; the acknowledgement
    record and the impact's end fill in when a file was written by hand.
    """
    impact = incident.impact
    release = incident.release
    start = (impact.started_at if impact else None) or (release.deployed_at if release else None)
    detected = incident.detected_at or _first_status(incident, [Status.OPEN])
    acknowledged = _first_status(incident, [Status.ACKNOWLEDGED])
    if acknowledged is None and incident.acknowledgement:
        acknowledged = incident.acknowledgement.at
    resolved = _first_status(incident, [Status.RESOLVED, Status.CLOSED])
    mitigated = _first_status(incident, [Status.MITIGATED])
    if mitigated is None and reached(incident, Status.MITIGATED):
        mitigated = (impact.ended_at if impact else None) or resolved
    return Milestones(start, detected, acknowledged, mitigated, resolved)


@dataclass(frozen=True)
class Span:
    """A measured duration: `value` None when unknown; `running` when not over yet."""

    name: str
    start: dt.datetime | None
    end: dt.datetime | None
    value: dt.timedelta | None
    running: bool = False

    @property
    def hours(self) -> float | None:
        """The duration in hours (for charts and medians)."""
        return None if self.value is None else self.value.total_seconds() / 3600


def _span(
    name: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    done: bool,
    now: dt.datetime,
) -> Span:
    if start is None:
        return Span(name, None, end, None)
    if end is not None:
        return Span(name, start, end, elapsed(start, end))
    if done:
        return Span(name, start, None, None)  # reached, but nobody wrote down when
    # A clock set before the start (a frozen demo clock, a typo) must not show negative time.
    return Span(name, start, None, max(elapsed(start, now), dt.timedelta(0)), running=True)


def durations(incident: Incident, now: dt.datetime) -> dict[str, Span]:
    """Time to detect, acknowledge, mitigate, resolve (running ones measured until `now`)."""
    m = milestones(incident)
    return {
        "detect": _span("detect", m.impact_start, m.detected, done=True, now=now),
        "acknowledge": _span(
            "acknowledge",
            m.detected,
            m.acknowledged,
            done=reached(incident, Status.ACKNOWLEDGED),
            now=now,
        ),
        "mitigate": _span(
            "mitigate", m.detected, m.mitigated, done=reached(incident, Status.MITIGATED), now=now
        ),
        "resolve": _span(
            "resolve", m.detected, m.resolved, done=reached(incident, Status.RESOLVED), now=now
        ),
    }


@dataclass(frozen=True)
class Gap:
    """Time the client waited between two updates (`seq` None: since detection)."""

    after_seq: int | None
    seq: int | None
    start: dt.datetime
    end: dt.datetime
    value: dt.timedelta
    promised: dt.timedelta
    running: bool = False

    @property
    def late(self) -> bool:
        """Longer than the cadence promised for the severity."""
        return self.value > self.promised


def update_gaps(incident: Incident, cadence: dt.timedelta, now: dt.datetime) -> list[Gap]:
    """Gaps from detection to the first update sent, between updates, and to resolution or now."""
    m = milestones(incident)
    sent = sorted(
        ((c.sent_at, c.seq) for c in incident.communications if c.sent_at),
        key=lambda p: p[0].astimezone(UTC),
    )
    start = m.detected
    if start is None:
        start = sent[0][0] if sent else None
    if start is None:
        return []
    gaps: list[Gap] = []
    prev_time, prev_seq = start, None
    for at, seq in sent:
        if elapsed(prev_time, at) >= dt.timedelta(0) and not (prev_seq is None and at == start):
            gaps.append(Gap(prev_seq, seq, prev_time, at, elapsed(prev_time, at), cadence))
        prev_time, prev_seq = at, seq
    if m.resolved is None and not reached(incident, Status.RESOLVED):
        wait = max(elapsed(prev_time, now), dt.timedelta(0))
        gaps.append(Gap(prev_seq, None, prev_time, now, wait, cadence, running=True))
    elif m.resolved is not None and elapsed(prev_time, m.resolved) > dt.timedelta(0):
        gaps.append(
            Gap(prev_seq, None, prev_time, m.resolved, elapsed(prev_time, m.resolved), cadence)
        )
    return gaps


def overdue(action: Action, today: dt.date) -> bool:
    """An action not done whose due date has passed."""
    return action.status is not ActionStatus.DONE and action.due is not None and action.due < today
