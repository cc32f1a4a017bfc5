"""What `incident list` needs of an incident, as plain data (stdlib only: no Pydantic).

The cache stores this summary so that listing thousands of incidents needs
neither YAML parsing nor model validation; a fresh parse gives the same one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meptool.model.incident import Incident

TIMES = ("detected_at", "next_update_due", "last_sent_at", "opened_at")


def summarize(incident: Incident) -> dict[str, Any]:
    """The summary of a validated incident."""
    sent = [c.sent_at for c in incident.communications if c.sent_at and c.is_update]
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "project": incident.project,
        "client": incident.client.name if incident.client else None,
        "detected_at": incident.detected_at,
        "next_update_due": incident.next_update_due,
        "last_sent_at": max(sent) if sent else None,
        "opened_at": incident.opened_at,
        "open_expectations": len(incident.open_expectations),
    }


def revive(data: dict[str, Any], tz: dt.tzinfo) -> dict[str, Any]:
    """A summary read back from JSON: times as datetimes (naive ones in the workspace zone)."""
    for name in TIMES:
        value = data.get(name)
        if isinstance(value, str):
            data[name] = moment(value, tz)
    return data


def moment(value: str | None, tz: dt.tzinfo) -> dt.datetime | None:
    """One time of a summary as stored (ISO text, naive in the workspace zone), as
    `revive` gives it."""
    if not value:
        return None
    found = dt.datetime.fromisoformat(value)
    return found.replace(tzinfo=tz) if found.tzinfo is None else found


def list_times(
    stored: dict[str, Any], tz: dt.tzinfo, cadence: dt.timedelta
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(detected_at, next update due) of a summary as stored, times still ISO text:
    `revive` then `next_update_due`, reading only the times these need."""
    detected = moment(stored["detected_at"], tz)
    if stored["status"] in ("resolved", "closed"):
        return detected, None
    if stored["next_update_due"]:
        return detected, moment(stored["next_update_due"], tz)
    start = moment(stored["last_sent_at"], tz) or detected or moment(stored["opened_at"], tz)
    return detected, None if start is None else start + cadence


def next_update_due(summary: dict[str, Any], cadence: dt.timedelta) -> dt.datetime | None:
    """When the client is owed the next update, or None once resolved.

    The promise recorded in `next_update_due` wins; otherwise the severity's
    cadence runs from the last update sent, else from detection.
    """
    if summary["status"] in ("resolved", "closed"):
        return None
    if summary["next_update_due"]:
        due: dt.datetime = summary["next_update_due"]
        return due
    start = summary["last_sent_at"] or summary["detected_at"] or summary["opened_at"]
    if start is None:
        return None
    moment: dt.datetime = start + cadence
    return moment
